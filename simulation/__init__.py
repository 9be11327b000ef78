"""Graduasi: an agent-based simulator of poverty-graduation policy in Indonesia.

The engine is a library: typed parameters in (:class:`simulation.params.Params`), an
:class:`xarray.Dataset` out (:func:`simulation.run`). It does no file I/O and no plotting.
"""

from simulation.households import Household, HouseholdState
from simulation.model import GraduationModel
from simulation.params import ParameterError, Params
from simulation.runner import run, run_replicate

__all__ = [
    "GraduationModel",
    "Household",
    "HouseholdState",
    "ParameterError",
    "Params",
    "run",
    "run_replicate",
]
