"""Each collaboration lever of ``full_synergy`` alone on the 2025 baseline, as a Markdown table.

Usage: ``python -m experiments.levers [households] [replicates]`` (defaults: the baseline's
20,000 households, 2 replicates). Every run uses the same replicates (common random numbers), so
the differences between rows are the levers' effects. Poverty and extreme poverty are means of
the last 12 months; graduations and sustained graduations are cumulative to the end of the run.
The table in docs/model.md (section "2025 scenario comparison") comes from this script.
"""

from __future__ import annotations

import sys
from typing import Any

import xarray as xr

from scenarios import load_params
from simulation import run

#: the levers of ``scenarios/full_synergy.yaml``, one at a time
LEVERS: dict[str, dict[str, Any]] = {
    "baseline": {},
    "referral": {"policy.collaboration.referral_rate": 0.5},
    "joint targeting": {"policy.collaboration.joint_targeting": True},
    "duplication avoidance": {"policy.collaboration.duplication_avoidance": True},
    "overhead": {"policy.collaboration.overhead": 0.005},
    "monitoring": {"policy.collaboration.monitoring": True},
}


def lever_row(name: str, ds: xr.Dataset) -> str:
    """One Markdown row: the lever's poverty, extreme poverty and graduations (replicate mean)."""
    d = ds.mean("replicate")
    last = slice(-12, None)
    poverty = 100 * float(d.poverty_rate[last].mean())
    extreme = 100 * float(d.extreme_poverty_rate[last].mean())
    graduates = float(d.cumulative_graduates[-1]) / 1e6
    sustained = float(d.cumulative_sustained[-1]) / 1e6
    return f"| {name} | {poverty:.2f}% | {extreme:.2f}% | {graduates:.2f} M | {sustained:.3f} M |"


def main(argv: list[str]) -> int:
    size: dict[str, Any] = {"run.replicates": int(argv[1]) if len(argv) > 1 else 2}
    if argv:
        size["world.population.households"] = int(argv[0])
    print("| lever | poverty | extreme poverty | graduations | sustained |")
    print("|---|---|---|---|---|")
    for name, overrides in LEVERS.items():
        print(lever_row(name, run(load_params("baseline_2025", overrides | size))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
