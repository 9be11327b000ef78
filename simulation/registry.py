"""The social registry (DTSEN) and agencies' own lists: observed proxy scores and deciles.

At each refresh, a list records a proxy score ``s_i = ln(c_i) + sigma * e_i`` for every
household (``c`` consumption per capita, ``e`` standard normal from the ``registry`` stream) and
ranks households into person-weighted deciles (1 = poorest). Between refreshes the list is
stale. The shared registry is refreshed more often and measured better than agencies' own lists.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from simulation.metrics import order_nonnegative, weighted_deciles
from simulation.policy import RegistryRules

__all__ = ["Registry", "weighted_deciles"]


class Registry:
    """Two lists, ``shared`` and ``own``, each with scores, deciles and its last refresh month."""

    def __init__(self, n: int, rules: RegistryRules) -> None:
        self.rules = rules
        self.score = {k: np.zeros(n, dtype=np.float32) for k in ("shared", "own")}
        self.decile = {k: np.full(n, 10, dtype=np.int8) for k in ("shared", "own")}
        self.refreshed = {"shared": -(10**6), "own": -(10**6)}

    def due(self, which: str, month: int) -> bool:
        """Whether list ``which`` is refreshed in ``month`` (both are built in month 0)."""
        every = self.rules.refresh_months if which == "shared" else self.rules.own_refresh_months
        return month % every == 0

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
        order = order_nonnegative(score - score.min())  # the same order, a faster sort
        self.decile[which] = weighted_deciles(score, persons, order)
        self.score[which] = score.astype(np.float32)  # ranks need no more (saves memory)
        self.refreshed[which] = month
