"""Generated blocks of ``docs/model.md``: tables that come from the scenario files or from runs.

A block sits between ``<!-- NAME:begin -->`` and ``<!-- NAME:end -->`` lines. The static blocks
(the policy parameters, the baseline's programmes and the list of scenarios) are read from the
scenario files and the engine's schemas, so they cannot drift from them::

    python -m experiments.docblocks            # rewrite the static blocks
    python -m experiments.docblocks --check    # exit 1 if one is out of date (a test does this)
    python -m experiments.docblocks --report outputs/compare_2025/report   # after make run

Result blocks come from runs: ``experiments.levers`` and ``experiments.baseline_summary`` write
theirs with ``--update-doc``; ``--report`` copies the table of a ``graduasi-report`` folder.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import typing
from pathlib import Path
from typing import Any

import yaml

from scenarios import SCENARIO_DIR, available, load_tree, strip_provenance
from simulation.params import Params
from simulation.policy import KINDS, Policy, Programme, Targeting
from simulation.schema import Schema

DOC = Path(__file__).resolve().parents[1] / "docs" / "model.md"
PROVENANCE = ("source", "assumption", "note")


def replace_block(doc: str, name: str, text: str) -> str:
    """Return ``doc`` with the body of block ``name`` replaced by ``text``."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    pattern = re.compile(re.escape(begin) + r"\n.*?" + re.escape(end), re.S)
    if not pattern.search(doc):
        raise SystemExit(f"the model document has no {begin} ... {end} block")
    return pattern.sub(lambda m: f"{begin}\n{text}\n{end}", doc)


def update_block(name: str, text: str, path: Path = DOC) -> None:
    """Write ``text`` into block ``name`` of the document at ``path``."""
    doc = path.read_text(encoding="utf-8")
    path.write_text(replace_block(doc, name, text), encoding="utf-8")


def _fmt(value: Any) -> str:
    """Format a value as the tables show it: lists in brackets, large Rupiah as 28e12."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    if isinstance(value, int | float) and abs(value) >= 1e9:
        exp = 3 * ((len(str(int(abs(value)))) - 1) // 3)
        return f"{value / 10**exp:g}e{exp}"
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1000:
        return f"{int(value):,}"
    if isinstance(value, int) and abs(value) >= 1000:
        return f"{value:,}"
    return str(value)


def _meta(cls: type, name: str) -> dict[str, Any]:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    return dict(fields[name].metadata)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|").replace("$", "\\$")


def policy_parameters() -> str:
    """Return the registry, graduation and collaboration parameters of ``world_2025``."""
    tree = load_tree("world_2025")["policy"]
    hints = typing.get_type_hints(Policy)
    rows = ["| parameter | value | units | source or assumption |", "|---|---|---|---|"]
    for section in ("registry", "graduation", "collaboration"):
        cls = hints[section]
        for name, leaf in tree[section].items():
            kind = next(k for k in PROVENANCE if k in leaf)
            label = "" if kind == "source" else f"{kind}: "
            units = _meta(cls, name)["units"]
            rows.append(f"| `policy.{section}.{name}` | {_fmt(leaf['value'])} | {units} | "
                        f"{label}{_cell(leaf[kind])} |")  # fmt: skip
    return "\n".join(rows)


def world_parameters() -> str:
    """Return every parameter of ``world_2025`` outside its policy section, as the file says."""
    tree = load_tree("world_2025")
    rows = ["| parameter | value | units | source or assumption |", "|---|---|---|---|"]
    hints = typing.get_type_hints(Params)
    for section in ("world", "run"):
        rows += _leaf_rows(section, hints[section], tree[section])
    return "\n".join(rows)


def _leaf_rows(path: str, cls: Any, node: Any) -> list[str]:
    """Rows of the leaves under ``node`` (of schema ``cls``) at dotted ``path``."""
    if isinstance(node, list):  # a tuple of records, such as the regions
        item = typing.get_args(cls)[0]
        return [r for i, sub in enumerate(node) for r in _leaf_rows(f"{path}[{i}]", item, sub)]
    out: list[str] = []
    hints = typing.get_type_hints(cls)
    for name, leaf in node.items():
        if name == "policy":
            continue
        if isinstance(leaf, dict) and "value" in leaf:
            kind = next(k for k in PROVENANCE if k in leaf)
            label = "" if kind == "source" else f"{kind}: "
            units = _meta(cls, name)["units"]
            value = str(leaf["value"]) if name == "seed" else _fmt(leaf["value"])
            out.append(f"| `{path}.{name}` | {value} | {units} | "
                       f"{label}{_cell(leaf[kind])} |")  # fmt: skip
        else:
            out += _leaf_rows(f"{path}.{name}", hints[name], leaf)
    return out


def _rows(prefix: str, cls: type[Schema], values: dict[str, Any]) -> list[tuple[str, str, str]]:
    out = []
    for name, value in values.items():
        out.append((f"{prefix}{name}", _fmt(value), str(_meta(cls, name)["units"])))
    return out


def baseline_sources() -> str:
    """Return the sources of the baseline's agencies and programmes, quoted from its file."""
    with open(SCENARIO_DIR / "baseline_2025.yaml", encoding="utf-8") as fh:
        policy = yaml.safe_load(fh)["policy"]
    quotes = []
    for key in ("agencies", "programmes"):
        leaf = policy[key]
        text = next(leaf[k] for k in PROVENANCE if k in leaf)
        quotes.append(f"> **{key.capitalize()}:** {_cell(text)}")
    return "\n>\n".join(quotes)


def baseline_programmes() -> str:
    """Return every programme of ``baseline_2025``, field by field, with units."""
    tree = strip_provenance(load_tree("baseline_2025"))
    rows = ["| programme | field | value | units |", "|---|---|---|---|"]
    for prog in tree["policy"]["programmes"]:
        fields = [(f"`{k}`", _fmt(prog[k]), str(_meta(Programme, k)["units"]))
                  for k in ("kind", "agency", "budget", "capacity", "max_decile")]  # fmt: skip
        fields += _rows("`targeting.", Targeting, prog["targeting"])
        fields += _rows("`rules.", KINDS[prog["kind"]].rules, prog["rules"])
        for i, (field, value, units) in enumerate(fields):
            field = field if field.endswith("`") else field + "`"
            rows.append(f"| {prog['name'] if i == 0 else ''} | {field} | {value} | {units} |")
    return "\n".join(rows)


def scenarios() -> str:
    """Return every scenario file: its parent and its description."""
    rows = ["| file | parent | what it is |", "|---|---|---|"]
    for name in available():
        meta = load_tree(name)["meta"]
        parent = meta.get("extends") or "—"
        rows.append(f"| `{name}` | {f'`{parent}`' if parent != '—' else parent} | "
                    f"{_cell(meta.get('description', ''))} |")  # fmt: skip
    return "\n".join(rows)


STATIC = {
    "world-parameters": world_parameters,
    "policy-parameters": policy_parameters,
    "baseline-sources": baseline_sources,
    "baseline-programmes": baseline_programmes,
    "scenarios": scenarios,
}


def report_table(report: Path) -> str:
    """Return the summary table of a ``graduasi-report`` folder, with how it was made."""
    summary = (report / "summary.md").read_text(encoding="utf-8").strip()
    how = f"`python -m experiments.docblocks --report {report}`"
    return f"{summary}\n\n(`{report}/summary.md`, copied by {how}.)"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments.docblocks", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a static block is stale")
    parser.add_argument("--report", type=Path, help="copy this report's table into the document")
    args = parser.parse_args(argv)
    doc = DOC.read_text(encoding="utf-8")
    new = doc
    for name, make in STATIC.items():
        new = replace_block(new, name, make())
    if args.report is not None:
        new = replace_block(new, "compare-2025", report_table(args.report))
    if args.check:
        if new != doc:
            print(
                "docs/model.md is out of date: run python -m experiments.docblocks", file=sys.stderr
            )
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
