"""The optimiser: a seeded search, its selection rule, the scenario file and the command line."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import scenarios
from experiments.allocation.design import STATUS_QUO, Allocation
from experiments.allocation.envelope import ENVELOPE, read_envelope
from experiments.allocation.explore import Study
from experiments.optimise.cli import main
from experiments.optimise.search import run_search, trial_values
from tests.sweep_tools import assert_refused, snapshot

SMALL = ["--replicates", "2", "--households", "300", "--months", "12",
         "population.village_size=30", "run.burn_in_months=3", "hydra/launcher=basic"]  # fmt: skip


def fake(gen: int, points: Sequence[Allocation]) -> xr.Dataset:
    """Results that trade sustained graduations (PENA, PKH) against extreme poverty (Sembako)."""
    shares = np.array([p.shares for p in points])
    noise = np.array([0.0, 1.0, -1.0])  # the same replicates for every point
    sus = 1e5 * (shares[:, 3] + 0.5 * shares[:, 0])[:, None] + 10 * noise
    ext = 0.01 * (1.2 - shares[:, 1])[:, None] + 1e-5 * noise
    dims = ("scenario", "replicate", "month")
    return xr.Dataset(
        {"cumulative_sustained": (dims, np.repeat(sus[:, :, None], 2, axis=2)),
         "extreme_poverty_rate": (dims, np.repeat(ext[:, :, None], 2, axis=2))},
        coords={"scenario": [p.label for p in points], "replicate": range(3), "month": range(2)},
    )  # fmt: skip


@pytest.fixture(scope="module")
def env():  # type: ignore[no-untyped-def]
    return read_envelope("baseline_2025")


def _trials(env, seed: int):  # type: ignore[no-untyped-def]
    search = run_search(env, Study(seed=seed), trials=12, batch=4, evaluate=fake)
    return search, [(t.params, t.values) for t in search.study.trials]


def test_the_same_seed_gives_the_same_trials_and_choice(env) -> None:  # type: ignore[no-untyped-def]
    (a, ta), (b, tb), (_, tc) = _trials(env, 5), _trials(env, 5), _trials(env, 6)
    assert ta == tb and a.chosen == b.chosen
    assert ta[1:] != tc[1:]
    assert a.allocations[0].label == STATUS_QUO and len(a.allocations) == 12
    for alloc in a.allocations.values():
        assert np.abs(alloc.budgets.sum(axis=0) - env.totals).max() < 1.0  # the envelope kept


def test_the_choice_follows_the_rule(env) -> None:  # type: ignore[no-untyped-def]
    search, _ = _trials(env, 1)
    limit = trial_values(search.results, STATUS_QUO)[1]
    pareto = [t for t in search.study.best_trials if t.values[1] <= limit]
    assert search.chosen == max(pareto, key=lambda t: t.values[0]).number
    assert search.study.trials[search.chosen].values[1] <= limit


def test_the_optimiser_writes_a_scenario_that_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], env
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "opt"
    args = ["--trials", "4", "--batch", "4", "--seed", "3", "--name", "alloc_test", "--out",
            str(out), *SMALL]  # fmt: skip
    assert main(args) == 0
    for name in ("results.nc", "trials.csv", "pareto.csv", "pareto.md", "pareto.png",
                 "alloc_test.yaml", "generations/000/design.yaml"):  # fmt: skip
        assert (out / name).is_file(), name
    first = pd.read_csv(out / "trials.csv")
    assert first.point.iloc[0] == STATUS_QUO and len(first) == 4
    assert first.chosen.eq("yes").sum() == 1
    text = (out / "alloc_test.yaml").read_text()
    assert "extends: baseline_2025" in text
    if first.point[first.chosen.eq("yes")].iloc[0] == STATUS_QUO:
        assert "this scenario equals its parent" in " ".join(text.split())
    else:
        assert "experiments.optimise, seed 3, trial" in text
    # into a scenarios folder of its own (the real one is not touched)
    folder = tmp_path / "my_scenarios"  # not "scenarios": the sweep runs in tmp_path
    folder.mkdir()
    for name in ("world_2025", "baseline_2025"):
        shutil.copy(scenarios.SCENARIO_DIR / f"{name}.yaml", folder)
    monkeypatch.setattr(scenarios, "SCENARIO_DIR", folder)
    assert main([*args, "--install"]) == 0  # the same command resumes, then installs
    pd.testing.assert_frame_equal(pd.read_csv(out / "trials.csv"), first)
    params = scenarios.load_params("alloc_test")
    budgets = {p.name: p.budget[0] for p in params.policy.programmes}
    assert sum(budgets[n] for n in ENVELOPE) == env.totals[0]
    before = snapshot(tmp_path)
    with pytest.raises(SystemExit) as stop:
        main([*args, "--install"])
    assert stop.value.code == 2 and "never overwritten" in capsys.readouterr().err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--trials", "0"], ["--trials", "got 0", ">= 1"]),
        (["--batch", "1"], ["--batch", "got 1", ">= 2"]),
        (["--name", "a/b"], ["--name", "'a/b'", "letters, digits"]),
        (["--name", "baseline_2025", "--install"], ["--install", "'baseline_2025' exists"]),
        (["--min-share", "PKH:2"], ["--min-share", "PKH:2", "[0, 1]"]),
        (["--programmes", "PKH"], ["--programmes", "2 or more"]),
        (["population.househlds=5"], ["househlds"]),
    ],
)  # fmt: skip
def test_bad_input_exits_2_naming_it_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    args: list[str], fragments: list[str],
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    assert_refused(main, ["--out", str(tmp_path / "opt"), *args], fragments, tmp_path, capsys)
