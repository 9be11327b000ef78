"""``graduasi-report``: collect a sweep, compare it with a baseline, write figures and tables.

Usage::

    graduasi-report outputs/compare_2025 --baseline baseline_2025 [--out DIR] [--any-code]
                    [--lang {en,id}]

Only results computed by the installed engine code are collected (a sweep re-run after the code
changed leaves the older results beside the new ones); ``--any-code`` collects all.

Before writing anything it checks that the sweep folder exists and that ``DIR`` is (or can be
made) a writable folder; it warns, naming them, about jobs of the sweep's manifests and
replicates that have no readable result (``results.nc`` records which ones it holds), and
removes abandoned temporary files.

Writes into ``DIR`` (default ``<sweep>/report``): ``results.nc`` (the merged sweep),
``effects.nc`` (levels and paired effects with 95% intervals), ``summary.md`` and
``summary.csv`` (a planner's table, every column with its unit) and PNG figures; prints the
summary table. ``--lang id`` writes the tables, the figures' titles, axis labels and legends
and the printed table in Bahasa Indonesia (numbers with a decimal comma and a thousands point;
the words are in :mod:`experiments.lang`); file names, data files and log messages stay as they
are.
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
from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter

from experiments.collect import collect
from experiments.jobs import code_fingerprint
from experiments.lang import LANGS, full_name, month_year, number, text
from experiments.results import clean_stale_tmp, write_atomic
from simulation import plotting
from simulation.compare import paired_effects, summarise

__all__ = ["check_out", "main", "summary_table", "warn_missing", "write_report"]

log = logging.getLogger("graduasi-report")

#: column's message key -> (outcome, scale, format); every column names its unit
COLUMNS = {
    "col.poverty_rate": ("poverty_rate", 100, "{:.2f}"),
    "col.extreme_poverty": ("extreme_poverty_rate", 100, "{:.2f}"),
    "col.poor_persons": ("poor_persons", 1e-6, "{:.2f}"),
    "col.graduations": ("graduations", 1e-3, "{:,.0f}"),
    "col.sustained": ("sustained_graduations", 1e-3, "{:,.0f}"),
    "col.relapses": ("relapses", 1e-3, "{:,.0f}"),
    "col.spending": ("spending", 1e-12, "{:,.1f}"),
    "col.cost_per_sustained": ("cost_per_sustained_graduate", 1e-6, "{:,.1f}"),
}
EFFECTS = {
    "col.effect_poverty": ("poverty_rate", 100, "{:+.2f}"),
    "col.effect_sustained": ("sustained_graduations", 1e-3, "{:+,.0f}"),
}


def _cell(
    ds: xr.Dataset, prefix: str, scenario: str, outcome: str, scale: float, fmt: str,
    lang: str = "en",
) -> str:  # fmt: skip
    if outcome not in ds.outcome.values:
        return text("cell.na", lang)
    sel = ds.sel(scenario=scenario, outcome=outcome)
    mean = float(sel[f"{prefix}_mean"]) * scale
    if prefix == "level":
        return number(fmt.format(mean), lang) if mean == mean else text("cell.na", lang)
    lo, hi = float(sel[f"{prefix}_lo"]) * scale, float(sel[f"{prefix}_hi"]) * scale
    if lo != lo:
        return number(fmt.format(mean), lang)
    mean_lo_hi = (number(fmt.format(v), lang) for v in (mean, lo, hi))
    return text("cell.interval", lang, **dict(zip(("mean", "lo", "hi"), mean_lo_hi, strict=True)))


def summary_table(
    levels: xr.Dataset, effects: xr.Dataset, baseline: str, lang: str = "en"
) -> pd.DataFrame:
    """Planner's table: one row per scenario, levels and effects with their units.

    ``lang`` (one of :data:`experiments.lang.LANGS`) is the language of the headers and the
    number style of the cells; scenario names are kept.
    """
    rows = []
    for s in [str(x) for x in levels.scenario.values]:
        row = {text("col.scenario", lang): s}
        for key, (outcome, scale, fmt) in COLUMNS.items():
            row[text(key, lang)] = _cell(levels, "level", s, outcome, scale, fmt, lang)
        for key, (outcome, scale, fmt) in EFFECTS.items():
            row[text(key, lang)] = (
                text("cell.baseline", lang)
                if s == baseline
                else _cell(effects, "effect", s, outcome, scale, fmt, lang)
            )
        rows.append(row)
    return pd.DataFrame(rows)


def _markdown(table: pd.DataFrame, lang: str) -> str:
    if lang == "en":
        return str(table.to_markdown(index=False))
    # cells are already written in the language's number style: no parsing as numbers (a
    # thousands point would be read as a decimal one), numbers aligned right
    align = ("left",) + ("right",) * (table.shape[1] - 1)
    return str(table.to_markdown(index=False, disable_numparse=True, colalign=align))


class _IndonesianTicks(ScalarFormatter):
    """Numeric tick labels with a decimal comma (and an Indonesian offset text)."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return number(super().__call__(x, pos), "id")

    def get_offset(self) -> str:
        return number(super().get_offset(), "id")


def _number_style(fig: Figure, lang: str) -> None:
    if lang == "en":
        return
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is ScalarFormatter:  # not dates nor categories
                axis.set_major_formatter(_IndonesianTicks())


def _figures(
    ds: xr.Dataset, levels: xr.Dataset, effects: xr.Dataset, out: Path, lang: str = "en"
) -> list[Path]:
    def t(key: str, **fields: str) -> str:
        return text(key, lang, **fields)

    share = t("fig.share_of_people")
    names = {str(n): full_name(str(n), lang) for n in [*ds.programme.values, *ds.agency.values]}
    specs = {
        "poverty_paths.png": lambda ax: plotting.plot_path(
            ds, "poverty_rate", scale=100, ylabel=share, title=t("fig.poverty_title"), ax=ax),
        "extreme_poverty_paths.png": lambda ax: plotting.plot_path(
            ds, "extreme_poverty_rate", scale=100, ylabel=share, title=t("fig.extreme_title"),
            ax=ax),
        "graduations_relapses.png": lambda ax: plotting.plot_graduations(
            ds, ylabel=t("fig.graduations_ylabel"), title=t("fig.graduations_title"),
            bar_label=t("fig.graduations_bar", scenario="{scenario}"), ax=ax),
        "relapse_survival.png": lambda ax: plotting.plot_relapse_survival(
            ds, xlabel=t("fig.survival_xlabel"), ylabel=t("fig.survival_ylabel"),
            title=t("fig.survival_title"), ax=ax),
        "spending_by_programme.png": lambda ax: plotting.plot_spending(
            ds, by="programme", ylabel=t("fig.spending_ylabel"),
            title=t("fig.spending_programme_title"), names=names, ax=ax),
        "spending_by_agency.png": lambda ax: plotting.plot_spending(
            ds, by="agency", ylabel=t("fig.spending_ylabel"),
            title=t("fig.spending_agency_title"), names=names, ax=ax),
        "cost_per_sustained_graduate.png": lambda ax: plotting.plot_cost_per_sustained(
            levels, ylabel=t("fig.cost_ylabel"), title=t("fig.cost_title"), ax=ax),
        "effect_poverty.png": lambda ax: plotting.plot_effects(
            effects, "poverty_rate", scale=100,
            xlabel=t("fig.effect_xlabel", unit=t("unit.pp")),
            title=t("fig.effect_title", outcome=t("outcome.poverty_rate")), ax=ax),
        "effect_sustained.png": lambda ax: plotting.plot_effects(
            effects, "sustained_graduations", scale=1e-3,
            xlabel=t("fig.effect_xlabel", unit=t("unit.thousand_families")),
            title=t("fig.effect_title", outcome=t("outcome.sustained_graduations")), ax=ax),
    }  # fmt: skip
    paths = []
    for file, draw in specs.items():
        fig, ax = plt.subplots(figsize=(9, 5))
        draw(ax)
        _number_style(fig, lang)
        fig.tight_layout()
        fig.savefig(out / file, dpi=110)
        plt.close(fig)
        paths.append(out / file)
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


def _gaps(ds: xr.Dataset, lang: str = "en") -> str:
    """Return a warning paragraph for the summary when jobs or replicates are missing."""
    jobs = json.loads(ds.attrs.get("jobs_missing", "[]"))
    reps = json.loads(ds.attrs.get("replicates_missing", "{}"))
    if not jobs and not reps:
        return ""
    parts = [
        text("md.missing_job", lang, job=j["job"], scenario=j["scenario"],
             replicates=j["replicates"])
        for j in jobs
    ]  # fmt: skip
    parts += [
        text("md.missing_replicates", lang, scenario=s, replicates=r) for s, r in reps.items()
    ]
    return text("md.incomplete", lang, missing="; ".join(parts)) + "\n\n"


def write_report(
    sweep: Path, baseline: str, out: Path, code: str | None = None, lang: str = "en"
) -> pd.DataFrame:
    """Collect, compare and write every report file; return the summary table.

    ``code`` is the engine fingerprint whose results are collected (``None``: any code);
    ``lang`` the language of the tables and figures (one of :data:`experiments.lang.LANGS`).
    """
    if lang not in LANGS:
        raise ValueError(f"--lang {lang!r} is not a language of the report; one of {LANGS}")
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
    table = summary_table(levels, effects, baseline, lang)
    table.to_csv(out / "summary.csv", index=False)
    header = (
        text("md.title", lang, baseline=baseline) + "\n\n"
        + text("md.intro", lang, scenarios=ds.sizes["scenario"],
               replicates=ds.sizes["replicate"], months=ds.sizes["month"],
               start=month_year(str(ds.date.values[0]), lang))
        + "\n\n"
    )  # fmt: skip
    (out / "summary.md").write_text(
        header + _gaps(ds, lang) + _markdown(table, lang) + "\n", encoding="utf-8"
    )
    _figures(ds, levels, effects, out, lang)
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
    parser.add_argument(
        "--lang", choices=LANGS, default=LANGS[0],
        help="language of the tables and figures: en (English, the default) or id (Bahasa "
        "Indonesia, numbers with a decimal comma)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    out = args.out or args.sweep / "report"
    logging.basicConfig(level=logging.WARNING, format="graduasi-report: %(message)s")
    try:
        code = None if args.any_code else code_fingerprint()
        table = write_report(args.sweep, args.baseline, out, code, args.lang)
    except (OSError, ValueError) as err:
        print(f"graduasi-report: {err}", file=sys.stderr)
        return 2
    print(_markdown(table, args.lang))
    print("\n" + text("cli.written", args.lang, out=out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
