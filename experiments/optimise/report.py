"""The optimiser's outputs: every trial, the Pareto table, the figure, the chosen scenario file.

Tables reuse the explorer's (:func:`experiments.allocation.tables.frontier_tables`) with the two
objectives of the search; levels are means over replicates with 95% intervals and effects are
paired against the status quo on the same replicates.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from experiments.allocation import analysis, tables
from experiments.allocation.design import STATUS_QUO
from experiments.allocation.envelope import Envelope
from experiments.allocation.explore import Study, with_design
from experiments.optimise.scenario_file import scenario_body, write_scenario
from experiments.optimise.search import Search
from experiments.results import write_atomic, write_text_atomic

__all__ = ["RULE", "objectives", "write_report"]

RULE = (
    "the Pareto trial with the most sustained graduations among those whose extreme poverty "
    "is not above the status quo's (means over the same replicates; ties: less extreme "
    "poverty, then the earlier trial)"
)


def objectives() -> list[analysis.Objective]:
    """Return the search's two objectives, as the explorer shows them."""
    objs = {o.outcome: o for o in analysis.objectives()}
    return [objs["sustained_graduations"], objs["extreme_poverty_rate"]]


def _pareto(search: Search) -> xr.DataArray:
    on = {search.allocations[t.number].label for t in search.study.best_trials}
    labels = [str(s) for s in search.results.scenario.values]
    return xr.DataArray([s in on for s in labels], dims="scenario", coords={"scenario": labels})


def _figure(path: Path, levels: xr.Dataset, pareto: xr.DataArray, gen: np.ndarray,
            chosen: str | None) -> Path:  # fmt: skip
    sus, ext = objectives()
    labels = [str(s) for s in pareto.scenario.values]
    sel = levels.sel(scenario=labels)
    x, y = (np.array([sel.sel(outcome=o.outcome)[f"level_{s}"].values * o.scale
                      for s in ("mean", "lo", "hi")]) for o in (ext, sus))  # fmt: skip
    on = pareto.values.astype(bool)
    fig, ax = plt.subplots(figsize=(8, 5.5))
    ax.errorbar(
        x[0][on],
        y[0][on],
        xerr=np.abs(np.nan_to_num(x[1:, on] - x[0][on])),
        yerr=np.abs(np.nan_to_num(y[1:, on] - y[0][on])),
        fmt="none",
        ecolor="0.7",
    )
    sc = ax.scatter(x[0], y[0], c=gen, cmap="viridis", s=25, zorder=2)
    plt.colorbar(sc, ax=ax, label="generation")
    order = np.argsort(x[0][on])
    ax.plot(x[0][on][order], y[0][on][order], "r--", lw=1, zorder=1)
    ax.scatter(x[0][on], y[0][on], s=90, facecolors="none", edgecolors="red", label="Pareto")
    for lab, kw in (
        (STATUS_QUO, {"marker": "*", "s": 220, "c": "black", "label": "status quo"}),
        (chosen, {"marker": "D", "s": 90, "c": "tab:orange", "label": "chosen"}),
    ):
        if lab in labels:
            i = labels.index(lab)
            ax.scatter(x[0][i], y[0][i], zorder=4, **kw)  # type: ignore[arg-type]
    ax.set_xlabel(f"extreme poverty ({ext.unit}, mean of the last 12 months; left is better)")
    ax.set_ylabel(f"sustained graduations ({sus.unit}; up is better)")
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_report(out: Path, env: Envelope, search: Search, study: Study, name: str,
                 command: str) -> Path | None:  # fmt: skip
    """Write results.nc, trials.csv, pareto.csv/.md, pareto.png and ``<name>.yaml``.

    Returns the scenario file, or ``None`` if no trial qualifies under :data:`RULE`.
    """
    ds, objs = search.results, objectives()
    points = list({a.label: a for a in search.allocations.values()}.values())
    if STATUS_QUO not in {p.label for p in points}:
        from experiments.allocation.design import status_quo

        points.insert(0, status_quo(env))
    levels, effects = analysis.study_statistics(ds, STATUS_QUO)
    pareto = _pareto(search)
    number = {a.label: n for n, a in search.allocations.items()}
    gen = np.array([number.get(str(s), -1) for s in pareto.scenario.values])
    write_atomic(with_design(ds, env, points).assign(pareto=pareto), out / "results.nc")
    nums, text = tables.frontier_tables(levels, effects, pareto, points, env.names, objs)
    chosen = search.allocations[search.chosen].label if search.chosen is not None else None
    for df in (nums, text):
        df.insert(1, "trial", [number.get(p, "") for p in df.point])
        df.insert(2, "chosen", ["yes" if p == chosen else "" for p in df.point])
    nums.to_csv(out / "trials.csv", index=False)
    keep = [bool(f) or p == STATUS_QUO for p, f in zip(nums.point, nums.frontier, strict=True)]
    nums[keep].to_csv(out / "pareto.csv", index=False)
    head = (
        f"# Pareto allocations of the {'+'.join(env.names)} envelope\n\n"
        f"{len(search.allocations)} trials (NSGA-II, seed {study.seed}); Pareto on "
        f"{objs[0].title} (more) and {objs[1].title} (less). Chosen: {RULE}.\n\n"
    )
    text = text[keep].rename(columns={"frontier": "Pareto"})
    write_text_atomic(head + text.to_markdown(index=False) + "\n", out / "pareto.md")
    _figure(out / "pareto.png", levels, pareto, gen // max(1, _batch(search)), chosen)
    if chosen is None:
        return None
    return _scenario(out, env, search, study, name, command)


def _batch(search: Search) -> int:
    return int(search.study.sampler.population_size)  # type: ignore[attr-defined]


def _scenario(out: Path, env: Envelope, search: Search, study: Study, name: str,
              command: str) -> Path:  # fmt: skip
    assert search.chosen is not None
    alloc = search.allocations[search.chosen]
    trial = search.study.trials[search.chosen]
    date = dt.date.today().isoformat()
    source = f"experiments.optimise, seed {study.seed}, trial {search.chosen}, {date}, {command}"
    shares = ", ".join(f"{n} {100 * s:.1f}%" for n, s in zip(env.names, alloc.shares, strict=True))
    description = (
        f"The split of the {'+'.join(env.names)} envelope (Rp{env.totals[0] / 1e12:.2f} T a "
        f"year) chosen by experiments.optimise (seed {study.seed}, trial {search.chosen} of "
        f"{len(search.allocations)}): {RULE}. Shares: {shares}. In the search "
        f"({' '.join(study.graduasi)}) it had {trial.values[0] / 1e3:,.1f} thousand sustained "
        f"graduations and {100 * trial.values[1]:.3f}% extreme poverty."
    )
    if alloc.label == STATUS_QUO:
        description += " No trial did better under the rule: this scenario equals its parent."
    body = scenario_body(name, env, alloc, source, description)
    header = [f"Written by {command}", f"on {date}; see experiments/optimise/README.md."]
    return write_scenario(out / f"{name}.yaml", body, header)
