"""Graduation and relapse: the state machine of every household with respect to bansos.

States and the only legal transitions::

    NEVER ----> ENROLLED ----> GRADUATED ----> SUSTAINED ----> ENROLLED (a new spell)
                   ^               |
                   |               v
                   +---------- RELAPSED

A household is ENROLLED while it receives bansos (a programme of a bansos kind: PKH, Sembako).
The routes by which it graduates are rules of :class:`~simulation.policy.runtime.PolicyRuntime`
(section 13 of the model document); this module keeps the states, the graduation spells and
the month's counts. A graduation opens a spell; the spell ends when the graduate relapses
(re-enrolled in bansos, or below the relapse line at a follow-up, as
``GraduationRules.relapse_definition`` says) or sustains (no relapse by the last follow-up).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "ALLOWED", "END_REASONS", "GRADUATION_TYPES", "STATES", "GraduationTracker", "Spells",
    "passes_in_a_row",
]  # fmt: skip

STATES = ("never", "enrolled", "graduated", "sustained", "relapsed")
NEVER, ENROLLED, GRADUATED, SUSTAINED, RELAPSED = range(5)
#: routes, as Kemensos counts them: natural (no eligible PKH member left), prosperous and
#: independent (sejahtera mandiri) by the registry or self-declared, and after empowerment
GRADUATION_TYPES = ("natural", "registry", "self_declared", "empowerment")
NATURAL, REGISTRY, SELF_DECLARED, EMPOWERMENT = range(4)
#: how a spell ended
END_REASONS = ("open", "sustained", "relapsed_poor", "relapsed_reenrolled")
OPEN, ENDED_SUSTAINED, ENDED_POOR, ENDED_REENROLLED = range(4)

#: ``referred_due`` of a household never considered for referral, and of one considered and
#: not referred (a near-graduate is considered once; a graduation refers anew)
NOT_CONSIDERED, PASSED_OVER = -1, -2

#: ALLOWED[old, new] is True for a legal transition.
ALLOWED = np.zeros((5, 5), dtype=bool)
for _old, _new in ((NEVER, ENROLLED), (ENROLLED, GRADUATED), (GRADUATED, SUSTAINED),
                   (GRADUATED, RELAPSED), (RELAPSED, ENROLLED), (SUSTAINED, ENROLLED)):  # fmt: skip
    ALLOWED[_old, _new] = True


#: per-household columns of :class:`GraduationTracker` and a new household's value in each
_FRESH = {"status": NEVER, "grad_type": -1, "grad_month": -1, "relapse_month": -1,
          "welfare_streak": 0, "empower_streak": 0, "had_package": False,
          "package_success": False, "referred_due": NOT_CONSIDERED, "spell": -1}  # fmt: skip


STILL_OPEN = -(2**15)  #: ``Spells.end`` of an open spell


class Spells:
    """Graduation spells in arrays grown by doubling (months fit in int16).

    Each spell has its start month, route, end month (:data:`STILL_OPEN` while open; months
    before the record, of a policy history, are negative), end reason
    (:data:`END_REASONS`) and the first month after graduating in which the graduate was below
    the relapse line (-1: none seen while the spell was open).
    """

    def __init__(self) -> None:
        self.n = 0
        self.start = np.zeros(0, dtype=np.int16)
        self.route = np.zeros(0, dtype=np.int8)
        self.end = np.zeros(0, dtype=np.int16)
        self.reason = np.zeros(0, dtype=np.int8)
        self.first_bad = np.zeros(0, dtype=np.int16)

    _COLUMNS = ("start", "route", "end", "reason", "first_bad")

    def open(self, count: int, month: int, route: int) -> NDArray[np.int32]:
        """Open ``count`` spells by ``route`` starting in ``month``; return their indices."""
        first, last = self.n, self.n + count
        if last > self.start.size:  # grow by doubling
            size = max(2 * self.start.size, last, 1024)
            for name in self._COLUMNS:
                old = getattr(self, name)
                grown = np.zeros(size, dtype=old.dtype)
                grown[:first] = old[:first]
                setattr(self, name, grown)
        self.start[first:last] = month
        self.route[first:last] = route
        self.end[first:last] = STILL_OPEN
        self.reason[first:last] = OPEN
        self.first_bad[first:last] = -1
        self.n = last
        return np.arange(first, last, dtype=np.int32)

    def close(self, spells: NDArray[np.int32], month: int, reason: int) -> None:
        """End ``spells`` in ``month`` for ``reason``."""
        self.end[spells] = month
        self.reason[spells] = reason

    def table(self, end_month: int) -> dict[str, NDArray[np.int64]]:
        """Return every spell's columns as int64 arrays.

        ``start``, ``route``, ``duration`` (open spells censored at ``end_month``), ``reason``
        and ``first_bad`` (months after graduating of the first month below the relapse line;
        -1: none).
        """
        n = self.n
        start = self.start[:n].astype(np.int64)
        end = self.end[:n].astype(np.int64)
        end = np.where(end == STILL_OPEN, end_month, end)
        return {
            "start": start,
            "route": self.route[:n].astype(np.int64),
            "duration": end - start,
            "reason": self.reason[:n].astype(np.int64),
            "first_bad": self.first_bad[:n].astype(np.int64),
        }


class GraduationTracker:
    """Per-household graduation state, the graduation spells, and this month's counts."""

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
        self.referred_due = np.full(n, -1, dtype=np.int16)
        self.any_referred = False  # whether anyone was ever referred (saves a mask a month)
        self.spell = np.full(n, -1, dtype=np.int32)  # index of the current graduation spell
        self.spells = Spells()
        self.new = dict.fromkeys(GRADUATION_TYPES, 0)
        self.relapses = self.reenrolments = self.sustained = 0

    def forget(self, rows: NDArray[np.intp], month: int) -> None:
        """Forget households ``rows`` (they left the sample); their open spells end censored.

        A censored spell keeps the reason ``open`` with its end month: neither sustained nor
        relapsed.
        """
        spells = self.spell[rows]
        spells = spells[spells >= 0]
        spells = spells[self.spells.end[spells] == STILL_OPEN]
        self.spells.end[spells] = month
        for name, value in _FRESH.items():
            getattr(self, name)[rows] = value

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

    def enrol(self, idx: NDArray[np.intp], month: int) -> None:
        """Households ``idx`` started receiving bansos in ``month``.

        A graduate whose spell is open relapses first (re-enrolled in bansos); households
        already enrolled are left as they are.
        """
        graduates = idx[self.status[idx] == GRADUATED]
        if graduates.size:
            self._relapse(graduates, month, ENDED_REENROLLED)
            self.reenrolments += int(graduates.size)
        fresh = idx[self.status[idx] != ENROLLED]
        self.move(fresh, ENROLLED)
        self.welfare_streak[fresh] = 0
        self.empower_streak[fresh] = 0

    def graduate(
        self, idx: NDArray[np.intp], route: int, month: int, *, count: bool = True
    ) -> None:
        """Graduate households ``idx`` by ``route`` (an index of GRADUATION_TYPES).

        ``count=False`` when the caller has counted them already (natural exits from PKH).
        """
        if idx.size == 0:
            return
        self.move(idx, GRADUATED)
        self.grad_type[idx] = route
        self.grad_month[idx] = month
        if count:
            self.new[GRADUATION_TYPES[route]] += int(idx.size)
        self.spell[idx] = self.spells.open(idx.size, month, route)

    def update_graduates(
        self, month: int, bad: NDArray[np.bool_], definition: str, followups: tuple[int, ...]
    ) -> None:
        """Relapse or sustain graduates in ``month`` from last month's state.

        Parameters
        ----------
        bad : ndarray of bool
            Households below the relapse line last month.
        definition : str
            ``"followup"``: a graduate below the line at a follow-up (``followups`` months after
            graduating) relapses; ``"any_month"``: below the line in any month; ``"reenrolment"``:
            only re-enrolment in bansos is a relapse (handled by :meth:`enrol`).
        followups : tuple of int
            Months after graduating of the follow-up assessments; the last one ends the spell
            (sustained if the graduate has not relapsed).
        """
        grads = np.flatnonzero(self.status == GRADUATED)
        since = month - self.grad_month[grads].astype(np.int32)
        below = bad[grads]
        spells = self.spell[grads]
        unseen = below & (self.spells.first_bad[spells] < 0)
        self.spells.first_bad[spells[unseen]] = since[unseen]
        if definition == "any_month":
            relapse = below
        elif definition == "followup":
            relapse = below & np.isin(since, followups)
        else:  # "reenrolment"
            relapse = np.zeros(grads.size, dtype=bool)
        self._relapse(grads[relapse], month, ENDED_POOR)
        done = grads[~relapse & (since >= followups[-1])]
        self.move(done, SUSTAINED)
        self.spells.close(self.spell[done], month, ENDED_SUSTAINED)
        self.spell[done] = -1
        self.sustained += int(done.size)

    def _relapse(self, idx: NDArray[np.intp], month: int, reason: int) -> None:
        self.move(idx, RELAPSED)
        self.relapse_month[idx] = month
        self.spells.close(self.spell[idx], month, reason)
        self.spell[idx] = -1
        self.relapses += int(idx.size)

    def reset_counts(self) -> None:
        """Zero this month's counts."""
        self.new = dict.fromkeys(GRADUATION_TYPES, 0)
        self.relapses = self.reenrolments = self.sustained = 0


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
