"""Sweeps on every launcher: identical results, failed jobs alone, SIGKILL and resume, Slurm."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xarray as xr
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from experiments.app import CONF_DIR
from experiments.collect import collect
from experiments.config import register
from experiments.hooks import task_tree
from experiments.jobs import plan
from experiments.report import main as report_main
from tests.sweep_tools import ROOT, SMALL, graduasi, in_process

SCENARIOS = "scenario=baseline_2025,aid_only,full_synergy"
LAUNCHERS = {
    "basic": ["hydra/launcher=basic"],
    "joblib-1": ["hydra.launcher.n_jobs=1"],
    "joblib-2": ["hydra.launcher.n_jobs=2"],
    "submitit_local": ["hydra/launcher=submitit_local"],
}


def _digest(scenario: str) -> str:
    register()
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        cfg = compose(config_name="config", overrides=[f"scenario={scenario}", *SMALL])
    return plan(task_tree(cfg)).digest


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same sweep on each launcher (and one BLAS thread against two)."""
    root = tmp_path_factory.mktemp("launchers")
    out = {}
    for name, extra in LAUNCHERS.items():
        threads = "1" if name == "basic" else "2"
        env = dict.fromkeys(("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"), threads)
        res = graduasi("-m", SCENARIOS, *SMALL, *extra, f"hydra.sweep.dir={root}/{name}",
                       cwd=root, env=env)  # fmt: skip
        assert res.returncode == 0, (name, res.stderr[-3000:])
        out[name] = root / name
    return out


def test_every_launcher_gives_the_identical_dataset(sweeps: dict[str, Path]) -> None:
    """Basic (one BLAS thread), joblib with one and two workers, submitit's local executor."""
    reference = collect(sweeps["basic"])
    assert list(reference.scenario.values) == ["aid_only", "baseline_2025", "full_synergy"]
    for name in ("joblib-1", "joblib-2", "submitit_local"):
        xr.testing.assert_identical(collect(sweeps[name]), reference)


def test_a_failed_job_fails_alone_and_is_named(tmp_path: Path) -> None:
    sweep = tmp_path / "sw"
    # a folder where job 1's result file must go: its write fails, after validation
    (sweep / "1_aid_only" / f"result-{_digest('aid_only')}.nc").mkdir(parents=True)
    # the default launcher (joblib) with the sweep's progress bar
    res = graduasi("-m", SCENARIOS, *SMALL, "progress=true", f"hydra.sweep.dir={sweep}",
                   cwd=tmp_path)  # fmt: skip
    assert res.returncode == 1, res.stderr[-2000:]
    assert "2/3 [" in res.stderr  # the bar's final count
    assert "1 of 3 jobs failed" in res.stderr
    assert "job 1 (scenario=aid_only" in res.stderr and "IsADirectoryError" in res.stderr
    ds = collect(sweep)
    assert list(ds.scenario.values) == ["baseline_2025", "full_synergy"]
    assert not list(sweep.rglob("*.tmp"))


def _result_files(sweep: Path) -> list[Path]:
    return sorted(p for p in sweep.rglob("result-*.nc") if p.is_file())


def test_sigkill_then_resume_gives_the_uninterrupted_dataset(
    sweeps: dict[str, Path], tmp_path: Path
) -> None:
    sweep = tmp_path / "sw"
    args = [sys.executable, "-m", "experiments.app", "-m", SCENARIOS, *SMALL,
            "hydra/launcher=basic", f"hydra.sweep.dir={sweep}"]  # fmt: skip
    proc = subprocess.Popen(args, cwd=tmp_path, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 120
    while not _result_files(sweep) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = _result_files(sweep)
    assert 1 <= len(done) < 3, "the sweep was not interrupted mid-way"
    # what a crash can leave besides: an abandoned temporary file and a truncated result
    tmp = done[0].with_name(f".{done[0].name}.{os.uname().nodename.replace('.', '_')}-999999.tmp")
    tmp.write_bytes(b"partial")
    truncated = sweep / "2_full_synergy" / f"result-{_digest('full_synergy')}.nc"
    truncated.parent.mkdir(parents=True, exist_ok=True)
    truncated.write_bytes(done[0].read_bytes()[:2000])
    first = done[0].stat().st_mtime_ns

    res = graduasi("-m", SCENARIOS, *SMALL, "hydra/launcher=basic",
                   f"hydra.sweep.dir={sweep}", cwd=tmp_path)  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    assert "recomputing" in res.stdout + res.stderr and "skipping" in res.stdout + res.stderr
    assert done[0].stat().st_mtime_ns == first  # the finished job was not run again
    assert not list(sweep.rglob("*.tmp"))
    xr.testing.assert_identical(collect(sweep), collect(sweeps["basic"]))


def test_report_names_missing_jobs_and_records_what_it_holds(
    sweeps: dict[str, Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sweep = tmp_path / "sw"
    shutil.copytree(sweeps["basic"], sweep)
    (lost,) = (p for p in _result_files(sweep) if "aid_only" in str(p.parent))
    lost.unlink()
    broken = _result_files(sweep)[0]
    broken.write_bytes(broken.read_bytes()[:1000])  # a truncated file: skipped, not a traceback
    out = tmp_path / "report"
    with caplog.at_level(logging.WARNING):
        assert report_main([str(sweep), "--baseline", "full_synergy", "--out", str(out)]) == 0
    text = caplog.text
    assert "job 1 (scenario=aid_only" in text and "unreadable" in text
    ds = xr.open_dataset(out / "results.nc", engine="netcdf4")
    missing = json.loads(ds.attrs["jobs_missing"])
    assert sorted(j["scenario"] for j in missing) == ["aid_only", "baseline_2025"]
    assert list(ds.scenario.values) == ["full_synergy"]
    assert all(h for h in ds.result_hash.values.ravel())
    assert len(json.loads(ds.attrs["jobs_expected"])) == 3
    summary = (out / "summary.md").read_text()
    assert "**Incomplete sweep**, missing: " in summary and "job 1 (aid_only" in summary


def test_report_names_missing_replicates_without_a_manifest(
    sweeps: dict[str, Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Replicates of one scenario run as separate jobs; one of them is lost."""
    sweep = tmp_path / "sw"
    res = graduasi("-m", "scenario=baseline_2025", "replicate=0,1", *SMALL,
                   "hydra/launcher=basic", f"hydra.sweep.dir={sweep}", cwd=tmp_path)  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    shutil.rmtree(sweep / ".graduasi")
    _result_files(sweep)[0].unlink()
    with caplog.at_level(logging.WARNING):
        ds = collect(sweep)
        from experiments.report import warn_missing

        warn_missing(ds)
    assert json.loads(ds.attrs["replicates_missing"]) in ({"baseline_2025": [0]},
                                                          {"baseline_2025": [1]})  # fmt: skip
    assert "scenario baseline_2025 is missing replicates" in caplog.text


def test_slurm_configuration_runs_through_submitit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """conf/hydra/launcher/slurm.yaml through Hydra's submitit launcher, as on a cluster.

    Submitit's Slurm executor takes the configuration and writes the sbatch script (checked
    here); the jobs then run through submitit's local executor, as the cluster would run them.
    """
    import submitit
    from submitit.slurm import slurm

    auto = submitit.AutoExecutor

    scripts: list[str] = []

    class SlurmThenLocal:
        def __init__(self, cluster: str, folder: str, **kwargs: object) -> None:
            assert cluster == "slurm"
            self.slurm = auto(cluster="slurm", folder=folder, **kwargs)
            self.local = auto(cluster="local", folder=folder)

        def update_parameters(self, **params: object) -> None:
            self.slurm.update_parameters(**params)  # refuses what Slurm would not take
            self.local.update_parameters(timeout_min=params["timeout_min"])

        def map_array(self, fn, *args):  # type: ignore[no-untyped-def]
            scripts.append(slurm._make_sbatch_string(
                command="python -m submitit.core._submit", folder=self.slurm.folder,
                map_count=len(args[0]), **self.slurm._executor.parameters))  # fmt: skip
            return self.local.map_array(fn, *args)

    monkeypatch.setattr(slurm.SlurmExecutor, "affinity", classmethod(lambda cls: 2))
    monkeypatch.setattr(submitit, "AutoExecutor", SlurmThenLocal)  # the launcher imports it late
    monkeypatch.chdir(tmp_path)
    sweep = tmp_path / "sw"
    monkeypatch.setattr(sys, "argv", ["graduasi", "-m", "scenario=baseline_2025,aid_only",
                                      *SMALL, "hydra/launcher=slurm",
                                      "hydra.launcher.partition=short",
                                      "hydra.launcher.array_parallelism=1",
                                      f"hydra.sweep.dir={sweep}"])  # fmt: skip
    from hydra.core.global_hydra import GlobalHydra

    import experiments.app

    try:
        experiments.app.cli()
    finally:
        GlobalHydra.instance().clear()
    (script,) = scripts
    for line in ("#SBATCH --partition=short", "#SBATCH --time=120", "#SBATCH --cpus-per-task=1",
                 "#SBATCH --mem=8GB", "#SBATCH --array=0-1%1"):  # fmt: skip
        assert line in script, script
    assert list(collect(sweep).scenario.values) == ["aid_only", "baseline_2025"]


def test_memory_refusal_names_the_size_before_submitting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, text = in_process(["-m", "scenario=baseline_2025", "hydra/launcher=slurm",
                             "hydra.launcher.mem_gb=1", "population.households=5000000",
                             f"hydra.sweep.dir={tmp_path}/sw"], monkeypatch, capsys)  # fmt: skip
    assert code == 2, text
    assert "households=5000000" in text and "GB" in text and "mem_gb" in text
    assert not any(tmp_path.iterdir())


def test_launcher_configurations_compose() -> None:
    register()
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        for launcher in ("cores", "basic", "joblib", "submitit_local", "slurm"):
            cfg = compose(config_name="config", overrides=[f"hydra/launcher={launcher}"],
                          return_hydra_config=True)  # fmt: skip
            assert cfg.hydra.launcher._target_, launcher
    slurm_yaml = OmegaConf.load(ROOT / "conf" / "hydra" / "launcher" / "slurm.yaml")
    for key in ("partition", "timeout_min", "cpus_per_task", "mem_gb", "array_parallelism"):
        assert key in slurm_yaml, key
