"""Shocks: idiosyncratic health events, covariate village disasters, national rice-price episodes.

Health: with monthly probability ``health_hazard`` a household pays ``health_cost_months`` of its
usual income out of pocket (times the share not covered by insurance) and loses
``health_lost_work_months`` of wages. Disaster: each village is hit with probability
``disaster_hazard``; hit households lose shares of productive assets and savings. Food price: a
national rice-price episode starts with probability ``food_price_hazard`` and lasts
``food_price_months``, raising the poverty lines through their rice share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from simulation.households import HouseholdState
from simulation.params import Shocks
from simulation.streams import LazyUniforms

if TYPE_CHECKING:
    from simulation.environment import Places

__all__ = ["next_rice_episode", "reference_shocks", "shocks_step"]


def next_rice_episode(months_left: int, u: float, s: Shocks) -> int:
    """Months left in the rice-price episode after this month's draw ``u``.

    Returns the remaining length including this month; 0 means prices are normal.
    """
    if months_left > 0:
        return months_left - 1
    return s.food_price_months if u < s.food_price_hazard else 0


def shocks_step(
    state: HouseholdState,
    s: Shocks,
    draws: dict[str, NDArray[np.float64]],
    rare: dict[str, LazyUniforms],
    uncovered: NDArray[np.float32],
    places: Places,
) -> None:
    """Apply this month's health and disaster shocks to all households, in place.

    Parameters
    ----------
    draws, rare : dict
        The month's draws: per village (``"disaster"``), and lazily made (``"health"``).
    uncovered : ndarray of float, shape (N,)
        Share of a health cost each household pays itself (1 without insurance).
    places : Places
        Where households live (the residents of villages hit by a disaster).
    """
    state.sick -= state.sick > 0
    ill, _ = rare["health"].below(s.health_hazard)  # a few households a month
    state.health_cost[:] = 0.0
    state.health_cost[ill] = s.health_cost_months * state.usual_income[ill] * uncovered[ill]
    state.sick[ill] = s.health_lost_work_months
    villages = draws["disaster"] < s.disaster_hazard
    if villages.any():
        hit = places.residents(villages)
        state.assets[hit] *= 1.0 - s.disaster_asset_loss
        state.savings[hit] *= 1.0 - s.disaster_savings_loss


def reference_shocks(
    state: HouseholdState,
    i: int,
    s: Shocks,
    draws: dict[str, NDArray[np.float64]],
    rare: dict[str, LazyUniforms],
    uncovered: float,
) -> None:
    """Per-household reference of :func:`shocks_step` for household ``i``."""
    sick = max(int(state.sick[i]) - 1, 0)
    cost = 0.0
    if rare["health"][i] < s.health_hazard:
        cost = s.health_cost_months * float(state.usual_income[i]) * uncovered
        sick = s.health_lost_work_months
    state.health_cost[i] = cost
    state.sick[i] = sick
    if draws["disaster"][state.village[i]] < s.disaster_hazard:
        state.assets[i] = float(state.assets[i]) * (1.0 - s.disaster_asset_loss)
        state.savings[i] = float(state.savings[i]) * (1.0 - s.disaster_savings_loss)
