"""Hydra callback of ``graduasi``: check every job before the first starts; name failed jobs.

Configured in ``conf/config.yaml`` (``hydra.callbacks.validate``), it runs in the process that
launches the jobs, whatever the launcher:

- before a single run, it checks the job (:func:`experiments.jobs.plan`) and the memory it needs;
- before a sweep, it expands the sweep as Hydra's basic sweeper will, checks every point and the
  memory of the jobs that run at once, and writes the sweep's manifest (the jobs and their
  configuration hashes, read by ``graduasi-report``) — a bad point runs nothing and writes
  nothing;
- after a sweep, it looks for each job's result: a job that failed or died is named with its
  error, and the command exits with status 1 (the other jobs have finished).
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from pathlib import Path
from typing import Any, NoReturn

from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from experiments.jobs import Job, code_fingerprint, plan
from experiments.results import clean_stale_tmp, valid_result, write_text_atomic
from simulation.memory import check_memory
from simulation.params import ParameterError

__all__ = ["Validate", "failure_record", "find_result", "manifest_dir"]

log = logging.getLogger("graduasi")
BASIC_SWEEPER = "hydra._internal.core_plugins.basic_sweeper.BasicSweeper"


def manifest_dir(sweep_dir: Path) -> Path:
    """Folder of a sweep's manifests and failure records."""
    return sweep_dir / ".graduasi"


def failure_record(sweep_dir: Path, digest: str) -> Path:
    """File in which a job of a sweep records why it failed."""
    return manifest_dir(sweep_dir) / f"failed-{digest}.txt"


def find_result(root: Path, job_digest: str, replicates: list[int]) -> Path | None:
    """Return a result under ``root`` that can stand for the job, or ``None``."""
    for path in sorted(root.rglob(f"*-{job_digest}.nc")):
        if not path.name.startswith(".") and valid_result(path, job_digest, replicates) is None:
            return path
    return None


def _stop(message: str) -> NoReturn:
    print(f"graduasi: {message}", file=sys.stderr)
    sys.exit(2)


def task_tree(config: DictConfig) -> dict[str, Any]:
    """Return the job's own configuration as plain containers (without ``hydra``)."""
    return {
        str(k): OmegaConf.to_container(config[k], resolve=True)
        if OmegaConf.is_config(config[k])
        else config[k]
        for k in config
        if k != "hydra"
    }


def sweep_points(config: DictConfig) -> list[list[str]] | None:
    """Return the overrides of every job of a sweep, as the basic sweeper expands them."""
    if config.hydra.sweeper.get("_target_") != BASIC_SWEEPER:
        return None
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper

    params = config.hydra.sweeper.get("params") or {}
    args = [f"{k}={v}" for k, v in params.items()]
    args += list(OmegaConf.to_container(config.hydra.overrides.task, resolve=False))  # type: ignore[arg-type]
    loader = GlobalHydra.instance().config_loader()
    parsed = OverridesParser.create(config_loader=loader).parse_overrides(args)
    (points,) = BasicSweeper.split_arguments(parsed, None)
    return points


def _parallel(launcher: DictConfig, n: int) -> tuple[int, float | None, str]:
    """Jobs that run at once on this machine, a per-job memory limit (bytes), and the launcher."""
    target = str(launcher.get("_target_", ""))
    if "Slurm" in target:
        mem = launcher.get("mem_gb")
        return 1, float(mem) * 1e9 if mem else None, "Slurm (per job: hydra.launcher.mem_gb)"
    if "joblib" in target.lower():
        import os

        n_jobs = int(launcher.get("n_jobs") or 1)
        cores = os.cpu_count() or 1
        return min(n, cores if n_jobs < 0 else n_jobs), None, "joblib"
    if "submitit" in target:
        return min(n, int(launcher.get("array_parallelism") or n)), None, "submitit local"
    return 1, None, "basic"


def _check_memory(jobs: list[Job], launcher: DictConfig) -> None:
    parallel, limit, name = _parallel(launcher, len(jobs))
    biggest = max(jobs, key=lambda j: j.params.world.population.households)
    try:
        check_memory(biggest.params, jobs=parallel, available=limit)
    except ParameterError as err:
        _stop(f"{err} (launcher: {name})")


class Progress:
    """A progress bar of a sweep's jobs, counting their results as they appear (any launcher)."""

    def __init__(self, sweep_dir: Path, digests: list[str], every: float = 1.0) -> None:
        from tqdm.auto import tqdm

        self.sweep_dir, self.digests, self.every = sweep_dir, set(digests), every
        self.bar = tqdm(total=len(self.digests), desc="jobs", unit="job", dynamic_ncols=True)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def count(self) -> int:
        """Jobs of the sweep whose result file exists (by name)."""
        found = {p.stem.rsplit("-", 1)[-1] for p in self.sweep_dir.rglob("*.nc") if p.is_file()}
        return len(found & self.digests)

    def _watch(self) -> None:
        while True:
            self.bar.n = self.count()
            self.bar.refresh()
            if self.done.wait(self.every):
                return

    def close(self) -> None:
        """Stop watching; show the final count."""
        self.done.set()
        self.thread.join()
        self.bar.n = self.count()
        self.bar.close()


class Validate(Callback):
    """Check jobs before they start and report the failed ones (see the module docstring)."""

    def __init__(self) -> None:
        self.jobs: list[tuple[int, str, str, list[int]]] = []
        self.progress: Progress | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the progress bar (launchers send the callbacks to their workers)."""
        return {**self.__dict__, "progress": None}

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Check a single run's job before Hydra makes its folder."""
        try:
            job = plan(task_tree(config))
        except (ParameterError, OmegaConfBaseException) as err:
            _stop(f"invalid parameters: {err}")
        _check_memory([job], config.hydra.launcher)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Check every point of the sweep; write its manifest."""
        points = sweep_points(config)
        if points is None:
            log.warning("sweeper %s: each job checks its own parameters when it starts",
                        config.hydra.sweeper.get("_target_"))  # fmt: skip
            return
        loader = GlobalHydra.instance().config_loader()
        jobs, errors = [], []
        for i, point in enumerate(points):
            try:
                jobs.append(plan(task_tree(loader.load_sweep_config(config, list(point)))))
            except (ParameterError, HydraException, OmegaConfBaseException) as err:
                errors.append(f"  job {i} ({' '.join(point)}): {err}")
        if errors:
            _stop(f"{len(errors)} of {len(points)} sweep points are invalid; nothing was run:\n"
                  + "\n".join(errors))  # fmt: skip
        _check_memory(jobs, config.hydra.launcher)
        sweep_dir = Path(config.hydra.sweep.dir)
        self.jobs = [(i, " ".join(p), j.digest, j.replicates) for i, (p, j) in
                     enumerate(zip(points, jobs, strict=True))]  # fmt: skip
        self._write_manifest(sweep_dir, jobs, points)
        if config.get("progress", True):
            self.progress = Progress(sweep_dir, [j.digest for j in jobs])

    def _write_manifest(self, sweep_dir: Path, jobs: list[Job], points: list[list[str]]) -> None:
        entries = [
            {"job": i, "overrides": point, "scenario": j.scenario, "replicates": j.replicates,
             "config_hash": j.digest}
            for i, (point, j) in enumerate(zip(points, jobs, strict=True))
        ]  # fmt: skip
        import hashlib

        body = {"code_fingerprint": code_fingerprint(), "jobs": entries}
        text = json.dumps(body, indent=1, sort_keys=True)
        name = hashlib.sha256(text.encode()).hexdigest()[:16]
        folder = manifest_dir(sweep_dir)
        folder.mkdir(parents=True, exist_ok=True)
        clean_stale_tmp(sweep_dir)
        write_text_atomic(text + "\n", folder / f"sweep-{name}.json")

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Name every job of the sweep without a valid result and exit with status 1."""
        sweep_dir = Path(config.hydra.sweep.dir)
        if self.progress is not None:
            self.progress.close()
        failed = []
        for i, overrides, digest, reps in self.jobs:
            if find_result(sweep_dir, digest, reps) is None:
                record = failure_record(sweep_dir, digest)
                why = record.read_text().strip() if record.is_file() else "no result was written"
                failed.append(f"  job {i} ({overrides}): {why}")
        if failed:
            print(f"graduasi: {len(failed)} of {len(self.jobs)} jobs failed; the others "
                  "finished:\n" + "\n".join(failed), file=sys.stderr)  # fmt: skip
            sys.exit(1)
