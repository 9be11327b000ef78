"""Poverty status: consumption per capita against the BPS poverty and extreme-poverty lines.

The poverty line of a household is the urban or rural BPS line, raised during a rice-price
episode by ``rice_share * rise`` (the rice share of that line times the relative price rise).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from simulation.households import HouseholdState

__all__ = ["poverty_step"]


def poverty_step(
    state: HouseholdState, line: NDArray[np.float64], extreme_line: NDArray[np.float64]
) -> None:
    """Set each household's poverty line and its poor and extreme-poor flags, in place."""
    state.poverty_line[:] = line
    np.less(state.consumption_pc, line, out=state.poor)
    np.less(state.consumption_pc, extreme_line, out=state.extreme_poor)
