"""Samples of a sensitivity study: SALib's unit-cube samples, mapped to design points.

Factors are sampled in the unit cube [0, 1]^k (SALib's Sobol' sequence for Saltelli's scheme,
or Morris trajectories on a 4-level grid), then each coordinate is mapped to its factor's value
(:meth:`~experiments.sensitivity.factors.Factor.value`). The analysis reads the same unit
coordinates, so a Morris elementary effect is the change of an outcome over a factor's whole
range, whatever the factor's units and distribution.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from experiments.design import Point
from experiments.sensitivity.factors import Factor

__all__ = ["METHODS", "MORRIS_LEVELS", "design_points", "labels", "n_points", "problem",
           "unit_sample"]  # fmt: skip

METHODS = ("sobol", "morris")
#: levels of the Morris grid (SALib's default): steps of 2/3 of the unit range
MORRIS_LEVELS = 4


def problem(factors: Sequence[Factor]) -> dict[str, Any]:
    """Return SALib's problem: the factors' names on the unit cube."""
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [[0.0, 1.0]] * len(factors)}  # fmt: skip


def n_points(method: str, n: int, k: int) -> int:
    """Points of a sample: ``n (k + 2)`` for Sobol (no second order), ``n (k + 1)`` for Morris."""
    return n * (k + 2) if method == "sobol" else n * (k + 1)


def unit_sample(factors: Sequence[Factor], method: str, n: int, seed: int) -> NDArray[np.float64]:
    """Return the sample in the unit cube, shape ``(points, factors)``, reproducible from seed.

    Parameters
    ----------
    factors : sequence of Factor
        The factors sampled (their order is the columns').
    method : {"sobol", "morris"}
        Saltelli's scheme on a scrambled Sobol' sequence with base size ``n`` (first and total
        order only), or ``n`` Morris trajectories on a 4-level grid.
    n : int
        Base sample size (Sobol: a power of 2) or number of trajectories (Morris).
    seed : int
        Seed of the scrambling (Sobol) or of the trajectories (Morris).
    """
    prob = problem(factors)
    if method == "sobol":
        unit = sobol_sample.sample(prob, n, calc_second_order=False, seed=seed)
    elif method == "morris":
        unit = morris_sample.sample(prob, n, num_levels=MORRIS_LEVELS, seed=seed)
    else:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    return np.asarray(unit, dtype=np.float64)


def labels(count: int) -> list[str]:
    """Return the points' labels ``s0000``, ``s0001``, ... (wider past 10,000 points)."""
    width = max(4, len(str(count - 1)))
    return [f"s{i:0{width}d}" for i in range(count)]


def design_points(factors: Sequence[Factor], unit: NDArray[np.float64]) -> list[Point]:
    """Return the design points of a unit sample: label and the factors' overrides."""
    return [
        Point(label, {f.name: f.value(float(u)) for f, u in zip(factors, row, strict=True)})
        for label, row in zip(labels(len(unit)), unit, strict=True)
    ]
