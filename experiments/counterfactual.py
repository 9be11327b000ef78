"""Run the 2025 counterfactual world (no programmes) and print the monthly poverty path.

Usage: ``python -m experiments.counterfactual [households] [months]``; ``make run`` uses the
defaults of ``scenarios/world_2025.yaml`` (20,000 households, 60 months).
"""

from __future__ import annotations

import sys
import time

import xarray as xr

from scenarios import load_params
from simulation import run


def headcount_table(ds: xr.Dataset) -> str:
    """Format the monthly poverty path of replicate 0 as a plain-text table."""
    d = ds.isel(replicate=0)
    lines = [f"{'month':>7}  {'poor (M people)':>15}  {'poverty %':>9}  {'extreme %':>9}"]
    for m in range(d.sizes["month"]):
        date = str(d["date"].values[m])[:7]
        lines.append(
            f"{date:>7}  {d.poor_persons.values[m] / 1e6:15.2f}  "
            f"{100 * d.poverty_rate.values[m]:9.2f}  {100 * d.extreme_poverty_rate.values[m]:9.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    overrides = {}
    if argv:
        overrides["world.population.households"] = int(argv[0])
    if len(argv) > 1:
        overrides["run.months"] = int(argv[1])
    params = load_params("world_2025", overrides)
    t0 = time.perf_counter()
    ds = run(params)
    elapsed = time.perf_counter() - t0
    print(
        f"Counterfactual 2025 world (no programmes): {params.world.population.households:,} "
        f"households, {params.run.months} months, seed {params.run.seed}, {elapsed:.1f} s"
    )
    print(headcount_table(ds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
