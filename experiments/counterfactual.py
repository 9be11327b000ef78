"""Run the 2025 counterfactual world (no programmes) and print the monthly poverty path.

Usage: ``python -m experiments.counterfactual [households] [months] [--update-doc]``;
``make run`` uses the defaults of ``scenarios/world_2025.yaml`` (20,000 households, 60 months).
``--update-doc`` writes the yearly summary into ``docs/model.md`` (block ``counterfactual``).
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


def yearly_table(ds: xr.Dataset) -> str:
    """January of each year and the last month: the headline outcomes, mean over replicates."""
    d = ds.mean("replicate")
    months = sorted({*range(0, d.sizes["month"], 12), d.sizes["month"] - 1})
    head = ("| month | poverty | urban | rural | extreme | Gini | mean consumption (Rp/capita) "
            "| persons (M) |")  # fmt: skip
    lines = [head, "|---" * 8 + "|"]
    for m in months:
        x = d.isel(month=m)
        area = x.poverty_rate_by_area
        lines.append(
            f"| {str(x.date.values)[:7]} | {100 * float(x.poverty_rate):.2f}% "
            f"| {100 * float(area.sel(area='urban')):.2f}% "
            f"| {100 * float(area.sel(area='rural')):.2f}% "
            f"| {100 * float(x.extreme_poverty_rate):.2f}% | {float(x.gini):.3f} "
            f"| {float(x.mean_consumption):,.0f} | {float(x.persons) / 1e6:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    doc = "--update-doc" in argv
    argv = [a for a in argv if a != "--update-doc"]
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
    if doc:
        from experiments.docblocks import update_block

        n, months = params.world.population.households, params.run.months
        how = f"`python -m experiments.counterfactual {n} {months} --update-doc`"
        update_block(
            "counterfactual", f"{yearly_table(ds)}\n\n*Replicate 0, {n:,} households: {how}.*"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
