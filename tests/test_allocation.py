"""The allocation explorer: its design, frontier, marginal effects, command line and outputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from experiments.allocation import analysis
from experiments.allocation.cli import main
from experiments.allocation.design import (
    STATUS_QUO,
    from_simplex,
    marginal_points,
    simplex_points,
    to_simplex,
)
from experiments.allocation.envelope import ENVELOPE, read_envelope
from experiments.design import load_design
from scenarios import load_params
from simulation.compare import paired_effects
from tests.sweep_tools import assert_refused, snapshot

SMALL = ["--replicates", "2", "--households", "300", "--months", "12",
         "population.village_size=30", "run.burn_in_months=3", "hydra/launcher=basic"]  # fmt: skip


@pytest.fixture(scope="module")
def env():  # type: ignore[no-untyped-def]
    return read_envelope("baseline_2025")


def test_the_envelope_is_read_from_the_scenario(env) -> None:  # type: ignore[no-untyped-def]
    progs = {p.name: p for p in load_params("baseline_2025").policy.programmes}
    assert env.names == ENVELOPE
    assert env.totals[0] == pytest.approx(sum(progs[n].budget[0] for n in ENVELOPE))
    assert env.shares.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("min_share", [None, {"Sembako": 0.4, "PENA": 0.01}])
def test_the_design_lies_on_the_simplex_and_keeps_the_envelope(env, min_share) -> None:  # type: ignore[no-untyped-def]
    points = simplex_points(env, 6, seed=3, min_share=min_share)
    assert points[0].label == STATUS_QUO and points[0].point.overrides == {}
    assert len(points) == 7 and len({p.label for p in points}) == 7
    bounds = np.array([(min_share or {}).get(n, 0.0) for n in env.names])
    for p in points[1:]:
        assert (p.shares >= bounds - 1e-6).all() and p.shares.sum() == pytest.approx(1.0)
        assert np.abs(p.budgets.sum(axis=0) - env.totals).max() < 1.0  # Rp, whole millions
        over = p.point.overrides
        assert sum(over[f"policy.programmes.{n}.budget"][0] for n in env.names) == env.totals[0]
        kept = env.capacities * p.budgets[:, 0] / env.budgets[:, 0]  # capacity scales with budget
        assert np.abs(p.capacities - kept).max() <= 0.5  # whole households
        load_params("baseline_2025", over)  # every point is a valid scenario


def test_the_same_seed_gives_the_same_design_and_another_seed_another(env) -> None:  # type: ignore[no-untyped-def]
    a, b, c = (simplex_points(env, 5, seed=s) for s in (7, 7, 8))
    assert [p.point.overrides for p in a] == [p.point.overrides for p in b]
    assert [p.point.overrides for p in a[1:]] != [p.point.overrides for p in c[1:]]


def test_sorted_spacings_invert() -> None:
    u = np.array([[0.7, 0.1, 0.4]])
    s = to_simplex(u)
    np.testing.assert_allclose(s, [[0.1, 0.3, 0.3, 0.3]])
    np.testing.assert_allclose(from_simplex(s[0]), [0.1, 0.4, 0.7])
    m = np.array([0.2, 0.0, 0.0, 0.1])
    np.testing.assert_allclose(from_simplex(to_simplex(u, m)[0], m), [0.1, 0.4, 0.7])


def test_a_marginal_point_changes_one_programme(env) -> None:  # type: ignore[no-untyped-def]
    (up, down) = marginal_points(env, [("PENA", 1e12), ("Sembako", -1e12)])
    assert up.label == "PENA:+1T" and down.label == "Sembako:-1T"
    assert up.point.overrides == {"policy.programmes.PENA.budget": [1.3e12],
                                  "policy.programmes.PENA.capacity": 433333.0}  # fmt: skip
    assert set(down.point.overrides) == {"policy.programmes.Sembako.budget",
                                         "policy.programmes.Sembako.capacity"}  # fmt: skip


def test_the_frontier_of_a_hand_made_set() -> None:
    names = ["a", "b", "c", "d", "e"]
    #             sustained (max), relapse (min; missing everywhere), extreme (min), spending (min)
    values = [[10, np.nan, 1.0, 5], [8, np.nan, 1.0, 5], [5, np.nan, 0.5, 5],
              [10, np.nan, 1.0, 5], [10, np.nan, 1.0, 6]]  # fmt: skip
    mean = xr.DataArray(values, dims=("scenario", "outcome"), coords={
        "scenario": names, "outcome": [o.outcome for o in analysis.objectives()]})  # fmt: skip
    on = analysis.frontier(xr.Dataset({"level_mean": mean}), names, analysis.objectives())
    assert on.values.tolist() == [True, False, True, True, False]
    senses = ["max", "min"]
    assert analysis.non_dominated(np.array([[1, 0.5], [2, 1], [np.nan, 1], [0, 2]]),
                                  senses).tolist() == [True, True, False, False]  # fmt: skip


def _hand_made() -> xr.Dataset:
    """Three points x 4 replicates x 2 months: PENA +1T adds, Sembako -1T removes graduates."""
    rng = np.random.default_rng(0)
    base = 1000 + 100 * rng.standard_normal(4)
    add = {STATUS_QUO: 0.0, "PENA:+1T": 200.0, "Sembako:-1T": -50.0}
    sus = np.array([[base + add[s] + rng.normal(0, 5, 4)] * 2 for s in add]).transpose(0, 2, 1)
    ext = np.full_like(sus, 0.01) - sus * 1e-6
    dims = ("scenario", "replicate", "month")
    return xr.Dataset(
        {"cumulative_sustained": (dims, sus), "extreme_poverty_rate": (dims, ext)},
        coords={"scenario": list(add), "replicate": range(4), "month": range(2)},
    )


def test_marginal_effects_have_the_right_signs() -> None:
    eff = paired_effects(_hand_made(), STATUS_QUO)
    marg = analysis.marginal_effects(eff, {"PENA:+1T": 1e12, "Sembako:-1T": -1e12})
    sus = marg.sel(outcome="sustained_graduations")
    assert float(sus.effect_mean.sel(scenario="PENA:+1T")) > 150
    assert float(sus.effect_mean.sel(scenario="Sembako:-1T")) < -30
    per = sus.sel(scenario="Sembako:-1T")  # a cut of 1 T removes 50: 1 T more adds 50
    assert 30 < float(per.per_trillion_mean) < 70
    assert float(per.per_trillion_lo) < float(per.per_trillion_mean) < float(per.per_trillion_hi)
    ext = marg.sel(outcome="extreme_poverty_rate", scenario="PENA:+1T")
    assert float(ext.per_trillion_mean) < 0
    assert marg.change.sel(scenario="Sembako:-1T") == -1e12


def test_the_explorer_writes_its_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "alloc"
    args = ["--points", "3", "--marginal", "PENA:+1e12", "--out", str(out), *SMALL]
    assert main(args) == 0
    for name in ("design.yaml", "results.nc", "effects.nc", "frontier.csv", "frontier.md",
                 "marginal.csv", "marginal.md", "frontier_effects.png", "frontier_cost.png",
                 "frontier_shares.png", "marginal.png"):  # fmt: skip
        assert (out / name).is_file(), name
    labels = [STATUS_QUO, "alloc_001", "alloc_002", "alloc_003", "PENA:+1T"]
    assert [p.label for p in load_design(out / "design.yaml").points] == labels
    with xr.open_dataset(out / "results.nc") as ds:
        assert list(ds.scenario.values) == labels
        assert list(ds.envelope.values) == list(ENVELOPE) and ds.sizes["replicate"] == 2
        assert ds.sizes["month"] == 12 and ds.share.attrs["units"] == "1"
        np.testing.assert_allclose(ds.share.sel(scenario="alloc_001").sum(), 1.0)
        assert bool(ds.frontier.sel(scenario="PENA:+1T")) is False
    table = pd.read_csv(out / "frontier.csv")
    assert table.point.iloc[0] == STATUS_QUO and len(table) == 4
    assert "sustained_graduations effect mean (thousand households)" in table.columns
    assert pd.read_csv(out / "marginal.csv").point.tolist() == ["PENA:+1T"]
    before = snapshot(out / "sweep")
    assert main(args) == 0  # the same command resumes: nothing is recomputed
    assert {k: v for k, v in snapshot(out / "sweep").items() if k.endswith(".nc")} == {
        k: v for k, v in before.items() if k.endswith(".nc")}  # fmt: skip


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--points", "-1"], ["--points", "-1", ">= 0"]),
        (["--marginal", "Foo:+1e12"], ["--marginal", "'Foo:+1e12'", "unknown programme 'Foo'",
                                       "PENA"]),
        (["--marginal", "PENA:lots"], ["--marginal", "'lots' is not a number"]),
        (["--marginal", "Sembako:-1e20"], ["--marginal", "Sembako:-1e20", "allowed changes"]),
        (["--min-share", "PKH:1.5"], ["--min-share", "PKH:1.5", "[0, 1]", "simplex"]),
        (["--min-share", "PKH:0.6", "Sembako:0.6"], ["--min-share", "1.2", "at most 1"]),
        (["--min-share", "PBI-JKN:0.1"], ["--min-share", "unknown programme 'PBI-JKN'"]),
        (["--replicates", "1"], ["--replicates", "got 1", "two replicates"]),
        (["--programmes", "PKH,Nope"], ["--programmes", "'Nope'", "Sembako"]),
        (["population.househlds=5"], ["househlds", "allowed keys"]),
        (["run.months=0"], ["run.months", "0"]),
    ],
)  # fmt: skip
def test_bad_input_exits_2_naming_it_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    args: list[str], fragments: list[str],
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    assert_refused(main, ["--out", str(tmp_path / "alloc"), *args], fragments, tmp_path, capsys)


def test_an_output_folder_of_another_study_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "alloc"
    out.mkdir()
    (out / "design.yaml").write_text(
        "meta: {name: allocation, scenario: baseline_2025}\npoints: [{label: status_quo}]\n"
    )
    with pytest.raises(SystemExit) as stop:
        main(["--points", "2", "--out", str(out), *SMALL])
    assert stop.value.code == 2
    assert "holds another study" in capsys.readouterr().err
