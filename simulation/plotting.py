"""Figures for people: each function draws on an Axes, ``f(ds, *, ax=None) -> Axes``.

Datasets have dims ``(scenario, replicate, month, ...)`` as produced by a collected sweep (a
single run works too once given a ``scenario`` dim). Lines are means over replicates; bands are
95% confidence intervals of the mean. Nothing is shown or saved here.

Titles, axis labels and legend entries are English by default; every one of them can be given
as a keyword argument (``graduasi-report --lang id`` passes Indonesian ones), so the engine
holds no translations.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.axes import Axes

__all__ = [
    "plot_cost_per_sustained",
    "plot_effects",
    "plot_graduations",
    "plot_path",
    "plot_relapse_survival",
    "plot_spending",
]


def _ax(ax: Axes | None) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    return ax


def _band(x: xr.DataArray) -> tuple[Any, Any, Any]:
    n = x.count("replicate")
    mean = x.mean("replicate")
    half = 1.96 * x.std("replicate", ddof=1) / np.sqrt(n)
    half = half.where(n > 1, 0.0)
    return mean, mean - half, mean + half


def plot_path(ds: xr.Dataset, var: str, *, scale: float = 1.0, ylabel: str = "",
              title: str = "", ax: Axes | None = None) -> Axes:  # fmt: skip
    """Monthly path of ``var`` by scenario (mean and 95% band over replicates)."""
    ax = _ax(ax)
    for s in ds.scenario.values:
        mean, lo, hi = _band(ds[var].sel(scenario=s) * scale)
        dates = ds["date"].values
        ax.plot(dates, mean, label=str(s))
        ax.fill_between(dates, lo, hi, alpha=0.2)
    ax.set_ylabel(ylabel or f"{ds[var].attrs.get('long_name', var)}")
    ax.set_title(title or ds[var].attrs.get("long_name", var))
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return ax


def _annual(x: xr.DataArray) -> xr.DataArray:
    year = x["date"].dt.year
    return x.groupby(year).sum("month")


def plot_graduations(
    ds: xr.Dataset,
    *,
    ylabel: str = "thousand families per year",
    title: str = "Graduations per year (bars) and relapses (black marks)",
    bar_label: str = "{scenario}: graduations",
    ax: Axes | None = None,
) -> Axes:
    """Graduations and relapses per year by scenario (thousand families).

    ``bar_label`` is the legend entry of a scenario's bars (``{scenario}`` is its name).
    """
    ax = _ax(ax)
    grads = _annual(ds.graduations.sum("graduation_type")).mean("replicate") / 1e3
    rel = _annual(ds.relapses).mean("replicate") / 1e3
    years = grads["year"].values
    width = 0.8 / ds.sizes["scenario"]
    for i, s in enumerate(ds.scenario.values):
        x = years + (i - ds.sizes["scenario"] / 2) * width
        ax.bar(x, grads.sel(scenario=s), width, label=bar_label.format(scenario=s))
        ax.plot(x + width / 2, rel.sel(scenario=s), "k_", markersize=10)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=7)
    return ax


def plot_relapse_survival(
    ds: xr.Dataset,
    *,
    xlabel: str = "months since graduation",
    ylabel: str = "% of graduates not relapsed",
    title: str = "Relapse survival after graduation (Kaplan-Meier)",
    ax: Axes | None = None,
) -> Axes:
    """Share of graduates not relapsed by months since graduation (Kaplan-Meier)."""
    ax = _ax(ax)
    for s in ds.scenario.values:
        mean, lo, hi = _band(ds.relapse_survival.sel(scenario=s) * 100)
        t = ds.months_since_graduation.values
        ax.step(t, mean, where="post", label=str(s))
        ax.fill_between(t, lo, hi, step="post", alpha=0.2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.set_ylim(0, 100)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return ax


def plot_spending(
    ds: xr.Dataset,
    *,
    by: str = "programme",
    ylabel: str = "Rp trillion per year",
    title: str | None = None,
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Mean annual spending by programme or agency, stacked per scenario (Rp trillion).

    ``title`` defaults to ``Spending by <by>``; ``names`` gives a programme's or agency's legend
    entry (default: its name).
    """
    ax = _ax(ax)
    var = ds.spending if by == "programme" else ds.spending_by_agency
    years = ds.sizes["month"] / 12
    per_year = var.sum("month").mean("replicate") / years / 1e12
    bottom = np.zeros(ds.sizes["scenario"])
    labels = [str(s) for s in ds.scenario.values]
    for item in per_year[by].values:
        values = np.nan_to_num(per_year.sel({by: item}).values)
        ax.bar(labels, values, bottom=bottom, label=(names or {}).get(str(item), str(item)))
        bottom += values
    ax.set_ylabel(ylabel)
    ax.set_title(f"Spending by {by}" if title is None else title)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside the bars
    ax.tick_params(axis="x", rotation=20)
    return ax


def plot_cost_per_sustained(
    levels: xr.Dataset,
    *,
    ylabel: str = "Rp million per sustained graduate",
    title: str = "Cost per sustained graduate (all spending / sustained graduations)",
    ax: Axes | None = None,
) -> Axes:
    """Spending per sustained graduation by scenario with 95% intervals (Rp million)."""
    ax = _ax(ax)
    sel = levels.sel(outcome="cost_per_sustained_graduate") / 1e6
    labels = [str(s) for s in sel.scenario.values]
    mean = sel.level_mean.values
    err = np.vstack([mean - sel.level_lo.values, sel.level_hi.values - mean])
    ax.bar(labels, mean, yerr=np.nan_to_num(err), capsize=4, color="tab:purple")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.tick_params(axis="x", rotation=20)
    return ax


def plot_effects(effects: xr.Dataset, outcome: str, *, scale: float = 1.0, unit: str = "",
                 xlabel: str | None = None, title: str | None = None,
                 ax: Axes | None = None) -> Axes:  # fmt: skip
    """Forest plot: paired effect on ``outcome`` of each scenario vs the baseline, 95% CI.

    ``xlabel`` defaults to ``effect vs baseline (<unit>)``, ``title`` to ``Paired effect on
    <the outcome's description>``.
    """
    ax = _ax(ax)
    sel = effects.sel(outcome=outcome) * scale
    labels = [str(s) for s in sel.scenario.values]
    y = np.arange(len(labels))
    mean = sel.effect_mean.values
    err = np.vstack([mean - sel.effect_lo.values, sel.effect_hi.values - mean])
    ax.errorbar(mean, y, xerr=np.nan_to_num(err), fmt="o", capsize=4)
    ax.axvline(0, color="grey", lw=1)
    ax.set_yticks(y, labels)
    desc = str(effects.description.sel(outcome=outcome).values)
    if xlabel is None:
        xlabel = f"effect vs baseline ({unit})" if unit else "effect vs baseline"
    ax.set_xlabel(xlabel)
    ax.set_title(f"Paired effect on {desc}" if title is None else title)
    ax.grid(alpha=0.3)
    return ax
