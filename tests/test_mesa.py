"""The Mesa layer: households as Mesa agents, batch_run, running, DataCollector, SolaraViz."""

from __future__ import annotations

import math
import sys
from typing import Any

import mesa
import numpy as np
import pytest

from simulation import GraduationModel, Household
from simulation.agents import INCOME_PARTS, READ_ONLY, WRITABLE
from simulation.mechanisms.income import total_income
from simulation.params import Params
from simulation.policy.graduation import GRADUATION_TYPES, STATES
from simulation.policy.registry import NEVER_SEEN
from simulation.reporters import MODEL_REPORTERS
from tests.conftest import small_params

#: attributes that read one column as they are (attribute -> column)
COLUMNS = {
    "urban": "urban", "village": "village", "size": "size", "wage_income": "wage_income",
    "enterprise_income": "enterprise_income", "other_income": "other_income",
    "kin_income": "kin_income", "transfer_income": "transfer_income",
    "consumption": "consumption", "consumption_pc": "consumption_pc",
    "poverty_line": "poverty_line", "poor": "poor", "extremely_poor": "extreme_poor",
    "assets": "assets", "savings": "savings", "debt": "debt", "skill": "skill",
    "employed": "employed",
}  # fmt: skip


def baseline(**overrides: Any) -> Params:
    return small_params("baseline_2025", **overrides)


@pytest.fixture(scope="module")
def run_13() -> GraduationModel:
    """A baseline model after 13 months (graduates, enrolments), its agents made at month 0.

    Read it only: tests share it.
    """
    model = GraduationModel(baseline(run__months=13))
    _ = model.agents_by_type[Household]
    model.run_model()
    return model


def test_batch_run_steps_the_model_and_reports_each_step() -> None:
    p = baseline(run__months=6)
    rows = mesa.batch_run(
        GraduationModel, parameters={"params": p, "replicate": [0, 1]}, max_steps=3,
        number_processes=1, data_collection_period=1, display_progress=False,
    )  # fmt: skip
    for replicate in (0, 1):
        mine = [r for r in rows if r["replicate"] == replicate]
        assert [int(r["Step"]) for r in mine] == [0, 1, 2, 3]
        assert math.isnan(mine[0]["poverty_rate"])  # step 0: nothing recorded yet
        assert all(0 < r["poverty_rate"] < 1 and r["spending"] > 0 for r in mine[1:])
        assert set(MODEL_REPORTERS) <= set(mine[0])
    first = {r["Step"]: r["poverty_rate"] for r in rows if r["replicate"] == 0}
    other = {r["Step"]: r["poverty_rate"] for r in rows if r["replicate"] == 1}
    assert first[3] != other[3]


def test_batch_run_stops_when_the_run_is_over() -> None:
    """``running`` ends the run before ``max_steps``.

    Mesa 3.3's batch_run then reports the steps before the last one (it reports steps 0 to
    ``model.steps - 1``); later versions report every collected step.
    """
    p = baseline(run__months=2)
    rows = mesa.batch_run(
        GraduationModel, parameters={"params": p}, max_steps=10, number_processes=1,
        data_collection_period=1, display_progress=False,
    )  # fmt: skip
    last = 2 if hasattr(mesa.DataCollector(), "_collection_steps") else 1
    assert [int(r["Step"]) for r in rows] == list(range(last + 1))


def test_running_turns_false_after_the_last_month() -> None:
    model = GraduationModel(small_params(run__months=3))
    assert model.running and model.steps == model.month == 0
    model.step()
    model.step_reference()  # counted by Mesa like step()
    assert model.running and model.steps == model.month == 2
    model.step()
    assert not model.running and model.steps == model.month == 3
    with pytest.raises(RuntimeError, match="run is over"):
        model.step()
    fresh = GraduationModel(small_params(run__months=3))
    fresh.run_model()
    assert fresh.month == 3 and not fresh.running


def test_rng_argument_is_the_root_seed() -> None:
    p = small_params(run__months=1)
    assert GraduationModel(p).params == p
    seeded = GraduationModel(p, rng=p.run.seed + 5)
    assert seeded.params.run.seed == p.run.seed + 5
    assert not np.array_equal(seeded.households.assets, GraduationModel(p).households.assets)
    with pytest.raises(TypeError, match="rng"):
        GraduationModel(p, rng=np.random.default_rng(0))  # type: ignore[arg-type]


def test_datacollector_collects_one_row_a_step_from_the_recorded_months() -> None:
    model = GraduationModel(baseline(run__months=4))
    mine = mesa.DataCollector(model_reporters=MODEL_REPORTERS)
    for _ in range(4):
        model.step()
        mine.collect(model)
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 5 and frame.iloc[0].isna().all()  # step 0, then one row a step
    assert mine.get_model_vars_dataframe().equals(frame.iloc[1:].reset_index(drop=True))
    ds = model.recorder.to_dataset(model).isel(replicate=0)
    np.testing.assert_array_equal(frame.poverty_rate[1:], ds.poverty_rate)
    np.testing.assert_array_equal(frame.extreme_poverty_rate[1:], ds.extreme_poverty_rate)
    np.testing.assert_allclose(frame.spending[1:], ds.spending.sum("programme"), rtol=1e-12)
    np.testing.assert_allclose(frame.graduations[1:], ds.graduations.sum("graduation_type"))
    np.testing.assert_array_equal(frame.relapses[1:], ds.relapses)
    np.testing.assert_array_equal(frame.kpm[1:], ds.kpm)


def test_attributes_read_the_columns(run_13: GraduationModel) -> None:
    model, hh = run_13, run_13.households
    for agent in list(model.agents_by_type[Household])[::7]:
        i = agent.index
        for name, column in COLUMNS.items():
            assert getattr(agent, name) == getattr(hh, column)[i], name
        assert agent.income == total_income(hh, np.array([i]))[0]
        assert agent.income == pytest.approx(math.fsum(getattr(agent, p) for p in INCOME_PARTS))
        assert agent.region == model.params.world.regions[hh.region[i]].name
        assert agent.ages == tuple(int(a) // 12 for a in hh.age[i] if a >= 0)
        assert len(agent.ages) == agent.size
        elderly = sum(1 for a in hh.age[i] if a >= 60 * 12)
        assert agent.members["elderly"] == elderly


def test_writes_go_to_the_columns() -> None:
    model = GraduationModel(small_params(run__months=2))
    agent = model.household(5)
    for name, value in (("savings", 5.0), ("assets", 1e6), ("debt", 0), ("skill", 1.5)):
        setattr(agent, name, value)
        assert getattr(model.households, name)[5] == value == getattr(agent, name)
    agent.employed = not agent.employed
    assert model.households.employed[5] == agent.employed
    wrong = [("savings", -1.0, ValueError), ("assets", math.nan, ValueError),
             ("debt", math.inf, ValueError), ("skill", "1", TypeError),
             ("savings", True, TypeError), ("employed", 1, TypeError)]  # fmt: skip
    for name, value, error in wrong:
        with pytest.raises(error, match=name):
            setattr(agent, name, value)
    model.step()  # the month runs from the values written
    assert "savings" not in vars(agent)


@pytest.mark.parametrize("name", sorted(READ_ONLY))
def test_read_only_attributes_raise_saying_why(run_13: GraduationModel, name: str) -> None:
    agent = run_13.household(3)
    before = getattr(agent, name)
    with pytest.raises(AttributeError, match=f"Household.{name} cannot be set: .*Writable"):
        setattr(agent, name, before)
    assert name not in vars(agent)


def test_unknown_attributes_raise_naming_the_allowed_ones() -> None:
    agent = GraduationModel(small_params(run__months=1)).household(0)
    with pytest.raises(AttributeError, match=r"no attribute 'savigns' to set\. Writable: assets"):
        agent.savigns = 5.0
    assert "savigns" not in vars(agent)
    with pytest.raises(AttributeError):
        _ = agent.no_such_column
    assert set(WRITABLE) == {"assets", "debt", "employed", "savings", "skill"}


def test_policy_attributes_agree_with_the_runtime(run_13: GraduationModel) -> None:
    rt = run_13.runtime
    assert rt is not None
    agents = list(run_13.agents_by_type[Household])
    deciles, seen = rt.kemensos_deciles(), rt.registry.seen[rt.kemensos_list()]
    for agent in agents:
        i = agent.index
        names = tuple(p.spec.name for p in rt.programmes if p.enrolled[i])
        assert agent.enrolments == names
        assert agent.registry_decile == (None if seen[i] == NEVER_SEEN else deciles[i])
        assert agent.graduation_state == STATES[rt.tracker.status[i]]
        month, route = rt.tracker.grad_month[i], rt.tracker.grad_type[i]
        assert agent.graduated_month == (None if month < 0 else month)
        assert agent.graduation_route == (None if route < 0 else GRADUATION_TYPES[route])
    states = {a.graduation_state for a in agents}
    assert {"never", "enrolled", "graduated"} <= states
    assert any("PKH" in a.enrolments for a in agents)
    assert any(a.graduated_month is not None for a in agents)


def test_agentset_select_groupby_and_agg(run_13: GraduationModel) -> None:
    hh = run_13.households
    agents = run_13.agents_by_type[Household]
    poor = agents.select(lambda a: a.poor)
    assert len(poor) == int(hh.poor.sum()) > 0
    assert agents.agg("savings", sum) == pytest.approx(hh.savings.sum(), rel=1e-12)
    by_state = agents.groupby("graduation_state").count()
    status = run_13.runtime.tracker.status  # type: ignore[union-attr]
    assert by_state == {STATES[s]: int((status == s).sum()) for s in np.unique(status)}
    by_region = agents.groupby("region").agg("size", sum)
    assert sum(by_region.values()) == int(hh.size.sum())
    enrolled = agents.select(lambda a: "PKH" in a.enrolments)
    pkh = next(p for p in run_13.runtime.programmes if p.spec.name == "PKH")  # type: ignore[union-attr]
    assert sorted(a.index for a in enrolled) == list(np.flatnonzero(pkh.enrolled))


def test_replaced_rows_get_new_agents() -> None:
    model = GraduationModel(small_params(run__months=12))
    by_row = {a.index: a for a in model.agents_by_type[Household]}
    renewed = 0
    while model.running and renewed < 3:
        model.step()
        assert model.renewal is not None
        for row in model.renewal.rows:
            old, new = by_row[row], model.household(row)
            assert new is not old and new.unique_id > old.unique_id and new.index == row
            assert old not in model.agents and new in model.agents_by_type[Household]
            with pytest.raises(LookupError, match="left the model"):
                _ = old.savings
            assert "gone" in repr(old)
            by_row[row] = new
            renewed += 1
    assert renewed >= 3
    agents = model.agents_by_type[Household]
    assert len(agents) == model.households.n
    assert sorted(a.index for a in agents) == list(range(model.households.n))


def test_agents_are_made_only_when_asked_for() -> None:
    model = GraduationModel(small_params(run__months=3))
    model.run_model()
    assert not model._household_agents.created  # a run nobody inspects makes none
    assert Household in model.agent_types
    assert model._household_agents.created


def test_households_are_registered_by_mesas_constructor(
    params: Params, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Agents are made by Mesa's constructor, so whatever a later Mesa's Agent sets works."""
    init = mesa.Agent.__init__

    def more(self: mesa.Agent, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.extra = 1  # as a later Mesa's Agent.__init__ might

    monkeypatch.setattr(mesa.Agent, "__init__", more)
    model = GraduationModel(params)
    households = list(model.agents_by_type[Household])
    ids = [h.unique_id for h in households]
    assert len(set(ids)) == len(ids) == params.world.population.households
    assert all(h.model is model and h.pos is None and h.extra == 1 for h in households)
    assert [h.index for h in households] == list(range(len(households)))
    monkeypatch.undo()
    plain = GraduationModel(params)
    made = list(plain.agents_by_type[Household])
    sizes = {sys.getsizeof(vars(h)) for h in made[:100]}  # their dicts share their keys
    assert len(sizes) == 1 and sizes.pop() < sys.getsizeof(dict(vars(made[0])))
    assert len(plain.agents) == len(made) + len(params.policy.agencies)
    with pytest.raises(TypeError, match="cannot be removed"):
        made[3].remove()


def test_households_do_not_step_alone() -> None:
    model = GraduationModel(small_params(run__months=2))
    with pytest.raises(TypeError, match=r"call model.step\(\)"):
        model.agents_by_type[Household].do("step")


def test_a_solara_viz_page_renders_the_model() -> None:
    solara = pytest.importorskip("solara")
    ipywidgets = pytest.importorskip("ipywidgets")
    from mesa.visualization import SolaraViz, make_plot_component

    p = baseline(run__months=3)
    model = GraduationModel(p)
    model.step()
    page = SolaraViz(
        model,
        components=[make_plot_component("poverty_rate"),
                    make_plot_component({"graduations": "tab:green", "relapses": "tab:red"})],
        model_params={"params": p},
        name="Graduasi",
    )  # fmt: skip
    _, rc = solara.render(page, handle_error=False)
    assert len(rc.find(ipywidgets.Image).widgets) == 2  # the two plots
    rc.close()
