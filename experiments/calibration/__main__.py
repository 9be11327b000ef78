"""``python -m experiments.calibration``: fit the free parameters, report, and write them back.

Prints every target with its source, the starting model and the fitted model, and the loss;
``--write`` writes the fitted values into the scenario files, each with the targets it was
fitted to and the final loss as its source.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

from experiments.calibration.fit import PARAMETERS, Calibration, calibrate
from experiments.calibration.targets import TARGETS, fit_table
from experiments.calibration.writeback import write_values
from experiments.docblocks import update_block
from scenarios import SCENARIO_DIR


def report(cal: Calibration) -> str:
    """Return the targets, the starting and fitted moments and the parameters as Markdown."""
    ranges = {p: (cal.start_values[p], cal.values[p], f.low, f.high)
              for p, f in PARAMETERS.items()}  # fmt: skip
    rows = fit_table(TARGETS, cal.start_moments, cal.moments, ranges)
    rows.append(f"\nLoss {cal.start_loss:.2f} at the start, {cal.loss:.2f} fitted "
                f"({cal.trials} evaluations, seed {cal.seed}).")  # fmt: skip
    return "\n".join(rows)


def write(
    cal: Calibration, households: int, replicates: int, directory: Path = SCENARIO_DIR
) -> None:
    """Write the fitted values into their scenario files, with their provenance."""
    when = datetime.date.today().isoformat()
    names = ", ".join(TARGETS)
    by_file: dict[str, dict[str, float]] = {}
    for path, free in PARAMETERS.items():
        by_file.setdefault(free.file, {})[path] = round(cal.values[path], 6)
    text = (
        f"fitted by the simulated method of moments (python -m experiments.calibration, "
        f"{cal.trials} evaluations of baseline_2025 at {households} households and "
        f"{replicates} replicates, seed {cal.seed}, {when}): loss {cal.start_loss:.2f} -> "
        f"{cal.loss:.2f} over the targets of experiments/calibration/targets.py ({names})"
    )
    for file, values in by_file.items():
        write_values(directory / f"{file}.yaml", values, dict.fromkeys(values, text))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments.calibration", description=__doc__)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--replicates", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", action="store_true", help="write the fitted values back")
    parser.add_argument(
        "--update-doc", action="store_true", help="write the report into docs/model.md"
    )
    args = parser.parse_args(argv)
    if args.trials < 1 or args.households < 1000 or args.replicates < 1 or args.seed < 0:
        parser.error("--trials >= 1, --households >= 1000, --replicates >= 1, --seed >= 0")
    cal = calibrate(args.trials, args.households, args.replicates, args.seed)
    print(report(cal))
    if args.write:
        write(cal, args.households, args.replicates)
        print("fitted values written to the scenario files")
    if args.update_doc:
        command = (
            f"python -m experiments.calibration --trials {args.trials} --households "
            f"{args.households} --replicates {args.replicates} --seed {args.seed}"
            + (" --write" if args.write else "")
            + " --update-doc"
        )
        update_block("calibration", f"{report(cal)}\n\n*Made by `{command}`.*")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
