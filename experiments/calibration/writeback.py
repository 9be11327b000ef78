"""Write fitted values into a scenario file, each with its provenance, keeping the rest as it is.

A scenario leaf is ``key: {value: ..., source: "..."}`` on one line, or ``key:`` followed by
more indented ``value:`` and ``source:``/``assumption:`` lines. :func:`set_leaf` finds the leaf
by its dotted path (by indentation, from the top of the file) and replaces it with a one-line
leaf holding the new value and provenance; every other line, comment and order is kept.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

__all__ = ["set_leaf", "write_values"]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_end(lines: list[str], start: int) -> int:
    """Index after the block of line ``start`` (the lines more indented than it, or blank)."""
    depth, i = _indent(lines[start]), start + 1
    while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > depth):
        i += 1
    while i > start + 1 and not lines[i - 1].strip():  # trailing blank lines are not its own
        i -= 1
    return i


def _find(lines: list[str], path: list[str]) -> int:
    """Index of the line of the key at dotted ``path``; raise KeyError if it is not there.

    Each key is looked for among the direct children of the previous one (the lines of its
    block at the indentation of its first child). A key may also name an item of a list of
    named records (``- name: PKH``), and a ``value:`` wrapper on the way is stepped into, as the
    loader does (``policy.programmes.PKH`` is ``policy: programmes: value: - name: PKH``).
    """
    lo, hi, child, last = 0, len(lines), 0, -1
    keys = list(path)
    while keys:
        key = keys[0]
        at = _child(lines, lo, hi, child, rf"{re.escape(key)}:(\s|$)")
        at = (
            at if at is not None else _child(lines, lo, hi, child, rf"- name: {re.escape(key)}\s*$")
        )
        if at is None:
            at = _child(lines, lo, hi, child, r"value:(\s|$)")
            if at is None or last < 0:
                raise KeyError(f"no key {'.'.join(path)} in the scenario file")
        else:
            keys.pop(0)
        lo, hi = at + 1, _block_end(lines, at)
        below = [
            i for i in range(lo, hi) if lines[i].strip() and not lines[i].lstrip().startswith("#")
        ]
        child = _indent(lines[below[0]]) if below else _indent(lines[at]) + 2
        last = at
    return last


def _child(lines: list[str], lo: int, hi: int, indent: int, key: str) -> int | None:
    """Index of the first line of ``lo:hi`` at ``indent`` matching the pattern ``key``."""
    pattern = re.compile(rf"^ {{{indent}}}{key}")
    return next((i for i in range(lo, hi) if pattern.match(lines[i])), None)


def set_leaf(text: str, dotted: str, value: float | int, provenance: str) -> str:
    """Return scenario ``text`` with leaf ``dotted`` set to ``value``, sourced ``provenance``."""
    lines = text.split("\n")
    at = _find(lines, dotted.split("."))
    end = _block_end(lines, at)
    key = dotted.split(".")[-1]
    pad = " " * _indent(lines[at])
    leaf = f"{pad}{key}: {{value: {json.dumps(value)}, source: {json.dumps(provenance)}}}"
    return "\n".join([*lines[:at], leaf, *lines[end:]])


def write_values(path: Path, values: dict[str, float | int], provenance: dict[str, str]) -> None:
    """Set every leaf of ``values`` (dotted paths in the file) in the scenario file ``path``."""
    text = path.read_text(encoding="utf-8")
    for dotted, value in values.items():
        text = set_leaf(text, dotted, value, provenance[dotted])
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
