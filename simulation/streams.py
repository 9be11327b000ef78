"""Keyed random streams: common random numbers across scenarios.

Every stochastic decision draws from its own generator, keyed by (replicate, decision, month)
and derived from one recorded root seed with :class:`numpy.random.SeedSequence`. A key never
depends on run order or on which other decisions a scenario makes, so replicate ``r`` of any two
scenarios sees the same shocks. Draws are full-population vectors indexed by household; a
vector compared with small hazards only is made lazily (:class:`LazyUniforms`).
"""

from __future__ import annotations

import math
import zlib
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["DECISIONS", "LazyUniforms", "Streams"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # SplitMix64 constants (Steele, Lea and Flood 2014)
_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)

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
    "self_declare",
    "lottery",
    "reassess",
    "trial",
    "formation",
    "verification",
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

    def generator(
        self, decision: str, month: int | None = None, part: int = 0
    ) -> np.random.Generator:
        """Return the generator of ``decision`` in ``month`` (``None``: once per run).

        Parameters
        ----------
        decision : str
            One of :data:`DECISIONS`.
        month : int, optional
            Month index: 0 is the first recorded month, negative months are the burn-in.
        part : int
            A second independent stream of the same decision and month (``1``), for draws made
            in two parts (:class:`LazyUniforms`); ``0`` is the decision's own stream.

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
        if part:
            key += (part,)
        seq = np.random.SeedSequence(entropy=self.seed, spawn_key=key)
        return np.random.Generator(np.random.PCG64(seq))

    def keyed_uniforms(self, decision: str, *keys: NDArray[np.integer[Any]]) -> NDArray[np.float64]:
        """U(0, 1) draws that are a fixed function of integer ``keys`` (a counter-based stream).

        For a decision about an identity rather than a month (a member's PKH record): the same
        keys always give the same draw, in any month, order or scenario, with no state kept.
        Each key is mixed in turn into the decision's seed by the SplitMix64 finaliser; the top
        53 bits of the result make the draw.

        Parameters
        ----------
        decision : str
            One of :data:`DECISIONS`.
        *keys : ndarray of int
            Integer arrays of one shape (broadcast), e.g. household row, member birth month.
        """
        seq = np.random.SeedSequence(
            entropy=self.seed, spawn_key=(self.replicate, _decision_key(decision))
        )
        shape = np.broadcast_shapes(*(np.shape(k) for k in keys))
        h = np.asarray(seq.generate_state(1, np.uint64)[0])
        for key in keys:  # broadcast as they come: a (rows, 1) key is mixed once a row
            h = _splitmix(np.bitwise_xor(h, np.asarray(key).astype(np.int64).view(np.uint64)))
        out = (np.asarray(h) >> np.uint64(11)).astype(np.float64) * 2.0**-53
        return np.broadcast_to(out, shape).copy() if out.shape != shape else out


def _splitmix(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """Apply the SplitMix64 step: a bijective, well-mixing map of 64-bit integers (mod 2^64)."""
    with np.errstate(over="ignore"):  # wrapping is the point (numpy warns only on scalars)
        z = np.add(x, _GOLDEN, dtype=np.uint64)
        z = (z ^ (z >> np.uint64(30))) * _MIX1
        z = (z ^ (z >> np.uint64(27))) * _MIX2
        return np.asarray(z ^ (z >> np.uint64(31)))


class LazyUniforms:
    """One U(0, 1) draw per household, of which only those below ``cut`` are made up front.

    A decision that compares each household's draw with a small hazard needs only the few draws
    below it. The households whose draw is below ``cut`` are the successes of ``n`` Bernoulli
    (``cut``) trials, found from geometric gaps between them, and their draws are ``cut * V``;
    the draws of the others, ``cut + (1 - cut) * W``, come from the second stream only when a
    threshold above ``cut``, or the whole vector, is asked for. Together they are independent
    U(0, 1) draws, one per household, the same in every scenario whatever thresholds it uses
    (common random numbers), as long as ``cut`` is fixed by the code, not by a scenario.

    Parameters
    ----------
    low, high : numpy.random.Generator
        The streams of the draws below ``cut`` and of the others.
    n : int
        Number of households.
    cut : float
        Draws below it are made up front, in (0, 1).
    """

    def __init__(
        self, low: np.random.Generator, high: np.random.Generator, n: int, cut: float
    ) -> None:
        if not 0.0 < cut < 1.0:
            raise ValueError(f"cut must be in (0, 1), got {cut}")
        self.n, self.cut, self._high = n, cut, high
        self.rows = _successes(low, n, cut)
        self.values: NDArray[np.float64] = low.random(self.rows.size)
        self.values *= cut
        self._dense: NDArray[np.float64] | None = None

    def below(self, p: float) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
        """Households whose draw is below ``p``, in order, and their draws."""
        if p <= self.cut:
            keep = self.values < p
            return self.rows[keep], self.values[keep]
        dense = self.dense()
        rows = np.flatnonzero(dense < p)
        return rows, dense[rows]

    def hit(self, rows: NDArray[np.intp], p: float) -> NDArray[np.bool_]:
        """Whether the draws of households ``rows`` are below ``p``."""
        if p <= self.cut:
            below = self.rows[self.values < p]  # sorted
            at = np.minimum(np.searchsorted(below, rows), max(below.size - 1, 0))
            out: NDArray[np.bool_] = (below[at] == rows) if below.size else rows < 0
            return out
        out = self.dense()[rows] < p
        return out

    def dense(self) -> NDArray[np.float64]:
        """Return the whole vector (made once, then kept; read-only)."""
        if self._dense is None:
            dense = self._high.random(self.n)
            dense *= 1.0 - self.cut
            dense += self.cut
            np.minimum(dense, np.nextafter(1.0, 0.0), out=dense)  # rounding never reaches 1
            dense[self.rows] = self.values
            dense.flags.writeable = False
            self._dense = dense
        return self._dense

    def __getitem__(self, index: int) -> float:
        """Return the draw of household ``index``."""
        return float(self.dense()[index])

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> NDArray[Any]:
        """Return the whole vector, for numpy functions (a copy when ``copy`` is true)."""
        if copy:
            return np.array(self.dense(), dtype=dtype, copy=True)
        return np.asarray(self.dense(), dtype=dtype)


def _successes(gen: np.random.Generator, n: int, p: float) -> NDArray[np.intp]:
    """Positions (sorted) of the successes among ``n`` Bernoulli(``p``) trials."""
    expected = n * p
    chunk = int(expected + 6.0 * math.sqrt(expected) + 16)  # one chunk almost always suffices
    pos = np.cumsum(gen.geometric(p, chunk)) - 1
    parts = [pos]
    while pos[-1] < n:
        pos = np.cumsum(gen.geometric(p, chunk)) + pos[-1]
        parts.append(pos)
    out = np.concatenate(parts) if len(parts) > 1 else parts[0]
    return out[: np.searchsorted(out, n)].astype(np.intp)
