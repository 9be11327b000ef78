"""The frontier of allocations and the marginal effects of budget changes, from a study's results.

Levels are means over replicates with Student-t 95% intervals; effects are paired differences
from the status quo on the same replicates (common random numbers), with Student-t intervals
(:mod:`simulation.compare`). The frontier is the set of points (the status quo and the splits of
the envelope) that no other point *dominates* on the means: at least as good on every objective
and better on one. Marginal effects are divided by the change in Rp trillion a year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from simulation.compare import paired_effects, summarise

__all__ = [
    "RELAPSE",
    "Objective",
    "frontier",
    "marginal_effects",
    "non_dominated",
    "objectives",
]


@dataclass(frozen=True)
class Objective:
    """An outcome of the frontier: headline name, how to show it, and which way is better.

    ``scale`` turns the headline's units into ``unit`` (``effect_unit`` for differences);
    ``sense`` is ``"max"`` or ``"min"``; ``digits`` are the decimals shown in tables.
    """

    outcome: str
    title: str
    scale: float
    unit: str
    effect_unit: str
    sense: str
    digits: int = 2


#: the relapse objective by name (``--relapse``)
RELAPSE = {
    "relapse_rate_24": Objective("relapse_rate_24", "relapse within 24 months", 100.0,
                                 "% of graduates", "pp", "min", 1),
    "relapses": Objective("relapses", "relapses", 1e-3, "thousand households",
                          "thousand households", "min", 1),
}  # fmt: skip


def objectives(relapse: str = "relapse_rate_24") -> list[Objective]:
    """Return the objectives: sustained graduations, relapse, extreme poverty, spending."""
    return [
        Objective("sustained_graduations", "sustained graduations", 1e-3, "thousand households",
                  "thousand households", "max", 1),
        RELAPSE[relapse],
        Objective("extreme_poverty_rate", "extreme poverty", 100.0, "% of people", "pp", "min", 3),
        Objective("spending", "spending", 1e-12, "Rp trillion over the run", "Rp trillion",
                  "min", 2),
    ]  # fmt: skip


def non_dominated(values: np.ndarray, senses: Sequence[str]) -> np.ndarray:
    """Mask of the rows of ``values`` (points x objectives) that no other row dominates.

    A row dominates another when it is at least as good on every objective (``"max"``: larger,
    ``"min"``: smaller) and strictly better on one. An objective that is missing (NaN) for every
    row is ignored; a point missing some other objective counts as worst on it. Equal rows do
    not dominate each other.
    """
    v = np.asarray(values, dtype=float).reshape(len(values), len(senses))
    sign = np.array([1.0 if s == "max" else -1.0 for s in senses])
    keep = ~np.isnan(v).all(axis=0)
    gain = np.where(np.isnan(v), -np.inf, v * sign)[:, keep]
    if gain.shape[1] == 0:
        return np.ones(len(v), dtype=bool)
    ge = (gain[:, None, :] >= gain[None, :, :]).all(axis=2)
    gt = (gain[:, None, :] > gain[None, :, :]).any(axis=2)
    dominated = (ge & gt).any(axis=0)
    return ~dominated


def frontier(
    levels: xr.Dataset, candidates: Sequence[str], objs: Sequence[Objective]
) -> xr.DataArray:
    """Whether each candidate point is on the frontier of ``objs`` (by level means).

    Parameters
    ----------
    levels : xarray.Dataset
        :func:`simulation.compare.summarise` of the study (``level_mean`` by scenario, outcome).
    candidates : sequence of str
        Points that compete (the status quo and the splits; not the marginal points).
    objs : sequence of Objective
        Outcomes and their senses.

    Returns
    -------
    xarray.DataArray
        Boolean, dim ``scenario`` = ``candidates``.
    """
    names = [o.outcome for o in objs]
    means = levels.level_mean.sel(scenario=list(candidates), outcome=names)
    mask = non_dominated(means.transpose("scenario", "outcome").values, [o.sense for o in objs])
    return xr.DataArray(mask, dims="scenario", coords={"scenario": list(candidates)},
                        name="frontier")  # fmt: skip


def study_statistics(ds: xr.Dataset, baseline: str) -> tuple[xr.Dataset, xr.Dataset]:
    """Levels (mean and 95% interval over replicates) and paired effects against ``baseline``."""
    return summarise(ds), paired_effects(ds, baseline)


def marginal_effects(effects: xr.Dataset, changes: Mapping[str, float]) -> xr.Dataset:
    """Paired effects of marginal points, whole and per Rp trillion a year more.

    Parameters
    ----------
    effects : xarray.Dataset
        Paired effects against the status quo (``effect_mean``, ``_lo``, ``_hi`` by scenario,
        outcome).
    changes : mapping of str to float
        Marginal point label -> its budget change (Rp/year, negative for a cut).

    Returns
    -------
    xarray.Dataset
        ``effect_*`` (of the change itself) and ``per_trillion_*`` (the effect divided by the
        change in Rp trillion a year: the effect of Rp1 T a year *more*; for a cut, minus what
        the cut does), dims ``(scenario, outcome)``, and ``change`` (Rp/year).
    """
    labels = list(changes)
    eff = effects.sel(scenario=labels)
    per = xr.DataArray([changes[k] / 1e12 for k in labels], dims="scenario",
                       coords={"scenario": labels})  # fmt: skip
    mean, lo, hi = (eff[f"effect_{s}"] / per for s in ("mean", "lo", "hi"))
    lo, hi = xr.where(per > 0, lo, hi), xr.where(per > 0, hi, lo)
    out = xr.Dataset({"effect_mean": eff.effect_mean, "effect_lo": eff.effect_lo,
                      "effect_hi": eff.effect_hi, "per_trillion_mean": mean,
                      "per_trillion_lo": lo, "per_trillion_hi": hi})  # fmt: skip
    return out.assign(change=per * 1e12)
