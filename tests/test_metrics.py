"""Tests of the weighted outcome measures in simulation.metrics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from simulation.metrics import decile_means, fgt, gini, hazen_quantiles, weighted_quantiles

SETTINGS = settings(max_examples=50, deadline=None)

values = st.lists(
    st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_subnormal=False),
    min_size=1,
    max_size=40,
)
int_weights = st.integers(min_value=1, max_value=6)


@st.composite
def weighted_sample(draw: st.DrawFn, min_size: int = 1) -> tuple[np.ndarray, np.ndarray]:
    x = draw(values.filter(lambda v: len(v) >= min_size))
    w = draw(
        st.lists(
            st.floats(min_value=0.01, max_value=100.0, allow_nan=False),
            min_size=len(x),
            max_size=len(x),
        )
    )
    return np.array(x), np.array(w)


@st.composite
def integer_weighted_sample(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    x = draw(values)
    w = draw(st.lists(int_weights, min_size=len(x), max_size=len(x)))
    return np.array(x), np.array(w, dtype=float)


def mean_difference_gini(x: np.ndarray) -> float:
    """Standard discrete Gini: sum_ij |x_i - x_j| / (2 n^2 mean)."""
    n = len(x)
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * n * n * x.mean()))


# --------------------------------------------------------------------------------------------
# gini
# --------------------------------------------------------------------------------------------


def test_gini_known_case_one_holds_all_of_four() -> None:
    x = np.array([0.0, 0.0, 0.0, 1.0])
    assert gini(x, np.ones(4)) == pytest.approx(0.75, abs=1e-15)
    assert mean_difference_gini(x) == pytest.approx(0.75, abs=1e-15)


@pytest.mark.parametrize("n", [1, 2, 5, 100])
def test_gini_one_holds_all_is_one_minus_one_over_n(n: int) -> None:
    x = np.zeros(n)
    x[n // 2] = 7.0
    assert gini(x, np.ones(n)) == pytest.approx(1 - 1 / n, abs=1e-12)


def test_gini_known_case_two_values() -> None:
    # [1, 3]: mean 2, sum|xi-xj| = 4, G = 4 / (2 * 4 * 2) = 0.25
    assert gini(np.array([3.0, 1.0]), np.ones(2)) == pytest.approx(0.25, abs=1e-15)


def test_gini_all_zero_is_zero() -> None:
    assert gini(np.zeros(5), np.ones(5)) == 0.0


@SETTINGS
@given(
    level=st.floats(min_value=1e-3, max_value=1e7),
    w=st.lists(st.floats(min_value=0.01, max_value=100.0), min_size=1, max_size=40),
)
def test_gini_of_equal_incomes_is_zero(level: float, w: list[float]) -> None:
    x = np.full(len(w), level)
    assert gini(x, np.array(w)) == pytest.approx(0.0, abs=1e-9)


@SETTINGS
@given(x=values)
def test_gini_unweighted_matches_mean_difference_definition(x: list[float]) -> None:
    arr = np.array(x)
    assume(arr.sum() > 0)
    assert gini(arr, np.ones(len(arr))) == pytest.approx(mean_difference_gini(arr), abs=1e-9)


@SETTINGS
@given(sample=integer_weighted_sample())
def test_gini_integer_weights_equal_repetition(sample: tuple[np.ndarray, np.ndarray]) -> None:
    x, w = sample
    assume(x.sum() > 0)
    repeated = np.repeat(x, w.astype(int))
    expected = gini(repeated, np.ones(len(repeated)))
    assert gini(x, w) == pytest.approx(expected, abs=1e-9)
    assert gini(x, w) == pytest.approx(mean_difference_gini(repeated), abs=1e-9)


@SETTINGS
@given(sample=weighted_sample(), scale=st.floats(min_value=1e-3, max_value=1e3))
def test_gini_invariances_and_range(sample: tuple[np.ndarray, np.ndarray], scale: float) -> None:
    x, w = sample
    assume(x.sum() > 0)
    g = gini(x, w)
    assert 0.0 - 1e-12 <= g < 1.0
    # Scale of incomes, scale of weights, order of observations and a supplied order do not matter.
    assert gini(x * scale, w) == pytest.approx(g, abs=1e-9)
    assert gini(x, w * scale) == pytest.approx(g, abs=1e-9)
    perm = np.random.default_rng(len(x)).permutation(len(x))
    assert gini(x[perm], w[perm]) == pytest.approx(g, abs=1e-9)
    assert gini(x, w, order=np.argsort(x, kind="stable")) == g


def test_gini_transfer_from_rich_to_poor_lowers_it() -> None:
    x = np.array([1.0, 2.0, 3.0, 10.0])
    w = np.array([1.0, 2.0, 1.0, 1.0])
    y = x.copy()
    y[3] -= 2.0
    y[0] += 2.0
    assert gini(y, w) < gini(x, w)


# --------------------------------------------------------------------------------------------
# fgt
# --------------------------------------------------------------------------------------------


def test_fgt_known_case() -> None:
    c = np.array([50.0, 100.0, 150.0, 75.0])
    w = np.array([1.0, 1.0, 1.0, 2.0])
    # gaps: 0.5, 0 (c == z is not poor), 0, 0.25 with weight 2; total weight 5
    assert fgt(c, 100.0, w, 0) == pytest.approx(3 / 5)
    assert fgt(c, 100.0, w, 1) == pytest.approx((0.5 + 2 * 0.25) / 5)
    assert fgt(c, 100.0, w, 2) == pytest.approx((0.25 + 2 * 0.0625) / 5)


def test_fgt_at_the_line_is_not_poor() -> None:
    c = np.array([100.0, 100.0])
    assert fgt(c, 100.0, np.ones(2), 0) == 0.0
    assert fgt(c, 100.0, np.ones(2), 1) == 0.0


def test_fgt_zero_consumption_is_fully_poor() -> None:
    c = np.zeros(3)
    for alpha in (0, 1, 2, 0.5):
        assert fgt(c, 10.0, np.array([1.0, 2.0, 3.0]), alpha) == pytest.approx(1.0)


def test_fgt_per_observation_lines() -> None:
    c = np.array([90.0, 90.0])
    z = np.array([100.0, 80.0])  # poor against the first (urban) line only
    w = np.array([3.0, 1.0])
    assert fgt(c, z, w, 0) == pytest.approx(0.75)
    assert fgt(c, z, w, 1) == pytest.approx(3 * 0.1 / 4)


@SETTINGS
@given(sample=weighted_sample(), z=st.floats(min_value=1.0, max_value=1e6))
def test_fgt0_is_weighted_headcount_share(sample: tuple[np.ndarray, np.ndarray], z: float) -> None:
    c, w = sample
    expected = w[c < z].sum() / w.sum()
    assert fgt(c, z, w, 0) == pytest.approx(expected, abs=1e-12)
    assert fgt(c, z, w, 0.0) == pytest.approx(expected, abs=1e-12)


@SETTINGS
@given(sample=weighted_sample(), z=st.floats(min_value=1.0, max_value=1e6))
def test_fgt_ordering_and_range(sample: tuple[np.ndarray, np.ndarray], z: float) -> None:
    c, w = sample
    p0, p1, p2 = (fgt(c, z, w, a) for a in (0, 1, 2))
    assert 0.0 <= p2 <= p1 + 1e-12
    assert p1 <= p0 + 1e-12
    assert p0 <= 1.0 + 1e-12


@SETTINGS
@given(
    sample=integer_weighted_sample(),
    z=st.floats(min_value=1.0, max_value=1e6),
    alpha=st.sampled_from([0, 1, 2]),
)
def test_fgt_integer_weights_equal_repetition(
    sample: tuple[np.ndarray, np.ndarray], z: float, alpha: int
) -> None:
    c, w = sample
    repeated = np.repeat(c, w.astype(int))
    expected = fgt(repeated, z, np.ones(len(repeated)), alpha)
    assert fgt(c, z, w, alpha) == pytest.approx(expected, abs=1e-12)


@SETTINGS
@given(sample=weighted_sample(), z=st.floats(min_value=1.0, max_value=1e6))
def test_fgt_rises_with_the_line(sample: tuple[np.ndarray, np.ndarray], z: float) -> None:
    c, w = sample
    for alpha in (0, 1, 2):
        assert fgt(c, z, w, alpha) <= fgt(c, 1.5 * z, w, alpha) + 1e-12


# --------------------------------------------------------------------------------------------
# decile_means
# --------------------------------------------------------------------------------------------


def test_decile_means_of_ten_equal_weight_observations_are_the_sorted_values() -> None:
    x = np.array([5.0, 1.0, 9.0, 3.0, 7.0, 2.0, 10.0, 4.0, 8.0, 6.0])
    np.testing.assert_array_equal(decile_means(x, np.ones(10)), np.arange(1.0, 11.0))


@SETTINGS
@given(
    x=st.lists(st.floats(min_value=0, max_value=1e6), min_size=10, max_size=60).filter(
        lambda v: len(v) % 10 == 0
    )
)
def test_decile_means_equal_weights_are_block_means(x: list[float]) -> None:
    arr = np.array(x)
    expected = np.sort(arr).reshape(10, -1).mean(axis=1)
    np.testing.assert_allclose(decile_means(arr, np.ones(len(arr))), expected, rtol=1e-12)


@SETTINGS
@given(sample=weighted_sample())
def test_decile_means_are_non_decreasing(sample: tuple[np.ndarray, np.ndarray]) -> None:
    x, w = sample
    d = decile_means(x, w)
    assert d.shape == (10,)
    filled = d[~np.isnan(d)]
    assert len(filled) >= 1
    assert np.all(np.diff(filled) >= -1e-9 * max(1.0, float(np.abs(filled).max())))
    assert filled.min() >= x.min() - 1e-9 and filled.max() <= x.max() + 1e-9


@SETTINGS
@given(x=st.lists(st.floats(min_value=0, max_value=1e6), min_size=10, max_size=50))
def test_decile_means_equal_weights_fill_every_decile(x: list[float]) -> None:
    d = decile_means(np.array(x), np.ones(len(x)))
    assert not np.any(np.isnan(d))
    assert np.all(np.diff(d) >= 0)


def test_decile_means_respects_supplied_order() -> None:
    rng = np.random.default_rng(3)
    x = rng.lognormal(size=57)
    w = rng.uniform(0.5, 2.0, size=57)
    np.testing.assert_array_equal(
        decile_means(x, w), decile_means(x, w, order=np.argsort(x, kind="stable"))
    )


# --------------------------------------------------------------------------------------------
# weighted_quantiles
# --------------------------------------------------------------------------------------------

probs = st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=10)


@SETTINGS
@given(x=values.filter(lambda v: len(v) >= 2), q=probs)
def test_uniform_weight_quantiles_equal_hazen_quantiles(x: list[float], q: list[float]) -> None:
    arr, qa = np.array(x), np.array(q)
    got = weighted_quantiles(arr, np.ones(len(arr)), qa)
    np.testing.assert_allclose(got, np.quantile(arr, qa, method="hazen"), rtol=1e-12, atol=1e-6)


@SETTINGS
@given(x=values.filter(lambda v: len(v) >= 2), q=probs)
def test_uniform_weight_quantiles_close_to_numpy_default(x: list[float], q: list[float]) -> None:
    # Midpoint ranks and numpy's linear rule differ by at most half a rank position, so by at
    # most one gap between neighbouring sorted values.
    arr, qa = np.array(x), np.array(q)
    got = weighted_quantiles(arr, np.ones(len(arr)), qa)
    gap = float(np.diff(np.sort(arr)).max())
    assert np.all(np.abs(got - np.quantile(arr, qa)) <= gap + 1e-6)


def test_uniform_weight_quantiles_converge_to_numpy_for_large_samples() -> None:
    x = np.random.default_rng(0).normal(size=20_001)
    q = np.linspace(0.01, 0.99, 25)
    got = weighted_quantiles(x, np.ones(len(x)), q)
    np.testing.assert_allclose(got, np.quantile(x, q), atol=2e-3)


def test_weighted_median_known_case() -> None:
    x = np.array([1.0, 2.0, 3.0])
    # Midpoint ranks 0.25, 0.5, 0.75 with equal weights: the median is the middle value.
    assert weighted_quantiles(x, np.ones(3), np.array([0.5]))[0] == pytest.approx(2.0)
    # Heavy weight on 3: midpoint ranks 0.05, 0.15, 0.6 -> the median lies between 2 and 3.
    med = weighted_quantiles(x, np.array([1.0, 1.0, 8.0]), np.array([0.5]))[0]
    assert 2.0 < med < 3.0
    assert med == pytest.approx(2.0 + (0.5 - 0.15) / (0.6 - 0.15))


@SETTINGS
@given(sample=weighted_sample(min_size=2), scale=st.floats(min_value=0.1, max_value=100.0))
def test_weighted_quantiles_monotone_bounded_and_weight_scale_free(
    sample: tuple[np.ndarray, np.ndarray], scale: float
) -> None:
    x, w = sample
    q = np.linspace(0.0, 1.0, 21)
    got = weighted_quantiles(x, w, q)
    assert np.all(np.diff(got) >= -1e-9)
    assert got[0] == x.min()
    assert got[-1] == x.max()
    np.testing.assert_allclose(weighted_quantiles(x, w * scale, q), got, rtol=1e-9, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(
    x=st.lists(st.floats(0, 1e12), min_size=1, max_size=300),
    q=st.lists(st.floats(0, 1), min_size=1, max_size=6),
)
def test_hazen_quantiles_of_sorted_data_are_numpys(x: list[float], q: list[float]) -> None:
    data, probs = np.sort(np.array(x)), np.array(q)
    expected = np.quantile(data, probs, method="hazen")
    np.testing.assert_allclose(hazen_quantiles(data, probs), expected, rtol=1e-12, atol=1e-3)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([0.0, -0.0, 1e-3, 1.5, 3.0, 7.25, 1e9]), min_size=1))
def test_order_nonnegative_is_a_stable_argsort(x: list[float]) -> None:
    """Well-separated values (ties, and both zeros) are ordered as a stable argsort does."""
    from simulation.metrics import order_nonnegative

    data = np.array(x)
    np.testing.assert_array_equal(order_nonnegative(data), np.argsort(data, kind="stable"))


@SETTINGS
@given(sample=integer_weighted_sample(), small=st.booleans())
def test_deciles_and_gini_equal_the_separate_measures(
    sample: tuple[np.ndarray, np.ndarray], small: bool
) -> None:
    """Integer weights (household sizes) and float weights give the same deciles and Gini."""
    from simulation.metrics import deciles_and_gini, weighted_deciles

    x, w = sample
    order = np.argsort(x, kind="stable")
    # integer weights take the exact integer path; halved weights the float path (an exact
    # rescaling, so the deciles must agree exactly)
    weights = w.astype(np.int8) if small else w * 0.5
    decile, g = deciles_and_gini(x, weights, order)
    np.testing.assert_array_equal(decile, weighted_deciles(x, w, order))
    assert g == pytest.approx(gini(x, w, order), abs=1e-12)


@pytest.mark.parametrize("x", [[1.0, -2.0, 3.0], [-1e-300], [5.0, -np.inf]])
def test_order_nonnegative_refuses_negative_values(x: list[float]) -> None:
    from simulation.metrics import order_nonnegative

    with pytest.raises(ValueError, match="non-negative"):
        order_nonnegative(np.array(x))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(allow_infinity=True, allow_nan=True), st.sampled_from([0.0, -0.0])),
        max_size=50,
    )
)
def test_clip_negative_is_maximum_with_zero(x: list[float]) -> None:
    """The same bits as ``np.maximum(x, 0.0)``: NaN, infinities and both zeros included."""
    from simulation.arrays import clip_negative, constant

    data = np.array(x, dtype=np.float64)
    expected = np.maximum(data, 0.0)
    out = clip_negative(data)
    assert out is data
    np.testing.assert_array_equal(out.view(np.uint64), expected.view(np.uint64))
    kept = constant(len(x) + 1, 0.0)
    with pytest.raises(ValueError, match="read-only"):
        kept[0] = 1.0
    with pytest.raises(ValueError, match="WRITEABLE"):
        kept.flags.writeable = True  # a view of a read-only array: the kept zeros stay zeros
    assert not np.signbit(kept).any() and np.signbit(constant(len(x) + 1, -0.0)).all()
