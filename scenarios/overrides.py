"""Dotted overrides of a scenario tree, checked against the parameter schema as they are applied.

A key such as ``world.population.households`` walks the sections of :class:`Params`; a list of
named records (programmes, agencies, regions) is entered by a record's name, as in
``policy.programmes.PKH.budget`` or ``policy.agencies.Kemensos.registry``. A key that the schema
does not know is refused with the keys (or record names) allowed where it went wrong; the values
themselves are validated afterwards, with everything else, by :func:`simulation.schema.from_dict`.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from typing import Any

from simulation.params import ParameterError, Params
from simulation.schema import Schema, to_dict

__all__ = ["apply_overrides", "set_dotted"]


def apply_overrides(tree: dict[str, Any], overrides: Any, scenario: str) -> None:
    """Apply ``overrides`` (dotted key to value) to the plain ``tree`` of ``scenario``, in place.

    Parameters
    ----------
    tree : dict
        Scenario tree without provenance and without ``meta``.
    overrides : Mapping or None
        Dotted keys to new values.
    scenario : str
        Name of the scenario, for error messages.

    Raises
    ------
    ParameterError
        If ``overrides`` is not a mapping, or a key is not a dotted string the schema knows.
    """
    if overrides is None:
        return
    if not isinstance(overrides, Mapping):
        raise ParameterError(
            "overrides must be a mapping of dotted keys to values, such as "
            f"{{'world.population.households': 1000}}, got {overrides!r}"
        )
    for dotted, value in overrides.items():
        set_dotted(tree, dotted, value, scenario)


def set_dotted(tree: dict[str, Any], dotted: Any, value: Any, scenario: str) -> None:
    """Set the value at ``dotted`` in ``tree``, walking the schema of :class:`Params` alongside.

    Parameters
    ----------
    tree : dict
        Plain scenario tree, changed in place.
    dotted : str
        Dotted key; a list of named records is entered by a record's name.
    value : Any
        The new value (a schema record is turned into plain data first).
    scenario : str
        Name of the scenario, for error messages.
    """
    if not isinstance(dotted, str):
        raise ParameterError(
            "override keys must be dotted strings such as 'world.population.households', "
            f"got {dotted!r}"
        )
    keys = dotted.split(".")
    node: Any = tree
    hint: Any = Params
    for depth in range(len(keys) - 1):
        node, hint = _enter(node, hint, keys, depth, scenario)
    _assign(node, hint, keys, _plain(value), scenario)


def _enter(node: Any, hint: Any, keys: list[str], depth: int, scenario: str) -> tuple[Any, Any]:
    """Return the child at ``keys[depth]`` of ``node`` (of schema ``hint``) and its schema."""
    key = keys[depth]
    item = _record_class(hint)
    if item is not None and isinstance(node, list):
        return node[_record_index(node, item, keys, depth, scenario)], item
    fields = _section_fields(node, hint, keys, depth)
    if key not in fields:
        raise _unknown_key(keys, depth, fields)
    child_hint = fields[key]
    child = node.get(key)
    if child is None and _is_schema(child_hint):  # an optional section left out
        child = node[key] = {}
    if not isinstance(child, dict | list) or not (
        _is_schema(child_hint) or _record_class(child_hint)
    ):
        raise ParameterError(
            f"cannot override {'.'.join(keys)}: {_path(keys, depth)} is a value, not a section "
            f"of named records or keys; override {_path(keys, depth)} as a whole"
        )
    return child, child_hint


def _assign(node: Any, hint: Any, keys: list[str], value: Any, scenario: str) -> None:
    """Set the last of ``keys`` in ``node`` (of schema ``hint``) to ``value``."""
    depth = len(keys) - 1
    item = _record_class(hint)
    if item is not None and isinstance(node, list):
        node[_record_index(node, item, keys, depth, scenario)] = value
        return
    fields = _section_fields(node, hint, keys, depth)
    if keys[-1] not in fields:
        raise _unknown_key(keys, depth, fields)
    node[keys[-1]] = value


def _section_fields(node: Any, hint: Any, keys: list[str], depth: int) -> dict[str, Any]:
    """Field types of the section ``node`` (of schema ``hint``) that ``keys[depth]`` goes into."""
    if not isinstance(node, dict) or not _is_schema(hint):
        raise ParameterError(
            f"cannot override {'.'.join(keys)}: {_path(keys, depth - 1)} is not a section "
            f"(it holds {node!r:.80})"
        )
    path = _path(keys, depth - 1) or "Params"
    hints = hint.hints_for(node, path)  # a programme's rules depend on its kind
    return {f.name: _unwrap(hints[f.name]) for f in dataclasses.fields(hint)}


def _record_index(node: list[Any], item: type, keys: list[str], depth: int, scenario: str) -> int:
    """Index of the record named ``keys[depth]`` in the list of records ``node``."""
    names = [r.get("name") if isinstance(r, Mapping) else None for r in node]
    if keys[depth] in names:
        return names.index(keys[depth])
    what = item.__name__.lower()
    listed = ", ".join(str(n) for n in names if n is not None) or "none"
    raise ParameterError(
        f"unknown {what} {keys[depth]!r} in override {'.'.join(keys)!r}; "
        f"{keys[depth - 1]} of scenario {scenario}: {listed}"
    )


def _unknown_key(keys: list[str], depth: int, fields: Mapping[str, Any]) -> ParameterError:
    return ParameterError(
        f"unknown key {_path(keys, depth)} in override {'.'.join(keys)!r}; allowed keys of "
        f"{_path(keys, depth - 1) or 'Params'}: {', '.join(fields)}"
    )


def _path(keys: list[str], depth: int) -> str:
    """Return the dotted key up to and including ``keys[depth]`` (empty before the first)."""
    return ".".join(keys[: depth + 1])


def _unwrap(hint: Any) -> Any:
    """Return ``X`` for ``X | None``, else ``hint``."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    return args[0] if type(None) in typing.get_args(hint) and len(args) == 1 else hint


def _is_schema(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, Schema)


def _record_class(hint: Any) -> type | None:
    """Return the record class of a ``tuple[Record, ...]`` of named records, else None."""
    if typing.get_origin(hint) is not tuple:
        return None
    (item,) = {a for a in typing.get_args(hint) if a is not Ellipsis}
    named = _is_schema(item) and "name" in {f.name for f in dataclasses.fields(item)}
    return item if named else None


def _plain(value: Any) -> Any:
    """Return a schema record (or a list or tuple of them) as plain data, else ``value``."""
    if isinstance(value, Schema):
        return to_dict(value)
    if isinstance(value, list | tuple) and any(isinstance(v, Schema) for v in value):
        return [to_dict(v) if isinstance(v, Schema) else v for v in value]
    return value
