"""The graduation state machine: legal transitions, relapse and sustain, spells."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from simulation.policy.graduation import (
    ALLOWED,
    ENDED_POOR,
    ENDED_REENROLLED,
    ENDED_SUSTAINED,
    GRADUATION_TYPES,
    OPEN,
    STATES,
    GraduationTracker,
)

NEVER, ENROLLED, GRADUATED, SUSTAINED, RELAPSED = (
    STATES.index(s) for s in ("never", "enrolled", "graduated", "sustained", "relapsed")
)
LEGAL = {
    ("never", "enrolled"),
    ("enrolled", "graduated"),
    ("graduated", "sustained"),
    ("graduated", "relapsed"),
    ("relapsed", "enrolled"),
    ("sustained", "enrolled"),
}


def ids(*values: int) -> NDArray[np.intp]:
    return np.array(values, dtype=np.intp)


def tracker_in(states: list[int]) -> GraduationTracker:
    tr = GraduationTracker(len(states))
    tr.status[:] = states
    return tr


def test_states_and_allowed_transitions_are_exactly_the_documented_ones() -> None:
    assert STATES == ("never", "enrolled", "graduated", "sustained", "relapsed")
    assert ALLOWED.shape == (len(STATES), len(STATES))
    legal = {(STATES[a], STATES[b]) for a, b in zip(*np.nonzero(ALLOWED), strict=True)}
    assert legal == LEGAL
    assert not ALLOWED.diagonal().any()  # staying put is not a transition


def test_new_tracker_is_all_never() -> None:
    tr = GraduationTracker(5)
    assert (tr.status == NEVER).all()
    assert (tr.spell == -1).all()
    table = tr.spells.table(10)
    assert all(column.size == 0 for column in table.values())


@pytest.mark.parametrize("old", STATES)
@pytest.mark.parametrize("new", STATES)
def test_single_move(old: str, new: str) -> None:
    tr = tracker_in([NEVER, STATES.index(old), NEVER])
    if (old, new) in LEGAL:
        tr.move(ids(1), STATES.index(new))
        assert tr.status.tolist() == [NEVER, STATES.index(new), NEVER]
    else:
        with pytest.raises(RuntimeError, match=f"household 1: {old} -> {new}"):
            tr.move(ids(1), STATES.index(new))
        assert tr.status.tolist() == [NEVER, STATES.index(old), NEVER]


N_HH = 6
moves_st = st.lists(
    st.tuples(
        st.lists(st.integers(0, N_HH - 1), min_size=0, max_size=N_HH),
        st.integers(0, len(STATES) - 1),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(moves=moves_st)
def test_random_move_sequences_follow_allowed(moves: list[tuple[list[int], int]]) -> None:
    tr = GraduationTracker(N_HH)
    expected = np.zeros(N_HH, dtype=np.int8)
    for households, new in moves:
        idx = np.array(households, dtype=np.intp)
        legal = [bool(ALLOWED[expected[i], new]) for i in households]
        if all(legal):
            tr.move(idx, new)
            expected[idx] = new
        else:
            first = households[legal.index(False)]
            with pytest.raises(RuntimeError) as err:
                tr.move(idx, new)
            message = str(err.value)
            assert f"household {first}:" in message
            assert f"{STATES[expected[first]]} -> {STATES[new]}" in message
        np.testing.assert_array_equal(tr.status, expected)


REGISTRY, NATURAL = GRADUATION_TYPES.index("registry"), GRADUATION_TYPES.index("natural")
FOLLOWUPS = (12, 24)


def test_enrol_skips_the_already_enrolled_and_resets_streaks() -> None:
    tr = tracker_in([NEVER, ENROLLED, RELAPSED, SUSTAINED])
    tr.welfare_streak[:] = 3
    tr.empower_streak[:] = 2
    tr.enrol(ids(0, 1, 2, 3), 5)
    assert (tr.status == ENROLLED).all()
    assert tr.welfare_streak.tolist() == [0, 3, 0, 0]  # household 1 was enrolled already
    assert tr.empower_streak.tolist() == [0, 2, 0, 0]
    assert tr.relapses == tr.reenrolments == 0


def test_reenrolling_a_graduate_is_a_relapse_then_a_new_enrolment() -> None:
    tr = _graduated_tracker([3, 3])
    tr.enrol(ids(1), 9)
    assert tr.status.tolist() == [GRADUATED, ENROLLED]
    assert tr.relapses == tr.reenrolments == 1
    assert tr.relapse_month.tolist() == [-1, 9]
    table = tr.spells.table(20)
    assert table["reason"].tolist() == [OPEN, ENDED_REENROLLED]
    assert table["duration"].tolist() == [17, 6]


def test_graduate_opens_spells_and_counts() -> None:
    tr = tracker_in([ENROLLED, ENROLLED, NEVER, ENROLLED])
    tr.graduate(ids(0, 3), REGISTRY, 7)
    assert tr.status.tolist() == [GRADUATED, ENROLLED, NEVER, GRADUATED]
    assert tr.grad_type.tolist() == [REGISTRY, -1, -1, REGISTRY]
    assert tr.grad_month.tolist() == [7, -1, -1, 7]
    assert tr.new == {"natural": 0, "registry": 2, "self_declared": 0, "empowerment": 0}
    assert tr.spell.tolist() == [0, -1, -1, 1]
    table = tr.spells.table(7)
    assert table["start"].tolist() == [7, 7] and table["route"].tolist() == [REGISTRY] * 2
    assert table["reason"].tolist() == [OPEN, OPEN] and table["first_bad"].tolist() == [-1, -1]

    tr.graduate(ids(1), GRADUATION_TYPES.index("empowerment"), 9)
    assert tr.spell[1] == 2
    assert tr.spells.table(9)["start"].tolist() == [7, 7, 9]
    assert tr.new["empowerment"] == 1
    tr.enrol(ids(2), 9)
    tr.graduate(ids(2), NATURAL, 10, count=False)  # counted by the caller
    assert tr.new["natural"] == 0 and tr.spells.n == 4


def test_graduate_nobody_is_a_no_op() -> None:
    tr = tracker_in([ENROLLED])
    tr.graduate(ids(), 0, 3)
    assert tr.status.tolist() == [ENROLLED]
    assert tr.spells.n == 0


def test_graduate_from_an_illegal_state_raises_before_any_side_effect() -> None:
    tr = tracker_in([ENROLLED, NEVER])
    with pytest.raises(RuntimeError, match="household 1: never -> graduated"):
        tr.graduate(ids(0, 1), 0, 3)
    assert tr.status.tolist() == [ENROLLED, NEVER]
    assert tr.spells.n == 0 and tr.new["natural"] == 0


def _graduated_tracker(months: list[int]) -> GraduationTracker:
    """Households graduated in ``months`` (one each)."""
    tr = tracker_in([ENROLLED] * len(months))
    for i, m in enumerate(months):
        tr.graduate(ids(i), NATURAL, m)
    return tr


def _bad(*households: int, n: int) -> NDArray[np.bool_]:
    out = np.zeros(n, dtype=bool)
    out[list(households)] = True
    return out


def test_followup_relapse_only_at_the_followups() -> None:
    tr = _graduated_tracker([0, 0, 0])
    for month in range(1, 12):  # below the line every month between follow-ups: no relapse
        tr.update_graduates(month, _bad(0, 1, n=3), "followup", FOLLOWUPS)
        assert tr.relapses == 0
    assert tr.spells.table(11)["first_bad"].tolist() == [1, 1, -1]  # seen, not counted
    tr.update_graduates(12, _bad(1, n=3), "followup", FOLLOWUPS)  # the 12-month follow-up
    assert [STATES[x] for x in tr.status] == ["graduated", "relapsed", "graduated"]
    assert tr.relapses == 1 and tr.relapse_month.tolist() == [-1, 12, -1]
    tr.update_graduates(24, _bad(n=3), "followup", FOLLOWUPS)  # the last follow-up: sustained
    assert [STATES[x] for x in tr.status] == ["sustained", "relapsed", "sustained"]
    table = tr.spells.table(30)
    assert table["reason"].tolist() == [ENDED_SUSTAINED, ENDED_POOR, ENDED_SUSTAINED]
    assert table["duration"].tolist() == [24, 12, 24]


def test_any_month_relapses_at_the_first_bad_month() -> None:
    tr = _graduated_tracker([0, 0])
    tr.update_graduates(1, _bad(n=2), "any_month", FOLLOWUPS)
    tr.update_graduates(5, _bad(1, n=2), "any_month", FOLLOWUPS)
    assert tr.status.tolist() == [GRADUATED, RELAPSED]
    assert tr.spells.table(5)["first_bad"].tolist() == [-1, 5]


def test_reenrolment_definition_ignores_poverty() -> None:
    tr = _graduated_tracker([0])
    for month in (1, 12, 24):
        tr.update_graduates(month, _bad(0, n=1), "reenrolment", FOLLOWUPS)
    assert tr.status.tolist() == [SUSTAINED]
    assert tr.spells.table(24)["first_bad"].tolist() == [1]


def test_sustain_needs_exactly_the_last_followup() -> None:
    tr = _graduated_tracker([0, 1])
    calm = np.zeros(2, dtype=bool)
    tr.update_graduates(23, calm, "followup", FOLLOWUPS)
    assert tr.status.tolist() == [GRADUATED, GRADUATED]
    assert tr.sustained == 0
    tr.update_graduates(24, calm, "followup", FOLLOWUPS)
    assert tr.status.tolist() == [SUSTAINED, GRADUATED]
    tr.update_graduates(25, calm, "followup", FOLLOWUPS)
    assert tr.status.tolist() == [SUSTAINED, SUSTAINED]
    assert tr.spells.table(30)["duration"].tolist() == [24, 24]
    assert tr.sustained == 2  # counts accumulate until reset_counts


def test_update_graduates_ignores_non_graduates() -> None:
    tr = tracker_in([NEVER, ENROLLED, SUSTAINED, RELAPSED])
    everywhere = np.ones(4, dtype=bool)
    tr.update_graduates(50, everywhere, "any_month", (1,))
    assert tr.status.tolist() == [NEVER, ENROLLED, SUSTAINED, RELAPSED]
    assert tr.relapses == tr.sustained == 0


def test_relapse_at_the_last_followup_takes_precedence_over_sustain() -> None:
    tr = _graduated_tracker([0])
    tr.update_graduates(24, np.array([True]), "followup", FOLLOWUPS)
    assert tr.status.tolist() == [RELAPSED]
    assert tr.spells.table(24)["reason"].tolist() == [ENDED_POOR]


def test_second_spell_after_relapse_and_reenrolment() -> None:
    tr = _graduated_tracker([2])
    tr.update_graduates(14, np.array([True]), "followup", FOLLOWUPS)
    tr.enrol(ids(0), 15)
    tr.graduate(ids(0), REGISTRY, 20)
    assert tr.spell.tolist() == [1]
    table = tr.spells.table(40)
    assert table["duration"].tolist() == [12, 20]
    assert table["reason"].tolist() == [ENDED_POOR, OPEN]
    assert table["start"].tolist() == [2, 20]
    assert table["route"].tolist() == [NATURAL, REGISTRY]


def test_reset_counts() -> None:
    tr = _graduated_tracker([0, 0])
    tr.update_graduates(1, np.array([True, False]), "any_month", (1,))
    assert tr.new["natural"] == 2 and tr.relapses == 1 and tr.sustained == 1
    tr.reset_counts()
    assert tr.new == dict.fromkeys(GRADUATION_TYPES, 0)
    assert tr.relapses == tr.reenrolments == tr.sustained == 0
