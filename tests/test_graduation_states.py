"""The graduation state machine: legal transitions, relapse and sustain, spells."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from simulation.policy.graduation import ALLOWED, GRADUATION_TYPES, STATES, GraduationTracker

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
    durations, relapsed, start = tr.spells(10)
    assert durations.size == relapsed.size == start.size == 0


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


def test_enrol_skips_the_already_enrolled_and_resets_streaks() -> None:
    tr = tracker_in([NEVER, ENROLLED, RELAPSED, SUSTAINED])
    tr.welfare_streak[:] = 3
    tr.empower_streak[:] = 2
    tr.enrol(ids(0, 1, 2, 3))
    assert (tr.status == ENROLLED).all()
    assert tr.welfare_streak.tolist() == [0, 3, 0, 0]  # household 1 was enrolled already
    assert tr.empower_streak.tolist() == [0, 2, 0, 0]


def test_enrol_refuses_a_graduate_still_in_its_sustain_window() -> None:
    tr = tracker_in([NEVER, GRADUATED])
    with pytest.raises(RuntimeError, match="graduated -> enrolled"):
        tr.enrol(ids(0, 1))
    assert tr.status.tolist() == [NEVER, GRADUATED]


def test_graduate_opens_spells_and_counts() -> None:
    tr = tracker_in([ENROLLED, ENROLLED, NEVER, ENROLLED])
    tr.graduate(ids(0, 3), GRADUATION_TYPES.index("welfare"), 7)
    assert tr.status.tolist() == [GRADUATED, ENROLLED, NEVER, GRADUATED]
    assert tr.grad_type.tolist() == [GRADUATION_TYPES.index("welfare"), -1, -1, 1]
    assert tr.grad_month.tolist() == [7, -1, -1, 7]
    assert tr.new == {"natural": 0, "welfare": 2, "empowerment": 0}
    assert tr.spell.tolist() == [0, -1, -1, 1]
    assert tr.spell_start == [7, 7]
    assert tr.spell_end == [-1, -1]
    assert tr.spell_relapsed == [False, False]

    tr.graduate(ids(1), GRADUATION_TYPES.index("empowerment"), 9)
    assert tr.spell[1] == 2
    assert tr.spell_start == [7, 7, 9]
    assert tr.new["empowerment"] == 1


def test_graduate_nobody_is_a_no_op() -> None:
    tr = tracker_in([ENROLLED])
    tr.graduate(ids(), 0, 3)
    assert tr.status.tolist() == [ENROLLED]
    assert tr.spell_start == []


def test_graduate_from_an_illegal_state_raises_before_any_side_effect() -> None:
    tr = tracker_in([ENROLLED, NEVER])
    with pytest.raises(RuntimeError, match="household 1: never -> graduated"):
        tr.graduate(ids(0, 1), 0, 3)
    assert tr.status.tolist() == [ENROLLED, NEVER]
    assert tr.spell_start == [] and tr.new["natural"] == 0


def _graduated_tracker(months: list[int]) -> GraduationTracker:
    """Households graduated in ``months`` (one each)."""
    tr = tracker_in([ENROLLED] * len(months))
    for i, m in enumerate(months):
        tr.graduate(ids(i), GRADUATION_TYPES.index("natural"), m)
    return tr


def test_update_graduates_relapse_and_sustain() -> None:
    # households 0-4 graduate in month 0; 5 graduates in month 10; 6 never graduated
    tr = _graduated_tracker([0, 0, 0, 0, 0, 10])
    tr = _extend(tr, NEVER)
    poor = np.array([True, False, False, False, True, False, True])
    low = np.array([False, True, False, False, True, False, True])
    tr.update_graduates(12, poor, low, sustain=12)
    # 0 poor, 1 low decile, 4 both: relapse; 2, 3 reached 12 months: sustain; 5 too recent
    assert [STATES[s] for s in tr.status] == [
        "relapsed", "relapsed", "sustained", "sustained", "relapsed", "graduated", "never",
    ]  # fmt: skip
    assert tr.relapses == 3 and tr.sustained == 2
    assert tr.relapse_month.tolist() == [12, 12, -1, -1, 12, -1, -1]
    assert tr.spell_end == [12, 12, 12, 12, 12, -1]
    assert tr.spell_relapsed == [True, True, False, False, True, False]
    assert tr.spell.tolist() == [-1, -1, -1, -1, -1, 5, -1]

    durations, relapsed, start = tr.spells(20)
    assert durations.tolist() == [12, 12, 12, 12, 12, 10]  # the open spell is censored at 20
    assert relapsed.tolist() == [True, True, False, False, True, False]
    assert start.tolist() == [0, 0, 0, 0, 0, 10]


def _extend(tr: GraduationTracker, state: int) -> GraduationTracker:
    """Copy of ``tr`` with one more household in ``state`` (no spell)."""
    out = GraduationTracker(tr.status.size + 1)
    for name in ("status", "grad_type", "grad_month", "relapse_month", "spell"):
        getattr(out, name)[:-1] = getattr(tr, name)
    out.status[-1] = state
    out.n_spells = tr.n_spells
    out._start, out._end, out._relapsed = tr._start.copy(), tr._end.copy(), tr._relapsed.copy()
    return out


def test_sustain_needs_exactly_sustain_months() -> None:
    tr = _graduated_tracker([0, 1])
    calm = np.zeros(2, dtype=bool)
    tr.update_graduates(23, calm, calm, sustain=24)
    assert tr.status.tolist() == [GRADUATED, GRADUATED]
    assert tr.sustained == 0
    tr.update_graduates(24, calm, calm, sustain=24)
    assert tr.status.tolist() == [SUSTAINED, GRADUATED]
    assert tr.spell_end == [24, -1]
    tr.update_graduates(25, calm, calm, sustain=24)
    assert tr.status.tolist() == [SUSTAINED, SUSTAINED]
    assert tr.spell_end == [24, 25]
    assert tr.spell_relapsed == [False, False]
    assert tr.sustained == 1  # counts are this month's, not cumulative


def test_update_graduates_ignores_non_graduates() -> None:
    tr = tracker_in([NEVER, ENROLLED, SUSTAINED, RELAPSED])
    everywhere = np.ones(4, dtype=bool)
    tr.update_graduates(50, everywhere, everywhere, sustain=1)
    assert tr.status.tolist() == [NEVER, ENROLLED, SUSTAINED, RELAPSED]
    assert tr.relapses == tr.sustained == 0


def test_relapse_takes_precedence_over_sustain() -> None:
    tr = _graduated_tracker([0])
    tr.update_graduates(30, np.array([True]), np.array([False]), sustain=24)
    assert tr.status.tolist() == [RELAPSED]
    assert tr.spell_relapsed == [True]


def test_second_spell_after_relapse_and_reenrolment() -> None:
    tr = _graduated_tracker([2])
    tr.update_graduates(5, np.array([True]), np.array([False]), sustain=24)
    tr.enrol(ids(0))
    tr.graduate(ids(0), GRADUATION_TYPES.index("welfare"), 11)
    assert tr.spell.tolist() == [1]
    durations, relapsed, start = tr.spells(40)
    assert durations.tolist() == [3, 29]
    assert relapsed.tolist() == [True, False]
    assert start.tolist() == [2, 11]


def test_reset_counts() -> None:
    tr = _graduated_tracker([0, 0])
    tr.update_graduates(1, np.array([True, False]), np.array([False, False]), sustain=1)
    tr.natural_pkh_exits = 4
    assert tr.new["natural"] == 2 and tr.relapses == 1 and tr.sustained == 1
    tr.reset_counts()
    assert tr.new == dict.fromkeys(GRADUATION_TYPES, 0)
    assert tr.relapses == tr.sustained == tr.natural_pkh_exits == 0
