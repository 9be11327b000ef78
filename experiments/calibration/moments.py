"""The simulated moments the calibration matches (``experiments.calibration.targets``).

A run of ``baseline_2025`` is stepped month by month so that the panel moments can be read off
the same households a year and two years apart, as a household survey panel would (households
whose row another household has taken are lost to the panel): poverty exit
and entry over a year and still poor after two years, from March 2025 (month 2). Cross-section
moments are those of the recorded dataset; programme moments are means over 2025.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from simulation import GraduationModel
from simulation.params import Params

__all__ = ["MARCH", "MONTHS", "SEPTEMBER", "simulate"]

MARCH, SEPTEMBER = 2, 8  #: month indices of March and September 2025
MONTHS = MARCH + 24 + 1  #: months a run needs: the two-year panel from March 2025
_SPENT = {"pkh_spent_share": "PKH", "sembako_spent_share": "Sembako",
          "pbi_spent_share": "PBI-JKN"}  # fmt: skip


Masks = dict[int, NDArray[np.bool_]]  #: one household mask per month


def _panel(poor: Masks, stay: Masks) -> dict[str, float]:
    """Exit, entry and persistence among the households still in the panel (``stay``)."""
    start, year, two = poor[MARCH], poor[MARCH + 12], poor[MARCH + 24]
    one, both = stay[MARCH + 12], stay[MARCH + 24]
    return {
        "poverty_exit_1y": float(np.mean(~year[start & one])),
        "poverty_entry_1y": float(np.mean(year[~start & one])),
        "still_poor_2y": float(np.mean(two[start & both])),
    }


def _replicate(params: Params, replicate: int) -> dict[str, float]:
    model = GraduationModel(params, replicate=replicate)
    hh = model.households
    poor: Masks = {}
    stay: Masks = {}
    out: dict[str, float] = {}
    formed = hh.formed.copy()
    for month in range(params.run.months):
        model.step()
        if month == MARCH:
            formed = hh.formed.copy()
        if month in (MARCH, MARCH + 12, MARCH + 24):
            poor[month] = hh.poor.copy()
            # a row another household has taken since March 2025 has left the panel
            stay[month] = hh.formed == formed
            out["poor_household_size"] = float(hh.size[hh.poor].mean())
            out["pbi_persons"] = _covered_persons(model)
    ds = model.recorder.to_dataset(model).isel(replicate=0)
    return out | _panel(poor, stay) | _dataset_moments(ds)


def _covered_persons(model: GraduationModel) -> float:
    assert model.runtime is not None
    pbi = next(p for p in model.runtime.programmes if p.spec.name == "PBI-JKN")
    return float(model.households.size[pbi.enrolled].sum()) * model.weight


def _dataset_moments(ds: xr.Dataset) -> dict[str, float]:
    march = ds.isel(month=MARCH)
    deciles = march.consumption_by_decile.values
    year = ds.isel(month=slice(0, 12))
    enrolled = year.enrolled.mean("month")
    grads = ds.graduations.sel(graduation_type="natural").isel(month=slice(0, 24)).sum()
    spent = ds.budget_spent.isel(year=0) / ds.budget_allocated.isel(year=0)
    out = {
        "headcount_2025_03": float(march.poverty_rate),
        "headcount_2025_09": float(ds.poverty_rate.isel(month=SEPTEMBER)),
        "urban_2025_03": float(march.poverty_rate_by_area.sel(area="urban")),
        "rural_2025_03": float(march.poverty_rate_by_area.sel(area="rural")),
        "extreme_2025_03": float(march.extreme_poverty_rate),
        "gini_2025_03": float(march.gini),
        "bottom40_2025_03": float(deciles[:4].sum() / deciles.sum()),
        "pkh_families": float(enrolled.sel(programme="PKH")),
        "sembako_families": float(enrolled.sel(programme="Sembako")),
        "natural_exit_rate": float(grads) / 2.0 / max(float(enrolled.sel(programme="PKH")), 1.0),
        "empowerment_graduations_2025": float(
            year.graduations.sel(graduation_type="empowerment").sum()
        ),
    }
    return out | {name: float(spent.sel(programme=p)) for name, p in _SPENT.items()}


def simulate(params: Params, replicates: list[int]) -> dict[str, Any]:
    """Return every moment, the mean over ``replicates`` of runs of ``params``.

    ``params`` must run at least :data:`MONTHS` months (the two-year panel).
    """
    if params.run.months < MONTHS:
        raise ValueError(f"the moments need run.months >= {MONTHS}, got {params.run.months}")
    parts = [_replicate(params, r) for r in replicates]
    return {k: float(np.mean([p[k] for p in parts])) for k in parts[0]}
