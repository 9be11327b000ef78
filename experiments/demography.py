"""The long-run demography of the world without programmes: growth, household size and ages.

Steps ``world_2025`` (the counterfactual world: demography is the same in every scenario) for
``--years`` years and reports, every five years: the yearly growth of real persons (the
household weight times the sample's persons) over the five years before, the mean household
size, the share of one-person households, the age structure (0-14, 15-64, 65+), the households
set up and dissolved per year (% of households) and the poverty headcount.

Usage::

    python -m experiments.demography [--households N] [--years Y] [--seed S] [--update-doc]

``--update-doc`` writes the table into ``docs/model.md`` (block ``demography``).
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from tqdm.auto import tqdm

from experiments.docblocks import update_block
from scenarios import load_params
from simulation import GraduationModel

__all__ = ["COLUMNS", "long_run", "table"]

#: columns of each row of :func:`long_run`: name and heading
COLUMNS = {
    "year": "year",
    "growth": "persons growth (%/year)",
    "size": "mean household size",
    "alone": "one-person households (%)",
    "young": "aged 0-14 (%)",
    "working": "aged 15-64 (%)",
    "old": "aged 65+ (%)",
    "formed": "households set up (%/year)",
    "dissolved": "households dissolved (%/year)",
    "poor": "poverty headcount (%)",
}


def long_run(
    households: int = 20_000, years: int = 30, seed: int = 0, every: int = 5
) -> list[dict[str, float]]:
    """Run the world without programmes and describe its population every ``every`` years."""
    months = 12 * years
    params = load_params(
        "world_2025",
        {"world.population.households": households, "run.months": months, "run.seed": seed},
    )
    model = GraduationModel(params)
    rows = [_describe(model, 0, float("nan"), (0, 0), every)]
    persons = model.weight * float(model.households.size.sum())
    flows = [0, 0]
    for month in tqdm(range(months), desc="months", leave=False):
        model.step()
        assert model.renewal is not None
        flows[0] += model.renewal.formed
        flows[1] += model.renewal.dissolved
        if (month + 1) % (12 * every) == 0:
            now = model.weight * float(model.households.size.sum())
            growth = (now / persons) ** (1 / every) - 1
            rows.append(_describe(model, (month + 1) // 12, growth, flows, every))
            persons, flows = now, [0, 0]
    return rows


def _describe(
    model: GraduationModel, year: int, growth: float, flows: tuple[int, int] | list[int], every: int
) -> dict[str, float]:
    hh = model.households
    age = hh.age[hh.age >= 0] / 12.0
    per_year = 100.0 / (hh.n * every)
    return {
        "year": year,
        "growth": 100 * growth,
        "size": float(np.mean(hh.size)),
        "alone": 100 * float(np.mean(hh.size == 1)),
        "young": 100 * float(np.mean(age < 15)),
        "working": 100 * float(np.mean((age >= 15) & (age < 65))),
        "old": 100 * float(np.mean(age >= 65)),
        "formed": flows[0] * per_year if year else float("nan"),
        "dissolved": flows[1] * per_year if year else float("nan"),
        "poor": 100 * float(np.average(hh.poor, weights=hh.size)),
    }


def table(rows: list[dict[str, float]]) -> str:
    """Markdown table of :func:`long_run`'s rows."""
    lines = ["| " + " | ".join(COLUMNS.values()) + " |", "|---" * len(COLUMNS) + "|"]
    for row in rows:
        cells = [f"{row['year']:.0f}"]
        cells += ["" if np.isnan(row[k]) else f"{row[k]:.2f}" for k in list(COLUMNS)[1:]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--update-doc", action="store_true")
    args = parser.parse_args(argv)
    text = table(long_run(args.households, args.years, args.seed))
    text += (
        f"\n\n*{args.households:,} households, seed {args.seed}: "
        f"`python -m experiments.demography --households {args.households} "
        f"--years {args.years} --update-doc`.*"
    )
    print(text)
    if args.update_doc:
        update_block("demography", text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
