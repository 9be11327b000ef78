"""PKH pays for the members it has on record and verified: the keyed draws and the counts."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from scenarios import load_params
from simulation import GraduationModel
from simulation.households import COMPONENTS, component_counts
from simulation.policy.programmes.pkh import PKH, verified_counts
from simulation.streams import Streams

SMALL = {
    "world.population.households": 2000,
    "world.population.village_size": 40,
    "run.months": 12,
    "run.burn_in_months": 0,
}


def test_keyed_uniforms_are_a_fixed_uniform_function_of_their_keys() -> None:
    s = Streams(7, 1)
    rows = np.arange(200_000)
    u = s.keyed_uniforms("verification", rows, np.int64(-40))
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.01
    again = Streams(7, 1).keyed_uniforms("verification", rows[::-1], np.int64(-40))[::-1]
    np.testing.assert_array_equal(u, again)  # order and batch do not matter
    for other in (Streams(8, 1), Streams(7, 2)):
        assert not np.array_equal(u, other.keyed_uniforms("verification", rows, np.int64(-40)))
    assert not np.array_equal(u, s.keyed_uniforms("registry", rows, np.int64(-40)))
    assert not np.array_equal(u, s.keyed_uniforms("verification", rows, np.int64(-41)))
    with pytest.raises(KeyError, match="unknown random decision"):
        s.keyed_uniforms("nope", rows)


@pytest.fixture(scope="module")
def model() -> GraduationModel:
    return GraduationModel(load_params("baseline_2025", SMALL), replicate=0)


def test_all_or_none_verified(model: GraduationModel) -> None:
    hh, rows = model.households, np.arange(model.households.n)
    keyed = model.streams.keyed_uniforms
    full = verified_counts(hh, rows, 0, 1.0, keyed)
    np.testing.assert_array_equal(full, component_counts(hh))
    assert not verified_counts(hh, rows, 0, 0.0, keyed).any()


def test_a_share_of_members_is_verified_and_never_more_than_hold_a_component(
    model: GraduationModel,
) -> None:
    hh, rows = model.households, np.arange(model.households.n)
    full = component_counts(hh)
    some = verified_counts(hh, rows, 0, 0.4, model.streams.keyed_uniforms)
    assert (some <= full).all()
    n, k = int(full[:, 1:].sum()), int(some[:, 1:].sum())  # members (pregnancies are few)
    assert stats.binomtest(k, n, 0.4).pvalue > 1e-4


def test_a_member_keeps_its_draw_while_it_holds_its_component(model: GraduationModel) -> None:
    """Ageing a month moves nobody between bands here, so nobody's verification changes."""
    hh, keyed = model.households, model.streams.keyed_uniforms
    edges = sorted({round(x * 12) for band in ((0, 7), (7, 13), (13, 16), (16, 19), (60, 200))
                    for x in band})  # fmt: skip
    age = hh.age.astype(np.int64)
    crossing = np.isin(age + 1, edges) & (age >= 0)
    rows = np.flatnonzero(~crossing.any(axis=1) & (hh.pregnant == 0))
    now = verified_counts(hh, rows, 0, 0.5, keyed)
    saved = hh.age.copy()
    try:
        hh.age[hh.age >= 0] += 1
        later = verified_counts(hh, rows, 1, 0.5, keyed)
    finally:
        hh.age[:] = saved
    np.testing.assert_array_equal(now, later)


def test_a_child_is_verified_anew_at_the_next_school_level(model: GraduationModel) -> None:
    hh, keyed = model.households, model.streams.keyed_uniforms
    primary, junior = COMPONENTS.index("primary"), COMPONENTS.index("junior")
    age = hh.age.astype(np.int64)
    rows = np.flatnonzero((age == 13 * 12 - 1).any(axis=1))  # a child about to enter SMP
    assert rows.size > 5
    saved = hh.age.copy()
    try:
        before = verified_counts(hh, rows, 0, 0.5, keyed)
        hh.age[hh.age >= 0] += 1
        after = verified_counts(hh, rows, 1, 0.5, keyed)
    finally:
        hh.age[:] = saved
    moved = before[:, primary] - after[:, primary]  # verified children who left SD
    gained = after[:, junior] - before[:, junior]  # verified children who entered SMP
    assert not np.array_equal(moved, gained)  # not the same children: drawn anew


def test_a_lower_share_buys_more_families_with_the_same_budget() -> None:
    def families(share: float) -> tuple[int, float]:
        params = load_params(
            "baseline_2025", SMALL | {"policy.programmes.PKH.rules.verified_share": share}
        )
        m = GraduationModel(params, replicate=0)
        for _ in range(3):
            m.step()
        assert m.runtime is not None
        pkh = next(p for p in m.runtime.programmes if isinstance(p, PKH))
        return int(pkh.enrolled.sum()), float(pkh._annual[pkh.enrolled].mean())

    (n_all, a_all), (n_some, a_some) = families(1.0), families(0.4)
    assert n_some > n_all and a_some < a_all
