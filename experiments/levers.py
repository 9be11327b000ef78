"""Decomposition of the collaboration levers: each lever's paired effect, with intervals.

Each row switches one lever of ``full_synergy`` on in the 2025 baseline (the shared registry and
contributors, already on in the baseline, are switched off instead, and the effect is that of
having them); the last row is ``full_synergy`` itself. Every run uses the same replicates
(common random numbers), so each effect is the mean of paired differences from the baseline,
with a Student-t 95% interval over replicates. Outcomes: poverty and extreme poverty (means of
the last 12 months, percentage points), relapse within 24 months (share of graduates, points),
and sustained graduations over the run (thousand families).

Usage::

    python -m experiments.levers [--households N] [--replicates R] [--update-doc]

``--update-doc`` writes the table into ``docs/model.md`` between its ``levers:begin`` and
``levers:end`` markers (the table there comes from this script).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import xarray as xr
from tqdm.auto import tqdm

from experiments.docblocks import DOC, update_block
from scenarios import load_params
from simulation import run
from simulation.compare import HEADLINES, paired_effects
from simulation.params import Params

BASELINE, FULL = "baseline_2025", "full_synergy"


def _programmes_from_full(names: set[str]) -> Callable[[Params, Params], Params]:
    """Return a lever taking programmes ``names`` as ``full_synergy`` defines them."""

    def apply(base: Params, full: Params) -> Params:
        theirs = {p.name: p for p in full.policy.programmes if p.name in names}
        progs = [theirs.pop(p.name, p) for p in base.policy.programmes] + list(theirs.values())
        return replace(base, policy=replace(base.policy, programmes=tuple(progs)))

    return apply


def _collaboration(**levers: Any) -> Callable[[Params, Params], Params]:
    def apply(base: Params, full: Params) -> Params:
        collab = replace(base.policy.collaboration, **levers)
        return replace(base, policy=replace(base.policy, collaboration=collab))

    return apply


def _from_full(*names: str) -> Callable[[Params, Params], Params]:
    """Return a lever taking collaboration fields ``names`` as ``full_synergy`` sets them."""

    def apply(base: Params, full: Params) -> Params:
        values = {n: getattr(full.policy.collaboration, n) for n in names}
        return _collaboration(**values)(base, full)

    return apply


RECEIVERS = {"PENA", "Vocational training", "UMi credit", "Village cash-for-work"}


def _referral(base: Params, full: Params) -> Params:
    """Referral: Kemensos refers, and the receiving programmes reserve their quotas."""
    out = _from_full("referral_rate", "referral_delay")(base, full)
    return _programmes_from_full(RECEIVERS)(out, full)


#: lever -> (how to switch it, whether the effect is of having it on in the baseline already)
LEVERS: dict[str, tuple[Callable[[Params, Params], Params], bool]] = {
    "shared registry": (_collaboration(shared_registry=False), True),
    "contributors": (_collaboration(mentoring_boost=0.0, hiring_boost=0.0), True),
    "referral": (_referral, False),
    "joint targeting": (_from_full("joint_targeting"), False),
    "duplication avoidance": (_from_full("duplication_avoidance"), False),
    "coordination overhead": (_from_full("overhead"), False),
    "graduate follow-up": (_programmes_from_full({"Graduate follow-up"}), False),
    "all levers (full_synergy)": (lambda base, full: full, False),
}

#: outcome -> (headline of simulation.compare, scale, column title)
OUTCOMES = {
    "poverty_rate": (100.0, "poverty (pp)"),
    "extreme_poverty_rate": (100.0, "extreme poverty (pp)"),
    "relapse_rate_24": (100.0, "relapse within 24 months (pp)"),
    "sustained_graduations": (1e-3, "sustained graduations (thousand)"),
}


def lever_effects(households: int, replicates: int, *, progress: bool = True) -> xr.Dataset:
    """Run the baseline and every lever on the same replicates; return their paired effects.

    Returns ``effect_mean``, ``effect_lo`` and ``effect_hi`` with dims ``(lever, outcome)``.
    """
    size = {"world.population.households": households, "run.replicates": replicates}
    base, full = load_params(BASELINE, size), load_params(FULL, size)
    runs = {"baseline": base} | {name: how(base, full) for name, (how, _) in LEVERS.items()}
    needed = [HEADLINES[o][0] for o in OUTCOMES]  # programmes differ between the runs
    parts = [
        run(p)[needed].expand_dims(scenario=[name])
        for name, p in tqdm(runs.items(), desc="levers", disable=not progress)
    ]
    ds = xr.concat(parts, dim="scenario", combine_attrs="override", data_vars="all")
    eff = paired_effects(ds, "baseline").sel(scenario=list(LEVERS), outcome=list(OUTCOMES))
    flip = xr.DataArray([-1.0 if LEVERS[n][1] else 1.0 for n in LEVERS], dims="scenario",
                        coords={"scenario": list(LEVERS)})  # fmt: skip
    mean, lo, hi = (eff[f"effect_{s}"] * flip for s in ("mean", "lo", "hi"))
    lo, hi = xr.where(flip > 0, lo, hi), xr.where(flip > 0, hi, lo)
    out = xr.Dataset({"effect_mean": mean, "effect_lo": lo, "effect_hi": hi})
    out = out.rename(scenario="lever")
    out.attrs.update(households=households, replicates=replicates)
    return out


def table(eff: xr.Dataset) -> str:
    """Return the effects as a Markdown table: mean [95% interval], one row per lever."""
    head = "| lever | " + " | ".join(title for _, title in OUTCOMES.values()) + " |"
    lines = [head, "|---" * (len(OUTCOMES) + 1) + "|"]
    for lever in eff.lever.values:
        cells = []
        for outcome, (scale, _) in OUTCOMES.items():
            m, lo, hi = (scale * float(eff[f"effect_{s}"].sel(lever=lever, outcome=outcome))
                         for s in ("mean", "lo", "hi"))  # fmt: skip
            digits = 1 if outcome == "sustained_graduations" else 2
            cells.append(f"{m:+.{digits}f} [{lo:+.{digits}f}, {hi:+.{digits}f}]")
        lines.append(f"| {lever} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments.levers", description=__doc__)
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--replicates", type=int, default=8)
    parser.add_argument("--update-doc", action="store_true", help="write the table into docs")
    args = parser.parse_args(argv)
    if args.households < 1 or args.replicates < 2:
        parser.error("--households must be >= 1 and --replicates >= 2 (intervals need two)")
    eff = lever_effects(args.households, args.replicates)
    text = table(eff)
    note = (f"\n\n{args.households:,} households, {args.replicates} replicates, seed of "
            f"`world_2025.yaml`; `python -m experiments.levers --households {args.households} "
            f"--replicates {args.replicates} --update-doc`.")  # fmt: skip
    print(text + note)
    if args.update_doc:
        update_block("levers", text + note, DOC)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
