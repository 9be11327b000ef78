"""PKH (Program Keluarga Harapan): conditional cash by family composition, paid quarterly.

Families smooth the quarterly payment: a family is owed its entitlement month by month and
plans on it (it buys on credit at the shop against the payment, or keeps part of a payment for
the months ahead), so the entitlement is its transfer income every month, while the ledger pays
the cash in arrears every ``payment_interval`` months and the payment settles what is owed.
What a family was owed but is not paid (it left before the payment, or money ran short) comes
off its savings.

PKH pays for the members it has on record and verified, not for every member of an eligible
age: a member counts with probability ``verified_share``, drawn once for the member at each
component (a child is verified again on reaching each school level, where in reality children
drop out or are not re-registered; a pregnancy once). A family none of whose members is
verified has no PKH component: it cannot enrol, and an enrolled one leaves (a natural
graduation in Kemensos' counts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from simulation.households import AGE_BANDS, COMPONENTS, HouseholdState, take_rows
from simulation.policy.programmes.base import B1, F8, Kind, ProgrammeRules, ProgrammeRuntime
from simulation.schema import MONEY_MONTH, spec

if TYPE_CHECKING:
    from simulation.policy.month import PolicyMonth
    from simulation.policy.schema import Programme

__all__ = ["KIND", "PKH", "Keyed", "PKHRules", "pkh_annual_benefit", "verified_counts"]

#: ``keyed(decision, *keys)``: uniforms that are a fixed function of integer keys
Keyed = Callable[..., NDArray[np.float64]]

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
    verified_share: float = spec(
        "1", "chance that a member of a component is on PKH's record and verified", ge=0, le=1
    )

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


_BLOCK = 1 << 15  #: households per block of :func:`verified_counts` (bounds its temporaries)


def verified_counts(
    state: HouseholdState, rows: NDArray[np.intp], month: int, share: float, keyed: Keyed
) -> NDArray[np.int16]:
    """Members of each PKH component on record and verified, for households ``rows``.

    A member counts if its draw is below ``share``. The draw is keyed by the household (row and
    month formed), the member's birth month and the component (a pregnancy by its conception
    month), so it stays the member's while the member holds the component and is drawn anew at
    the next one. ``month`` is the model month of the ages in ``state``. Rows are taken in
    blocks, so the temporaries (a few hundred bytes a household) stay small.
    """
    out = np.zeros((rows.size, len(COMPONENTS)), dtype=np.int16)
    for start in range(0, rows.size, _BLOCK):
        part = rows[start : start + _BLOCK]
        out[start : start + part.size] = _verified_block(state, part, month, share, keyed)
    return out


def _band_of_age() -> NDArray[np.int8]:
    """Component of each age in months (index: age + 1; -1 for none, and for an empty slot)."""
    out = np.full(_OLDEST + 2, -1, dtype=np.int8)
    for j, name in enumerate(COMPONENTS):
        if name in AGE_BANDS:
            lo, hi = (round(x * 12) for x in AGE_BANDS[name])
            out[lo + 1 : min(hi, _OLDEST + 1) + 1] = j
    return out


_OLDEST = 200 * 12  #: months; older ages are looked up as this one
_BAND = _band_of_age()


def _verified_block(
    state: HouseholdState, rows: NDArray[np.intp], month: int, share: float, keyed: Keyed
) -> NDArray[np.int16]:
    """:func:`verified_counts` of one block: draws made only for members holding a component."""
    n, k, slots = rows.size, len(COMPONENTS), state.age.shape[1]
    age = take_rows(state.age, rows).ravel()
    band = _BAND[np.minimum(age, _OLDEST) + 1]  # component of each member's age, if any
    in_band = np.flatnonzero(band >= 0)
    disabled = np.flatnonzero(take_rows(state.disabled, rows).ravel() & (age >= 0))
    expecting = np.flatnonzero(state.pregnant[rows] > 0)
    # the members drawn for: by age band, by disability, and the pregnancies
    r = np.concatenate((in_band // slots, disabled // slots, expecting))
    last, first = np.full(disabled.size, k - 1, np.int8), np.zeros(expecting.size, np.int8)
    comp = np.concatenate((band[in_band], last, first))
    since = np.concatenate((age[in_band], age[disabled], state.pregnant[rows][expecting]))
    key = (rows[r], state.formed[rows][r], month - since.astype(np.int64), comp)
    ok = keyed("verification", *key) < share
    counts = np.bincount(r[ok] * k + comp[ok], minlength=n * k)
    return counts.reshape(n, k).astype(np.int16)


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
                rows = comp.changed
                counts: NDArray[np.integer[Any]] = comp.changed_components
            else:
                rows, counts = np.arange(self.n), comp.components
            if self.rules.verified_share < 1.0:
                share = self.rules.verified_share
                counts = verified_counts(ctx.households, rows, comp.month, share, ctx.keyed)
            self._annual[rows] = annual = pkh_annual_benefit(counts, self.rules)
            self._payable[rows] = annual > 0
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
