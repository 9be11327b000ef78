"""Keyed random streams: common random numbers across scenarios.

Every stochastic decision draws from its own generator, keyed by (replicate, decision, month)
and derived from one recorded root seed with :class:`numpy.random.SeedSequence`. A key never
depends on run order or on which other decisions a scenario makes, so replicate ``r`` of any two
scenarios sees the same shocks. Draws are full-population vectors indexed by household.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["DECISIONS", "Streams"]

#: The decisions that draw random numbers, each with its own stream.
DECISIONS = (
    "population",
    "mesa",
    "employment",
    "persistent",
    "transitory",
    "health",
    "disaster",
    "food_price",
    "conception",
    "mortality",
    "leave_home",
    "newborn",
    "registry",
    "package",
    "referral",
    "network",
)


_MONTH_OFFSET = 10_000  # spawn keys are non-negative; burn-in months are negative


def _decision_key(decision: str) -> int:
    """Return a stable 32-bit key for a decision name (CRC-32, not Python's salted hash)."""
    if decision not in DECISIONS:
        raise KeyError(f"unknown random decision {decision!r}; known: {', '.join(DECISIONS)}")
    return zlib.crc32(decision.encode("utf-8"))


class Streams:
    """Factory of independent generators for one replicate.

    Parameters
    ----------
    seed : int
        Root seed of the sweep (recorded in every result).
    replicate : int
        Replicate index; replicate ``r`` has the same draws in every scenario.
    """

    def __init__(self, seed: int, replicate: int) -> None:
        if seed < 0 or replicate < 0:
            raise ValueError(f"seed and replicate must be >= 0, got {seed}, {replicate}")
        self.seed = int(seed)
        self.replicate = int(replicate)

    def generator(self, decision: str, month: int | None = None) -> np.random.Generator:
        """Return the generator of ``decision`` in ``month`` (``None``: once per run).

        Parameters
        ----------
        decision : str
            One of :data:`DECISIONS`.
        month : int, optional
            Month index: 0 is the first recorded month, negative months are the burn-in.

        Returns
        -------
        numpy.random.Generator
            A fresh PCG64 generator; the same key always gives the same stream.
        """
        if month is None:
            key: tuple[int, ...] = (self.replicate, _decision_key(decision))
        else:
            if month < -_MONTH_OFFSET:
                raise ValueError(f"month must be >= {-_MONTH_OFFSET}, got {month}")
            key = (self.replicate, _decision_key(decision), month + _MONTH_OFFSET)
        seq = np.random.SeedSequence(entropy=self.seed, spawn_key=key)
        return np.random.Generator(np.random.PCG64(seq))
