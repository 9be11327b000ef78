"""Budget ledgers: allocation by year, overhead at opening, no overdraft, exact accounts."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.policy.ledger import Ledger, YearAccount

REL = 1e-12

budgets_st = st.lists(
    st.floats(0.0, 1e15, allow_nan=False, allow_infinity=False), min_size=1, max_size=5
).map(tuple)
weights_st = st.floats(1e-3, 1e6, allow_nan=False, allow_infinity=False)
share_st = st.floats(0.0, 0.99, allow_nan=False)

#: One spend attempt: ("within", f) spends f * remaining; ("absolute", x) spends x Rp, which
#: may or may not overdraw; ("over", x) overdraws by at least x; ("negative", x) spends -x.
attempt_st = st.one_of(
    st.tuples(st.just("within"), st.floats(0.0, 1.0)),
    st.tuples(st.just("within"), st.just(1.0)),
    st.tuples(st.just("absolute"), st.floats(0.0, 1e12)),
    st.tuples(st.just("over"), st.floats(1.0, 1e12)),
    st.tuples(st.just("negative"), st.floats(1e-9, 1e12)),
)
years_st = st.lists(st.tuples(share_st, st.lists(attempt_st, max_size=12)), min_size=1, max_size=6)


def _snapshot(ledger: Ledger) -> list[tuple[int, float, float, float]]:
    return [(y.year, y.allocated, y.spent, y.overhead) for y in ledger.years]


def _check_accounts(ledger: Ledger, spent: list[list[float]]) -> None:
    """Every year: never negative, allocated == spent + overhead + unspent, spent == sum."""
    assert len(ledger.years) == len(spent)
    for account, amounts in zip(ledger.years, spent, strict=True):
        tol = REL * account.allocated
        assert account.spent >= 0.0
        assert account.unspent >= -tol
        assert account.spent + account.overhead <= account.allocated + tol
        assert account.allocated == pytest.approx(
            account.spent + account.overhead + account.unspent, rel=REL, abs=1e-300
        )
        assert account.spent == pytest.approx(math.fsum(amounts), rel=REL, abs=1e-300)


@settings(max_examples=150, deadline=None)
@given(budgets=budgets_st, weight=weights_st, years=years_st)
def test_random_spending_never_overdraws_and_accounts_reconcile(
    budgets: tuple[float, ...], weight: float, years: list[tuple[float, list[tuple[str, float]]]]
) -> None:
    ledger = Ledger(budgets, weight)
    spent: list[list[float]] = []
    for year, (share, attempts) in enumerate(years):
        ledger.open_year(year, share)
        spent.append([])
        _check_accounts(ledger, spent)
        for kind, x in attempts:
            remaining = ledger.remaining
            if kind == "within":
                amount = x * remaining
            elif kind == "over":
                amount = remaining + max(x, remaining * 1e-6)
            elif kind == "negative":
                amount = -x
            else:
                amount = x
            before = _snapshot(ledger)
            if amount < 0:
                with pytest.raises(ValueError, match="negative"):
                    ledger.spend(amount)
                assert _snapshot(ledger) == before
            elif amount <= remaining:
                ledger.spend(amount)
                spent[-1].append(amount)
                assert ledger.current.spent == pytest.approx(
                    before[-1][2] + amount, rel=REL, abs=1e-300
                )
            elif amount > remaining * (1 + 1e-9) + 1e-3:
                with pytest.raises(RuntimeError, match="overdraft"):
                    ledger.spend(amount)
                assert _snapshot(ledger) == before
            else:
                continue  # inside the rounding tolerance of spend: either outcome is fine
            _check_accounts(ledger, spent)


@settings(max_examples=100, deadline=None)
@given(
    budgets=budgets_st,
    weight=weights_st,
    shares=st.lists(share_st, min_size=1, max_size=10),
)
def test_open_year_allocates_budget_over_weight_with_overhead_at_opening(
    budgets: tuple[float, ...], weight: float, shares: list[float]
) -> None:
    ledger = Ledger(budgets, weight)
    for year, share in enumerate(shares):
        ledger.open_year(year, share)
        account = ledger.current
        expected = budgets[min(year, len(budgets) - 1)] / weight
        assert account.year == year
        assert account.allocated == pytest.approx(expected, rel=REL, abs=1e-300)
        assert account.overhead == pytest.approx(expected * share, rel=REL, abs=1e-300)
        assert account.spent == 0.0
        assert ledger.remaining == pytest.approx(expected * (1 - share), rel=1e-9, abs=1e-300)
    assert [y.year for y in ledger.years] == list(range(len(shares)))


def test_last_budget_repeats_and_earlier_years_are_kept() -> None:
    ledger = Ledger((100.0, 200.0, 300.0), weight=10.0)
    for year in range(5):
        ledger.open_year(year, overhead_share=0.1)
    assert [y.allocated for y in ledger.years] == [10.0, 20.0, 30.0, 30.0, 30.0]
    assert [y.overhead for y in ledger.years] == pytest.approx([1.0, 2.0, 3.0, 3.0, 3.0])
    ledger.spend(27.0)
    assert ledger.remaining == pytest.approx(0.0, abs=1e-12)
    assert [y.spent for y in ledger.years] == [0.0, 0.0, 0.0, 0.0, 27.0]


def test_overhead_is_taken_once_at_opening_not_on_spending() -> None:
    ledger = Ledger((1000.0,), weight=1.0)
    ledger.open_year(0, overhead_share=0.25)
    assert ledger.current.overhead == 250.0
    assert ledger.remaining == 750.0
    ledger.spend(500.0)
    assert ledger.current.overhead == 250.0
    assert ledger.current.unspent == 250.0
    with pytest.raises(RuntimeError, match="overdraft"):
        ledger.spend(251.0)  # the overhead share cannot be spent on the programme
    ledger.spend(250.0)
    assert ledger.current.unspent == 0.0


def test_year_account_unspent() -> None:
    account = YearAccount(year=3, allocated=10.0, spent=4.0, overhead=1.5)
    assert account.unspent == 4.5


def test_negative_spend_raises_value_error_and_leaves_account_unchanged() -> None:
    ledger = Ledger((100.0,), weight=1.0)
    ledger.open_year(0)
    ledger.spend(10.0)
    with pytest.raises(ValueError, match="negative"):
        ledger.spend(-1.0)
    assert ledger.current.spent == 10.0
    assert ledger.remaining == 90.0


def test_nothing_to_spend_before_a_year_is_opened() -> None:
    ledger = Ledger((100.0,), weight=1.0)
    assert ledger.remaining == 0.0
    with pytest.raises(RuntimeError, match="overdraft"):
        ledger.spend(1.0)
    assert ledger.years == []


def test_zero_budget_allows_only_zero_spending() -> None:
    ledger = Ledger((0.0,), weight=3.0)
    ledger.open_year(0, overhead_share=0.5)
    ledger.spend(0.0)
    with pytest.raises(RuntimeError, match="overdraft"):
        ledger.spend(1.0)
    assert ledger.current.spent == 0.0
    assert ledger.current.unspent == 0.0


def test_nan_spend_is_refused() -> None:
    ledger = Ledger((100.0,), weight=1.0)
    ledger.open_year(0)
    with pytest.raises((ValueError, RuntimeError)):
        ledger.spend(float("nan"))
    assert ledger.current.spent == 0.0
