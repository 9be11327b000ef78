"""Collect a sweep: merge every job's NetCDF into one dataset with dims (scenario, replicate, ...).

Scenario names come from each file's recorded configuration (its ``scenario`` attribute), never
from directory names; files are sorted by scenario and replicate, so the result does not depend
on the order in which jobs ran. Results of the same configuration (same hash) count once.

A sweep directory can also hold results of earlier code (a sweep re-run after the engine
changed writes new files beside the old ones): given the current code's fingerprint, only its
results are collected and the others are reported as stale. Two different results for the same
scenario and replicate (other parameters or seeds) are refused, naming both files.
"""

from __future__ import annotations

import logging
from pathlib import Path

import xarray as xr

__all__ = ["collect"]

log = logging.getLogger(__name__)


def _load(path: Path) -> xr.Dataset:
    with xr.open_dataset(path, engine="netcdf4") as ds:
        return ds.load()


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
        No job result (of this code) under ``sweep_dir``.
    ValueError
        Two different results have the same scenario and replicate.
    """
    paths = sorted(p for p in Path(sweep_dir).rglob("*.nc") if not p.name.startswith("."))
    seen: dict[str, tuple[Path, xr.Dataset]] = {}
    stale = []
    for path in paths:
        ds = _load(path)
        if "scenario" not in ds.attrs or "config_hash" not in ds.attrs:
            continue  # not a job result (e.g. an earlier merged file)
        if code is not None and ds.attrs.get("code_fingerprint") != code:
            stale.append(path)
            continue
        seen.setdefault(str(ds.attrs["config_hash"]), (path, ds))
    if stale:
        log.warning("skipped %d results of other engine code under %s (stale), e.g. %s",
                    len(stale), sweep_dir, stale[0])  # fmt: skip
    if not seen:
        of = " of the current engine code" if code is not None and stale else ""
        raise FileNotFoundError(f"no job results (*.nc with a scenario){of} under {sweep_dir}")
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
        by_scenario.setdefault(name, []).append(ds)
    merged = []
    for name in sorted(by_scenario):
        runs = sorted(by_scenario[name], key=lambda d: int(d.replicate.values[0]))
        one = xr.concat(runs, dim="replicate", combine_attrs="drop_conflicts", data_vars="all")
        one = one.sortby("replicate").expand_dims(scenario=[name])
        one["scenario_params"] = ("scenario", [runs[0].attrs.get("params", "")])
        merged.append(one)
    out = xr.concat(merged, dim="scenario", join="outer", combine_attrs="drop_conflicts",
                    data_vars="all")  # fmt: skip
    for key in ("scenario", "config_hash", "params", "hydra_config"):
        out.attrs.pop(key, None)
    out["scenario_params"].attrs.update(units="-", long_name="resolved parameters (JSON)")
    return out
