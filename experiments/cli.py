"""Check ``graduasi``'s command line against the configuration schema before Hydra starts.

Hydra would refuse a misspelt key too, but without saying which keys exist; and it accepts
``+new_key=3`` (adding a key the engine never reads). Here each override of the application's
own configuration is parsed with Hydra's grammar and looked up in
:data:`experiments.config.GraduasiConfig`: an unknown key stops the command with the keys that
are allowed at that level; adding (``+``) or deleting (``~``) keys is refused. Overrides of
Hydra itself (``hydra.*``, ``hydra/launcher=...``) and of the ``experiment`` group are left to
Hydra, which lists the options of a group.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException

from experiments.config import GraduasiConfig

__all__ = ["check_argv", "check_override"]

GROUPS = ("experiment",)


def _fields(cls: Any) -> dict[str, Any]:
    if not dataclasses.is_dataclass(cls):
        return {}
    return {f.name: f for f in dataclasses.fields(cls)}


def _lookup(key: str) -> str | None:
    """Why ``key`` is not a key of the configuration, or ``None`` if it is."""
    node: Any = GraduasiConfig
    parts = key.split(".")
    for i, part in enumerate(parts):
        fields = _fields(node)
        where = ".".join(parts[:i]) or "the configuration"
        if not fields:
            return f"unknown key {key!r}: {where} is a value, it has no keys"
        if part not in fields:
            return f"unknown key {key!r}; allowed keys of {where}: {', '.join(fields)}"
        f = fields[part]
        node = f.default_factory() if callable(f.default_factory) else None
        node = type(node) if dataclasses.is_dataclass(node) else None
    if node is not None:
        return (
            f"{key!r} is a group of keys ({', '.join(_fields(node))}); set one of them, "
            f"e.g. {key}.{next(iter(_fields(node)))}=..."
        )
    return None


def check_override(text: str) -> str | None:
    """Why the command-line override ``text`` is refused, or ``None`` if it is accepted."""
    try:
        (override,) = OverridesParser.create().parse_overrides([text])
    except HydraException as err:
        return f"cannot read override {text!r}: {err}"
    key = override.key_or_group
    if key == "hydra" or key.startswith(("hydra.", "hydra/")) or key in GROUPS:
        return None
    if override.is_add() or override.is_force_add():
        return f"{text!r} adds a key; graduasi takes only the keys it knows ({_lookup_hint(key)})"
    if override.is_delete():
        return f"{text!r} deletes a key; set the value instead"
    why = _lookup(key)
    return f"cannot set {text!r}: {why}" if why and why.startswith("'") else why


def _lookup_hint(key: str) -> str:
    return _lookup(key) or f"{key!r} exists: write it without '+'"


def _overrides(argv: list[str]) -> list[str]:
    from hydra._internal.utils import get_args_parser

    try:
        args, _ = get_args_parser().parse_known_args(argv)
    except SystemExit:
        return []  # Hydra reports its own usage errors
    return list(args.overrides or [])


def check_argv(argv: list[str] | None = None) -> None:
    """Exit with status 2 and a message if an override of the command line is refused."""
    argv = sys.argv[1:] if argv is None else argv
    errors = [why for text in _overrides(argv) if (why := check_override(text))]
    if errors:
        print("graduasi: " + "\ngraduasi: ".join(errors), file=sys.stderr)
        sys.exit(2)
