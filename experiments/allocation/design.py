"""Allocation designs: splits of the envelope from a scrambled Sobol sample, and marginal changes.

A split of ``K`` programmes is a point of the simplex (``K`` non-negative shares summing to one).
:func:`to_simplex` maps a point ``u`` of the unit cube ``[0, 1)^(K-1)`` onto it by *sorted
uniform spacings*: sort ``u`` and take the gaps between ``0, u_(1), ..., u_(K-1), 1``. Uniform
``u`` gives splits uniform on the simplex (the spacings of ``K - 1`` uniform points are
Dirichlet(1, ..., 1)); the cube points are a scrambled Sobol sequence
(:class:`scipy.stats.qmc.Sobol`, Owen scrambling seeded by ``seed``), so the splits fill the
simplex more evenly than random ones and the same seed gives the same design. Lower bounds on
shares (``min_share``) map the simplex onto the smaller one ``{s : s >= m}`` by
``s = m + (1 - sum(m)) * spacings``, which keeps the design uniform there.

Point 0 of every design is the status quo, labelled ``status_quo``, with no overrides (the
scenario exactly as written). A marginal point changes one programme's budget by a fixed amount
(every year) and leaves the others as they are: the envelope is not fixed there.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import qmc

from experiments.allocation.envelope import (
    Envelope,
    allocate,
    overrides,
    read_envelope,
    scaled_capacity,
)
from experiments.design import Point

__all__ = [
    "STATUS_QUO",
    "Allocation",
    "marginal_label",
    "marginal_points",
    "simplex_points",
    "sobol_cube",
    "status_quo",
    "to_simplex",
]

STATUS_QUO = "status_quo"


@dataclass(frozen=True)
class Allocation:
    """A point of a study with its budgets.

    Attributes
    ----------
    label : str
        Its label (the ``scenario`` of its results).
    kind : str
        ``status_quo``, ``allocation`` (a split of the envelope) or ``marginal``.
    shares : numpy.ndarray
        Share of the first year's envelope per programme of the envelope, shape ``(K,)``.
    budgets : numpy.ndarray
        Rp/year per programme of the envelope and year, shape ``(K, year)``.
    capacities : numpy.ndarray
        Households per programme of the envelope, shape ``(K,)``.
    change : float
        Budget change of a marginal point (Rp/year, 0 otherwise) and ``programme`` its target.
    """

    label: str
    kind: str
    shares: np.ndarray
    budgets: np.ndarray
    capacities: np.ndarray
    change: float = 0.0
    programme: str = ""
    point: Point | None = None


def sobol_cube(n: int, d: int, seed: int) -> np.ndarray:
    """First ``n`` points of a scrambled Sobol sequence in ``[0, 1)^d`` (``n`` may be any size).

    The sequence is drawn to the next power of two (its balanced size) and cut to ``n``.
    """
    if n == 0:
        return np.zeros((0, d))
    gen = np.random.default_rng(seed)
    key = "rng" if "rng" in inspect.signature(qmc.Sobol).parameters else "seed"
    sobol = qmc.Sobol(d, scramble=True, **{key: gen})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return np.asarray(sobol.random_base2(max(0, math.ceil(math.log2(n)))))[:n]


def to_simplex(u: np.ndarray, min_share: np.ndarray | None = None) -> np.ndarray:
    """Map cube points ``u`` (shape ``(n, K-1)``) to splits (``(n, K)``) by sorted spacings.

    ``min_share`` (shape ``(K,)``, summing to at most one) are lower bounds on the shares.
    """
    u = np.sort(np.atleast_2d(np.asarray(u, dtype=float)), axis=1)
    ends = np.zeros((u.shape[0], 1))
    spacings = np.diff(np.hstack([ends, u, ends + 1.0]), axis=1)
    if min_share is None:
        return spacings
    m = np.asarray(min_share, dtype=float)
    return m + (1.0 - m.sum()) * spacings


def from_simplex(shares: np.ndarray, min_share: np.ndarray | None = None) -> np.ndarray:
    """Cube point (sorted, shape ``(K-1,)``) whose spacings are ``shares`` (inverse map)."""
    s = np.asarray(shares, dtype=float)
    if min_share is not None:
        free = 1.0 - float(np.sum(min_share))
        s = (s - np.asarray(min_share)) / free if free > 0 else np.full_like(s, 1 / s.size)
    return np.clip(np.cumsum(s)[:-1], 0.0, 1.0)


def status_quo(env: Envelope) -> Allocation:
    """Return the status quo: point 0 of every design, the scenario without overrides."""
    return Allocation(STATUS_QUO, STATUS_QUO, env.shares, env.budgets, env.capacities,
                      point=Point(STATUS_QUO, {}))  # fmt: skip


def split(env: Envelope, label: str, shares: np.ndarray) -> Allocation:
    """Return the allocation of one split of the envelope, with its overrides."""
    budgets, capacities = allocate(env, shares)
    point = Point(label, overrides(env, budgets, capacities))
    return Allocation(label, "allocation", budgets[:, 0] / env.totals[0], budgets, capacities,
                      point=point)  # fmt: skip


def simplex_points(
    env: Envelope, n: int, seed: int, min_share: Mapping[str, float] | None = None
) -> list[Allocation]:
    """Return the status quo and ``n`` splits of the envelope from a scrambled Sobol sample.

    Parameters
    ----------
    env : Envelope
        The envelope and its status quo.
    n : int
        Splits besides the status quo (``>= 0``).
    seed : int
        Seed of the Sobol scrambling: the same seed gives the same design.
    min_share : mapping of str to float, optional
        Lower bounds on shares by programme (the others 0).
    """
    m = np.array([float((min_share or {}).get(p, 0.0)) for p in env.names])
    shares = to_simplex(sobol_cube(n, len(env.names) - 1, seed), m)
    return [status_quo(env)] + [split(env, f"alloc_{i + 1:03d}", s) for i, s in
                                enumerate(shares)]  # fmt: skip


def marginal_label(programme: str, change: float) -> str:
    """Label of a marginal point, e.g. ``PENA:+1T`` (Rp trillion per year)."""
    return f"{programme.replace(' ', '_')}:{change / 1e12:+g}T"


def marginal_points(env: Envelope, changes: Sequence[tuple[str, float]]) -> list[Allocation]:
    """One point per ``(programme, Rp/year)`` change; every other programme as it is.

    The change is added to every year of the programme's budget and its capacity scales with
    its first-year budget (:func:`~experiments.allocation.envelope.scaled_capacity`). The
    programme may be outside the envelope; the envelope is not kept at these points.
    """
    out = []
    for name, change in changes:
        one = read_envelope(env.scenario, [name], minimum=1)
        budget = one.budgets + change
        capacity = scaled_capacity(one, budget)
        budgets, capacities = env.budgets.copy(), env.capacities.copy()
        if name in env.names:
            i = env.names.index(name)
            budgets[i], capacities[i] = budget[0, : budgets.shape[1]], capacity[0]
        label = marginal_label(name, change)
        point = Point(label, overrides(one, budget, capacity))
        shares = np.full(len(env.names), np.nan)  # not a split of the envelope
        out.append(Allocation(label, "marginal", shares, budgets, capacities, change, name,
                              point))  # fmt: skip
    return out
