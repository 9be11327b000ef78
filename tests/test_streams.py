"""Tests of the keyed random streams (common random numbers) in simulation.streams."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.streams import DECISIONS, LazyUniforms, Streams

ROOT = Path(__file__).resolve().parents[1]
N = 64


def draws(seed: int, replicate: int, decision: str, month: int | None = None) -> np.ndarray:
    return Streams(seed, replicate).generator(decision, month).random(N)


def test_generator_is_a_numpy_pcg64_generator() -> None:
    g = Streams(1, 0).generator("health", 3)
    assert isinstance(g, np.random.Generator)
    assert isinstance(g.bit_generator, np.random.PCG64)


@pytest.mark.parametrize("decision", DECISIONS)
def test_same_key_gives_same_draws(decision: str) -> None:
    a = Streams(2025, 3).generator(decision, 7)
    b = Streams(2025, 3).generator(decision, 7)
    np.testing.assert_array_equal(a.random(N), b.random(N))
    np.testing.assert_array_equal(a.normal(size=N), b.normal(size=N))
    np.testing.assert_array_equal(a.integers(0, 1000, size=N), b.integers(0, 1000, size=N))


def test_each_call_returns_a_fresh_generator() -> None:
    s = Streams(11, 2)
    first = s.generator("employment", 4)
    head = first.random(N)
    first.random(1000)  # consuming one generator does not advance the next one
    np.testing.assert_array_equal(s.generator("employment", 4).random(N), head)


def test_draws_do_not_depend_on_other_decisions_or_call_order() -> None:
    plain = Streams(5, 1).generator("disaster", 12).random(N)
    s = Streams(5, 1)
    for decision in DECISIONS:
        s.generator(decision, 12).random(100)
    s.generator("disaster", 11).random(100)
    np.testing.assert_array_equal(s.generator("disaster", 12).random(N), plain)


def test_different_replicates_differ() -> None:
    reps = [draws(2025, r, "health", 0) for r in range(6)]
    for a, b in itertools.combinations(reps, 2):
        assert not np.array_equal(a, b)


def test_different_decisions_differ() -> None:
    by_decision = {d: draws(2025, 0, d, 0) for d in DECISIONS}
    for a, b in itertools.combinations(DECISIONS, 2):
        assert not np.array_equal(by_decision[a], by_decision[b]), (a, b)


def test_different_months_differ_including_burn_in_and_once_per_run() -> None:
    months: list[int | None] = [None, *range(-36, 61)]
    by_month = [draws(2025, 0, "transitory", m) for m in months]
    for (ma, a), (mb, b) in itertools.combinations(zip(months, by_month, strict=True), 2):
        assert not np.array_equal(a, b), (ma, mb)


def test_default_month_is_the_once_per_run_stream() -> None:
    s = Streams(9, 0)
    once = s.generator("population").random(N)
    np.testing.assert_array_equal(s.generator("population", None).random(N), once)
    for month in (-1, 0, 1):
        assert not np.array_equal(draws(9, 0, "population", month), once)


def test_different_seeds_differ() -> None:
    seeds = [0, 1, 2, 2025, 20250101, 2**32 - 1, 2**32, 2**63]
    by_seed = [draws(s, 0, "mortality", 5) for s in seeds]
    for (sa, a), (sb, b) in itertools.combinations(zip(seeds, by_seed, strict=True), 2):
        assert not np.array_equal(a, b), (sa, sb)


def test_replicate_month_and_decision_do_not_alias() -> None:
    # Swapping the values of replicate and month must not reproduce the same stream.
    assert not np.array_equal(draws(1, 3, "health", 4), draws(1, 5, "health", 2))
    assert not np.array_equal(draws(1, 0, "health", 0), draws(1, 1, "health", -1))
    assert not np.array_equal(draws(1, 0, "health", 0), draws(1, 0, "health"))


@settings(max_examples=50, deadline=None)
@given(
    key_a=st.tuples(
        st.integers(0, 2**31),
        st.integers(0, 1000),
        st.sampled_from(DECISIONS),
        st.one_of(st.none(), st.integers(-240, 600)),
    ),
    key_b=st.tuples(
        st.integers(0, 2**31),
        st.integers(0, 1000),
        st.sampled_from(DECISIONS),
        st.one_of(st.none(), st.integers(-240, 600)),
    ),
)
def test_streams_equal_iff_keys_equal(
    key_a: tuple[int, int, str, int | None], key_b: tuple[int, int, str, int | None]
) -> None:
    a, b = draws(*key_a), draws(*key_b)
    assert np.array_equal(a, b) == (key_a == key_b)


def test_draws_are_roughly_uniform_and_uncorrelated_across_decisions() -> None:
    a = Streams(3, 0).generator("health", 0).random(20_000)
    b = Streams(3, 0).generator("disaster", 0).random(20_000)
    assert abs(a.mean() - 0.5) < 0.01
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.03


def test_draws_are_stable_across_processes_and_hash_seeds() -> None:
    code = (
        "from simulation.streams import Streams;"
        "print(repr(Streams(2025, 2).generator('food_price', 9).random(3).tolist()))"
    )
    expected = repr(draws(2025, 2, "food_price", 9)[:3].tolist())
    for hash_seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == expected


def test_seed_and_replicate_are_recorded_as_int() -> None:
    s = Streams(np.int64(7), np.int64(2))
    assert (s.seed, s.replicate) == (7, 2)
    assert type(s.seed) is int and type(s.replicate) is int
    np.testing.assert_array_equal(s.generator("health", 1).random(N), draws(7, 2, "health", 1))


@pytest.mark.parametrize("decision", ["unknown", "Health", "health ", "", "shock"])
def test_unknown_decision_raises_key_error(decision: str) -> None:
    with pytest.raises(KeyError, match="unknown random decision") as info:
        Streams(1, 0).generator(decision, 0)
    assert repr(decision) in str(info.value)
    assert "health" in str(info.value)  # lists the known decisions


@pytest.mark.parametrize(("seed", "replicate"), [(-1, 0), (0, -1), (-5, -5)])
def test_negative_seed_or_replicate_raises_value_error(seed: int, replicate: int) -> None:
    with pytest.raises(ValueError, match="must be >= 0"):
        Streams(seed, replicate)


def test_zero_seed_and_replicate_are_allowed() -> None:
    s = Streams(0, 0)
    assert s.generator("mesa").random() == Streams(0, 0).generator("mesa").random()
    assert s.generator("mesa").random() != Streams(0, 1).generator("mesa").random()


def test_burn_in_months_are_allowed_and_reproducible() -> None:
    np.testing.assert_array_equal(draws(4, 1, "health", -36), draws(4, 1, "health", -36))


def test_month_far_below_the_burn_in_is_rejected() -> None:
    with pytest.raises(ValueError):
        Streams(1, 0).generator("health", -(10**9))


def lazy(n: int, cut: float, month: int = 3) -> LazyUniforms:
    s = Streams(11, 2)
    return LazyUniforms(s.generator("health", month), s.generator("health", month, 1), n, cut)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 3000),
    cut=st.floats(0.001, 0.5),
    p=st.floats(0.0, 1.0),
    month=st.integers(-5, 5),
)
def test_lazy_uniforms_answer_as_the_whole_vector_does(
    n: int, cut: float, p: float, month: int
) -> None:
    """Below and above the cut, the draws below a threshold are those of the whole vector."""
    early, late = lazy(n, cut, month), lazy(n, cut, month)
    rows, values = early.below(p)  # before the whole vector exists (below the cut)
    whole = late.dense()
    assert ((whole >= 0) & (whole < 1)).all() and whole.shape == (n,)
    np.testing.assert_array_equal(rows, np.flatnonzero(whole < p))
    np.testing.assert_array_equal(values, whole[rows])
    some = np.arange(0, n, 7)
    np.testing.assert_array_equal(early.hit(some, p), whole[some] < p)
    np.testing.assert_array_equal(np.asarray(early), whole)
    assert all(early[i] == whole[i] for i in some)


def test_lazy_uniforms_are_uniform_and_split_at_the_cut() -> None:
    """The whole vector is U(0, 1) and a share ``cut`` of it is made up front."""
    from scipy import stats

    n, cut = 400_000, 1 / 32
    draw = lazy(n, cut)
    share = draw.rows.size / n
    assert abs(share - cut) < 5 * np.sqrt(cut * (1 - cut) / n)
    assert stats.kstest(draw.values / cut, "uniform").pvalue > 1e-3  # below the cut
    assert stats.kstest(draw.dense(), "uniform").pvalue > 1e-3  # all of it
    gaps = np.diff(draw.rows)  # successes of independent trials: geometric gaps
    assert abs(gaps.mean() - 1 / cut) < 5 * np.sqrt((1 - cut) / cut**2 / gaps.size)


def test_second_part_of_a_stream_is_independent_of_the_first() -> None:
    s = Streams(3, 1)
    first = s.generator("health", 2).random(100_000)
    second = s.generator("health", 2, 1).random(100_000)
    assert abs(np.corrcoef(first, second)[0, 1]) < 5 / np.sqrt(first.size)
    assert abs(np.corrcoef(first[1:], second[:-1])[0, 1]) < 5 / np.sqrt(first.size)
    np.testing.assert_array_equal(
        s.generator("health", 2, 0).random(N), s.generator("health", 2).random(N)
    )
