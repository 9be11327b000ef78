"""Graduation and relapse: the state machine of every household with respect to bansos.

States and the only legal transitions::

    NEVER ----> ENROLLED ----> GRADUATED ----> SUSTAINED ----> ENROLLED (a new spell)
                   ^               |
                   |               v
                   +---------- RELAPSED

A household is ENROLLED while it receives bansos (a programme of kind ``pkh`` or ``cash``).
It graduates, and leaves all bansos, by one of three routes, checked in this order:

- empowerment: after a graduation package, income at least the regional minimum wage for
  ``empowerment_months`` months in a row (checked monthly);
- welfare: the welfare test (registry decile above ``threshold_decile``, or consumption above
  ``poverty_multiple`` lines, or income above the minimum wage) holds at ``consecutive``
  assessments in a row (every ``assessment_months``);
- natural: at an assessment a PKH family has no eligible member left and no other bansos.

A graduate RELAPSES if it is poor, or back in decile <= ``threshold_decile`` of the true
consumption distribution (not the registry, so that relapse measures welfare, not list quality),
within ``sustain_months``; it SUSTAINS if it reaches ``sustain_months`` without. A relapsed
family may be re-enrolled: at once if monitored (fast re-entry), else after the registry is
next refreshed.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["ALLOWED", "GRADUATION_TYPES", "STATES", "GraduationTracker", "passes_in_a_row"]

STATES = ("never", "enrolled", "graduated", "sustained", "relapsed")
NEVER, ENROLLED, GRADUATED, SUSTAINED, RELAPSED = range(5)
GRADUATION_TYPES = ("natural", "welfare", "empowerment")
NATURAL, WELFARE, EMPOWERMENT = range(3)

#: ALLOWED[old, new] is True for a legal transition.
ALLOWED = np.zeros((5, 5), dtype=bool)
for _old, _new in ((NEVER, ENROLLED), (ENROLLED, GRADUATED), (GRADUATED, SUSTAINED),
                   (GRADUATED, RELAPSED), (RELAPSED, ENROLLED), (SUSTAINED, ENROLLED)):  # fmt: skip
    ALLOWED[_old, _new] = True


class GraduationTracker:
    """Per-household graduation state, spells for relapse curves, and this month's counts."""

    def __init__(self, n: int) -> None:
        self.status = np.zeros(n, dtype=np.int8)
        self.grad_type = np.full(n, -1, dtype=np.int8)
        # months fit in int16 (runs are at most 600 months); narrow types save memory
        self.grad_month = np.full(n, -1, dtype=np.int16)
        self.relapse_month = np.full(n, -1, dtype=np.int16)
        self.welfare_streak = np.zeros(n, dtype=np.int16)
        self.empower_streak = np.zeros(n, dtype=np.int16)
        self.had_package = np.zeros(n, dtype=bool)
        self.package_success = np.zeros(n, dtype=bool)
        self.monitored_until = np.full(n, -1, dtype=np.int16)
        self.referred_due = np.full(n, -1, dtype=np.int16)
        self.spell = np.full(n, -1, dtype=np.int32)  # index of the current graduation spell
        # the graduation spells, in arrays grown by doubling: the month each started, the month
        # it ended (relapse or sustain; -1 while open) and whether it ended in relapse
        self.n_spells = 0
        self._start = np.zeros(0, dtype=np.int16)
        self._end = np.zeros(0, dtype=np.int16)
        self._relapsed = np.zeros(0, dtype=bool)
        self.new = dict.fromkeys(GRADUATION_TYPES, 0)
        self.relapses = self.sustained = self.natural_pkh_exits = 0

    def move(self, idx: NDArray[np.intp], new: int) -> None:
        """Move households ``idx`` to state ``new``; raise on an illegal transition."""
        old = self.status[idx]
        bad = ~ALLOWED[old, new]
        if bad.any():
            i = int(idx[np.argmax(bad)])
            raise RuntimeError(
                f"illegal graduation transition of household {i}: "
                f"{STATES[self.status[i]]} -> {STATES[new]}"
            )
        self.status[idx] = new

    def enrol(self, idx: NDArray[np.intp]) -> None:
        """Households ``idx`` started receiving bansos (no-op for those already enrolled)."""
        fresh = idx[self.status[idx] != ENROLLED]
        self.move(fresh, ENROLLED)
        self.welfare_streak[fresh] = 0
        self.empower_streak[fresh] = 0

    def graduate(self, idx: NDArray[np.intp], kind: int, month: int) -> None:
        """Graduate households ``idx`` by route ``kind`` (an index of GRADUATION_TYPES)."""
        if idx.size == 0:
            return
        self.move(idx, GRADUATED)
        self.grad_type[idx] = kind
        self.grad_month[idx] = month
        self.new[GRADUATION_TYPES[kind]] += int(idx.size)
        self.spell[idx] = self._open_spells(idx.size, month)

    def update_graduates(
        self, month: int, poor: NDArray[np.bool_], low: NDArray[np.bool_], sustain: int
    ) -> None:
        """Relapse or sustain graduates, from last month's poverty and the registry decile."""
        grads = np.flatnonzero(self.status == GRADUATED)
        relapse = grads[poor[grads] | low[grads]]
        self.move(relapse, RELAPSED)
        self.relapse_month[relapse] = month
        self._close_spells(relapse, month, relapsed=True)
        rest = grads[~(poor[grads] | low[grads])]
        done = rest[month - self.grad_month[rest] >= sustain]
        self.move(done, SUSTAINED)
        self._close_spells(done, month, relapsed=False)
        self.relapses, self.sustained = int(relapse.size), int(done.size)

    def _open_spells(self, count: int, month: int) -> NDArray[np.int32]:
        """Open ``count`` spells starting in ``month``; return their indices."""
        first, last = self.n_spells, self.n_spells + count
        if last > self._start.size:  # grow by doubling
            size = max(2 * self._start.size, last, 1024)
            self._start, self._end, self._relapsed = (
                np.concatenate((a[:first], np.zeros(size - first, dtype=a.dtype)))
                for a in (self._start, self._end, self._relapsed)
            )
        self._start[first:last] = month
        self._end[first:last] = -1
        self._relapsed[first:last] = False
        self.n_spells = last
        return np.arange(first, last, dtype=np.int32)

    def _close_spells(self, idx: NDArray[np.intp], month: int, *, relapsed: bool) -> None:
        spells = self.spell[idx]
        self._end[spells] = month
        self._relapsed[spells] = relapsed
        self.spell[idx] = -1

    @property
    def spell_start(self) -> list[int]:
        """Month each graduation spell started."""
        return self._start[: self.n_spells].tolist()  # type: ignore[no-any-return]

    @property
    def spell_end(self) -> list[int]:
        """Month each graduation spell ended (relapse or sustain); -1 while open."""
        return self._end[: self.n_spells].tolist()  # type: ignore[no-any-return]

    @property
    def spell_relapsed(self) -> list[bool]:
        """Whether each graduation spell ended in relapse."""
        return self._relapsed[: self.n_spells].tolist()  # type: ignore[no-any-return]

    def reset_counts(self) -> None:
        """Zero this month's counts."""
        self.new = dict.fromkeys(GRADUATION_TYPES, 0)
        self.relapses = self.sustained = self.natural_pkh_exits = 0

    def spells(
        self, end_month: int
    ) -> tuple[NDArray[np.int64], NDArray[np.bool_], NDArray[np.int64]]:
        """Graduation spells: (duration in months, relapsed, start month); open ones censored."""
        n = self.n_spells
        start = self._start[:n].astype(np.int64)
        end = self._end[:n].astype(np.int64)
        end = np.where(end < 0, end_month, end)
        return end - start, self._relapsed[:n].copy(), start


def passes_in_a_row(
    streak: NDArray[np.int16], passing: NDArray[np.bool_], needed: int
) -> NDArray[np.bool_]:
    """Count a test passed once more in ``streak`` (reset where it fails); True at ``needed``.

    ``streak`` is updated in place.
    """
    streak += 1
    streak *= passing  # reset to 0 unless passing
    out: NDArray[np.bool_] = streak >= needed
    return out
