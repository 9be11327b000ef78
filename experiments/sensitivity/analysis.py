"""Analysis of a sensitivity study: outcomes per point, replicate noise, Sobol or Morris indices.

Every point runs the same replicates (common random numbers: replicate ``r`` of every point
sees the same households and shock draws), and the analysis works on each point's mean over
replicates. The replicate noise that remains in those means is reported per outcome as the
*noise share*: the variance of a point mean due to replicates, ``w / R`` (``w`` the mean
variance between replicates of a point, ``R`` the replicates), over the variance between point
means. A total-order index below the noise share cannot be told from replicate noise (noise
acts like one more factor); for Morris the yardstick is the mean absolute elementary effect
that noise alone would give between two independent point means.

Sobol indices (first order S1, total order ST) are fractions of the variance of an outcome;
Morris ``mu_star`` and ``sigma`` are in the outcome's display units per whole range of a
factor. Confidence intervals are SALib's bootstrap (95%).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from numpy.typing import NDArray
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze

from experiments.sensitivity.factors import Factor
from experiments.sensitivity.sampling import MORRIS_LEVELS, problem
from simulation.compare import headlines

__all__ = ["OUTCOMES", "analyse", "noise_table", "outcome_matrix", "usable"]

#: outcome (a headline of simulation.compare) -> (scale, display units, title)
OUTCOMES: dict[str, tuple[float, str, str]] = {
    "sustained_graduations": (1e-3, "thousand families", "Sustained graduations over the run"),
    "relapse_rate_24": (100.0, "% of graduates", "Relapse within 24 months of graduating"),
    "relapses": (1e-3, "thousand families", "Relapses over the run"),
    "extreme_poverty_rate": (100.0, "% of people", "Extreme poverty, mean of the last 12 months"),
    "poverty_rate": (100.0, "% of people", "Poverty, mean of the last 12 months"),
    "spending": (1e-12, "Rp trillion", "Programme spending over the run"),
}


def outcome_matrix(ds: xr.Dataset, points: Sequence[str]) -> dict[str, NDArray[np.float64]]:
    """Return each outcome of :data:`OUTCOMES` in display units, shape ``(points, replicates)``."""
    h = headlines(ds).sel(scenario=list(points))
    return {name: np.asarray(h[name].transpose("scenario", "replicate").values) * scale
            for name, (scale, _, _) in OUTCOMES.items() if name in h}  # fmt: skip


def usable(
    y: Mapping[str, NDArray[np.float64]],
) -> tuple[dict[str, NDArray[np.float64]], dict[str, str]]:
    """Split outcomes into those that can be analysed and those that cannot (with why)."""
    keep, why = {}, {}
    for name, values in y.items():
        bad = int(np.isnan(values).any(axis=1).sum())
        if bad:
            why[name] = (f"undefined (NaN) in some replicate at {bad} of {len(values)} points: "
                         "no graduate followed long enough (a 24-month rate needs runs of about "
                         "48 months or more, and enough households to graduate)")  # fmt: skip
        elif np.ptp(values.mean(axis=1)) == 0:
            why[name] = f"the same at every point ({values.flat[0]:.4g}): nothing to attribute"
        else:
            keep[name] = values
    return keep, why


def noise_table(y: Mapping[str, NDArray[np.float64]]) -> pd.DataFrame:
    """Return the replicate noise of each outcome (see the module docstring).

    Columns: ``replicates``, ``sd_within`` (s.d. between replicates of a point, pooled),
    ``sd_between`` (s.d. of the point means), ``noise_share`` (NaN with one replicate) and
    ``noise_mu_star`` (the Morris yardstick), in the outcome's display units.
    """
    rows = []
    for name, values in y.items():
        reps = values.shape[1]
        within = float(values.var(axis=1, ddof=1).mean()) if reps > 1 else np.nan
        between = float(values.mean(axis=1).var(ddof=1))
        share = within / reps / between if between > 0 else np.nan
        delta = MORRIS_LEVELS / (2 * (MORRIS_LEVELS - 1))
        yard = np.sqrt(2 / np.pi) * np.sqrt(2 * within / reps) / delta
        rows.append({"outcome": name, "replicates": reps, "sd_within": np.sqrt(within),
                     "sd_between": np.sqrt(between), "noise_share": share,
                     "noise_mu_star": yard})  # fmt: skip
    return pd.DataFrame(rows).set_index("outcome")


def _sobol(prob: dict[str, Any], ybar: NDArray[np.float64], seed: int) -> pd.DataFrame:
    res = sobol_analyze.analyze(prob, ybar, calc_second_order=False, seed=seed)
    return pd.DataFrame({k: res[k] for k in ("S1", "S1_conf", "ST", "ST_conf")},
                        index=prob["names"])  # fmt: skip


def _morris(
    prob: dict[str, Any], unit: NDArray[np.float64], ybar: NDArray[np.float64], seed: int
) -> pd.DataFrame:
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # sigma of one trajectory is NaN
        res = morris_analyze.analyze(prob, unit, ybar, num_levels=MORRIS_LEVELS, seed=seed)
    return pd.DataFrame({k: np.asarray(res[k], dtype=float)
                         for k in ("mu_star", "mu_star_conf", "sigma", "mu")},
                        index=prob["names"])  # fmt: skip


def _above_noise(method: str, table: pd.DataFrame, noise: pd.Series) -> pd.Series:
    """Whether an index's lower confidence bound clears the replicate noise (NaN: unknown)."""
    if method == "sobol":
        low, bar = table["ST"] - table["ST_conf"], noise["noise_share"]
    else:
        low, bar = table["mu_star"] - table["mu_star_conf"], noise["noise_mu_star"]
    if not np.isfinite(bar):
        return pd.Series(np.nan, index=table.index, dtype=object)
    return (low > bar).astype(object)


def analyse(
    method: str,
    factors: Sequence[Factor],
    unit: NDArray[np.float64],
    y: Mapping[str, NDArray[np.float64]],
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the indices of every factor for every outcome, and the noise table.

    Parameters
    ----------
    method : {"sobol", "morris"}
        The sampling scheme of ``unit``.
    factors : sequence of Factor
        The sampled factors, in the columns' order.
    unit : ndarray, shape (points, factors)
        The unit-cube sample.
    y : mapping of outcome to ndarray, shape (points, replicates)
        Outcomes in display units (analysed: the mean over replicates).
    seed : int
        Seed of the bootstrap confidence intervals.

    Returns
    -------
    indices : DataFrame
        One row per (outcome, factor): ``factor``, ``label``, ``kind``, ``outcome``, ``units``,
        the indices with their ``_conf`` half-widths, and ``above_noise``; sorted by outcome
        and decreasing ST (Sobol) or mu* (Morris).
    noise : DataFrame
        :func:`noise_table` of ``y``.
    """
    prob, noise, parts = problem(factors), noise_table(y), []
    for name, values in y.items():
        ybar = values.mean(axis=1)
        table = _sobol(prob, ybar, seed) if method == "sobol" else _morris(prob, unit, ybar, seed)
        table["above_noise"] = _above_noise(method, table, noise.loc[name])
        table.insert(0, "units", "1" if method == "sobol" else OUTCOMES.get(name, (1, "", ""))[1])
        table.insert(0, "outcome", name)
        table.insert(0, "kind", [f.kind for f in factors])
        table.insert(0, "label", [f.label for f in factors])
        key = "ST" if method == "sobol" else "mu_star"
        parts.append(table.rename_axis("factor").reset_index().sort_values(key, ascending=False))
    return pd.concat(parts, ignore_index=True), noise
