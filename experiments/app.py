"""The ``graduasi`` command: one Hydra job runs the replicates of one scenario.

Before anything runs, the command line is checked against the configuration schema
(:mod:`experiments.cli`) and every job of the run or sweep against the engine's schema
(:mod:`experiments.hooks`): bad input stops the command and writes nothing. A job skips itself
when a valid result of the same configuration hash exists in the sweep (an interrupted sweep
resumes), and writes its NetCDF atomically (:mod:`experiments.results`). In a sweep a job that
fails records why and the others go on; the command then exits with status 1, naming it.
"""

from __future__ import annotations

import contextlib
import logging
import time
import traceback
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from experiments.config import register
from experiments.hooks import failure_record, find_result, task_tree
from experiments.jobs import code_fingerprint, config_hash, plan
from experiments.results import clean_stale_tmp, valid_result, write_atomic, write_text_atomic

__all__ = ["CONF_DIR", "cli", "code_fingerprint", "config_hash", "main", "run_job"]

log = logging.getLogger("graduasi")
CONF_DIR = str(Path(__file__).resolve().parents[1] / "conf")

register()


def _reuse(sweep_dir: Path, out: Path, digest: str, reps: list[int]) -> Path | None:
    """Return a valid finished result of this job or ``None``; remove a broken one at ``out``."""
    if out.exists() and (why := valid_result(out, digest, reps)) is not None:
        log.warning("recomputing %s: %s", out, why)
        out.unlink(missing_ok=True)
    return find_result(sweep_dir, digest, reps)


def run_job(cfg: DictConfig, out_dir: Path, sweep_dir: Path, *, bar: bool = True) -> Path:
    """Validate, skip if done, run and write one job; return the result path.

    ``bar`` shows the job's own progress bar over replicates if ``progress`` is on (a sweep
    shows one bar over its jobs instead).
    """
    begun = time.perf_counter()
    job = plan(task_tree(cfg))
    clean_stale_tmp(out_dir, recursive=False)
    path = out_dir / job.file_name
    done = _reuse(sweep_dir, path, job.digest, job.replicates)
    if done is not None:
        log.info("skipping %s: finished result %s has the same configuration", job.scenario, done)
        return done
    from omegaconf import OmegaConf

    from simulation import run  # imported by main() already, outside the job's own time

    start = time.perf_counter()
    ds = run(job.params, replicates=job.replicates, progress=job.progress and bar)
    computed = time.perf_counter() - start
    ds.attrs.update(
        scenario=job.scenario,
        config_hash=job.digest,
        hydra_config=OmegaConf.to_yaml(cfg),
        code_fingerprint=code_fingerprint(),
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(ds, path)
    log.info("wrote %s (%s, replicates %s; computed in %.3f s, job done in %.3f s)",
             path, job.scenario, job.replicates, computed, time.perf_counter() - begun)  # fmt: skip
    return path


def _record_failure(cfg: DictConfig, sweep_dir: Path, err: Exception) -> None:
    """Log a sweep job's error and record it for the end of the sweep."""
    log.error("job failed: %s", "".join(traceback.format_exception(err)))
    try:
        digest = plan(task_tree(cfg)).digest
    except Exception:
        return
    record = failure_record(sweep_dir, digest)
    record.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(f"{type(err).__name__}: {err}\n", record)


@hydra.main(version_base="1.3", config_path=CONF_DIR, config_name="config")
def main(cfg: DictConfig) -> None:
    """Run one job of the ``graduasi`` command (see the module docstring)."""
    # The engine and xarray are imported by the process that runs a job, not by a launcher's
    # main process that only hands jobs to workers; here, before any job's own time starts.
    import xarray  # noqa: F401

    from simulation import run  # noqa: F401

    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO
    hc = HydraConfig.get()
    out_dir = Path(hc.runtime.output_dir)
    if hc.mode != RunMode.MULTIRUN:
        run_job(cfg, out_dir, out_dir)
        return
    sweep_dir = Path(hc.sweep.dir)
    try:
        run_job(cfg, out_dir, sweep_dir, bar=False)
    except Exception as err:
        _record_failure(cfg, sweep_dir, err)
    else:
        with contextlib.suppress(OSError):
            failure_record(sweep_dir, plan(task_tree(cfg)).digest).unlink(missing_ok=True)


def cli() -> None:
    """Entry point of ``graduasi``: check the command line, then run Hydra's application."""
    from experiments.cli import check_argv

    check_argv()
    main()


if __name__ == "__main__":
    cli()
