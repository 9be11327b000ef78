"""Pure outcome functions over weighted observations (no model state, no side effects).

Weights are persons (household size times the household weight) unless stated, so every
measure is a statement about people at national scale.

Weighted sums are ``(a * b).sum()`` (numpy's pairwise summation), never ``np.dot``: BLAS splits
a long dot product among its threads, so its last bit would depend on the thread count. Results
are the same on any number of threads.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from numpy.typing import NDArray

from simulation.arrays import constant

__all__ = [
    "decile_means",
    "deciles_and_gini",
    "fgt",
    "gini",
    "hazen_quantiles",
    "kaplan_meier",
    "order_nonnegative",
    "weighted_deciles",
    "weighted_quantiles",
]

F8 = NDArray[np.float64]


def order_nonnegative(x: F8) -> NDArray[np.intp]:
    """Sorting permutation of non-negative ``x``, ties broken by index; fast for large arrays.

    Non-negative IEEE doubles order like their bit patterns read as unsigned integers. The low
    ``b`` bits of each pattern (``2**b >= len(x)``, at least 20) are replaced by the element's
    index and the keys are sorted with numpy's vectorised integer sort, which is several times
    faster than a stable ``argsort``. Values closer than a relative ``2**(b - 52)`` (below 1e-7)
    may be ordered by index instead of value.
    """
    n = x.shape[0]
    low = (np.uint64(1) << np.uint64(max(20, int(n - 1).bit_length()))) - np.uint64(1)
    keys = np.add(x, 0.0, dtype=np.float64).view(np.uint64)  # a copy; -0.0 becomes +0.0
    keys &= ~low
    keys |= _indices(n)
    keys.sort()
    if n and keys[-1] >> np.uint64(63):  # a negative value has its sign bit set: sorted last
        raise ValueError("order_nonnegative needs non-negative values")
    keys &= low
    order: NDArray[np.intp] = keys.view(np.intp)  # indices < 2**63 read the same as intp
    return order


@functools.lru_cache(maxsize=4)
def _indices(n: int) -> NDArray[np.uint64]:
    """Read-only ``arange(n)`` as uint64 (kept: the sort keys need it every month)."""
    out = np.arange(n, dtype=np.uint64)
    out.flags.writeable = False
    return out


def weighted_deciles(
    score: F8, weight: F8, order: NDArray[np.intp] | None = None
) -> NDArray[np.int8]:
    """Decile (1..10) of each observation in the weighted distribution of ``score``."""
    if order is None:
        order = np.argsort(score, kind="stable")
    out = np.empty(score.shape[0], dtype=np.int8)
    out[order] = np.minimum((_ranks(weight, order) * 10).astype(np.int8), 9) + 1
    return out


def deciles_and_gini(
    x: F8, w: NDArray[np.number[Any]], order: NDArray[np.intp]
) -> tuple[NDArray[np.int8], float]:
    """Weighted deciles of ``x`` and its Gini, sharing the midpoint ranks of the sorted data.

    ``w`` may be small integers such as household sizes: their running total is then kept
    exactly in integers, which is also the fastest. Neither result depends on the weights'
    scale. The ranks are put back in the data's order, where the deciles and the Gini's sum are
    taken without gathering ``x``.

    Equal to ``(weighted_deciles(x, w, order), gini(x, w, order))`` (up to rounding): with
    midpoint ranks ``F_i`` (the deciles' ranks), the Lorenz-curve area of :func:`gini` equals
    ``sum_i w_i x_i (2 F_i - 1) / sum_i w_i x_i``.
    """
    ws = np.take(w, order)
    if np.issubdtype(ws.dtype, np.integer) and ws.size * max(int(ws.max(initial=0)), 1) < 2**30:
        twice = np.cumsum(ws, dtype=np.int32)  # exact running totals, and twice the midpoints
        mass = float(twice[-1])
        twice *= 2
        twice -= ws
        ranks = twice.astype(np.float64)
        ranks /= 2 * mass  # the same quotient as (total - w / 2) / mass: both are exact
    else:
        ranks = np.cumsum(ws, dtype=np.float64)
        mass = ranks[-1]
        ranks -= ws * 0.5
        ranks /= mass
    rank = np.empty_like(ranks)
    rank[order] = ranks  # back in the data's order: no gather of x needed
    rank *= 10
    decile = rank.astype(np.int8)
    np.minimum(decile, constant(decile.size, 9, np.int8), out=decile)
    decile += 1
    wx = np.multiply(w, x, dtype=np.float64)
    total = wx.sum()
    if total <= 0:
        return decile, 0.0
    rank *= 0.2  # 2 F - 1
    rank -= 1
    rank *= wx  # summed by numpy, no BLAS dot: identical on any thread count
    return decile, float(rank.sum() / total)


def fgt(c: F8, z: F8 | float, w: F8, alpha: float) -> float:
    """Foster-Greer-Thorbecke index ``P_alpha`` (Foster, Greer & Thorbecke 1984).

    ``P_alpha = sum_i w_i * (1 - c_i/z_i)**alpha * [c_i < z_i] / sum_i w_i``: ``alpha = 0`` is
    the headcount share, 1 the poverty gap, 2 the severity.

    Parameters
    ----------
    c : ndarray
        Consumption per capita (Rp/capita/month).
    z : ndarray or float
        Poverty line(s) (Rp/capita/month).
    w : ndarray
        Weights (persons).
    alpha : float
        Poverty aversion, >= 0.
    """
    gap = np.maximum(1.0 - c / z, 0.0)
    if alpha == 0:
        terms = np.multiply(w, gap > 0)
    else:
        terms = np.power(gap, alpha, out=gap)
        terms *= w
    return float(terms.sum() / w.sum())  # summed by numpy, no BLAS dot: thread-independent


def gini(x: F8, w: F8, order: NDArray[np.intp] | None = None) -> float:
    """Weighted Gini coefficient of ``x`` (0 = equality, 1 = one holds all).

    Uses the area under the weighted Lorenz curve:
    ``G = 1 - sum_i w_i (L_{i-1} + L_i) / W`` with ``L`` the cumulative share of ``w * x``.
    ``order`` is ``argsort(x)`` if already known.
    """
    if order is None:
        order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    wx = np.cumsum(ws * xs)
    total = wx[-1]
    if total <= 0:
        return 0.0
    lorenz = wx / total
    prev = np.concatenate(([0.0], lorenz[:-1]))
    prev += lorenz
    prev *= ws  # summed by numpy, no BLAS dot: identical on any thread count
    return float(1.0 - prev.sum() / ws.sum())


def _ranks(w: F8, order: NDArray[np.intp]) -> F8:
    """Midpoint cumulative weight share of each observation in sorted order, in (0, 1)."""
    ws = w[order]
    cw = np.cumsum(ws)
    ranks: F8 = (cw - ws / 2) / cw[-1]
    return ranks


def decile_means(x: F8, w: F8, order: NDArray[np.intp] | None = None) -> F8:
    """Weighted mean of ``x`` within each weighted decile of ``x`` (10 values, poorest first)."""
    if order is None:
        order = np.argsort(x, kind="stable")
    decile = np.minimum((_ranks(w, order) * 10).astype(np.intp), 9)
    ws = w[order]
    sums = np.bincount(decile, weights=ws * x[order], minlength=10)
    mass = np.bincount(decile, weights=ws, minlength=10)
    with np.errstate(invalid="ignore"):
        means: F8 = sums / mass
    return means


def weighted_quantiles(x: F8, w: F8, q: F8, order: NDArray[np.intp] | None = None) -> F8:
    """Weighted quantiles of ``x`` at probabilities ``q`` (interpolated on midpoint ranks)."""
    if order is None:
        order = np.argsort(x, kind="stable")
    return np.interp(q, _ranks(w, order), x[order])


def hazen_quantiles(ordered: F8, q: F8) -> F8:
    """Quantiles at probabilities ``q`` of already sorted ``ordered`` (Hazen's definition).

    Hazen (1914), numpy's ``method="hazen"``: the ``p``-quantile interpolates linearly at the
    0-based position ``n p - 1/2``, clipped to the data, so each observation sits at the middle
    of its share of the probability.
    """
    n = ordered.shape[0]
    h = np.clip(n * q - 0.5, 0, n - 1)
    lo = np.floor(h).astype(np.intp)
    hi = np.minimum(lo + 1, n - 1)
    out: F8 = ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo])
    return out


def kaplan_meier(durations: NDArray[np.int64], events: NDArray[np.bool_], horizon: int) -> F8:
    """Kaplan-Meier survival ``S(t)`` for ``t = 0..horizon`` (Kaplan & Meier 1958).

    ``S(t) = prod_{s <= t} (1 - d_s / n_s)`` with ``d_s`` events at time ``s`` and ``n_s``
    spells still at risk at ``s`` (duration >= s). Spells without an event are censored at
    their duration. Returns NaN where no spell is at risk.
    """
    t = np.arange(horizon + 1)
    at_risk = (durations[None, :] >= t[:, None]).sum(axis=1)
    died = np.bincount(durations[events], minlength=horizon + 1)[: horizon + 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        hazard = np.where(at_risk > 0, died / at_risk, np.nan)
    survival: F8 = np.cumprod(1.0 - np.nan_to_num(hazard)).astype(np.float64)
    survival[at_risk == 0] = np.nan
    return survival
