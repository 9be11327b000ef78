"""Typed, validated, frozen parameter records: the machinery behind :mod:`simulation.params`.

Every parameter is a field of a frozen dataclass declared with :func:`spec`, which records its
units, its bounds and a one-line description. That declaration is the single definition of the
field: validation, the dictionary loader and the documentation all read it.

Bad input raises :class:`ParameterError` with the dotted name of the field and the allowed
values, at construction time, before anything runs.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import operator
import types
import typing
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

import numpy as np

__all__ = [
    "INT64_MAX",
    "MONEY_BUDGET",
    "MONEY_MONTH",
    "MONEY_STOCK",
    "ParameterError",
    "Schema",
    "from_dict",
    "spec",
    "to_dict",
]

T = TypeVar("T", bound="Schema")

# Upper bounds shared by the schemas: generous, but a value beyond them is a typo or a unit error.
#: Rupiah per person, household or worker per month: Rp 1e9 is about US$60,000 a month
MONEY_MONTH = 1e9
#: Rupiah held by one household (assets, a loan, a grant): Rp 1 trillion
MONEY_STOCK = 1e12
#: Rupiah per year of one programme: Indonesia's whole state budget (APBN) is about Rp 3.6e15
MONEY_BUDGET = 1e16
#: largest integer a NetCDF result can record (seeds and replicate indices are recorded)
INT64_MAX = 2**63 - 1


class ParameterError(ValueError):
    """A parameter value, key or combination that the schema does not allow."""


def spec(
    units: str,
    doc: str,
    *,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
    choices: tuple[str, ...] | None = None,
) -> Any:
    """Declare a schema field with units, bounds and a description.

    Parameters
    ----------
    units : str
        Physical units, e.g. ``"Rp/capita/month"``, ``"1/month"``, ``"1"`` for a pure number.
    doc : str
        One-line description.
    ge, gt, le, lt : float, optional
        Inclusive (``ge``, ``le``) and exclusive (``gt``, ``lt``) bounds for numbers, and for
        every element of a tuple of numbers.
    choices : tuple of str, optional
        Allowed values of a string field.

    Returns
    -------
    dataclasses.Field
        A field with no default: every value comes from the scenario files.
    """
    meta = {"units": units, "doc": doc, "ge": ge, "gt": gt, "le": le, "lt": lt, "choices": choices}
    return dataclasses.field(metadata=meta)


def _bounds_text(meta: Mapping[str, Any]) -> str:
    lo = (
        f"[{_number_text(meta['ge'])}"
        if meta["ge"] is not None
        else f"({_number_text(meta['gt'])}"
        if meta["gt"] is not None
        else "(-inf"
    )
    hi = (
        f"{_number_text(meta['le'])}]"
        if meta["le"] is not None
        else f"{_number_text(meta['lt'])})"
        if meta["lt"] is not None
        else "inf)"
    )
    return f"{lo}, {hi}"


def _number_text(x: float) -> str:
    """Write a bound: ``1e9`` rather than ``1000000000.0``."""
    if isinstance(x, float) and x.is_integer() and abs(x) >= 1e6:
        return f"{x:g}".replace("e+0", "e").replace("e+", "e")
    return repr(x)


def _value_text(x: float) -> str:
    """``repr`` of a value given, a huge integer shortened (its repr can be thousands of digits)."""
    if isinstance(x, int) and x.bit_length() > 64:
        return repr(float(x)) if x.bit_length() < 1000 else f"an integer of {x.bit_length()} bits"
    return repr(x)


_BOUNDS = (("ge", operator.ge), ("gt", operator.gt), ("le", operator.le), ("lt", operator.lt))


def _in_bounds(x: float, meta: Mapping[str, Any]) -> bool:
    if isinstance(x, float) and not math.isfinite(x):
        return False
    return all(meta[k] is None or op(x, meta[k]) for k, op in _BOUNDS)  # ints compare exactly


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """Return the resolved type hints of a schema class (evaluated once: they never change)."""
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


class Schema:
    """Base class for frozen parameter dataclasses; validates every field on construction."""

    _section: ClassVar[str] = ""

    def __post_init__(self) -> None:
        hints = _hints(type(self))
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = _coerce(getattr(self, f.name), hints[f.name], self._name(f.name))
            object.__setattr__(self, f.name, value)
            _check(value, f.metadata, self._name(f.name))
        self.validate()

    def _name(self, field_name: str) -> str:
        return f"{type(self).__name__}.{field_name}"

    def validate(self) -> None:
        """Cross-field checks; subclasses override and raise :class:`ParameterError`."""

    @classmethod
    def hints_for(cls, data: Mapping[str, Any], path: str) -> dict[str, Any]:
        """Return the field types to build ``data`` with (a subclass may pick them by value).

        ``path`` is the record's dotted name, for error messages.
        """
        return _hints(cls)

    def require_interval(self, field_name: str) -> None:
        """Check that field ``field_name`` is a non-empty interval ``[min, max]``, min < max."""
        ends = getattr(self, field_name)
        if len(ends) != 2 or ends[0] >= ends[1]:
            self.fail(field_name, f"must be [min, max] with min < max, got {list(ends)}")

    def fail(self, field_name: str, message: str) -> typing.NoReturn:
        """Raise a :class:`ParameterError` naming ``field_name`` of this record."""
        raise ParameterError(f"{self._name(field_name)} {message}")


def _optional(hint: Any) -> Any:
    """Return ``X`` for an ``X | None`` annotation, else ``None``."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        (inner,) = (a for a in args if a is not type(None))
        return inner
    return None


def _coerce(value: Any, hint: Any, name: str) -> Any:
    inner = _optional(hint)
    if inner is not None:
        return None if value is None else _coerce(value, inner, name)
    if hint in _SCALARS:
        return _SCALARS[hint](value, name)
    if typing.get_origin(hint) is tuple:
        if not isinstance(value, tuple | list):
            raise ParameterError(f"{name} must be a list, got {value!r}")
        (item,) = {a for a in typing.get_args(hint) if a is not Ellipsis}
        return tuple(_coerce(v, item, f"{name}[{i}]") for i, v in enumerate(value))
    if isinstance(hint, type) and issubclass(hint, Schema):
        if not isinstance(value, hint):
            raise ParameterError(f"{name} must be a {hint.__name__}, got {type(value).__name__}")
        return value
    raise TypeError(f"unsupported schema annotation {hint!r} for {name}")  # programming error


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool | np.bool_)


def _as_float(value: Any, name: str) -> float:
    """Return a real number (Python or numpy, not a bool) as a Python float."""
    real = isinstance(value, numbers.Real) and not _is_bool(value)
    if not real:
        raise ParameterError(f"{name} must be a number, got {value!r}")
    try:
        return float(value)
    except OverflowError:  # an integer beyond the floats: out of every bound
        return math.inf if value > 0 else -math.inf


def _as_int(value: Any, name: str) -> int:
    """Return an integer (Python or numpy, or an integral float; not a bool) as an int."""
    if not _is_bool(value):
        if isinstance(value, numbers.Integral):
            return int(value)
        if isinstance(value, numbers.Real) and float(value).is_integer():
            return int(float(value))
    raise ParameterError(f"{name} must be an integer, got {value!r}")


def _as_bool(value: Any, name: str) -> bool:
    if not _is_bool(value):
        raise ParameterError(f"{name} must be a bool (true or false), got {value!r}")
    return bool(value)


def _as_str(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ParameterError(f"{name} must be a str, got {value!r}")
    return str(value)


#: the coercion of each scalar annotation: numpy scalars become Python ones, so that records
#: compare, hash and serialise the same whichever the caller passed
_SCALARS: dict[Any, typing.Callable[[Any, str], Any]] = {
    float: _as_float,
    int: _as_int,
    bool: _as_bool,
    str: _as_str,
}


def _check(value: Any, meta: Mapping[str, Any], name: str) -> None:
    if not meta or value is None:  # an optional field left out
        return
    if meta.get("choices") is not None and value not in meta["choices"]:
        raise ParameterError(f"{name} must be one of {list(meta['choices'])}, got {value!r}")
    numbers = value if isinstance(value, tuple) else (value,)
    for x in numbers:
        if isinstance(x, int | float) and not isinstance(x, bool) and not _in_bounds(x, meta):
            raise ParameterError(
                f"{name} must be in {_bounds_text(meta)} ({meta['units']}), got {_value_text(x)}"
            )


def from_dict(cls: type[T], data: Mapping[str, Any], *, path: str = "") -> T:
    """Build a schema record from nested plain mappings, rejecting unknown and missing keys.

    Parameters
    ----------
    cls : type
        The :class:`Schema` subclass to build.
    data : Mapping
        Nested mappings and lists of plain values (as read from YAML).
    path : str
        Dotted prefix used in error messages.

    Returns
    -------
    Schema
        A validated, frozen instance of ``cls``.
    """
    if not isinstance(data, Mapping):
        raise ParameterError(f"{path or cls.__name__} must be a mapping, got {data!r}")
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    prefix = f"{path}." if path else ""
    unknown = sorted((str(k) for k in set(data) - set(fields)), key=str)
    if unknown:
        raise ParameterError(
            f"unknown key {prefix}{unknown[0]}; allowed keys of {path or cls.__name__}: "
            f"{', '.join(fields)}"
        )
    hints = cls.hints_for(data, path or cls.__name__)
    missing = [k for k in fields if k not in data and _optional(hints[k]) is None]
    if missing:
        raise ParameterError(f"missing key {prefix}{missing[0]}")
    kwargs = {k: _build(hints[k], data.get(k), f"{prefix}{k}") for k in fields}
    try:
        return cls(**kwargs)
    except ParameterError as err:
        raise ParameterError(_with_path(str(err), cls, path)) from None


def _with_path(message: str, cls: type, path: str) -> str:
    head = f"{cls.__name__}."
    if path and message.startswith(head):
        return f"{path}.{message[len(head) :]}"
    return message


def _build(hint: Any, value: Any, path: str) -> Any:
    inner = _optional(hint)
    if inner is not None:
        return None if value is None else _build(inner, value, path)
    if isinstance(hint, type) and issubclass(hint, Schema):
        return from_dict(hint, value, path=path)
    if typing.get_origin(hint) is tuple:
        (item,) = {a for a in typing.get_args(hint) if a is not Ellipsis}
        if isinstance(item, type) and issubclass(item, Schema) and isinstance(value, list | tuple):
            return tuple(_build(item, v, f"{path}[{i}]") for i, v in enumerate(value))
    return value


def to_dict(record: Schema) -> dict[str, Any]:
    """Return the record as nested plain dicts and lists (tuples become lists)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(record):  # type: ignore[arg-type]
        out[f.name] = _plain(getattr(record, f.name))
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Schema):
        return to_dict(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value
