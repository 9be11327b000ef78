"""The context of one policy month, built once and handed to everything that acts in it.

Programmes, targeting, graduation and collaboration read the month through a
:class:`PolicyMonth` instead of reaching through the model: the household columns they act on,
the month's environment (whose levers they set), member counts, the world's parameters, the
registry routing and graduation states, and the month's random draws.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from simulation.composition import Composition
    from simulation.environment import MonthEnvironment
    from simulation.households import HouseholdState
    from simulation.params import World
    from simulation.policy.graduation import GraduationTracker
    from simulation.policy.schema import Collaboration
    from simulation.policy.targeting import Targeting

__all__ = ["PolicyMonth"]

B1 = NDArray[np.bool_]


@dataclass(frozen=True)
class PolicyMonth:
    """What agencies see and act on in month ``month`` (the record itself is read-only).

    Attributes
    ----------
    month : int
        Recorded month (0 = January of the first year).
    households : HouseholdState
        The household columns; programmes add transfers and change assets, savings, skill and
        debt of the households they serve.
    env : MonthEnvironment
        This month's environment; programmes set its levers (cover, care relief, thresholds).
    composition : Composition
        Members by kind, kept current by demography.
    world : World
        The world's parameters.
    collaboration : Collaboration
        The collaboration levers in force.
    targeting : Targeting
        Registry routing, eligibility filters and serving order of each programme.
    tracker : GraduationTracker
        Graduation states.
    draws : callable
        ``draws(decision)``: full-population uniforms of ``decision`` this month (one stream
        per decision and month, so every scenario sees the same numbers).
    complementary : callable
        ``complementary(idx)``: complementary programmes (training, credit) households
        ``idx`` have had.
    kpm : callable
        ``kpm()``: households receiving bansos now (it changes as bansos enrol).
    lottery : callable
        ``lottery(programme, year)``: one uniform key per household, the order in which
        households apply to ``programme`` in budget year ``year``.
    join : callable
        ``join(idx)``: the partner agencies enrol households ``idx`` in their complementary
        programmes (training, credit) now: a joint package.
    reassess : callable
        ``reassess(idx)``: Kemensos' registry list re-assesses households ``idx`` now.
    keyed : callable
        ``keyed(decision, *keys)``: uniforms that are a fixed function of integer keys, for
        draws about an identity rather than a month (a member's PKH record).
    """

    month: int
    households: HouseholdState
    env: MonthEnvironment
    composition: Composition
    world: World
    collaboration: Collaboration
    targeting: Targeting
    tracker: GraduationTracker
    draws: Callable[[str], NDArray[np.float64]]
    complementary: Callable[[NDArray[np.intp]], NDArray[np.float64]]
    kpm: Callable[[], B1]
    lottery: Callable[[str, int], NDArray[np.float64]]
    join: Callable[[NDArray[np.intp]], None]
    reassess: Callable[[NDArray[np.intp]], None]
    keyed: Callable[..., NDArray[np.float64]]
    _worker: list[B1] = field(default_factory=list, repr=False)

    def draw(self, decision: str) -> NDArray[np.float64]:
        """Full-population uniforms of ``decision`` this month (do not modify)."""
        return self.draws(decision)

    def has_worker(self) -> B1:
        """Households with a working-age, non-disabled member (computed once a month)."""
        if not self._worker:
            self._worker.append(self.composition.workers > 0)
        return self._worker[0]

    def is_kpm(self) -> B1:
        """Households receiving bansos now."""
        return self.kpm()
