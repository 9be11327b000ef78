"""The slow per-agent reference step: the same rules, one household at a time, in scalar code.

Used by tests on small populations to check the vectorised mechanisms: given the same draws,
both paths must give the same household state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulation.mechanisms.assets import reference_assets
from simulation.mechanisms.consumption import reference_consumption
from simulation.mechanisms.demography import reference_demography
from simulation.mechanisms.income import reference_income
from simulation.mechanisms.poverty import ROUNDING
from simulation.mechanisms.shocks import reference_shocks

if TYPE_CHECKING:
    from simulation.model import GraduationModel

__all__ = ["reference_demography_step", "reference_step"]


def reference_demography_step(model: GraduationModel, i: int) -> None:
    """Demography of household ``i`` for the current month.

    The member who left home and the last member who died, if any, are noted in the model's
    ``_reference_events`` (``left`` and ``last``: row, age, disability), for household formation.
    """
    left, last = reference_demography(
        model.households,
        i,
        model.params.world.demography,
        model.draws,
        model.rare,
        model._mortality,
    )
    for key, person in (("left", left), ("last", last)):
        if person is not None:
            model._reference_events[key].append((i, *person))


def reference_step(model: GraduationModel, i: int) -> None:
    """Shocks, income, consumption, assets and poverty of household ``i`` this month."""
    w, hh, env = model.params.world, model.households, model.env
    assert env is not None
    reference_shocks(hh, i, w.shocks, model.draws, model.rare, float(env.uncovered[i]))
    reference_income(hh, i, w.income, w.assets, env, model.draws)
    income = (
        float(hh.wage_income[i])
        + float(hh.enterprise_income[i])
        + float(hh.other_income[i])
        + float(hh.kin_income[i])
        + float(hh.transfer_income[i])
    )
    reference_consumption(
        hh, i, w.consumption, income, float(env.extreme_line[i]), w.assets.high_steady_state
    )
    reference_assets(hh, i, w.assets, float(env.threshold[i]))
    c_pc = float(hh.consumption_pc[i])
    hh.poverty_line[i] = float(env.poverty_line[i])
    hh.poor[i] = c_pc < float(env.poverty_line[i]) * (1.0 - ROUNDING)
    hh.extreme_poor[i] = c_pc < float(env.extreme_line[i]) * (1.0 - ROUNDING)
