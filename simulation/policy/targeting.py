"""Targeting: which registry list a programme reads, who may enrol, and in which order.

- **Routing**: a programme uses the shared registry (DTSEN) if its agency asks for it and the
  ``shared_registry`` lever is on; otherwise its agency's own list.
- **Eligibility filters** on top of the registry decile and the kind's own rule: graduation
  status (graduates are not bansos candidates; relapsed ones once they may re-enter) and
  duplication avoidance.
- **Serving order** by the programme's rule (registry score, closeness to the poverty-trap
  threshold, or a yearly lottery among applicants), with an optional quota of each month's
  intake reserved for a group (referred households, relapsed graduates).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from simulation.policy.graduation import GRADUATED, RELAPSED
from simulation.policy.registry import first_in_order, first_served

if TYPE_CHECKING:
    from simulation.policy.graduation import GraduationTracker
    from simulation.policy.month import PolicyMonth
    from simulation.policy.programmes.base import ProgrammeRuntime
    from simulation.policy.registry import Registry
    from simulation.policy.schema import Collaboration

__all__ = ["Targeting"]

B1 = NDArray[np.bool_]


class Targeting:
    """Routing, eligibility filters and serving order of every programme of one model.

    Parameters
    ----------
    registry : Registry
        The registry lists.
    lists : dict
        Programme -> the list it reads (``"shared"`` or ``"own"``).
    programmes : list of ProgrammeRuntime
        All programmes (duplication avoidance looks at the others).
    tracker : GraduationTracker
        Graduation states.
    collaboration : Collaboration
        The levers in force.
    """

    def __init__(
        self,
        registry: Registry,
        lists: dict[ProgrammeRuntime, str],
        programmes: list[ProgrammeRuntime],
        tracker: GraduationTracker,
        collaboration: Collaboration,
        referral_months: int,
    ) -> None:
        self.registry, self.lists, self.programmes = registry, lists, programmes
        self.tracker, self.collab = tracker, collaboration
        self.referral_months = referral_months
        bansos = [p for p in programmes if p.kind.bansos]
        #: the list Kemensos graduates and re-admits with (that of the first bansos programme)
        self.kemensos_list = lists[bansos[0]] if bansos else "shared"
        self._status_ok: B1 | None = None  # bansos status filter, this month
        self._carry: dict[ProgrammeRuntime, float] = {}  # quota places owed (fractions)
        self._keys: dict[ProgrammeRuntime, tuple[int, NDArray[np.float64]]] = {}
        self._referred: tuple[int, B1] | None = None

    # -- routing ---------------------------------------------------------------------------
    def list_of(self, programme: ProgrammeRuntime) -> str:
        """Which registry list a programme targets with."""
        return self.lists[programme]

    def deciles(self, programme: ProgrammeRuntime) -> NDArray[np.int8]:
        """Registry deciles seen by ``programme``."""
        return self.registry.decile[self.lists[programme]]

    def within(self, programme: ProgrammeRuntime, month: int) -> B1:
        """Households in the registry deciles ``programme`` serves (do not modify).

        A programme that receives referrals (a quota for referred households, or a graduation
        package) also serves referred households whatever their decile: the referral is its
        list, and graduates sit above the deciles bansos serve.
        """
        within = self.registry.within(self.lists[programme], programme.spec.max_decile)
        t = programme.spec.targeting
        receives = (t.quota > 0 and t.quota_for == "referred") or programme.spec.kind == "package"
        if not receives or not self.tracker.any_referred:
            return within
        return within | self.referred(month)

    def scores(self, programme: ProgrammeRuntime) -> NDArray[np.float32]:
        """Registry proxy scores seen by ``programme`` (lower is poorer)."""
        return self.registry.score[self.lists[programme]]

    # -- eligibility filters ---------------------------------------------------------------
    def new_month(self) -> None:
        """Forget last month's status filter (graduation has changed statuses)."""
        self._status_ok = None

    def allowed(self, programme: ProgrammeRuntime, *, joint: bool = False) -> B1:
        """Graduation status and duplication-avoidance filters for ``programme``.

        Duplication avoidance keeps a household out of a programme when another agency already
        serves it with a programme of the same function; ``joint`` enrolments (agencies signing
        up the same family together) are exempt.
        """
        ok = np.ones(programme.n, dtype=bool)
        if programme.kind.bansos:
            ok &= self._bansos_status_ok()
        if self.collab.duplication_avoidance and not joint:
            owner = programme.spec.agency
            for other in self.programmes:
                if other.function == programme.function and other.spec.agency != owner:
                    ok &= ~other.enrolled
        return ok

    def _bansos_status_ok(self) -> B1:
        """Households whose graduation status allows bansos, once a month (do not modify).

        A graduate only once Kemensos' registry list has looked at it again after the month it
        graduated, a relapsed household once the list has looked at it in or after the month
        it relapsed (at a refresh, or re-assessed at a follow-up visit); computed after
        graduation. Enrolments during the agencies' steps do not change
        it: they only move households it allows to ENROLLED, which it allows too.
        """
        if self._status_ok is None:
            tr = self.tracker
            seen = self.registry.seen[self.kemensos_list]
            ok = (tr.status != GRADUATED) | (seen > tr.grad_month)
            # a look in the month of the relapse counts: it saw the state the relapse saw
            ok &= (tr.status != RELAPSED) | (seen >= tr.relapse_month)
            self._status_ok = ok
        return self._status_ok

    def referred(self, month: int) -> B1:
        """Households whose referral to Kemenko PM's programmes is in force in ``month``.

        Made once a month (do not modify): referrals are made before the agencies act.
        """
        if self._referred is None or self._referred[0] != month:
            due = self.tracker.referred_due.astype(np.int32)
            now = (due >= 0) & (due <= month) & (month < due + self.referral_months)
            self._referred = (month, now)
        return self._referred[1]

    # -- serving order ---------------------------------------------------------------------
    def category(self, programme: ProgrammeRuntime, assets: NDArray[np.float64]) -> B1 | None:
        """Households in the category the programme's rule serves (None: no category)."""
        t = programme.spec.targeting
        if t.rule != "enterprise":
            return None
        assert t.enterprise_assets is not None  # checked by the schema
        out: B1 = assets >= t.enterprise_assets
        return out

    def group(self, programme: ProgrammeRuntime, month: int) -> B1:
        """Return the households the programme's quota is for, this month."""
        tr, who = self.tracker, programme.spec.targeting.quota_for
        if who == "relapsed":  # relapsed, or graduates the registry has looked at again
            seen = self.registry.seen[self.kemensos_list]
            again = (tr.status == GRADUATED) & (seen > tr.grad_month)
            out: B1 = (tr.status == RELAPSED) | again
            return out
        return self.referred(month)

    def select(
        self,
        programme: ProgrammeRuntime,
        ok: B1,
        k: int,
        ctx: PolicyMonth,
        afford: Callable[[NDArray[np.intp]], NDArray[np.intp]],
    ) -> NDArray[np.intp]:
        """Return the households to enrol: at most ``k`` of the eligible ``ok``, in order.

        The first ``k`` by the programme's rule, cut to what money allows (``afford``). With a
        quota, that intake is chosen again: the quota's share of it (with fractions carried
        from month to month) goes first to the quota's group, by the same rule, then the rest
        by the rule; ``afford`` cuts it again.
        """
        leading = self.first(programme, ok, k, ctx)
        take = afford(leading)
        quota = programme.spec.targeting.quota
        if quota <= 0 or take.size == 0:
            return take
        share = quota * take.size + self._carry.get(programme, 0.0)
        places = int(share)
        self._carry[programme] = share - places
        first = self.first(programme, ok & self.group(programme, ctx.month), places, ctx)
        # the first k - len(first) of the others by the rule are among the first k of all
        rest = leading[~np.isin(leading, first)][: k - first.size]
        return afford(np.concatenate((first, rest)))

    def first(
        self, programme: ProgrammeRuntime, ok: B1, k: int, ctx: PolicyMonth
    ) -> NDArray[np.intp]:
        """Return the first ``k`` households of ``ok`` by the programme's rule, in order."""
        rule = programme.spec.targeting.rule
        if k <= 0:
            return np.zeros(0, dtype=np.intp)
        if rule == "registry":
            return self._first_on_registry(programme, ok, k)
        idx = np.flatnonzero(ok)
        if rule == "asset_threshold":
            key = np.abs(ctx.households.assets[idx] - ctx.world.assets.threshold)
        else:  # "lottery", "enterprise": in the order of this year's draw
            key = self._lottery(programme, ctx)[idx]
        return _smallest(idx, key, k)

    def _first_on_registry(self, programme: ProgrammeRuntime, ok: B1, k: int) -> NDArray[np.intp]:
        """Return the first ``k`` of ``ok`` by registry score (poorest first; ties by index).

        The list's order is read from the start; households re-assessed since its last refresh
        have moved, so they are merged in by their new score.
        """
        which = self.lists[programme]
        moved = self.registry.moved[which]
        if moved.size == 0:
            return first_in_order(self.registry.order[which], ok, k)
        still = ok.copy()
        still[moved] = False
        first = first_in_order(self.registry.order[which], still, k)
        cand = np.concatenate((first, moved[ok[moved]]))
        return first_served(cand, self.registry.score[which][cand], min(k, cand.size))

    def _lottery(self, programme: ProgrammeRuntime, ctx: PolicyMonth) -> NDArray[np.float64]:
        """Return the programme's order of applications this budget year (one key each)."""
        year = ctx.month // 12
        kept = self._keys.get(programme)
        if kept is None or kept[0] != year:
            kept = (year, ctx.lottery(programme.spec.name, year))
            self._keys[programme] = kept
        return kept[1]


def _smallest(idx: NDArray[np.intp], key: NDArray[np.float64], k: int) -> NDArray[np.intp]:
    """Return the ``k`` of ``idx`` (ascending) with the smallest ``key`` (ties by index), sorted."""
    if k < idx.size:
        kth = key[np.argpartition(key, k - 1)[k - 1]]
        below = np.flatnonzero(key < kth)
        tied = np.flatnonzero(key == kth)[: k - below.size]  # the lowest indices of the ties
        keep = np.concatenate((below, tied))
        idx, key = idx[keep], key[keep]
    order = np.lexsort((idx, key))
    return idx[order[:k]]
