"""The policy history: the 2025 status quo acts before the start, then the scenario takes over."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from scenarios import STATUS_QUO, load_params
from simulation import GraduationModel, run
from simulation.policy.programmes.base import ProgrammeRuntime
from simulation.policy.runtime import Agency

SMALL: dict[str, Any] = {
    "world.population.households": 3000,
    "world.population.village_size": 50,
    "run.burn_in_months": 30,
    "run.history_months": 24,
    "run.months": 24,
}


def model(scenario: str, **overrides: Any) -> GraduationModel:
    more = {k.replace("__", "."): v for k, v in overrides.items()}
    return GraduationModel(load_params(scenario, SMALL | more))


def programme(m: GraduationModel, name: str) -> ProgrammeRuntime:
    assert m.runtime is not None
    return next(p for p in m.runtime.programmes if p.spec.name == name)


@pytest.fixture(scope="module")
def baseline() -> GraduationModel:
    return model("baseline_2025")


def test_every_scenario_has_the_status_quo_as_its_past() -> None:
    status_quo = load_params(STATUS_QUO).policy
    for name in ("baseline_2025", "full_synergy", "aid_only", "fragmented"):
        params = load_params(name, SMALL)
        assert params.history == status_quo and params.history_months == 24
    overridden = load_params(STATUS_QUO, SMALL | {"policy.programmes.PKH.budget": [1e12]})
    assert overridden.history == status_quo != overridden.policy  # a reform starts in 2025
    assert load_params("world_2025").history is None  # no programmes, no history


def test_history_is_at_most_the_burn_in() -> None:
    params = load_params("baseline_2025", SMALL | {"run.burn_in_months": 6})
    assert params.history_months == 6


def test_the_first_month_finds_the_programmes_running(baseline: GraduationModel) -> None:
    """Before any recorded month: families enrolled, graduates followed, years of budget."""
    assert baseline.month == 0
    assert programme(baseline, "PKH").enrolled.any()
    assert programme(baseline, "Sembako").enrolled.any()
    assert programme(baseline, "PENA").ever.any()  # cohorts in or through coaching
    assert baseline.runtime is not None and baseline.runtime.first_month == -24
    assert (baseline.runtime.tracker.grad_month[baseline.runtime.tracker.grad_type >= 0] < 0).all()


def test_scenarios_share_the_past_and_part_in_january(baseline: GraduationModel) -> None:
    """Common random numbers: every scenario reaches month 0 in the same state."""
    other = model("full_synergy")
    hh, bh = other.households, baseline.households
    for column in ("consumption", "assets", "savings", "skill", "age"):
        np.testing.assert_array_equal(getattr(hh, column), getattr(bh, column))
    assert other.runtime is not None and baseline.runtime is not None
    np.testing.assert_array_equal(other.runtime.tracker.status, baseline.runtime.tracker.status)
    for name in ("PKH", "Sembako", "PENA", "UMi credit"):
        a, b = programme(other, name), programme(baseline, name)
        np.testing.assert_array_equal(a.enrolled, b.enrolled)
        np.testing.assert_array_equal(a.since, b.since)
    assert not programme(other, "Graduate follow-up").enrolled.any()  # new in 2025: empty
    assert len(other.agents_by_type[Agency]) == len(other.params.policy.agencies)  # no leftovers


def test_a_reform_applies_from_january_to_the_families_already_enrolled() -> None:
    kept = model("baseline_2025")
    reform = model("baseline_2025", policy__programmes__PKH__rules__verified_share=1.0)
    before_k, before_r = programme(kept, "PKH"), programme(reform, "PKH")
    np.testing.assert_array_equal(before_k.enrolled, before_r.enrolled)  # the same past
    kept.step()
    reform.step()
    both = before_k.enrolled & before_r.enrolled
    assert both.any()
    paid_k = kept.households.transfer_income[both].sum()
    paid_r = reform.households.transfer_income[both].sum()
    assert paid_r > paid_k  # every member verified from January: larger benefits


def test_a_same_policy_run_is_one_continuous_runtime(baseline: GraduationModel) -> None:
    assert baseline.runtime is not None and len(baseline.agents_by_type[Agency]) == 6


def test_spell_statistics_count_only_recorded_graduations(monkeypatch: pytest.MonkeyPatch) -> None:
    """The history's graduates are followed up, but their spells are not the record's."""
    import simulation.outcomes as outcomes

    seen: list[int] = []
    real = outcomes.kaplan_meier

    def spy(duration, event, horizon):  # type: ignore[no-untyped-def]
        seen.append(int(np.size(duration)))
        return real(duration, event, horizon)

    monkeypatch.setattr(outcomes, "kaplan_meier", spy)
    params = load_params("baseline_2025", SMALL | {"run.months": 13})
    m = GraduationModel(params)
    assert m.runtime is not None
    m.run_model()
    budgets = m.policy_recorder.variables(m, m.runtime)["budget_allocated"][1]
    assert np.isfinite(budgets[0, 0]).all() and np.isfinite(budgets[0, 1]).all()  # 2025, 2026
    spells = m.runtime.tracker.spells.table(12)
    assert (spells["start"] < 0).any() and (spells["start"] >= 0).any()
    assert seen and seen[-1] == int((spells["start"] >= 0).sum())


def test_a_history_gives_the_same_dataset_twice() -> None:
    params = load_params("full_synergy", SMALL | {"run.months": 6})
    a, b = run(params, replicates=[0]), run(params, replicates=[0])
    assert a.identical(b)
