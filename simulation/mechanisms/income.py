"""Income: wages with employment and persistent/transitory shocks, plus enterprise income.

Wage income of household ``i`` in month ``t`` (Rp/month)::

    wage = W[r] * skill * earners * work * exp(z - v/2 + sigma_e * e - sigma_e**2/2)
    z_t  = rho * z_{t-1} + sigma_p * eta,   v = sigma_p**2 / (1 - rho**2)

where ``earners = 1 + w_x * (n_working - 1)`` for ``n_working >= 1`` working-age, non-disabled
members and 0 otherwise; the log-normal corrections keep the mean multiplier at 1. Employment is
a two-state monthly Markov chain (separation and finding rates, the latter raised by hiring
contributor neighbours); ``work`` is 1 in regular work and ``jobless_earnings`` (casual work)
otherwise, times 0 during lost work months, times ``1 - care_burden * need * (1 - relief)``
while a member needs care (rehabilitation relieves part of it). Enterprise income is
``enterprise_return * return_factor * (assets + working_capital)`` (mentoring raises the
factor; a loan's working capital earns the return while it is held). A household with
no earner receives kin support ``kin_support * size``. Income adds other income (pensions,
remittances) and transfers.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from simulation.households import HouseholdState, age_band_mask, row_count
from simulation.params import Assets, Income

if TYPE_CHECKING:
    from simulation.environment import MonthEnvironment

__all__ = [
    "count_workers", "earner_weight", "earners", "income_step", "reference_income", "total_income",
]  # fmt: skip


def earners(state: HouseholdState, inc: Income) -> NDArray[np.float64]:
    """Effective number of earners per household (1 + extra weight per extra worker)."""
    return earner_weight(count_workers(state.age, state.disabled, inc), inc)


def count_workers(
    age: NDArray[np.int16], disabled: NDArray[np.bool_], inc: Income
) -> NDArray[np.int64]:
    """Members of working age without a severe disability, per row of ``age`` (persons)."""
    return row_count(age_band_mask(age, *inc.working_age) & ~disabled)


def earner_weight(workers: NDArray[np.integer[Any]], inc: Income) -> NDArray[np.float64]:
    """Effective number of earners from the number of workers (see :func:`earners`)."""
    weight = workers.astype(np.float64)
    weight -= 1.0
    weight *= inc.extra_earner_weight  # exactly as 1 + w * (workers - 1)
    weight += 1.0
    weight *= workers > 0  # 0 without a worker
    return weight


def _ref_earners(ages: list[int], disabled: list[bool], inc: Income) -> float:
    lo, hi = (round(x * 12) for x in inc.working_age)
    n = sum(1 for a, dis in zip(ages, disabled, strict=True) if lo <= a < hi and not dis)
    return 1.0 + inc.extra_earner_weight * (n - 1) if n > 0 else 0.0


def income_step(
    state: HouseholdState,
    inc: Income,
    assets: Assets,
    env: MonthEnvironment,
    draws: dict[str, NDArray[np.float64]],
    workers: NDArray[np.int8],
) -> None:
    """Update employment, the persistent shock and this month's wage and enterprise income.

    ``workers`` are the working-age members without a severe disability, as counted by
    :class:`simulation.composition.Composition` (the same as :func:`earners` counts).
    """
    n_earn = earner_weight(workers, inc)
    # in place, on a few work arrays; each line keeps the operation order of the equations
    u = draws["employment"]
    stay = u >= inc.job_separation
    stay &= state.employed
    finding = np.add(env.finding_boost, inc.job_finding, dtype=np.float64)
    hired = u < finding
    hired &= ~state.employed
    stay |= hired  # employed next month: stayed in work, or found it
    np.logical_and(workers > 0, stay, out=state.employed)
    state.persistent *= inc.persistent_rho
    state.persistent += inc.persistent_sigma * draws["persistent"]
    v = inc.persistent_sigma**2 / (1.0 - inc.persistent_rho**2)
    st = inc.transitory_sigma
    shock = state.persistent - v / 2
    shock += st * draws["transitory"]
    shock -= st * st / 2
    np.exp(shock, out=shock)
    work = np.take(np.array([inc.jobless_earnings, 1.0]), state.employed.view(np.int8))
    work *= state.sick == 0
    need = np.flatnonzero(env.care_need)  # the others' factor is 1
    care = np.subtract(1.0, env.care_relief[need], dtype=np.float64)
    care *= inc.care_burden
    np.subtract(1.0, care, out=care)
    work[need] *= care
    wage = np.multiply(env.wage, state.skill, out=state.wage_income)
    for factor in (n_earn, work, shock):
        wage *= factor
    enterprise = np.multiply(env.return_factor, assets.enterprise_return, dtype=np.float64)
    if env.working_capital is None:
        np.multiply(enterprise, state.assets, out=state.enterprise_income)
    else:  # a loan's working capital earns the return too
        np.multiply(enterprise, state.assets + env.working_capital, out=state.enterprise_income)
    state.kin_income[:] = 0.0
    alone = np.flatnonzero(workers == 0)  # the few households without a worker
    state.kin_income[alone] = inc.kin_support * state.size[alone]


def total_income(
    state: HouseholdState, rows: NDArray[np.intp] | None = None
) -> NDArray[np.float64]:
    """Income of the month from all sources (Rp/month), of every household or of ``rows``."""
    parts: tuple[NDArray[np.float64], ...] = (
        state.wage_income, state.enterprise_income, state.other_income, state.kin_income,
        state.transfer_income,
    )  # fmt: skip
    if rows is not None:
        parts = tuple(part[rows] for part in parts)
    total = parts[0] + parts[1]
    for part in parts[2:]:
        total += part
    return total


def reference_income(
    state: HouseholdState,
    i: int,
    inc: Income,
    assets: Assets,
    env: MonthEnvironment,
    draws: dict[str, NDArray[np.float64]],
) -> None:
    """Per-household reference of :func:`income_step` for household ``i``."""
    n_earn = _ref_earners([int(a) for a in state.age[i]], [bool(x) for x in state.disabled[i]], inc)
    u = float(draws["employment"][i])
    was = bool(state.employed[i])
    finding = inc.job_finding + float(env.finding_boost[i])
    employed = n_earn > 0 and (u >= inc.job_separation if was else u < finding)
    z = inc.persistent_rho * float(state.persistent[i])
    z += inc.persistent_sigma * float(draws["persistent"][i])
    v = inc.persistent_sigma**2 / (1.0 - inc.persistent_rho**2)
    st = inc.transitory_sigma
    shock = math.exp(z - v / 2 + st * float(draws["transitory"][i]) - st * st / 2)
    work = (1.0 if employed else inc.jobless_earnings) * (int(state.sick[i]) == 0)
    relief = float(env.care_relief[i])
    work *= 1.0 - inc.care_burden * bool(env.care_need[i]) * (1.0 - relief)
    wage = float(env.wages[state.region[i]]) * float(state.skill[i]) * n_earn * work * shock
    state.employed[i] = employed
    state.persistent[i] = z
    state.wage_income[i] = wage
    factor = float(env.return_factor[i])
    capital = float(state.assets[i])
    if env.working_capital is not None:
        capital += float(env.working_capital[i])
    state.enterprise_income[i] = assets.enterprise_return * factor * capital
    state.kin_income[i] = 0.0 if n_earn > 0 else inc.kin_support * int(state.size[i])
