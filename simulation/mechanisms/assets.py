"""Productive assets with an S-shaped poverty trap (Balboni et al. 2022, QJE 137(2)).

Next month's assets follow a cubic transition with three fixed points: a stable low steady state
``L``, an unstable threshold ``T`` and a stable high steady state ``H``::

    dA = speed * (A - L) * (A - T) * (H - A) / (H - L)**2,   dA >= -max_decline * A
    A' = max(A + dA, 0)

Below ``T`` assets decay towards ``L``; above it they grow towards ``H``: the asset transition
``A' = g(A)`` is S-shaped and crosses the 45-degree line from below at ``T``. Coaching in a
graduation package lowers the threshold a household faces while it lasts.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from simulation.arrays import clip_negative
from simulation.households import HouseholdState
from simulation.params import Assets

__all__ = ["asset_change", "assets_step", "reference_assets"]


def asset_change(
    a: NDArray[np.float64], p: Assets, threshold: NDArray[np.float64] | float | None = None
) -> NDArray[np.float64]:
    """Monthly change in assets (Rp) of the trap dynamics, for an array of asset levels.

    ``threshold`` (Rp) overrides ``p.threshold``, e.g. per household while coached.
    """
    lo, hi = p.low_steady_state, p.high_steady_state
    t = p.threshold if threshold is None else threshold
    scale = (hi - lo) ** 2
    d = np.subtract(a, lo)  # evaluated in place, in the order of the formula
    d *= p.speed
    factor = np.subtract(a, t)
    d *= factor
    np.subtract(hi, a, out=factor)
    d *= factor
    d /= scale
    np.multiply(-p.max_decline, a, out=factor)
    out: NDArray[np.float64] = np.maximum(d, factor, out=d)
    return out


def assets_step(state: HouseholdState, p: Assets, threshold: NDArray[np.float64]) -> None:
    """Move every household's productive assets one month along the trap dynamics, in place.

    ``threshold`` is the unstable threshold each household faces (Rp).
    """
    state.assets += asset_change(state.assets, p, threshold)
    clip_negative(state.assets)


def reference_assets(state: HouseholdState, i: int, p: Assets, t: float) -> None:
    """Per-household reference of :func:`assets_step` for household ``i`` (threshold ``t``)."""
    a = float(state.assets[i])
    lo, hi = p.low_steady_state, p.high_steady_state
    d = p.speed * (a - lo) * (a - t) * (hi - a) / (hi - lo) ** 2
    d = max(d, -p.max_decline * a)
    state.assets[i] = max(a + d, 0.0)
