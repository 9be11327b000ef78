"""Design files: the points of a study (an allocation design, a Sobol sample), run as one sweep.

A design file is YAML: ``meta`` (its ``name``, the ``scenario`` every point starts from, and any
provenance: the command that made it, its seed) and ``points``, each a ``label`` and the dotted
``overrides`` of that point::

    meta: {name: allocation_2025, scenario: baseline_2025, command: "...", seed: 0}
    points:
      - label: status_quo
        overrides: {}
      - label: p0001
        overrides: {policy.programmes.PKH.budget: [25.1e12], policy.programmes.PENA.budget: [3e12]}

Point ``i`` of a design runs as one job of the ``graduasi`` command, so a study of any size uses
the launchers, the checks, the resume and the report of every sweep::

    graduasi -m design=outputs/allocation/design.yaml 'point=range(0,64)' run.replicates=8

A point's result is labelled with its ``label`` (the ``scenario`` of ``graduasi-report``).
Overrides on the command line apply to every point; a key that a point sets too is refused.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from experiments.results import write_text_atomic
from scenarios import YamlLoader
from simulation.params import ParameterError

__all__ = ["Design", "Point", "load_design", "write_design"]

LABEL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:+=-]{0,79}$")


@dataclass(frozen=True)
class Point:
    """One point of a design: its label and its dotted overrides."""

    label: str
    overrides: dict[str, Any]


@dataclass(frozen=True)
class Design:
    """A design: its name, the scenario its points start from, and the points."""

    name: str
    scenario: str
    points: tuple[Point, ...]
    meta: dict[str, Any]


def _fail(path: Path, message: str) -> ParameterError:
    return ParameterError(f"design file {str(path)!r}: {message}")


def _point(path: Path, i: int, item: Any) -> Point:
    if not isinstance(item, Mapping) or set(item) - {"label", "overrides"}:
        raise _fail(path, f"points[{i}] must be a mapping of 'label' and 'overrides', got {item!r}")
    label, overrides = item.get("label"), item.get("overrides") or {}
    if not isinstance(label, str) or not LABEL.match(label):
        raise _fail(path, f"points[{i}].label must be a name of letters, digits and _.:+=- "
                          f"(at most 80), got {label!r}")  # fmt: skip
    if not isinstance(overrides, Mapping) or not all(isinstance(k, str) for k in overrides):
        raise _fail(path, f"points[{i}].overrides must map dotted names to values")
    return Point(label, dict(overrides))


@functools.lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int) -> Design:
    file = Path(path)
    try:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=YamlLoader)  # a SafeLoader
    except (OSError, yaml.YAMLError) as err:
        raise _fail(file, f"cannot be read: {err}") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("meta"), Mapping):
        raise _fail(file, "must be a mapping with 'meta' (name, scenario) and 'points'")
    meta = dict(data["meta"])
    name, scenario = meta.get("name"), meta.get("scenario")
    if not isinstance(name, str) or not isinstance(scenario, str):
        raise _fail(file, f"meta must name the design and its scenario, got {meta!r}")
    items = data.get("points")
    if not isinstance(items, list) or not items:
        raise _fail(file, "points must be a non-empty list")
    points = tuple(_point(file, i, item) for i, item in enumerate(items))
    labels = [p.label for p in points]
    if len(set(labels)) != len(labels):
        twice = sorted({x for x in labels if labels.count(x) > 1})
        raise _fail(file, f"labels must be unique, repeated: {', '.join(twice[:5])}")
    return Design(name, scenario, points, meta)


def load_design(path: str | Path) -> Design:
    """Read and check a design file (cached while the file is unchanged).

    Raises
    ------
    ParameterError
        The file is missing or unreadable, or its content is not a design; the message names
        the file and what is wrong.
    """
    file = Path(path).resolve()
    if not file.is_file():
        raise ParameterError(f"design file {str(path)!r} does not exist")
    return _load(str(file), file.stat().st_mtime_ns)


def write_design(
    path: Path, name: str, scenario: str, points: Sequence[Point], meta: Mapping[str, Any]
) -> Path:
    """Write a design file atomically and return its path (checked by reading it back)."""
    body = {
        "meta": {"name": name, "scenario": scenario, **meta},
        "points": [{"label": p.label, "overrides": p.overrides} for p in points],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(yaml.safe_dump(body, sort_keys=False, width=100), path)
    load_design(path)
    return path
