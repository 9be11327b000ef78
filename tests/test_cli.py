"""The command line end to end: composition errors, a small sweep, resume, collect, report."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import xarray as xr
from hydra import compose, initialize_config_dir
from hydra.errors import ConfigCompositionException

from experiments.app import CONF_DIR
from experiments.collect import collect
from experiments.config import overrides_from, register
from experiments.report import main as report_main
from scenarios import available, load_params
from simulation import run

SMALL = ["population.households=200", "population.village_size=20", "run.months=6",
         "run.burn_in_months=2", "run.replicates=2", "progress=false"]  # fmt: skip
SCENARIOS = [s for s in available() if s != "world_2025"]


def graduasi(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "experiments.app", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def composed(*overrides: str):  # type: ignore[no-untyped-def]
    register()
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        return compose(config_name="config", overrides=list(overrides))


@pytest.mark.parametrize("scenario", [*SCENARIOS, "world_2025"])
def test_every_scenario_composes_and_runs_small(scenario: str) -> None:
    cfg = composed(f"scenario={scenario}", *SMALL)
    from omegaconf import OmegaConf

    tree = OmegaConf.to_container(cfg, resolve=True)
    params = load_params(cfg.scenario, overrides_from(tree))  # type: ignore[arg-type]
    assert params.world.population.households == 200
    ds = run(params, replicates=[0])
    assert ds.sizes["month"] == 6 and bool(ds.poverty_rate.notnull().all())


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("population.househlds=5", "househlds"),
        ("world.shocks.health_hazrd=0.1", "health_hazrd"),
        ("run.months=abc", "run.months"),
    ],
)
def test_misspelt_key_or_wrong_type_fails_at_composition(override: str, named: str) -> None:
    with pytest.raises(ConfigCompositionException) as info:
        composed(override)
    assert named in str(info.value) + str(info.value.__cause__)


def test_invalid_value_stops_before_running_and_writes_nothing(tmp_path: Path) -> None:
    res = graduasi("run.months=-3", f"hydra.run.dir={tmp_path}/run", cwd=tmp_path)
    assert res.returncode == 2
    assert "run.months must be in [1, 600]" in res.stdout + res.stderr
    assert not list(tmp_path.rglob("*.nc"))
    res = graduasi("scenario=no_such_scenario", f"hydra.run.dir={tmp_path}/run", cwd=tmp_path)
    assert res.returncode == 2 and "available" in res.stdout + res.stderr


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sweep")
    res = graduasi("-m", "scenario=baseline_2025,aid_only", *SMALL,
                   f"hydra.sweep.dir={root}/sw", cwd=root)  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    return root / "sw"


def test_sweep_equals_direct_library_calls(sweep: Path) -> None:
    ds = collect(sweep)
    assert list(ds.scenario.values) == ["aid_only", "baseline_2025"]
    assert list(ds.replicate.values) == [0, 1]
    for name in ("aid_only", "baseline_2025"):
        params = load_params(name, {"world.population.households": 200,
                                    "world.population.village_size": 20, "run.months": 6,
                                    "run.burn_in_months": 2, "run.replicates": 2})  # fmt: skip
        direct = run(params)
        got = ds.sel(scenario=name).drop_vars(["scenario", "scenario_params"])
        xr.testing.assert_equal(got[list(direct.data_vars)], direct)


def test_collect_does_not_depend_on_job_order(sweep: Path, tmp_path: Path) -> None:
    shuffled = tmp_path / "shuffled"
    for i, path in enumerate(sorted(sweep.rglob("result-*.nc"), reverse=True)):
        target = shuffled / f"job_{i}" / "result.nc"
        target.parent.mkdir(parents=True)
        shutil.copy(path, target)
    shutil.copytree(sweep / ".graduasi", shuffled / ".graduasi")  # the sweep's manifest
    xr.testing.assert_identical(collect(sweep), collect(shuffled))


def test_rerun_skips_finished_jobs(sweep: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in sweep.rglob("result-*.nc")}
    res = graduasi("-m", "scenario=baseline_2025,aid_only", *SMALL,
                   f"hydra.sweep.dir={sweep}", cwd=sweep.parent)  # fmt: skip
    assert res.returncode == 0
    assert (res.stdout + res.stderr).count("skipping") == 2
    assert before == {p: p.stat().st_mtime_ns for p in sweep.rglob("result-*.nc")}


def test_report_writes_figures_and_tables(sweep: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    assert report_main([str(sweep), "--baseline", "baseline_2025", "--out", str(out)]) == 0
    files = (
        "results.nc effects.nc summary.md summary.csv poverty_paths.png relapse_survival.png "
        "spending_by_agency.png effect_poverty.png"
    )
    for name in files.split():
        assert (out / name).stat().st_size > 0, name
    text = (out / "summary.md").read_text()
    assert "Poverty rate (%)" in text and "Spending (Rp trillion)" in text and "aid_only" in text
    effects = xr.open_dataset(out / "effects.nc", engine="netcdf4")
    assert float(effects.effect_mean.sel(scenario="baseline_2025", outcome="poverty_rate")) == 0
    assert report_main([str(sweep), "--baseline", "nope", "--out", str(out)]) == 2


def test_lever_table_runs_every_lever(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The decomposition prints a row per lever and writes it between the doc's markers."""
    import experiments.levers as levers

    doc = tmp_path / "model.md"
    doc.write_text("before\n<!-- levers:begin -->\nSTALE\n<!-- levers:end -->\nafter\n")
    with pytest.MonkeyPatch.context() as m:  # a tiny world: 300 households, 12 months
        real = levers.load_params
        small = {"world.population.village_size": 20, "run.months": 26, "run.burn_in_months": 2}
        m.setattr(levers, "load_params", lambda name, o: real(name, o | small))
        m.setattr(levers, "DOC", doc)
        assert levers.main(["--households", "300", "--replicates", "2", "--update-doc"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()[2 : 2 + len(levers.LEVERS)]
    assert [r.split(" | ")[0].lstrip("| ") for r in rows] == list(levers.LEVERS)
    assert all(r.count("[") == len(levers.OUTCOMES) for r in rows)
    text = doc.read_text()
    assert text.startswith("before\n<!-- levers:begin -->\n| lever |") and "STALE" not in text
    assert text.endswith("<!-- levers:end -->\nafter\n")


def _copy_with(path: Path, target: Path, **attrs: str) -> None:
    """Copy a job result, changing some of its recorded attributes."""
    with xr.open_dataset(path) as ds:
        changed = ds.load()
    changed.attrs.update(attrs)
    target.parent.mkdir(parents=True, exist_ok=True)
    changed.to_netcdf(target)


def test_collect_skips_results_of_other_code(sweep: Path, tmp_path: Path) -> None:
    """A sweep re-run after the code changed: only the current code's results are collected."""
    from experiments.app import code_fingerprint

    mixed = tmp_path / "mixed"
    shutil.copytree(sweep, mixed, ignore=shutil.ignore_patterns("report"))
    for i, path in enumerate(sorted(sweep.rglob("result-*.nc"))):  # stale twins of every job
        _copy_with(path, mixed / "old" / f"result-{i}.nc", config_hash=f"old{i}",
                   code_fingerprint="0ld0ld0ld0ld")  # fmt: skip
    current = collect(mixed, code_fingerprint())
    xr.testing.assert_identical(current, collect(sweep))
    with pytest.raises(ValueError, match="two different results for scenario"):
        collect(mixed)  # all code: the stale twins clash with the current results
    out = tmp_path / "report"
    assert report_main([str(mixed), "--out", str(out)]) == 0
    assert report_main([str(mixed), "--out", str(out), "--any-code"]) == 2


def test_collect_refuses_two_results_for_one_replicate(sweep: Path, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    path = sorted(sweep.rglob("result-*.nc"))[0]
    _copy_with(path, seeds / "a" / "result.nc", config_hash="seed1")
    _copy_with(path, seeds / "b" / "result.nc", config_hash="seed2")
    with pytest.raises(ValueError, match=r"replicate 0: .*a/result.nc and .*b/result.nc"):
        collect(seeds)


def _fresh_python(code: str) -> str:
    """Run ``code`` in a fresh interpreter at the project root; return what it printed."""
    root = Path(__file__).resolve().parents[1]
    cmd = [sys.executable, "-c", code]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=root, check=False)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_the_launcher_process_does_not_import_the_engine() -> None:
    """Hydra's main process (configuration, validation, launching) needs no Mesa, SciPy or xarray.

    With several workers it only hands jobs out, so it starts without them (about 0.5 s); a job
    imports them before its own time starts.
    """
    code = (
        "import sys, experiments.app, simulation; "
        "print(sorted(m for m in ('mesa', 'scipy', 'xarray', 'simulation.model') "
        "if m in sys.modules))"
    )
    assert _fresh_python(code) == "[]"


def test_the_package_imports_its_names_when_first_used() -> None:
    """In a fresh process: every public name, a submodule, and an error for a wrong name."""
    code = (
        "import simulation, sys\n"
        "assert 'simulation.model' not in sys.modules\n"
        "for name in simulation.__all__:\n"
        "    assert getattr(simulation, name).__name__ == name, name\n"
        "import simulation.runner\n"
        "assert simulation.run is simulation.runner.run\n"
        "assert simulation.metrics.gini.__module__ == 'simulation.metrics'\n"
        "try:\n"
        "    simulation.nothing\n"
        "except AttributeError as err:\n"
        "    print(err)\n"
    )
    assert _fresh_python(code) == "module 'simulation' has no attribute 'nothing'"
