"""Global sensitivity: the declarations are checked, samples reproducible, the analysis right."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from experiments.design import load_design
from experiments.sensitivity.__main__ import main
from experiments.sensitivity.analysis import analyse, noise_table, usable
from experiments.sensitivity.factors import DeclarationError, Factor, load_declarations
from experiments.sensitivity.sampling import design_points, n_points, unit_sample
from scenarios import load_params
from tests.sweep_tools import snapshot

HAZARD = load_params("world_2025").world.shocks.health_hazard  #: the scenario's values
SIGMA = load_params("world_2025").world.income.transitory_sigma


def _write(tmp_path: Path, body: dict[str, object]) -> Path:
    path = tmp_path / "factors.yaml"
    path.write_text(yaml.safe_dump({"scenario": "baseline_2025", **body}))
    return path


def _one(name: str, rng: list[float], **more: object) -> dict[str, object]:
    return {"name": name, "range": rng, "assumption": "a test", **more}


def test_the_shipped_declarations_load_with_units_and_reasons() -> None:
    decl = load_declarations()
    kinds = [f.kind for f in decl.factors]
    assert 8 <= kinds.count("uncertainty") <= 12 and kinds.count("lever") >= 4
    for f in decl.factors:
        assert f.why and f.units and f.label, f.name
        if f.kind == "uncertainty":
            assert f.low <= float(f.baseline) <= f.high, f.name
    assert {"bool", "int", "list", "float"} <= {f.field_type for f in decl.factors}


@pytest.mark.parametrize(
    ("entry", "fragments"),
    [
        (_one("world.shocks.helth_hazard", [0.004, 0.006]),
         ["uncertainties[0]", "world.shocks.helth_hazard", "health_hazard"]),
        (_one("world.shocks.health_hazard", [0.004, 1.5]),
         ["world.shocks.health_hazard", "1.5", "[0, 1]"]),
        (_one("world.shocks.health_hazard", [0.006, 0.004]), ["low < high", "0.006"]),
        ({"name": "world.shocks.health_hazard", "range": [0.004, 0.006]},
         ["health_hazard", "source or assumption"]),
        (_one("world.shocks.health_hazard", [0.0001, 0.001]), ["must contain", repr(HAZARD)]),
        (_one("world.shocks.health_hazard", [0.004, 0.006], distribution="normal"),
         ["distribution must be one of", "'normal'"]),
        (_one("world.shocks.health_hazard", [0.004, 0.006], distribution="triangular"),
         ["needs a mode"]),
        (_one("world.shocks.health_hazard", [0.004, 0.006], rnage=1), ["unknown key 'rnage'"]),
        (_one("world.shocks.health_hazard", [0.004]), ["range must be [low, high]"]),
        (_one("policy.graduation.followup_months", [12, 36]), ["followup_months", "one-value"]),
        (_one("policy.graduation.welfare_rule", [0, 1]), ["welfare_rule", "'decile'"]),
    ],
)  # fmt: skip
def test_a_bad_uncertainty_is_refused_naming_it(
    tmp_path: Path, entry: dict[str, object], fragments: list[str]
) -> None:
    with pytest.raises(DeclarationError) as info:
        load_declarations(_write(tmp_path, {"uncertainties": [entry]}))
    for fragment in fragments:
        assert fragment in str(info.value), (fragment, str(info.value))


@pytest.mark.parametrize(
    ("entries", "fragments"),
    [
        ([_one("policy.collaboration.shared_registry", [0, 2])], ["on/off", "[0, 1]"]),
        ([_one("policy.graduation.threshold_decile", [3.5, 5])], ["integer range"]),
        ([_one("policy.graduation.threshold_decile", [3, 12])],
         ["threshold_decile", "12", "[1, 9]"]),
        ([_one("policy.programmes.PENA.budget", [-1.0, 1e12])], ["PENA.budget", "-1.0"]),
        ([_one("policy.programmes.PENNA.budget", [1.0, 1e12])], ["PENNA", "PENA"]),
        ([_one("policy.collaboration.referral_rate", [0, 1])] * 2, ["more than once"]),
    ],
)  # fmt: skip
def test_a_bad_lever_is_refused_naming_it(
    tmp_path: Path, entries: list[dict[str, object]], fragments: list[str]
) -> None:
    with pytest.raises(DeclarationError) as info:
        load_declarations(_write(tmp_path, {"levers": entries}))
    for fragment in fragments:
        assert fragment in str(info.value), (fragment, str(info.value))


def test_a_bad_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DeclarationError, match="scenario"):
        load_declarations(_write(tmp_path, {"scenario": "nowhere_2025", "levers": []}))
    with pytest.raises(DeclarationError, match="'factors'"):
        load_declarations(_write(tmp_path, {"factors": []}))
    with pytest.raises(DeclarationError, match="declares no factors"):
        load_declarations(_write(tmp_path, {}))


@pytest.mark.parametrize(("method", "n"), [("sobol", 4), ("morris", 3)])
def test_the_same_seed_gives_the_same_sample(method: str, n: int) -> None:
    factors = load_declarations().factors
    a, b = unit_sample(factors, method, n, 7), unit_sample(factors, method, n, 7)
    assert a.shape == (n_points(method, n, len(factors)), len(factors))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, unit_sample(factors, method, n, 8))
    points = design_points(factors, a)
    assert [p.label for p in points[:2]] == ["s0000", "s0001"]
    for f in factors:
        values = [p.overrides[f.name] for p in points]
        numbers = [v[0] if isinstance(v, list) else float(v) for v in values]
        assert f.low <= min(numbers) and max(numbers) <= f.high, f.name
        kind = {"bool": bool, "int": int, "list": list, "float": float}[f.field_type]
        assert all(type(v) is kind for v in values), f.name


def _factor(name: str, field_type: str = "float", **more: object) -> Factor:
    base = {"kind": "uncertainty", "low": 0.0, "high": 1.0, "distribution": "uniform",
            "mode": None, "units": "1", "description": "", "baseline": 0.5, "why": "test",
            "label": name} | more  # fmt: skip
    return Factor(name=name, field_type=field_type, **base)  # type: ignore[arg-type]


def test_unit_draws_map_to_each_distribution() -> None:
    grid = np.linspace(0, 1, 9001)
    decile = _factor("d", "int", low=3.0, high=5.0)
    counts = pd.Series([decile.value(u) for u in grid]).value_counts(normalize=True)
    assert sorted(counts.index) == [3, 4, 5] and counts.max() - counts.min() < 0.01
    assert [_factor("b", "bool").value(u) for u in (0.0, 0.49, 0.5, 1.0)] == [0, 0, 1, 1]
    log = _factor("l", distribution="loguniform", low=1.0, high=100.0)
    assert math.isclose(log.number(0.5), 10.0)
    tri = _factor("t", distribution="triangular", low=0.0, high=4.0, mode=1.0)
    assert math.isclose(tri.number(0.25), 1.0) and tri.number(1.0) == 4.0


@pytest.mark.parametrize(("method", "n"), [("sobol", 512), ("morris", 40)])
def test_the_analysis_ranks_a_linear_model(method: str, n: int) -> None:
    """y = 4 u0 + 2 u1 + 0 u2 + noise: shares of variance 0.8, 0.2, 0; mu* 4, 2, 0."""
    factors = [_factor(f"x{i}") for i in range(3)]
    unit = unit_sample(factors, method, n, 1)
    noise = np.random.default_rng(0).normal(0, 0.05, (len(unit), 2))
    y = {"poverty_rate": (4 * unit[:, 0] + 2 * unit[:, 1])[:, None] + noise}
    table, _ = analyse(method, factors, unit, y, seed=0)
    key, expected = ("ST", [0.8, 0.2, 0.0]) if method == "sobol" else ("mu_star", [4, 2, 0])
    assert list(table["factor"]) == ["x0", "x1", "x2"]  # sorted by the index, largest first
    np.testing.assert_allclose(table[key], expected, atol=0.05 * max(expected))
    assert list(table["above_noise"]) == [True, True, False]


def test_the_analysis_ranks_the_ishigami_function() -> None:
    """Ishigami (a = 7, b = 0.1): ST x1 0.56 > x2 0.44 > x3 0.24; S1 of x3 is 0."""
    from SALib.test_functions import Ishigami

    factors = [_factor(f"x{i}") for i in (1, 2, 3)]
    unit = unit_sample(factors, "sobol", 1024, 3)
    y = Ishigami.evaluate(-math.pi + 2 * math.pi * unit)[:, None]
    table, _ = analyse("sobol", factors, unit, {"spending": y}, seed=0)
    assert list(table["factor"]) == ["x1", "x2", "x3"]
    np.testing.assert_allclose(table["ST"], [0.558, 0.442, 0.244], atol=0.05)
    assert abs(table.set_index("factor").loc["x3", "S1"]) < 0.05


def test_the_noise_share_and_unusable_outcomes() -> None:
    y = np.array([[-1.0, 1.0], [1.0, 3.0]])  # within variance 2 (R = 2), means 0 and 2
    row = noise_table({"poverty_rate": y}).loc["poverty_rate"]
    assert row.noise_share == pytest.approx(0.5) and row.sd_within == pytest.approx(np.sqrt(2))
    assert np.isnan(noise_table({"p": y[:, :1]}).loc["p", "noise_share"])
    keep, why = usable({"a": y, "b": np.array([[1.0], [np.nan]]), "c": np.zeros((2, 2))})
    assert list(keep) == ["a"] and "NaN" in why["b"] and "the same at every point" in why["c"]


SMALL = ["--replicates", "2", "--households", "200", "--months", "6",
         "population.village_size=20", "run.burn_in_months=2", "progress=false",
         "hydra/launcher=basic"]  # fmt: skip


def test_the_command_writes_its_table_and_figure(tmp_path: Path) -> None:
    body = {"uncertainties": [_one("world.shocks.health_hazard", [0.8 * HAZARD, 1.2 * HAZARD]),
                              _one("world.income.transitory_sigma", [0.9 * SIGMA, 1.1 * SIGMA])],
            "levers": [{"name": "policy.programmes.PKH.budget", "range": [20e12, 36e12],
                        "reason": "test"},
                       {"name": "policy.collaboration.shared_registry", "range": [0, 1],
                        "reason": "test"}]}  # fmt: skip
    decl, out = _write(tmp_path, body), tmp_path / "study"
    args = ["--n", "2", "--declarations", str(decl), "--out", str(out), *SMALL]
    assert main(args) == 0
    table = pd.read_csv(out / "sensitivity.csv")
    declared = {f.name for f in load_declarations(decl).factors}
    assert set(table["outcome"]) >= {"poverty_rate", "spending"}
    for _, part in table.groupby("outcome"):
        assert set(part["factor"]) == declared
    assert {"S1", "S1_conf", "ST", "ST_conf", "kind"} <= set(table.columns)
    assert (out / "sensitivity.png").stat().st_size > 10_000
    text = (out / "sensitivity.md").read_text()
    assert all(name in text for name in declared) and "noise share" in text
    assert [p.label for p in load_design(out / "design.yaml").points][-1] == "s0011"
    before = snapshot(out)
    assert main(["--seed", "1", *args]) == 2  # another study in the same folder
    assert snapshot(out) == before


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--n", "3"], "power of 2"),
        (["--replicates", "0"], "--replicates must be at least 1"),
        (["run.months=3"], "set by --months"),
        (["world.shocks.health_hazard=0.01"], "sampled factor"),
        (["--declarations", "nowhere.yaml"], "cannot be read"),
    ],
)  # fmt: skip
def test_the_command_refuses_bad_input_writing_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], fragment: str
) -> None:
    out = tmp_path / "study"
    with pytest.raises(SystemExit) as stop:
        raise SystemExit(main(["--out", str(out), "--n", "2", *args]))
    assert stop.value.code == 2
    assert fragment in capsys.readouterr().err
    assert not out.exists()


def test_a_point_the_sweep_refuses_leaves_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    decl = _write(tmp_path, {"levers": [_one("policy.collaboration.referral_rate", [0, 1])]})
    out = tmp_path / "study"
    args = ["--n", "2", "--declarations", str(decl), "--out", str(out), *SMALL]
    assert main([*args, "world.shocks.disaster_hazard=2"]) == 1  # not a factor: allowed here
    assert "world.shocks.disaster_hazard must be in [0, 1]" in capfd.readouterr().err
    assert not out.exists()
