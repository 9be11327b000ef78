"""The calibration's targets: what the simulated 2025 should match, with a tolerance and a source.

Each target is a moment of a ``baseline_2025`` run (BPS measures poverty with assistance in
place), named as :func:`experiments.calibration.moments.simulate` names it. The tolerance is the
distance at which a miss counts one unit in the loss (``((model - target) / tolerance) ** 2``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TARGETS", "Target", "fit_table"]


@dataclass(frozen=True)
class Target:
    """A value to match, the tolerance of a match, its units and its source."""

    value: float
    tolerance: float
    units: str
    source: str


_BPS_2025 = "BPS poverty release, March 2025 (ANTARA Jabar, 25 Jul 2025)"
_SPENDING = "the programme's 2025 budget line is spent (scenarios/baseline_2025.yaml)"

TARGETS: dict[str, Target] = {
    "headcount_2025_03": Target(0.0847, 0.005, "1", _BPS_2025),
    "headcount_2025_09": Target(
        0.0825, 0.005, "1", "BPS poverty release, September 2025 (ANTARA Sumut, 5 Feb 2026)"
    ),
    "urban_2025_03": Target(0.0673, 0.007, "1", _BPS_2025),
    "rural_2025_03": Target(0.1103, 0.007, "1", _BPS_2025),
    "extreme_2025_03": Target(
        0.0085, 0.003, "1", "BPS extreme poverty (new series), March 2025 (Tempo, Jan 2025)"
    ),
    "gini_2025_03": Target(0.375, 0.02, "1", "BPS Gini ratio, March 2025"),
    "bottom40_2025_03": Target(
        0.1865, 0.01, "1", "BPS bottom-40 expenditure share, March 2025 (Kontan)"
    ),
    "poor_household_size": Target(4.72, 0.3, "persons", "BPS, poor households, March 2025"),
    "poverty_exit_1y": Target(
        0.475,
        0.05,
        "1/year",
        "exit 0.45-0.50 a year among the poor (Susenas panel 2005-07, Dartanto & Nurkholis "
        "2013, BIES 49(1); two-state Markov derivation of the fact sheet)",
    ),
    "poverty_entry_1y": Target(
        0.0425,
        0.0075,
        "1/year",
        "entry 0.035-0.05 a year among the non-poor (same sources)",
    ),
    "still_poor_2y": Target(
        0.28,
        0.08,
        "1",
        "28% of 2005-poor households still poor in 2007 (Dartanto & Nurkholis 2013)",
    ),
    "pkh_families": Target(
        10.0e6, 1.0e6, "households", "PKH: 10 M families in 2025 (RAPBN 2025, Databoks)"
    ),
    "sembako_families": Target(
        18.8e6, 1.88e6, "households", "Sembako: 18.8 M families (RAPBN 2025, Databoks)"
    ),
    "pbi_persons": Target(
        96.8e6, 9.68e6, "persons", "PBI-JKN: 96.8 M people (Health Minister at DPR, 2025)"
    ),
    "pkh_spent_share": Target(1.0, 0.1, "1", _SPENDING),
    "sembako_spent_share": Target(1.0, 0.1, "1", _SPENDING),
    "pbi_spent_share": Target(1.0, 0.1, "1", _SPENDING),
    "natural_exit_rate": Target(
        0.084,
        0.03,
        "1/year",
        "natural PKH graduations: 837,531 of about 10 M KPM by 30 Nov 2020 (Kemensos EN)",
    ),
    "empowerment_graduations_2025": Target(
        77_000.0,
        40_000.0,
        "households",
        "about 77,000 empowerment graduations in 2025 (ANTARA, Dec 2025); a single "
        "administrative count of a programme of about 100,000 places, so the order of magnitude "
        "is the target: 37-117 k counts as a match",
    ),
}


def fit_table(
    targets: dict[str, Target],
    start: dict[str, float],
    fitted: dict[str, float],
    parameters: dict[str, tuple[float, float, float, float]],
) -> list[str]:
    """Return Markdown rows: each target against the start's and the fit's moments.

    Then each parameter, given as ``(start, fitted, low, high)``.
    """
    rows = ["| target | value | tolerance | start | fitted | within | source |",
            "|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, t in targets.items():
        a, b = start[name], fitted[name]
        met = "yes" if abs(b - t.value) <= t.tolerance else "no"
        rows.append(f"| `{name}` | {t.value:.4g} | {t.tolerance:.3g} | {a:.4g} | {b:.4g} | {met} "
                    f"| {t.source} |")  # fmt: skip
    rows += ["", "| parameter | start | fitted | range |", "|---|---|---|---|"]
    for path, (a, b, low, high) in parameters.items():
        rows.append(f"| `{path}` | {a:.4g} | {b:.4g} | [{low:.4g}, {high:.4g}] |")
    return rows
