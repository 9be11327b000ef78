"""Command line of the optimiser (``python -m experiments.optimise``).

Every flag is checked before anything is written (exit status 2, naming the flag, the value and
what is allowed); ``graduasi`` overrides (``key=value``) apply to every trial.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import sys
from collections.abc import Sequence

from experiments.allocation.cli import add_common, parse_min_share, sizes, split_overrides
from experiments.allocation.design import status_quo
from experiments.allocation.envelope import ENVELOPE_REASON, read_envelope
from experiments.allocation.explore import Study
from experiments.study import StudyError
from simulation.params import ParameterError

__all__ = ["main"]

DESCRIPTION = "Search splits of a fixed 2025 envelope for sustained graduation and low poverty."
METHOD = (
    "Optuna NSGA-II (population = --batch, seeded by --seed) over the unit cube of dimension "
    "K-1, each trial's split the sorted spacings of its point (experiments.allocation.design)"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m experiments.optimise", description=DESCRIPTION)
    add = parser.add_argument
    add("--trials", type=int, default=64, help="trials, the status quo first (default 64)")
    add("--batch", type=int, default=8, help="trials per generation and sweep (>= 2; default 8)")
    add("--name", default="alloc_optimised_2025", help="name of the chosen scenario file")
    add("--install", action="store_true", help="copy it into scenarios/ (never overwriting)")
    add_common(parser, "outputs/optimise")
    return parser


def _study(args: argparse.Namespace) -> Study:
    if args.trials < 1:
        raise ParameterError(f"--trials must be an integer >= 1, got {args.trials}")
    if args.batch < 2:
        raise ParameterError(f"--batch must be an integer >= 2 (NSGA-II's population), "
                             f"got {args.batch}")  # fmt: skip
    grad = (*sizes(args), *args.overrides)
    names = tuple(n.strip() for n in args.programmes.split(",") if n.strip())
    try:
        read_envelope(args.scenario, names)
    except ParameterError as err:
        raise ParameterError(f"--programmes {args.programmes!r} / --scenario: {err}") from None
    from experiments.optimise.scenario_file import NAME, check_install

    if args.install:
        check_install(args.name)
    elif not NAME.fullmatch(args.name):
        check_install(args.name)  # names the rule
    return Study(args.scenario, names, 0, args.seed, parse_min_share(args.min_share, names),
                 (), "relapse_rate_24", grad, args.out)  # fmt: skip


def _meta(study: Study, args: argparse.Namespace, command: str) -> dict[str, object]:
    return {
        "command": command,
        "date": dt.date.today().isoformat(),
        "seed": study.seed,
        "trials": args.trials,
        "batch": args.batch,
        "envelope": list(study.programmes),
        "envelope_reason": ENVELOPE_REASON,
        "method": METHOD,
        "min_share": dict(study.min_share),
        "graduasi_overrides": list(study.graduasi),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the optimiser; return its exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    args = parser.parse_args(argv)
    split_overrides(args, "min_share")
    from experiments.allocation.checks import check_out, check_points

    try:
        study = _study(args)
        env = read_envelope(study.scenario, study.programmes)
        check_points(study.scenario, [status_quo(env).point], study.graduasi)  # type: ignore[list-item]
        check_out(study.out, study.scenario, [], {})
    except ParameterError as err:
        parser.error(str(err))
    from experiments.optimise.report import write_report
    from experiments.optimise.search import run_search, sweep_evaluator

    command = "python -m experiments.optimise " + shlex.join(argv)
    try:
        evaluate = sweep_evaluator(study.out, study, _meta(study, args, command))
        search = run_search(env, study, args.trials, args.batch, evaluate)
    except (StudyError, ParameterError) as err:
        print(f"python -m experiments.optimise: {err}", file=sys.stderr)
        return 1
    path = write_report(study.out, env, search, study, args.name, command)
    print((study.out / "pareto.md").read_text(encoding="utf-8"))
    if path is None:
        print("no Pareto trial has extreme poverty not above the status quo: no scenario file "
              "written", file=sys.stderr)  # fmt: skip
        return 1 if args.install else 0
    print(f"chosen allocation (trial {search.chosen}): {path}")
    if args.install:
        from experiments.optimise.scenario_file import install

        try:
            print(f"installed: {install(path, args.name)}")
        except ParameterError as err:
            print(f"python -m experiments.optimise: {err}", file=sys.stderr)
            return 2
    return 0
