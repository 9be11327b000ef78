"""Compare scenarios: headline outcomes per run, and paired effects against a baseline.

Replicate ``r`` of every scenario saw the same households and shocks (common random numbers), so
the effect of a scenario is estimated from paired differences ``y[s, r] - y[baseline, r]``: its
mean and a Student-t confidence interval over replicates. Pure functions of datasets.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy import stats

__all__ = ["HEADLINES", "headlines", "paired_effects", "summarise"]

#: outcome -> (variable, reduction over months, units, description)
HEADLINES: dict[str, tuple[str, str, str, str]] = {
    "poverty_rate": ("poverty_rate", "last12", "1", "poverty rate, last 12 months"),
    "extreme_poverty_rate": ("extreme_poverty_rate", "last12", "1", "extreme poverty, last 12 m"),
    "poor_persons": ("poor_persons", "last12", "persons", "people in poverty, last 12 months"),
    "poverty_gap": ("poverty_gap", "last12", "1", "poverty gap (FGT1), last 12 months"),
    "graduations": ("cumulative_graduates", "last", "households", "graduations over the run"),
    "sustained_graduations": ("cumulative_sustained", "last", "households", "sustained"),
    "relapses": ("relapses", "sum", "households", "relapses over the run"),
    "relapse_rate_24": (
        "relapse_rate_24", "last", "1", "share of graduates relapsing within 24 months"
    ),
    "spending": ("cumulative_spending", "last", "Rp", "spending over the run"),
    "cost_per_sustained_graduate": (
        "cost_per_sustained_graduate", "last", "Rp/household", "spending per sustained graduation"
    ),
    "contributors": ("contributors", "last", "households", "contributors at the end"),
}  # fmt: skip


def _reduce(var: xr.DataArray, how: str) -> xr.DataArray:
    if how == "last12":
        return var.isel(month=slice(-12, None)).mean("month")
    if how == "last":
        return var.isel(month=-1)
    return var.sum("month")


def headlines(ds: xr.Dataset) -> xr.Dataset:
    """One value per run (dims without ``month``) for every available headline outcome."""
    out = {}
    for name, (var, how, units, long) in HEADLINES.items():
        if var in ds:
            out[name] = _reduce(ds[var], how).assign_attrs(units=units, long_name=long)
    return xr.Dataset(out)


def _interval(x: xr.DataArray, level: float) -> tuple[xr.DataArray, xr.DataArray, xr.DataArray]:
    n = x.count("replicate")
    mean = x.mean("replicate")
    sem = x.std("replicate", ddof=1) / np.sqrt(n)
    tq = xr.apply_ufunc(lambda k: stats.t.ppf((1 + level) / 2, np.maximum(k - 1, 1)), n)
    half = (tq * sem).where(n > 1)
    return mean, mean - half, mean + half


def summarise(ds: xr.Dataset, *, level: float = 0.95) -> xr.Dataset:
    """Mean and confidence interval over replicates of every headline, by scenario."""
    h = headlines(ds)
    return _stack(h, level, "level")


def paired_effects(ds: xr.Dataset, baseline: str, *, level: float = 0.95) -> xr.Dataset:
    """Paired effects against ``baseline`` on the same replicates, with confidence intervals.

    Parameters
    ----------
    ds : xarray.Dataset
        Collected results with dims ``(scenario, replicate, month, ...)``.
    baseline : str
        Scenario every other scenario is compared with.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    xarray.Dataset
        ``effect_mean``, ``effect_lo``, ``effect_hi`` with dims ``(scenario, outcome)``.
    """
    if baseline not in ds.scenario.values:
        raise ValueError(f"baseline {baseline!r} not among scenarios {list(ds.scenario.values)}")
    h = headlines(ds)
    diff = h - h.sel(scenario=baseline)
    return _stack(diff, level, "effect")


def _stack(h: xr.Dataset, level: float, prefix: str) -> xr.Dataset:
    names = list(h.data_vars)
    parts = [_interval(h[n], level) for n in names]
    out = xr.Dataset(
        {
            f"{prefix}_{stat}": xr.concat([p[i] for p in parts], dim="outcome")
            for i, stat in enumerate(("mean", "lo", "hi"))
        }
    )
    units = [h[n].attrs["units"] for n in names]
    longs = [h[n].attrs["long_name"] for n in names]
    out = out.assign_coords(outcome=names, units=("outcome", units), description=("outcome", longs))
    out.attrs.update(confidence_level=level)
    return out
