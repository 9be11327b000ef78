"""Planner's tables of an allocation study: the frontier and the marginal effects.

Every table comes twice: a CSV of numbers whose column names carry their units, and a Markdown
table of ``mean [95% interval]`` cells for a memo.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import xarray as xr

from experiments.allocation.analysis import Objective
from experiments.allocation.design import STATUS_QUO, Allocation

__all__ = ["frontier_tables", "marginal_tables", "order_points"]


def _cell(mean: float, lo: float, hi: float, digits: int, signed: bool = False) -> str:
    if mean != mean:
        return "n/a"
    f = f"{{:{'+' if signed else ''},.{digits}f}}"
    if lo != lo:
        return f.format(mean)
    return f"{f.format(mean)} [{f.format(lo)}, {f.format(hi)}]"


def _three(ds: xr.Dataset, prefix: str, label: str, o: Objective) -> tuple[float, float, float]:
    sel = ds.sel(scenario=label, outcome=o.outcome)
    return tuple(float(sel[f"{prefix}_{s}"]) * o.scale for s in ("mean", "lo", "hi"))  # type: ignore[return-value]


def order_points(levels: xr.Dataset, on: xr.DataArray, first: Objective) -> list[str]:
    """Status quo first, then frontier points, then the others, each by ``first`` (best first)."""
    labels = [str(s) for s in on.scenario.values]
    best = -1.0 if first.sense == "max" else 1.0
    key = {s: best * float(levels.level_mean.sel(scenario=s, outcome=first.outcome))
           for s in labels}  # fmt: skip
    rest = [s for s in labels if s != STATUS_QUO]
    rest.sort(key=lambda s: (not bool(on.sel(scenario=s)), key[s] if key[s] == key[s] else 1e300))
    return [STATUS_QUO, *rest] if STATUS_QUO in labels else rest


def frontier_tables(
    levels: xr.Dataset,
    effects: xr.Dataset,
    on: xr.DataArray,
    points: Sequence[Allocation],
    names: Sequence[str],
    objs: Sequence[Objective],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the frontier table as numbers (CSV) and as text (Markdown), one row per point.

    Parameters
    ----------
    levels, effects : xarray.Dataset
        Levels and paired effects against the status quo, dims ``(scenario, outcome)``.
    on : xarray.DataArray
        Whether each candidate point is on the frontier (dim ``scenario``).
    points : sequence of Allocation
        The study's points (their shares, budgets and capacities).
    names : sequence of str
        The envelope's programmes.
    objs : sequence of Objective
        The frontier's outcomes.
    """
    by = {p.label: p for p in points}
    numbers, text = [], []
    for label in order_points(levels, on, objs[0]):
        p, front = by[label], bool(on.sel(scenario=label))
        num: dict[str, object] = {"point": label, "kind": p.kind, "frontier": front}
        txt: dict[str, object] = {"point": label, "frontier": "yes" if front else ""}
        for i, n in enumerate(names):
            num[f"{n} share (1)"] = float(p.shares[i])
            num[f"{n} budget, first year (Rp/year)"] = float(p.budgets[i, 0])
            num[f"{n} capacity (households)"] = float(p.capacities[i])
            txt[f"{n} (%)"] = f"{100 * p.shares[i]:.1f}"
        for o in objs:
            lev, eff = _three(levels, "level", label, o), _three(effects, "effect", label, o)
            for stat, v in zip(("mean", "lo", "hi"), lev, strict=True):
                num[f"{o.outcome} {stat} ({o.unit})"] = v
            for stat, v in zip(("mean", "lo", "hi"), eff, strict=True):
                num[f"{o.outcome} effect {stat} ({o.effect_unit})"] = v
            txt[f"{o.title.capitalize()} ({o.unit})"] = _cell(*lev, o.digits)
            txt[f"{o.title} vs status quo ({o.effect_unit})"] = (
                "—" if label == STATUS_QUO else _cell(*eff, o.digits, signed=True)
            )
        numbers.append(num)
        text.append(txt)
    return pd.DataFrame(numbers), pd.DataFrame(text)


def marginal_tables(
    marg: xr.Dataset, points: Sequence[Allocation], objs: Sequence[Objective]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the marginal effects as numbers (CSV) and text (Markdown), one row per change.

    ``marg`` is :func:`~experiments.allocation.analysis.marginal_effects`.
    """
    by = {p.label: p for p in points}
    numbers, text = [], []
    for label in [str(s) for s in marg.scenario.values]:
        p = by[label]
        num: dict[str, object] = {"point": label, "programme": p.programme,
                                  "change (Rp/year)": p.change}  # fmt: skip
        txt: dict[str, object] = {"change": label, "programme": p.programme,
                                  "Rp trillion a year": f"{p.change / 1e12:+g}"}  # fmt: skip
        for o in objs:
            whole = _three(marg, "effect", label, o)
            per = _three(marg, "per_trillion", label, o)
            for stat, v in zip(("mean", "lo", "hi"), whole, strict=True):
                num[f"{o.outcome} effect {stat} ({o.effect_unit})"] = v
            for stat, v in zip(("mean", "lo", "hi"), per, strict=True):
                num[f"{o.outcome} per Rp1T more {stat} ({o.effect_unit} per Rp trillion/year)"] = v
            txt[f"{o.title.capitalize()}: effect ({o.effect_unit})"] = _cell(
                *whole, o.digits, signed=True
            )
            txt[f"{o.title} per Rp1 T a year more ({o.effect_unit})"] = _cell(
                *per, o.digits, signed=True
            )
        numbers.append(num)
        text.append(txt)
    return pd.DataFrame(numbers), pd.DataFrame(text)
