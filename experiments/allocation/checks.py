"""Checks of a study before anything is written: every point as ``graduasi`` would check it.

The ``graduasi`` overrides of the command line are composed with Hydra's own configuration (so a
misspelt key, a bad launcher option or a sweep value is refused as ``graduasi`` refuses it), and
every point of the design is planned from a design file in a temporary folder (so a value out of
bounds, a key that a point sets too, or a budget the schema refuses is named before the study's
folder is touched). An output folder that already holds a different study is refused too:
results of two designs must not mix in one sweep.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from experiments.design import Point, load_design, write_design
from simulation.params import ParameterError

__all__ = ["check_out", "check_points"]


def _compose(overrides: Sequence[str]) -> dict[str, Any]:
    from hydra import compose, initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    from experiments.app import CONF_DIR
    from experiments.cli import check_override
    from experiments.hooks import task_tree

    for text in overrides:
        if why := check_override(text):
            raise ParameterError(why)
    try:
        with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
            cfg = compose(config_name="config", overrides=list(overrides))
    except (HydraException, OmegaConfBaseException) as err:
        raise ParameterError(f"graduasi overrides {' '.join(overrides)!r}: {err}") from None
    return task_tree(cfg)


def check_points(scenario: str, points: Sequence[Point], overrides: Sequence[str]) -> None:
    """Plan every point with ``overrides`` as the ``graduasi`` sweep will; nothing is written.

    Raises
    ------
    ParameterError
        An override or a point is refused; the message names it.
    """
    from experiments.jobs import plan

    tree = _compose(overrides)
    with tempfile.TemporaryDirectory(prefix="graduasi-check-") as tmp:
        design = write_design(Path(tmp) / "design.yaml", "check", scenario, points, {})
        for i, point in enumerate(points):
            try:
                plan(tree | {"design": str(design), "point": i})
            except ParameterError as err:
                text = str(err).replace(str(design), "the design")
                raise ParameterError(f"point {i} ({point.label}): {text}") from None


def _same(path: Path, scenario: str, points: Sequence[Point], keep: dict[str, Any]) -> str | None:
    """Why the design at ``path`` is another study, or ``None`` if it is this one."""
    try:
        old = load_design(path)
    except ParameterError as err:
        return str(err)
    if old.scenario != scenario:
        return f"its scenario is {old.scenario!r}"
    if [(p.label, p.overrides) for p in old.points] != [(p.label, p.overrides) for p in points]:
        return "its points differ (another seed, size, envelope or marginal change)"
    for key, value in keep.items():
        if old.meta.get(key) != value:
            return f"its {key} is {old.meta.get(key)!r}, not {value!r}"
    return None


def check_out(
    out: Path, scenario: str, points: Sequence[Point], keep: dict[str, Any], flag: str = "--out"
) -> None:
    """Refuse an output folder that is a file, is not writable, or holds another study.

    ``keep`` are the design's meta entries that must match (e.g. the graduasi overrides).
    Running the same study again (to resume it) is allowed.
    """
    if out.exists() and not out.is_dir():
        raise ParameterError(f"{flag} {str(out)!r} is a file; give a folder (made if missing)")
    parent = out
    while not parent.exists():
        parent = parent.parent
    try:
        with tempfile.TemporaryFile(dir=parent):
            pass
    except OSError as err:
        raise ParameterError(
            f"{flag} {str(out)!r}: cannot write in {str(parent)!r} ({err})"
        ) from None
    design = out / "design.yaml"
    if design.exists() and (why := _same(design, scenario, points, keep)):
        raise ParameterError(
            f"{flag} {str(out)!r} holds another study ({design}: {why}); give another {flag} "
            "or remove that folder (the same command again resumes its own study)"
        )
