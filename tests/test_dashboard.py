"""The dashboard without a browser: controls -> parameters, the two-run model, panels, the page.

The browser test (a real server in headless Chromium) is tests/test_dashboard_browser.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from experiments.dashboard.controls import LEVERS, Controls, build_params
from experiments.dashboard.model import DashboardModel, parse_choice
from simulation.params import ParameterError, Params
from simulation.policy.programmes import KINDS

SMALL = 400  # households: the controls' tests only build parameters; the model tests run them


def budgets(params: Params) -> dict[str, tuple[tuple[float, ...], float]]:
    return {p.name: (p.budget, p.capacity) for p in params.policy.programmes}


def group(params: Params, which: str) -> float:
    """The first year's budget of the bansos or the empowerment programmes."""

    def member(kind: str) -> bool:
        return KINDS[kind].bansos if which == "bansos" else KINDS[kind].function == "empowerment"

    return sum(p.budget[0] for p in params.policy.programmes if member(p.kind))


@pytest.fixture(scope="module")
def base() -> Params:
    return build_params(Controls(households=SMALL))


def test_default_controls_leave_the_scenario_as_it_is(base: Params) -> None:
    from scenarios import load_params

    assert base == load_params("baseline_2025", {"world.population.households": SMALL})


def test_aid_level_scales_bansos_budgets_and_capacities_only(base: Params) -> None:
    aid = build_params(Controls(households=SMALL, aid_level=1.5))
    before, after = budgets(base), budgets(aid)
    for p in base.policy.programmes:
        (b0, c0), (b1, c1) = before[p.name], after[p.name]
        factor = 1.5 if KINDS[p.kind].bansos else 1.0
        assert b1 == pytest.approx(tuple(b * factor for b in b0)), p.name
        assert c1 == pytest.approx(c0 * factor), p.name
    assert {p.name for p in base.policy.programmes if KINDS[p.kind].bansos} == {"PKH", "Sembako"}


@pytest.mark.parametrize("share", [0.0, 0.25, 0.5])
def test_empowerment_share_moves_money_and_keeps_the_total(base: Params, share: float) -> None:
    moved = build_params(Controls(households=SMALL, empowerment_share=share))
    total = group(base, "bansos") + group(base, "empowerment")
    assert group(moved, "bansos") + group(moved, "empowerment") == pytest.approx(total)
    assert group(moved, "empowerment") == pytest.approx(share * total)
    before, after = budgets(base), budgets(moved)
    assert after["PBI-JKN"] == before["PBI-JKN"]  # neither bansos nor empowerment
    # within a group, programmes keep their parts of the group's money
    pena, umi = (after[n][0][0] / before[n][0][0] for n in ("PENA", "UMi credit"))
    assert pena == pytest.approx(umi)


def test_aid_level_comes_before_the_share(base: Params) -> None:
    both = build_params(Controls(households=SMALL, aid_level=2.0, empowerment_share=0.2))
    total = 2 * group(base, "bansos") + group(base, "empowerment")
    assert group(both, "empowerment") == pytest.approx(0.2 * total)


@pytest.mark.parametrize("lever", list(LEVERS))
def test_each_switch_turns_its_lever_on_and_off(lever: str) -> None:
    def collab_and_follow_up(value: bool) -> tuple[object, bool]:
        p = build_params(Controls(households=SMALL, **{lever: value}))
        c = p.policy.collaboration
        state = {"shared_registry": c.shared_registry, "referral": c.referral_rate > 0,
                 "joint_targeting": c.joint_targeting,
                 "duplication_avoidance": c.duplication_avoidance,
                 "follow_up": any(q.kind == "follow_up" for q in p.policy.programmes)}  # fmt: skip
        return state[lever], p.policy.collaboration.referral_rate

    on, off = collab_and_follow_up(True), collab_and_follow_up(False)
    assert on[0] is True and off[0] is False
    if lever == "referral":
        assert on[1] == 0.5 and off[1] == 0.0  # the rate of scenarios/full_synergy.yaml


def test_switches_can_turn_a_scenarios_levers_off() -> None:
    levers = dict.fromkeys(LEVERS, False)
    p = build_params(Controls("full_synergy", households=SMALL, **levers))
    c = p.policy.collaboration
    assert not (c.shared_registry or c.joint_targeting or c.duplication_avoidance)
    assert c.referral_rate == 0
    assert not any(q.kind == "follow_up" for q in p.policy.programmes)


def test_shock_intensity_scales_the_hazards(base: Params) -> None:
    p = build_params(Controls(households=SMALL, shock_intensity=2.0))
    for hazard in ("health_hazard", "disaster_hazard", "food_price_hazard"):
        assert getattr(p.world.shocks, hazard) == 2 * getattr(base.world.shocks, hazard)
    assert p.world.shocks.disaster_asset_loss == base.world.shocks.disaster_asset_loss


def test_households_and_seed() -> None:
    p = build_params(Controls(households=1234, seed=7))
    assert p.world.population.households == 1234 and p.run.seed == 7


@pytest.mark.parametrize(
    ("controls", "message"),
    [
        (Controls(aid_level=-1), r"aid level: must be a number >= 0"),
        (Controls(aid_level=float("nan")), r"aid level: must be a number >= 0"),
        (Controls(empowerment_share=1.5), r"empowerment share: must be a share in \[0, 1\]"),
        (Controls(shock_intensity=-0.5), r"shock intensity: must be a number >= 0"),
        (Controls(shock_intensity=1000), r"shock intensity: .*health_hazard must be in \[0, 1\]"),
        (Controls(households=0), r"households/seed: world.population.households must be in"),
        (Controls(seed=-1), r"run.seed must be in"),
        (Controls(scenario="nowhere"), r"scenario: unknown 'nowhere'; available: \["),
        (Controls("aid_only", empowerment_share=0.2), r"gives the empowerment programmes no"),
        (Controls("world_2025", empowerment_share=0.2), r"needs bansos and empowerment"),
        (Controls("world_2025", follow_up=True), r"collaboration: .*agency 'Kemenko PM'"),
    ],
)
def test_bad_controls_stop_with_a_clear_message(controls: Controls, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        build_params(controls)


def test_select_choices_are_read() -> None:
    assert parse_choice("as scenario", "x") is None
    assert parse_choice("on", "x") is True and parse_choice("off", "x") is False
    assert parse_choice("20%", "x") == pytest.approx(0.2)
    with pytest.raises(ParameterError, match="referral: cannot read 'maybe'"):
        parse_choice("maybe", "referral")


# -- the model and its panels ---------------------------------------------------------------


@pytest.fixture(scope="module")
def stepped() -> DashboardModel:
    model = DashboardModel(households=SMALL, aid_level=1.2, referral="on")
    for _ in range(3):
        model.step()
    return model


def test_the_two_runs_share_households_and_step_together(stepped: DashboardModel) -> None:
    main, other = stepped.runs
    assert stepped.month == main.month == other.month == 3 and stepped.running
    assert stepped.names == ("baseline_2025", "world_2025")
    assert main.params.run.seed == other.params.run.seed
    assert other.params.policy.programmes == ()  # the comparison takes no policy control
    np.testing.assert_array_equal(main.households.region, other.households.region)
    main_ds, other_ds = stepped.results()
    assert main_ds.sizes["month"] == other_ds.sizes["month"] == 3
    assert float(main_ds.cumulative_spending[-1]) > 0 == float(other_ds.cumulative_spending[-1])
    assert "aid level ×1.2" in stepped.describe() and "referral on" in stepped.describe()


def test_invalid_controls_give_a_model_that_shows_the_error_and_does_not_run() -> None:
    model = DashboardModel(aid_level=-2, households=SMALL)
    assert model.error is not None and "aid level" in model.error
    assert not model.running and model.runs == ()
    model.step()  # a no-op, as SolaraViz may still call it
    bad_seed = DashboardModel(seed="abc", households=SMALL)
    assert bad_seed.error == "seed: must be a whole number, got 'abc'"


def test_figures_have_titles_and_axis_labels(stepped: DashboardModel) -> None:
    from experiments.dashboard import panels

    for draw in (panels.headcount_figure, panels.flows_figure, panels.spending_figure):
        ax = draw(stepped).axes[0]
        assert ax.get_title() and ax.get_xlabel() == "month" and ax.get_ylabel(), draw.__name__
        assert any(len(line.get_xdata()) == 3 for line in ax.get_lines()), draw.__name__
    fig = panels.households_figure(stepped)
    assert fig.get_suptitle() and fig.axes[0].get_ylabel() == "people (millions)"
    assert fig.get_supxlabel() == "consumption per capita / poverty line"
    rows = panels.comparison_rows(stepped)
    assert rows[0][0] == "Poverty (%)" and all(r[1] != "–" for r in rows)


# Mesa 3.3's SolaraViz trips solara's check of the rules of hooks (a use_state after a return)
@pytest.mark.filterwarnings("ignore:.*found despite early return:UserWarning")
def test_page_builds_and_its_step_button_steps_both_runs() -> None:
    import ipyvuetify as v
    import ipywidgets
    import solara

    from experiments.dashboard import page

    _, rc = solara.render(solara.AppLayout(children=[page(households=SMALL)]), handle_error=False)

    def status() -> str:
        return str(rc.find(solara.widgets.HTML).widget.unsafe_innerHTML)

    assert "Month 0 of 60" in status()
    assert len(rc.find(ipywidgets.Image).widgets) == 4
    labels = [str(w.label) for w in rc.find(v.Select).widgets]
    assert "Scenario" in labels and "Referral of graduates" in labels
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert "Month 1 of 60" in status()


@pytest.mark.filterwarnings("ignore:.*found despite early return:UserWarning")
def test_the_page_shows_a_bad_control_as_a_readable_error() -> None:
    import ipyvuetify as v
    import solara

    from experiments.dashboard.panels import COMPONENTS

    model = DashboardModel(seed="abc", households=SMALL)

    @solara.component
    def Panels():  # type: ignore[no-untyped-def]
        with solara.Column() as column:
            for panel in COMPONENTS:
                panel(model)
        return column

    _, rc = solara.render(Panels(), handle_error=False)
    alerts = [str(w.children) for w in rc.find(v.Alert).widgets]
    assert any("Cannot build the model: seed: must be a whole number" in a for a in alerts)
    assert sum("see the message under Scenario comparison" in a for a in alerts) == 4


@pytest.mark.filterwarnings("ignore:.*found despite early return:UserWarning")
def test_one_control_per_model_keyword_with_python_values_as_choices() -> None:
    import inspect

    from experiments.dashboard.app import model_params

    params = model_params(empowerment_share=0.33, referral=True, aid_level=1.0)
    keywords = set(inspect.signature(DashboardModel.__init__).parameters) - {"self"}
    assert set(params) == keywords
    assert params["empowerment_share"]["value"] == "33%" in params["empowerment_share"]["values"]
    assert params["referral"]["value"] == "on" and params["follow_up"]["value"] == "as scenario"
    assert params["aid_level"]["value"] == 1.0
    assert DashboardModel(households=SMALL, empowerment_share="33%").controls.empowerment_share == (
        pytest.approx(0.33)
    )
