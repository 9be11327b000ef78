"""Run a study: write its design file, run the points as one ``graduasi`` sweep, collect them.

The planner tools (allocation explorer, sensitivity analysis, ...) make a list of points, each a
label and dotted overrides on a scenario, and hand it to :func:`run_study`. The points run
through the ``graduasi`` command as one Hydra sweep (``design=FILE point=range(0,N)``), so a
study gets the checks of every point before anything runs, any launcher (``cores``, ``basic``,
``slurm``), the progress bar, and resume: run the same study again and only the missing
points are computed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xarray as xr

from experiments.collect import collect
from experiments.design import Point, load_design, write_design
from experiments.jobs import code_fingerprint
from simulation.params import ParameterError

__all__ = ["StudyError", "run_study", "sweep_command"]


class StudyError(RuntimeError):
    """The sweep of a study failed (the message holds what ``graduasi`` printed).

    ``returncode`` is the sweep's exit status: 2 when it refused its input and ran nothing.
    """

    def __init__(self, message: str, returncode: int = 1) -> None:
        super().__init__(message)
        self.returncode = returncode


def _same_points(path: Path, points: Sequence[Point]) -> bool:
    try:
        return load_design(path).points == tuple(points)
    except ParameterError:
        return False


def sweep_command(design: Path, n_points: int, sweep_dir: Path, extra: Sequence[str]) -> list[str]:
    """Return the ``graduasi`` command line that runs every point of a design."""
    return [sys.executable, "-m", "experiments.app", "-m", f"design={design}",
            f"point=range(0,{n_points})", f"hydra.sweep.dir={sweep_dir}", *extra]  # fmt: skip


def run_study(
    folder: Path,
    name: str,
    scenario: str,
    points: Sequence[Point],
    meta: dict[str, Any],
    extra: Sequence[str] = (),
    *,
    quiet: bool = False,
) -> xr.Dataset:
    """Run the points of a study and return their results (dim ``scenario`` = point labels).

    Parameters
    ----------
    folder : Path
        The study's folder: ``design.yaml`` and the sweep (``sweep/``) go there.
    name, scenario : str
        The design's name and the scenario every point starts from.
    points : sequence of Point
        Labels and dotted overrides.
    meta : dict
        Provenance written into the design file (the command, the seed, ...).
    extra : sequence of str
        More ``graduasi`` overrides for every point (sizes, replicates, the launcher).
    quiet : bool
        Keep the sweep's messages and progress bar (otherwise shown on stderr) for the error.

    Raises
    ------
    StudyError
        ``folder`` holds another study's design, or the sweep exited with an error (a bad
        point, or failed jobs, named in the message). A sweep that refused its input leaves
        the folder as it was.
    """
    path, new_folder = folder / "design.yaml", not folder.exists()
    if path.exists() and not _same_points(path, points):
        raise StudyError(f"{folder} holds another study (other points); give another folder", 2)
    existed = path.exists()
    design = write_design(path, name, scenario, points, meta)
    sweep = folder / "sweep"
    cmd = sweep_command(design, len(points), sweep, extra)
    res = subprocess.run(cmd, stdout=subprocess.DEVNULL, text=True, check=False,
                         stderr=subprocess.PIPE if quiet else None)  # fmt: skip
    if res.returncode != 0:
        if res.returncode == 2 and not existed:  # refused before anything ran: leave no trace
            path.unlink(missing_ok=True)
            if new_folder:
                shutil.rmtree(folder, ignore_errors=True)
        said = res.stderr[-4000:] if quiet else "(its messages are above)"
        raise StudyError(f"the sweep of study {name!r} failed:\n{said}", res.returncode)
    ds = collect(sweep, code_fingerprint())
    labels = [p.label for p in points]
    missing = sorted(set(labels) - {str(s) for s in ds.scenario.values})
    if missing:
        raise StudyError(f"points without results in {sweep}: {', '.join(missing[:10])}")
    return ds.sel(scenario=labels)
