"""Hydra structured configs derived from the engine's parameter schemas.

The command line may override any field of :class:`simulation.params.Params`. Rather than write
the fields twice, the override schema is generated from the engine's dataclasses: the same
names and types, every leaf optional (``None`` = keep the scenario's value). Hydra then rejects
a misspelt key or a wrong type at composition, naming it; the engine's own validation (bounds,
cross-field rules) runs next, before anything is simulated.

A list of named records (programmes, agencies, regions) is addressed by name, one field at a
time: ``policy.programmes.PKH.budget=[28.7e12]``. Its override schema has one entry per name
found in the scenario files, and a programme's ``rules`` take the fields of every kind (the
engine refuses a field that the programme's own kind does not have).
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import field
from typing import Any, Optional

from hydra.core.config_store import ConfigStore

from simulation.params import ParameterError, Params, Population
from simulation.policy import ProgrammeRules
from simulation.schema import Schema

__all__ = ["GraduasiConfig", "override_schema", "overrides_from", "record_names", "register"]

_CACHE: dict[tuple[type, str], type] = {}


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


def _make(name: str, specs: list[tuple[str, Any, Any]]) -> type:
    """Make a dataclass importable from this module under a unique name.

    Jobs pickle their configuration; a class found by its module and name is pickled by
    reference, so unpickling a job's result never rebuilds (and mutates) the class here.
    """
    unique, n = name, 1
    while unique in globals():
        n += 1
        unique = f"{name}{n}"
    cls = dataclasses.make_dataclass(unique, specs)
    cls.__module__ = __name__
    globals()[unique] = cls
    return cls


def _named(hint: Any) -> type | None:
    """Return the record class of a ``tuple[Record, ...]`` of named records, else ``None``."""
    if typing.get_origin(hint) is not tuple:
        return None
    (item,) = {a for a in typing.get_args(hint) if a is not Ellipsis}
    if isinstance(item, type) and issubclass(item, Schema):
        return item if "name" in {f.name for f in dataclasses.fields(item)} else None
    return None


def record_names(path: str) -> list[str]:
    """Names of the records at dotted ``path`` (e.g. ``policy.programmes``) in any scenario."""
    import scenarios

    names: dict[str, None] = {}
    for scenario in scenarios.available():
        try:
            node: Any = scenarios.strip_provenance(scenarios.load_tree(scenario))
            for key in path.split("."):
                node = node.get(key) if isinstance(node, dict) else None
        except (ParameterError, OSError):
            continue  # a broken scenario file is reported when it is used
        for item in node if isinstance(node, list) else []:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                names.setdefault(item["name"])
    return list(names)


def _rules_schema() -> type:
    """Override schema of a programme's ``rules``: the fields of every kind."""
    from simulation.policy import KINDS

    specs: dict[str, Any] = {}
    for kind in KINDS.values():
        for f in dataclasses.fields(kind.rules):
            hint = _leaf_type(typing.get_type_hints(kind.rules)[f.name])
            specs[f.name] = hint if specs.get(f.name, hint) == hint else Optional[Any]  # noqa: UP045
    fields = [(n, t, field(default=None)) for n, t in sorted(specs.items())]
    return _make("RulesOverrides", fields)


def _by_name(item: type, path: str) -> type:
    """Override schema of a list of named records: one optional record per known name."""
    record = override_schema(item, path)
    names = [n for n in record_names(path) if n.isidentifier()]
    specs = [(n, record, field(default_factory=record)) for n in names]
    return _make(f"{item.__name__}ByName", specs)


def override_schema(cls: type, path: str = "") -> type:
    """Return a dataclass mirroring schema ``cls`` with every leaf optional (default ``None``).

    ``path`` is the dotted place of ``cls`` in :class:`~simulation.params.Params`, where lists
    of named records look up their names.
    """
    if (cls, path) in _CACHE:
        return _CACHE[cls, path]
    hints = typing.get_type_hints(cls)
    specs: list[tuple[str, Any, Any]] = []
    for f in dataclasses.fields(cls):
        hint, where = hints[f.name], f"{path}.{f.name}" if path else f.name
        if f.name == "name" and cls is not Params and _has_name(cls):
            continue  # a record's name is how it is addressed, not a field to change
        if cls is Params and f.name == "history":
            continue  # the policy before the start is the status quo's (scenarios.STATUS_QUO)
        if isinstance(hint, type) and issubclass(hint, Schema):
            sub = _rules_schema() if hint is ProgrammeRules else override_schema(hint, where)
            specs.append((f.name, sub, field(default_factory=sub)))
        elif (item := _named(hint)) is not None:
            sub = _by_name(item, where)
            specs.append((f.name, sub, field(default_factory=sub)))
        else:
            specs.append((f.name, _leaf_type(hint), field(default=None)))
    _CACHE[cls, path] = _make(f"{cls.__name__}Overrides", specs)
    return _CACHE[cls, path]


def _has_name(cls: type) -> bool:
    return "name" in {f.name for f in dataclasses.fields(cls)}


_SECTIONS = {f.name: f.type for f in dataclasses.fields(override_schema(Params))}

#: The command line: a scenario, overrides of its parameters, and job settings.
GraduasiConfig = _make(
    "GraduasiConfig",
    [
        ("scenario", str, field(default="baseline_2025")),
        (
            "population",
            override_schema(Population, "world.population"),
            field(default_factory=override_schema(Population, "world.population")),
        ),
        *[(name, t, field(default_factory=t)) for name, t in _SECTIONS.items()],
        # run only this replicate (one job per replicate, e.g. on a cluster)
        ("replicate", Optional[int], field(default=None)),  # noqa: UP045
        # a design file and the index of its point to run (experiments/design.py)
        ("design", Optional[str], field(default=None)),  # noqa: UP045
        ("point", Optional[int], field(default=None)),  # noqa: UP045
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
