"""What every household faces in one month: lines, wages, and the levers programmes move.

The model builds a :class:`MonthEnvironment` at the start of each month; agencies then adjust
its per-household arrays (insurance cover, care relief, mentoring, hiring, coached thresholds)
before the household mechanisms read them.
"""

from __future__ import annotations

import copy

import numpy as np
from numpy.typing import NDArray

from simulation.households import HouseholdState
from simulation.params import World

__all__ = ["MonthEnvironment", "Places"]

F8 = NDArray[np.float64]
F4 = NDArray[np.float32]


class Places:
    """What each household faces because of where it lives (fixed through a run).

    Arrays are read-only: every month's environment shares them.

    Attributes
    ----------
    wages, wage, minimum_wage : ndarray
        Regional wages of a worker of skill 1; the same for each household; the minimum wage
        of each household's region (Rp/month).
    poverty_line, extreme_line : ndarray
        Lines per capita of each household at normal rice prices (Rp/capita/month).
    """

    def __init__(self, world: World, hh: HouseholdState) -> None:
        self.area = hh.urban.view(np.int8)  # 0 rural, 1 urban
        self.wages: F8 = np.array([r.wage for r in world.regions])
        self.wage = _fixed(np.take(self.wages, hh.region))
        self.minimum_wage = _fixed(np.take([r.minimum_wage for r in world.regions], hh.region))
        self.poverty_line, self.extreme_line = (_fixed(x) for x in self.lines(world, 0.0))
        # households by village: the rows of village v are _by_village[_first[v]:_first[v + 1]]
        self._by_village = np.argsort(hh.village, kind="stable").astype(np.int32)
        villages = int(np.max(hh.village, initial=-1)) + 1
        self._first = np.searchsorted(hh.village[self._by_village], np.arange(villages + 1))

    def residents(self, villages: NDArray[np.bool_]) -> NDArray[np.intp]:
        """Rows of the households living in the villages marked in ``villages``."""
        hit: list[int] = np.flatnonzero(villages).tolist()
        parts = [self._by_village[self._first[v] : self._first[v + 1]] for v in hit]
        return np.concatenate(parts).astype(np.intp) if parts else np.zeros(0, dtype=np.intp)

    def lines(self, world: World, rice_rise: float) -> tuple[F8, F8]:
        """Poverty and extreme-poverty lines of each household for a rice-price rise."""
        pl = world.poverty
        factor = 1.0 + np.array([pl.rice_share_rural, pl.rice_share_urban]) * rice_rise
        poverty = np.take(np.array([pl.rural, pl.urban]) * factor, self.area)
        return poverty, np.take(pl.extreme * factor, self.area)


def _fixed(x: F8) -> F8:
    x.flags.writeable = False
    return x


class MonthEnvironment:
    """Per-household conditions of one month (arrays of shape (N,) unless noted).

    Attributes
    ----------
    poverty_line, extreme_line : ndarray
        Lines per capita, raised by the rice share during a rice-price episode (Rp/capita/month).
    wages : ndarray, shape (regions,)
        Regional wage of a worker of skill 1 (Rp/month).
    wage : ndarray
        The regional wage of each household's region (Rp/month).
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
    working_capital : ndarray or None
        Working capital of a business loan held this month, which earns the enterprise return
        like productive assets (Rp); None while nobody holds any.
    """

    #: the attributes with one value per household (the others are per region or scalars)
    PER_HOUSEHOLD = (
        "poverty_line", "extreme_line", "wage", "minimum_wage", "uncovered", "care_need",
        "care_relief", "return_factor", "finding_boost", "threshold",
    )  # fmt: skip

    def __init__(
        self,
        world: World,
        hh: HouseholdState,
        rice_rise: float,
        care_need: NDArray[np.bool_],
        places: Places,
    ) -> None:
        self.rice_price_index = 1.0 + rice_rise
        if rice_rise == 0:
            self.poverty_line, self.extreme_line = places.poverty_line, places.extreme_line
        else:  # lines raised through their rice share, by area
            self.poverty_line, self.extreme_line = places.lines(world, rice_rise)
        self.wages: F8 = places.wages
        self.wage = places.wage
        self.minimum_wage = places.minimum_wage
        n = hh.n
        self.care_need = care_need  # counted by simulation.composition
        # levers in single precision (they are shares and small factors): less memory
        self.uncovered: F4 = np.ones(n, dtype=np.float32)
        self.care_relief: F4 = np.zeros(n, dtype=np.float32)
        self.return_factor: F4 = np.ones(n, dtype=np.float32)
        self.finding_boost: F4 = np.zeros(n, dtype=np.float32)
        self.threshold: F8 = np.full(n, world.assets.threshold)
        self.working_capital: F8 | None = None

    def hold_working_capital(self, idx: NDArray[np.intp], amount: F8) -> None:
        """Households ``idx`` hold ``amount`` of working capital this month (Rp)."""
        if self.working_capital is None:
            self.working_capital = np.zeros(self.threshold.shape[0])
        self.working_capital[idx] = amount

    def rows(self, start: int, stop: int) -> MonthEnvironment:
        """Return the environment of households ``start:stop`` (views of the arrays)."""
        part = copy.copy(self)
        for name in self.PER_HOUSEHOLD:
            setattr(part, name, getattr(self, name)[start:stop])
        if self.working_capital is not None:
            part.working_capital = self.working_capital[start:stop]
        return part
