"""The calibration machinery: moments, loss, a reproducible fit, and writing values back."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from experiments.calibration import __main__ as cli
from experiments.calibration.fit import PARAMETERS, calibrate, loss
from experiments.calibration.moments import MONTHS, simulate
from experiments.calibration.targets import TARGETS
from experiments.calibration.writeback import set_leaf, write_values
from scenarios import SCENARIO_DIR, load_params

TINY = {"world.population.households": 1500, "world.population.village_size": 30,
        "run.months": MONTHS, "run.burn_in_months": 6}  # fmt: skip


@pytest.fixture(scope="module")
def moments() -> dict[str, float]:
    return simulate(load_params("baseline_2025", TINY), [0])


def test_every_target_has_a_moment_in_range(moments: dict[str, float]) -> None:
    assert set(TARGETS) <= set(moments)
    rates = [k for k, t in TARGETS.items() if t.units in ("1", "1/year")]
    assert all(0.0 <= moments[k] <= 1.5 for k in rates)  # spent shares may exceed 1 a little
    assert moments["poor_household_size"] > 1.0 and moments["pkh_families"] > 0


def test_loss_is_zero_at_the_targets_and_counts_tolerances(moments: dict[str, float]) -> None:
    exact = {k: t.value for k, t in TARGETS.items()}
    assert loss(exact) == 0.0
    one_off = exact | {"gini_2025_03": TARGETS["gini_2025_03"].value + 2 * 0.02}
    assert loss(one_off) == pytest.approx(4.0)
    assert loss(moments) > 0.0


def test_moments_need_the_two_year_panel() -> None:
    with pytest.raises(ValueError, match=r"run\.months >= 27"):
        simulate(load_params("baseline_2025", TINY | {"run.months": 12}), [0])


def test_calibration_starts_from_the_scenario_and_is_reproducible(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import experiments.calibration.fit as fit

    real = fit.load_params
    monkeypatch.setattr(fit, "load_params", lambda name, o=None: real(name, (o or {}) | {
        "world.population.village_size": 30, "run.burn_in_months": 6}))  # fmt: skip
    a = calibrate(3, 1500, 1, seed=7, progress=False)
    b = calibrate(3, 1500, 1, seed=7, progress=False)
    assert a.values == b.values and a.loss == b.loss and a.history == b.history
    assert a.history[0] == a.start_loss and a.loss == min(a.history)
    base = load_params("baseline_2025")
    assert a.start_values["world.initial.sigma"] == base.world.initial.sigma
    for path, free in PARAMETERS.items():
        assert free.low <= a.values[path] <= free.high


FLOW = """world:
  initial:
    sigma:
      value: 0.55
      source: "old"
    size_gradient: {value: 0.12, assumption: x}
  income:
    sigma: {value: 9, assumption: "another sigma, not this one"}
"""


def test_set_leaf_replaces_only_the_leaf_at_its_path() -> None:
    out = set_leaf(FLOW, "world.initial.sigma", 0.61, 'fitted "here"')
    tree = yaml.safe_load(out)
    assert tree["world"]["initial"]["sigma"] == {"value": 0.61, "source": 'fitted "here"'}
    assert tree["world"]["initial"]["size_gradient"] == {"value": 0.12, "assumption": "x"}
    assert tree["world"]["income"]["sigma"]["value"] == 9
    with pytest.raises(KeyError, match=r"world\.initial\.nope"):
        set_leaf(FLOW, "world.initial.nope", 1, "x")


def test_writing_values_keeps_the_scenario_loadable(tmp_path: Path) -> None:
    copy = tmp_path / "world_2025.yaml"
    copy.write_text((SCENARIO_DIR / "world_2025.yaml").read_text())
    values = {"world.initial.sigma": 0.6, "world.income.transitory_sigma": 0.1}
    write_values(copy, values, dict.fromkeys(values, "fitted: test"))
    tree = yaml.safe_load(copy.read_text())
    assert tree["world"]["initial"]["sigma"] == {"value": 0.6, "source": "fitted: test"}
    assert tree["world"]["income"]["transitory_sigma"]["value"] == 0.1
    before = yaml.safe_load((SCENARIO_DIR / "world_2025.yaml").read_text())
    before["world"]["initial"]["sigma"] = tree["world"]["initial"]["sigma"]
    before["world"]["income"]["transitory_sigma"] = tree["world"]["income"]["transitory_sigma"]
    assert before == tree  # nothing else changed


def test_calibration_command_reports_targets_and_parameters(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import experiments.calibration.fit as fit

    real = fit.load_params
    monkeypatch.setattr(fit, "load_params", lambda name, o=None: real(name, (o or {}) | {
        "world.population.village_size": 30, "run.burn_in_months": 6}))  # fmt: skip
    assert cli.main(["--trials", "2", "--households", "1500"]) == 0
    out = capsys.readouterr().out
    assert all(f"`{name}`" in out for name in TARGETS)
    assert all(f"`{path}`" in out for path in PARAMETERS)
    assert "Loss" in out and "2 evaluations" in out


def test_demography_fit_starts_from_the_scenario_and_reports_every_target(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from experiments.calibration import demography

    monkeypatch.setattr(demography, "SPIN_SAMPLE", 2_000)  # two spin-ups of 1,000 households
    assert demography.main(["--trials", "2"]) == 0
    out = capsys.readouterr().out
    assert all(f"`{name}`" in out for name in demography.TARGETS)
    assert all(f"`{path}`" in out for path in demography.PARAMETERS)
    world = load_params("world_2025").world
    start = float(world.demography.mortality_a)
    assert f"| `world.demography.mortality_a` | {start:.4g} |" in out  # the first candidate


LISTED = """policy:
  programmes:
    value:
      - name: PKH
        rules:
          member_cap: 4
          verified_share: {value: 0.65, assumption: x}
      - name: Sembako
        rules: {benefit: 200000}
    source: list
"""


def test_set_leaf_finds_a_named_record_of_a_list_through_its_value_wrapper() -> None:
    out = set_leaf(LISTED, "policy.programmes.PKH.rules.verified_share", 0.3, "fitted")
    tree = yaml.safe_load(out)
    pkh, sembako = tree["policy"]["programmes"]["value"]
    assert pkh["rules"] == {"member_cap": 4, "verified_share": {"value": 0.3, "source": "fitted"}}
    assert sembako["rules"] == {"benefit": 200000} and tree["policy"]["programmes"]["source"]
    with pytest.raises(KeyError, match="Nope"):
        set_leaf(LISTED, "policy.programmes.Nope.rules.verified_share", 0.3, "x")


def test_the_pkh_verified_share_is_written_into_the_baseline(tmp_path: Path) -> None:
    copy = tmp_path / "baseline_2025.yaml"
    copy.write_text((SCENARIO_DIR / "baseline_2025.yaml").read_text())
    path = "policy.programmes.PKH.rules.verified_share"
    assert PARAMETERS[path].file == "baseline_2025"
    write_values(copy, {path: 0.42}, {path: "fitted: test"})
    tree = yaml.safe_load(copy.read_text())
    pkh = next(p for p in tree["policy"]["programmes"]["value"] if p["name"] == "PKH")
    assert pkh["rules"]["verified_share"] == {"value": 0.42, "source": "fitted: test"}
