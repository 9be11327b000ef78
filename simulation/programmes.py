"""Programme mechanics, one class per kind, sharing enrolment, rationing and payment.

Every month a programme (1) lets enrolments that have run their course end, (2) enrols eligible
households in order of priority (referrals, joint targeting, fast re-entry) and then registry
rank, poorest first, while capacity and this year's uncommitted budget allow (the rest wait),
and (3) pays what is due, never more than its ledger holds, applying the benefit to the
households paid. Costs are in Rupiah of the simulated sample (national / weight).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from simulation.ledger import Ledger
from simulation.policy import KINDS, Programme
from simulation.registry import first_in_order, first_served

if TYPE_CHECKING:
    from simulation.agencies import PolicyRuntime

__all__ = [
    "PKH", "Cash", "HealthCover", "ProgrammeRuntime", "Rehab", "pkh_annual_benefit",
]  # fmt: skip

F8 = NDArray[np.float64]
B1 = NDArray[np.bool_]
#: money free now and for a year after the current caseload (Rp)
Money = tuple[float, float]
_NONE = np.empty(0, dtype=np.intp)


class ProgrammeRuntime:
    """State and generic monthly cycle of one programme; kinds override the hooks."""

    #: months after completing before a household may enrol again (fixed-term programmes)
    cooldown = 0
    #: share of commitments held back for cost growth within the year (assumption)
    contingency = 0.0

    def __init__(self, spec: Programme, rt: PolicyRuntime) -> None:
        self.spec, self.rt = spec, rt
        self.function = KINDS[spec.kind][1]
        n = rt.n
        self.enrolled = np.zeros(n, dtype=bool)
        # ever enrolled: kept for empowerment programmes (once-only, complementarity)
        self.ever = np.zeros(n if self.function == "empowerment" else 0, dtype=bool)
        self.since = np.full(n, -1, dtype=np.int16)  # month of enrolment (months fit int16)
        # month of the last completion, kept only where places rotate
        self.completed = np.full(n if self.cooldown else 0, -(2**15), dtype=np.int16)
        self.ledger = Ledger(spec.budget, rt.weight)
        self.capacity = int(spec.capacity / rt.weight)
        self.paid = 0.0  # Rp paid this month (sample)
        self.waiting = 0  # eligible households not enrolled this month
        # the enrolled households, sorted, kept from one month to the next unless an
        # enrolment outside the monthly cycle made them stale, or exits left some out
        self._members = np.zeros(0, dtype=np.intp)
        self._stale = self._left = False

    # -- hooks ---------------------------------------------------------------------------
    def before(self, month: int, members: NDArray[np.intp]) -> None:
        """Kind-specific settlement at the start of the month (e.g. loan instalments).

        ``members`` are the enrolled households.
        """

    def eligible_extra(self, month: int) -> B1 | None:
        """Kind-specific eligibility on top of the registry decile (None: no more conditions).

        The caller does not modify the array returned.
        """
        return None

    def monthly_cost(self, month: int, idx: NDArray[np.intp]) -> F8 | float:
        """Return the expected monthly cost of enrolling households ``idx`` (Rp), for budgeting.

        A float means the same cost for every household (whatever ``idx``).
        """
        raise NotImplementedError

    def one_off_cost(self) -> float:
        """Cost paid once at enrolment (Rp per household)."""
        return 0.0

    def cheapest(self, month: int) -> float | None:
        """Return a lower bound of any eligible household's monthly cost (Rp); None: unknown."""
        return None

    def on_enrol(self, idx: NDArray[np.intp], month: int) -> None:
        """Apply what happens at enrolment to households ``idx``."""

    def completes(self, month: int, idx: NDArray[np.intp]) -> B1:
        """Which of the enrolled households ``idx`` end their enrolment this month."""
        return np.zeros(idx.size, dtype=bool)

    def on_complete(self, idx: NDArray[np.intp]) -> None:
        """Apply what happens when households ``idx`` complete the programme."""

    def due(self, month: int, idx: NDArray[np.intp]) -> F8 | float:
        """Return the payment due to the enrolled households ``idx`` this month (Rp).

        A float means the same payment for every one.
        """
        raise NotImplementedError

    def apply(self, idx: NDArray[np.intp], due: F8 | float) -> None:
        """Give households ``idx`` their benefit ``due`` (Rp; one value or one per household)."""

    # -- the monthly cycle ---------------------------------------------------------------
    def act(self, month: int) -> None:
        """Settle, complete, enrol, pay."""
        self.paid = 0.0
        members = self.members()
        self.before(month, members)
        finished = self.completes(month, members)
        done = members[finished]
        if done.size:
            self.leave(done)
            if self.cooldown:
                self.completed[done] = month
            self.on_complete(done)
            members = members[~finished]
        taken = np.sort(self.enrol(month, members))
        if taken.size:  # merged into the (sorted) members
            members = np.insert(members, np.searchsorted(members, taken), taken)
        self._members, self._stale, self._left = members, False, False
        self.pay(month, members)

    def members(self) -> NDArray[np.intp]:
        """Return the enrolled households, in order (do not modify)."""
        if self._stale:
            self._members, self._stale = np.flatnonzero(self.enrolled), False
        elif self._left:  # only exits since: the members still enrolled, in order
            self._members = self._members[self.enrolled[self._members]]
        self._left = False
        return self._members

    def leave(self, idx: NDArray[np.intp]) -> None:
        """End the enrolment of households ``idx``."""
        self.enrolled[idx] = False
        self.since[idx] = -1
        self._left |= idx.size > 0

    def eligible(self, month: int) -> B1:
        """Households that qualify now (decile, kind rules, graduation status, duplication)."""
        extra = self.eligible_extra(month)
        ok = self.rt.within(self).copy() if extra is None else self.rt.within(self) & extra
        ok &= ~self.enrolled
        if self.cooldown:  # fixed-term places rotate
            ok &= self.completed <= month - self.cooldown  # int16: never completed is -2**15
        ok &= self.rt.allowed(self, month)
        return ok

    def enrol(self, month: int, members: NDArray[np.intp] | None = None) -> NDArray[np.intp]:
        """Enrol eligible households by priority then rank, within capacity and budget.

        ``members`` are the enrolled households, if already known. Returns the households
        enrolled, in serving order.
        """
        if members is None:
            members = self.members()
        ok = self.eligible(month)
        eligible = int(np.count_nonzero(ok))
        room = min(max(self.capacity - members.size, 0), eligible)
        money = self._costs(month, members)
        room = min(room, self._money_bound(ok, month, money))
        if room == 0:
            self.waiting = eligible
            return _NONE
        take = self._affordable(self._leading(ok, room, month), month, money)
        self.waiting = eligible - int(take.size)
        if take.size:
            self.enrolled[take] = True
            self._stale = True
            if self.ever.size:
                self.ever[take] = True
            self.since[take] = month
            if self.one_off_cost() > 0:
                self.ledger.spend(self.one_off_cost() * take.size)
                self.paid += self.one_off_cost() * take.size
            self.on_enrol(take, month)
            self.rt.enrolled_in(self, take)
        return take

    def _leading(self, ok: B1, k: int, month: int) -> NDArray[np.intp]:
        """Return the ``k`` eligible (``ok``) households served first, in serving order.

        Priority households first, then the registry's order (score, poorest first; ties by
        household index), as ``np.lexsort((idx, score, ~priority))`` over the eligible. Only
        the start of the registry's order is read: as far as it takes to find ``k``.
        """
        priority = self.rt.priority(self, month) & ok
        first = np.flatnonzero(priority)
        if first.size:
            score = self.rt.scores(self)[first]
            first = first_served(first, score, min(k, first.size))
            ok = ok & ~priority
        rest = first_in_order(self.rt.order(self), ok, k - first.size)
        return np.concatenate((first, rest)) if first.size else rest

    def _cost(self, month: int, idx: NDArray[np.intp]) -> F8 | float:
        """Monthly cost of enrolling households ``idx``, the contingency included (Rp)."""
        cost = self.monthly_cost(month, idx)
        scale = 1.0 + self.contingency
        return float(cost) * scale if np.ndim(cost) == 0 else cost * scale

    def _costs(self, month: int, members: NDArray[np.intp]) -> Money:
        """Return the money free after the caseload ``members`` (Rp), now and for a year.

        The free money is this year's rest after the current caseload's remaining months
        (contingency included), and a full year's allocation after its year.
        """
        cost, scale = self.monthly_cost(month, members), 1.0 + self.contingency
        if np.ndim(cost) == 0:  # the same cost for every household
            enrolled = float(cost) * scale * members.size
        else:
            enrolled = float(np.sum(cost)) * scale
        acc = self.ledger.current
        free_now = self.ledger.remaining - enrolled * (12 - month % 12)
        free_year = acc.allocated - acc.overhead - enrolled * 12
        return free_now, free_year

    def _money_bound(self, ok: B1, month: int, money: Money) -> int:
        """At least how many eligible households the money could take (the count can be less).

        Every newcomer costs at least the cheapest eligible household, so no more than the
        free money divided by that cost can be enrolled; with no cost there is no bound.
        """
        free_now, free_year = money
        if free_now < 0 or free_year < 0:
            return 0
        cheapest = self._cost(month, _NONE)
        if np.ndim(cheapest) != 0:  # a cost per household: the hook's bound, or the eligible's
            known = self.cheapest(month)
            if known is None:
                known = float(np.min(self.monthly_cost(month, np.flatnonzero(ok)), initial=np.inf))
            cheapest = known * (1.0 + self.contingency)
        per_now = self.one_off_cost() + cheapest * (12 - month % 12)
        per_year = cheapest * 12
        bound = self.rt.n
        for free, per in ((free_now, per_now), (free_year, per_year)):
            if per > 0:  # a margin for rounding in the sums: the exact test follows
                bound = min(bound, int(free / per * (1 + 1e-9)) + 1)
        return bound

    def _affordable(self, cand: NDArray[np.intp], month: int, money: Money) -> NDArray[np.intp]:
        """Leading candidates whose cost fits this year's money and a full year's budget.

        Two limits: what is left this year must cover the rest of the year for everyone
        enrolled plus the newcomers' one-off costs; and the annual cost of the caseload must fit
        in the year's allocation, so enrolments late in a year do not overrun the next.
        Both hold back ``contingency`` for cost growth within the year.
        """
        free_now, free_year = money
        cost = self._cost(month, cand)
        new = np.full(cand.size, cost) if np.ndim(cost) == 0 else cost
        now = np.cumsum(self.one_off_cost() + new * (12 - month % 12))
        year = np.cumsum(new * 12)
        return cand[(now <= free_now) & (year <= free_year)]

    def pay(self, month: int, members: NDArray[np.intp] | None = None) -> None:
        """Pay what is due, in rank order while the ledger holds money, and apply it.

        ``members`` are the enrolled households, if already known.
        """
        idx = self.members() if members is None else members
        due = self.due(month, idx)
        if np.ndim(due) == 0:  # a flat benefit: no per-household arrays unless money is short
            if float(due) <= 0:
                idx = idx[:0]
            total = float(due) * idx.size
        else:
            owed = due > 0  # type: ignore[operator]
            idx, due = idx[owed], due[owed]  # type: ignore[index]
            total = float(np.sum(due))
        if total > self.ledger.remaining:
            first = np.argsort(self.rt.scores(self)[idx], kind="stable")
            each = np.broadcast_to(due, idx.shape)[first]
            ok = np.cumsum(each) <= self.ledger.remaining
            idx = idx[first][ok]
            due = due if np.ndim(due) == 0 else each[ok]
            total = float(each[ok].sum())
        self.ledger.spend(total)
        self.paid += total
        self.apply(idx, due)

    def months_in(self, month: int, idx: NDArray[np.intp]) -> NDArray[np.int32]:
        """Months since enrolment of the enrolled households ``idx`` (0 in the first month)."""
        return month - self.since[idx].astype(np.int32)


def pkh_annual_benefit(counts: NDArray[np.integer[Any]], rules: Programme) -> F8:
    """Annual PKH benefit per family (Rp): per-component caps, then the family cap.

    Members are counted in order of benefit, highest first, until ``member_cap`` (assumption:
    the rule does not say which members count when a family has more than the cap).
    """
    assert rules.pkh is not None
    benefits = np.array(rules.pkh.component_benefits)
    caps = np.minimum(rules.pkh.component_caps, 8).astype(np.int16)[:, None]  # <= 8 members
    capped = np.minimum(counts.T, caps)  # one contiguous row per component
    left = np.full(counts.shape[0], rules.pkh.member_cap, dtype=np.int16)
    total = np.zeros(counts.shape[0])
    take = np.empty(counts.shape[0], dtype=np.int16)
    for j in np.argsort(-benefits, kind="stable"):
        np.minimum(capped[j], left, out=take)
        total += take * benefits[j]
        left -= take
    return total


class PKH(ProgrammeRuntime):
    """Conditional cash transfer by family composition, paid every ``payment_interval``."""

    contingency = 0.05  # families gain components as children are born or change school level

    def __init__(self, spec: Programme, rt: PolicyRuntime) -> None:
        super().__init__(spec, rt)
        self._annual = np.zeros(rt.n)
        self._payable = np.zeros(rt.n, dtype=bool)  # families with a benefit (annual > 0)
        self._epoch = -1  # composition epoch of ``_annual``

    def annual(self) -> F8:
        """Annual benefit each family would receive now (Rp/year).

        Recomputed only for the families whose members changed since the last call (see
        :class:`simulation.composition.Composition`), or for all when updates were missed.
        """
        comp = self.rt.model.composition
        if self._epoch != comp.epoch:
            if self._epoch == comp.epoch - 1:  # the rows recounted by the last update
                rows, counts = comp.changed, comp.changed_components
                self._annual[rows] = annual = pkh_annual_benefit(counts, self.spec)
                self._payable[rows] = annual > 0
            else:
                self._annual[:] = pkh_annual_benefit(comp.components, self.spec)
                np.greater(self._annual, 0, out=self._payable)
            self._epoch = comp.epoch
        return self._annual

    def eligible_extra(self, month: int) -> B1:
        self.annual()  # brings ``_payable`` up to date
        return self._payable

    def monthly_cost(self, month: int, idx: NDArray[np.intp]) -> F8:
        return self.annual()[idx] / 12.0

    def cheapest(self, month: int) -> float:
        """Return the smallest paid component (an eligible family has a member counted)."""
        assert self.spec.pkh is not None
        rules = self.spec.pkh
        paid = [b for b, cap in zip(rules.component_benefits, rules.component_caps, strict=True)
                if b > 0 and cap > 0]  # fmt: skip
        return min(paid, default=0.0) / 12.0

    def due(self, month: int, idx: NDArray[np.intp]) -> F8 | float:
        """Pay in arrears for the months of the period the family was enrolled."""
        assert self.spec.pkh is not None
        k = self.spec.pkh.payment_interval
        if (month + 1) % k:
            return 0.0
        months = np.minimum(self.months_in(month, idx) + 1, k)
        return self.annual()[idx] * months / 12.0

    def apply(self, idx: NDArray[np.intp], due: F8 | float) -> None:
        self.rt.model.households.transfer_income[idx] += due


class Cash(ProgrammeRuntime):
    """A flat monthly benefit (Sembako food aid) or wage (cash-for-work)."""

    cooldown = 12

    def eligible_extra(self, month: int) -> B1 | None:
        assert self.spec.cash is not None
        return self.rt.has_worker() if self.spec.cash.workers_only else None

    def monthly_cost(self, month: int, idx: NDArray[np.intp]) -> float:
        assert self.spec.cash is not None
        return self.spec.cash.benefit

    def completes(self, month: int, idx: NDArray[np.intp]) -> B1:
        assert self.spec.cash is not None
        d = self.spec.cash.duration
        return (self.months_in(month, idx) >= d) if d > 0 else np.zeros(idx.size, dtype=bool)

    def due(self, month: int, idx: NDArray[np.intp]) -> F8 | float:
        return self.monthly_cost(month, idx)

    def apply(self, idx: NDArray[np.intp], due: F8 | float) -> None:
        self.rt.model.households.transfer_income[idx] += due


class HealthCover(ProgrammeRuntime):
    """PBI-JKN: premiums per person; covered households pay part of a health cost."""

    contingency = 0.01  # premiums follow household size (births)

    def monthly_cost(self, month: int, idx: NDArray[np.intp]) -> F8:
        assert self.spec.health_cover is not None
        size = self.rt.model.households.size[idx].astype(np.float64)
        return self.spec.health_cover.premium * size

    def cheapest(self, month: int) -> float:
        """Return the premium of one person (every household has a member)."""
        assert self.spec.health_cover is not None
        return self.spec.health_cover.premium

    def completes(self, month: int, idx: NDArray[np.intp]) -> B1:
        """Recertification: a household leaves when its registry decile rises above the limit."""
        return self.rt.deciles(self)[idx] > self.spec.max_decile

    def due(self, month: int, idx: NDArray[np.intp]) -> F8 | float:
        return self.monthly_cost(month, idx)

    def apply(self, idx: NDArray[np.intp], due: F8 | float) -> None:
        assert self.spec.health_cover is not None
        self.rt.env.uncovered[idx] = 1.0 - self.spec.health_cover.cover_share


class Rehab(ProgrammeRuntime):
    """ATENSI: services for a member needing care, relieving the carer's lost work."""

    cooldown = 12

    def eligible_extra(self, month: int) -> B1:
        return self.rt.env.care_need

    def monthly_cost(self, month: int, idx: NDArray[np.intp]) -> float:
        assert self.spec.rehab is not None
        return self.spec.rehab.cost

    def completes(self, month: int, idx: NDArray[np.intp]) -> B1:
        assert self.spec.rehab is not None
        return self.months_in(month, idx) >= self.spec.rehab.duration

    def due(self, month: int, idx: NDArray[np.intp]) -> F8 | float:
        return self.monthly_cost(month, idx)

    def apply(self, idx: NDArray[np.intp], due: F8 | float) -> None:
        assert self.spec.rehab is not None
        self.rt.env.care_relief[idx] = self.spec.rehab.relief
