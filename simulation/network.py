"""Village networks: who knows whom, held as a sparse symmetric adjacency matrix.

Each household links to ``degree`` others drawn at random from its own village (uniform
offsets along the village's member list); links are made symmetric. Graduates who become
contributors raise their neighbours' enterprise returns (mentoring) and job finding (hiring).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

__all__ = ["ContributorNeighbours", "contributor_neighbours", "village_network"]


def village_network(
    village: NDArray[np.int32], degree: int, rng: np.random.Generator
) -> sp.csr_array:
    """Build the symmetric 0/1 adjacency matrix of households (no self-links).

    Parameters
    ----------
    village : ndarray of int, shape (N,)
        Village of each household.
    degree : int
        Links drawn per household (the realised degree is about twice this, capped by the
        village size).
    rng : numpy.random.Generator
        The ``network`` stream.
    """
    n = village.shape[0]
    order = np.argsort(village, kind="stable")
    sizes = np.bincount(village)
    start = np.concatenate(([0], np.cumsum(sizes)[:-1]))[village[order]]
    size = sizes[village[order]]
    pos = np.arange(n) - start
    rows, cols = [], []
    keep = size > 1
    for _ in range(degree):
        offset = 1 + (rng.random(n) * np.maximum(size - 1, 1)).astype(np.int64)
        partner = start + (pos + offset) % size
        rows.append(order[keep].astype(np.int32))
        cols.append(order[partner[keep]].astype(np.int32))
    r = np.concatenate(rows + cols) if rows else np.zeros(0, np.int32)  # both directions
    c = np.concatenate(cols + rows) if rows else np.zeros(0, np.int32)
    ones = np.ones(r.shape[0], dtype=np.int8)
    adj = sp.csr_array((ones, (r, c)), shape=(n, n))  # duplicates are summed ...
    adj.data[:] = 1.0  # ... and set back to one link
    return adj


def contributor_neighbours(
    adj: sp.csr_array, contributors: NDArray[np.intp], cap: int
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Households with contributor neighbours, and how many each has, capped at ``cap``.

    Links are symmetric, so the count is how often a household appears among the neighbours
    of the ``contributors`` (rows): only their rows of ``adj`` are read. Households with none
    are left out; the others are returned in order.
    """
    near, count = _neighbour_counts(adj, contributors)
    return near, np.minimum(count, cap).astype(np.float64)


def _neighbour_counts(
    adj: sp.csr_array, rows: NDArray[np.intp]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Households among the neighbours of ``rows``, in order, and how often each appears."""
    neighbours = adj[rows].indices
    if neighbours.size * 16 < adj.shape[0]:  # few: sort them rather than count over everyone
        near, count = np.unique(neighbours, return_counts=True)
    else:
        every = np.bincount(neighbours, minlength=adj.shape[0])
        near = np.flatnonzero(every > 0)  # faster than scanning the integers themselves
        count = every[near]
    return near.astype(np.intp), count.astype(np.intp)


class ContributorNeighbours:
    """Each household's number of contributor neighbours, kept from one month to the next.

    The contributors change little from month to month, so only the rows of ``adj`` of the
    households that became contributors or stopped being ones are read (equal to
    :func:`contributor_neighbours` of all of them; tested). When few households join or leave,
    a month costs in proportion to the contributors, except listing the households near one.

    Parameters
    ----------
    adj : scipy.sparse.csr_array
        The symmetric 0/1 village network (:func:`village_network`).
    """

    def __init__(self, adj: sp.csr_array) -> None:
        n = adj.shape[0]
        self.adj = adj
        self.rows = np.zeros(0, dtype=np.intp)  #: the contributors (unique rows, as given)
        self._mark = np.zeros(n, dtype=bool)  # scratch: all false between calls
        self._count = np.zeros(n, dtype=np.int32)  # contributor neighbours of each household

    def update(self, rows: NDArray[np.intp]) -> None:
        """Make the households ``rows`` (unique; any order) the contributors."""
        mark, old = self._mark, self.rows
        mark[old] = True
        joined = rows[~mark[rows]]
        mark[old] = False
        mark[rows] = True
        left = old[~mark[old]]
        mark[rows] = False
        for changed, sign in ((joined, 1), (left, -1)):
            if changed.size:
                near, count = _neighbour_counts(self.adj, changed)
                self._count[near] += sign * count.astype(np.int32)
        self.rows = rows

    def near(self, cap: int) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
        """Households with contributor neighbours, in order, and their counts capped at ``cap``."""
        near = np.flatnonzero(self._count > 0)  # a mask first: faster than on the integers
        return near, np.minimum(self._count[near], cap).astype(np.float64)
