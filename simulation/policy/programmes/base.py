"""What every programme shares: its kind, its rules base class, and the monthly cycle.

Every month a programme (1) settles what its kind settles first (loan instalments), (2) lets
enrolments that have run their course end, (3) enrols eligible households in the order its
targeting gives, while capacity and this year's uncommitted budget allow (the rest wait), and
(4) pays what is due, never more than its ledger holds, applying the benefit to the households
paid. A kind overrides the hooks; everything it reads about the month comes from the
:class:`~simulation.policy.month.PolicyMonth` it is handed. Costs are in Rupiah of the
simulated sample (national / weight).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from simulation.policy.ledger import Ledger
from simulation.schema import Schema

if TYPE_CHECKING:
    from simulation.policy.month import PolicyMonth
    from simulation.policy.schema import Programme

__all__ = ["B1", "F8", "Kind", "ProgrammeRules", "ProgrammeRuntime"]

F8 = NDArray[np.float64]
B1 = NDArray[np.bool_]
#: money free now and for a year after the current caseload (Rp)
Money = tuple[float, float]
_NONE = np.empty(0, dtype=np.intp)


class ProgrammeRules(Schema):
    """Base of the typed rules of a programme kind (each kind declares its own fields)."""


@dataclass(frozen=True)
class Kind:
    """A programme kind: its rules class, its runtime, and what it is for.

    Attributes
    ----------
    name : str
        The ``kind`` value in scenario files.
    rules : type
        The :class:`ProgrammeRules` subclass that reads a programme's ``rules``.
    runtime : type
        The :class:`ProgrammeRuntime` subclass that runs it.
    function : str
        What it provides; duplication avoidance keeps a household out of a second programme of
        the same function run by another agency.
    bansos : bool
        Social assistance (bansos): a household receiving it is a KPM, and graduation is
        counted out of these programmes.
    """

    name: str
    rules: type[ProgrammeRules]
    runtime: type[ProgrammeRuntime]
    function: str
    bansos: bool = False


class ProgrammeRuntime:
    """State and generic monthly cycle of one programme; kinds override the hooks.

    Parameters
    ----------
    spec : Programme
        The programme's parameters.
    kind : Kind
        Its kind.
    n : int
        Households in the model.
    weight : float
        Real households per simulated household.
    """

    #: months after completing before a household may enrol again (fixed-term programmes)
    cooldown = 0
    #: per-household arrays and the value a household that has just formed holds in each
    FRESH: ClassVar[dict[str, Any]] = {
        "enrolled": False, "ever": False, "since": -1, "completed": -(2**15),
    }  # fmt: skip
    #: share of commitments held back for cost growth within the year (assumption)
    contingency = 0.0

    def __init__(self, spec: Programme, kind: Kind, n: int, weight: float) -> None:
        self.spec, self.kind, self.n = spec, kind, n
        self.rules: ProgrammeRules = spec.rules  # kinds narrow the type
        self.function = kind.function
        self.enrolled = np.zeros(n, dtype=bool)
        # ever enrolled: kept for empowerment programmes (once-only, complementarity)
        self.ever = np.zeros(n if self.function == "empowerment" else 0, dtype=bool)
        self.since = np.full(n, -1, dtype=np.int16)  # month of enrolment (months fit int16)
        # month of the last completion, kept only where places rotate
        self.completed = np.full(n if self.cooldown else 0, -(2**15), dtype=np.int16)
        self.ledger = Ledger(spec.budget, weight)
        self.capacity = int(spec.capacity / weight)
        self.paid = 0.0  # Rp paid this month (sample)
        self.waiting = 0  # eligible households not enrolled this month
        #: if set, only these households may enrol (a list the programme serves, such as a
        #: trial's treatment arm; see experiments/graduation_rct)
        self.only: B1 | None = None
        # the enrolled households, sorted, kept from one month to the next unless an
        # enrolment outside the monthly cycle made them stale, or exits left some out
        self._members = np.zeros(0, dtype=np.intp)
        self._stale = self._left = False
        self._acted = -(2**31)  # month of the last monthly cycle

    # -- hooks ---------------------------------------------------------------------------
    def before(self, ctx: PolicyMonth, members: NDArray[np.intp]) -> None:
        """Kind-specific settlement at the start of the month (e.g. loan instalments).

        ``members`` are the enrolled households.
        """

    def eligible_extra(self, ctx: PolicyMonth) -> B1 | None:
        """Kind-specific eligibility on top of the registry decile (None: no more conditions).

        The caller does not modify the array returned.
        """
        return None

    def monthly_cost(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> F8 | float:
        """Return the expected monthly cost of enrolling households ``idx`` (Rp), for budgeting.

        A float means the same cost for every household (whatever ``idx``).
        """
        raise NotImplementedError

    def one_off_cost(self) -> float:
        """Cost paid once at enrolment (Rp per household)."""
        return 0.0

    def cheapest(self, ctx: PolicyMonth) -> float | None:
        """Return a lower bound of any eligible household's monthly cost (Rp); None: unknown."""
        return None

    def on_enrol(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> None:
        """Apply what happens at enrolment to households ``idx``."""

    def completes(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> B1:
        """Which of the enrolled households ``idx`` end their enrolment this month."""
        return np.zeros(idx.size, dtype=bool)

    def on_complete(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> None:
        """Apply what happens when households ``idx`` complete the programme."""

    def due(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> F8 | float:
        """Return the payment due to the enrolled households ``idx`` this month (Rp).

        A float means the same payment for every one.
        """
        raise NotImplementedError

    def apply(self, ctx: PolicyMonth, idx: NDArray[np.intp], due: F8 | float) -> None:
        """Give households ``idx`` their benefit ``due`` (Rp; one value or one per household)."""

    # -- the monthly cycle ---------------------------------------------------------------
    def new_month(self) -> None:
        """Start a month's accounts (before any programme acts: joint enrolments spend too)."""
        self.paid = 0.0

    def act(self, ctx: PolicyMonth) -> None:
        """Settle, complete, enrol, pay."""
        members = self.members()
        self.before(ctx, members)
        finished = self.completes(ctx, members)
        done = members[finished]
        if done.size:
            self.leave(done)
            if self.cooldown:
                self.completed[done] = ctx.month
            self.on_complete(ctx, done)
            members = members[~finished]
        taken = np.sort(self.enrol(ctx, members))
        if taken.size:  # merged into the (sorted) members
            members = np.insert(members, np.searchsorted(members, taken), taken)
        self._members, self._stale, self._left = members, False, False
        self.pay(ctx, members)
        self._acted = ctx.month

    def members(self) -> NDArray[np.intp]:
        """Return the enrolled households, in order (do not modify)."""
        if self._stale:
            self._members, self._stale = np.flatnonzero(self.enrolled), False
        elif self._left:  # only exits since: the members still enrolled, in order
            self._members = self._members[self.enrolled[self._members]]
        self._left = False
        return self._members

    def forget(self, rows: NDArray[np.intp]) -> None:
        """Forget households ``rows``: they left the sample and new households hold the rows.

        Nothing is paid, owed or recorded for them (they are not exits from the programme).
        """
        for name, value in self.FRESH.items():
            column = getattr(self, name)
            if column.shape[0] == self.n:  # some columns are kept only where needed
                column[rows] = value
        if self.only is not None:
            self.only[rows] = False  # a new household is not on the programme's list
        self._stale = True

    def leave(self, idx: NDArray[np.intp]) -> None:
        """End the enrolment of households ``idx``."""
        self.enrolled[idx] = False
        self.since[idx] = -1
        self._left |= idx.size > 0

    def eligible(self, ctx: PolicyMonth, *, joint: bool = False) -> B1:
        """Households that qualify now (decile, kind rules, graduation status, duplication).

        ``joint``: for a joint enrolment, exempt from duplication avoidance and from the
        targeting's category (the package a joint enrolment goes with starts the enterprise).
        """
        within = ctx.targeting.within(self, ctx.month)
        extra = self.eligible_extra(ctx)
        ok = within.copy() if extra is None else within & extra
        ok &= ~self.enrolled
        if self.only is not None:
            ok &= self.only
        category = None if joint else ctx.targeting.category(self, ctx.households.assets)
        if category is not None:  # e.g. households with a running micro-enterprise
            ok &= category
        if self.cooldown:  # fixed-term places rotate
            ok &= self.completed <= ctx.month - self.cooldown  # int16: never is -2**15
        ok &= ctx.targeting.allowed(self, joint=joint)
        return ok

    def enrol(self, ctx: PolicyMonth, members: NDArray[np.intp] | None = None) -> NDArray[np.intp]:
        """Enrol eligible households in the targeting's order, within capacity and budget.

        ``members`` are the enrolled households, if already known. Returns the households
        enrolled, in serving order.
        """
        if members is None:
            members = self.members()
        ok = self.eligible(ctx)
        eligible = int(np.count_nonzero(ok))
        room = min(max(self.capacity - members.size, 0), eligible)
        money = self._costs(ctx, members)
        room = min(room, self._money_bound(ctx, ok, money))
        if room == 0:
            self.waiting = eligible
            return _NONE
        take = ctx.targeting.select(
            self, ok, room, ctx, lambda cand: self._affordable(ctx, cand, money)
        )
        self.waiting = eligible - int(take.size)
        self._admit(ctx, take)
        return take

    def enrol_jointly(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> NDArray[np.intp]:
        """Enrol households ``idx`` (in that order) that qualify, within capacity and budget.

        A joint enrolment: another agency signs these families up together with this one, so
        duplication avoidance does not apply. Returns the households enrolled.
        """
        members = self.members()
        cand = idx[self.eligible(ctx, joint=True)[idx]]
        cand = cand[: max(self.capacity - members.size, 0)]
        take = self._affordable(ctx, cand, self._costs(ctx, members))
        self._admit(ctx, take)
        if self._acted == ctx.month:  # this month's cycle is over: pay the newcomers now
            self.pay(ctx, np.sort(take))
        return take

    def _admit(self, ctx: PolicyMonth, take: NDArray[np.intp]) -> None:
        """Enrol ``take`` now: mark them, pay one-off costs, apply what enrolment does."""
        if take.size == 0:
            return
        self.enrolled[take] = True
        self._stale = True
        if self.ever.size:
            self.ever[take] = True
        self.since[take] = ctx.month
        if self.one_off_cost() > 0:
            self.ledger.spend(self.one_off_cost() * take.size)
            self.paid += self.one_off_cost() * take.size
        self.on_enrol(ctx, take)
        if self.kind.bansos:
            ctx.tracker.enrol(take, ctx.month)

    def _cost(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> F8 | float:
        """Monthly cost of enrolling households ``idx``, the contingency included (Rp)."""
        cost = self.monthly_cost(ctx, idx)
        scale = 1.0 + self.contingency
        return float(cost) * scale if np.ndim(cost) == 0 else cost * scale

    def _costs(self, ctx: PolicyMonth, members: NDArray[np.intp]) -> Money:
        """Return the money free after the caseload ``members`` (Rp), now and for a year.

        The free money is this year's rest after the current caseload's remaining months
        (contingency included), and a full year's allocation after its year.
        """
        cost, scale = self.monthly_cost(ctx, members), 1.0 + self.contingency
        if np.ndim(cost) == 0:  # the same cost for every household
            enrolled = float(cost) * scale * members.size
        else:
            enrolled = float(np.sum(cost)) * scale
        acc = self.ledger.current
        free_now = self.ledger.remaining - enrolled * (12 - ctx.month % 12)
        free_year = acc.allocated - acc.overhead - enrolled * 12
        return free_now, free_year

    def _money_bound(self, ctx: PolicyMonth, ok: B1, money: Money) -> int:
        """At least how many eligible households the money could take (the count can be less).

        Every newcomer costs at least the cheapest eligible household, so no more than the
        free money divided by that cost can be enrolled; with no cost there is no bound.
        """
        free_now, free_year = money
        if free_now < 0 or free_year < 0:
            return 0
        cheapest = self._cost(ctx, _NONE)
        if np.ndim(cheapest) != 0:  # a cost per household: the hook's bound, or the eligible's
            known = self.cheapest(ctx)
            if known is None:
                cost = self.monthly_cost(ctx, np.flatnonzero(ok))
                known = float(np.min(cost, initial=np.inf))
            cheapest = known * (1.0 + self.contingency)
        per_now = self.one_off_cost() + cheapest * (12 - ctx.month % 12)
        per_year = cheapest * 12
        bound = self.n
        for free, per in ((free_now, per_now), (free_year, per_year)):
            if per > 0:  # a margin for rounding in the sums: the exact test follows
                bound = min(bound, int(free / per * (1 + 1e-9)) + 1)
        return bound

    def _affordable(
        self, ctx: PolicyMonth, cand: NDArray[np.intp], money: Money
    ) -> NDArray[np.intp]:
        """Leading candidates whose cost fits this year's money and a full year's budget.

        Two limits: what is left this year must cover the rest of the year for everyone
        enrolled plus the newcomers' one-off costs; and the annual cost of the caseload must fit
        in the year's allocation, so enrolments late in a year do not overrun the next.
        Both hold back ``contingency`` for cost growth within the year.
        """
        free_now, free_year = money
        cost = self._cost(ctx, cand)
        new = np.full(cand.size, cost) if np.ndim(cost) == 0 else cost
        now = np.cumsum(self.one_off_cost() + new * (12 - ctx.month % 12))
        year = np.cumsum(new * 12)
        return cand[(now <= free_now) & (year <= free_year)]

    def pay(self, ctx: PolicyMonth, members: NDArray[np.intp] | None = None) -> None:
        """Pay what is due, in rank order while the ledger holds money, and apply it.

        ``members`` are the enrolled households, if already known. Households owed nothing this
        month still receive what costs nothing (a free service's effect); a flat amount of 0
        (PKH between payments) applies nothing.
        """
        idx = self.members() if members is None else members
        due = self.due(ctx, idx)
        if np.ndim(due) == 0:  # a flat benefit: no per-household arrays unless money is short
            if float(due) <= 0:
                idx = idx[:0]
            total = float(due) * idx.size
        else:
            total = float(np.sum(due))
        if total > self.ledger.remaining:
            first = np.argsort(ctx.targeting.scores(self)[idx], kind="stable")
            each = np.broadcast_to(due, idx.shape)[first]
            ok = (np.cumsum(each) <= self.ledger.remaining) | (each <= 0)
            idx = idx[first][ok]
            due = due if np.ndim(due) == 0 else each[ok]
            total = float(each[ok].sum())
        self.ledger.spend(total)
        self.paid += total
        self.apply(ctx, idx, due)

    def months_in(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> NDArray[np.int32]:
        """Months since enrolment of the enrolled households ``idx`` (0 in the first month)."""
        return ctx.month - self.since[idx].astype(np.int32)
