"""Figures of an allocation study for a planner's memo (PNG, written by :func:`write_figures`).

- ``frontier_effects.png``: change in sustained graduations against change in extreme poverty
  from the status quo (paired, 95% intervals as bars), one panel per programme coloured by its
  share, frontier points ringed in red, the status quo a black star at the origin;
- ``frontier_cost.png``: each outcome against spending over the run (levels, 95% intervals);
- ``frontier_shares.png``: the split of the envelope of the status quo and each frontier point;
- ``marginal.png`` (with marginal points): effects per Rp1 T a year more, with 95% intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.axes import Axes

from experiments.allocation.analysis import Objective
from experiments.allocation.design import STATUS_QUO
from experiments.allocation.tables import order_points

__all__ = ["write_figures"]


def _xyz(ds: xr.Dataset, prefix: str, labels: list[str], o: Objective) -> np.ndarray:
    """Array ``(3, point)``: mean, lower and upper bound of ``o`` in its display units."""
    sel = ds.sel(scenario=labels, outcome=o.outcome)
    return np.array([sel[f"{prefix}_{s}"].values * o.scale for s in ("mean", "lo", "hi")])


def _errorbars(ax: Axes, x: np.ndarray, y: np.ndarray) -> None:
    xerr = np.abs(np.nan_to_num(x[1:] - x[0]))
    yerr = np.abs(np.nan_to_num(y[1:] - y[0]))
    ax.errorbar(x[0], y[0], xerr=xerr, yerr=yerr, fmt="none", ecolor="0.75", lw=0.8, zorder=1)


def _mark(ax: Axes, x: np.ndarray, y: np.ndarray, on: np.ndarray, sq: np.ndarray) -> None:
    ax.scatter(x[on], y[on], s=90, facecolors="none", edgecolors="red", lw=1.5, zorder=3,
               label="frontier")  # fmt: skip
    ax.scatter(x[sq], y[sq], marker="*", s=220, c="black", zorder=4, label="status quo")


def _effects_panel(ax: Axes, effects: xr.Dataset, labels: list[str], on: np.ndarray,
                   shares: np.ndarray, name: str, objs: Sequence[Objective]) -> None:  # fmt: skip
    sus, ext = objs[0], next(o for o in objs if o.outcome == "extreme_poverty_rate")
    x, y = _xyz(effects, "effect", labels, ext), _xyz(effects, "effect", labels, sus)
    _errorbars(ax, x, y)
    sc = ax.scatter(x[0], y[0], c=100 * shares, cmap="viridis", s=30, zorder=2)
    plt.colorbar(sc, ax=ax, label=f"{name} share (%)")
    _mark(ax, x[0], y[0], on, np.array([lab == STATUS_QUO for lab in labels]))
    ax.axhline(0, color="0.5", lw=0.5)
    ax.axvline(0, color="0.5", lw=0.5)
    ax.set_xlabel(f"extreme poverty vs status quo ({ext.effect_unit}; left is better)")
    ax.set_ylabel(f"sustained graduations vs status quo\n({sus.effect_unit}; up is better)")
    ax.set_title(f"coloured by {name}'s share")


def _undefined(ax: Axes, values: np.ndarray, o: Objective) -> bool:
    """Return whether ``o`` is missing everywhere (a short run), saying so in ``ax`` if it is."""
    if not np.isnan(values).all():
        return False
    ax.text(0.5, 0.5, f"{o.title}:\nnot defined in this run", ha="center", va="center",
            transform=ax.transAxes)  # fmt: skip
    ax.set_xticks([])
    ax.set_yticks([])
    return True


def _cost_panel(ax: Axes, levels: xr.Dataset, labels: list[str], on: np.ndarray,
                o: Objective, cost: Objective) -> None:  # fmt: skip
    x, y = _xyz(levels, "level", labels, cost), _xyz(levels, "level", labels, o)
    if _undefined(ax, y[0], o):
        return
    _errorbars(ax, x, y)
    ax.scatter(x[0], y[0], s=25, c="tab:blue", zorder=2)
    _mark(ax, x[0], y[0], on, np.array([lab == STATUS_QUO for lab in labels]))
    ax.set_xlabel(f"spending ({cost.unit})")
    better = "higher" if o.sense == "max" else "lower"
    ax.set_ylabel(f"{o.title}\n({o.unit}; {better} is better)")


def _shares_panel(ax: Axes, shares: np.ndarray, labels: list[str], names: Sequence[str]) -> None:
    left = np.zeros(len(labels))
    for i, name in enumerate(names):
        ax.barh(labels, 100 * shares[:, i], left=left, label=name)
        left += 100 * shares[:, i]
    ax.invert_yaxis()
    ax.set_xlabel("share of the envelope (%)")
    ax.legend(ncol=len(names), loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)


def _marginal_panel(ax: Axes, marg: xr.Dataset, o: Objective) -> None:
    labels = [str(s) for s in marg.scenario.values]
    m = _xyz(marg, "per_trillion", labels, o)
    if _undefined(ax, m[0], o):
        return
    ax.barh(labels, m[0], color="tab:green")
    ax.errorbar(m[0], labels, xerr=np.abs(np.nan_to_num(m[1:] - m[0])), fmt="none", ecolor="k")
    ax.axvline(0, color="0.3", lw=0.8)
    ax.invert_yaxis()
    ax.set_xlabel(f"{o.title} per Rp1 T a year more\n({o.effect_unit})")


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_figures(out: Path, levels: xr.Dataset, effects: xr.Dataset, on: xr.DataArray,
                  shares: np.ndarray, names: Sequence[str], objs: Sequence[Objective],
                  marg: xr.Dataset | None = None) -> list[Path]:  # fmt: skip
    """Write the study's figures into ``out``; return their paths.

    ``shares`` has shape ``(point, programme)`` for the points of ``on`` (the candidates).
    """
    order = order_points(levels, on, objs[0])
    labels, front = [str(s) for s in on.scenario.values], on.values.astype(bool)
    k = len(names)
    fig, axes = plt.subplots(int(np.ceil(k / 2)), 2, figsize=(12, 4.2 * np.ceil(k / 2)),
                             squeeze=False)  # fmt: skip
    for i, name in enumerate(names):
        _effects_panel(axes.flat[i], effects, labels, front, shares[:, i], name, objs)
    for ax in axes.flat[k:]:
        ax.set_visible(False)
    axes.flat[0].legend(loc="best", fontsize=8)
    paths = [_save(fig, out / "frontier_effects.png")]
    fig, axes = plt.subplots(1, len(objs) - 1, figsize=(5 * (len(objs) - 1), 4.2), squeeze=False)
    for ax, o in zip(axes.flat, objs[:-1], strict=True):
        _cost_panel(ax, levels, labels, front, o, objs[-1])
    paths.append(_save(fig, out / "frontier_cost.png"))
    keep = [labels.index(lab) for lab in order if front[labels.index(lab)] or lab == STATUS_QUO]
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.35 * len(keep)))
    _shares_panel(ax, shares[keep], [labels[i] for i in keep], names)
    paths.append(_save(fig, out / "frontier_shares.png"))
    if marg is not None and marg.sizes["scenario"]:
        fig, axes = plt.subplots(1, len(objs) - 1, figsize=(5 * (len(objs) - 1), 1.5 + 0.5 *
                                 marg.sizes["scenario"]), squeeze=False)  # fmt: skip
        for ax, o in zip(axes.flat, objs[:-1], strict=True):
            _marginal_panel(ax, marg, o)
        paths.append(_save(fig, out / "marginal.png"))
    return paths
