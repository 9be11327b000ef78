"""The simulated method of moments: free parameters fitted to the targets with Optuna.

The loss of a parameter set is ``sum_k ((m_k - t_k) / tol_k) ** 2`` over the targets of
:mod:`experiments.calibration.targets`, with the moments ``m`` of ``baseline_2025`` runs on
fixed replicates (common random numbers: every candidate sees the same households and shocks,
so differences in loss come from the parameters). Optuna's TPE sampler, seeded, proposes the
candidates, so a calibration is reproducible from its seed; the starting values (those of the
scenario files) are the first candidate.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import optuna

from experiments.calibration.moments import MONTHS, simulate
from experiments.calibration.targets import TARGETS
from scenarios import load_params

__all__ = ["PARAMETERS", "Calibration", "Free", "calibrate", "loss"]


@dataclass(frozen=True)
class Free:
    """A free parameter: its dotted path, its search range and the file that holds it."""

    low: float
    high: float
    log: bool = False
    file: str = "world_2025"


#: the free parameters and their ranges (assumptions: wide around the hand-set values)
PARAMETERS: dict[str, Free] = {
    "world.initial.median_consumption": Free(1.0e6, 2.5e6, log=True),
    "world.initial.sigma": Free(0.02, 0.85),
    "world.initial.size_gradient": Free(0.0, 0.25),
    "world.initial.urban_premium": Free(0.05, 0.6),
    "world.income.persistent_rho": Free(0.90, 0.995),
    "world.income.persistent_sigma": Free(0.02, 0.12),
    "world.income.transitory_sigma": Free(0.05, 0.40),
    "world.consumption.invest_share": Free(0.0, 0.2),
    "world.assets.speed": Free(0.05, 0.5),
    "world.shocks.health_hazard": Free(0.002, 0.012),
    "policy.programmes.PKH.rules.verified_share": Free(0.15, 1.0, file="baseline_2025"),
}


def loss(moments: dict[str, float]) -> float:
    """Return the weighted squared distance of ``moments`` from the targets."""
    return float(sum(((moments[k] - t.value) / t.tolerance) ** 2 for k, t in TARGETS.items()))


@dataclass
class Calibration:
    """The outcome of a calibration: the best values, their moments and loss, and the start's."""

    values: dict[str, float]
    moments: dict[str, float]
    loss: float
    start_values: dict[str, float]
    start_moments: dict[str, float]
    start_loss: float
    trials: int
    seed: int
    history: list[float] = field(default_factory=list)


def _run(overrides: dict[str, Any], households: int, replicates: int) -> dict[str, float]:
    """Moments of ``baseline_2025`` with the candidate ``overrides``.

    A candidate describes the world as it is, so its policy values hold in the policy history
    before 2025 too (the baseline is its own past), not only from January as a reform would.
    """
    size = {"world.population.households": households, "run.months": MONTHS}
    params = load_params("baseline_2025", size | overrides)
    params = dataclasses.replace(params, history=params.policy if params.history else None)
    return simulate(params, list(range(replicates)))


def calibrate(
    trials: int, households: int, replicates: int, seed: int = 0, *, progress: bool = True
) -> Calibration:
    """Fit :data:`PARAMETERS` in ``trials`` evaluations; the first is the scenario's values."""
    base = load_params("baseline_2025")
    start = {path: _get(base, path) for path in PARAMETERS}
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    study.enqueue_trial(start)

    def objective(trial: optuna.Trial) -> float:
        values = {p: trial.suggest_float(p, f.low, f.high, log=f.log)
                  for p, f in PARAMETERS.items()}  # fmt: skip
        moments = _run(values, households, replicates)
        trial.set_user_attr("moments", moments)
        return loss(moments)

    study.optimize(objective, n_trials=trials, show_progress_bar=progress)
    first, best = study.trials[0], study.best_trial
    return Calibration(
        values=dict(best.params), moments=best.user_attrs["moments"], loss=float(best.value),
        start_values=start, start_moments=first.user_attrs["moments"],
        start_loss=float(first.value), trials=trials, seed=seed,
        history=[float(t.value) for t in study.trials],
    )  # fmt: skip


def _get(params: Any, dotted: str) -> float:
    """Value at ``dotted``; a key may name a record of a tuple (``programmes.PKH``)."""
    node = params
    for key in dotted.split("."):
        if isinstance(node, tuple):
            node = next(item for item in node if item.name == key)
        else:
            node = getattr(node, key)
    return float(node)
