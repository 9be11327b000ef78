"""Measure the peak memory of one replicate run and fit the coefficients of simulation.memory.

Each run is ``simulation.run(params, replicates=[0])`` of a scenario (``baseline_2025`` by
default) in a fresh interpreter, one at a time; its peak resident memory is the interpreter's
VmHWM after the run (``ru_maxrss`` would carry over the peak of the process that started it).
The peak is fitted by least squares as ``intercept + per_household * households + per_link *
households * network_degree`` (the village network's links are the one other size that
matters); the number of months is printed beside it but not fitted (the recorded variables
are a few hundred numbers a month)::

    python -m benchmarks.memory_fit         # 20k .. 1M households, 12 and 60 months, 4 degrees
    python -m benchmarks.memory_fit --sizes 20000 100000 --months 12 --degrees

The default runs take about three minutes; the largest (1M households, 36 + 60 months) 0.8 GB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _status(field: str) -> int:
    """A memory figure of this process from /proc/self/status (Linux), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _child(scenario: str, households: int, months: int, degree: int | None) -> None:
    """(In a fresh process) run one replicate and print its peak memory as JSON."""
    from scenarios import load_params
    from simulation import run

    overrides: dict[str, Any] = {"world.population.households": households, "run.months": months}
    if degree is not None:
        overrides["policy.collaboration.network_degree"] = degree
    params = load_params(scenario, overrides)
    base = _status("VmRSS")
    t = time.perf_counter()
    run(params, replicates=[0])
    print(json.dumps({
        "scenario": scenario, "households": households, "months": months,
        "burn_in_months": params.run.burn_in_months,
        "network_degree": params.policy.collaboration.network_degree,
        "base_bytes": base, "peak_bytes": _status("VmHWM"),
        "seconds": round(time.perf_counter() - t, 1),
    }))  # fmt: skip


def measure(scenario: str, households: int, months: int, degree: int | None = None) -> Any:
    """Peak memory of one replicate run, measured in a fresh interpreter."""
    call = f"_child({scenario!r}, {households}, {months}, {degree})"
    code = f"from benchmarks.memory_fit import _child; {call}"
    cmd = [sys.executable, "-c", code]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def fit(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Least-squares coefficients of the peak (bytes); the links only with several degrees."""
    used = {"per_household": [r["households"] for r in rows]}
    if len({r["network_degree"] for r in rows}) > 1:
        used["per_link"] = [r["households"] * r["network_degree"] for r in rows]
    a = np.column_stack([np.ones(len(rows)), *used.values()])
    coef = np.linalg.lstsq(a, np.array([r["peak_bytes"] for r in rows], float), rcond=None)[0]
    names = ["intercept", *used]
    return {k: float(c) for k, c in zip(names, coef, strict=True)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="baseline_2025")
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000, 300_000, 10**6])
    parser.add_argument("--months", type=int, nargs="+", default=[12, 60])
    parser.add_argument(
        "--degrees",
        type=int,
        nargs="*",
        default=[0, 20, 50],
        help="network degrees to run at the third size, besides the scenario's",
    )
    args = parser.parse_args(argv)
    rows = []
    runs = [(n, m, None) for m in args.months for n in args.sizes]
    runs += [(args.sizes[min(2, len(args.sizes) - 1)], args.months[0], d) for d in args.degrees]
    print(f"{'households':>10} {'months':>6} {'degree':>6} {'base MiB':>8} {'peak MiB':>8} "
          f"{'B/household':>11} {'s':>6}")  # fmt: skip
    for n, m, d in runs:
        r = measure(args.scenario, n, m, d)
        rows.append(r)
        print(f"{n:>10} {m:>6} {r['network_degree']:>6} {r['base_bytes'] / 2**20:>8.0f} "
              f"{r['peak_bytes'] / 2**20:>8.0f} {(r['peak_bytes'] - r['base_bytes']) / n:>11.0f} "
              f"{r['seconds']:>6}", flush=True)  # fmt: skip
    coef = fit(rows)
    print("fit (bytes):", json.dumps({k: round(v, 1) for k, v in coef.items()}))
    degree = rows[0]["network_degree"]
    for n in args.sizes:
        key = [(n, m, degree) for m in args.months]
        peaks = [r["peak_bytes"] for r in rows
                 if (r["households"], r["months"], r["network_degree"]) in key]  # fmt: skip
        print(f"{n} households: peak over months {args.months}: "
              f"{' / '.join(f'{p / 2**20:.0f}' for p in peaks)} MiB")  # fmt: skip
    worst = max(abs(r["peak_bytes"] - _predict(coef, r)) / r["peak_bytes"] for r in rows)
    print(f"largest relative error of the fit: {worst:.1%}")
    return 0


def _predict(coef: dict[str, float], r: dict[str, Any]) -> float:
    links = r["households"] * r["network_degree"]
    return float(coef["intercept"] + coef["per_household"] * r["households"]
                 + coef.get("per_link", 0.0) * links)  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
