"""Monthly outcome buffers, and their conversion to a labelled ``xarray.Dataset``.

Every variable carries ``units`` and ``long_name``; the dataset carries provenance (resolved
parameters, seed, library versions) in its attributes. All counts are at national scale.
"""

from __future__ import annotations

import functools
import json
from importlib import metadata
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from simulation.metrics import deciles_and_gini, hazen_quantiles, order_nonnegative
from simulation.schema import to_dict

if TYPE_CHECKING:
    from simulation.model import GraduationModel

__all__ = ["VARIABLES", "Recorder", "monthly_variables"]

QUANTILES = np.array([0.1, 0.25, 0.5, 0.75, 0.9])
AREAS = ("urban", "rural")

#: name -> (extra dims, units, long_name)
VARIABLES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "persons": ((), "persons", "population"),
    "households": ((), "households", "households"),
    "households_formed": ((), "households", "households set up by grown children this month"),
    "households_dissolved": ((), "households", "households whose last member died this month"),
    "poor_persons": ((), "persons", "people below the poverty line"),
    "poverty_rate": ((), "1", "poverty headcount share (FGT0)"),
    "extreme_poor_persons": ((), "persons", "people below the extreme-poverty line"),
    "extreme_poverty_rate": ((), "1", "extreme-poverty headcount share"),
    "poverty_gap": ((), "1", "poverty gap index (FGT1)"),
    "poverty_severity": ((), "1", "poverty severity index (FGT2)"),
    "gini": ((), "1", "Gini coefficient of consumption per capita"),
    "mean_consumption": ((), "Rp/capita/month", "mean consumption per capita"),
    "consumption_by_decile": (
        ("decile",),
        "Rp/capita/month",
        "mean consumption per capita by decile",
    ),
    "poverty_rate_by_area": (("area",), "1", "poverty headcount share by area"),
    "poverty_rate_by_region": (("region",), "1", "poverty headcount share by region"),
    "mean_assets": ((), "Rp", "mean productive assets per household"),
    "asset_quantiles": (("quantile",), "Rp", "productive assets per household, quantiles"),
    "above_threshold_share": ((), "1", "share of households with assets above the trap threshold"),
    "mean_savings": ((), "Rp", "mean liquid savings per household"),
    "poverty_line": ((), "Rp/capita/month", "mean poverty line faced (person-weighted)"),
    "rice_price_index": ((), "1", "rice price relative to March 2025"),
    "health_shock_households": ((), "households", "households hit by a catastrophic health cost"),
}


class Recorder:
    """Preallocated monthly buffers filled by :meth:`record` and turned into a Dataset."""

    def __init__(self, model: GraduationModel) -> None:
        months = model.params.run.months
        sizes = {"decile": 10, "area": 2, "region": len(model.params.world.regions),
                 "quantile": len(QUANTILES)}  # fmt: skip
        self._buf = {
            name: np.full((months, *(sizes[d] for d in dims)), np.nan)
            for name, (dims, _, _) in VARIABLES.items()
        }
        # each household's (region, area) part of the group key (places never change in a run)
        hh = model.households
        place = hh.region.astype(np.int16)
        place *= 2
        place += ~hh.urban
        place *= 4  # room for the poor and extreme-poor flags
        self._place = place
        self._weights = np.full(months, np.nan)

    def recorded(self, name: str, month: int) -> NDArray[np.float64]:
        """Return variable ``name`` of :data:`VARIABLES` as recorded for ``month`` (0 = first).

        With the variable's extra dims; NaN for a month not recorded yet. Do not modify.
        """
        out: NDArray[np.float64] = self._buf[name][month]
        return out

    def record(self, model: GraduationModel) -> None:
        """Compute and store this month's outcomes."""
        hh, t, b = model.households, model.month, self._buf
        c = hh.consumption_pc
        decile, b["gini"][t] = deciles_and_gini(c, hh.size, order_nonnegative(c))
        model.true_decile = decile  # reused by the agencies next month
        # persons and consumption by (decile, region, area, poor, extreme poor), national scale
        mass, spend = self._by_group(model, decile, hh.size, hh.consumption)
        total = mass.sum()
        b["persons"][t] = total
        b["households"][t] = hh.n * model.weight
        self._weights[t] = model.weight
        renewal = model.renewal
        b["households_formed"][t] = renewal.formed * model.weight if renewal else 0.0
        b["households_dissolved"][t] = renewal.dissolved * model.weight if renewal else 0.0
        b["poor_persons"][t] = mass[..., 1, :].sum()
        b["poverty_rate"][t] = b["poor_persons"][t] / total
        b["extreme_poor_persons"][t] = mass[..., 1].sum()
        b["extreme_poverty_rate"][t] = b["extreme_poor_persons"][t] / total
        poor = np.flatnonzero(hh.poor)  # FGT1 and FGT2 from one gap, positive for the poor only
        gap = c[poor] / hh.poverty_line[poor]
        np.subtract(1.0, gap, out=gap)
        np.maximum(gap, 0.0, out=gap)
        w_gap = np.multiply(hh.size[poor], gap, dtype=np.float64)
        sample = total / model.weight  # persons in the sample
        b["poverty_gap"][t] = w_gap.sum() / sample
        w_gap *= gap  # sums are numpy's, not BLAS dots: identical on any thread count
        b["poverty_severity"][t] = w_gap.sum() / sample
        b["mean_consumption"][t] = spend.sum() / total
        with np.errstate(invalid="ignore", divide="ignore"):
            b["consumption_by_decile"][t] = spend.sum(axis=(1, 2, 3, 4)) / mass.sum(
                axis=(1, 2, 3, 4)
            )
            by_area = mass.sum(axis=(0, 1, 4))  # (area, poor)
            b["poverty_rate_by_area"][t] = by_area[:, 1] / by_area.sum(axis=1)
            by_region = mass.sum(axis=(0, 2, 4))  # (region, poor)
            b["poverty_rate_by_region"][t] = by_region[:, 1] / by_region.sum(axis=1)
        self._record_assets(model, t, sample)

    def _by_group(
        self,
        model: GraduationModel,
        decile: NDArray[np.int8],
        *weights: NDArray[Any],
    ) -> list[NDArray[np.float64]]:
        """Sum each of ``weights`` by (decile, region, area, poor, extreme poor), times the weight.

        Returns arrays of shape (10, regions, 2, 2, 2) at national scale; area 0 is urban (as
        ``AREAS``), flags 0 = no and 1 = yes. An empty group sums to 0.
        """
        hh, regions = model.households, len(model.params.world.regions)
        key = decile.astype(np.int16)  # small integers: cheap passes, one conversion at the end
        key -= 1
        key *= regions * 8
        key += self._place
        key += hh.poor.view(np.int8) * np.int16(2)
        key += hh.extreme_poor.view(np.int8)
        index = key.astype(np.intp)
        shape = (10, regions, 2, 2, 2)
        size = int(np.prod(shape))
        weight = np.float64(model.weight)
        return [np.bincount(index, weights=x, minlength=size).reshape(shape) * weight
                for x in weights]  # fmt: skip

    def _record_assets(self, model: GraduationModel, t: int, persons: float) -> None:
        """Assets, savings, the mean line and shocks; ``persons`` is the sample's total."""
        hh, b, world = model.households, self._buf, model.params.world
        b["mean_assets"][t] = hh.assets.mean()
        # non-negative doubles sort as their bits (a faster integer sort); -0.0 made +0.0
        ordered = np.add(hh.assets, 0.0)  # a copy, sorted in place
        ordered.view(np.uint64).sort()
        if hh.n and ordered.view(np.uint64)[-1] >> np.uint64(63):  # a sign bit: sorted last
            raise ValueError("assets must be non-negative to be recorded")
        b["asset_quantiles"][t] = hazen_quantiles(ordered, QUANTILES)
        below = np.searchsorted(ordered, world.assets.threshold, side="right")
        b["above_threshold_share"][t] = (hh.n - below) / hh.n
        b["mean_savings"][t] = hh.savings.mean()
        b["poverty_line"][t] = np.multiply(hh.size, hh.poverty_line).sum() / persons  # no BLAS
        b["rice_price_index"][t] = model.env.rice_price_index if model.env else 1.0
        b["health_shock_households"][t] = np.count_nonzero(hh.health_cost) * model.weight

    def to_dataset(self, model: GraduationModel) -> xr.Dataset:
        """Return the recorded months as a Dataset with a length-1 ``replicate`` dimension."""
        params, months = model.params, model.params.run.months
        coords: dict[str, Any] = {
            "replicate": [model.replicate],
            "month": np.arange(1, months + 1),
            "decile": np.arange(1, 11),
            "area": list(AREAS),
            "region": [r.name for r in params.world.regions],
            "quantile": QUANTILES,
        }
        start = np.datetime64(params.run.start, "M")
        coords["date"] = ("month", (start + np.arange(months)).astype("datetime64[ns]"))
        data = monthly_variables(self._buf, VARIABLES)
        data["household_weight"] = (
            ("replicate", "month"),
            self._weights[None],
            {"units": "households", "long_name": "real households per simulated household"},
        )
        if model.runtime is not None:
            data |= model.policy_recorder.variables(model, model.runtime)
            coords |= model.policy_recorder.coords(model)
        ds = xr.Dataset(data, coords=coords, attrs=provenance(model))
        ds["month"].attrs.update(units="1", long_name="simulation month (1 = the start month)")
        ds["decile"].attrs.update(units="1", long_name="consumption decile (persons), 1 = poorest")
        ds["quantile"].attrs.update(units="1", long_name="quantile probability")
        return ds


def monthly_variables(
    buffers: dict[str, np.ndarray],  # type: ignore[type-arg]
    spec: dict[str, tuple[tuple[str, ...], str, str]],
) -> dict[str, Any]:
    """Dataset variables ``(dims, data, attrs)`` from monthly buffers and their declarations.

    ``spec`` maps a name to (extra dims, units, long_name); a leading ``replicate`` axis of
    length 1 is added.
    """
    return {
        name: (("replicate", "month", *dims), buffers[name][None],
               {"units": units, "long_name": long})
        for name, (dims, units, long) in spec.items()
    }  # fmt: skip


@functools.cache
def _versions() -> str:
    """Versions of the engine and its main libraries (read once: package metadata is slow)."""
    packages = ("graduasi", "mesa", "numpy", "scipy", "xarray")
    return json.dumps({pkg: metadata.version(pkg) for pkg in packages}, sort_keys=True)


def provenance(model: GraduationModel) -> dict[str, Any]:
    """Attributes that make the dataset reproducible: parameters, seed and versions."""
    return {
        "title": "Graduasi simulation results",
        "params": json.dumps(to_dict(model.params), sort_keys=True),
        "seed": model.params.run.seed,
        "software_versions": _versions(),
        "conventions": "Rupiah at March 2025 prices; counts at national scale",
    }
