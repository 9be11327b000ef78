"""``python -m experiments.calibration.demography``: the demographic rates fitted to BPS's ages.

The first stage of the calibration, before :mod:`experiments.calibration` (the economy): the
households' members come from a demographic spin-up (:func:`simulation.population.spun_up`),
and PKH's components, household size and the dependency ratio all follow from it. The loss is
``sum(((model - target) / tolerance) ** 2)`` over :data:`TARGETS`, measured on the spun-up
households of fixed seeds (common random numbers); Optuna's TPE sampler, seeded, searches
:data:`PARAMETERS`, starting from the scenario's values.

The rates are effective ones: a single Gompertz curve and a fertility decline that falls
linearly over the spin-up stand in for Indonesia's history (smaller old cohorts, a fertility
transition from a TFR of about 5.6 to 2.2), so they reproduce today's structure, not a life
table.

Usage::

    python -m experiments.calibration.demography [--trials T] [--seed S] [--write] [--update-doc]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import sys
from typing import Any

import numpy as np
import optuna

from experiments.calibration.fit import Free
from experiments.calibration.targets import Target, fit_table
from experiments.calibration.writeback import write_values
from experiments.docblocks import update_block
from scenarios import SCENARIO_DIR, load_params
from simulation.params import World
from simulation.population import SPIN_SAMPLE, spun_up

__all__ = ["PARAMETERS", "TARGETS", "measure"]

_ELDERLY = (
    "BPS, Statistik Penduduk Lanjut Usia 2023 (Susenas March 2023), via niaga.asia, "
    "https://niaga.asia/penduduk-lansia-tahun-2023-mencapai-1175-persen"
)
_AGES_2020 = (
    "BPS population by age group 2020: 66.36 M aged 0-14, 187.21 M aged 15-64, 16.63 M aged "
    "65+ (kumparan, 20 Oct 2021, quoting bps.go.id)"
)

#: what the spun-up population should look like (shares of persons unless noted)
TARGETS: dict[str, Target] = {
    "growth": Target(
        0.011,
        0.002,
        "1/year",
        "BPS projection, about 1.1% a year in the 2020s (SP2020: 1.25% a year over 2010-2020)",
    ),
    "size": Target(3.8, 0.1, "persons", "mean household size, about 3.8-3.9 (BPS SP2020)"),
    "young": Target(0.2456, 0.01, "1", _AGES_2020),
    "old65": Target(0.0616, 0.005, "1", _AGES_2020),
    "old60": Target(0.1175, 0.007, "1", _ELDERLY),
    "elderly_60_69": Target(0.6359, 0.02, "1 (of 60+)", _ELDERLY),
    "elderly_70_79": Target(0.2776, 0.02, "1 (of 60+)", _ELDERLY),
    "elderly_80": Target(0.0865, 0.015, "1 (of 60+)", _ELDERLY),
    "with_elderly": Target(0.3316, 0.02, "1 (of households)", _ELDERLY),
}

#: the free demographic rates and their ranges (assumptions: wide around plausible values)
PARAMETERS: dict[str, Free] = {
    "world.demography.mortality_a": Free(2e-5, 5e-4, log=True),
    "world.demography.mortality_b": Free(0.06, 0.12),
    "world.demography.conception_hazard": Free(0.01, 0.05),
    "world.demography.leave_home_hazard": Free(0.003, 0.015, log=True),
    "world.demography.join_hazard": Free(0.002, 0.1, log=True),
    "world.demography.spinup_fertility": Free(1.0, 5.0),
}

#: what each rate means, written before the fit's provenance in the scenario file
MEANING = {
    "mortality_a": "Gompertz level of annual mortality (effective: it also stands for the "
    "smaller cohorts born before 1965)",
    "mortality_b": "Gompertz slope per year of age",
    "conception_hazard": "monthly conception probability of a couple aged 15-44 with fewer "
    "than max_children children, now",
    "leave_home_hazard": "monthly hazard of a grown child leaving to set up a household",
    "join_hazard": "monthly hazard that a person of 60 or over living alone moves in with one "
    "of their children's households (a household of the same area whose head is 15-45 years "
    "younger, with room)",
    "spinup_fertility": "conception hazard at the start of the spin-up relative to now, "
    "falling linearly to 1 (the fertility decline: BPS TFR about 5.6 in 1971 and 2.18 in the "
    "SP2020 long form; the hazard must fall more than the TFR because no household has more "
    "than max_children children)",
}

SEEDS = (1, 2)  #: spin-ups per evaluation (each of SPIN_SAMPLE / 2 households)


def measure(world: World, seeds: tuple[int, ...] = SEEDS) -> dict[str, float]:
    """Return the moments of :data:`TARGETS` of ``world``'s spun-up households, averaged."""
    rows = [_moments(*spun_up(world, SPIN_SAMPLE // len(seeds), s)) for s in seeds]
    return {k: float(np.mean([r[k] for r in rows])) for k in TARGETS}


def _moments(state: Any, growth: float) -> dict[str, float]:
    age = state.age[state.age >= 0] / 12.0
    old = age[age >= 60]
    return {
        "growth": growth, "size": float(np.mean(state.size)),
        "young": float(np.mean(age < 15)), "old65": float(np.mean(age >= 65)),
        "old60": float(np.mean(age >= 60)), "elderly_60_69": float(np.mean(old < 70)),
        "elderly_70_79": float(np.mean((old >= 70) & (old < 80))),
        "elderly_80": float(np.mean(old >= 80)),
        "with_elderly": float(np.mean(np.any(state.age >= 720, axis=1))),
    }  # fmt: skip


def _loss(moments: dict[str, float]) -> float:
    return float(sum(((moments[k] - t.value) / t.tolerance) ** 2 for k, t in TARGETS.items()))


def fit(trials: int, seed: int) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Search :data:`PARAMETERS`; return the best values and the start's and best's moments."""
    world = load_params("world_2025").world
    start = {p: float(getattr(world.demography, p.rsplit(".", 1)[1])) for p in PARAMETERS}

    def evaluate(values: dict[str, float]) -> dict[str, float]:
        rates = {p.rsplit(".", 1)[1]: v for p, v in values.items()}
        demography = dataclasses.replace(world.demography, **rates)
        return measure(dataclasses.replace(world, demography=demography))

    def objective(trial: optuna.Trial) -> float:
        values = {p: trial.suggest_float(p, f.low, f.high, log=f.log)
                  for p, f in PARAMETERS.items()}  # fmt: skip
        moments = evaluate(values)
        trial.set_user_attr("moments", moments)
        return _loss(moments)

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    study.enqueue_trial(start)
    study.optimize(objective, n_trials=trials, show_progress_bar=True)
    first, best = study.trials[0], study.best_trial
    runs = [
        {"values": start, "moments": first.user_attrs["moments"], "loss": first.value},
        {"values": best.params, "moments": best.user_attrs["moments"], "loss": best.value},
    ]
    return dict(best.params), runs


def report(runs: list[dict[str, Any]]) -> str:
    """Return the targets, the start's and the fit's moments and the rates as Markdown."""
    start, best = runs
    ranges = {p: (start["values"][p], best["values"][p], f.low, f.high)
              for p, f in PARAMETERS.items()}  # fmt: skip
    rows = fit_table(TARGETS, start["moments"], best["moments"], ranges)
    rows.append(f"\nLoss {start['loss']:.2f} at the start, {best['loss']:.2f} fitted.")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m experiments.calibration.demography", description=__doc__
    )
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", action="store_true", help="write the fitted rates back")
    parser.add_argument("--update-doc", action="store_true", help="write the report into the doc")
    args = parser.parse_args(argv)
    if args.trials < 1 or args.seed < 0:
        parser.error("--trials >= 1 and --seed >= 0")
    values, runs = fit(args.trials, args.seed)
    text = report(runs)
    print(text)
    command = (
        f"python -m experiments.calibration.demography --trials {args.trials} --seed {args.seed}"
    )
    if args.write:
        when = datetime.date.today().isoformat()
        how = (f"fitted to BPS's age structure ({command}, {when}; loss {runs[0]['loss']:.2f} "
               f"-> {runs[1]['loss']:.2f} over the targets of "
               f"experiments/calibration/demography.py: {', '.join(TARGETS)})")  # fmt: skip
        rounded = {p: round(v, 6) for p, v in values.items()}
        why = {p: f"{MEANING[p.rsplit('.', 1)[1]]}; {how}" for p in values}
        write_values(SCENARIO_DIR / "world_2025.yaml", rounded, why)
        print("fitted rates written to scenarios/world_2025.yaml")
    if args.update_doc:
        flags = (" --write" if args.write else "") + " --update-doc"
        update_block("demography-fit", f"{text}\n\n*Made by `{command}{flags}`.*")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
