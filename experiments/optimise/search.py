"""Multi-objective search over splits of the envelope with Optuna, one sweep per generation.

A trial's parameters are a point ``u`` of the unit cube ``[0, 1]^(K-1)``; its split of the
envelope is the sorted spacings of ``u`` (:func:`experiments.allocation.design.to_simplex`, the
explorer's own map, with the same lower bounds), so every trial keeps the envelope. The sampler is
NSGA-II (:class:`optuna.samplers.NSGAIISampler`, seeded) with a population of ``batch`` trials:
each generation is asked for at once, run as one study (:func:`experiments.study.run_study`: a
``graduasi`` sweep, so any launcher, the checks, and resume) and told its results. Trial 0 is the
status quo (enqueued, when it lies within the lower bounds), so the first generation holds the
reference and the selection rule always has a candidate. Every trial runs the same replicates
with the same seed (common random numbers).

The objectives are the means over replicates of sustained graduations (households, maximised)
and extreme poverty (share of people, mean of the last 12 months, minimised).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import optuna
import xarray as xr

from experiments.allocation.design import (
    STATUS_QUO,
    Allocation,
    from_simplex,
    split,
    status_quo,
    to_simplex,
)
from experiments.allocation.envelope import Envelope
from experiments.allocation.explore import Study
from simulation.compare import headlines

__all__ = ["OBJECTIVES", "Search", "choose", "run_search", "trial_values"]

#: Optuna's objectives: (headline of simulation.compare, direction)
OBJECTIVES = (("sustained_graduations", "maximize"), ("extreme_poverty_rate", "minimize"))

#: runs the points of one generation; returns their results (dim ``scenario`` = labels)
Evaluate = Callable[[int, Sequence[Allocation]], xr.Dataset]


@dataclass(frozen=True)
class Search:
    """The finished search: the Optuna study, every trial's allocation, and all results."""

    study: optuna.Study
    allocations: dict[int, Allocation]
    results: xr.Dataset
    chosen: int | None


def _bounds(env: Envelope, study: Study) -> np.ndarray:
    return np.array([float(study.min_share.get(n, 0.0)) for n in env.names])


def _within(env: Envelope, m: np.ndarray) -> bool:
    return bool((env.shares >= m - 1e-12).all())


def trial_values(ds: xr.Dataset, label: str) -> list[float]:
    """Return the objectives of point ``label``: means over replicates, in their own units."""
    h = headlines(ds.sel(scenario=[label]))
    return [float(h[name].mean("replicate").squeeze()) for name, _ in OBJECTIVES]


def _ask(
    opt: optuna.Study, env: Envelope, m: np.ndarray, n: int, sq_trial: int | None
) -> list[tuple[int, Allocation]]:
    dists = {f"u{i}": optuna.distributions.FloatDistribution(0.0, 1.0)
             for i in range(len(env.names) - 1)}  # fmt: skip
    out = []
    for _ in range(n):
        trial = opt.ask(dists)
        u = np.array([[trial.params[f"u{i}"] for i in range(len(dists))]])
        if trial.number == sq_trial:
            out.append((trial.number, status_quo(env)))
        else:
            label = f"trial_{trial.number:04d}"
            out.append((trial.number, split(env, label, to_simplex(u, m)[0])))
    return out


def run_search(env: Envelope, study: Study, trials: int, batch: int, evaluate: Evaluate) -> Search:
    """Run ``trials`` trials in generations of ``batch``; return the study and its results.

    Parameters
    ----------
    env : Envelope
        The envelope (its status quo and total).
    study : Study
        The settings shared with the explorer (seed, lower bounds).
    trials, batch : int
        Number of trials and of trials per generation (NSGA-II's population, >= 2).
    evaluate : callable
        ``evaluate(generation, allocations)`` runs them and returns their results.
    """
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.NSGAIISampler(population_size=batch, seed=study.seed)
    opt = optuna.create_study(directions=[d for _, d in OBJECTIVES], sampler=sampler)
    m = _bounds(env, study)
    sq_trial = 0 if _within(env, m) else None
    if sq_trial is not None:
        sq = from_simplex(env.shares, m)
        opt.enqueue_trial({f"u{i}": float(v) for i, v in enumerate(sq)})
    allocations: dict[int, Allocation] = {}
    parts = []
    for gen in range(math.ceil(trials / batch)):
        asked = _ask(opt, env, m, min(batch, trials - gen * batch), sq_trial)
        points = [a for _, a in asked]
        if gen == 0 and STATUS_QUO not in {a.label for a in points}:
            points = [status_quo(env), *points]  # the reference, outside the search
        ds = evaluate(gen, points)
        parts.append(ds)
        for number, alloc in asked:
            allocations[number] = alloc
            opt.tell(number, trial_values(ds, alloc.label))
    results = xr.concat(parts, dim="scenario", combine_attrs="override", data_vars="all")
    return Search(opt, allocations, results, choose(opt, results))


def choose(opt: optuna.Study, ds: xr.Dataset) -> int | None:
    """Return the number of the chosen trial, or ``None`` if no Pareto trial qualifies.

    The rule: the Pareto trial with the most sustained graduations among those whose extreme
    poverty is not above the status quo's (ties: less extreme poverty, then the earlier trial).
    """
    limit = trial_values(ds, STATUS_QUO)[1]
    best = [t for t in opt.best_trials if t.values[1] <= limit]
    if not best:
        return None
    return min(best, key=lambda t: (-t.values[0], t.values[1], t.number)).number


def sweep_evaluator(
    out: Path, study: Study, meta: dict[str, object], *, quiet: bool = False
) -> Evaluate:
    """Return an evaluator that runs each generation as a study in ``out/generations/NNN``."""
    from experiments.allocation.checks import check_out, check_points
    from experiments.study import run_study

    def evaluate(gen: int, points: Sequence[Allocation]) -> xr.Dataset:
        folder = out / "generations" / f"{gen:03d}"
        pts = [p.point for p in points if p.point is not None]
        check_points(study.scenario, pts, study.graduasi)
        check_out(folder, study.scenario, pts, {"graduasi_overrides": list(study.graduasi)})
        return run_study(folder, f"optimise_{gen:03d}", study.scenario, pts,
                         {**meta, "generation": gen}, study.graduasi, quiet=quiet)  # fmt: skip

    return evaluate
