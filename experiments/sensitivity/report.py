"""Tables and the figure of a sensitivity study: Markdown, CSV and a bar chart per outcome."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from experiments.results import write_text_atomic
from experiments.sensitivity.analysis import OUTCOMES

__all__ = ["figure", "markdown", "write_outputs"]

COLOURS = {"uncertainty": "#4C72B0", "lever": "#DD8452"}
_INDICES = {"sobol": (("S1", "S1 [95% CI]"), ("ST", "ST [95% CI]")),
            "morris": (("mu_star", "mu* [95% CI]"), ("sigma", "sigma"))}  # fmt: skip


def _cell(row: pd.Series, key: str) -> str:
    conf = row.get(f"{key}_conf")
    if conf is None or not np.isfinite(conf):
        return f"{row[key]:.3g}"
    return f"{row[key]:.3g} [{row[key] - conf:.3g}, {row[key] + conf:.3g}]"


def _noise_lines(noise: pd.DataFrame, skipped: Mapping[str, str]) -> list[str]:
    head = (
        "| outcome | units | replicates | s.d. within a point | s.d. of point means | noise share |"
    )
    lines = [head, "|---|---|---|---|---|---|"]
    for name, r in noise.iterrows():
        units = OUTCOMES.get(str(name), (1, "", ""))[1]
        share = "n/a (one replicate)" if not np.isfinite(r.noise_share) else f"{r.noise_share:.3f}"
        lines.append(f"| {name} | {units} | {int(r.replicates)} | {r.sd_within:.3g} | "
                     f"{r.sd_between:.3g} | {share} |")  # fmt: skip
    lines += [f"\nNot analysed: `{name}`, {why}." for name, why in skipped.items()]
    return lines


def markdown(method: str, table: pd.DataFrame, noise: pd.DataFrame,
             skipped: Mapping[str, str], about: Mapping[str, Any]) -> str:  # fmt: skip
    """Return the study's Markdown report: what ran, the replicate noise, the indices."""
    (k1, h1), (k2, h2) = _INDICES[method]
    ran = (
        f"{about['points']} points ({about['factors']} factors), {about['replicates']} "
        f"replicates each (common random numbers), scenario {about['scenario']}."
    )
    lines = [f"# Global sensitivity ({method})", "",
             f"Command: `{about['command']}`", "", ran, "",
             "## Replicate noise", "", *_noise_lines(noise, skipped), "",
             "## Indices", "",
             f"| factor | kind | outcome | units | {h1} | {h2} | above noise |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for _, row in table.iterrows():
        above = {True: "yes", False: "no"}.get(row["above_noise"], "n/a")
        cells = [
            f"{row['label']} (`{row['factor']}`)",
            row["kind"],
            row["outcome"],
            row["units"],
            _cell(row, k1),
            _cell(row, k2),
            above,
        ]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _panel(ax: Axes, method: str, part: pd.DataFrame, bar: float, title: str) -> None:
    """Draw one outcome: the main index as bars (by kind), the other as points, the noise."""
    key, other = ("ST", "S1") if method == "sobol" else ("mu_star", "sigma")
    part = part.sort_values(key)
    pos = np.arange(len(part))
    ax.barh(pos, part[key], xerr=part[f"{key}_conf"], color=[COLOURS[k] for k in part["kind"]],
            height=0.7, error_kw={"elinewidth": 0.8, "capsize": 2})  # fmt: skip
    err = part.get(f"{other}_conf")
    ax.errorbar(part[other], pos, xerr=err, fmt="D", color="black", markersize=3.5,
                elinewidth=0.8, capsize=2, label=other)  # fmt: skip
    if method == "sobol":  # indices are shares of variance: estimates beyond [0, 1] are noise
        ax.set_xlim(-0.1, 1.1)
    if np.isfinite(bar) and bar <= ax.get_xlim()[1]:
        ax.axvline(bar, color="grey", linestyle="--", linewidth=1)
    elif np.isfinite(bar):
        ax.text(0.98, 0.02, f"replicate noise {bar:.3g}, off the scale:\nno index can be told "
                "from noise", transform=ax.transAxes, ha="right", va="bottom", fontsize=8,
                color="dimgrey")  # fmt: skip
    ax.set_yticks(pos, part["label"], fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="x", alpha=0.3)


def figure(method: str, table: pd.DataFrame, noise: pd.DataFrame, subtitle: str) -> Figure:
    """Return the figure: one panel per outcome, factors sorted by ST (or mu*)."""
    outcomes = list(dict.fromkeys(table["outcome"]))
    ncols = min(2, len(outcomes))
    nrows = math.ceil(len(outcomes) / ncols)
    per = table["factor"].nunique()
    fig, axes = plt.subplots(nrows, ncols, figsize=(6.5 * ncols, 0.8 + nrows * (0.9 + 0.24 * per)),
                             squeeze=False, layout="constrained")  # fmt: skip
    for ax, name in zip(axes.flat, outcomes, strict=False):
        _, units, title = OUTCOMES.get(name, (1.0, "", name))
        col = "noise_share" if method == "sobol" else "noise_mu_star"
        _panel(ax, method, table[table["outcome"] == name], float(noise.loc[name, col]),
               f"{title} ({units})" if method == "morris" else title)  # fmt: skip
        ax.set_xlabel("share of the outcome's variance" if method == "sobol"
                      else f"mean |change| over a factor's range ({units})")  # fmt: skip
    for ax in list(axes.flat)[len(outcomes) :]:
        ax.set_visible(False)
    main = (
        "total order ST (bars) and first order S1 (diamonds), 95% intervals"
        if method == "sobol"
        else "mu* (bars, 95% intervals) and sigma (diamonds)"
    )
    kinds = [k for k in COLOURS if k in set(table["kind"])]
    handles = [plt.Rectangle((0, 0), 1, 1, color=COLOURS[k]) for k in kinds]
    handles += [plt.Line2D([], [], marker="D", color="black", linestyle="", markersize=4),
                plt.Line2D([], [], color="grey", linestyle="--")]  # fmt: skip
    bar = "ST" if method == "sobol" else "mu*"
    names = [f"{bar}: {k}" for k in kinds]
    noise_text = "replicate noise (an index below it cannot be told from noise)"
    names += ["S1" if method == "sobol" else "sigma", noise_text]
    fig.legend(handles, names, loc="outside lower center", ncols=len(names), fontsize=8)
    fig.suptitle(f"Global sensitivity ({'Sobol' if method == 'sobol' else 'Morris'}): {main}\n"
                 f"{subtitle}", fontsize=11)  # fmt: skip
    return fig


def write_outputs(out: Path, method: str, table: pd.DataFrame, noise: pd.DataFrame,
                  skipped: Mapping[str, str], about: Mapping[str, Any]) -> list[Path]:  # fmt: skip
    """Write ``sensitivity.csv``, ``noise.csv``, ``sensitivity.md`` and ``sensitivity.png``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / n for n in ("sensitivity.csv", "noise.csv", "sensitivity.md",
                               "sensitivity.png")]  # fmt: skip
    write_text_atomic(table.to_csv(index=False, float_format="%.6g"), paths[0])
    write_text_atomic(noise.to_csv(float_format="%.6g"), paths[1])
    write_text_atomic(markdown(method, table, noise, skipped, about), paths[2])
    subtitle = (f"{about['points']} points, {about['replicates']} replicates, "
                f"{about['households']:,} households, {about['months']} months; "
                f"scenario {about['scenario']}")  # fmt: skip
    fig = figure(method, table, noise, subtitle)
    tmp = paths[3].with_name(".sensitivity.png.tmp")
    fig.savefig(tmp, dpi=150, format="png")
    plt.close(fig)
    tmp.replace(paths[3])
    return paths
