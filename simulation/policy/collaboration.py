"""Collaboration levers that act around graduation: referral, joint packages, contributors.

(Routing to the shared registry, duplication avoidance and the quotas that receiving
programmes reserve for referred households are in :mod:`simulation.policy.targeting`; the
coordination overhead is taken by the ledgers; complementarity acts in the package; the
follow-up of graduates is a programme kind, :mod:`simulation.policy.programmes.follow_up`.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from simulation.network import ContributorNeighbours, village_network
from simulation.policy.graduation import GRADUATED, NOT_CONSIDERED, PASSED_OVER, SUSTAINED

if TYPE_CHECKING:
    import scipy.sparse as sp

    from simulation.policy.graduation import GraduationTracker
    from simulation.policy.month import PolicyMonth
    from simulation.policy.programmes.base import ProgrammeRuntime
    from simulation.policy.schema import Collaboration as CollaborationRules

__all__ = ["Collaboration"]


class Collaboration:
    """The post-graduation levers of one model, with the village network they act through.

    Parameters
    ----------
    rules : Collaboration (schema)
        The levers in force.
    tracker : GraduationTracker
        Graduation states (referrals are kept there).
    village : ndarray of int
        Village of each household.
    rng : numpy.random.Generator
        The ``network`` stream.
    """

    def __init__(
        self,
        rules: CollaborationRules,
        tracker: GraduationTracker,
        village: NDArray[np.int32],
        rng: np.random.Generator,
        adj: sp.csr_array | None = None,
    ) -> None:
        self.rules, self.tracker = rules, tracker
        #: the village network (``adj``: one built before, of the same degree, is kept)
        self.adj = village_network(village, rules.network_degree, rng) if adj is None else adj
        #: graduates with a productive enterprise (assets above the trap threshold), this month,
        #: and their neighbours
        self.contributors = ContributorNeighbours(self.adj)

    def refer(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> None:
        """Kemensos refers each of households ``idx`` with probability ``referral_rate``.

        From ``referral_delay`` months on, and for the referral window, the household is in the
        group that receiving programmes reserve their quotas for, and a graduate among them is
        eligible for the graduation package.
        """
        rate, due = self.rules.referral_rate, self.tracker.referred_due
        if rate <= 0.0 or idx.size == 0:  # nobody is referred: no draw needed
            return
        won = np.ones(idx.size, dtype=bool) if rate >= 1.0 else ctx.draw("referral")[idx] < rate
        lost = idx[~won]
        due[lost[due[lost] == NOT_CONSIDERED]] = PASSED_OVER  # considered once, not again
        due[idx[won]] = ctx.month + self.rules.referral_delay
        self.tracker.any_referred |= bool(won.any())

    def join(
        self, ctx: PolicyMonth, idx: NDArray[np.intp], partners: list[ProgrammeRuntime]
    ) -> None:
        """Joint package: each partner programme enrols households ``idx`` now, if it can."""
        for p in partners:
            p.enrol_jointly(ctx, idx)

    def contribute(self, ctx: PolicyMonth) -> None:
        """Mark contributors; raise their neighbours' enterprise return and job finding."""
        tr, rules, env = self.tracker, self.rules, ctx.env
        graduates = np.flatnonzero((tr.status == GRADUATED) | (tr.status == SUSTAINED))
        enterprise = ctx.households.assets[graduates] >= ctx.world.assets.threshold
        self.contributors.update(graduates[enterprise])
        if rules.network_degree == 0:
            return
        near, k = self.contributors.near(rules.contributor_cap)
        env.return_factor[near] = 1.0 + rules.mentoring_boost * k  # the others: 1 and 0
        env.finding_boost[near] = rules.hiring_boost * k
