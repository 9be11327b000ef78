"""Flat monthly cash (Sembako food assistance): the same benefit to every enrolled family."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from simulation.policy.programmes.base import B1, F8, Kind, ProgrammeRules, ProgrammeRuntime
from simulation.schema import MONEY_MONTH, spec

if TYPE_CHECKING:
    from simulation.policy.month import PolicyMonth

__all__ = ["KIND", "Cash", "CashRules"]


@dataclass(frozen=True)
class CashRules(ProgrammeRules):
    """A flat monthly benefit per household (food aid, cash, cash-for-work wages)."""

    benefit: float = spec(
        "Rp/household/month", "benefit or wage per household", ge=0, le=MONEY_MONTH
    )
    duration: int = spec("months", "months of an enrolment (0: until exit)", ge=0, le=600)
    workers_only: bool = spec("-", "only households with a working-age member")


class Cash(ProgrammeRuntime):
    """A flat monthly benefit (Sembako food aid) or wage (cash-for-work)."""

    cooldown = 12
    rules: CashRules

    def eligible_extra(self, ctx: PolicyMonth) -> B1 | None:
        return ctx.has_worker() if self.rules.workers_only else None

    def monthly_cost(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> float:
        return self.rules.benefit

    def completes(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> B1:
        d = self.rules.duration
        return (self.months_in(ctx, idx) >= d) if d > 0 else np.zeros(idx.size, dtype=bool)

    def due(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> F8 | float:
        return self.monthly_cost(ctx, idx)

    def apply(self, ctx: PolicyMonth, idx: NDArray[np.intp], due: F8 | float) -> None:
        ctx.households.transfer_income[idx] += due


KIND = Kind("cash", CashRules, Cash, function="income_support", bansos=True)
