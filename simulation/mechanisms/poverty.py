"""Poverty status: consumption per capita against the BPS poverty and extreme-poverty lines.

The poverty line of a household is the urban or rural BPS line, raised during a rice-price
episode by ``rice_share * rise`` (the rice share of that line times the relative price rise).
A household is below a line when its consumption per capita is below the line by more than a
relative :data:`ROUNDING` (a household held at the subsistence floor, which is the extreme line,
is not counted below it because of the last bit of a division).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from simulation.households import HouseholdState

__all__ = ["ROUNDING", "poverty_step"]

ROUNDING = 1e-9  #: relative margin below a line that rounding cannot produce


def poverty_step(
    state: HouseholdState, line: NDArray[np.float64], extreme_line: NDArray[np.float64]
) -> None:
    """Set each household's poverty line and its poor and extreme-poor flags, in place."""
    state.poverty_line[:] = line
    np.less(state.consumption_pc, line * (1.0 - ROUNDING), out=state.poor)
    np.less(state.consumption_pc, extreme_line * (1.0 - ROUNDING), out=state.extreme_poor)
