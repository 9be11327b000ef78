"""The lock (requirements/lock.txt) pins every dependency pyproject.toml declares, in range."""

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def _locked() -> dict[str, str]:
    """Package -> pinned version, for the entries whose markers hold on this interpreter."""
    pins = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines():
        if not line or line.startswith((" ", "#")):
            continue
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate():
            (spec,) = req.specifier
            assert spec.operator == "==", line
            pins[canonicalize_name(req.name)] = spec.version
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        lines += extra
    reqs = [Requirement(line) for line in lines]
    return [r for r in reqs if r.name != project["name"]]


@pytest.mark.parametrize("req", _declared(), ids=str)
def test_every_declared_dependency_is_locked_within_its_range(req):
    if req.marker is not None and not req.marker.evaluate():
        pytest.skip(f"{req} does not apply to this interpreter")
    pins = _locked()
    name = canonicalize_name(req.name)
    assert name in pins, f"{req.name} is declared but not locked: run `make lock`"
    assert req.specifier.contains(pins[name], prereleases=True), (
        f"{req.name}=={pins[name]} in the lock is outside {req.specifier}: run `make lock`"
    )


def test_the_lock_pins_the_installer_and_the_build_backend():
    assert {"pip", "setuptools"} <= set(_locked())
