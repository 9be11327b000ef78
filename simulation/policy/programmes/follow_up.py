"""Follow-up of graduates (pendampingan): visits, support after a shock, re-assessment.

Kemensos hands graduated families to Kemenko PM for follow-up "so they do not fall back"
(ANTARA, Dec 2025). A follow-up programme enrols graduates for ``months`` after they graduate,
while its budget and capacity last. Each month a followed graduate:

- is visited (``visit_cost``); the coaching lowers the poverty-trap threshold it faces by
  ``coaching_threshold_cut``, as a package's coaching does;
- after a shock (a health shock last month, or consumption below the poverty line) receives
  ``shock_support`` a month for ``support_months`` months;
- if it was below the poverty line last month and ``reassess`` is on, has its registry record
  updated at once, so bansos can take it back (by their normal order or a re-entry quota)
  without waiting for the next registry update.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from simulation.policy.graduation import GRADUATED
from simulation.policy.programmes.base import B1, F8, Kind, ProgrammeRules, ProgrammeRuntime
from simulation.schema import MONEY_MONTH, spec

if TYPE_CHECKING:
    from simulation.policy.month import PolicyMonth
    from simulation.policy.schema import Programme

__all__ = ["KIND", "FollowUp", "FollowUpRules"]


@dataclass(frozen=True)
class FollowUpRules(ProgrammeRules):
    """Follow-up of graduates: visits, support after a shock, re-assessment."""

    months: int = spec("months", "months after graduating a graduate is followed", ge=1, le=120)
    visit_cost: float = spec(
        "Rp/household/month", "cost of the monthly visit", ge=0, le=MONEY_MONTH
    )
    coaching_threshold_cut: float = spec(
        "1", "followed graduates face a threshold lower by this share", ge=0, lt=1
    )
    shock_support: float = spec("Rp/household/month", "support after a shock", ge=0, le=MONEY_MONTH)
    support_months: int = spec("months", "months of support after a shock", ge=0, le=24)
    reassess: bool = spec("-", "a graduate found poor is re-assessed on the registry at once")


class FollowUp(ProgrammeRuntime):
    """Follow-up of recent graduates (kind ``follow_up``)."""

    FRESH: ClassVar[dict[str, Any]] = ProgrammeRuntime.FRESH | {"support_left": 0}

    rules: FollowUpRules

    def __init__(self, spec: Programme, kind: Kind, n: int, weight: float) -> None:
        super().__init__(spec, kind, n, weight)
        self.support_left = np.zeros(n, dtype=np.int8)  # months of shock support still due

    def _followed(self, ctx: PolicyMonth, idx: NDArray[np.intp] | slice = slice(None)) -> B1:
        """Graduates within ``months`` of graduating (of ``idx``, or all)."""
        tr = ctx.tracker
        recent: B1 = ctx.month - tr.grad_month[idx].astype(np.int32) < self.rules.months
        out: B1 = (tr.status[idx] == GRADUATED) & recent
        return out

    def eligible_extra(self, ctx: PolicyMonth) -> B1:
        return self._followed(ctx)

    def monthly_cost(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> float:
        """Return the visit and the support, budgeted as one episode per followed graduate."""
        r = self.rules
        return r.visit_cost + r.shock_support * r.support_months / r.months

    def before(self, ctx: PolicyMonth, members: NDArray[np.intp]) -> None:
        """Find who was hit by a shock, and re-assess those who fell below the poverty line."""
        hh, r = ctx.households, self.rules
        poor = hh.poor[members]
        hit = members[poor | (hh.health_cost[members] > 0)]
        self.support_left[hit] = r.support_months
        if r.reassess:
            ctx.reassess(members[poor])

    def completes(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> B1:
        return ~self._followed(ctx, idx)

    def on_complete(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> None:
        self.support_left[idx] = 0

    def due(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> F8:
        r = self.rules
        return r.visit_cost + np.where(self.support_left[idx] > 0, r.shock_support, 0.0)

    def apply(self, ctx: PolicyMonth, idx: NDArray[np.intp], due: F8 | float) -> None:
        r, env = self.rules, ctx.env
        support = np.maximum(np.asarray(due) - r.visit_cost, 0.0)
        ctx.households.transfer_income[idx] += support
        self.support_left[idx] -= (self.support_left[idx] > 0).astype(np.int8)
        cut = ctx.world.assets.threshold * (1.0 - r.coaching_threshold_cut)
        env.threshold[idx] = np.minimum(env.threshold[idx], cut)


KIND = Kind("follow_up", FollowUpRules, FollowUp, function="follow_up")
