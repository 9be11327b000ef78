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
    block at the indentation of its first child).
    """
    lo, hi, child = 0, len(lines), 0
    for key in path:
        pattern = re.compile(rf"^ {{{child}}}{re.escape(key)}:(\s|$)")
        at = next((i for i in range(lo, hi) if pattern.match(lines[i])), None)
        if at is None:
            raise KeyError(f"no key {'.'.join(path)} in the scenario file")
        lo, hi = at + 1, _block_end(lines, at)
        below = [
            i for i in range(lo, hi) if lines[i].strip() and not lines[i].lstrip().startswith("#")
        ]
        child = _indent(lines[below[0]]) if below else _indent(lines[at]) + 2
        last = at
    return last


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
