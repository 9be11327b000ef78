"""Known cases of single mechanisms: the poverty trap, demography, consumption."""

from __future__ import annotations

import numpy as np
import pytest

from simulation import GraduationModel
from simulation.households import COMPONENTS, component_counts
from simulation.mechanisms.assets import asset_change
from simulation.mechanisms.demography import monthly_mortality
from tests.conftest import small_params

NO_SHOCKS = {
    "world__shocks__health_hazard": 0.0,
    "world__shocks__disaster_hazard": 0.0,
    "world__shocks__food_price_hazard": 0.0,
    "world__income__transitory_sigma": 0.0,
    "world__income__persistent_sigma": 0.0,
    "world__income__job_separation": 0.0,
    "world__consumption__invest_share": 0.0,
}
#: no household forms, merges or dissolves: every row keeps its household (and its assets)
NO_FORMATION = {
    "world__demography__mortality_a": 0.0,
    "world__demography__leave_home_hazard": 0.0,
    "world__demography__marriage_hazard": 0.0,
    "world__demography__join_hazard": 0.0,
}


def test_trap_dynamics_have_three_fixed_points() -> None:
    a = small_params().world.assets
    levels = np.array([a.low_steady_state, a.threshold, a.high_steady_state])
    np.testing.assert_allclose(asset_change(levels, a), 0.0, atol=1e-6)
    below = np.linspace(a.low_steady_state * 1.01, a.threshold * 0.99, 50)
    above = np.linspace(a.threshold * 1.01, a.high_steady_state * 0.99, 50)
    assert (asset_change(below, a) < 0).all() and (asset_change(above, a) > 0).all()
    assert (asset_change(np.array([a.high_steady_state * 3]), a) < 0).all()
    assert (asset_change(np.array([0.0]), a) > 0).all()


def test_households_just_below_the_threshold_fall_back_and_just_above_climb() -> None:
    p = small_params(
        run__months=120,
        run__burn_in_months=0,
        world__assets__speed=0.3,
        **NO_SHOCKS,
        **NO_FORMATION,
    )  # the trap's shape at a speed where ten years are enough to reach its steady states
    a = p.world.assets
    model = GraduationModel(p)
    hh = model.households
    half = hh.n // 2
    hh.assets[:half] = 0.9 * a.threshold
    hh.assets[half:] = 1.1 * a.threshold
    hh.other_income[:] = 2e6  # income above subsistence: no distress sales blur the trap
    model.run_model()
    low, high = hh.assets[:half], hh.assets[half:]
    assert (low < 0.6 * a.threshold).all()
    assert np.median(low) == pytest.approx(a.low_steady_state, rel=0.05)
    assert (high > 0.9 * a.high_steady_state).all()


def test_children_move_up_school_components_as_they_age() -> None:
    p = small_params(run__months=13, run__burn_in_months=0, world__demography__mortality_a=0.0,
                     world__demography__leave_home_hazard=0.0)  # fmt: skip
    model = GraduationModel(p)
    hh = model.households
    hh.age[:, 2] = 6 * 12 + 11  # a child one month from primary school in every household
    hh.age[:, 3:] = -1
    hh.size[:] = (hh.age >= 0).sum(axis=1)
    j = COMPONENTS.index("primary")
    before = component_counts(hh)[:, j]
    model.step()
    assert (component_counts(hh)[:, j] == before + 1).all()
    for _ in range(12):
        model.step()
    assert (hh.age[:, 2] == 6 * 12 + 11 + 13).all()


def test_pregnancies_end_in_births_after_the_set_months() -> None:
    p = small_params(
        run__months=10, run__burn_in_months=0, world__demography__conception_hazard=0.0
    )
    model = GraduationModel(p)
    hh = model.households
    hh.age[:, 3:] = -1
    hh.pregnant[:] = 0
    hh.pregnant[:10] = 1
    hh.size[:] = (hh.age >= 0).sum(axis=1)
    sizes = hh.size.copy()
    for _ in range(p.world.demography.pregnancy_months):
        model.step()
    assert (hh.pregnant[:10] == 0).all()
    newborn = (hh.age[:10] == 0).any(axis=1)
    assert newborn.all()
    assert (hh.size[:10] >= sizes[:10]).all()


def test_mortality_rises_with_age() -> None:
    q = monthly_mortality(small_params().world.demography)
    assert (np.diff(q) > 0).all() and 0 < q[0] < q[80] < 1


def test_distress_sales_keep_subsistence_when_income_stops() -> None:
    p = small_params(run__months=3, run__burn_in_months=0, **NO_SHOCKS, **NO_FORMATION)
    model = GraduationModel(p)
    hh = model.households
    hh.skill[:] = 1e-9
    hh.other_income[:] = 0.0
    hh.savings[:] = 0.0
    hh.assets[:] = 2.0 * p.world.assets.high_steady_state
    model.step()
    floor = p.world.consumption.subsistence_share * p.world.poverty.extreme
    assert (hh.consumption_pc >= floor * (1 - 1e-9)).all()
    assert (hh.assets < 2.0 * p.world.assets.high_steady_state).all()
    assert not hh.extreme_poor.any()


@pytest.mark.parametrize("burn_in", [0, 7])
def test_kept_member_counts_equal_a_full_recount(burn_in: int) -> None:
    """Counts recomputed only where demography or a band edge changed them stay exact."""
    from simulation.composition import Composition
    from simulation.mechanisms.income import earners

    params = small_params(
        "baseline_2025",
        world__population__households=3000,
        run__months=40,
        run__burn_in_months=burn_in,
    )
    model = GraduationModel(params)
    inc = params.world.income
    for _ in range(40):
        model.step()
        fresh = Composition(model.households, params.world, model.month - 1)
        kept = model.composition
        np.testing.assert_array_equal(kept.components, fresh.components)
        np.testing.assert_array_equal(kept.workers, fresh.workers)
        np.testing.assert_array_equal(kept.care_need, fresh.care_need)
        np.testing.assert_array_equal(kept.born_oldest, fresh.born_oldest)
        np.testing.assert_array_equal(kept.leavers, fresh.leavers)
        np.testing.assert_array_equal(kept.components, component_counts(model.households))
        assert ((earners(model.households, inc) > 0) == (kept.workers > 0)).all()
    assert kept.epoch == 40 + burn_in


@pytest.mark.parametrize("dtype", [np.int16, np.bool_, np.float64, np.int8])
def test_take_rows_equals_fancy_indexing(dtype: type) -> None:
    from simulation.households import take_rows

    rng = np.random.default_rng(5)
    matrix = (rng.integers(-1, 900, size=(500, 8))).astype(dtype)
    rows = rng.integers(0, 500, size=777)
    for m in (matrix, np.asfortranarray(matrix), matrix[:, :6]):
        got = take_rows(m, rows)
        np.testing.assert_array_equal(got, m[rows])
        assert got.dtype == m.dtype and got.shape == (777, m.shape[1])


def test_demography_with_kept_bounds_equals_looking_at_every_member() -> None:
    """The composition's bounds only skip work: the same deaths and departures happen."""
    from simulation.mechanisms.demography import demography_step

    params = small_params("baseline_2025", world__population__households=4000, run__months=30)
    model = GraduationModel(params)
    d = params.world.demography
    for _ in range(25):
        model.step()
        model._prepare_month()  # next month's draws, as the step would make them
        plain, hinted = model.households.copy(), model.households.copy()
        demography_step(plain, d, model.draws, model.rare, model._mortality)
        bounds = model.composition.bounds()
        demography_step(hinted, d, model.draws, model.rare, model._mortality, bounds)
        for name, column in plain.columns().items():
            np.testing.assert_array_equal(column, hinted.columns()[name], err_msg=name)


def test_residents_of_villages_are_the_households_living_there() -> None:
    from simulation.environment import Places

    model = GraduationModel(small_params(world__population__households=2000))
    hh, places = model.households, Places(model.params.world, model.households)
    rng = np.random.default_rng(5)
    for share in (0.0, 0.05, 0.5, 1.0):
        villages = rng.random(model.n_villages) < share
        expected = np.flatnonzero(villages[hh.village])
        np.testing.assert_array_equal(np.sort(places.residents(villages)), expected)
