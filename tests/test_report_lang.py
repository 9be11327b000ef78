"""``graduasi-report --lang id``: tables, figures and printed table in Bahasa Indonesia.

One tiny sweep (two scenarios, two replicates, six months) is reported once in each language;
every figure's title, axis labels and legend are recorded as it is saved.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import string
from pathlib import Path
from typing import Any

import matplotlib.figure
import pandas as pd
import pytest
import xarray as xr

from experiments.lang import LANGS, MESSAGES, full_name, month_year, number
from experiments.report import _gaps, write_report
from experiments.report import main as report_main
from tests.sweep_tools import SMALL, graduasi, snapshot

FIGURES = [
    "poverty_paths.png", "extreme_poverty_paths.png", "graduations_relapses.png",
    "relapse_survival.png", "spending_by_programme.png", "spending_by_agency.png",
    "cost_per_sustained_graduate.png", "effect_poverty.png", "effect_sustained.png",
]  # fmt: skip
SCENARIOS = {"aid_only", "baseline_2025"}
#: the English report's column headers before the report had languages
ENGLISH_HEADERS = [
    "Scenario", "Poverty rate (%)", "Extreme poverty (%)", "People in poverty (million)",
    "Graduations (thousand families)", "Sustained graduations (thousand families)",
    "Relapses (thousand families)", "Spending (Rp trillion)",
    "Cost per sustained graduate (Rp million)", "Poverty vs baseline (pp, 95% CI)",
    "Sustained graduations vs baseline (thousand, 95% CI)",
]  # fmt: skip
#: the English figures' (title, x label, y label) before the report had languages
ENGLISH_FIGURES = {
    "poverty_paths.png": ("poverty headcount share (FGT0)", "", "% of people"),
    "extreme_poverty_paths.png": ("extreme-poverty headcount share", "", "% of people"),
    "graduations_relapses.png": ("Graduations per year (bars) and relapses (black marks)", "",
                                 "thousand families per year"),
    "relapse_survival.png": ("Relapse survival after graduation (Kaplan-Meier)",
                             "months since graduation", "% of graduates not relapsed"),
    "spending_by_programme.png": ("Spending by programme", "", "Rp trillion per year"),
    "spending_by_agency.png": ("Spending by agency", "", "Rp trillion per year"),
    "cost_per_sustained_graduate.png": (
        "Cost per sustained graduate (all spending / sustained graduations)", "",
        "Rp million per sustained graduate"),
    "effect_poverty.png": ("Paired effect on poverty rate, last 12 months",
                           "effect vs baseline (percentage points)", ""),
    "effect_sustained.png": ("Paired effect on sustained", "effect vs baseline (thousand families)",
                             ""),
}  # fmt: skip


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def _pattern(template: str) -> re.Pattern[str]:
    """A message's template as a regular expression: every placeholder matches some text."""
    parts = re.split(r"\{\w+\}", template)
    return re.compile(".+".join(re.escape(p) for p in parts))


def _is_message(label: str, lang: str) -> bool:
    return any(
        _pattern(entry[lang]).fullmatch(label)
        for key, entry in MESSAGES.items()
        if key.split(".")[0] in ("fig", "unit", "outcome", "name")
    )


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sweep")
    res = graduasi("-m", "scenario=baseline_2025,aid_only", *SMALL, "hydra/launcher=basic",
                   f"hydra.sweep.dir={root}/sw", cwd=root)  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    return root / "sw"


@pytest.fixture(scope="module")
def reports(sweep: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each language's report: its folder, what it printed and each figure's words."""
    out: dict[str, dict[str, Any]] = {}
    real = matplotlib.figure.Figure.savefig
    for lang in LANGS:
        seen: dict[str, dict[str, Any]] = {}

        def recording(fig: matplotlib.figure.Figure, fname: Any, *a: Any, **k: Any) -> None:
            real(fig, fname, *a, **k)  # drawn: the tick labels are set
            ax = fig.axes[0]
            legend = ax.get_legend()
            seen[Path(fname).name] = {  # noqa: B023 (used at once)
                "labels": (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()),
                "legend": [t.get_text() for t in legend.get_texts()] if legend else [],
                "ticks": [t.get_text() for t in [*ax.get_xticklabels(), *ax.get_yticklabels()]],
            }

        folder = tmp_path_factory.mktemp(f"report_{lang}")
        printed = io.StringIO()
        with pytest.MonkeyPatch.context() as m, contextlib.redirect_stdout(printed):
            m.setattr(matplotlib.figure.Figure, "savefig", recording)
            code = report_main([str(sweep), "--baseline", "baseline_2025", "--out", str(folder),
                                "--lang", lang])  # fmt: skip
        assert code == 0
        out[lang] = {"folder": folder, "printed": printed.getvalue(), "figures": seen}
    return out


def test_every_message_has_both_languages() -> None:
    for key, entry in MESSAGES.items():
        assert set(entry) == set(LANGS), key
        assert all(entry.values()), key
        assert entry["en"] != entry["id"], key  # nothing left untranslated
        assert _fields(entry["en"]) == _fields(entry["id"]), key


def test_number_style_and_names() -> None:
    assert number("1,234.5", "id") == "1.234,5" and number("1,234.5", "en") == "1,234.5"
    assert number("+0.25 [-1,000.00", "id") == "+0,25 [-1.000,00"
    assert month_year("2025-03-31T00:00:00", "id") == "Maret 2025"
    assert month_year("2025-03-31T00:00:00", "en") == "2025-03"
    assert full_name("PKH", "id") == "PKH (Program Keluarga Harapan)"
    assert full_name("PKH", "en") == "PKH" and full_name("New programme", "id") == "New programme"


def test_indonesian_summary_tables(reports: dict[str, dict[str, Any]]) -> None:
    folder_id, folder_en = reports["id"]["folder"], reports["en"]["folder"]
    id_csv = pd.read_csv(folder_id / "summary.csv", dtype=str, keep_default_na=False)
    en_csv = pd.read_csv(folder_en / "summary.csv", dtype=str, keep_default_na=False)
    assert "Tingkat kemiskinan (%)" in id_csv.columns
    assert "Biaya per graduasi berkelanjutan (juta rupiah)" in id_csv.columns
    for id_head, en_head in zip(id_csv.columns, en_csv.columns, strict=True):
        assert id_head != en_head, id_head
        assert id_head in {entry["id"] for entry in MESSAGES.values()}
    assert set(id_csv["Skenario"]) == SCENARIOS  # scenario names are kept
    # the same numbers, written with a decimal comma and a thousands point
    for col_id, col_en in zip(id_csv.columns[1:], en_csv.columns[1:], strict=True):
        for cell_id, cell_en in zip(id_csv[col_id], en_csv[col_en], strict=True):
            if cell_en == "baseline":
                assert cell_id == "skenario dasar"
            elif cell_en == "n/a":
                assert cell_id == "tidak tersedia"
            else:
                assert cell_id == number(cell_en.replace(", ", "; "), "id"), (cell_id, cell_en)

    md = (folder_id / "summary.md").read_text(encoding="utf-8")
    assert md.startswith("# Perbandingan skenario dengan skenario dasar `baseline_2025`\n\n")
    assert "2 skenario x 2 replikasi, 6 bulan mulai " in md
    assert "selang kepercayaan 95% (SK 95%)" in md and "koma desimal" in md
    header_line = next(line for line in md.splitlines() if line.startswith("| Skenario"))
    assert [h.strip() for h in header_line.strip("|").split("|")] == list(id_csv.columns)
    for english in [*ENGLISH_HEADERS, "Scenario comparison", "Levels are", "confidence"]:
        assert english not in md, english
    assert header_line in reports["id"]["printed"]
    assert "Laporan ditulis ke" in reports["id"]["printed"]


def test_indonesian_figures(reports: dict[str, dict[str, Any]]) -> None:
    folder, seen = reports["id"]["folder"], reports["id"]["figures"]
    assert sorted(seen) == sorted(FIGURES)
    for file in FIGURES:
        assert (folder / file).stat().st_size > 0, file
        words = seen[file]
        for label, english in zip(words["labels"], ENGLISH_FIGURES[file], strict=True):
            if not english:  # no label (dates, years, scenario names on that axis)
                assert not label, (file, label)
                continue
            assert _is_message(label, "id") and not _is_message(label, "en"), (file, label)
        assert words["legend"] or file.startswith(("effect_", "cost_"))
        for entry in words["legend"]:
            assert entry in SCENARIOS or _is_message(entry, "id"), (file, entry)
        for tick in words["ticks"]:  # numbers with a decimal comma
            assert not re.search(r"\d\.\d", tick), (file, tick)
    assert "PKH (Program Keluarga Harapan)" in seen["spending_by_programme.png"]["legend"]
    assert "Kemensos (Kementerian Sosial)" in seen["spending_by_agency.png"]["legend"]
    assert "aid_only: graduasi" in seen["graduations_relapses.png"]["legend"]


def test_the_english_report_is_unchanged(reports: dict[str, dict[str, Any]]) -> None:
    folder, seen = reports["en"]["folder"], reports["en"]["figures"]
    assert list(pd.read_csv(folder / "summary.csv").columns) == ENGLISH_HEADERS
    md = (folder / "summary.md").read_text(encoding="utf-8")
    assert md.startswith(
        "# Scenario comparison against `baseline_2025`\n\n2 scenarios x 2 replicates, 6 months "
        "from 2025-01. Levels are means over replicates (poverty: mean of the last 12 months; "
        "counts and spending: over the whole run, national scale). Effects are paired "
        "differences on the same replicates with 95% confidence intervals.\n\n| Scenario "
    )
    assert "| baseline " in md and "Report written to" in reports["en"]["printed"]
    assert {file: seen[file]["labels"] for file in FIGURES} == ENGLISH_FIGURES
    programmes = seen["spending_by_programme.png"]["legend"]
    assert "PKH" in programmes and "Vocational training" in programmes
    assert "aid_only: graduations" in seen["graduations_relapses.png"]["legend"]


def test_the_incomplete_sweep_warning_in_both_languages() -> None:
    ds = xr.Dataset(attrs={
        "jobs_missing": json.dumps([{"job": 1, "scenario": "aid_only", "replicates": [0, 1],
                                     "overrides": ["scenario=aid_only"]}]),
        "replicates_missing": json.dumps({"baseline_2025": [1]}),
    })  # fmt: skip
    assert _gaps(ds) == (
        "**Incomplete sweep**, missing: job 1 (aid_only, replicates [0, 1]); baseline_2025 "
        "replicates [1].\n\n"
    )
    assert _gaps(ds, "id") == (
        "**Rangkaian simulasi tidak lengkap**, hasil yang tidak ada: job 1 (aid_only, replikasi "
        "[0, 1]); baseline_2025 replikasi [1].\n\n"
    )
    assert _gaps(xr.Dataset(), "id") == ""


def test_an_unknown_language_is_refused_before_anything_is_written(
    sweep: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before, sweep_before = snapshot(tmp_path), snapshot(sweep)
    with pytest.raises(SystemExit) as stop:
        report_main([str(sweep), "--out", str(tmp_path / "report"), "--lang", "xx"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "--lang" in err and "'xx'" in err and "'en', 'id'" in err
    with pytest.raises(ValueError, match="--lang 'xx'"):
        write_report(sweep, "baseline_2025", tmp_path / "report", lang="xx")
    assert snapshot(tmp_path) == before and snapshot(sweep) == sweep_before
