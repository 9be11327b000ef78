"""Vocational training: a course of some months that raises skill when completed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from simulation.policy.programmes.base import B1, F8, Kind, ProgrammeRules, ProgrammeRuntime
from simulation.schema import MONEY_MONTH, spec

if TYPE_CHECKING:
    from simulation.policy.month import PolicyMonth

__all__ = ["KIND", "Training", "TrainingRules"]


@dataclass(frozen=True)
class TrainingRules(ProgrammeRules):
    """Vocational training: raises skill when the course is completed."""

    cost: float = spec("Rp/household/month", "cost per trainee per month", ge=0, le=MONEY_MONTH)
    course_months: int = spec("months", "length of the course", ge=1, le=36)
    skill_gain: float = spec("1", "relative rise of skill on completion", ge=0, le=2)


class Training(ProgrammeRuntime):
    """Vocational training for households with a working-age member."""

    rules: TrainingRules

    def eligible_extra(self, ctx: PolicyMonth) -> B1:
        return ctx.has_worker() & ~self.ever

    def monthly_cost(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> float:
        return self.rules.cost

    def completes(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> B1:
        return self.months_in(ctx, idx) >= self.rules.course_months

    def on_complete(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> None:
        ctx.households.skill[idx] *= 1.0 + self.rules.skill_gain

    def due(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> F8 | float:
        return self.monthly_cost(ctx, idx)


KIND = Kind("training", TrainingRules, Training, function="empowerment")
