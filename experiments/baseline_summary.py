"""The 2025 baseline's policy outcomes as tables for the model document.

Runs ``baseline_2025`` and prints graduations by route and year as Kemensos counts them,
relapse and sustained graduation as an evaluator measures them (and the monthly "any bad month"
rate beside them), enrolment, UMi defaults and targeting errors: means over replicates, at
national scale.

Usage::

    python -m experiments.baseline_summary [--households N] [--replicates R] [--update-doc]

``--update-doc`` writes the tables into ``docs/model.md`` (block ``baseline-results``).
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import xarray as xr

from experiments.docblocks import DOC, update_block
from scenarios import load_params
from simulation import run


def _per_year(var: xr.DataArray) -> xr.DataArray:
    return var.groupby(var.date.dt.year).sum("month")


def graduation_table(ds: xr.Dataset) -> str:
    """Graduations by route, relapses and sustained graduations per year (thousand families)."""
    routes = list(ds.graduation_type.values)
    grads = _per_year(ds.graduations) / 1e3
    rel, reen = _per_year(ds.relapses) / 1e3, _per_year(ds.reenrolments) / 1e3
    sus = _per_year(ds.sustained_graduations) / 1e3
    head = "| year | " + " | ".join(f"{r} graduations" for r in routes)
    lines = [head + " | relapses (re-enrolled) | sustained |", "|---" * (len(routes) + 3) + "|"]
    for y, year in enumerate(grads.year.values):
        cells = [f"{float(grads[y, j]):,.1f}" for j in range(len(routes))]
        cells.append(f"{float(rel[y]):,.1f} ({float(reen[y]):,.1f})")
        cells.append(f"{float(sus[y]):,.1f}")
        lines.append(f"| {year} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _pct(x: float | xr.DataArray) -> str:
    return f"{100 * float(x):.1f}%"


def _two(a: float | xr.DataArray, b: float | xr.DataArray) -> str:
    return f"{_pct(a)} / {_pct(b)}"


def _millions(*values: float | xr.DataArray) -> str:
    return " / ".join(f"{float(v) / 1e6:.2f} M" for v in values)


def outcome_table(ds: xr.Dataset, loan: float) -> str:
    """Relapse, survival, enrolment, credit and targeting outcomes (``loan``: UMi's, Rp)."""
    km = ds.relapse_survival.values
    last_rates = ds.relapse_rate_24_by_type[-1].values
    routes = zip(ds.graduation_type.values, last_rates, strict=True)
    by_route = ", ".join(f"{r} {_pct(v)}" if np.isfinite(v) else f"{r} –" for r, v in routes)
    counts = zip(ds.programme.values, ds.enrolled[-1].values, strict=True)
    enrolled = ", ".join(f"{p} {float(v) / 1e6:.2f} M" for p, v in counts)
    loans = float(ds.spending.sel(programme="UMi credit").sum()) / loan  # no losses are borne
    defaults = float(ds.credit_defaults.sum())
    last12 = ds.isel(month=slice(-12, None)).mean("month")
    rows = [
        ("poverty / extreme poverty, January 2025",
         _two(ds.poverty_rate[0], ds.extreme_poverty_rate[0])),
        ("poverty / extreme poverty, mean of the last 12 months",
         _two(last12.poverty_rate, last12.extreme_poverty_rate)),
        ("KPM (PKH or Sembako), last month", _millions(ds.kpm[-1])),
        ("enrolled, last month", enrolled),
        ("relapse within 12 / 24 months (the relapse definition; cohorts pooled, last month)",
         _two(ds.relapse_rate_12[-1], ds.relapse_rate_24[-1])),
        ("below the relapse line in any month within 24 months (the monthly rate)",
         _pct(ds.poor_any_month_rate_24[-1])),
        ("relapse within 24 months by route", by_route),
        ("not relapsed (Kaplan-Meier) at 1, 6, 12, 13 and 24 months",
         ", ".join(f"{km[m]:.3f}" for m in (1, 6, 12, 13, 24))),
        ("graduations / sustained / relapses over the run",
         _millions(ds.cumulative_graduates[-1], ds.cumulative_sustained[-1], ds.relapses.sum())),
        ("UMi defaults over the run (share of loans made)",
         f"{defaults / 1e3:,.1f} k ({_pct(defaults / max(loans, 1.0))})"),
        ("inclusion / exclusion error, mean of the last 12 months",
         _two(last12.inclusion_error, last12.exclusion_error)),
        ("contributors, last month", _millions(ds.contributors[-1])),
        ("cost per sustained graduate (all spending), last month",
         f"Rp{float(ds.cost_per_sustained_graduate[-1]) / 1e6:,.1f} M"),
    ]  # fmt: skip
    return "\n".join(["| outcome | model |", "|---|---|"] + [f"| {a} | {b} |" for a, b in rows])


def summary(households: int, replicates: int) -> str:
    """Run the baseline and return both tables with the command that made them."""
    params = load_params(
        "baseline_2025", {"world.population.households": households, "run.replicates": replicates}
    )
    ds = run(params).mean("replicate")
    umi = next(p for p in params.policy.programmes if p.name == "UMi credit")
    note = (f"{households:,} households, mean of {replicates} replicates, the seed of "
            f"`world_2025.yaml`; `python -m experiments.baseline_summary --households "
            f"{households} --replicates {replicates} --update-doc`. Thousand families per calendar "
            f"year.")  # fmt: skip
    loan = float(umi.rules.loan)  # type: ignore[attr-defined]
    return graduation_table(ds) + "\n\n" + outcome_table(ds, loan) + "\n\n" + note


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments.baseline_summary")
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--replicates", type=int, default=4)
    parser.add_argument("--update-doc", action="store_true", help="write the tables into docs")
    args = parser.parse_args(argv)
    if args.households < 1 or args.replicates < 1:
        parser.error("--households and --replicates must be at least 1")
    text = summary(args.households, args.replicates)
    print(text)
    if args.update_doc:
        update_block("baseline-results", text, DOC)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
