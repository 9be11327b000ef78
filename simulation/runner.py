"""Run a model to completion and return its outcomes as one labelled dataset."""

from __future__ import annotations

import xarray as xr
from tqdm.auto import tqdm

from simulation.model import GraduationModel
from simulation.params import Params

__all__ = ["run", "run_replicate"]


def run_replicate(params: Params, replicate: int) -> xr.Dataset:
    """Run one replicate for ``params.run.months`` months and return its dataset."""
    model = GraduationModel(params, replicate=replicate)
    model.run_model()
    return model.recorder.to_dataset(model)


def run(
    params: Params, *, replicates: list[int] | None = None, progress: bool = False
) -> xr.Dataset:
    """Run replicates of one parameter set and stack them along ``replicate``.

    Parameters
    ----------
    params : Params
        Validated parameters.
    replicates : list of int, optional
        Replicate indices to run; default ``range(params.run.replicates)``.
    progress : bool
        Show a progress bar over replicates.

    Returns
    -------
    xarray.Dataset
        Outcomes with dims ``(replicate, month, ...)``.
    """
    reps = list(range(params.run.replicates)) if replicates is None else replicates
    parts = [run_replicate(params, r) for r in tqdm(reps, disable=not progress, desc="replicates")]
    return xr.concat(parts, dim="replicate", combine_attrs="override", data_vars="all")
