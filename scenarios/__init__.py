"""Scenario data: the calibrated 2025 world and named scenarios, each value with its source.

A scenario file is YAML with ``meta`` (name, description, ``extends``: its parent) and the values
that differ from its parent. In the base world every leaf is written ``{value: ..., source: ...}``
or ``{value: ..., assumption: ...}`` so that no number enters the model without its provenance.

Use :func:`load_params` to turn a scenario (plus dotted overrides) into validated
:class:`simulation.params.Params`.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from scenarios.overrides import apply_overrides
from simulation.params import ParameterError, Params, from_dict

__all__ = [
    "SCENARIO_DIR",
    "STATUS_QUO",
    "YamlLoader",
    "available",
    "load_params",
    "load_tree",
    "scenario_path",
    "strip_provenance",
]

SCENARIO_DIR = Path(__file__).resolve().parent


class YamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML loader (libyaml's when installed) that reads ``3.0e6`` as a float.

    YAML 1.1 wants ``3.0e+6``; the resolver below accepts exponents without a sign.
    """


YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |\.[0-9_]+(?:[eE][-+]?[0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)
PROVENANCE_KEYS = frozenset({"source", "assumption", "note"})


#: a scenario name: the stem of a file in :data:`SCENARIO_DIR`, never a path
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")


def available() -> list[str]:
    """Names of the scenario files."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml") if _NAME.fullmatch(p.stem))


def scenario_path(name: Any) -> Path:
    """Return the file of scenario ``name``, refusing paths and unknown names.

    Raises
    ------
    ParameterError
        If ``name`` is not a plain scenario name (no directory, no suffix) or has no file.
    """
    names = available()
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        stem = name[: -len(".yaml")] if isinstance(name, str) and name.endswith(".yaml") else None
        hint = f" (drop the suffix: {stem!r})" if stem in names else ""
        raise ParameterError(
            f"scenario name must be the plain name of a file in {SCENARIO_DIR} (letters, digits, "
            f"'_' and '-', no directory and no .yaml), got {name!r}{hint}; "
            f"available: {', '.join(names)}"
        )
    path = SCENARIO_DIR / f"{name}.yaml"
    if not path.is_file():
        raise ParameterError(f"unknown scenario {name!r}; available: {', '.join(names)}")
    return path


@functools.lru_cache(maxsize=64)
def _parse(path: str, mtime_ns: int) -> Any:
    """Parse a YAML file once per version (a sweep worker loads the same files every job)."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=YamlLoader)  # YamlLoader is a SafeLoader
    except yaml.MarkedYAMLError as err:
        raise ParameterError(_yaml_message(path, err)) from None
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as err:
        raise ParameterError(f"{path}: cannot be read as YAML: {err}") from None
    return {} if data is None else data


def _yaml_message(path: str, err: yaml.MarkedYAMLError) -> str:
    """``file, line L, column C: YAML syntax error: problem (context)`` (lines from 1)."""
    mark = err.problem_mark or err.context_mark
    where = f", line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    context = f" ({err.context})" if err.context else ""
    return f"{path}{where}: YAML syntax error: {err.problem or err}{context}"


def _read(name: str) -> tuple[Path, dict[str, Any]]:
    path = scenario_path(name)
    data = copy.deepcopy(_parse(str(path), path.stat().st_mtime_ns))  # callers may change it
    if not isinstance(data, dict):
        raise ParameterError(
            f"scenario file {path} must be a mapping of sections (meta, world, policy, run), "
            f"got a {type(data).__name__}: {data!r:.80}"
        )
    return path, data


def is_leaf(node: Any) -> TypeGuard[Mapping[str, Any]]:
    """Whether ``node`` is a ``{value: ..., source|assumption|note: ...}`` leaf."""
    return (
        isinstance(node, Mapping) and "value" in node and set(node) <= {"value"} | PROVENANCE_KEYS
    )


def strip_provenance(node: Any) -> Any:
    """Replace every provenance leaf by its bare value, recursively."""
    if is_leaf(node):
        return strip_provenance(node["value"])
    if isinstance(node, Mapping):
        return {k: strip_provenance(v) for k, v in node.items()}
    if isinstance(node, list):
        return [strip_provenance(v) for v in node]
    return node


def _named(items: Any) -> bool:
    return isinstance(items, list) and all(isinstance(i, Mapping) and "name" in i for i in items)


def _merge_named(base: list[Any], delta: list[Any]) -> list[Any]:
    """Merge lists of named records by name: update, append, or drop with ``remove: true``."""
    out = [dict(b) for b in base]
    for item in delta:
        names = [b["name"] for b in out]
        if item.get("remove"):
            if item["name"] not in names:
                raise ParameterError(f"cannot remove {item['name']!r}: not in {names}")
            out.pop(names.index(item["name"]))
        elif item["name"] in names:
            i = names.index(item["name"])
            out[i] = _merge(out[i], item)
        else:
            out.append(dict(item))
    return out


def _merge(base: dict[str, Any], delta: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``delta`` over ``base``; lists of named records merge by name."""
    out = dict(base)
    for key, value in delta.items():
        old = out.get(key)
        if is_leaf(value) and is_leaf(old) and _named(value["value"]) and _named(old["value"]):
            keys = ("source", "assumption", "note")
            notes = [old.get(k) for k in keys] + [value.get(k) for k in keys]
            merged = _merge_named(old["value"], value["value"])
            out[key] = {"value": merged, "source": " | ".join(n for n in notes if n)}
        elif isinstance(value, Mapping) and isinstance(old, dict) and not is_leaf(value):
            out[key] = _merge(old, value)
        else:
            out[key] = value
    return out


def load_tree(name: str) -> dict[str, Any]:
    """Return scenario ``name`` merged over its ancestors, with provenance leaves kept.

    Raises
    ------
    ParameterError
        If a file is missing, is not valid YAML or not a mapping, or ``meta.extends`` names a
        missing scenario or makes a cycle.
    """
    return _load_tree(name, ())


def _load_tree(name: str, chain: tuple[str, ...]) -> dict[str, Any]:
    if name in chain:
        cycle = " -> ".join((*chain, name))
        raise ParameterError(
            f"meta.extends makes a cycle: {cycle}; scenario {chain[-1]!r} "
            f"({SCENARIO_DIR / (chain[-1] + '.yaml')}) must not extend {name!r}"
        )
    path, data = _read(name)
    meta = data.pop("meta", None) or {}
    parent = _parent(path, meta)
    tree = _load_tree(parent, (*chain, name)) if parent else {}
    tree.pop("meta", None)
    try:
        merged = _merge(tree, data)
    except ParameterError as err:
        raise ParameterError(f"{path}: {err}") from None
    merged["meta"] = meta
    return merged


def _parent(path: Path, meta: Any) -> str | None:
    """Return the scenario that the file at ``path`` extends (``meta.extends``), checked."""
    if not isinstance(meta, Mapping):
        raise ParameterError(
            f"{path}: meta must be a mapping (name, description, extends), got {meta!r:.80}"
        )
    parent = meta.get("extends")
    if parent is None:
        return None
    try:
        scenario_path(parent)
    except ParameterError as err:
        raise ParameterError(f"{path}: meta.extends is {parent!r}, not a scenario: {err}") from None
    return str(parent)


def load_params(name: str = "world_2025", overrides: Mapping[str, Any] | None = None) -> Params:
    """Load scenario ``name`` and apply dotted ``overrides``, validating everything.

    Parameters
    ----------
    name : str
        Scenario file name without ``.yaml`` (see :func:`available`).
    overrides : Mapping, optional
        Dotted paths to new values, e.g. ``{"world.population.households": 1000}``. A list of
        named records is entered by name: ``{"policy.programmes.PKH.budget": [30e12]}``.

    Returns
    -------
    Params
        Frozen, validated parameters. When the run has a policy history
        (``run.history_months``), ``history`` is the policy of :data:`STATUS_QUO` as its file
        says: the past every scenario shares, whatever its own policy or the overrides.

    Raises
    ------
    ParameterError
        For a bad name, file, key or value; the message names it and what is allowed.
    """
    params = _params(name, overrides)
    if not params.history_months:
        return params
    past = params if name == STATUS_QUO and not overrides else _params(STATUS_QUO, None)
    return dataclasses.replace(params, history=past.policy)


#: the scenario whose policy was in force before 2025: every scenario's past (``Params.history``)
STATUS_QUO = "baseline_2025"


def _params(name: str, overrides: Mapping[str, Any] | None) -> Params:
    tree = strip_provenance(load_tree(name))
    tree.pop("meta", None)
    apply_overrides(tree, overrides, name)
    return from_dict(Params, tree)
