"""Buffer-stock consumption and saving, with distress asset sales below subsistence.

With income ``y`` this month, usual income ``ybar`` (exponentially smoothed, weight ``k``),
savings ``s``, out-of-pocket health cost ``h`` and cash on hand ``x = s + y - h``::

    ybar' = (1 - k) * ybar + k * y
    c*    = ybar' + m * (x - ybar' - b * ybar')          # consume usual income, run the buffer
    c     = min(max(c*, S), x)                           # at least subsistence S, if cash allows

where ``b`` is the target buffer in months of usual income, ``m`` the share of the gap to the
target closed each month and ``S = subsistence_share * extreme_line * size``. When cash on hand
falls short of ``S`` the household sells productive assets at a discount ``d`` to reach it:
``sold = min(assets, (S - x) / (1 - d))``. Savings ``s' = max(x - c, 0)``; a cost that even
distress sales cannot meet is absorbed by kin and neighbours (not tracked). Savings above the
target buffer are invested in productive assets at rate ``i`` per month, up to the high steady
state ``H`` of the asset dynamics: ``inv = min(i * max(s' - b * ybar', 0), max(H - assets, 0))``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from simulation.arrays import clip_negative
from simulation.households import HouseholdState
from simulation.params import ConsumptionRule

__all__ = ["consumption_step", "reference_consumption"]


def consumption_step(
    state: HouseholdState,
    rule: ConsumptionRule,
    income: NDArray[np.float64],
    extreme_line: NDArray[np.float64],
    invest_cap: float,
) -> None:
    """Choose consumption, update savings and usual income, and make distress sales, in place.

    Parameters
    ----------
    income : ndarray of float, shape (N,)
        Income of the month from all sources (Rp/month).
    extreme_line : ndarray of float, shape (N,)
        Extreme-poverty line per capita facing each household (Rp/capita/month).
    invest_cap : float
        Assets up to which savings are invested (the high steady state, Rp).
    """
    # in place, on a few work arrays; each line keeps the operation order of the equations
    k, d = rule.income_smoothing, rule.distress_discount
    ybar = state.usual_income
    ybar *= 1.0 - k
    ybar += k * income
    cash = state.savings + income
    cash -= state.health_cost
    buffer = rule.buffer_months * ybar
    target = cash - ybar
    target -= buffer
    target *= rule.mpc_excess
    target += ybar
    floor = rule.subsistence_share * extreme_line
    floor *= state.size
    short = np.flatnonzero(cash < floor)  # the few whose cash falls short of subsistence ...
    sold = floor[short] - cash[short]
    sold /= 1.0 - d
    np.minimum(state.assets[short], sold, out=sold)  # ... met by selling assets at a discount
    state.assets[short] -= sold
    sold *= 1.0 - d
    cash[short] += sold
    c = np.maximum(target, floor, out=state.consumption)
    np.minimum(c, cash, out=c)
    np.subtract(cash, c, out=state.savings)
    # cash can be negative only where it fell short of subsistence (floor >= 0 elsewhere)
    c[short] = np.maximum(c[short], 0.0)
    state.savings[short] = np.maximum(state.savings[short], 0.0)
    excess = np.subtract(state.savings, buffer, out=buffer)
    clip_negative(excess)
    excess *= rule.invest_share
    room = np.subtract(invest_cap, state.assets, out=cash)
    clip_negative(room)
    invest = np.minimum(excess, room, out=excess)
    state.savings -= invest
    state.assets += invest
    np.divide(c, state.size, out=state.consumption_pc)


def reference_consumption(
    state: HouseholdState,
    i: int,
    rule: ConsumptionRule,
    income: float,
    extreme_line: float,
    invest_cap: float,
) -> None:
    """Per-household reference of :func:`consumption_step` for household ``i``."""
    k = rule.income_smoothing
    ybar = float(state.usual_income[i]) * (1.0 - k) + k * income
    cash = float(state.savings[i]) + income - float(state.health_cost[i])
    target = ybar + rule.mpc_excess * (cash - ybar - rule.buffer_months * ybar)
    floor = rule.subsistence_share * extreme_line * int(state.size[i])
    assets = float(state.assets[i])
    if cash < floor:
        sold = min(assets, (floor - cash) / (1.0 - rule.distress_discount))
        assets -= sold
        cash += sold * (1.0 - rule.distress_discount)
    c = max(min(max(target, floor), cash), 0.0)
    savings = max(cash - c, 0.0)
    excess = max(savings - rule.buffer_months * ybar, 0.0)
    invest = min(rule.invest_share * excess, max(invest_cap - assets, 0.0))
    state.usual_income[i] = ybar
    state.assets[i] = assets + invest
    state.consumption[i] = c
    state.savings[i] = savings - invest
    state.consumption_pc[i] = c / int(state.size[i])
