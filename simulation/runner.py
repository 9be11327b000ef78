"""Run a model to completion and return its outcomes as one labelled dataset."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import xarray as xr
from tqdm.auto import tqdm

from simulation.memory import check_memory
from simulation.model import GraduationModel
from simulation.params import ParameterError, Params, require_params, require_replicate

__all__ = ["run", "run_replicate"]


def run_replicate(params: Params, replicate: int) -> xr.Dataset:
    """Run one replicate for ``params.run.months`` months and return its dataset.

    Raises
    ------
    ParameterError
        If ``params`` is not a :class:`Params` or ``replicate`` not an integer from 0.
    """
    params = require_params(params, "simulation.run_replicate")
    replicate = require_replicate(replicate, "replicate")
    model = GraduationModel(params, replicate=replicate)
    model.run_model()
    return model.recorder.to_dataset(model)


def run(
    params: Params, *, replicates: Iterable[int] | None = None, progress: bool = False
) -> xr.Dataset:
    """Run replicates of one parameter set and stack them along ``replicate``.

    Parameters
    ----------
    params : Params
        Validated parameters.
    replicates : iterable of int, optional
        Replicate indices to run (any integers from 0); default ``range(params.run.replicates)``.
    progress : bool
        Show a progress bar over replicates.

    Returns
    -------
    xarray.Dataset
        Outcomes with dims ``(replicate, month, ...)``.

    Raises
    ------
    ParameterError
        If ``params`` is not a :class:`Params` (a scenario name, say) or ``replicates`` is not
        a non-empty list of integers from 0; before anything runs. Also if the machine has
        too little memory for a run of this size (see :mod:`simulation.memory`).
    """
    params = require_params(params, "simulation.run")
    check_memory(params)  # before anything is built
    reps = _replicate_indices(params, replicates)
    parts = [run_replicate(params, r) for r in tqdm(reps, disable=not progress, desc="replicates")]
    return xr.concat(parts, dim="replicate", combine_attrs="override", data_vars="all")


def _replicate_indices(params: Params, replicates: object) -> list[int]:
    """Return the replicate indices to run, checked: default ``range(params.run.replicates)``."""
    if replicates is None:
        return list(range(params.run.replicates))
    if isinstance(replicates, str | bytes | Mapping) or not isinstance(replicates, Iterable):
        hint = (
            f"; to run {replicates} replicates pass range({replicates}) or set run.replicates"
            if isinstance(replicates, int) and not isinstance(replicates, bool)
            else ""
        )
        raise ParameterError(
            "replicates must be a list of replicate indices (integers from 0), e.g. [0, 1, 2], "
            f"got {replicates!r:.100}{hint}"
        )
    reps = [require_replicate(r, f"replicates[{i}]") for i, r in enumerate(replicates)]
    if not reps:
        raise ParameterError("replicates must list at least one replicate index, got []")
    return reps
