"""The model end to end: reference vs vectorised, reproducibility, common random numbers."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
import xarray as xr

from simulation import GraduationModel, Household, run
from simulation.params import Params
from simulation.runner import run_replicate
from simulation.schema import from_dict, to_dict
from tests.conftest import assert_same_draws, small_params

FLOAT_COLUMNS = (
    "skill", "persistent", "assets", "savings", "debt", "other_income", "kin_income",
    "usual_income", "wage_income", "enterprise_income", "transfer_income", "health_cost",
    "consumption", "consumption_pc", "poverty_line",
)  # fmt: skip


def busy_params() -> Params:
    """Small world with frequent events, so every branch of every rule is exercised."""
    return small_params(
        world__shocks__health_hazard=0.1,
        world__shocks__disaster_hazard=0.05,
        world__shocks__food_price_hazard=0.3,
        world__demography__conception_hazard=0.08,
        world__demography__leave_home_hazard=0.1,
        world__demography__mortality_a=0.002,
        world__income__job_separation=0.2,
        run__months=18,
    )


def test_vectorised_step_matches_per_agent_reference() -> None:
    """Given the same draws, the vectorised and the per-agent paths give the same state."""
    p = busy_params()
    fast, slow = GraduationModel(p), GraduationModel(p)
    events = {"births": 0, "deaths_or_departures": 0, "sales": 0}
    for _ in range(p.run.months):
        before = fast.households.copy()
        fast.step()
        slow.step_reference()
        a, b = fast.households, slow.households
        for name in ("age", "disabled", "pregnant", "size", "employed", "sick", "poor",
                     "extreme_poor", "region", "village", "urban"):  # fmt: skip
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
        for name in FLOAT_COLUMNS:
            np.testing.assert_allclose(
                getattr(a, name), getattr(b, name), rtol=1e-12, atol=1e-6, err_msg=name
            )  # ulp-level differences of np.exp and math.exp; atol is a millionth of a Rupiah
        events["births"] += int(((a.age == 0) & (before.age < 0)).sum())
        events["deaths_or_departures"] += int(((a.age < 0) & (before.age >= 0)).sum())
        events["sales"] += int((a.consumption_pc * a.size < before.consumption_pc).sum())
    assert events["births"] > 0 and events["deaths_or_departures"] > 0


def test_same_seed_gives_identical_dataset(params: Params) -> None:
    xr.testing.assert_identical(run(params), run(params))


def test_other_replicate_or_seed_gives_different_dataset(params: Params) -> None:
    ds0 = run(params, replicates=[0])
    ds1 = run(params, replicates=[1]).assign_coords(replicate=[0])
    assert not ds0.poverty_rate.equals(ds1.poverty_rate)
    other = small_params(run__seed=params.run.seed + 1)
    assert not ds0.poverty_rate.equals(run(other, replicates=[0]).poverty_rate)


def test_replicates_stack_and_each_equals_its_single_run(params: Params) -> None:
    p = small_params(run__replicates=3)
    ds = run(p)
    assert list(ds.replicate.values) == [0, 1, 2]
    single = run(p, replicates=[2])
    xr.testing.assert_identical(ds.sel(replicate=[2]), single)


def test_common_random_numbers_across_shock_parameters(used_draws: dict[int, list[Any]]) -> None:
    """Changing a policy-like parameter leaves the population and other draws unchanged."""
    size = {"run__burn_in_months": 0, "world__population__households": 3000}  # about 15 ill
    a = GraduationModel(small_params(**size))
    b = GraduationModel(small_params(**size, world__shocks__health_cost_months=4.0))
    for name, col in a.households.columns().items():
        np.testing.assert_array_equal(col, getattr(b.households, name), err_msg=name)
    used_draws.clear()
    a.step()
    b.step()
    assert_same_draws(used_draws, a, b)
    np.testing.assert_array_equal(a.households.sick, b.households.sick)
    assert (b.households.health_cost >= a.households.health_cost).all()
    assert (b.households.health_cost > a.households.health_cost).any()


def test_dataset_labels_units_and_provenance(params: Params) -> None:
    ds = run(params)
    assert ds.poverty_rate.dims == ("replicate", "month")
    assert ds.consumption_by_decile.dims == ("replicate", "month", "decile")
    assert ds.sizes["month"] == params.run.months
    for name, var in ds.data_vars.items():
        assert var.attrs.get("units"), name
        assert var.attrs.get("long_name"), name
    assert str(ds.date.values[0])[:7] == params.run.start
    assert from_dict(Params, json.loads(ds.attrs["params"])) == params
    assert ds.attrs["seed"] == params.run.seed
    assert "mesa" in json.loads(ds.attrs["software_versions"])
    assert np.isfinite(ds.poverty_rate).all()


def test_weight_scales_persons_to_the_nation(params: Params) -> None:
    model = GraduationModel(params)
    national = params.world.population.national_persons
    assert model.weight * model.households.size.sum() == pytest.approx(national, rel=1e-12)
    model.step()
    ds = model.recorder.to_dataset(model)
    persons = float(ds.persons.isel(replicate=0, month=0))
    assert persons == pytest.approx(national, rel=0.01)


def test_households_are_mesa_agents_reading_columns(params: Params) -> None:
    model = GraduationModel(params)
    agents = model.agents_by_type[Household]
    assert len(agents) == params.world.population.households
    hh = next(a for a in agents if a.index == 7)
    model.step()
    assert hh.consumption_pc == model.households.consumption_pc[7]
    ages = model.households.age[7]
    assert hh.size == int((ages >= 0).sum()) >= 1
    kids = hh.members["early_childhood"] + hh.members["primary"]
    assert kids == int(((ages >= 0) & (ages < 13 * 12)).sum())
    with pytest.raises(AttributeError):
        _ = hh.no_such_column


def test_stepping_past_the_end_is_an_error(params: Params) -> None:
    model = GraduationModel(small_params(run__months=1))
    model.step()
    with pytest.raises(RuntimeError, match="run is over"):
        model.step()


def test_params_round_trip(params: Params) -> None:
    assert from_dict(Params, to_dict(params)) == params


def test_recorded_measures_equal_the_metric_functions(params: Params) -> None:
    """The recorder's fused computations give the documented definitions in metrics.py."""
    from simulation.metrics import decile_means, fgt, gini

    model = GraduationModel(params)
    model.step()
    hh = model.households
    w = (hh.size * model.weight).astype(np.float64)
    c, z = hh.consumption_pc, hh.poverty_line
    ds = model.recorder.to_dataset(model).isel(replicate=0, month=0)
    assert float(ds.poverty_gap) == pytest.approx(fgt(c, z, w, 1), rel=1e-12)
    assert float(ds.poverty_severity) == pytest.approx(fgt(c, z, w, 2), rel=1e-12)
    assert float(ds.poverty_rate) == pytest.approx(fgt(c, z, w, 0), rel=1e-12)
    assert float(ds.gini) == pytest.approx(gini(c, w), rel=1e-9)
    # deciles of persons: the sample's sizes sum exactly (a household whose midpoint falls
    # exactly on a decile edge is not moved by the rounding of a scale)
    persons = hh.size.astype(np.float64)
    np.testing.assert_allclose(ds.consumption_by_decile, decile_means(c, persons), rtol=1e-9)
    assert float(ds.mean_assets) == pytest.approx(hh.assets.mean(), rel=1e-12)
    assert float(ds.mean_savings) == pytest.approx(hh.savings.mean(), rel=1e-12)
    assert float(ds.poverty_line) == pytest.approx(np.average(z, weights=persons), rel=1e-12)
    ill = np.count_nonzero(hh.health_cost) * model.weight
    assert float(ds.health_shock_households) == pytest.approx(ill)


def test_household_rules_in_blocks_give_the_same_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Running the per-household rules block by block changes nothing, whatever the block."""
    import simulation.model

    params = small_params("baseline_2025", run__months=8)
    runs = []
    for block in (7, 64, 1 << 15):  # blocks of 7 leave a short last block
        monkeypatch.setattr(simulation.model, "BLOCK", block)
        runs.append(run_replicate(params, 0))
    for ds in runs[1:]:
        xr.testing.assert_identical(ds, runs[0])


def test_environment_lists_every_per_household_array(params: Params) -> None:
    """Blocks of the environment slice every per-household array and nothing else."""
    model = GraduationModel(params)
    env = model.env
    assert env is not None and model.households.n != len(params.world.regions)
    per_household = {
        name for name, value in vars(env).items()
        if isinstance(value, np.ndarray) and value.shape[:1] == (model.households.n,)
    }  # fmt: skip
    assert per_household == set(env.PER_HOUSEHOLD)
    part = env.rows(5, 9)
    for name in env.PER_HOUSEHOLD:
        np.testing.assert_array_equal(getattr(part, name), getattr(env, name)[5:9])
    np.testing.assert_array_equal(part.wages, env.wages)


def test_total_income_of_rows_equals_the_rows_of_the_total(params: Params) -> None:
    from simulation.mechanisms.income import total_income

    model = GraduationModel(params)
    model.step()
    rows = np.array([0, 3, 3, 17, model.households.n - 1])
    whole = total_income(model.households)
    np.testing.assert_array_equal(total_income(model.households, rows), whole[rows])


def test_month_draws_are_the_draws_the_step_used(used_draws: dict[int, list[Any]]) -> None:
    """After a step, month_draws() gives the whole vectors of the block draws it used."""
    import simulation.model

    params = small_params("baseline_2025", run__months=3)
    model = GraduationModel(params)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(simulation.model, "BLOCK", 64)  # several blocks
        for _ in range(2):
            used_draws.clear()
            model.step()
            (blocks,) = used_draws.values()
            whole = model.month_draws()
            for key in blocks[0]:
                np.testing.assert_array_equal(np.concatenate([b[key] for b in blocks]), whole[key])
