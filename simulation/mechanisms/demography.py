"""Demography: ageing, deaths, grown children leaving, pregnancies and births.

Members age one month per step, so children move up the PKH school components and adults age
into the elderly component; "natural graduation" from PKH emerges from this alone.

Each household draws one uniform per event type per month: at most one death and one departure
per household-month (monthly hazards are small, so the cap is immaterial). Every draw is made for
every household whether or not it is at risk, to keep common random numbers.

A household whose last member dies is dissolved, and a grown child who leaves home sets up a
household of their own: :mod:`simulation.mechanisms.formation` places both in the sample.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from simulation.households import MEMBER_SLOTS, HouseholdState, row_count, take_rows
from simulation.params import Demography
from simulation.streams import LazyUniforms

__all__ = [
    "MonthEvents", "People", "demography_step", "monthly_mortality", "of_leaving_age",
    "oldest_member", "reference_demography",
]  # fmt: skip

MAX_AGE_YEARS = 120
LEAVE_BEFORE_MONTHS = 60 * 12  #: grown children leave home before this age
LEAVING_SLOTS = MEMBER_SLOTS - 2  #: members who may leave home: slots 2 and above


def monthly_mortality(d: Demography) -> NDArray[np.float64]:
    """Monthly death probability by completed year of age (Gompertz).

    ``q(y) = 1 - exp(-a * exp(b * y) / 12)`` for age ``y`` in years, ``a`` and ``b`` per year.
    """
    years = np.arange(MAX_AGE_YEARS + 1, dtype=np.float64)
    return -np.expm1(-d.mortality_a * np.exp(d.mortality_b * years) / 12.0)


def _by_month(q_table: NDArray[np.float64]) -> NDArray[np.float64]:
    """Monthly death probability indexed by ``age_in_months + 1`` (index 0: an empty slot)."""
    months = np.arange(MAX_AGE_YEARS * 12 + 12)
    return np.concatenate(([0.0], q_table[np.minimum(months // 12, MAX_AGE_YEARS)]))


def _pick_slot(
    hazard: NDArray[np.float64], u: NDArray[np.float64], total: NDArray[np.float64]
) -> NDArray[np.intp]:
    """Slot whose cumulative hazard first exceeds ``u``; -1 where ``u`` exceeds the total.

    ``total`` is the row sum of ``hazard``; only rows with ``u`` below it (with a margin for
    rounding, so none is missed) are resolved exactly with a sequential cumulative sum.
    """
    out = np.full(u.shape[0], -1, dtype=np.intp)
    rows = np.flatnonzero(u < total * (1.0 + 1e-9))
    if rows.size:
        cum = np.cumsum(hazard[rows], axis=1)
        slot = (cum <= u[rows, None]).sum(axis=1)
        out[rows] = np.where(slot < MEMBER_SLOTS, slot, -1)
    return out


Events = tuple[NDArray[np.intp], NDArray[np.intp]]  #: rows and slots of members concerned
#: the oldest member's age of each household (months), and a function giving at least the
#: number of members of households ``rows`` who may leave home
Bounds = tuple[NDArray[np.int16], Callable[[NDArray[np.intp]], NDArray[np.int8]]]


@dataclass
class People:
    """Members who left their household this month, one per entry.

    Attributes
    ----------
    origin : ndarray of intp
        Row of the household each left (ascending).
    age : ndarray of int16
        Their age (months).
    disabled : ndarray of bool
        Whether each has a severe disability.
    """

    origin: NDArray[np.intp]
    age: NDArray[np.int16]
    disabled: NDArray[np.bool_]

    @classmethod
    def of(cls, state: HouseholdState, rows: NDArray[np.intp], slots: NDArray[np.intp]) -> People:
        """Return the members in ``slots`` of households ``rows`` (before they are removed)."""
        return cls(rows, state.age[rows, slots].copy(), state.disabled[rows, slots].copy())

    @classmethod
    def of_tuples(cls, people: list[tuple[int, int, bool]]) -> People:
        """Return people from ``(origin, age, disabled)`` tuples (the reference path's notes)."""
        origin, age, disabled = zip(*people, strict=True) if people else ((), (), ())
        return cls(np.array(origin, np.intp), np.array(age, np.int16), np.array(disabled, bool))


@dataclass
class MonthEvents:
    """What one month of demography did.

    Attributes
    ----------
    touched : ndarray of intp
        Rows of the households whose members or pregnancy changed (possibly repeated).
    leavers : People
        Grown children who left home (they set up households of their own).
    last_deaths : People
        Members who died alone: their households (``origin``) are now empty.
    """

    touched: NDArray[np.intp]
    leavers: People
    last_deaths: People


def _hits(rows: NDArray[np.intp], slot: NDArray[np.intp]) -> Events:
    """Rows and slots of the households where an event happened (``slot >= 0``)."""
    hit = slot >= 0
    return rows[hit], slot[hit]


def _deaths(
    state: HouseholdState,
    u: NDArray[np.float64],
    q_month: NDArray[np.float64],
    oldest: NDArray[np.int16] | None,
) -> Events:
    """Rows and slots of the members who die this month (at most one per household).

    Hazards rise with age, so ``slots * q(oldest member)`` bounds a household's total hazard;
    only the few households whose draw falls under that bound have their members' hazards
    looked up. ``oldest`` is each household's oldest member's age (months), if known.
    """
    age, last = state.age, q_month.shape[0] - 1
    if oldest is None:
        oldest = oldest_member(age)
    by_oldest = q_month[1:] * MEMBER_SLOTS  # the bound, indexed by the age itself
    rows = np.flatnonzero(u < np.take(by_oldest, oldest, mode="clip"))
    hazard = q_month[np.minimum(age[rows] + 1, last)]
    return _hits(rows, _pick_slot(hazard, u[rows], hazard.sum(axis=1)))


def _departures(
    state: HouseholdState,
    d: Demography,
    draw: LazyUniforms,
    leavers: Callable[[NDArray[np.intp]], NDArray[np.int8]] | None,
) -> Events:
    """Rows and slots of the grown children who leave home this month (at most one each).

    A member in slot 2 or above aged from ``leave_home_age`` to 60 may leave with the same
    hazard, unless the household has a single member (after this month's deaths).
    ``leavers`` gives at least the number of such members of households ``rows``, if known: only
    households whose draw falls under that many hazards have their members looked at.
    """
    hazard = d.leave_home_hazard * (1.0 + 2e-9)  # a margin for the sum of hazards below
    rows, u = draw.below(LEAVING_SLOTS * hazard)  # at most 6 members may leave
    bound: NDArray[np.integer[Any]] = (
        row_count(of_leaving_age(take_rows(state.age, rows), d), first=2)
        if leavers is None
        else leavers(rows)
    )
    keep = (u < bound * hazard) & (state.size[rows] > 1)
    rows, u = rows[keep], u[keep]
    leave = of_leaving_age(take_rows(state.age, rows), d)
    leave[:, :2] = False
    total = (row_count(leave) * d.leave_home_hazard).astype(np.float64)
    slot = _pick_slot(np.where(leave, d.leave_home_hazard, 0.0), u, total)
    return _hits(rows, slot)


def of_leaving_age(age: NDArray[np.int16], d: Demography) -> NDArray[np.bool_]:
    """Members aged from ``leave_home_age`` to 60 years, any slot (empty slots, -1, wrap high).

    Only members in slots 2-7 may leave (``row_count(..., first=2)`` counts them).
    """
    lo = round(d.leave_home_age * 12)
    out: NDArray[np.bool_] = (age - np.int16(lo)).view(np.uint16) < LEAVE_BEFORE_MONTHS - lo
    return out


def oldest_member(age: NDArray[np.int16]) -> NDArray[np.int16]:
    """Age of the oldest member of each row of ``age`` (months)."""
    oldest = age[:, 0].copy()
    for slot in range(1, age.shape[1]):
        np.maximum(oldest, age[:, slot], out=oldest)
    return oldest


def _remove(state: HouseholdState, rows: NDArray[np.intp], slots: NDArray[np.intp]) -> None:
    state.age[rows, slots] = -1
    state.disabled[rows, slots] = False
    state.size[rows] -= 1


def demography_step(
    state: HouseholdState,
    d: Demography,
    draws: dict[str, NDArray[np.float64]],
    rare: dict[str, LazyUniforms],
    q_table: NDArray[np.float64],
    bounds: Bounds | None = None,
) -> MonthEvents:
    """Advance all households one month of demography, in place.

    Order: age, deaths, departures, births of pregnancies at term, conceptions. The last member
    of a household may die (the household is then empty until formation fills its row) but
    does not leave. Only the few households where an event happens are touched after the
    ageing.

    Returns
    -------
    MonthEvents
        Rows touched by an event (ageing alone is not one), the leavers and the last deaths.

    ``bounds`` (the oldest member's age and at least the number of members who may leave home,
    after this month's ageing; see :meth:`simulation.composition.Composition.bounds`) save
    looking at every member of every household; the result is the same.
    """
    age = state.age
    for start in range(0, age.shape[0], 1 << 15):  # in blocks that stay in the caches
        block = age[start : start + (1 << 15)]
        block += block >= 0
    oldest, leavers = (None, None) if bounds is None else bounds
    dead, slots = _deaths(state, draws["mortality"], _by_month(q_table), oldest)
    alone = state.size[dead] == 1
    last = People.of(state, dead[alone], slots[alone])
    _remove(state, dead, slots)
    state.pregnant[dead[slots == 1]] = 0  # the partner died
    gone, slots = _departures(state, d, rare["leave_home"], leavers)
    left = People.of(state, gone, slots)
    _remove(state, gone, slots)
    born = _births(state, d, rare["newborn"])
    conceived = _conceptions(state, d, rare["conception"])
    return MonthEvents(np.concatenate((dead, gone, born, conceived)), left, last)


def _births(state: HouseholdState, d: Demography, newborn: LazyUniforms) -> NDArray[np.intp]:
    pregnant = state.pregnant
    pregnant += pregnant > 0
    term = np.flatnonzero(pregnant > d.pregnancy_months)
    pregnant[term] = 0
    empty = take_rows(state.age, term)[:, 2:] < 0  # slot 1 is the partner's
    has_room = empty.any(axis=1)
    rows, slots = term[has_room], empty[has_room].argmax(axis=1) + 2
    state.age[rows, slots] = 0
    state.disabled[rows, slots] = newborn.hit(rows, d.disability_probability)
    state.size[rows] += 1
    return term  # pregnancies ended, with or without a birth


def _conceptions(state: HouseholdState, d: Demography, draw: LazyUniforms) -> NDArray[np.intp]:
    rows, _ = draw.below(d.conception_hazard)  # the few at risk are checked below
    age = take_rows(state.age, rows)
    partner = age[:, 1]
    lo, hi = d.fertile_age
    fertile = (partner >= lo * 12) & (partner < hi * 12) & (state.pregnant[rows] == 0)
    age = age.view(np.uint16)  # empty slots (-1) wrap to 65535
    children = row_count(age < 18 * 12)
    conceived: NDArray[np.intp] = rows[fertile & (children < d.max_children)]
    state.pregnant[conceived] = 1
    return conceived


Member = tuple[int, bool]  #: a member's age (months) and severe disability


def reference_demography(
    state: HouseholdState,
    i: int,
    d: Demography,
    draws: dict[str, NDArray[np.float64]],
    rare: dict[str, LazyUniforms],
    q_table: NDArray[np.float64],
) -> tuple[Member | None, Member | None]:
    """Per-household reference of :func:`demography_step` for household ``i`` (scalar code).

    Returns the member who left home and the last member who died, if any.
    """
    ages = [int(a) for a in state.age[i]]
    ages = [a + 1 if a >= 0 else a for a in ages]
    hazards = [float(q_table[min(a // 12, MAX_AGE_YEARS)]) if a >= 0 else 0.0 for a in ages]
    dead = _ref_pick(hazards, float(draws["mortality"][i]))
    last = None
    if dead >= 0:
        if sum(1 for a in ages if a >= 0) == 1:
            last = (ages[dead], bool(state.disabled[i, dead]))
        ages[dead] = -1
        state.disabled[i, dead] = False
        if dead == 1:
            state.pregnant[i] = 0
    alone = sum(1 for a in ages if a >= 0) <= 1
    leave = [
        d.leave_home_hazard
        if s >= 2 and d.leave_home_age * 12 <= a < LEAVE_BEFORE_MONTHS and not alone
        else 0.0
        for s, a in enumerate(ages)
    ]
    gone = _ref_pick(leave, rare["leave_home"][i])
    leaver = None
    if gone >= 0:
        leaver = (ages[gone], bool(state.disabled[i, gone]))
        ages[gone] = -1
        state.disabled[i, gone] = False
    preg = int(state.pregnant[i])
    if preg > 0:
        preg += 1
    if preg > d.pregnancy_months:
        preg = 0
        if -1 in ages[2:]:
            slot = ages.index(-1, 2)
            ages[slot] = 0
            state.disabled[i, slot] = rare["newborn"][i] < d.disability_probability
    lo, hi = d.fertile_age
    children = sum(1 for a in ages if 0 <= a < 216)
    fertile = lo * 12 <= ages[1] < hi * 12 and preg == 0 and children < d.max_children
    if fertile and rare["conception"][i] < d.conception_hazard:
        preg = 1
    state.pregnant[i] = preg
    state.age[i] = ages
    state.size[i] = sum(1 for a in ages if a >= 0)
    return leaver, last


def _ref_pick(hazards: list[float], u: float) -> int:
    total = 0.0
    for slot, h in enumerate(hazards):
        total += h
        if u < total:
            return slot
    return -1
