"""What one ``graduasi`` job computes, checked before anything runs.

:func:`plan` turns a composed configuration (without its ``hydra`` node) into a :class:`Job`:
the scenario, its validated parameters, the replicates and the configuration hash that names the
result file. Every check of a job's own settings happens here, so the same rules apply to a
single run, to every point of a sweep before its first job starts, and to each job again where
it runs (a cluster node may hold other files).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.config import GraduasiConfig, overrides_from
from experiments.design import load_design
from scenarios import load_params
from simulation.params import ParameterError, Params
from simulation.schema import to_dict

__all__ = ["Job", "code_fingerprint", "config_hash", "plan"]

SIMULATION_DIR = Path(__file__).resolve().parents[1] / "simulation"
#: modules of the engine package that only read results (figures, comparisons): a change to
#: them does not make earlier results stale
ANALYSIS_ONLY = frozenset({"plotting.py", "compare.py"})
#: a result file's stem: letters, digits, ``_``, ``-`` and ``.``, not hidden, no folders
OUTPUT_STEM = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")
_KEYS = tuple(f.name for f in dataclasses.fields(GraduasiConfig))


@dataclass(frozen=True)
class Job:
    """One job: a scenario's validated parameters and the replicates to run."""

    scenario: str
    params: Params
    replicates: list[int]
    digest: str
    output: str
    progress: bool

    @property
    def file_name(self) -> str:
        """Name of the job's result file."""
        return f"{self.output}-{self.digest}.nc"


_FINGERPRINT: dict[str, str] = {}


def code_fingerprint() -> str:
    """Hash of the engine's source files that compute results: other code's are not reused."""
    if "code" not in _FINGERPRINT:
        h = hashlib.sha256()
        for path in sorted(SIMULATION_DIR.rglob("*.py")):
            if path.name not in ANALYSIS_ONLY:
                h.update(path.read_bytes())
        _FINGERPRINT["code"] = h.hexdigest()[:12]
    return _FINGERPRINT["code"]


def config_hash(scenario: str, params: Params, replicates: list[int]) -> str:
    """Stable hash of what a job computes: scenario, resolved parameters, replicates, code."""
    blob = json.dumps(
        {"scenario": scenario, "params": to_dict(params), "replicates": replicates,
         "code": code_fingerprint()},
        sort_keys=True,
    )  # fmt: skip
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _replicates(value: Any, params: Params) -> list[int]:
    n = params.run.replicates
    if value is None:
        return list(range(n))
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < n:
        raise ParameterError(
            f"replicate must be an integer in [0, {n - 1}] (run.replicates={n}), got {value!r}"
        )
    return [value]


def _output(value: Any) -> str:
    if not isinstance(value, str) or not OUTPUT_STEM.match(value):
        raise ParameterError(
            f"output must be a file name stem of letters, digits, '_', '-' and '.' (not hidden, "
            f"no folders, at most 100 characters), got {value!r}"
        )
    return value


def plan(tree: Mapping[str, Any]) -> Job:
    """Validate a job's configuration and return what it computes.

    Parameters
    ----------
    tree : Mapping
        The composed configuration as plain containers, without the ``hydra`` node.

    Raises
    ------
    ParameterError
        An unknown key, an invalid scenario, parameter, replicate or output name.
    """
    unknown = sorted(set(tree) - set(_KEYS) - {"hydra", "experiment"})
    if unknown:
        raise ParameterError(f"unknown key {unknown[0]!r}; allowed keys: {', '.join(_KEYS)}")
    scenario, label, overrides = _source(tree)
    params = load_params(scenario, overrides)
    reps = _replicates(tree.get("replicate"), params)
    output = _output(tree.get("output", "result"))
    digest = config_hash(label, params, reps)
    return Job(label, params, reps, digest, output, bool(tree.get("progress", True)))


def _source(tree: Mapping[str, Any]) -> tuple[Any, str, dict[str, Any]]:
    """Return the scenario, the result's label and the overrides of a job (design point or not)."""
    design, point = tree.get("design"), tree.get("point")
    cli = overrides_from(dict(tree))
    if design is None:
        if point is not None:
            raise ParameterError(f"point={point!r} needs design=FILE (a design file of points)")
        return tree.get("scenario"), str(tree.get("scenario")), cli
    d = load_design(design)
    n = len(d.points)
    if isinstance(point, bool) or not isinstance(point, int) or not 0 <= point < n:
        raise ParameterError(
            f"point must be an integer in [0, {n - 1}] (the points of design {design!r}), "
            f"got {point!r}"
        )
    chosen = d.points[point]
    both = sorted(set(chosen.overrides) & set(cli))
    if both:
        raise ParameterError(
            f"{both[0]} is set by point {point} of design {design!r} and on the command line; "
            "set it in one place"
        )
    return d.scenario, chosen.label, {**chosen.overrides, **cli}
