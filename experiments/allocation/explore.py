"""The allocation explorer: build the design, run it as one sweep, analyse it, write the outputs.

:func:`explore` is what ``python -m experiments.allocation`` runs once its arguments are checked:
the status quo, ``n`` splits of the envelope (:mod:`experiments.allocation.design`) and any
marginal changes become the points of one study (:func:`experiments.study.run_study`: one
``graduasi`` sweep, so any launcher, the checks of every point, and resume), every point on
the same replicates (common random numbers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from experiments.allocation import analysis, figures, tables
from experiments.allocation.design import STATUS_QUO, Allocation, marginal_points, simplex_points
from experiments.allocation.envelope import ENVELOPE, ENVELOPE_REASON, Envelope, read_envelope
from experiments.results import write_atomic, write_text_atomic
from experiments.study import run_study

__all__ = ["METHOD", "Analysis", "Study", "analyse", "build", "explore", "with_design"]

METHOD = (
    "scrambled Sobol points (scipy.stats.qmc.Sobol, Owen scrambling seeded by --seed) in the "
    "unit cube of dimension K-1, mapped onto the simplex of K shares by sorted uniform spacings"
)


@dataclass(frozen=True)
class Study:
    """What the explorer runs (the checked command line)."""

    scenario: str = "baseline_2025"
    programmes: tuple[str, ...] = ENVELOPE
    points: int = 32
    seed: int = 0
    min_share: dict[str, float] = field(default_factory=dict)
    marginal: tuple[tuple[str, float], ...] = ()
    relapse: str = "relapse_rate_24"
    graduasi: tuple[str, ...] = ()
    out: Path = Path("outputs/allocation")


@dataclass(frozen=True)
class Analysis:
    """Levels, paired effects against the status quo, the frontier and marginal effects."""

    levels: xr.Dataset
    effects: xr.Dataset
    frontier: xr.DataArray
    marginal: xr.Dataset | None
    objectives: list[analysis.Objective]


def build(study: Study) -> tuple[Envelope, list[Allocation]]:
    """Return the envelope and the study's points: status quo, splits, then marginal changes."""
    env = read_envelope(study.scenario, study.programmes)
    points = simplex_points(env, study.points, study.seed, study.min_share)
    return env, points + marginal_points(env, study.marginal)


def design_meta(study: Study, env: Envelope, command: str) -> dict[str, Any]:
    """Provenance of the design file: the command, the seed, the envelope and the method."""
    return {
        "command": command,
        "date": dt.date.today().isoformat(),
        "seed": study.seed,
        "envelope": list(env.names),
        "envelope_total_rp_per_year": [float(t) for t in env.totals],
        "envelope_reason": ENVELOPE_REASON,
        "method": METHOD,
        "min_share": dict(study.min_share),
        "marginal_rp_per_year": [[n, c] for n, c in study.marginal],
        "graduasi_overrides": list(study.graduasi),
    }


def analyse(ds: xr.Dataset, points: Sequence[Allocation], relapse: str) -> Analysis:
    """Levels, effects, the frontier of the status quo and the splits, and marginal effects."""
    objs = analysis.objectives(relapse)
    levels, effects = analysis.study_statistics(ds, STATUS_QUO)
    candidates = [p.label for p in points if p.kind != "marginal"]
    on = analysis.frontier(levels, candidates, objs)
    changes = {p.label: p.change for p in points if p.kind == "marginal"}
    marg = analysis.marginal_effects(effects, changes) if changes else None
    return Analysis(levels, effects, on, marg, objs)


def with_design(ds: xr.Dataset, env: Envelope, points: Sequence[Allocation]) -> xr.Dataset:
    """Return the results with each point's kind, shares, budgets, capacities (dim ``envelope``)."""
    labels = [str(s) for s in ds.scenario.values]
    by = {p.label: p for p in points}
    coords = {"scenario": labels, "envelope": list(env.names)}
    dims = ("scenario", "envelope")
    return ds.assign(
        point_kind=("scenario", [by[s].kind for s in labels]),
        share=(dims, np.array([by[s].shares for s in labels]), {"units": "1"}),
        budget=(dims, np.array([by[s].budgets[:, 0] for s in labels]), {"units": "Rp/year"}),
        capacity=(dims, np.array([by[s].capacities for s in labels]), {"units": "households"}),
        marginal_change=("scenario", [by[s].change for s in labels], {"units": "Rp/year"}),
        marginal_programme=("scenario", [by[s].programme for s in labels]),
    ).assign_coords(coords)


def _header(ds: xr.Dataset, env: Envelope, an: Analysis, study: Study) -> str:
    n_rep, months = ds.sizes["replicate"], ds.sizes["month"]
    dropped = [o.title for o in an.objectives
               if bool(an.levels.level_mean.sel(outcome=o.outcome).isnull().all())]  # fmt: skip
    sustained = an.levels.level_mean.sel(outcome="sustained_graduations")
    note = "" if bool((sustained != 0).any()) else (
        " No point has sustained graduations: a graduate sustains at its last follow-up "
        "(policy.graduation.followup_months), later than this run ends."
    )  # fmt: skip
    if dropped:
        note += (f" Not defined in this run, so left out of the frontier: {', '.join(dropped)} "
                "(graduates must be followed long enough: policy.graduation.followup_months, "
                "and 24 months for relapse within 24 months; run more months).")  # fmt: skip
    return (
        f"# Allocations of the {'+'.join(env.names)} envelope ({study.scenario})\n\n"
        f"Envelope Rp{env.totals[0] / 1e12:,.2f} trillion a year, {ds.sizes['scenario']} points "
        f"x {n_rep} replicates, {months} months; design seed {study.seed}. Levels: means over "
        "replicates [95% interval]; 'vs status quo': paired differences on the same replicates "
        "(common random numbers) [95% interval]. Frontier: no other point is at least as good "
        "on every one of sustained graduations (more), relapse, extreme poverty and spending "
        f"(less) and better on one (by the means).{note}\n\n"
    )


def write_outputs(out: Path, ds: xr.Dataset, env: Envelope, points: Sequence[Allocation],
                  an: Analysis, study: Study) -> list[Path]:  # fmt: skip
    """Write results.nc, effects.nc, the frontier and marginal tables and the figures."""
    full = with_design(ds, env, points).assign(frontier=an.frontier.reindex(
        scenario=ds.scenario.values, fill_value=False))  # fmt: skip
    write_atomic(full, out / "results.nc")
    stats = xr.merge([an.levels, an.effects], compat="no_conflicts", join="outer")
    write_atomic(stats.assign(frontier=an.frontier), out / "effects.nc")
    nums, text = tables.frontier_tables(an.levels, an.effects, an.frontier, points, env.names,
                                        an.objectives)  # fmt: skip
    nums.to_csv(out / "frontier.csv", index=False)
    body = _header(ds, env, an, study) + text.to_markdown(index=False) + "\n"
    write_text_atomic(body, out / "frontier.md")
    paths = [out / "results.nc", out / "effects.nc", out / "frontier.csv", out / "frontier.md"]
    if an.marginal is not None:
        nums, text = tables.marginal_tables(an.marginal, points, an.objectives)
        nums.to_csv(out / "marginal.csv", index=False)
        note = ("# Marginal changes against the status quo\n\nEach point changes one programme's "
                "budget in every year and leaves the others as they are (the envelope is not "
                "kept). Effects are paired on the same replicates, with 95% intervals; 'per Rp1 "
                "T a year more' divides by the change.\n\n")  # fmt: skip
        body = note + text.to_markdown(index=False, disable_numparse=True) + "\n"
        write_text_atomic(body, out / "marginal.md")
        paths += [out / "marginal.csv", out / "marginal.md"]
    shares = np.array([p.shares for p in points if p.kind != "marginal"])
    return paths + figures.write_figures(out, an.levels, an.effects, an.frontier, shares,
                                         env.names, an.objectives, an.marginal)  # fmt: skip


def explore(study: Study, command: str, *, quiet: bool = False) -> Analysis:
    """Run the study of ``study`` and write its outputs into ``study.out``."""
    env, points = build(study)
    meta = design_meta(study, env, command)
    ds = run_study(study.out, "allocation", study.scenario, [p.point for p in points if p.point],
                   meta, study.graduasi, quiet=quiet)  # fmt: skip
    an = analyse(ds, points, study.relapse)
    write_outputs(study.out, ds, env, points, an, study)
    return an
