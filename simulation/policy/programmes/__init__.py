"""Programme kinds, one module each: its typed rules class, its runtime and its :class:`Kind`.

:data:`KINDS` maps each ``kind`` of the scenario files to its :class:`Kind`; it is filled from
the ``KIND`` of every module of this package, so adding a kind is adding one module.
"""

from __future__ import annotations

import importlib
import pkgutil

from simulation.policy.programmes.base import Kind, ProgrammeRules, ProgrammeRuntime

__all__ = ["KINDS", "Kind", "ProgrammeRules", "ProgrammeRuntime"]


def _discover() -> dict[str, Kind]:
    kinds: dict[str, Kind] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        kind = getattr(module, "KIND", None)
        if isinstance(kind, Kind):
            if kind.name in kinds:
                raise RuntimeError(f"programme kind {kind.name!r} is defined twice")
            kinds[kind.name] = kind
    return kinds


#: every programme kind by name
KINDS: dict[str, Kind] = _discover()
