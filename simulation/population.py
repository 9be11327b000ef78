"""Synthetic households of the calibrated world.

Each simulated household stands for ``weight`` real households, chosen so that simulated persons
sum to the national population. Composition, place, consumption and assets are drawn from the
``population`` stream only, so every scenario on a replicate starts from the same households.

Steps: region (by population share) and urban/rural; villages of ``village_size`` households
within each region and area; members, copied from households of the same region and area after
a demographic spin-up (``spinup_years`` of demography and household formation run on up to
:data:`SPIN_SAMPLE` households drawn with size ``1 + Poisson(size_mean - 1)`` and a head,
partner, elderly parent and children of ages consistent with the head); log consumption per
capita ``ln(median) + shift[r] +/- premium/2 - gradient * (size - mean) + sigma * z``;
productive assets near the low or high steady state of the trap, the high one more likely the
richer the household; and the income sources that sustain that consumption.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.typing import NDArray

from simulation.households import INITIAL, MEMBER_SLOTS, HouseholdState
from simulation.mechanisms.demography import demography_step, monthly_mortality
from simulation.mechanisms.formation import Formation
from simulation.mechanisms.income import earners
from simulation.params import Demography, Region, World
from simulation.streams import LazyUniforms

__all__ = ["household_weight", "spun_up", "synthetic_population"]

_SPIN_CUT = 1 / 16  #: draws below this are made up front in the spin-up's rare decisions
SPIN_SAMPLE = 20_000  #: households the demographic spin-up runs on


def household_weight(state: HouseholdState, world: World) -> float:
    """Real households represented by one simulated household (national scale)."""
    return world.population.national_persons / float(state.size.sum())


def _members(
    rng: np.random.Generator, size: NDArray[np.int64], world: World
) -> tuple[NDArray[np.int16], NDArray[np.bool_], NDArray[np.int8]]:
    d, n = world.demography, size.shape[0]
    head = rng.uniform(20.0, 75.0, n)
    partner = (size >= 2) & (rng.random(n) < d.spouse_probability)
    elder = (size >= 3) & (rng.random(n) < d.elderly_member_probability) & (head < 55)
    years = np.empty((n, MEMBER_SLOTS))
    years[:, 0] = head
    years[:, 1] = np.where(partner, np.clip(head - 3 + rng.normal(0, 3, n), 17, 90), -1)
    oldest_child = np.clip(head - 18.0, 0.5, 24.0)
    years[:, 2:] = rng.random((n, MEMBER_SLOTS - 2)) * oldest_child[:, None]
    years[:, 2] = np.where(elder, rng.uniform(60.0, 85.0, n), years[:, 2])
    # slot 1 is kept for a partner; without one, the other members fill slots 2 and up
    slot = np.arange(MEMBER_SLOTS)[None, :]
    used = size[:, None] + (~partner & (size >= 2))[:, None]
    occupied = (slot < used) & ((slot != 1) | partner[:, None])
    age = np.where(occupied, np.floor(years * 12), -1).astype(np.int16)
    disabled = (rng.random((n, MEMBER_SLOTS)) < d.disability_probability) & (age >= 0)
    lo, hi = d.fertile_age
    fertile = (age[:, 1] >= lo * 12) & (age[:, 1] < hi * 12)
    in_progress = d.conception_hazard * d.pregnancy_months
    pregnant = np.where(
        fertile & (rng.random(n) < in_progress), rng.integers(1, d.pregnancy_months + 1, n), 0
    )
    return age, disabled, pregnant.astype(np.int8)


def _places(
    rng: np.random.Generator, regions: tuple[Region, ...], n: int
) -> tuple[NDArray[np.int8], NDArray[np.bool_]]:
    """Region (by population share) and urban or rural of ``n`` households."""
    shares = np.array([r.population_share for r in regions])
    region = rng.choice(len(regions), size=n, p=shares / shares.sum()).astype(np.int8)
    urban = rng.random(n) < np.array([r.urban_share for r in regions])[region]
    return region, urban


Members = tuple[NDArray[np.int16], NDArray[np.bool_], NDArray[np.int8], NDArray[np.int64]]
_PILOTS: dict[tuple[object, ...], tuple[NDArray[np.intp], Members]] = {}


def spun_up(world: World, m: int, seed: int) -> tuple[HouseholdState, float]:
    """Draw ``m`` households' members and run the demographic spin-up on them.

    Parameters
    ----------
    world : World
        The world whose demography is run.
    m : int
        Households (the sample stays this size; formation places new households in it).
    seed : int
        Seed of the generator of the draws.

    Returns
    -------
    HouseholdState
        The households after ``spinup_years`` (members only: no consumption or assets yet).
    float
        Yearly growth of persons over the spin-up's last ten years (1/year).
    """
    rng = np.random.default_rng(seed)
    region, urban = _places(rng, world.regions, m)
    size = np.minimum(1 + rng.poisson(world.demography.size_mean - 1.0, m), MEMBER_SLOTS)
    age, disabled, pregnant = _members(rng, size, world)
    pilot = _blank(m, region, urban, age, disabled, pregnant, (age >= 0).sum(axis=1))
    growth = _spin_up(pilot, world, rng)
    return pilot, growth


def _pilot(world: World, m: int, seed: int) -> tuple[NDArray[np.intp], Members]:
    """Return the households of a demographic spin-up: their strata and members.

    Members are ages, disabilities, pregnancies and sizes. ``m`` households are drawn as the
    population is (places, then members by :func:`_members`) from a generator seeded with
    ``seed``, and :func:`_spin_up` runs on them.
    Kept for the last few (demography, regions, ``m``, ``seed``): the same replicate of
    another scenario, or of a world that differs elsewhere, reuses it.
    """
    key = (world.demography, world.regions, m, seed)
    if key not in _PILOTS:
        pilot, _ = spun_up(world, m, seed)
        members = (pilot.age, pilot.disabled, pilot.pregnant, pilot.size.astype(np.int64))
        while len(_PILOTS) >= 8:
            _PILOTS.pop(next(iter(_PILOTS)))
        _PILOTS[key] = (pilot.region.astype(np.intp) * 2 + pilot.urban, members)
    return _PILOTS[key]


def _members_from(
    pilot: tuple[NDArray[np.intp], Members], stratum: NDArray[np.intp], rng: np.random.Generator
) -> Members:
    """Members of each household: those of a spun-up household of its stratum, drawn at random.

    A stratum without a spun-up household (a tiny one) draws from all of them.
    """
    pilot_stratum, columns = pilot
    order = np.argsort(pilot_stratum, kind="stable")
    top = int(max(np.max(stratum), np.max(pilot_stratum))) + 2
    first = np.searchsorted(pilot_stratum[order], np.arange(top))
    count = first[stratum + 1] - first[stratum]
    u = rng.random(stratum.size)
    pick = np.where(count > 0, first[stratum] + (u * count).astype(np.intp), 0)
    source = np.where(count > 0, order[np.minimum(pick, order.size - 1)],
                      (u * order.size).astype(np.intp))  # fmt: skip
    age, disabled, pregnant, size = columns
    return age[source], disabled[source], pregnant[source], size[source]


def _spin_up(state: HouseholdState, world: World, rng: np.random.Generator) -> float:
    """Run ``spinup_years`` of demography and household formation on the drawn members.

    Members only (no economy yet): the composition then starts near the state the demographic
    rates (and the fertility decline of ``spinup_fertility``) lead to, instead of the rough
    draw of :func:`_members`. Draws come from children of the ``population`` stream, one set a
    month. Returns the yearly growth of persons over the last ten years (or fewer).
    """
    d, n = world.demography, state.n
    q_table = monthly_mortality(d)
    formation = Formation(state, world, economics=False)
    start = -12 * d.spinup_years
    window = max(start, -120)  # growth is measured over the last ten years
    persons, log_growth = float(np.sum(state.size)), 0.0
    for month in range(start, 0):
        g = rng.spawn(8)
        draws = {"mortality": g[0].random(n)}
        rare = {k: LazyUniforms(g[2 * i + 1], g[2 * i + 2], n, _SPIN_CUT)
                for i, k in enumerate(("conception", "newborn", "leave_home"))}  # fmt: skip
        if month == window:
            persons, log_growth = float(np.sum(state.size)), 0.0
        events = demography_step(state, _fertility(d, month / start), draws, rare, q_table)
        log_growth += np.log(formation.step(state, events, g[7], month).growth)
    state.formed[:] = INITIAL
    if start == 0:
        return float("nan")
    ratio = np.exp(log_growth) * float(np.sum(state.size)) / persons
    return float(ratio ** (12 / -window) - 1)


def _fertility(d: Demography, left: float) -> Demography:
    """Demography with the conception hazard of the spin-up when ``left`` of it remains.

    The hazard falls linearly from ``spinup_fertility`` times ``conception_hazard`` at the
    start (``left`` = 1) to ``conception_hazard`` at the end, so the members start with the
    younger age structure that a past fertility decline leaves (more adults of childbearing
    age than the present rates alone would give).
    """
    if d.spinup_fertility == 1.0:
        return d
    factor = 1.0 + (d.spinup_fertility - 1.0) * left
    return dataclasses.replace(d, conception_hazard=d.conception_hazard * factor)


def _percentile_rank(x: NDArray[np.float64]) -> NDArray[np.float64]:
    ranks = np.empty(x.shape[0])
    ranks[np.argsort(x, kind="stable")] = np.arange(x.shape[0])
    out: NDArray[np.float64] = (ranks + 0.5) / x.shape[0]
    return out


def _villages(region: NDArray[np.int8], urban: NDArray[np.bool_], size: int) -> NDArray[np.int32]:
    order = np.lexsort((urban, region))
    cell = region[order].astype(np.int64) * 2 + urban[order]
    starts = np.r_[0, np.flatnonzero(np.diff(cell)) + 1]
    within = np.arange(order.shape[0]) - np.repeat(starts, np.diff(np.r_[starts, order.shape[0]]))
    new_village = (within % size == 0).astype(np.int64)
    village = np.empty(order.shape[0], dtype=np.int32)
    village[order] = np.cumsum(new_village) - 1
    return village


def synthetic_population(world: World, rng: np.random.Generator) -> HouseholdState:
    """Draw the synthetic households of ``world``.

    Parameters
    ----------
    world : World
        The calibrated world.
    rng : numpy.random.Generator
        The ``population`` stream of the replicate.

    Returns
    -------
    HouseholdState
        Columns for ``world.population.households`` households at the start of month 0.
    """
    n, regions = world.population.households, world.regions
    region, urban = _places(rng, regions, n)
    pilot = _pilot(world, min(n, SPIN_SAMPLE), int(rng.integers(2**63)))
    members = _members_from(pilot, region.astype(np.intp) * 2 + urban, rng)
    state = _blank(n, region, urban, *members)
    size = state.size.astype(np.int64)

    init = world.initial
    shift = np.array([r.consumption_shift for r in regions])[region]
    log_c = (
        np.log(init.median_consumption)
        + shift
        + init.urban_premium * (urban - 0.5)
        - init.size_gradient * (size - world.demography.size_mean)
        + init.sigma * rng.standard_normal(n)
    )
    state.village[:] = _villages(region, urban, world.population.village_size)
    _assets_and_income(state, world, rng, log_c)
    return state


def _blank(
    n: int,
    region: NDArray[np.int8],
    urban: NDArray[np.bool_],
    age: NDArray[np.int16],
    disabled: NDArray[np.bool_],
    pregnant: NDArray[np.int8],
    size: NDArray[np.int64],
) -> HouseholdState:
    def zeros() -> NDArray[np.float64]:
        return np.zeros(n)

    return HouseholdState(
        region=region, village=np.zeros(n, np.int32), urban=urban, age=age, disabled=disabled,
        pregnant=pregnant, size=size.astype(np.int8), skill=zeros(), persistent=zeros(),
        employed=np.zeros(n, bool), sick=np.zeros(n, np.int8), assets=zeros(), savings=zeros(),
        debt=zeros(), other_income=zeros(), kin_income=zeros(), usual_income=zeros(),
        wage_income=zeros(),
        enterprise_income=zeros(), transfer_income=zeros(), health_cost=zeros(),
        consumption=zeros(), consumption_pc=zeros(), poverty_line=zeros(),
        poor=np.zeros(n, bool), extreme_poor=np.zeros(n, bool),
        formed=np.full(n, INITIAL, np.int16),
    )  # fmt: skip


def _assets_and_income(
    state: HouseholdState, world: World, rng: np.random.Generator, log_c: NDArray[np.float64]
) -> None:
    """Draw assets, employment and shocks, then set skill so that income sustains consumption.

    The persistent shock is drawn from its stationary distribution, independent of skill, and
    skill is set for the typical earners per member: skill offsets neither, so the drawn
    households are not pulled apart when the shock mean-reverts and the composition changes.
    """
    init, a, inc = world.initial, world.assets, world.income
    n, c_pc = state.n, np.exp(log_c)
    rank = _percentile_rank(c_pc)
    p_high = (
        init.high_asset_share_bottom
        + (init.high_asset_share_top - init.high_asset_share_bottom) * rank
    )
    high = rng.random(n) < p_high
    spread = np.exp(init.asset_dispersion * rng.standard_normal(n))
    state.assets[:] = np.where(
        high,
        np.maximum(a.high_steady_state * spread, 1.05 * a.threshold),
        np.minimum(a.low_steady_state * spread, 0.95 * a.threshold),
    )
    p_emp = inc.job_finding / (inc.job_finding + inc.job_separation)
    e_bar = p_emp + (1 - p_emp) * inc.jobless_earnings  # mean work intensity
    n_earn = earners(state, inc)
    state.employed[:] = (n_earn > 0) & (rng.random(n) < p_emp)
    v = inc.persistent_sigma**2 / (1.0 - inc.persistent_rho**2)
    # stationary and independent of skill, as for a new household (formation): a shock that
    # skill offset at the start would unwind as it mean-reverts and widen the distribution
    state.persistent[:] = np.sqrt(v) * rng.standard_normal(n)

    target = c_pc * state.size
    wage_needed = target - a.enterprise_return * state.assets
    wages = np.array([r.wage for r in world.regions])[state.region]
    with np.errstate(divide="ignore", invalid="ignore"):
        old = (state.age >= round(inc.care_age * 12)).any(axis=1)
        need = old | (state.disabled & (state.age >= 0)).any(axis=1)
        care = 1.0 - inc.care_burden * need
        # skill is an earner's capacity, not a fit to the current number of dependants: set
        # for a household with the typical earners per member, so a changing composition
        # (births, children reaching working age, leavers) moves income per capita from the
        # start as it does later, instead of undoing an offset; shock multiplier at its mean 1
        typical = np.exp(np.mean(np.log(n_earn[n_earn > 0] / state.size[n_earn > 0])))
        skill = wage_needed / (wages * typical * state.size * e_bar * care)
    state.skill[:] = np.where(n_earn > 0, np.maximum(skill, inc.skill_floor), inc.skill_floor)
    kin = inc.kin_support * state.size
    state.other_income[:] = np.where(n_earn > 0, 0.0, np.maximum(wage_needed - kin, 0.0))
    state.usual_income[:] = target
    state.savings[:] = world.consumption.buffer_months * target
    state.consumption[:] = target
    state.consumption_pc[:] = c_pc
