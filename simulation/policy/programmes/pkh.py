"""PKH (Program Keluarga Harapan): conditional cash by family composition, paid quarterly.

Families smooth the quarterly payment: a family is owed its entitlement month by month and
plans on it (it buys on credit at the shop against the payment, or keeps part of a payment for
the months ahead), so the entitlement is its transfer income every month, while the ledger pays
the cash in arrears every ``payment_interval`` months and the payment settles what is owed.
What a family was owed but is not paid (it left before the payment, or money ran short) comes
off its savings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from simulation.policy.programmes.base import B1, F8, Kind, ProgrammeRules, ProgrammeRuntime
from simulation.schema import MONEY_MONTH, spec

if TYPE_CHECKING:
    from simulation.policy.month import PolicyMonth
    from simulation.policy.schema import Programme

__all__ = ["KIND", "PKH", "PKHRules", "pkh_annual_benefit"]

_SETTLED = 1e-6  # owed below this after a payment is settled (rounding) (Rp)


@dataclass(frozen=True)
class PKHRules(ProgrammeRules):
    """Benefits per eligible member of each PKH component, capped, paid every few months."""

    component_benefits: tuple[float, ...] = spec(
        "Rp/person/year", "benefit per member of each PKH component", ge=0, le=12 * MONEY_MONTH
    )
    component_caps: tuple[int, ...] = spec(
        "persons", "members counted per component", ge=0, le=50
    )  # more than any household has (benefits count at most 8 members)
    member_cap: int = spec("persons", "members counted per family in all", ge=1, le=8)
    payment_interval: int = spec("months", "months between payments", ge=1, le=12)

    def validate(self) -> None:
        """Check one value per component, and that payments fall within the budget year."""
        if not len(self.component_benefits) == len(self.component_caps) == 7:
            self.fail("component_benefits", "and component_caps must have 7 values")
        if 12 % self.payment_interval:
            self.fail("payment_interval", f"must divide 12, got {self.payment_interval}")


def pkh_annual_benefit(counts: NDArray[np.integer[Any]], rules: PKHRules) -> F8:
    """Annual PKH benefit per family (Rp): per-component caps, then the family cap.

    Members are counted in order of benefit, highest first, until ``member_cap`` (assumption:
    the rule does not say which members count when a family has more than the cap).
    """
    benefits = np.array(rules.component_benefits)
    caps = np.minimum(rules.component_caps, 8).astype(np.int16)[:, None]  # <= 8 members
    capped = np.minimum(counts.T, caps)  # one contiguous row per component
    left = np.full(counts.shape[0], rules.member_cap, dtype=np.int16)
    total = np.zeros(counts.shape[0])
    take = np.empty(counts.shape[0], dtype=np.int16)
    for j in np.argsort(-benefits, kind="stable"):
        np.minimum(capped[j], left, out=take)
        total += take * benefits[j]
        left -= take
    return total


class PKH(ProgrammeRuntime):
    """Conditional cash transfer by family composition, paid every ``payment_interval``."""

    FRESH: ClassVar[dict[str, Any]] = ProgrammeRuntime.FRESH | {
        "_annual": 0.0, "_payable": False, "owed": 0.0,
    }  # fmt: skip

    contingency = 0.05  # families gain components as children are born or change school level
    rules: PKHRules

    def __init__(self, spec: Programme, kind: Kind, n: int, weight: float) -> None:
        super().__init__(spec, kind, n, weight)
        self._annual = np.zeros(n)
        self._payable = np.zeros(n, dtype=bool)  # families with a benefit (annual > 0)
        self._epoch = -1  # composition epoch of ``_annual``
        self.owed = np.zeros(n)  # entitlement accrued and not yet paid (Rp)
        self._forfeit: list[tuple[NDArray[np.intp], F8]] = []  # owed to families that left

    def annual(self, ctx: PolicyMonth) -> F8:
        """Annual benefit each family would receive now (Rp/year).

        Recomputed only for the families whose members changed since the last call (see
        :class:`simulation.composition.Composition`), or for all when updates were missed.
        """
        comp = ctx.composition
        if self._epoch != comp.epoch:
            if self._epoch == comp.epoch - 1:  # the rows recounted by the last update
                rows, counts = comp.changed, comp.changed_components
                self._annual[rows] = annual = pkh_annual_benefit(counts, self.rules)
                self._payable[rows] = annual > 0
            else:
                self._annual[:] = pkh_annual_benefit(comp.components, self.rules)
                np.greater(self._annual, 0, out=self._payable)
            self._epoch = comp.epoch
        return self._annual

    def eligible_extra(self, ctx: PolicyMonth) -> B1:
        self.annual(ctx)  # brings ``_payable`` up to date
        return self._payable

    def monthly_cost(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> F8:
        return self.annual(ctx)[idx] / 12.0

    def cheapest(self, ctx: PolicyMonth) -> float:
        """Return the smallest paid component (an eligible family has a member counted)."""
        r = self.rules
        paid = [b for b, cap in zip(r.component_benefits, r.component_caps, strict=True)
                if b > 0 and cap > 0]  # fmt: skip
        return min(paid, default=0.0) / 12.0

    def due(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> F8 | float:
        """Pay in arrears for the months of the period the family was enrolled."""
        k = self.rules.payment_interval
        if (ctx.month + 1) % k:
            return 0.0
        months = np.minimum(self.months_in(ctx, idx) + 1, k)
        return self.annual(ctx)[idx] * months / 12.0

    def leave(self, idx: NDArray[np.intp]) -> None:
        """End the enrolment of ``idx``; what they were owed is forfeited (paid in arrears)."""
        owed = self.owed[idx]
        lost = owed > 0
        if lost.any():
            self._forfeit.append((idx[lost], owed[lost]))
        self.owed[idx] = 0.0
        super().leave(idx)

    def pay(self, ctx: PolicyMonth, members: NDArray[np.intp] | None = None) -> None:
        """Members receive their monthly entitlement; the ledger pays the cash when due."""
        savings = ctx.households.savings
        for lost, amount in self._forfeit:  # spent ahead of a payment that will not come
            savings[lost] -= amount
        self._forfeit.clear()
        idx = self.members() if members is None else members
        entitlement = self.annual(ctx)[idx] / 12.0
        ctx.households.transfer_income[idx] += entitlement
        self.owed[idx] += entitlement
        super().pay(ctx, idx)
        if (ctx.month + 1) % self.rules.payment_interval == 0:  # a payment month
            unpaid = idx[self.owed[idx] > _SETTLED]  # money ran short: not owed later
            savings[unpaid] -= self.owed[unpaid]
            self.owed[unpaid] = 0.0

    def apply(self, ctx: PolicyMonth, idx: NDArray[np.intp], due: F8 | float) -> None:
        """Settle what the families paid were owed (it was their income month by month)."""
        self.owed[idx] -= due


KIND = Kind("pkh", PKHRules, PKH, function="income_support", bansos=True)
