"""A randomised trial of a graduation package, emulated inside the simulated 2025.

In each replicate the model of ``scenarios/graduation_rct.yaml`` (the 2025 baseline plus a
BRAC-style package run by a trial implementer) is built and its burn-in run. The sample is the
ultra-poor households of January 2025: the poorest persons' decile of consumption per capita,
with a working-age member and a head younger than the package's age limit. Each is assigned to
the treatment arm with probability one half (stream ``trial``); only treated households may
enrol in the package, which they do in the first month. Every household then lives the same
simulated world: the control arm gets what the 2025 programmes give. Effects are differences of
means between the arms (pooled over replicates), with Welch 95% intervals, on consumption per
capita and on productive assets at 24 and 36 months, as the trials measure them (Banerjee et al.
2015: endlines at about 24 and 36 months after the asset transfer).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats
from tqdm.auto import tqdm

from scenarios import load_params
from simulation import GraduationModel
from simulation.metrics import weighted_deciles
from simulation.params import Params

__all__ = [
    "SCENARIO", "Arms", "AssetCurve", "Effect", "asset_curve", "effect", "run_trial",
    "trial_params",
]  # fmt: skip

SCENARIO = "graduation_rct"
TRIAL = "Graduation trial"
ENDLINES = (24, 36)  #: months after the transfer at which outcomes are measured


@dataclass
class Arms:
    """Outcomes of the trial's households, pooled over replicates.

    ``treated`` is True for the treatment arm; ``consumption`` and ``assets`` map a month after
    the transfer (0 = baseline) to one value per sample household (Rp/capita/month and Rp;
    NaN once another household has taken its row: attrition). ``assets_now`` and
    ``assets_next`` are the productive assets of every household of the simulated world a year
    apart (months 24 and 36; NaN if the household left the sample), for the asset curve.
    """

    treated: NDArray[np.bool_]
    consumption: dict[int, NDArray[np.float64]]
    assets: dict[int, NDArray[np.float64]]
    assets_now: NDArray[np.float64]
    assets_next: NDArray[np.float64]
    take_up: float  #: share of the treatment arm that received the package


@dataclass
class Effect:
    """A difference of means between the arms, absolute and as a share of the control mean."""

    outcome: str
    month: int
    control_mean: float
    difference: float
    low: float
    high: float
    p_value: float

    @property
    def percent(self) -> tuple[float, float, float]:
        """The difference and its interval as percentages of the control mean."""
        scale = 100.0 / self.control_mean
        return self.difference * scale, self.low * scale, self.high * scale


def trial_params(households: int) -> Params:
    """Return the trial's scenario at ``households`` households, run to the last endline."""
    return load_params(
        SCENARIO,
        {"world.population.households": households, "run.months": max(ENDLINES) + 1},
    )


def _sample(model: GraduationModel, max_head_age: float) -> NDArray[np.bool_]:
    """Return the ultra-poor before the trial.

    They are the poorest decile of persons, with an earner and a head of the package's age.
    """
    hh = model.households
    decile = weighted_deciles(hh.consumption_pc, hh.size.astype(np.float64))
    head = hh.age[:, 0].view(np.uint16)  # an empty slot (-1) wraps high
    out: NDArray[np.bool_] = (decile == 1) & (model.composition.workers > 0)
    out &= head < max_head_age * 12
    return out


def _replicate(params: Params, replicate: int) -> Arms:
    model = GraduationModel(params, replicate=replicate)
    assert model.runtime is not None
    trial = next(p for p in model.runtime.programmes if p.spec.name == TRIAL)
    sample = _sample(model, trial.spec.rules.max_head_age)  # type: ignore[attr-defined]
    u = model.streams.generator("trial").random(model.households.n)
    treated = sample & (u < 0.5)
    trial.only, trial.capacity = treated.copy(), int(treated.sum())  # the runtime may change it
    idx = np.flatnonzero(sample)
    hh = model.households
    born_at_start = hh.formed.copy()
    formed = born_at_start[idx]  # a row another household took has left the panel
    consumption, assets = {0: hh.consumption_pc[idx].copy()}, {0: hh.assets[idx].copy()}
    for month in range(1, max(ENDLINES) + 1):
        model.step()
        if month in ENDLINES:
            gone = hh.formed[idx] != formed
            consumption[month] = np.where(gone, np.nan, hh.consumption_pc[idx])
            assets[month] = np.where(gone, np.nan, hh.assets[idx])
            if month == ENDLINES[0]:
                now, born = hh.assets.copy(), hh.formed.copy()
    kept = treated & (hh.formed == born_at_start)  # the treated still in the panel
    take_up = float(trial.ever[kept].mean()) if kept.any() else float("nan")
    later = np.where(hh.formed == born, hh.assets, np.nan)  # the same households a year on
    return Arms(treated[idx], consumption, assets, now, later, take_up)


def run_trial(households: int, replicates: int, *, progress: bool = True) -> Arms:
    """Run the trial in ``replicates`` replicates of a world of ``households`` households."""
    params = trial_params(households)
    reps = tqdm(range(replicates), desc="trial replicates", disable=not progress)
    parts = [_replicate(params, r) for r in reps]
    return Arms(
        np.concatenate([a.treated for a in parts]),
        {m: np.concatenate([a.consumption[m] for a in parts]) for m in (0, *ENDLINES)},
        {m: np.concatenate([a.assets[m] for a in parts]) for m in (0, *ENDLINES)},
        np.concatenate([a.assets_now for a in parts]),
        np.concatenate([a.assets_next for a in parts]),
        float(np.mean([a.take_up for a in parts])),
    )


def effect(arms: Arms, outcome: str, month: int, level: float = 0.95) -> Effect:
    """Difference of means (treatment minus control) with a Welch interval."""
    values = getattr(arms, outcome)[month]
    t, c = values[arms.treated], values[~arms.treated]
    t, c = t[~np.isnan(t)], c[~np.isnan(c)]  # households still in the panel
    test = stats.ttest_ind(t, c, equal_var=False)
    ci = test.confidence_interval(level)
    return Effect(outcome, month, float(c.mean()), float(t.mean() - c.mean()),
                  float(ci.low), float(ci.high), float(test.pvalue))  # fmt: skip


@dataclass
class AssetCurve:
    """Assets a year later against assets now, estimated from simulated households.

    ``now`` are bin centres (Rp), ``next`` the mean assets a year later of the households in
    each bin, ``count`` how many; ``crossings`` the asset levels where ``next - now`` changes
    sign, with ``stable`` True where it falls through zero (a steady state) and False where it
    rises through it (an unstable threshold: below it assets shrink, above it they grow).
    """

    now: NDArray[np.float64]
    next: NDArray[np.float64]
    count: NDArray[np.int64]
    crossings: NDArray[np.float64]
    stable: NDArray[np.bool_]

    @property
    def thresholds(self) -> NDArray[np.float64]:
        """The unstable crossings: the poverty-trap thresholds found."""
        out: NDArray[np.float64] = self.crossings[~self.stable]
        return out


def asset_curve(
    now: NDArray[np.float64], next_: NDArray[np.float64], bins: int = 40, floor: float = 1e5
) -> AssetCurve:
    """Bin households by assets now (log-spaced bins above ``floor`` Rp) and average a year on.

    Bins with fewer than 30 households are dropped; crossings of ``next - now`` through zero
    are located by linear interpolation between bin centres.
    """
    keep = (now >= floor) & ~np.isnan(next_)
    edges = np.geomspace(floor, max(float(now[keep].max()), floor * 2), bins + 1)
    which = np.clip(np.searchsorted(edges, now[keep], side="right") - 1, 0, bins - 1)
    count = np.bincount(which, minlength=bins)
    total_now = np.bincount(which, weights=now[keep], minlength=bins)
    total_next = np.bincount(which, weights=next_[keep], minlength=bins)
    ok = count >= 30
    x, y = total_now[ok] / count[ok], total_next[ok] / count[ok]
    gap = y - x
    change = np.flatnonzero(np.sign(gap[:-1]) != np.sign(gap[1:]))
    w = gap[change] / (gap[change] - gap[change + 1])
    crossings = x[change] + w * (x[change + 1] - x[change])
    return AssetCurve(x, y, count[ok].astype(np.int64), crossings, gap[change] > 0)
