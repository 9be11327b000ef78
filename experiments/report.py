"""``graduasi-report``: collect a sweep, compare it with a baseline, write figures and tables.

Usage::

    graduasi-report outputs/compare_2025 --baseline baseline_2025 [--out DIR] [--any-code]

Only results computed by the installed engine code are collected (a sweep re-run after the code
changed leaves the older results beside the new ones); ``--any-code`` collects all.

Before writing anything it checks that the sweep folder exists and that ``DIR`` is (or can be
made) a writable folder; it warns, naming them, about jobs of the sweep's manifests and
replicates that have no readable result (``results.nc`` records which ones it holds), and
removes abandoned temporary files.

Writes into ``DIR`` (default ``<sweep>/report``): ``results.nc`` (the merged sweep),
``effects.nc`` (levels and paired effects with 95% intervals), ``summary.md`` and
``summary.csv`` (a planner's table, every column with its unit) and PNG figures; prints the
summary table.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import xarray as xr

from experiments.collect import collect
from experiments.jobs import code_fingerprint
from experiments.results import clean_stale_tmp, write_atomic
from simulation import plotting
from simulation.compare import paired_effects, summarise

__all__ = ["check_out", "main", "summary_table", "warn_missing", "write_report"]

log = logging.getLogger("graduasi-report")

#: column -> (outcome, scale, format); every column names its unit
COLUMNS = {
    "Poverty rate (%)": ("poverty_rate", 100, "{:.2f}"),
    "Extreme poverty (%)": ("extreme_poverty_rate", 100, "{:.2f}"),
    "People in poverty (million)": ("poor_persons", 1e-6, "{:.2f}"),
    "Graduations (thousand families)": ("graduations", 1e-3, "{:,.0f}"),
    "Sustained graduations (thousand families)": ("sustained_graduations", 1e-3, "{:,.0f}"),
    "Relapses (thousand families)": ("relapses", 1e-3, "{:,.0f}"),
    "Spending (Rp trillion)": ("spending", 1e-12, "{:,.1f}"),
    "Cost per sustained graduate (Rp million)": ("cost_per_sustained_graduate", 1e-6, "{:,.1f}"),
}
EFFECTS = {
    "Poverty vs baseline (pp, 95% CI)": ("poverty_rate", 100, "{:+.2f}"),
    "Sustained graduations vs baseline (thousand, 95% CI)": (
        "sustained_graduations", 1e-3, "{:+,.0f}"),
}  # fmt: skip


def _cell(ds: xr.Dataset, prefix: str, scenario: str, outcome: str, scale: float, fmt: str) -> str:
    if outcome not in ds.outcome.values:
        return "n/a"
    sel = ds.sel(scenario=scenario, outcome=outcome)
    mean = float(sel[f"{prefix}_mean"]) * scale
    if prefix == "level":
        return fmt.format(mean) if mean == mean else "n/a"
    lo, hi = float(sel[f"{prefix}_lo"]) * scale, float(sel[f"{prefix}_hi"]) * scale
    if lo != lo:
        return fmt.format(mean)
    return f"{fmt.format(mean)} [{fmt.format(lo)}, {fmt.format(hi)}]"


def summary_table(levels: xr.Dataset, effects: xr.Dataset, baseline: str) -> pd.DataFrame:
    """Planner's table: one row per scenario, levels and effects with their units."""
    rows = []
    for s in [str(x) for x in levels.scenario.values]:
        row = {"Scenario": s}
        for col, (outcome, scale, fmt) in COLUMNS.items():
            row[col] = _cell(levels, "level", s, outcome, scale, fmt)
        for col, (outcome, scale, fmt) in EFFECTS.items():
            row[col] = (
                "baseline" if s == baseline else _cell(effects, "effect", s, outcome, scale, fmt)
            )
        rows.append(row)
    return pd.DataFrame(rows)


def _figures(ds: xr.Dataset, levels: xr.Dataset, effects: xr.Dataset, out: Path) -> list[Path]:
    specs = {
        "poverty_paths.png": lambda ax: plotting.plot_path(ds, "poverty_rate", scale=100,
                                                             ylabel="% of people", ax=ax),
        "extreme_poverty_paths.png": lambda ax: plotting.plot_path(
            ds, "extreme_poverty_rate", scale=100, ylabel="% of people", ax=ax),
        "graduations_relapses.png": lambda ax: plotting.plot_graduations(ds, ax=ax),
        "relapse_survival.png": lambda ax: plotting.plot_relapse_survival(ds, ax=ax),
        "spending_by_programme.png": lambda ax: plotting.plot_spending(ds, by="programme", ax=ax),
        "spending_by_agency.png": lambda ax: plotting.plot_spending(ds, by="agency", ax=ax),
        "cost_per_sustained_graduate.png": lambda ax: plotting.plot_cost_per_sustained(
            levels, ax=ax),
        "effect_poverty.png": lambda ax: plotting.plot_effects(effects, "poverty_rate", scale=100,
                                                               unit="percentage points", ax=ax),
        "effect_sustained.png": lambda ax: plotting.plot_effects(
            effects, "sustained_graduations", scale=1e-3, unit="thousand families", ax=ax),
    }  # fmt: skip
    paths = []
    for name, draw in specs.items():
        fig, ax = plt.subplots(figsize=(9, 5))
        draw(ax)
        fig.tight_layout()
        fig.savefig(out / name, dpi=110)
        plt.close(fig)
        paths.append(out / name)
    return paths


def check_out(out: Path) -> None:
    """Refuse a report folder that is a file or cannot be written, before anything is written."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {str(out)!r} is a file; give a folder (it is made if missing)")
    parent = out
    while not parent.exists():
        parent = parent.parent
    try:
        if not parent.is_dir():
            raise NotADirectoryError(f"{str(parent)!r} is not a folder")
        with tempfile.TemporaryFile(dir=parent):
            pass  # can a file be made there (and is gone again)?
    except OSError as err:
        raise ValueError(f"--out {str(out)!r}: cannot write in {str(parent)!r} ({err})") from None


def warn_missing(ds: xr.Dataset) -> None:
    """Warn, naming them, about the sweep's jobs and replicates that have no result."""
    for job in json.loads(ds.attrs.get("jobs_missing", "[]")):
        log.warning(
            "job %s (%s) has no readable result: scenario %s, replicates %s",
            job["job"], " ".join(job["overrides"]), job["scenario"], job["replicates"],
        )  # fmt: skip
    for name, reps in json.loads(ds.attrs.get("replicates_missing", "{}")).items():
        log.warning("scenario %s is missing replicates %s", name, reps)


def _gaps(ds: xr.Dataset) -> str:
    """Return a warning paragraph for the summary when jobs or replicates are missing."""
    jobs = json.loads(ds.attrs.get("jobs_missing", "[]"))
    reps = json.loads(ds.attrs.get("replicates_missing", "{}"))
    if not jobs and not reps:
        return ""
    parts = [f"job {j['job']} ({j['scenario']}, replicates {j['replicates']})" for j in jobs]
    parts += [f"{name} replicates {r}" for name, r in reps.items()]
    return f"**Incomplete sweep**, missing: {'; '.join(parts)}.\n\n"


def write_report(sweep: Path, baseline: str, out: Path, code: str | None = None) -> pd.DataFrame:
    """Collect, compare and write every report file; return the summary table.

    ``code`` is the engine fingerprint whose results are collected (``None``: any code).
    """
    check_out(out)
    clean_stale_tmp(sweep)
    ds = collect(sweep, code)
    warn_missing(ds)
    if baseline not in ds.scenario.values:
        raise ValueError(
            f"--baseline {baseline!r} is not a scenario of the sweep; scenarios: "
            f"{', '.join(map(str, ds.scenario.values))}"
        )
    levels = summarise(ds)
    effects = paired_effects(ds, baseline)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(ds, out / "results.nc")
    write_atomic(
        xr.merge([levels, effects], compat="no_conflicts", join="outer"), out / "effects.nc"
    )
    table = summary_table(levels, effects, baseline)
    table.to_csv(out / "summary.csv", index=False)
    n_rep = ds.sizes["replicate"]
    header = (
        f"# Scenario comparison against `{baseline}`\n\n"
        f"{ds.sizes['scenario']} scenarios x {n_rep} replicates, {ds.sizes['month']} months "
        f"from {str(ds.date.values[0])[:7]}. Levels are means over replicates (poverty: mean of "
        "the last 12 months; counts and spending: over the whole run, national scale). Effects "
        "are paired differences on the same replicates with 95% confidence intervals.\n\n"
    )
    (out / "summary.md").write_text(
        header + _gaps(ds) + table.to_markdown(index=False) + "\n", encoding="utf-8"
    )
    _figures(ds, levels, effects, out)
    return table


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point of ``graduasi-report``."""
    parser = argparse.ArgumentParser(prog="graduasi-report", description=__doc__.split("\n")[0])
    parser.add_argument("sweep", type=Path, help="sweep directory (Hydra multirun dir)")
    parser.add_argument("--baseline", default="baseline_2025", help="scenario to compare with")
    parser.add_argument("--out", type=Path, default=None, help="report directory")
    parser.add_argument(
        "--any-code", action="store_true",
        help="also collect results computed by other versions of the engine (default: only "
        "those of the installed code; the others are skipped as stale)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    out = args.out or args.sweep / "report"
    logging.basicConfig(level=logging.WARNING, format="graduasi-report: %(message)s")
    try:
        code = None if args.any_code else code_fingerprint()
        table = write_report(args.sweep, args.baseline, out, code)
    except (OSError, ValueError) as err:
        print(f"graduasi-report: {err}", file=sys.stderr)
        return 2
    print(table.to_markdown(index=False))
    print(f"\nReport written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
