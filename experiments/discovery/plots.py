"""Figures of scenario discovery: the coverage-density tradeoff and the chosen box's limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from experiments.discovery.boxes import Box

__all__ = ["limits_figure", "tradeoff_figure"]


def tradeoff_figure(box: Box, title: str) -> Figure:
    """Coverage against density of every box (PRIM: the peeling trajectory; CART: the leaves)."""
    traj = box.trajectory
    fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
    dims = traj["res_dim"].astype(int)
    cmap = plt.get_cmap("viridis", max(int(dims.max()) + 1, 2))
    pts = ax.scatter(traj["coverage"], traj["density"], c=dims, cmap=cmap, s=22,
                     vmin=-0.5, vmax=cmap.N - 0.5, zorder=3)  # fmt: skip
    if box.method == "prim":
        ax.plot(traj["coverage"], traj["density"], color="lightgrey", linewidth=1, zorder=2)
    c = box.stats
    ax.scatter([c["coverage"]], [c["density"]], s=160, facecolors="none", edgecolors="red",
               linewidths=1.5, zorder=4, label=f"chosen box ({box.rule})")  # fmt: skip
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("coverage: share of the cases of interest inside the box")
    ax.set_ylabel("density: share of the box's points that are of interest")
    bar = fig.colorbar(pts, ax=ax, ticks=range(cmap.N))
    bar.set_label("restricted factors")
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(alpha=0.3)
    what = "PRIM peeling trajectory" if box.method == "prim" else "CART leaves"
    ax.set_title(f"{what}\n{title}", fontsize=10)
    return fig


def _row(ax: Axes, i: int, r: Any, fmt: Callable[[str, float], str], on_off: bool) -> None:
    """Draw restricted factor ``r`` on row ``i``: the sampled range, the box and its limits."""
    span = r.maximum - r.minimum
    lo, hi = ((r.lower - r.minimum) / span, (r.upper - r.minimum) / span) if span else (0, 1)
    ax.plot([0, 1], [i, i], color="lightgrey", linewidth=8, solid_capstyle="butt")
    ax.plot([lo, hi], [i, i], color="#C44E52", linewidth=8, solid_capstyle="butt")
    ax.text(-0.02, i, fmt(r.name, r.minimum), ha="right", va="center", fontsize=8)
    ax.text(1.02, i, fmt(r.name, r.maximum), ha="left", va="center", fontsize=8)
    sides = ((lo, r.lower, r.qp_lower, "≥", r.lower_restricted),
             (hi, r.upper, r.qp_upper, "≤", r.upper_restricted))  # fmt: skip
    for where, value, qp, sign, restricted in sides:
        if not restricted:
            continue
        text = (
            ("on only" if sign == "≥" else "off only") if on_off else f"{sign} {fmt(r.name, value)}"
        )
        text += f" (qp {qp:.2g})" if np.isfinite(qp) else ""
        ax.text(where, i - 0.22, text, ha="center", va="bottom", fontsize=8, fontweight="bold",
                color="#8C1C13")  # fmt: skip


def limits_figure(box: Box, title: str, label: Callable[[str], str],
                  fmt: Callable[[str, float], str], on_off: frozenset[str]) -> Figure:  # fmt: skip
    """Draw the chosen box: each restricted factor's sampled range and the box's limits.

    ``label`` names a factor for the axis, ``fmt`` writes a value of a factor with its units,
    ``on_off`` are the factors that are off (0) or on (1).
    """
    lim = box.limits
    fig, ax = plt.subplots(figsize=(8, 1.6 + 0.9 * max(len(lim), 1)), layout="constrained")
    for i, r in enumerate(lim.itertuples()):
        _row(ax, i, r, fmt, r.name in on_off)
    ax.set_yticks(range(len(lim)), [label(n) for n in lim["name"]], fontsize=9)
    ax.set_xlim(-0.35, 1.35)
    ax.set_ylim(max(len(lim), 1) - 0.5, -0.7)
    ax.set_xticks([0, 1], ["lowest value\nsampled", "highest value\nsampled"], fontsize=8)
    s = box.stats
    ax.set_title(f"{title}\nchosen box: coverage {s['coverage']:.0%}, density {s['density']:.0%}, "
                 f"mass {s['mass']:.0%}\nred: the box's range; grey: the values sampled; "
                 "qp: quasi-p-value of a limit", fontsize=9)  # fmt: skip
    if lim.empty:
        ax.text(0.5, 0, "the chosen box restricts no factor", ha="center", fontsize=9)
    return fig
