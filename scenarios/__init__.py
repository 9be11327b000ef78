"""Scenario data: the calibrated 2025 world and named scenarios, each value with its source.

A scenario file is YAML with ``meta`` (name, description, ``extends``: its parent) and the values
that differ from its parent. In the base world every leaf is written ``{value: ..., source: ...}``
or ``{value: ..., assumption: ...}`` so that no number enters the model without its provenance.

Use :func:`load_params` to turn a scenario (plus dotted overrides) into validated
:class:`simulation.params.Params`.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from simulation.params import ParameterError, Params, from_dict

__all__ = ["SCENARIO_DIR", "available", "load_params", "load_tree", "strip_provenance"]

SCENARIO_DIR = Path(__file__).resolve().parent


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML loader (libyaml's when installed) that reads ``3.0e6`` as a float.

    YAML 1.1 wants ``3.0e+6``; the resolver below accepts exponents without a sign.
    """


_Loader.add_implicit_resolver(
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


def available() -> list[str]:
    """Names of the scenario files."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


@functools.lru_cache(maxsize=64)
def _parse(path: str, mtime_ns: int) -> Any:
    """Parse a YAML file once per version (a sweep worker loads the same files every job)."""
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader) or {}  # _Loader is a SafeLoader


def _read(name: str) -> dict[str, Any]:
    path = SCENARIO_DIR / f"{name}.yaml"
    if not path.is_file():
        raise ParameterError(f"unknown scenario {name!r}; available: {', '.join(available())}")
    data = copy.deepcopy(_parse(str(path), path.stat().st_mtime_ns))  # callers may change it
    if not isinstance(data, dict):
        raise ParameterError(f"scenario {name!r} must be a mapping")
    return data


def is_leaf(node: Any) -> bool:
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
    """Return scenario ``name`` merged over its ancestors, with provenance leaves kept."""
    data = _read(name)
    meta = data.pop("meta", {})
    parent = meta.get("extends") if isinstance(meta, Mapping) else None
    tree = load_tree(parent) if parent else {}
    tree.pop("meta", None)
    merged = _merge(tree, data)
    merged["meta"] = meta
    return merged


def _set_dotted(tree: dict[str, Any], dotted: str, value: Any) -> None:
    keys = dotted.split(".")
    node: Any = tree
    for i, key in enumerate(keys[:-1]):
        if not isinstance(node, dict) or key not in node:
            raise ParameterError(f"unknown key {'.'.join(keys[: i + 1])} in override {dotted!r}")
        node = node[key]
    if not isinstance(node, dict) or keys[-1] not in node:
        raise ParameterError(f"unknown key {dotted} in override {dotted!r}")
    node[keys[-1]] = value


def load_params(name: str = "world_2025", overrides: Mapping[str, Any] | None = None) -> Params:
    """Load scenario ``name`` and apply dotted ``overrides``, validating everything.

    Parameters
    ----------
    name : str
        Scenario file name without ``.yaml`` (see :func:`available`).
    overrides : Mapping, optional
        Dotted paths to new values, e.g. ``{"world.population.households": 1000}``.

    Returns
    -------
    Params
        Frozen, validated parameters.
    """
    tree = strip_provenance(load_tree(name))
    tree.pop("meta", None)
    for dotted, value in (overrides or {}).items():
        _set_dotted(tree, dotted, value)
    return from_dict(Params, tree)
