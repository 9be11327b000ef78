"""Global sensitivity of the headline outcomes to the declared uncertainties and levers.

Usage::

    python -m experiments.sensitivity [--method sobol|morris] [--n N]
        [--factors uncertainties|levers|all] [--replicates R] [--households H] [--months M]
        [--seed S] [--declarations FILE] [--out DIR] [graduasi overrides ...]

Samples the factors of ``experiments/sensitivity/factors.yaml`` with SALib (reproducible from
``--seed``), writes the points as a design (``DIR/design.yaml``, labels ``s0000``, ...) and runs
them as one ``graduasi`` sweep (``DIR/sweep/``; any launcher, checks before running, resume),
then writes the indices of every factor for each headline outcome (``sensitivity.md``,
``sensitivity.csv``, ``sensitivity.png``), the replicate noise (``noise.csv``), the sample
(``sample.csv``) and the point means (``outcomes.csv``) into ``DIR``.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.design import load_design
from experiments.results import write_text_atomic
from experiments.sensitivity.analysis import analyse, outcome_matrix, usable
from experiments.sensitivity.factors import DECLARATIONS, DeclarationError, load_declarations
from experiments.sensitivity.report import write_outputs
from experiments.sensitivity.sampling import METHODS, design_points, unit_sample
from experiments.study import StudyError, run_study
from simulation.params import ParameterError

__all__ = ["main"]

#: overrides that the options set (give them as options, not as overrides)
_OPTIONS = {"population.households": "--households", "world.population.households": "--households",
            "run.months": "--months", "run.replicates": "--replicates", "design": "--out",
            "point": "--out", "hydra.sweep.dir": "--out", "scenario": "--declarations",
            "replicate": "--replicates"}  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m experiments.sensitivity", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--method", choices=METHODS, default="sobol")
    p.add_argument("--n", type=int, default=32,
                   help="Sobol base sample (a power of 2; points = N (k + 2)) or Morris "
                        "trajectories (points = N (k + 1)); default 32")  # fmt: skip
    p.add_argument("--factors", choices=("uncertainties", "levers", "all"), default="all")
    p.add_argument("--replicates", type=int, default=4, help="replicates per point (default 4)")
    p.add_argument("--households", type=int, default=20_000, help="default 20,000")
    p.add_argument("--months", type=int, default=60, help="recorded months (default 60)")
    p.add_argument("--seed", type=int, default=0, help="seed of the sample (default 0)")
    p.add_argument("--declarations", type=Path, default=DECLARATIONS, help="the factors' file")
    p.add_argument("--out", type=Path, default=Path("outputs/sensitivity"), help="study folder")
    p.add_argument("overrides", nargs="*", help="more graduasi overrides for every point")
    return p


def _check(p: argparse.ArgumentParser, a: argparse.Namespace, names: set[str]) -> None:
    """Refuse options and overrides that cannot run, before anything is written."""
    if a.n < 1 or (a.method == "sobol" and a.n & (a.n - 1)):
        need = ", a power of 2 for Sobol (its sequence is balanced only then)"
        p.error(f"--n must be a positive integer{need * (a.method == 'sobol')}, got {a.n}")
    for flag, value in (("--replicates", a.replicates), ("--households", a.households),
                        ("--months", a.months)):  # fmt: skip
        if value < 1:
            p.error(f"{flag} must be at least 1, got {value}")
    if a.seed < 0:
        p.error(f"--seed must be a non-negative integer, got {a.seed}")
    for item in a.overrides:
        key = item.split("=", 1)[0].lstrip("+~")
        if "=" not in item:
            p.error(f"an override is key=value, got {item!r}")
        if key in _OPTIONS:
            p.error(f"{key} is set by {_OPTIONS[key]}; give it as that option")
        if key in names:
            p.error(f"{key} is a sampled factor; leave it to the sample or drop it from --factors")


def _same_study(out: Path, points: list[Any], meta: dict[str, Any]) -> None:
    """Refuse a study folder holding another study (its points' results would clash)."""
    path = out / "design.yaml"
    if not path.is_file():
        return
    try:
        old = load_design(path)
    except ParameterError:
        return
    same = list(old.points) == points and old.meta.get("extra") == meta["extra"]
    if not same:
        raise DeclarationError(
            f"{out} holds another study ({old.meta.get('command', 'other points or sizes')}); "
            "its results would clash with this one's: give another --out or remove the folder"
        )


def _tables(out: Path, factors: Any, unit: np.ndarray, labels: list[str],
            y: dict[str, np.ndarray]) -> None:  # fmt: skip
    """Write ``sample.csv`` (unit coordinates and values) and ``outcomes.csv`` (point means)."""
    sample = pd.DataFrame(unit, columns=[f"u:{f.name}" for f in factors], index=labels)
    for f, col in zip(factors, unit.T, strict=True):
        sample[f.name] = [f.number(float(u)) for u in col]
    means = pd.DataFrame({n: v.mean(axis=1) for n, v in y.items()}, index=labels)
    write_text_atomic(sample.rename_axis("label").to_csv(float_format="%.8g"), out / "sample.csv")
    write_text_atomic(means.rename_axis("label").to_csv(float_format="%.8g"), out / "outcomes.csv")


def _study(out: Path, *args: Any) -> Any:
    """Run the study; if the sweep refuses or fails and computed nothing, leave no trace."""
    fresh = [p for p in (out, out / "design.yaml", out / "sweep") if not p.exists()]
    try:
        return run_study(out, *args)
    except StudyError:
        if not any((out / "sweep").rglob("*.nc")):
            for path in reversed(fresh):
                if path.is_file():
                    path.unlink()
                elif path.is_dir() and not any(path.iterdir()):
                    path.rmdir()
        raise


def _run(a: argparse.Namespace, decl: Any, argv: list[str]) -> int:
    factors = decl.select(a.factors)
    unit = unit_sample(factors, a.method, a.n, a.seed)
    points = design_points(factors, unit)
    extra = [f"population.households={a.households}", f"run.months={a.months}",
             f"run.replicates={a.replicates}", *a.overrides]  # fmt: skip
    command = shlex.join(["python", "-m", "experiments.sensitivity", *argv])
    meta = {"command": command, "method": a.method, "n": a.n, "seed": a.seed,
            "selection": a.factors, "declarations": str(decl.path), "extra": extra,
            "factors": [{"name": f.name, "kind": f.kind, "label": f.label, "units": f.units,
                         "range": [f.low, f.high], "distribution": f.distribution}
                        for f in factors]}  # fmt: skip
    _same_study(a.out, points, meta)
    print(f"{len(points)} points x {a.replicates} replicates -> {a.out}", file=sys.stderr)
    ds = _study(a.out, f"sensitivity_{a.method}", decl.scenario, points, meta, extra)
    labels = [p.label for p in points]
    y_all = outcome_matrix(ds, labels)
    _tables(a.out, factors, unit, labels, y_all)
    y, skipped = usable(y_all)
    for name, why in skipped.items():
        print(f"not analysed: {name}: {why}", file=sys.stderr)
    if not y:
        print("no outcome can be analysed (see above)", file=sys.stderr)
        return 1
    table, noise = analyse(a.method, factors, unit, y, a.seed)
    about = {"command": command, "points": len(points), "factors": len(factors),
             "replicates": a.replicates, "scenario": decl.scenario,
             "households": a.households, "months": a.months}  # fmt: skip
    paths = write_outputs(a.out, a.method, table, noise, skipped, about)
    print("\n".join(str(p) for p in paths))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command (see the module docstring); return its exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        decl = load_declarations(args.declarations)
    except DeclarationError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    _check(parser, args, {f.name for f in decl.select(args.factors)})
    try:
        return _run(args, decl, argv)
    except DeclarationError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except StudyError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
