"""What scenario discovery found, in words, tables and figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.discovery.boxes import Box
from experiments.discovery.plots import limits_figure, tradeoff_figure
from experiments.results import write_text_atomic

__all__ = ["Question", "describe", "write_outputs"]


@dataclass(frozen=True)
class Question:
    """What is asked: ``outcome`` ``op`` (above/below) ``value``, and the factors' metadata."""

    outcome: str
    op: str
    value: float
    units: str
    factors: Mapping[str, Mapping[str, Any]]
    on_off: frozenset[str]

    def label(self, name: str) -> str:
        """Return a factor's name for people: label, dotted name and kind."""
        meta = self.factors.get(name, {})
        kind = f", {meta['kind']}" if meta.get("kind") else ""
        if "label" not in meta:
            return f"{name}{f' ({kind[2:]})' if kind else ''}"
        return f"{meta['label']} ({name}{kind})"

    def short(self, name: str) -> str:
        """Return a factor's short label (for axes)."""
        return str(self.factors.get(name, {}).get("label", name))

    def number(self, name: str, x: float) -> str:
        """Return a value of factor ``name`` with its units (off/on for an on/off factor)."""
        if name in self.on_off:
            return "on" if x >= 0.5 else "off"
        text = f"{x:.3g}".replace("e+", "e")
        units = str(self.factors.get(name, {}).get("units", ""))
        return f"{text} {units}" if units not in ("", "1", "-") else text


def _condition(q: Question, r: Any) -> str:
    """Return a restriction in words, flagged when its quasi-p-value exceeds 0.05."""
    name = q.short(r.name)
    if r.name in q.on_off:
        text = f"{name} is {'on' if r.lower_restricted else 'off'}"
    elif r.lower_restricted and r.upper_restricted:
        text = f"{q.number(r.name, r.lower)} ≤ {name} ≤ {q.number(r.name, r.upper)}"
    elif r.lower_restricted:
        text = f"{name} ≥ {q.number(r.name, r.lower)}"
    else:
        text = f"{name} ≤ {q.number(r.name, r.upper)}"
    qp = np.nanmax([r.qp_lower, r.qp_upper]) if np.isfinite([r.qp_lower, r.qp_upper]).any() else 0
    return text + (f" (weakly supported: quasi-p {qp:.2g})" if qp > 0.05 else "")


def describe(box: Box, q: Question, cases: int, points: int) -> str:
    """Return the finding in one paragraph: where the cases of interest are, and how well."""
    s = box.stats
    line = f"{q.outcome} {q.op} {q.value:g}" + (f" {q.units}" if q.units else "")
    what = f"The cases of interest ({line}: {cases} of {points} points, {cases / points:.0%})"
    how = (f"coverage {s['coverage']:.0%}: the box holds that share of the cases of interest; "
           f"density {s['density']:.0%}: that share of its points are cases of interest; mass "
           f"{s['mass']:.0%} of all points")  # fmt: skip
    if box.limits.empty:
        text = (f"{what} are not concentrated in a box of these factors: the chosen box "
                f"({box.rule}) restricts none ({how}).")  # fmt: skip
    else:
        where = " and ".join(_condition(q, r) for r in box.limits.itertuples())
        text = f"{what} occur mostly when {where} ({how})."
    if not box.reaches:
        text += (" No box reached the density threshold: the box is the best found and weak "
                 "evidence.")  # fmt: skip
    return text


def _limits_table(box: Box, q: Question) -> str:
    lines = ["| factor | box lower | box upper | sampled range | quasi-p (lower, upper) |",
             "|---|---|---|---|---|"]  # fmt: skip
    for r in box.limits.itertuples():
        qp = ", ".join("-" if not np.isfinite(v) else f"{v:.2g}" for v in (r.qp_lower, r.qp_upper))
        lines.append(f"| {q.label(r.name)} | {q.number(r.name, r.lower)} | "
                     f"{q.number(r.name, r.upper)} | {q.number(r.name, r.minimum)} - "
                     f"{q.number(r.name, r.maximum)} | {qp} |")  # fmt: skip
    return "\n".join(lines)


def markdown(box: Box, q: Question, text: str, about: Mapping[str, Any]) -> str:
    """Return the Markdown report of a discovery run."""
    s = box.stats
    study = (
        f"Study: `{about['study']}` ({about['note']}); {about['points']} points with a "
        f"value of {q.outcome} (mean over replicates), {about['factors']} factors that vary."
    )
    chosen = (
        f"Chosen box: {box.rule} (box {box.chosen} of {len(box.trajectory)}): coverage "
        f"{s['coverage']:.3f}, density {s['density']:.3f}, mass {s['mass']:.3f}, "
        f"{int(s['res_dim'])} restricted factors."
    )
    head = [f"# Scenario discovery: {q.outcome} {q.op} {q.value:g} ({box.method.upper()})", "",
            f"Command: `{about['command']}`", "", study, "", text, "", chosen, "",
            _limits_table(box, q), ""]  # fmt: skip
    return "\n".join(head)


def write_outputs(out: Path, stem: str, box: Box, q: Question, text: str,
                  about: Mapping[str, Any], data: pd.DataFrame) -> Sequence[Path]:  # fmt: skip
    """Write the report, the tables (box limits, all boxes, the data) and the two figures."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{stem}{end}" for end in (".md", "_box.csv", "_boxes.csv", "_data.csv",
                                              "_tradeoff.png", "_limits.png")]  # fmt: skip
    write_text_atomic(markdown(box, q, text, about), paths[0])
    write_text_atomic(box.limits.to_csv(index=False, float_format="%.6g"), paths[1])
    traj = box.trajectory.assign(chosen=box.trajectory.index == box.chosen)
    write_text_atomic(traj.rename_axis("box").to_csv(float_format="%.6g"), paths[2])
    write_text_atomic(data.rename_axis("label").to_csv(float_format="%.8g"), paths[3])
    title = f"{q.outcome} {q.op} {q.value:g}: {about['cases']} of {about['points']} points"
    figures = (tradeoff_figure(box, title), limits_figure(box, title, q.short, q.number, q.on_off))
    for path, fig in zip(paths[4:], figures, strict=True):
        tmp = path.with_name(f".{path.name}.tmp")
        fig.savefig(tmp, dpi=150, format="png")
        plt.close(fig)
        tmp.replace(path)
    return paths
