"""PBI-JKN: health-insurance premiums paid per person; members pay only part of a health shock."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from simulation.policy.programmes.base import B1, F8, Kind, ProgrammeRules, ProgrammeRuntime
from simulation.schema import MONEY_MONTH, spec

if TYPE_CHECKING:
    from simulation.policy.month import PolicyMonth

__all__ = ["KIND", "HealthCover", "HealthCoverRules"]


@dataclass(frozen=True)
class HealthCoverRules(ProgrammeRules):
    """PBI-JKN: premiums paid per person; members pay only part of a health shock."""

    premium: float = spec(
        "Rp/person/month", "premium paid per covered person", ge=0, le=MONEY_MONTH
    )
    cover_share: float = spec("1", "share of out-of-pocket health costs covered", ge=0, le=1)


class HealthCover(ProgrammeRuntime):
    """PBI-JKN: premiums per person; covered households pay part of a health cost."""

    contingency = 0.01  # premiums follow household size (births)
    rules: HealthCoverRules

    def monthly_cost(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> F8:
        size = ctx.households.size[idx].astype(np.float64)
        return self.rules.premium * size

    def cheapest(self, ctx: PolicyMonth) -> float:
        """Return the premium of one person (every household has a member)."""
        return self.rules.premium

    def completes(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> B1:
        """Recertification: a household leaves when its registry decile rises above the limit."""
        return ctx.targeting.deciles(self)[idx] > self.spec.max_decile

    def due(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> F8 | float:
        return self.monthly_cost(ctx, idx)

    def apply(self, ctx: PolicyMonth, idx: NDArray[np.intp], due: F8 | float) -> None:
        ctx.env.uncovered[idx] = 1.0 - self.rules.cover_share


KIND = Kind("health_cover", HealthCoverRules, HealthCover, function="health")
