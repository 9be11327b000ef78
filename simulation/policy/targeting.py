"""Targeting: which registry list a programme reads, who may enrol, and in which order.

- **Routing**: a programme uses the shared registry (DTSEN) if its agency asks for it and the
  ``shared_registry`` lever is on; otherwise its agency's own list.
- **Eligibility filters** on top of the registry decile and the kind's own rule: graduation
  status (graduates are not bansos candidates; relapsed ones once they may re-enter) and
  duplication avoidance.
- **Serving order**: priority households first, then the registry's order (poorest first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from simulation.policy.graduation import GRADUATED, RELAPSED
from simulation.policy.registry import first_in_order, first_served

if TYPE_CHECKING:
    from simulation.policy.graduation import GraduationTracker
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
    ) -> None:
        self.registry, self.lists, self.programmes = registry, lists, programmes
        self.tracker, self.collab = tracker, collaboration
        self._status_ok: B1 | None = None  # bansos status filter, this month

    # -- routing ---------------------------------------------------------------------------
    def list_of(self, programme: ProgrammeRuntime) -> str:
        """Which registry list a programme targets with."""
        return self.lists[programme]

    def deciles(self, programme: ProgrammeRuntime) -> NDArray[np.int8]:
        """Registry deciles seen by ``programme``."""
        return self.registry.decile[self.lists[programme]]

    def within(self, programme: ProgrammeRuntime) -> B1:
        """Households in the registry deciles ``programme`` serves (do not modify)."""
        return self.registry.within(self.lists[programme], programme.spec.max_decile)

    def scores(self, programme: ProgrammeRuntime) -> NDArray[np.float32]:
        """Registry proxy scores seen by ``programme`` (lower is poorer)."""
        return self.registry.score[self.lists[programme]]

    def order(self, programme: ProgrammeRuntime) -> NDArray[np.int32]:
        """Households in the registry order seen by ``programme`` (poorest score first)."""
        return self.registry.order[self.lists[programme]]

    # -- eligibility filters ---------------------------------------------------------------
    def new_month(self) -> None:
        """Forget last month's status filter (graduation has changed statuses)."""
        self._status_ok = None

    def allowed(self, programme: ProgrammeRuntime, month: int) -> B1:
        """Graduation status and duplication-avoidance filters for ``programme``."""
        tr, collab = self.tracker, self.collab
        ok = np.ones(programme.n, dtype=bool)
        if programme.kind.bansos:
            ok &= self._bansos_status_ok()
        if collab.duplication_avoidance:
            owner = programme.spec.agency
            for other in self.programmes:
                if other.function == programme.function and other.spec.agency != owner:
                    ok &= ~other.enrolled
            if collab.joint_targeting and programme.function == "empowerment":
                ok |= tr.had_package & ~programme.enrolled
        return ok

    def _bansos_status_ok(self) -> B1:
        """Households whose graduation status allows bansos, once a month (do not modify).

        A graduate or a relapsed household only once the registry has looked at it again since
        it graduated or relapsed (a monitored relapse at once); computed after graduation.
        Enrolments during the agencies' steps do not change it: they only move households it
        allows to ENROLLED, which it allows too.
        """
        if self._status_ok is None:
            tr = self.tracker
            seen = max(self.registry.refreshed.values())  # the registry's last look
            ok = (tr.status != GRADUATED) | (seen > tr.grad_month)
            ok &= (tr.status != RELAPSED) | (seen > tr.relapse_month) | self._monitored()
            self._status_ok = ok
        return self._status_ok

    def _monitored(self) -> B1:
        tr = self.tracker
        out: B1 = tr.monitored_until >= tr.relapse_month
        return out

    # -- serving order ---------------------------------------------------------------------
    def priority(self, programme: ProgrammeRuntime, month: int) -> B1:
        """Households served first: fast re-entry to bansos; referrals and joint packages."""
        tr, collab = self.tracker, self.collab
        if programme.kind.bansos:
            fast: B1 = (tr.status == RELAPSED) & (tr.monitored_until >= tr.relapse_month)
            return fast
        if programme.function == "empowerment":
            referred: B1 = tr.referred_due.view(np.uint16) <= month  # -1: none
            if collab.joint_targeting:
                referred |= tr.had_package
            return referred
        return np.zeros(programme.n, dtype=bool)

    def leading(self, programme: ProgrammeRuntime, ok: B1, k: int, month: int) -> NDArray[np.intp]:
        """Return the ``k`` eligible (``ok``) households served first, in serving order.

        Priority households first, then the registry's order (score, poorest first; ties by
        household index), as ``np.lexsort((idx, score, ~priority))`` over the eligible. Only
        the start of the registry's order is read: as far as it takes to find ``k``.
        """
        priority = self.priority(programme, month) & ok
        first = np.flatnonzero(priority)
        if first.size:
            score = self.scores(programme)[first]
            first = first_served(first, score, min(k, first.size))
            ok = ok & ~priority
        rest = first_in_order(self.order(programme), ok, k - first.size)
        return np.concatenate((first, rest)) if first.size else rest
