"""Declarations of a sensitivity study: the uncertainties and the policy levers, checked.

A declaration file (``factors.yaml`` beside this module) names the ``scenario`` every point
starts from and two lists: ``uncertainties`` (parameters of the world we do not know well) and
``levers`` (what a planner chooses). Each entry is a dotted parameter name, a ``range: [low,
high]`` in the field's own units, a ``distribution`` (``uniform``, ``loguniform`` or
``triangular`` with a ``mode``) and its justification: ``source:`` or ``assumption:`` for an
uncertainty, ``reason:`` (or ``source:``/``assumption:``) for a lever.

A factor is sampled as a number ``u`` in [0, 1] (the unit cube SALib samples) and mapped to the
override of its field by :meth:`Factor.value`: through the inverse distribution for a real
field, to one of the integers ``low..high`` with equal chance for an integer field, to off/on
(``u >= 0.5``) for an on/off field declared ``range: [0, 1]``, and to a one-year list ``[x]``
for a list field such as an annual budget (the last year's budget repeats in later years).

:func:`load_declarations` refuses a bad file before anything runs, naming the factor, the value
and what is allowed: every name must exist in the scenario's schema and both ends of its range
must load (``scenarios.load_params(scenario, {name: low})``, then ``high``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from scipy import stats

from scenarios import YamlLoader, load_params
from simulation.params import ParameterError

__all__ = [
    "DECLARATIONS",
    "KINDS",
    "DeclarationError",
    "Declarations",
    "Factor",
    "load_declarations",
]

DECLARATIONS = Path(__file__).resolve().parent / "factors.yaml"
#: section of the file -> kind of factor
KINDS = {"uncertainties": "uncertainty", "levers": "lever"}
DISTRIBUTIONS = ("uniform", "loguniform", "triangular")
_WHY = {"uncertainty": ("source", "assumption"), "lever": ("reason", "source", "assumption")}
_KEYS = {"name", "range", "distribution", "mode", "label", "source", "assumption", "reason"}


class DeclarationError(ParameterError):
    """A declaration file or one of its factors that cannot be used."""


@dataclass(frozen=True)
class Factor:
    """One declared factor: a dotted parameter, its range and how a unit draw maps to a value.

    ``low``/``high`` are in ``units``; ``field_type`` is ``float``, ``int``, ``bool`` or
    ``list`` (a one-value list of floats); ``baseline`` is the scenario's own value.
    """

    name: str
    kind: str
    low: float
    high: float
    distribution: str
    mode: float | None
    field_type: str
    units: str
    description: str
    baseline: Any
    why: str
    label: str

    def number(self, u: float) -> float:
        """Return the number drawn at unit coordinate ``u`` (in [0, 1]), in ``units``."""
        lo, hi = self.low, self.high
        if self.field_type == "bool":
            return float(u >= 0.5)
        if self.field_type == "int":
            return float(min(math.floor(lo + u * (hi - lo + 1)), hi))
        if self.distribution == "loguniform":
            return math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
        if self.distribution == "triangular":
            c = (float(self.mode) - lo) / (hi - lo)  # type: ignore[arg-type]
            return float(stats.triang.ppf(u, c, loc=lo, scale=hi - lo))
        return lo + u * (hi - lo)

    def value(self, u: float) -> Any:
        """Return the override of the field at unit coordinate ``u`` (a YAML-safe value)."""
        return self.override(self.number(u))

    def override(self, x: float) -> Any:
        """Return number ``x`` as the field's override (bool, int, float or ``[float]``)."""
        if self.field_type == "bool":
            return bool(x >= 0.5)
        if self.field_type == "int":
            return round(x)
        x = float(f"{x:.6g}")  # six significant digits: readable design files
        return [x] if self.field_type == "list" else x


@dataclass(frozen=True)
class Declarations:
    """A checked declaration file: its scenario and its factors (uncertainties, then levers)."""

    path: Path
    scenario: str
    factors: tuple[Factor, ...]

    def select(self, which: str) -> tuple[Factor, ...]:
        """Return the factors of ``which``: ``uncertainties``, ``levers`` or ``all``."""
        if which == "all":
            return self.factors
        return tuple(f for f in self.factors if f.kind == KINDS[which])


def _lookup(params: Any, dotted: str) -> tuple[Any, Mapping[str, Any]] | None:
    """Return the value at ``dotted`` in ``params`` and its field's metadata (None: unknown)."""
    node, keys = params, dotted.split(".")
    try:
        for key in keys[:-1]:
            node = ({getattr(r, "name", None): r for r in node}[key] if isinstance(node, tuple)
                    else getattr(node, key))  # fmt: skip
        field = {f.name: f for f in dataclasses.fields(node)}[keys[-1]]
    except (KeyError, AttributeError, TypeError):
        return None
    return getattr(node, keys[-1]), field.metadata


def _field_type(where: str, value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, tuple) and len(value) == 1 and isinstance(value[0], int | float):
        return "list"
    raise DeclarationError(
        f"{where}: the field holds {value!r}; a factor must be a number, an on/off field or a "
        "one-value list of numbers (an annual budget)"
    )


def _check_range(where: str, entry: Mapping[str, Any]) -> tuple[float, float]:
    rng = entry.get("range")
    ok = isinstance(rng, list) and len(rng) == 2
    if not ok or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in rng):
        raise DeclarationError(f"{where}: range must be [low, high], two numbers, got {rng!r}")
    low, high = float(rng[0]), float(rng[1])
    if not low < high:
        raise DeclarationError(f"{where}: range must have low < high, got [{low!r}, {high!r}]")
    return low, high


def _check_distribution(where: str, entry: Mapping[str, Any], low: float, high: float) -> None:
    dist, mode = entry.get("distribution", "uniform"), entry.get("mode")
    if dist not in DISTRIBUTIONS:
        raise DeclarationError(
            f"{where}: distribution must be one of {', '.join(DISTRIBUTIONS)}, got {dist!r}"
        )
    if dist == "loguniform" and low <= 0:
        raise DeclarationError(f"{where}: a loguniform range must be positive, got low={low!r}")
    if dist == "triangular" and not (isinstance(mode, int | float) and low <= mode <= high):
        raise DeclarationError(
            f"{where}: a triangular distribution needs a mode in [{low!r}, {high!r}], got {mode!r}"
        )
    if dist != "triangular" and mode is not None:
        raise DeclarationError(f"{where}: mode is only for a triangular distribution")


def _check_type(where: str, kind_type: str, low: float, high: float, dist: str) -> None:
    if kind_type == "bool" and (low, high) != (0.0, 1.0):
        raise DeclarationError(
            f"{where}: an on/off field is declared range: [0, 1], got [{low!r}, {high!r}]"
        )
    if kind_type in ("bool", "int") and dist != "uniform":
        raise DeclarationError(f"{where}: an integer or on/off factor must be uniform, got {dist}")
    if kind_type == "int" and not (low.is_integer() and high.is_integer()):
        raise DeclarationError(
            f"{where}: an integer field needs an integer range, got [{low!r}, {high!r}]"
        )


def _check_loads(where: str, scenario: str, name: str, factor: Factor) -> None:
    for end in (factor.low, factor.high):
        try:
            load_params(scenario, {name: factor.override(end)})
        except ParameterError as err:
            raise DeclarationError(
                f"{where}: {factor.override(end)!r} is not allowed: {err}"
            ) from None


def _justification(where: str, kind: str, entry: Mapping[str, Any]) -> str:
    texts = [f"{k}: {entry[k]}" for k in _WHY[kind] if isinstance(entry.get(k), str)]
    if not texts:
        raise DeclarationError(
            f"{where}: give the range's justification as {' or '.join(_WHY[kind])} (a text)"
        )
    return "; ".join(texts)


def _factor(where: str, kind: str, entry: Any, scenario: str, base: Any) -> Factor:
    """Check one entry of the file and return its factor."""
    if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
        raise DeclarationError(f"{where}: must be a mapping with a dotted 'name', got {entry!r}")
    name = entry["name"]
    where = f"{where} ({name})"
    if extra := sorted(set(entry) - _KEYS):
        raise DeclarationError(f"{where}: unknown key {extra[0]!r}; allowed: {sorted(_KEYS)}")
    low, high = _check_range(where, entry)
    _check_distribution(where, entry, low, high)
    found = _lookup(base, name)
    if found is None:
        try:
            load_params(scenario, {name: low})
        except ParameterError as err:
            raise DeclarationError(f"{where}: {err}") from None
        raise DeclarationError(f"{where}: not a field of scenario {scenario!r}")
    value, meta = found
    field_type = _field_type(where, value)
    dist = entry.get("distribution", "uniform")
    _check_type(where, field_type, low, high, dist)
    label = entry.get("label") or ".".join(name.split(".")[-2:])
    baseline = value[0] if field_type == "list" else value
    factor = Factor(name, kind, low, high, dist, entry.get("mode"), field_type,
                    str(meta.get("units", "")), str(meta.get("doc", "")), baseline,
                    _justification(where, kind, entry), str(label))  # fmt: skip
    _check_loads(where, scenario, name, factor)
    if kind == "uncertainty" and not low <= float(baseline) <= high:
        raise DeclarationError(
            f"{where}: an uncertainty's range must contain the scenario's value {baseline!r}, "
            f"got [{low!r}, {high!r}]"
        )
    return factor


def _read(path: Path) -> Mapping[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YamlLoader)  # a SafeLoader
    except (OSError, yaml.YAMLError) as err:
        raise DeclarationError(f"declaration file {str(path)!r} cannot be read: {err}") from None
    if not isinstance(data, Mapping) or set(data) - {"scenario", *KINDS}:
        raise DeclarationError(
            f"declaration file {str(path)!r} must be a mapping of 'scenario', 'uncertainties' "
            f"and 'levers', got keys {sorted(data) if isinstance(data, Mapping) else data!r}"
        )
    return data


def load_declarations(path: str | Path = DECLARATIONS) -> Declarations:
    """Read and check a declaration file.

    Parameters
    ----------
    path : str or Path
        The YAML file (default: ``experiments/sensitivity/factors.yaml``).

    Returns
    -------
    Declarations
        The scenario and the factors, uncertainties first, in the file's order.

    Raises
    ------
    DeclarationError
        The file, or a factor of it, cannot be used; the message names the factor, the value
        and what is allowed.
    """
    file = Path(path)
    data = _read(file)
    scenario = data.get("scenario")
    try:
        base = load_params(scenario)  # type: ignore[arg-type]
    except ParameterError as err:
        raise DeclarationError(f"declaration file {str(file)!r}: scenario: {err}") from None
    factors: list[Factor] = []
    for section, kind in KINDS.items():
        entries = data.get(section) or []
        if not isinstance(entries, list):
            raise DeclarationError(f"{file.name}: {section} must be a list of factors")
        factors += [_factor(f"{file.name}: {section}[{i}]", kind, e, str(scenario), base)
                    for i, e in enumerate(entries)]  # fmt: skip
    names = [f.name for f in factors]
    if twice := sorted({n for n in names if names.count(n) > 1}):
        raise DeclarationError(f"{file.name}: factor {twice[0]!r} is declared more than once")
    if not factors:
        raise DeclarationError(f"{file.name}: declares no factors")
    return Declarations(file, str(scenario), tuple(factors))
