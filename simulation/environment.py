"""What every household faces in one month: lines, wages, and the levers programmes move.

The model builds a :class:`MonthEnvironment` at the start of each month; agencies then adjust
its per-household arrays (insurance cover, care relief, mentoring, hiring, coached thresholds)
before the household mechanisms read them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from simulation.households import HouseholdState
from simulation.params import World

__all__ = ["MonthEnvironment"]

F8 = NDArray[np.float64]
F4 = NDArray[np.float32]


class MonthEnvironment:
    """Per-household conditions of one month (arrays of shape (N,) unless noted).

    Attributes
    ----------
    poverty_line, extreme_line : ndarray
        Lines per capita, raised by the rice share during a rice-price episode (Rp/capita/month).
    wages : ndarray, shape (regions,)
        Regional wage of a worker of skill 1 (Rp/month).
    minimum_wage : ndarray
        Minimum wage of each household's region (Rp/month).
    uncovered : ndarray
        Share of a health cost the household pays itself (1 without insurance).
    care_need : ndarray of bool
        A member needs care (severe disability, or age at least ``care_age``).
    care_relief : ndarray
        Share of the care burden relieved by rehabilitation services.
    return_factor : ndarray
        Multiplier of the enterprise return (mentoring by contributor neighbours).
    finding_boost : ndarray
        Added monthly job-finding probability (hiring by contributor neighbours).
    threshold : ndarray
        Poverty-trap threshold each household faces (lower while coached) (Rp).
    """

    def __init__(
        self,
        world: World,
        hh: HouseholdState,
        rice_rise: float,
        care_need: NDArray[np.bool_] | None = None,
    ) -> None:
        pl, n = world.poverty, hh.n
        # by area (0 rural, 1 urban): one value each, picked per household
        factor = 1.0 + np.array([pl.rice_share_rural, pl.rice_share_urban]) * rice_rise
        area = hh.urban.view(np.int8)
        self.rice_price_index = 1.0 + rice_rise
        self.poverty_line: F8 = np.take(np.array([pl.rural, pl.urban]) * factor, area)
        self.extreme_line: F8 = np.take(pl.extreme * factor, area)
        self.wages: F8 = np.array([r.wage for r in world.regions])
        self.minimum_wage: F8 = np.take(
            np.array([r.minimum_wage for r in world.regions]), hh.region
        )
        if care_need is None:  # not counted already (see simulation.composition)
            need = (hh.age >= round(world.income.care_age * 12)) | (hh.disabled & (hh.age >= 0))
            care_need = np.asarray(need.any(axis=1))
        self.care_need: NDArray[np.bool_] = care_need
        # levers in single precision (they are shares and small factors): less memory
        self.uncovered: F4 = np.ones(n, dtype=np.float32)
        self.care_relief: F4 = np.zeros(n, dtype=np.float32)
        self.return_factor: F4 = np.ones(n, dtype=np.float32)
        self.finding_boost: F4 = np.zeros(n, dtype=np.float32)
        self.threshold: F8 = np.full(n, world.assets.threshold)
