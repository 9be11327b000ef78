"""Collect a sweep: merge every job's NetCDF into one dataset with dims (scenario, replicate, ...).

Scenario names come from each file's recorded configuration (its ``scenario`` attribute), never
from directory names; files are sorted by scenario and replicate, so the result does not depend
on the order in which jobs ran. Results of the same configuration (same hash) count once; a
file that cannot be read (a crash, a full disk) is skipped with a warning naming it.

A sweep directory can also hold results of earlier code (a sweep re-run after the engine
changed writes new files beside the old ones): given the current code's fingerprint, only its
results are collected and the others are reported as stale. Two different results for the same
scenario and replicate (other parameters or seeds) are refused, naming both files.

What was collected is recorded: ``result_hash`` (scenario, replicate) names the job result that
holds each replicate, and the attributes ``jobs_expected``, ``jobs_missing`` and
``replicates_missing`` (JSON) compare it with the sweep's manifests (written by ``graduasi``
before the first job starts) or, without one, with each scenario's ``run.replicates``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import xarray as xr

from experiments.results import read_result

__all__ = ["collect", "expected_jobs", "missing"]

log = logging.getLogger(__name__)


def _results(
    paths: list[Path], code: str | None
) -> tuple[dict[str, tuple[Path, xr.Dataset]], list[Path], list[str]]:
    seen: dict[str, tuple[Path, xr.Dataset]] = {}
    stale: list[Path] = []
    broken: list[str] = []
    for path in paths:
        try:
            ds = read_result(path)
        except OSError as err:
            broken.append(str(err))
            continue
        if "scenario" not in ds.attrs or "config_hash" not in ds.attrs:
            continue  # not a job result (e.g. an earlier merged file)
        if code is not None and ds.attrs.get("code_fingerprint") != code:
            stale.append(path)
            continue
        seen.setdefault(str(ds.attrs["config_hash"]), (path, ds))
    return seen, stale, broken


def expected_jobs(sweep_dir: str | Path, code: str | None = None) -> list[dict[str, Any]]:
    """Return the jobs listed by the sweep's manifests (of engine ``code``, if given)."""
    jobs: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(sweep_dir).glob(".graduasi/sweep-*.json")):
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            log.warning("skipped unreadable sweep manifest %s: %s", path, err)
            continue
        if code is None or body.get("code_fingerprint") == code:
            for job in body.get("jobs", []):
                jobs.setdefault(job["config_hash"], job)
    return list(jobs.values())


def _merge(seen: dict[str, tuple[Path, xr.Dataset]]) -> xr.Dataset:
    by_scenario: dict[str, list[xr.Dataset]] = {}
    owner: dict[tuple[str, int], Path] = {}
    for path, ds in seen.values():
        name = str(ds.attrs["scenario"])
        for rep in ds.replicate.values.tolist():
            other = owner.setdefault((name, rep), path)
            if other != path:
                raise ValueError(
                    f"two different results for scenario {name!r}, replicate {rep}: {other} and "
                    f"{path} (other parameters, seed or code, or replicates split otherwise); "
                    "collect them separately"
                )
        ds = ds.assign(result_hash=("replicate", [ds.attrs["config_hash"]] * ds.sizes["replicate"]))
        by_scenario.setdefault(name, []).append(ds)
    merged = []
    for name in sorted(by_scenario):
        runs = sorted(by_scenario[name], key=lambda d: int(d.replicate.values[0]))
        one = xr.concat(runs, dim="replicate", combine_attrs="drop_conflicts", data_vars="all")
        one = one.sortby("replicate").expand_dims(scenario=[name])
        one["scenario_params"] = ("scenario", [runs[0].attrs.get("params", "")])
        merged.append(one)
    out = xr.concat(merged, dim="scenario", join="outer", combine_attrs="drop_conflicts",
                    data_vars="all", fill_value={"result_hash": ""})  # fmt: skip
    for key in ("scenario", "config_hash", "params", "hydra_config"):
        out.attrs.pop(key, None)
    out["scenario_params"].attrs.update(units="-", long_name="resolved parameters (JSON)")
    out["result_hash"].attrs.update(
        units="-", long_name="configuration hash of the job result holding the replicate ('' none)"
    )
    return out


def _declared_replicates(ds: xr.Dataset, scenario: str) -> set[int]:
    try:
        params = json.loads(str(ds.scenario_params.sel(scenario=scenario).values))
        return set(range(int(params["run"]["replicates"])))
    except (ValueError, KeyError, TypeError):
        return set()


def missing(
    ds: xr.Dataset, jobs: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, list[int]]]:
    """Jobs of ``jobs`` whose result is not in ``ds``, and replicates missing by scenario."""
    held = {str(h) for h in ds.result_hash.values.ravel() if h}
    lost = [j for j in jobs if j["config_hash"] not in held]
    reps: dict[str, list[int]] = {}
    for name in [str(s) for s in ds.scenario.values]:
        have = {
            int(r)
            for r, h in zip(
                ds.replicate.values, ds.result_hash.sel(scenario=name).values, strict=True
            )
            if h
        }
        want = {r for j in jobs if j["scenario"] == name for r in j["replicates"]}
        want |= set() if jobs else _declared_replicates(ds, name)
        if want - have:
            reps[name] = sorted(want - have)
    return lost, reps


def collect(sweep_dir: str | Path, code: str | None = None) -> xr.Dataset:
    """Merge the results found under ``sweep_dir`` (recursively) into one dataset.

    Parameters
    ----------
    sweep_dir : str or Path
        Directory of a sweep (its job results are found recursively).
    code : str, optional
        Fingerprint of the engine's code: only results it computed are collected (the others
        are logged as stale). ``None`` collects results of any code.

    Raises
    ------
    FileNotFoundError
        ``sweep_dir`` is not a folder, or holds no readable job result (of this code).
    ValueError
        Two different results have the same scenario and replicate.
    """
    root = Path(sweep_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"sweep folder {str(root)!r} does not exist or is not a folder")
    paths = sorted(p for p in root.rglob("*.nc") if not p.name.startswith("."))
    seen, stale, broken = _results(paths, code)
    if stale:
        log.warning("skipped %d results of other engine code under %s (stale), e.g. %s",
                    len(stale), sweep_dir, stale[0])  # fmt: skip
    for why in broken:
        log.warning("skipped an unreadable result (rerun the sweep to recompute it): %s", why)
    if not seen:
        of = " of the current engine code" if code is not None and stale else ""
        raise FileNotFoundError(
            f"no readable job results (*.nc with a scenario){of} under {sweep_dir}"
        )
    out = _merge(seen)
    jobs = expected_jobs(root, code)
    lost, reps = missing(out, jobs)
    out.attrs.update(
        jobs_expected=json.dumps(sorted(j["config_hash"] for j in jobs)),
        jobs_missing=json.dumps(
            [{k: j[k] for k in ("job", "scenario", "replicates", "overrides")} for j in lost]
        ),
        replicates_missing=json.dumps(reps, sort_keys=True),
    )
    return out
