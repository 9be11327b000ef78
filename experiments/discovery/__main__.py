"""Scenario discovery: find where in the space of factors an outcome crosses a threshold.

Usage::

    python -m experiments.discovery STUDY_DIR --outcome OUTCOME (--above V | --below V)
        [--method prim|cart] [--threshold 0.8] [--min-coverage 0.8] [--out DIR]

``STUDY_DIR`` is a study folder (``design.yaml`` and ``sweep/``), e.g. one written by
``python -m experiments.sensitivity``. The points' factor values come from the design, the
outcome (a headline of :mod:`simulation.compare`, mean over replicates, in its own units: a
rate as a share) from the sweep. Cases of interest are the points with the outcome above (or
below) ``V``. Writes ``OUTCOME_above_V_METHOD.md`` (the finding in words, the box's limits),
``..._box.csv``, ``..._boxes.csv``, ``..._data.csv``, ``..._tradeoff.png`` and
``..._limits.png`` into ``DIR`` (default ``STUDY_DIR/discovery``). Bad input (no such folder,
an outcome not in the dataset, a threshold that leaves no or every case of interest) stops
with exit status 2 and writes nothing.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from experiments.discovery.boxes import cart_box, prim_box
from experiments.discovery.data import (
    DiscoveryError,
    Study,
    cases,
    factor_frame,
    load_study,
    outcome_values,
)
from experiments.discovery.report import Question, describe, write_outputs
from simulation.compare import HEADLINES

__all__ = ["main"]


def _share(text: str) -> float:
    value = float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be a share in (0, 1], got {text}")
    return value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m experiments.discovery", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("study", type=Path, help="study folder (design.yaml and sweep/)")
    p.add_argument("--outcome", required=True, help="headline outcome, e.g. relapse_rate_24")
    side = p.add_mutually_exclusive_group(required=True)
    side.add_argument("--above", type=float, help="cases of interest: outcome > this value")
    side.add_argument("--below", type=float, help="cases of interest: outcome < this value")
    p.add_argument("--method", choices=("prim", "cart"), default="prim")
    p.add_argument("--threshold", type=_share, default=0.8,
                   help="density a box must reach (PRIM's threshold; default 0.8)")  # fmt: skip
    p.add_argument(
        "--min-coverage",
        type=_share,
        default=0.8,
        help="PRIM: the chosen box keeps at least this coverage (default 0.8)",
    )
    p.add_argument("--out", type=Path, help="output folder (default STUDY_DIR/discovery)")
    return p


def _question(study: Study, args: argparse.Namespace, on_off: frozenset[str]) -> Question:
    op = "above" if args.above is not None else "below"
    value = args.above if op == "above" else args.below
    meta = study.design.meta.get("factors") or []
    factors = {m["name"]: m for m in meta if isinstance(m, dict) and "name" in m}
    units = HEADLINES.get(args.outcome, ("", "", "", ""))[2]
    return Question(args.outcome, op, float(value), units if units != "1" else "", factors, on_off)


def run(args: argparse.Namespace, argv: list[str]) -> int:
    """Check the input, find the box, write the outputs; return the exit status."""
    study = load_study(args.study)
    x, on_off = factor_frame(study.design)
    if x.empty:
        raise DiscoveryError(f"the points of {args.study}/design.yaml vary no factor")
    labels = [str(s) for s in x.index]
    y = outcome_values(study.results, args.outcome, labels)
    q = _question(study, args, on_off)
    hit = cases(y, q.op, q.value, {q.outcome: q.units})
    x = x.loc[y.index]
    if args.method == "prim":
        box = prim_box(x, hit.to_numpy(), args.threshold, args.min_coverage)
    else:
        box = cart_box(x, hit.to_numpy(), args.threshold)
    text = describe(box, q, int(hit.sum()), len(hit))
    about = {"command": shlex.join(["python", "-m", "experiments.discovery", *argv]),
             "study": str(args.study), "note": study.note, "points": len(hit),
             "cases": int(hit.sum()), "factors": x.shape[1]}  # fmt: skip
    stem = f"{q.outcome}_{q.op}_{q.value:g}_{args.method}"
    data = x.assign(**{q.outcome: y, "case_of_interest": hit})
    out = args.out if args.out is not None else args.study / "discovery"
    paths = write_outputs(out, stem, box, q, text, about, data)
    print(text)
    print("\n".join(str(p) for p in paths))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command (see the module docstring); return its exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser().parse_args(argv)
    try:
        return run(args, argv)
    except DiscoveryError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
