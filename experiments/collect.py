"""Collect a sweep: merge every job's NetCDF into one dataset with dims (scenario, replicate, ...).

Scenario names come from each file's recorded configuration (its ``scenario`` attribute), never
from directory names; files are sorted by scenario and replicate, so the result does not depend
on the order in which jobs ran. Results of the same configuration (same hash) count once.
"""

from __future__ import annotations

from pathlib import Path

import xarray as xr

__all__ = ["collect"]


def _load(path: Path) -> xr.Dataset:
    with xr.open_dataset(path, engine="netcdf4") as ds:
        return ds.load()


def collect(sweep_dir: str | Path) -> xr.Dataset:
    """Merge the results found under ``sweep_dir`` (recursively) into one dataset."""
    paths = sorted(p for p in Path(sweep_dir).rglob("*.nc") if not p.name.startswith("."))
    seen: dict[str, xr.Dataset] = {}
    for path in paths:
        ds = _load(path)
        if "scenario" not in ds.attrs or "config_hash" not in ds.attrs:
            continue  # not a job result (e.g. an earlier merged file)
        seen.setdefault(str(ds.attrs["config_hash"]), ds)
    if not seen:
        raise FileNotFoundError(f"no job results (*.nc with a scenario) under {sweep_dir}")
    by_scenario: dict[str, list[xr.Dataset]] = {}
    for ds in seen.values():
        by_scenario.setdefault(str(ds.attrs["scenario"]), []).append(ds)
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
