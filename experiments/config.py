"""Hydra structured configs derived from the engine's parameter schemas.

The command line may override any field of :class:`simulation.params.Params`. Rather than write
the fields twice, the override schema is generated from the engine's dataclasses: the same
names and types, every leaf optional (``None`` = keep the scenario's value). Hydra then rejects
a misspelt key or a wrong type at composition, naming it; the engine's own validation (bounds,
cross-field rules) runs next, before anything is simulated.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import field
from typing import Any, Optional

from hydra.core.config_store import ConfigStore

from simulation.params import Params, Population
from simulation.schema import Schema

__all__ = ["GraduasiConfig", "override_schema", "overrides_from", "register"]

_CACHE: dict[type, type] = {}


def _leaf_type(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin is tuple:
        (item,) = {a for a in typing.get_args(hint) if a is not Ellipsis}
        if isinstance(item, type) and issubclass(item, Schema):
            return Optional[Any]  # noqa: UP045 (OmegaConf needs typing.Optional)
        return Optional[list[item]]  # type: ignore[valid-type]  # noqa: UP045
    args = typing.get_args(hint)
    if type(None) in args:
        return Optional[Any]  # noqa: UP045
    return Optional[hint]  # noqa: UP045


def override_schema(cls: type) -> type:
    """Return a dataclass mirroring schema ``cls`` with every leaf optional (default ``None``)."""
    if cls in _CACHE:
        return _CACHE[cls]
    hints = typing.get_type_hints(cls)
    specs: list[tuple[str, Any, Any]] = []
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        if isinstance(hint, type) and issubclass(hint, Schema):
            sub = override_schema(hint)
            specs.append((f.name, sub, field(default_factory=sub)))
        else:
            specs.append((f.name, _leaf_type(hint), field(default=None)))
    _CACHE[cls] = dataclasses.make_dataclass(f"{cls.__name__}Overrides", specs)
    return _CACHE[cls]


_POPULATION = override_schema(Population)
_SECTIONS = {f.name: f.type for f in dataclasses.fields(override_schema(Params))}

#: The command line: a scenario, overrides of its parameters, and job settings.
GraduasiConfig = dataclasses.make_dataclass(
    "GraduasiConfig",
    [
        ("scenario", str, field(default="baseline_2025")),
        (
            "population",
            override_schema(Population),
            field(default_factory=override_schema(Population)),
        ),
        *[(name, t, field(default_factory=t)) for name, t in _SECTIONS.items()],
        # run only this replicate (one job per replicate, e.g. on a cluster)
        ("replicate", Optional[int], field(default=None)),  # noqa: UP045
        ("output", str, field(default="result")),  # file stem: <output>-<config hash>.nc
        ("progress", bool, field(default=True)),
    ],
)


def register() -> None:
    """Register the schema with Hydra's ConfigStore as ``graduasi_schema``."""
    ConfigStore.instance().store(name="graduasi_schema", node=GraduasiConfig)


def overrides_from(tree: dict[str, Any]) -> dict[str, Any]:
    """Dotted overrides for :func:`scenarios.load_params` from the composed config.

    ``population.*`` is a shortcut for ``world.population.*``.
    """
    out: dict[str, Any] = {}

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{path}.{k}" if path else k)
        elif node is not None:
            out[path] = node

    for section in ("world", "policy", "run"):
        walk(tree.get(section) or {}, section)
    walk(tree.get("population") or {}, "world.population")
    return out
