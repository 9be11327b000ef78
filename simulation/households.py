"""Household state in numpy columns, and counts of members by PKH component.

All household mechanisms run vectorised over :class:`HouseholdState`; the Mesa agent that views
one row, :class:`simulation.agents.Household`, lives in :mod:`simulation.agents`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "COMPONENTS", "INITIAL", "MEMBER_SLOTS", "HouseholdState", "component_counts", "counts_of",
    "take_rows",
]  # fmt: skip

#: ``formed`` of the households of the initial population (formed before the run)
INITIAL = -(2**15)

#: Member slots per household. Slot 0 is the head, slot 1 the female partner when present.
MEMBER_SLOTS = 8

#: PKH components, and the age bands (years, [lo, hi)) of the age-defined ones. School levels
#: follow the Indonesian system: SD from age 7 (6 years), SMP 13-15, SMA 16-18.
COMPONENTS = ("pregnant", "early_childhood", "primary", "junior", "senior", "elderly", "disability")
AGE_BANDS = {
    "early_childhood": (0, 7),
    "primary": (7, 13),
    "junior": (13, 16),
    "senior": (16, 19),
    "elderly": (60, 200),
}

F8 = NDArray[np.float64]
B1 = NDArray[np.bool_]


@dataclass
class HouseholdState:
    """Column store of all households; row ``i`` is household ``i``.

    Money is in Rupiah per month at March 2025 prices unless noted; ages are in months.
    """

    region: NDArray[np.int8]  #: region index into ``World.regions``
    village: NDArray[np.int32]  #: village index (covariate shocks, peers)
    urban: B1  #: urban (True) or rural
    age: NDArray[np.int16]  #: (N, MEMBER_SLOTS) member ages in months, -1 for an empty slot
    disabled: B1  #: (N, MEMBER_SLOTS) severe disability of each member
    pregnant: NDArray[np.int8]  #: months of pregnancy of the partner, 0 if not pregnant
    size: NDArray[np.int8]  #: number of members (persons)
    skill: F8  #: human-capital index (1 = a worker earning the regional wage)
    persistent: F8  #: persistent log-earnings shock (AR(1) state)
    employed: B1  #: household has wage work this month
    sick: NDArray[np.int8]  #: months of work still lost to illness
    assets: F8  #: productive assets (Rp)
    savings: F8  #: liquid savings (Rp)
    debt: F8  #: outstanding debt (Rp)
    other_income: F8  #: pensions and remittances fixed at the start (Rp/month)
    kin_income: F8  #: kin support while the household has no earner (Rp/month)
    usual_income: F8  #: smoothed income the household plans on (Rp/month)
    wage_income: F8  #: wage income this month (Rp/month)
    enterprise_income: F8  #: enterprise income this month (Rp/month)
    transfer_income: F8  #: cash transfers received this month (Rp/month)
    health_cost: F8  #: out-of-pocket health spending this month (Rp)
    consumption: F8  #: household consumption this month (Rp/month)
    consumption_pc: F8  #: consumption per capita (Rp/capita/month)
    poverty_line: F8  #: the household's poverty line this month (Rp/capita/month)
    poor: B1  #: below the poverty line this month
    extreme_poor: B1  #: below the extreme-poverty line this month
    formed: NDArray[np.int16]  #: month the household formed (:data:`INITIAL` for the first)

    @property
    def n(self) -> int:
        """Number of households."""
        return int(self.region.shape[0])

    def copy(self) -> HouseholdState:
        """Return a deep copy (every column copied)."""
        return HouseholdState(**{f.name: getattr(self, f.name).copy() for f in fields(self)})

    def columns(self) -> dict[str, np.ndarray[Any, Any]]:
        """Return the columns by name (views, not copies)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def rows(self, start: int, stop: int) -> HouseholdState:
        """Return households ``start:stop`` as a state of views (writes reach this state)."""
        return HouseholdState(**{f.name: getattr(self, f.name)[start:stop] for f in fields(self)})


_BYTE_SUM = np.uint64(0x0101010101010101)


def row_count(mask: NDArray[np.bool_], first: int = 0) -> NDArray[np.int64]:
    """Count the True values in each row of an (N, 8) boolean array, from column ``first`` on.

    The 8 bytes of a row are read as one unsigned 64-bit word (bytes before column ``first``
    masked off); multiplying by 0x0101...01 adds all bytes into the top byte (each byte is 0 or
    1, so no carry reaches it). One vectorised multiply per household instead of a slow
    reduction over a length-8 axis.
    """
    if mask.shape[1] != 8:
        return mask[:, first:].sum(axis=1)  # type: ignore[no-any-return]
    words = np.ascontiguousarray(mask).view(np.uint64)[:, 0]
    if first:
        keep = np.zeros(8, dtype=np.uint8)
        keep[first:] = 0xFF
        words = words & keep.view(np.uint64)[0]  # byte order of the machine, like the view
    out: NDArray[np.int64] = ((words * _BYTE_SUM) >> np.uint64(56)).astype(np.int64)
    return out


def take_rows(matrix: NDArray[Any], rows: NDArray[np.intp]) -> NDArray[Any]:
    """Return ``matrix[rows]`` for a C-contiguous 2-D array, gathering each row as one item.

    Rows of 8 or 16 bytes (member slots of bool or int16) are viewed as single 64- or 128-bit
    items, so the gather is one fast 1-D ``take`` instead of numpy's slower 2-D fancy index.
    """
    width = matrix.shape[1] * matrix.itemsize
    if width not in (8, 16) or not matrix.flags.c_contiguous:
        return matrix[rows]
    wide = matrix.view(np.uint64 if width == 8 else np.complex128)[:, 0]
    out: NDArray[Any] = np.take(wide, rows).view(matrix.dtype).reshape(-1, matrix.shape[1])
    return out


def age_band_mask(age: NDArray[np.int16], lo_years: float, hi_years: float) -> B1:
    """Return the (N, slots) mask of occupied slots with age in [lo, hi) years."""
    return (age >= round(lo_years * 12)) & (age < round(hi_years * 12))


def component_counts(
    state: HouseholdState, rows: NDArray[np.intp] | None = None
) -> NDArray[np.int16]:
    """Count members of each PKH component per household (of ``rows`` only, if given).

    Returns
    -------
    ndarray of int16, shape (N or len(rows), len(COMPONENTS))
        Column order follows :data:`COMPONENTS`; ``pregnant`` is 0 or 1.
    """
    age = state.age if rows is None else take_rows(state.age, rows)
    disabled = state.disabled if rows is None else take_rows(state.disabled, rows)
    pregnant = state.pregnant if rows is None else state.pregnant[rows]
    return counts_of(age, disabled, pregnant)


def counts_of(
    age: NDArray[np.int16], disabled: B1, pregnant: NDArray[np.int8]
) -> NDArray[np.int16]:
    """Members of each PKH component, from member ages, disabilities and pregnancy months."""
    out = np.zeros((age.shape[0], len(COMPONENTS)), dtype=np.int16)
    out[:, 0] = pregnant > 0
    for j, name in enumerate(COMPONENTS[1:-1], start=1):
        out[:, j] = row_count(age_band_mask(age, *AGE_BANDS[name]))
    out[:, -1] = row_count(disabled & (age >= 0))
    return out
