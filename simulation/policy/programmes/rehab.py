"""ATENSI social rehabilitation: services that relieve the care burden of a dependent member."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from simulation.policy.programmes.base import B1, F8, Kind, ProgrammeRules, ProgrammeRuntime
from simulation.schema import MONEY_MONTH, spec

if TYPE_CHECKING:
    from simulation.policy.month import PolicyMonth

__all__ = ["KIND", "Rehab", "RehabRules"]


@dataclass(frozen=True)
class RehabRules(ProgrammeRules):
    """ATENSI rehabilitation: services that relieve the care burden of a dependent member."""

    cost: float = spec("Rp/household/month", "cost of the service", ge=0, le=MONEY_MONTH)
    relief: float = spec("1", "share of the care burden relieved", ge=0, le=1)
    duration: int = spec("months", "months of service", ge=1, le=120)


class Rehab(ProgrammeRuntime):
    """ATENSI: services for a member needing care, relieving the carer's lost work."""

    cooldown = 12
    rules: RehabRules

    def eligible_extra(self, ctx: PolicyMonth) -> B1:
        return ctx.env.care_need

    def monthly_cost(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> float:
        return self.rules.cost

    def completes(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> B1:
        return self.months_in(ctx, idx) >= self.rules.duration

    def due(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> F8 | float:
        return self.monthly_cost(ctx, idx)

    def apply(self, ctx: PolicyMonth, idx: NDArray[np.intp], due: F8 | float) -> None:
        ctx.env.care_relief[idx] = self.rules.relief


KIND = Kind("rehab", RehabRules, Rehab, function="care")
