"""Helpers of the command-line tests: run ``graduasi`` in a subprocess or in this process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: a tiny run: two replicates of 200 households over six months
SMALL = ("population.households=200", "population.village_size=20", "run.months=6",
         "run.burn_in_months=2", "run.replicates=2", "progress=false")  # fmt: skip


def graduasi(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the ``graduasi`` command in a fresh process."""
    cmd = [sys.executable, "-m", "experiments.app", *args]
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=full_env, check=False)  # fmt: skip


def snapshot(root: Path) -> dict[str, tuple[bool, int, int]]:
    """Every file and folder under ``root`` with its kind, size and modification time."""
    out = {}
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        out[str(path.relative_to(root))] = (path.is_dir(), st.st_size, st.st_mtime_ns)
    return out


def in_process(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    """Run ``graduasi`` in this process; return its exit status and what it printed.

    A simulation must not start: building a model fails the test.
    """
    from hydra.core.global_hydra import GlobalHydra

    import experiments.app
    import simulation.model

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("a simulation started")

    monkeypatch.setattr(simulation.model.GraduationModel, "__init__", refuse)
    monkeypatch.setattr(sys, "argv", ["graduasi", *args])
    code: int | str | None = 0
    try:
        experiments.app.cli()
    except SystemExit as stop:
        code = stop.code
    finally:
        GlobalHydra.instance().clear()
    captured = capsys.readouterr()
    return (code if isinstance(code, int) else 1), captured.out + captured.err


def assert_refused(
    command: Callable[[list[str]], object], argv: list[str], fragments: list[str], root: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """``command(argv)`` exits 2, its message holds ``fragments``, ``root`` is unchanged."""
    before = snapshot(root)
    with pytest.raises(SystemExit) as stop:
        command(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert snapshot(root) == before
