"""The ``graduasi`` command: one Hydra job runs the replicates of one scenario.

Each job validates its parameters before anything runs, skips itself when a result with the
same configuration hash already exists in the sweep (its file name ends with the hash, so an
interrupted sweep resumes without opening any file), and writes its NetCDF atomically (a
temporary file renamed into place): a failed job never leaves a half-written result.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from experiments.config import overrides_from, register
from scenarios import load_params
from simulation.params import ParameterError, Params
from simulation.schema import to_dict

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["config_hash", "main", "run_job", "write_atomic"]

log = logging.getLogger("graduasi")
CONF_DIR = str(Path(__file__).resolve().parents[1] / "conf")
SIMULATION_DIR = Path(__file__).resolve().parents[1] / "simulation"

register()


def code_fingerprint() -> str:
    """Hash of the engine's source files: results of other code are not reused."""
    h = hashlib.sha256()
    for path in sorted(SIMULATION_DIR.rglob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def config_hash(scenario: str, params: Params, replicates: list[int]) -> str:
    """Stable hash of what a job computes: scenario, resolved parameters, replicates, code."""
    blob = json.dumps(
        {"scenario": scenario, "params": to_dict(params), "replicates": replicates,
         "code": code_fingerprint()},
        sort_keys=True,
    )  # fmt: skip
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def write_atomic(ds: xr.Dataset, path: Path) -> None:
    """Write ``ds`` to ``path`` through a temporary file renamed into place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        ds.to_netcdf(tmp, engine="netcdf4")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _finished(root: Path, digest: str) -> Path | None:
    """Return a finished result of this configuration under ``root`` (found by file name)."""
    return next(iter(sorted(root.rglob(f"*-{digest}.nc"))), None)


def run_job(cfg: DictConfig, out_dir: Path, sweep_dir: Path) -> Path:
    """Validate, skip if done, run and write one job; return the result path."""
    begun = time.perf_counter()
    tree: dict[str, Any] = OmegaConf.to_container(cfg, resolve=True)  # type: ignore[assignment]
    params = load_params(cfg.scenario, overrides_from(tree))
    reps = [cfg.replicate] if cfg.replicate is not None else list(range(params.run.replicates))
    digest = config_hash(cfg.scenario, params, reps)
    done = _finished(sweep_dir, digest)
    if done is not None:
        log.info("skipping %s: finished result %s has the same configuration", cfg.scenario, done)
        return done
    from simulation import run  # imported by main() already, outside the job's own time

    start = time.perf_counter()
    ds = run(params, replicates=reps, progress=cfg.progress)
    computed = time.perf_counter() - start
    ds.attrs.update(
        scenario=cfg.scenario,
        config_hash=digest,
        hydra_config=OmegaConf.to_yaml(cfg),
        code_fingerprint=code_fingerprint(),
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{cfg.output}-{digest}.nc"
    write_atomic(ds, path)
    log.info("wrote %s (%s, replicates %s; computed in %.3f s, job done in %.3f s)",
             path, cfg.scenario, reps, computed, time.perf_counter() - begun)  # fmt: skip
    return path


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
    multirun = hc.mode == RunMode.MULTIRUN
    sweep_dir = Path(hc.sweep.dir) if multirun else out_dir
    try:
        run_job(cfg, out_dir, sweep_dir)
    except ParameterError as err:
        log.error("invalid parameters: %s", err)
        sys.exit(2)


if __name__ == "__main__":
    main()
