"""The words of ``graduasi-report`` in English and Bahasa Indonesia: one table of messages.

``MESSAGES`` maps a message key to its text in every language of ``LANGS``; :func:`text` looks
one up and fills in its ``{placeholders}``. The Indonesian texts use the names planners use
(KPM, graduasi, graduasi berkelanjutan, kembali miskin, garis kemiskinan, SK 95%, triliun
rupiah, the programmes' and ministries' own names). Programme and agency names are data of the
scenarios: :func:`full_name` gives a known one its full Indonesian name once (``PKH (Program
Keluarga Harapan)``) and leaves any other name as it is. In Indonesian, numbers are written in
Indonesian style (decimal comma, thousands point: :func:`number`). The engine (``simulation``)
holds no Indonesian text: the report passes these labels into its plotting functions.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LANGS", "MESSAGES", "full_name", "month_year", "number", "text"]

#: the report's languages; the first is the default
LANGS = ("en", "id")

#: message key -> {language: text}; ``{name}`` placeholders are filled in by :func:`text`
MESSAGES: dict[str, dict[str, str]] = {
    # summary table: column headers (every column names its unit)
    "col.scenario": {"en": "Scenario", "id": "Skenario"},
    "col.poverty_rate": {"en": "Poverty rate (%)", "id": "Tingkat kemiskinan (%)"},
    "col.extreme_poverty": {"en": "Extreme poverty (%)", "id": "Kemiskinan ekstrem (%)"},
    "col.poor_persons": {
        "en": "People in poverty (million)",
        "id": "Penduduk miskin (juta jiwa)",
    },
    "col.graduations": {
        "en": "Graduations (thousand families)",
        "id": "Graduasi (ribu keluarga)",
    },
    "col.sustained": {
        "en": "Sustained graduations (thousand families)",
        "id": "Graduasi berkelanjutan (ribu keluarga)",
    },
    "col.relapses": {
        "en": "Relapses (thousand families)",
        "id": "Kembali miskin (ribu keluarga)",
    },
    "col.spending": {"en": "Spending (Rp trillion)", "id": "Belanja (triliun rupiah)"},
    "col.cost_per_sustained": {
        "en": "Cost per sustained graduate (Rp million)",
        "id": "Biaya per graduasi berkelanjutan (juta rupiah)",
    },
    "col.effect_poverty": {
        "en": "Poverty vs baseline (pp, 95% CI)",
        "id": "Tingkat kemiskinan dibandingkan skenario dasar (poin persen, SK 95%)",
    },
    "col.effect_sustained": {
        "en": "Sustained graduations vs baseline (thousand, 95% CI)",
        "id": "Graduasi berkelanjutan dibandingkan skenario dasar (ribu keluarga, SK 95%)",
    },
    # summary table: cells
    "cell.baseline": {"en": "baseline", "id": "skenario dasar"},
    "cell.na": {"en": "n/a", "id": "tidak tersedia"},
    "cell.interval": {"en": "{mean} [{lo}, {hi}]", "id": "{mean} [{lo}; {hi}]"},
    # summary.md: header paragraph and the warning about missing results
    "md.title": {
        "en": "# Scenario comparison against `{baseline}`",
        "id": "# Perbandingan skenario dengan skenario dasar `{baseline}`",
    },
    "md.intro": {
        "en": "{scenarios} scenarios x {replicates} replicates, {months} months from {start}. "
        "Levels are means over replicates (poverty: mean of the last 12 months; counts and "
        "spending: over the whole run, national scale). Effects are paired differences on the "
        "same replicates with 95% confidence intervals.",
        "id": "{scenarios} skenario x {replicates} replikasi, {months} bulan mulai {start}. "
        "Nilai adalah rata-rata antarreplikasi (kemiskinan: rata-rata 12 bulan terakhir; "
        "jumlah keluarga dan belanja: selama seluruh periode simulasi, skala nasional). Dampak "
        "dibandingkan skenario dasar adalah selisih berpasangan pada replikasi yang sama, "
        "dengan selang kepercayaan 95% (SK 95%). Angka ditulis dengan koma desimal dan titik "
        "sebagai pemisah ribuan.",
    },
    "md.incomplete": {
        "en": "**Incomplete sweep**, missing: {missing}.",
        "id": "**Rangkaian simulasi tidak lengkap**, hasil yang tidak ada: {missing}.",
    },
    "md.missing_job": {
        "en": "job {job} ({scenario}, replicates {replicates})",
        "id": "job {job} ({scenario}, replikasi {replicates})",
    },
    "md.missing_replicates": {
        "en": "{scenario} replicates {replicates}",
        "id": "{scenario} replikasi {replicates}",
    },
    "cli.written": {"en": "Report written to {out}", "id": "Laporan ditulis ke {out}"},
    # figures: titles, axis labels, legends
    "fig.share_of_people": {"en": "% of people", "id": "% penduduk"},
    "fig.poverty_title": {
        "en": "poverty headcount share (FGT0)",
        "id": "Tingkat kemiskinan per bulan (P0, persentase penduduk miskin)",
    },
    "fig.extreme_title": {
        "en": "extreme-poverty headcount share",
        "id": "Tingkat kemiskinan ekstrem per bulan",
    },
    "fig.graduations_ylabel": {
        "en": "thousand families per year",
        "id": "ribu keluarga per tahun",
    },
    "fig.graduations_title": {
        "en": "Graduations per year (bars) and relapses (black marks)",
        "id": "Graduasi per tahun (batang) dan keluarga kembali miskin (tanda hitam)",
    },
    "fig.graduations_bar": {"en": "{scenario}: graduations", "id": "{scenario}: graduasi"},
    "fig.survival_xlabel": {"en": "months since graduation", "id": "bulan sejak graduasi"},
    "fig.survival_ylabel": {
        "en": "% of graduates not relapsed",
        "id": "% keluarga graduasi yang tidak kembali miskin",
    },
    "fig.survival_title": {
        "en": "Relapse survival after graduation (Kaplan-Meier)",
        "id": "Keluarga graduasi yang tidak kembali miskin (Kaplan-Meier)",
    },
    "fig.spending_ylabel": {"en": "Rp trillion per year", "id": "triliun rupiah per tahun"},
    "fig.spending_programme_title": {
        "en": "Spending by programme",
        "id": "Belanja per program",
    },
    "fig.spending_agency_title": {
        "en": "Spending by agency",
        "id": "Belanja per kementerian/lembaga",
    },
    "fig.cost_ylabel": {
        "en": "Rp million per sustained graduate",
        "id": "juta rupiah per graduasi berkelanjutan",
    },
    "fig.cost_title": {
        "en": "Cost per sustained graduate (all spending / sustained graduations)",
        "id": "Biaya per graduasi berkelanjutan (seluruh belanja / graduasi berkelanjutan)",
    },
    "fig.effect_xlabel": {
        "en": "effect vs baseline ({unit})",
        "id": "dampak dibandingkan skenario dasar ({unit})",
    },
    "fig.effect_title": {
        "en": "Paired effect on {outcome}",
        "id": "Dampak berpasangan pada {outcome} (SK 95%)",
    },
    "unit.pp": {"en": "percentage points", "id": "poin persen"},
    "unit.thousand_families": {"en": "thousand families", "id": "ribu keluarga"},
    "outcome.poverty_rate": {
        "en": "poverty rate, last 12 months",
        "id": "tingkat kemiskinan, 12 bulan terakhir",
    },
    "outcome.sustained_graduations": {
        "en": "sustained",
        "id": "graduasi berkelanjutan",
    },
    # programme and agency names of the scenarios, with their full names in Indonesian
    "name.PKH": {"en": "PKH", "id": "PKH (Program Keluarga Harapan)"},
    "name.Sembako": {
        "en": "Sembako",
        "id": "Sembako (Program Sembako, Bantuan Pangan Non-Tunai)",
    },
    "name.ATENSI": {"en": "ATENSI", "id": "ATENSI (Asistensi Rehabilitasi Sosial)"},
    "name.PENA": {"en": "PENA", "id": "PENA (Pahlawan Ekonomi Nusantara)"},
    "name.PBI-JKN": {"en": "PBI-JKN", "id": "PBI-JKN (Penerima Bantuan Iuran JKN)"},
    "name.Vocational training": {
        "en": "Vocational training",
        "id": "Pelatihan vokasi",
    },
    "name.UMi credit": {"en": "UMi credit", "id": "Kredit UMi (Pembiayaan Ultra Mikro)"},
    "name.Village cash-for-work": {
        "en": "Village cash-for-work",
        "id": "Padat Karya Tunai Desa (PKTD)",
    },
    "name.Kemensos": {"en": "Kemensos", "id": "Kemensos (Kementerian Sosial)"},
    "name.Kemenkes-BPJS": {
        "en": "Kemenkes-BPJS",
        "id": "Kemenkes-BPJS (Kementerian Kesehatan, BPJS Kesehatan)",
    },
    "name.Kemnaker": {"en": "Kemnaker", "id": "Kemnaker (Kementerian Ketenagakerjaan)"},
    "name.Kemenkop-PIP": {
        "en": "Kemenkop-PIP",
        "id": "Kemenkop-PIP (Kementerian Koperasi, Pusat Investasi Pemerintah)",
    },
    "name.Kemendes": {
        "en": "Kemendes",
        "id": "Kemendes (Kementerian Desa dan Pembangunan Daerah Tertinggal)",
    },
    "name.Kemenko PM": {
        "en": "Kemenko PM",
        "id": "Kemenko PM (Kementerian Koordinator Bidang Pemberdayaan Masyarakat)",
    },
}  # fmt: skip

_MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
              "September", "Oktober", "November", "Desember")  # fmt: skip
_SWAP = str.maketrans(",.", ".,")


def text(key: str, lang: str = "en", **fields: Any) -> str:
    """Return the message ``key`` in ``lang``, its ``{placeholders}`` filled from ``fields``."""
    return MESSAGES[key][lang].format(**fields)


def full_name(item: str, lang: str = "en") -> str:
    """Return a programme's or agency's legend entry: with its full name in Indonesian.

    Names are data of the scenarios; one without a message is returned as it is.
    """
    entry = MESSAGES.get(f"name.{item}")
    return entry[lang] if entry else item


def number(formatted: str, lang: str = "en") -> str:
    """Write a number formatted in English style (``1,234.5``) in ``lang``'s style.

    Indonesian swaps the separators: decimal comma and thousands point (``1.234,5``).
    """
    return formatted.translate(_SWAP) if lang == "id" else formatted


def month_year(date: str, lang: str = "en") -> str:
    """Return the month of an ISO date: ``2025-01`` in English, ``Januari 2025`` in Indonesian."""
    if lang == "id":
        return f"{_MONTHS_ID[int(date[5:7]) - 1]} {date[:4]}"
    return date[:7]
