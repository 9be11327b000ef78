"""Command line of the allocation explorer (``python -m experiments.allocation``).

Every flag is checked before anything is written: a bad value stops the command with exit
status 2 and a message naming the flag, the value and what is allowed. ``graduasi`` overrides
(``key=value``, e.g. ``hydra/launcher=basic`` or ``population.village_size=30``) may follow
anywhere; they apply to every point.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from experiments.allocation.analysis import RELAPSE
from experiments.allocation.envelope import ENVELOPE, read_envelope
from experiments.study import StudyError
from simulation.params import ParameterError

__all__ = ["add_common", "main", "parse_min_share", "parse_pairs", "sizes"]

DESCRIPTION = "Sweep splits of a fixed 2025 budget envelope; report the frontier and margins."


def add_common(parser: argparse.ArgumentParser, out: str) -> None:
    """Add the flags shared by the explorer and the optimiser: sizes, seed, envelope, output."""
    add = parser.add_argument
    add("--replicates", type=int, default=5, help="replicates per point (>= 2; default 5)")
    add("--households", type=int, default=20_000, help="households simulated (default 20,000)")
    add("--months", type=int, default=60, help="months from January 2025 (default 60)")
    add("--seed", type=int, default=0, help="seed of the design (not of the simulation)")
    add("--out", type=Path, default=Path(out), help=f"output folder (default {out})")
    add("--scenario", default="baseline_2025", help="scenario to start from")
    add(
        "--programmes",
        default=",".join(ENVELOPE),
        help=f"comma-separated programmes of the envelope (default {','.join(ENVELOPE)})",
    )
    add(
        "--min-share",
        nargs="+",
        default=[],
        metavar="NAME:SHARE",
        help="lower bounds on shares, e.g. Sembako:0.4 (the others 0)",
    )
    add("overrides", nargs="*", metavar="KEY=VALUE", help="graduasi overrides for every point")


def parse_pairs(flag: str, items: Sequence[str], names: Sequence[str], what: str,
                ) -> list[tuple[str, float]]:  # fmt: skip
    """Read ``NAME:NUMBER`` items of ``flag``; ``names`` are the allowed programmes."""
    out = []
    for item in items:
        name, sep, number = item.rpartition(":")
        if not sep or name not in names:
            why = f"unknown programme {name!r}" if sep else "expected NAME:NUMBER"
            raise ParameterError(f"{flag} {item!r}: {why}; allowed programmes: "
                                 f"{', '.join(names)} (NAME:{what})")  # fmt: skip
        try:
            out.append((name, float(number)))
        except ValueError:
            raise ParameterError(f"{flag} {item!r}: {number!r} is not a number; "
                                 f"expected NAME:{what}") from None  # fmt: skip
    return out


def parse_min_share(items: Sequence[str], names: Sequence[str]) -> dict[str, float]:
    """Read ``--min-share``: shares in [0, 1] of envelope programmes, adding up to at most 1."""
    pairs = parse_pairs("--min-share", items, names, "SHARE in [0, 1]")
    for (name, share), item in zip(pairs, items, strict=True):
        if not 0.0 <= share <= 1.0:
            raise ParameterError(f"--min-share {item!r}: the share of {name} must be in [0, 1] "
                                 f"(a point of the simplex), got {share}")  # fmt: skip
    total = sum(s for _, s in pairs)
    if total > 1.0 + 1e-12 or len({n for n, _ in pairs}) < len(pairs):
        raise ParameterError(f"--min-share {' '.join(items)}: each programme once, and the bounds "
                             f"must add up to at most 1 (the simplex), got {total:g}")  # fmt: skip
    return dict(pairs)


def _marginal(items: Sequence[str], scenario: str) -> list[tuple[str, float]]:
    from scenarios import load_params

    progs = {p.name: p for p in load_params(scenario).policy.programmes}
    pairs = parse_pairs("--marginal", items, list(progs), "CHANGE in Rp a year, e.g. PENA:+1e12")
    labels: set[tuple[str, float]] = set()
    for (name, change), item in zip(pairs, items, strict=True):
        budget = min(progs[name].budget)
        if change == 0 or change < -budget or (name, change) in labels:
            raise ParameterError(
                f"--marginal {item!r}: the change must be non-zero, not repeated, and a cut at "
                f"most {name}'s smallest yearly budget (Rp{budget:.4g}): allowed changes are "
                f"in [-{budget:.4g}, 0) or > 0 Rp a year"
            )
        labels.add((name, change))
    return pairs


def sizes(args: argparse.Namespace) -> list[str]:
    """Return the ``graduasi`` overrides of the size flags, checked (exit 2 names a bad flag)."""
    for flag, value, least in (("--replicates", args.replicates, 2),
                               ("--households", args.households, 1), ("--months", args.months, 1),
                               ("--seed", args.seed, 0)):  # fmt: skip
        if value < least:
            raise ParameterError(
                f"{flag} must be an integer >= {least}, got {value}"
                + (" (intervals need two replicates)" if least == 2 else "")
            )
    return [f"population.households={args.households}", f"run.replicates={args.replicates}",
            f"run.months={args.months}"]  # fmt: skip


def split_overrides(args: argparse.Namespace, *flags: str) -> None:
    """Move ``key=value`` items that ``nargs='+'`` flags swallowed to the overrides."""
    for flag in flags:
        items = getattr(args, flag)
        setattr(args, flag, [i for i in items if "=" not in i])
        args.overrides = [i for i in items if "=" in i] + list(args.overrides)


def _study(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from experiments.allocation.explore import Study

    if args.points < 0:
        raise ParameterError(f"--points must be an integer >= 0 (splits besides the status quo), "
                             f"got {args.points}")  # fmt: skip
    grad = [*sizes(args), *args.overrides]
    names = tuple(n.strip() for n in args.programmes.split(",") if n.strip())
    try:
        read_envelope(args.scenario, names)
    except ParameterError as err:
        raise ParameterError(f"--programmes {args.programmes!r} / --scenario: {err}") from None
    return Study(args.scenario, names, args.points, args.seed,
                 parse_min_share(args.min_share, names), tuple(_marginal(args.marginal,
                 args.scenario)), args.relapse, tuple(grad), args.out)  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """Run the allocation explorer; return its exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m experiments.allocation",
                                     description=DESCRIPTION)  # fmt: skip
    parser.add_argument("--points", type=int, default=32, help="splits besides the status quo")
    parser.add_argument(
        "--marginal",
        nargs="+",
        default=[],
        metavar="NAME:CHANGE",
        help="budget changes in Rp a year, e.g. PENA:+1e12 Sembako:-1e12",
    )
    parser.add_argument(
        "--relapse",
        choices=list(RELAPSE),
        default="relapse_rate_24",
        help="relapse outcome of the frontier (default relapse_rate_24)",
    )
    add_common(parser, "outputs/allocation")
    args = parser.parse_args(argv)
    split_overrides(args, "min_share", "marginal")
    from experiments.allocation.checks import check_out, check_points
    from experiments.allocation.explore import build, explore

    try:
        study = _study(args)
        _, points = build(study)
        pts = [p.point for p in points if p.point is not None]
        check_points(study.scenario, pts, study.graduasi)
        check_out(study.out, study.scenario, pts, {"graduasi_overrides": list(study.graduasi)})
    except ParameterError as err:
        parser.error(str(err))
    command = "python -m experiments.allocation " + shlex.join(argv)
    try:
        explore(study, command)
    except StudyError as err:
        print(f"python -m experiments.allocation: {err}", file=sys.stderr)
        return 1
    print((study.out / "frontier.md").read_text(encoding="utf-8"))
    return 0
