"""Collaboration levers that act after graduation: referral, monitoring and contributors.

(Routing to the shared registry, duplication avoidance and the serving order of referred and
jointly targeted households are in :mod:`simulation.policy.targeting`; the coordination
overhead is taken by the ledgers; complementarity acts in the package.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from simulation.network import ContributorNeighbours, village_network
from simulation.policy.graduation import GRADUATED, SUSTAINED

if TYPE_CHECKING:
    from simulation.policy.graduation import GraduationTracker
    from simulation.policy.ledger import Ledger
    from simulation.policy.month import PolicyMonth
    from simulation.policy.schema import Collaboration as CollaborationRules

__all__ = ["Collaboration"]


class Collaboration:
    """The post-graduation levers of one model, with the village network they act through.

    Parameters
    ----------
    rules : Collaboration (schema)
        The levers in force.
    sustain_months : int
        How long a graduate is monitored.
    tracker : GraduationTracker
        Graduation states (referrals and monitoring are kept there).
    village : ndarray of int
        Village of each household.
    rng : numpy.random.Generator
        The ``network`` stream.
    """

    def __init__(
        self,
        rules: CollaborationRules,
        sustain_months: int,
        tracker: GraduationTracker,
        village: NDArray[np.int32],
        rng: np.random.Generator,
    ) -> None:
        self.rules, self.sustain_months, self.tracker = rules, sustain_months, tracker
        self.adj = village_network(village, rules.network_degree, rng)
        #: graduates with a productive enterprise (assets above the trap threshold), this month,
        #: and their neighbours
        self.contributors = ContributorNeighbours(self.adj)
        self.monitoring_paid = 0.0

    def after_graduation(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> None:
        """Start monitoring and refer new graduates ``idx`` to empowerment programmes."""
        if self.rules.monitoring:
            self.tracker.monitored_until[idx] = ctx.month + self.sustain_months
        self.refer(ctx, idx)

    def refer(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> None:
        """Refer each of households ``idx`` with probability ``referral_rate``."""
        rate = self.rules.referral_rate
        if rate <= 0.0 or idx.size == 0:  # nobody is referred: no draw needed
            return
        chosen = idx if rate >= 1.0 else idx[ctx.draw("referral")[idx] < rate]
        self.tracker.referred_due[chosen] = ctx.month + self.rules.referral_delay

    def pay_monitoring(self, ctx: PolicyMonth, ledger: Ledger | None) -> None:
        """Charge this month's monitoring of graduates to ``ledger`` (while it has money)."""
        tr = self.tracker
        self.monitoring_paid = 0.0
        if not (self.rules.monitoring and ledger is not None):
            return
        watched = (tr.status == GRADUATED) & (tr.monitored_until >= ctx.month)
        cost = min(float(watched.sum()) * self.rules.monitoring_cost, ledger.remaining)
        ledger.spend(cost)
        self.monitoring_paid = cost

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
