"""Model reporters for Mesa's ``DataCollector``: the last month's outcomes, as recorded.

Each reporter is a function of the model that reads the month the model has just recorded
(:mod:`simulation.recorder`, :mod:`simulation.outcomes`); nothing is computed again. Counts and
Rupiah are at national scale. Before the first month (a model just built) every reporter gives
NaN: nothing is recorded yet.

``GraduationModel.datacollector`` collects :data:`MODEL_REPORTERS` at construction and after each
step. To collect others too::

    collector = mesa.DataCollector(model_reporters={**MODEL_REPORTERS, "gini": gini})
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np

from simulation.recorder import VARIABLES

if TYPE_CHECKING:
    from simulation.model import GraduationModel

__all__ = [
    "MODEL_REPORTERS", "extreme_poverty_rate", "gini", "graduations", "kpm", "mean_consumption",
    "poor_persons", "poverty_rate", "recorded", "relapses", "spending", "sustained_graduations",
]  # fmt: skip


def recorded(model: GraduationModel, name: str) -> float:
    """Return variable ``name`` of the last recorded month, summed over its extra dims.

    ``name`` is a variable of the model's dataset recorded monthly (``simulation.recorder``
    ``VARIABLES`` or ``simulation.outcomes`` ``POLICY_VARIABLES``); NaN before the first month.
    """
    month = model.month - 1
    if month < 0:
        return math.nan
    if name in VARIABLES:
        value = model.recorder.recorded(name, month)
    else:
        value = model.policy_recorder.recorded(name, month)
    return float(np.sum(value))


def poverty_rate(model: GraduationModel) -> float:
    """Share of persons below the poverty line (headcount, FGT0; 1)."""
    return recorded(model, "poverty_rate")


def poor_persons(model: GraduationModel) -> float:
    """Persons below the poverty line (persons)."""
    return recorded(model, "poor_persons")


def extreme_poverty_rate(model: GraduationModel) -> float:
    """Share of persons below the extreme-poverty line (1)."""
    return recorded(model, "extreme_poverty_rate")


def gini(model: GraduationModel) -> float:
    """Gini coefficient of consumption per capita (1)."""
    return recorded(model, "gini")


def mean_consumption(model: GraduationModel) -> float:
    """Mean consumption per capita (Rp/capita/month)."""
    return recorded(model, "mean_consumption")


def kpm(model: GraduationModel) -> float:
    """Families receiving bansos, PKH or Sembako (households)."""
    return recorded(model, "kpm")


def graduations(model: GraduationModel) -> float:
    """Graduations of the month, all routes, as Kemensos counts them (households/month)."""
    return recorded(model, "graduations")


def relapses(model: GraduationModel) -> float:
    """Graduates relapsing in the month, by the scenario's relapse definition (households/month)."""
    return recorded(model, "relapses")


def sustained_graduations(model: GraduationModel) -> float:
    """Graduates reaching sustained graduation in the month (households/month)."""
    return recorded(model, "sustained_graduations")


def spending(model: GraduationModel) -> float:
    """Spending of the month on all programmes (Rp/month)."""
    return recorded(model, "spending")


#: the ready model reporters, by name (read-only: make a new dict to add to them)
MODEL_REPORTERS: MappingProxyType[str, Callable[[GraduationModel], float]] = MappingProxyType(
    {
        "poverty_rate": poverty_rate,
        "poor_persons": poor_persons,
        "extreme_poverty_rate": extreme_poverty_rate,
        "gini": gini,
        "mean_consumption": mean_consumption,
        "kpm": kpm,
        "graduations": graduations,
        "relapses": relapses,
        "sustained_graduations": sustained_graduations,
        "spending": spending,
    }
)
