"""Validation: the simulated 2025 against Indonesian statistics and graduation trials.

Each target of ``experiments/calibration/targets.py`` is asserted within its tolerance on a
``baseline_2025`` run (50,000 households, replicates 0 and 1). Targets the model does not meet
yet are strict expected failures naming what is measured and why it misses: when a change makes
one pass, the suite fails until the mark is removed, so the list of gaps stays true.
"""

from __future__ import annotations

import pytest

from experiments.calibration.demography import TARGETS as DEMOGRAPHY_TARGETS
from experiments.calibration.moments import MONTHS, simulate
from experiments.calibration.targets import TARGETS
from experiments.graduation_rct.trial import effect, run_trial
from scenarios import load_params
from simulation import run

#: targets not met yet -> what is measured (50k households, 2 replicates) and why
NOT_YET = {
    "extreme_2025_03": "0.40%: the left tail of the 2025 distribution is too thin",
    "poverty_entry_1y": "3.1%: too few non-poor households fall into poverty within a year",
    "still_poor_2y": "42%: poverty persists too long over two years",
}


@pytest.fixture(scope="module")
def moments() -> dict[str, float]:
    params = load_params(
        "baseline_2025", {"world.population.households": 50_000, "run.months": MONTHS}
    )
    return simulate(params, [0, 1])


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=NOT_YET[n]))
     if n in NOT_YET else n for n in TARGETS],
)  # fmt: skip
def test_target_is_met_within_its_tolerance(moments: dict[str, float], name: str) -> None:
    target = TARGETS[name]
    assert abs(moments[name] - target.value) <= target.tolerance, (
        f"{name}: model {moments[name]:.4g}, target {target.value:.4g} +/- {target.tolerance:.3g}"
        f" ({target.source})"
    )


@pytest.fixture(scope="module")
def trial():  # type: ignore[no-untyped-def]
    return run_trial(50_000, 2, progress=False)


def test_graduation_trial_consumption_effect_is_in_the_trials_range(trial) -> None:  # type: ignore[no-untyped-def]
    """Banerjee et al. (2015): 0 to +16.4% at about 24 months, +5.8% pooled."""
    at24 = effect(trial, "consumption", 24)
    assert 0.0 <= at24.percent[0] <= 16.4 and at24.low > 0.0


def test_graduation_trial_effect_is_still_significant_at_36_months(trial) -> None:  # type: ignore[no-untyped-def]
    assert effect(trial, "consumption", 36).low > 0.0


@pytest.mark.xfail(strict=True, reason="no unstable threshold: households' savings-driven "
                   "investment outweighs the trap's decline below it (model document)")  # fmt: skip
def test_simulated_asset_dynamics_have_one_unstable_threshold(trial) -> None:  # type: ignore[no-untyped-def]
    """Balboni et al. (2022): an S-shape with one unstable threshold, from households."""
    from experiments.graduation_rct.trial import asset_curve

    curve = asset_curve(trial.assets_now, trial.assets_next)
    assert curve.thresholds.size == 1


#: demographic targets not met yet -> what is measured and why
DEMOGRAPHY_NOT_YET = {
    "young": "26.7% aged 0-14 against BPS's 24.6%: with at most max_children children a "
    "household, the spin-up's fertility decline cannot age the population that far without "
    "other targets giving way",
    "old65": "7.2%: the fitted Gompertz curve puts slightly too many of the 60+ above 65",
}


@pytest.fixture(scope="module")
def demography() -> dict[str, float]:
    from experiments.calibration.demography import measure

    return measure(load_params("world_2025").world)


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=DEMOGRAPHY_NOT_YET[n]))
     if n in DEMOGRAPHY_NOT_YET else n for n in DEMOGRAPHY_TARGETS],
)  # fmt: skip
def test_spun_up_population_has_bps_age_structure(demography: dict[str, float], name: str) -> None:
    target = DEMOGRAPHY_TARGETS[name]
    assert abs(demography[name] - target.value) <= target.tolerance, (
        f"{name}: model {demography[name]:.4g}, target {target.value:.4g} +/- "
        f"{target.tolerance:.3g} ({target.source})"
    )


def test_the_world_without_programmes_is_stationary_over_five_years() -> None:
    """No programmes, five years after the burn-in: the distribution neither widens nor drifts.

    Real Indonesia's Gini has stayed between 0.37 and 0.39 and its headcount fell slowly; a
    model whose counterfactual widened by itself would credit or blame policy for its drift.
    """
    params = load_params("world_2025", {"world.population.households": 20_000, "run.months": 60})
    d = run(params, replicates=[0]).isel(replicate=0)
    start, end = d.isel(month=slice(0, 12)).mean("month"), d.isel(month=slice(48, 60)).mean("month")
    assert abs(float(end.gini - start.gini)) < 0.015
    assert abs(float(end.poverty_rate - start.poverty_rate)) < 0.015
