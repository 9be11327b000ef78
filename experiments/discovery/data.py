"""The data of scenario discovery: the points' factor values and their outcome, from a study.

A study folder holds ``design.yaml`` (the points: label and dotted overrides) and ``sweep/``
(the results of the ``graduasi`` sweep that ran them), as written by
:func:`experiments.study.run_study` (e.g. ``python -m experiments.sensitivity``). ``X`` is one
row per point and one column per dotted name the points set (a one-value list such as a budget
``[x]`` is read as ``x``, off/on as 0/1); ``y`` is a headline outcome of
:func:`simulation.compare.headlines`, the mean over the point's replicates.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from experiments.collect import collect
from experiments.design import Design, load_design
from experiments.jobs import code_fingerprint
from simulation.compare import HEADLINES, headlines
from simulation.params import ParameterError

__all__ = ["DiscoveryError", "Study", "cases", "factor_frame", "load_study", "outcome_values"]


class DiscoveryError(ValueError):
    """Input that scenario discovery cannot use (the message says what is allowed)."""


@dataclass(frozen=True)
class Study:
    """A study's design, its collected results and where they came from."""

    folder: Path
    design: Design
    results: xr.Dataset
    note: str


def _collect(sweep: Path) -> tuple[xr.Dataset, str]:
    """Collect a sweep: results of any engine code, or of the current one if those clash."""
    quiet = logging.getLogger("experiments.collect")
    level, quiet.level = quiet.level, logging.ERROR
    try:
        try:
            return collect(sweep), "results of the engine code that computed them"
        except ValueError:
            return collect(sweep, code_fingerprint()), "results of the current engine code"
    except (FileNotFoundError, ValueError) as err:
        raise DiscoveryError(f"cannot collect the study's sweep: {err}") from None
    finally:
        quiet.setLevel(level)


def load_study(folder: str | Path) -> Study:
    """Read a study folder (``design.yaml`` and ``sweep/``).

    Raises
    ------
    DiscoveryError
        No such folder, no design or sweep in it, or no readable results.
    """
    root = Path(folder)
    if not root.is_dir():
        raise DiscoveryError(f"study folder {str(root)!r} does not exist or is not a folder")
    design_file, sweep = root / "design.yaml", root / "sweep"
    if not design_file.is_file() or not sweep.is_dir():
        raise DiscoveryError(
            f"{str(root)!r} is not a study folder: it needs design.yaml and sweep/ (as written "
            "by python -m experiments.sensitivity or experiments.study.run_study)"
        )
    try:
        design = load_design(design_file)
    except ParameterError as err:
        raise DiscoveryError(str(err)) from None
    ds, note = _collect(sweep)
    return Study(root, design, ds, note)


def _number(value: Any) -> Any:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool):
        return int(value)
    return value


def factor_frame(design: Design) -> tuple[pd.DataFrame, frozenset[str]]:
    """Return the points' factor values and the names of the on/off factors.

    Rows are the points' labels and columns the dotted names that vary. Numbers stay numbers
    (off/on as 0/1, a one-value list as its value); anything else is a category. A name set by
    only some points, or set to the same value everywhere, is dropped.
    """
    on_off = frozenset(k for p in design.points for k, v in p.overrides.items()
                       if isinstance(v, bool))  # fmt: skip
    rows = {p.label: {k: _number(v) for k, v in p.overrides.items()} for p in design.points}
    x = pd.DataFrame.from_dict(rows, orient="index")
    x = x.loc[:, x.notna().all() & (x.nunique() > 1)]
    for col in x.columns:
        numeric = pd.to_numeric(x[col], errors="coerce")
        x[col] = numeric.astype(float) if numeric.notna().all() else x[col].astype("category")
    return x, on_off & set(x.columns)


def available(ds: xr.Dataset) -> list[str]:
    """Headline outcomes of ``ds`` with a value at some point."""
    h = headlines(ds)
    return [n for n in h.data_vars if bool(np.isfinite(h[n]).any())]


def outcome_values(ds: xr.Dataset, outcome: str, labels: list[str]) -> pd.Series:
    """Return ``outcome`` at each point of ``labels`` held by ``ds`` (mean over replicates).

    Raises
    ------
    DiscoveryError
        ``outcome`` is not a headline outcome with values in ``ds`` (the message lists them).
    """
    names = available(ds)
    if outcome not in names:
        why = ("it has no value at any point (too short a run?)" if outcome in HEADLINES
               else "it is not a headline outcome")  # fmt: skip
        raise DiscoveryError(
            f"outcome {outcome!r} is not in the dataset: {why}; available: {', '.join(names)}"
        )
    held = [s for s in labels if s in set(map(str, ds.scenario.values))]
    y = headlines(ds)[outcome].sel(scenario=held).mean("replicate", skipna=True)
    return pd.Series(np.asarray(y.values, dtype=float), index=held, name=outcome).dropna()


def cases(y: pd.Series, op: str, value: float, units: Mapping[str, str]) -> pd.Series:
    """Return the cases of interest: ``y > value`` (``op='above'``) or ``y < value``.

    Raises
    ------
    DiscoveryError
        The threshold leaves no case, or every case, of interest (the message gives the range).
    """
    hit = (y > value) if op == "above" else (y < value)
    n, k = len(y), int(hit.sum())
    if k in (0, n):
        how = "no point" if k == 0 else "every point"
        q = y.quantile([0.1, 0.5, 0.9])
        unit = f" {units[str(y.name)]}" if units.get(str(y.name)) else ""
        raise DiscoveryError(
            f"{y.name} {op} {value:g} holds at {how} ({k} of {n}); {y.name} ranges over "
            f"[{y.min():.4g}, {y.max():.4g}]{unit} (10%, 50%, 90%: "
            f"{q.iloc[0]:.4g}, {q.iloc[1]:.4g}, {q.iloc[2]:.4g}): choose a value inside it"
        )
    return hit.astype(int)
