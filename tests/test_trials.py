"""The graduation trial emulation: randomisation, effects, and the asset curve estimator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from experiments.graduation_rct import __main__ as cli
from experiments.graduation_rct.trial import Arms, asset_curve, effect, run_trial


def test_asset_curve_finds_the_steady_states_and_the_threshold_of_an_s_curve() -> None:
    """On households following a known S-curve, the estimator finds L, T (unstable) and H."""
    rng = np.random.default_rng(5)
    low, threshold, high = 0.5e6, 3.0e6, 12.0e6
    now = np.exp(rng.uniform(np.log(2e5), np.log(2e7), 200_000))
    change = 0.6 * (now - low) * (now - threshold) * (high - now) / (high - low) ** 2
    later = now + change + rng.normal(0, 0.02e6, now.size)
    curve = asset_curve(now, later, bins=60)
    assert curve.stable.tolist() == [True, False, True]
    assert curve.crossings == pytest.approx([low, threshold, high], rel=0.06)
    assert curve.thresholds == pytest.approx([threshold], rel=0.06)


def test_asset_curve_without_a_trap_has_no_threshold() -> None:
    now = np.exp(np.random.default_rng(1).uniform(np.log(2e5), np.log(2e7), 50_000))
    curve = asset_curve(now, now + 0.1 * (12e6 - now))  # growth everywhere below 12 M
    assert curve.thresholds.size == 0 and curve.stable.tolist() == [True]


def test_effect_is_a_difference_of_means_with_a_welch_interval() -> None:
    treated = np.array([True] * 4 + [False] * 4)
    values = {0: np.array([10.0, 12.0, 11.0, 13.0, 9.0, 10.0, 11.0, 10.0])}
    arms = Arms(treated, values, values, np.zeros(1), np.zeros(1), 1.0)
    e = effect(arms, "consumption", 0)
    assert e.control_mean == 10.0 and e.difference == pytest.approx(1.5)
    assert e.low < 1.5 < e.high and 0.0 < e.p_value < 1.0
    assert e.percent[0] == pytest.approx(15.0)


@pytest.fixture(scope="module")
def small_trial() -> Arms:
    return run_trial(3000, 2, progress=False)


def test_trial_randomises_the_ultra_poor_and_treats_the_treated(small_trial: Arms) -> None:
    arms = small_trial
    share = arms.treated.mean()
    assert arms.treated.size > 200 and 0.4 < share < 0.6
    assert arms.take_up > 0.95  # the treated receive the package
    base = effect(arms, "consumption", 0)
    # the arms are alike before the transfer: no more than chance apart, and close
    assert base.p_value > 0.001 and abs(base.difference) < 0.1 * base.control_mean
    grant = effect(arms, "assets", 24)
    assert grant.low > 0.0  # the grant shows in the treated arm's assets


def test_trial_command_writes_its_table_and_figures(
    small_trial: Arms, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "run_trial", lambda households, replicates: small_trial)
    assert cli.main(["--households", "3000", "--replicates", "2", "--out", str(tmp_path)]) == 0
    for name in ("effects.md", "effects.csv", "effects.png", "asset_curve.png"):
        assert (tmp_path / name).stat().st_size > 0
    rows = (tmp_path / "effects.csv").read_text().splitlines()
    assert len(rows) == 1 + 2 * 3 and rows[0].startswith("outcome,month,")
