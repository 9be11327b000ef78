"""The social registry (DTSEN) and agencies' own lists: observed proxy scores and deciles.

At each refresh, a list records a proxy score ``s_i = ln(c_i) + sigma * e_i`` for every
household (``c`` consumption per capita, ``e`` standard normal from the ``registry`` stream) and
ranks households into person-weighted deciles (1 = poorest). Between refreshes the list is
stale, except for households re-assessed one by one (a follow-up visit): they get a new score,
placed in the deciles of the last refresh. The shared registry is refreshed more often and
measured better than agencies' own lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from simulation.metrics import order_nonnegative, weighted_deciles

if TYPE_CHECKING:
    from simulation.policy.schema import RegistryRules

__all__ = ["NEVER_SEEN", "Registry", "first_in_order", "first_served", "weighted_deciles"]

#: ``Registry.seen`` of a household the list has never looked at
NEVER_SEEN = -(2**15)
_NEVER_BUILT = -(10**6)  #: ``Registry.refreshed`` of a list never built


class Registry:
    """Two lists, ``shared`` and ``own``, each with scores, deciles and its last refresh month."""

    def __init__(self, n: int, rules: RegistryRules) -> None:
        self.rules = rules
        self.score = {k: np.zeros(n, dtype=np.float32) for k in ("shared", "own")}
        self.decile = {k: np.full(n, 10, dtype=np.int8) for k in ("shared", "own")}
        self.refreshed = {"shared": _NEVER_BUILT, "own": _NEVER_BUILT}
        #: households by (score, index): the order in which programmes serve them
        self.order = {k: np.arange(n, dtype=np.int32) for k in ("shared", "own")}
        #: month the list last looked at each household (refresh or re-assessment)
        self.seen = {k: np.full(n, NEVER_SEEN, dtype=np.int16) for k in ("shared", "own")}
        #: households re-assessed since the last refresh (their place in ``order`` is stale)
        self.moved: dict[str, NDArray[np.intp]] = {
            k: np.zeros(0, np.intp) for k in ("shared", "own")
        }
        self._cuts = {k: np.zeros(9, dtype=np.float32) for k in ("shared", "own")}
        self._within: dict[tuple[str, int], NDArray[np.bool_]] = {}

    def within(self, which: str, max_decile: int) -> NDArray[np.bool_]:
        """Households of list ``which`` in deciles up to ``max_decile`` (kept per refresh)."""
        key = (which, max_decile)
        if key not in self._within:
            self._within[key] = self.decile[which] <= max_decile
        return self._within[key]

    def due(self, which: str, month: int) -> bool:
        """Whether list ``which`` is refreshed in ``month``.

        Every ``refresh_months`` from month 0, or now if it was never built (in the first month
        an agency uses it).
        """
        every = self.rules.refresh_months if which == "shared" else self.rules.own_refresh_months
        return month % every == 0 or self.refreshed[which] == _NEVER_BUILT

    def refresh(
        self,
        which: str,
        month: int,
        consumption_pc: NDArray[np.float64],
        persons: NDArray[np.float64],
        noise: NDArray[np.float64],
    ) -> None:
        """Record new proxy scores and deciles on list ``which`` from standard-normal ``noise``."""
        sigma = self.rules.noise if which == "shared" else self.rules.own_noise
        score = np.log(np.maximum(consumption_pc, 1.0)) + sigma * noise
        order = order_nonnegative(score - np.min(score))  # the same order, a faster sort
        self.decile[which] = weighted_deciles(score, persons, order)
        self.score[which] = score.astype(np.float32)  # ranks need no more (saves memory)
        n = score.shape[0]
        everyone = np.arange(n)
        first = first_served(everyone, self.score[which], n)
        self.order[which] = first.astype(np.int32)
        self.refreshed[which] = month
        self.seen[which][:] = month
        self.moved[which] = np.zeros(0, dtype=np.intp)
        # the highest score of deciles 1..9: a re-assessed score is placed among them
        top = np.full(10, -np.inf, dtype=np.float32)
        np.maximum.at(top, self.decile[which] - 1, self.score[which])
        self._cuts[which] = np.maximum.accumulate(top)[:9]
        self._within = {k: v for k, v in self._within.items() if k[0] != which}

    def forget(self, rows: NDArray[np.intp]) -> None:
        """Take households ``rows`` off both lists until the next refresh (new households)."""
        for which in ("shared", "own"):
            self.decile[which][rows] = 10
            self.seen[which][rows] = NEVER_SEEN
        self._within = {}

    def reassess(
        self,
        which: str,
        idx: NDArray[np.intp],
        month: int,
        consumption_pc: NDArray[np.float64],
        noise: NDArray[np.float64],
    ) -> None:
        """Re-assess households ``idx`` on list ``which`` now (``noise``: one normal each).

        They get a new proxy score, and the decile in which it falls among the last refresh's
        deciles; the rest of the list is unchanged.
        """
        if idx.size == 0:
            return
        sigma = self.rules.noise if which == "shared" else self.rules.own_noise
        score = (np.log(np.maximum(consumption_pc[idx], 1.0)) + sigma * noise).astype(np.float32)
        self.score[which][idx] = score
        decile = (np.searchsorted(self._cuts[which], score, side="left") + 1).astype(np.int8)
        self.decile[which][idx] = decile
        self.seen[which][idx] = month
        self.moved[which] = np.union1d(self.moved[which], idx)
        for (lst, top), mask in self._within.items():
            if lst == which:
                mask[idx] = decile <= top


def first_served(idx: NDArray[np.intp], score: NDArray[np.float32], k: int) -> NDArray[np.intp]:
    """Return the ``k`` households of ``idx`` served first: by ``score``, ties by index.

    The order of ``np.lexsort((idx, score))``. Both keys are packed into one unsigned 64-bit
    word (the score's bits made order-preserving, then 32 bits of index) so that one vectorised
    integer sort or partition does the work.
    """
    if idx.size and int(np.max(idx)) >= 2**32:
        raise ValueError("first_served packs household indices in 32 bits")
    bits = (score + np.float32(0.0)).view(np.uint32)  # -0.0 becomes +0.0
    negative = bits >= np.uint32(2**31)
    bits = np.where(negative, ~bits, bits | np.uint32(2**31))  # float order as unsigned order
    keys = bits.astype(np.uint64) << np.uint64(32)
    keys |= idx.astype(np.uint64)
    if k < keys.size // 2:
        keys = np.partition(keys, k - 1)[:k]
    keys.sort()
    first: NDArray[np.intp] = (keys[:k] & np.uint64(2**32 - 1)).astype(np.intp)
    return first


def first_in_order(
    order: NDArray[np.integer[Any]], ok: NDArray[np.bool_], k: int
) -> NDArray[np.intp]:
    """Return the first ``k`` households of ``order`` with ``ok`` (fewer if there are fewer).

    Reads ``order`` in growing chunks, so finding a few households near the start of a long
    order costs little.
    """
    found: list[NDArray[np.intp]] = []
    start, chunk, need = 0, max(4 * k, 4096), k
    while need > 0 and start < order.size:
        seg = order[start : start + chunk]
        hit = seg[ok[seg]][:need].astype(np.intp)
        found.append(hit)
        need -= hit.size
        start += chunk
        chunk *= 2
    return np.concatenate(found) if found else np.zeros(0, dtype=np.intp)
