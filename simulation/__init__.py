"""Graduasi: an agent-based simulator of poverty-graduation policy in Indonesia.

The engine is a library: typed parameters in (:class:`simulation.params.Params`), an
:class:`xarray.Dataset` out (:func:`simulation.run`). It does no file I/O and no plotting.

The names below are imported when first used (PEP 562, as SPEC 1 recommends for scientific
Python packages), so ``import simulation.params`` alone, which the command line's configuration
needs, does not import Mesa, SciPy and xarray (about 0.5 s).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulation.agents import Household
    from simulation.households import HouseholdState
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

_HOMES = {
    "GraduationModel": "simulation.model",
    "Household": "simulation.agents",
    "HouseholdState": "simulation.households",
    "ParameterError": "simulation.params",
    "Params": "simulation.params",
    "run": "simulation.runner",
    "run_replicate": "simulation.runner",
}


if not TYPE_CHECKING:  # type checkers see the imports above; a misspelt name stays an error

    def __getattr__(name: str) -> Any:
        """Import a public name (or a submodule) of the package when it is first used."""
        if name in _HOMES:
            value = getattr(importlib.import_module(_HOMES[name]), name)
        else:
            try:
                value = importlib.import_module(f"{__name__}.{name}")
            except ModuleNotFoundError as err:
                if err.name != f"{__name__}.{name}":
                    raise
                raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
