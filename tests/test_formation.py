"""Household formation: leavers set up households, the lonely merge, the sample stays full."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from experiments.demography import long_run
from simulation import GraduationModel
from simulation.households import HouseholdState
from simulation.mechanisms.demography import MonthEvents, People
from simulation.mechanisms.formation import _pairs
from simulation.policy.graduation import NEVER
from tests.conftest import small_params

NO_EVENTS = {
    "world__demography__mortality_a": 0.0,
    "world__demography__leave_home_hazard": 0.0,
    "world__demography__marriage_hazard": 0.0,
    "world__demography__join_hazard": 0.0,
}


@given(st.lists(st.integers(0, 4), max_size=60), st.integers(0, 2**32 - 1))
def test_pairs_are_disjoint_within_a_group_and_leave_at_most_one_per_group(
    groups: list[int], seed: int
) -> None:
    group = np.array(groups, dtype=np.intp)
    a, b = _pairs(group, np.random.default_rng(seed))
    assert (group[a] == group[b]).all()
    both = np.concatenate((a, b))
    assert np.unique(both).size == both.size
    left = np.setdiff1d(np.arange(group.size), both)
    assert (np.bincount(group[left], minlength=5) <= 1).all()


def _world(**overrides: float) -> tuple[GraduationModel, HouseholdState]:
    model = GraduationModel(small_params(run__burn_in_months=0, **(NO_EVENTS | overrides)))
    return model, model.households


def _leaver(hh: HouseholdState, row: int, slot: int) -> People:
    """Take the member in ``slot`` of household ``row`` out, as demography does."""
    person = People.of(hh, np.array([row]), np.array([slot]))
    hh.age[row, slot] = -1
    hh.disabled[row, slot] = False
    hh.size[row] -= 1
    return person


def _join(*people: People) -> People:
    return People(
        *(np.concatenate([getattr(p, k) for p in people]) for k in People.__annotations__)
    )


def test_two_leavers_marry_into_the_emptied_row_and_nothing_is_lost() -> None:
    model, hh = _world(world__demography__partner_probability=1.0)
    stratum = model.formation.stratum
    # three households of one stratum: two with a grown child in slot 2, one emptied by a death
    rows = np.flatnonzero((stratum == stratum[0]) & (hh.size >= 3))[:3]
    hh.age[rows[:2], 2] = [25 * 12, 22 * 12]
    empty = int(rows[2])
    hh.savings[empty] = hh.assets[empty] = 0.0
    dead = _leaver(hh, empty, 0)
    while hh.size[empty]:  # the others in it are gone too (moved out earlier)
        slot = int(np.flatnonzero(hh.age[empty] >= 0)[0])
        hh.age[empty, slot], hh.size[empty] = -1, hh.size[empty] - 1
    wealth = hh.savings.sum() + hh.assets.sum()
    persons = int(hh.size.sum())
    leavers = _join(_leaver(hh, int(rows[0]), 2), _leaver(hh, int(rows[1]), 2))
    events = MonthEvents(np.zeros(0, np.intp), leavers, dead)
    renewal = model.formation.step(hh, events, np.random.default_rng(1), month=5)
    assert renewal.rows.tolist() == [empty]
    assert (renewal.formed, renewal.dissolved, renewal.growth) == (1, 1, 1.0)
    assert hh.age[empty, :2].tolist() == [25 * 12, 22 * 12]  # the older heads the household
    assert hh.size[empty] == 2 and hh.formed[empty] == 5
    assert int(hh.size.sum()) == persons  # the two leavers live in the new household
    assert hh.savings.sum() + hh.assets.sum() == pytest.approx(wealth)
    taken = hh.savings[empty] + hh.assets[empty]
    assert taken > 0  # each took a per-capita share of what their origin held


def test_more_new_households_than_rows_replace_survivors_and_the_weight_grows() -> None:
    model, hh = _world(world__demography__partner_probability=0.0)
    young = np.flatnonzero(hh.size >= 3)[:40]
    hh.age[young, 2] = 20 * 12
    people = _join(*(_leaver(hh, int(r), 2) for r in young))
    events = MonthEvents(np.zeros(0, np.intp), people, People.of(hh, young[:0], young[:0]))
    n = hh.n
    renewal = model.formation.step(hh, events, np.random.default_rng(2), month=0)
    assert renewal.formed == 40 and renewal.dissolved == 0
    assert renewal.growth == pytest.approx((n + 40) / n)
    # each of the 40 kept with probability about N / (N + 40): nearly all placed, in rows of
    # survivors, which leave the sample
    assert 30 <= renewal.rows.size <= 40
    assert (hh.formed[renewal.rows] == 0).all() and (hh.size[renewal.rows] == 1).all()
    assert hh.n == n and (hh.size >= 1).all()


def test_a_person_alone_at_60_moves_in_with_a_younger_household() -> None:
    model, hh = _world(world__demography__join_hazard=1.0)
    stratum = model.formation.stratum
    s = stratum[0]
    alone = np.flatnonzero(stratum == s)[0]
    hh.age[alone] = -1
    hh.age[alone, 3] = 70 * 12  # a lone elderly person, not in slot 0
    hh.size[alone] = 1
    others = np.flatnonzero((stratum == s) & (np.arange(hh.n) != alone))
    hh.age[others, 0] = 40 * 12  # heads 30 years younger
    hh.age[others, 7] = -1  # with room
    hh.size[others] = (hh.age[others] >= 0).sum(axis=1)
    persons = int(hh.size.sum())
    pension = hh.other_income.sum()
    none = People.of(hh, np.zeros(0, np.intp), np.zeros(0, np.intp))
    events = MonthEvents(none.origin, none, none)
    renewal = model.formation.step(hh, events, np.random.default_rng(3), 0)
    assert renewal.dissolved >= 1
    # the emptied row is filled by a grown child who leaves early (no one else formed)
    assert alone in renewal.rows and hh.size[alone] >= 1
    host = np.setdiff1d(renewal.origins, renewal.rows)
    assert np.isin(70 * 12, hh.age[host]).any()
    assert int(hh.size.sum()) == persons
    assert hh.other_income.sum() == pytest.approx(pension)


def test_sample_is_always_full_and_new_households_start_afresh() -> None:
    model = GraduationModel(small_params("baseline_2025", run__months=40))
    rt = model.runtime
    assert rt is not None
    formed = 0
    for month in range(40):
        model.step()
        hh, renewal = model.households, model.renewal
        assert renewal is not None
        assert (hh.size >= 1).all()
        np.testing.assert_array_equal(hh.size, (hh.age >= 0).sum(axis=1))
        rows = renewal.rows
        formed += rows.size
        assert (hh.formed[rows] == month).all()
        if rt.registry.refreshed["shared"] != month:  # off the list until it is refreshed
            assert (rt.registry.decile["shared"][rows] == 10).all()
            assert (rt.tracker.status[rows] == NEVER).all()
            assert not any(p.enrolled[rows].any() for p in rt.programmes if p.kind.bansos)
    assert formed > 0


def test_every_scenario_forms_the_same_households_in_the_same_rows() -> None:
    def run(scenario: str) -> GraduationModel:
        model = GraduationModel(small_params(scenario, run__months=24))
        model.run_model()
        return model

    a, b = run("world_2025"), run("baseline_2025")
    np.testing.assert_array_equal(a.households.formed, b.households.formed)
    np.testing.assert_array_equal(a.households.age, b.households.age)
    assert a.weight == b.weight


@pytest.mark.slow
def test_population_grows_about_as_bps_projects_and_ages() -> None:
    rows = long_run(households=20_000, years=20, seed=0)
    growth = [r["growth"] for r in rows[1:]]
    sizes = [r["size"] for r in rows]
    # BPS projects about 1.1% a year in the 2020s; with today's fertility (the spin-up's
    # decline is over) the momentum fades, so growth slows and the population ages
    assert all(0.8 <= g <= 1.4 for g in growth[:2]), growth
    assert growth[-1] < growth[0], growth
    assert rows[-1]["old"] > rows[0]["old"] + 0.5, [r["old"] for r in rows]
    assert all(3.3 <= s <= 3.9 for s in sizes), sizes


def test_demography_command_prints_its_table(capsys: pytest.CaptureFixture[str]) -> None:
    from experiments.demography import COLUMNS, main

    assert main(["--households", "2000", "--years", "5"]) == 0
    out = capsys.readouterr().out
    assert "| " + " | ".join(COLUMNS.values()) + " |" in out
    rows = [line for line in out.splitlines() if line.startswith(("| 0 |", "| 5 |"))]
    assert len(rows) == 2  # the start and year five
