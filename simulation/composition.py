"""Who lives in each household, counted: PKH components, workers and care needs.

The counts depend only on members' ages, disabilities and the partner's pregnancy, so they
change only when demography touches a household (a death, a departure, a birth, a pregnancy
starting or ending) or when a member's age reaches the edge of a band (school levels, working
age, old age). :class:`Composition` keeps the counts of every household and recounts only those
households each month: the ones demography reports, and the ones whose next band edge falls in
this month (stored per household). Everyone else's counts are still exact, at a small share of
the cost of recounting a million households every month.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from simulation.households import (
    AGE_BANDS,
    HouseholdState,
    counts_of,
    row_count,
    take_rows,
)
from simulation.mechanisms.demography import (
    LEAVE_BEFORE_MONTHS,
    LEAVING_SLOTS,
    Bounds,
    of_leaving_age,
    oldest_member,
)
from simulation.mechanisms.income import count_workers
from simulation.params import World

__all__ = ["Composition"]

NEVER = np.iinfo(np.int16).max  #: next-edge month of a household whose members pass no edge


class Composition:
    """Member counts of every household, recounted only where they may have changed.

    Attributes
    ----------
    components : ndarray of int8, shape (N, 7)
        Members by PKH component (:data:`simulation.households.COMPONENTS`).
    workers : ndarray of int8
        Members of working age without a severe disability (persons).
    care_need : ndarray of bool
        A member needs care (severe disability, or at least ``care_age``).
    born_oldest : ndarray of int16
        Model month in which the oldest member was born (their age is the month minus it).
    leavers : ndarray of int8
        Members in slots 2-7 of an age to leave home (``leave_home_age`` to 60).
    epoch : int
        Number of updates so far; ``changed`` holds the rows recounted at the last one and
        ``changed_components`` their component counts (``components[changed]``).
    month : int
        Model month of the ages counted.

    Code that changes members outside :func:`~simulation.mechanisms.demography.demography_step`
    (a test, a notebook) calls :meth:`refresh` afterwards.
    """

    def __init__(self, state: HouseholdState, world: World, month: int) -> None:
        self.inc = inc = world.income
        lo, hi = inc.working_age
        working = (round(lo * 12), round(hi * 12))
        self.care_age = round(inc.care_age * 12)
        self.demography = world.demography
        leaving = (round(world.demography.leave_home_age * 12), LEAVE_BEFORE_MONTHS)
        bands = [(round(lo * 12), round(hi * 12)) for lo, hi in AGE_BANDS.values()]
        bands += [working, leaving]
        edges = {e for band in bands for e in band} | {self.care_age}
        self.edges = np.array(sorted(edges), dtype=np.int32)
        # months from each age (index: age + 1, 0 for an empty slot) to the next edge above it
        ages = np.arange(-1, self.edges[-1] + 1)
        at = np.searchsorted(self.edges, ages, side="right")
        above = at < self.edges.size
        wait = np.where(above, self.edges[np.minimum(at, self.edges.size - 1)] - ages, NEVER)
        wait[0] = NEVER  # an empty slot never reaches an edge
        self._wait = wait.astype(np.int32)  # older ages are looked up as the last (NEVER)
        n = state.n
        # rows of 8 bytes (one padding column), so they are scattered as single 64-bit items
        self._components = np.zeros((n, 8), dtype=np.int8)
        self.components = self._components[:, :7]
        self.workers = np.zeros(n, dtype=np.int8)
        self.care_need = np.zeros(n, dtype=bool)
        self.next_edge = np.zeros(n, dtype=np.int16)  # month a member next reaches an edge
        self.born_oldest = np.zeros(n, dtype=np.int16)  # month the oldest member was born
        self.leavers = np.zeros(n, dtype=np.int8)  # members who may leave home (slots 2-7)
        self.epoch, self.month = 0, month
        self.changed: NDArray[np.intp] = np.arange(n)
        self._count(state, self.changed, month)

    def refresh(self, state: HouseholdState) -> None:
        """Recount every household (after members changed outside demography)."""
        self.update(state, np.arange(state.n), self.month)

    def update(self, state: HouseholdState, touched: NDArray[np.intp], month: int) -> None:
        """Recount the households demography ``touched`` and those reaching a band edge."""
        recount = self.next_edge <= month
        recount[touched] = True
        rows = np.flatnonzero(recount)
        self._count(state, rows, month)
        self.epoch, self.month = self.epoch + 1, month
        self.changed = rows

    def _count(self, state: HouseholdState, rows: NDArray[np.intp], month: int) -> None:
        age, disabled = take_rows(state.age, rows), take_rows(state.disabled, rows)
        counts = np.zeros((rows.size, 8), dtype=np.int8)
        counts[:, :7] = counts_of(age, disabled, state.pregnant[rows])
        self._components.view(np.uint64)[rows, 0] = counts.view(np.uint64)[:, 0]
        self.changed_components = counts[:, :7]
        self.workers[rows] = count_workers(age, disabled, self.inc)
        need = (age >= self.care_age) | (disabled & (age >= 0))
        self.care_need[rows] = need.view(np.uint64)[:, 0] != 0  # any member
        self.next_edge[rows] = self._next_edge(age, month)
        self.born_oldest[rows] = month - oldest_member(age)
        self.leavers[rows] = row_count(of_leaving_age(age, self.demography), first=2)

    def bounds(self) -> Bounds:
        """Bounds for next month's demography, after one more month of ageing.

        Returns the age of each household's oldest member, and a function giving at least the
        number of members of households ``rows`` who may leave home
        (:func:`~simulation.mechanisms.demography.demography_step` uses them to skip looking at
        every member of every household).
        """
        oldest: NDArray[np.int16] = (self.month + 1 - self.born_oldest).astype(np.int16)
        return oldest, self._leavers_at

    def _leavers_at(self, rows: NDArray[np.intp]) -> NDArray[np.int8]:
        """At least the members of households ``rows`` who may leave home next month."""
        due = self.next_edge[rows] <= self.month + 1  # a member may enter the band
        out: NDArray[np.int8] = np.where(due, np.int8(LEAVING_SLOTS), self.leavers[rows])
        return out

    def _next_edge(self, age: NDArray[np.int16], month: int) -> NDArray[np.int16]:
        """Month in which a member of each household (ages ``age``, months) reaches an edge."""
        wait = np.take(self._wait, age[:, 0] + 1, mode="clip")
        for slot in range(1, age.shape[1]):
            np.minimum(wait, np.take(self._wait, age[:, slot] + 1, mode="clip"), out=wait)
        out: NDArray[np.int16] = np.minimum(wait + month, NEVER).astype(np.int16)
        return out
