"""A graduation package (PENA, BRAC-style): asset grant, training, coaching, consumption support.

At enrolment a productive asset grant and training (skill rises by ``skill_gain``); the grant
becomes a lasting productive asset with probability
``p = success_base + success_skill * ln(skill) + complementarity * k`` (clipped to [0, 1]),
where ``k`` counts the household's complementary programmes (training, credit); otherwise it
is kept as savings and consumed. During ``coaching_months`` the household faces a poverty-trap
threshold lower by ``coaching_threshold_cut`` and receives ``consumption_support`` for the
first ``support_months``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from simulation.policy.programmes.base import B1, F8, Kind, ProgrammeRules, ProgrammeRuntime
from simulation.schema import MONEY_MONTH, MONEY_STOCK, spec

if TYPE_CHECKING:
    from simulation.policy.month import PolicyMonth

__all__ = ["KIND", "Package", "PackageRules"]


@dataclass(frozen=True)
class PackageRules(ProgrammeRules):
    """A graduation package (PENA, BRAC-style): grant, training, coaching, consumption support."""

    asset_grant: float = spec("Rp", "productive asset grant", ge=0, le=MONEY_STOCK)
    skill_gain: float = spec("1", "relative rise of skill from the training", ge=0, le=2)
    coaching_months: int = spec("months", "months of coaching (length of enrolment)", ge=1, le=120)
    coaching_cost: float = spec("Rp/household/month", "cost of coaching", ge=0, le=MONEY_MONTH)
    coaching_threshold_cut: float = spec(
        "1", "coached households face a threshold lower by this share", ge=0, lt=1
    )
    consumption_support: float = spec(
        "Rp/household/month", "consumption support", ge=0, le=MONEY_MONTH
    )
    support_months: int = spec("months", "months of consumption support", ge=0, le=120)
    success_base: float = spec("1", "chance the grant becomes a lasting asset", ge=0, le=1)
    success_skill: float = spec("1/log-skill", "added chance per log-point of skill", ge=0, le=1)
    max_head_age: float = spec("years", "oldest eligible head (productive age)", gt=0, le=120)
    kpm_only: bool = spec("-", "offered to bansos families (and referred graduates) only")


class Package(ProgrammeRuntime):
    """Graduation package for bansos families (or referred graduates) of productive age.

    Eligible: with ``kpm_only`` (PENA), a KPM now or a graduate Kemensos has referred to Kemenko
    PM (the hand-over of graduates for follow-up empowerment); head of productive age; an
    earner; never had one.
    With joint targeting, the partner agencies sign the family up for their training and
    credit at enrolment (their room and budget permitting), before the grant's success is
    drawn, so complementarity counts them.
    """

    rules: PackageRules

    def eligible_extra(self, ctx: PolicyMonth) -> B1:
        head = ctx.households.age[:, 0].view(np.uint16)  # an empty slot (-1) wraps high
        ok = head < self.rules.max_head_age * 12
        ok &= ctx.has_worker()
        if self.rules.kpm_only:
            kpm = ctx.is_kpm()
            ok &= (kpm | ctx.targeting.referred(ctx.month)) if ctx.tracker.any_referred else kpm
        ok &= ~self.ever
        return ok

    def one_off_cost(self) -> float:
        return self.rules.asset_grant

    def monthly_cost(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> float:
        return self.rules.coaching_cost + self.rules.consumption_support

    def on_enrol(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> None:
        r, hh = self.rules, ctx.households
        if ctx.collaboration.joint_targeting:
            ctx.join(idx)
        u = ctx.draw("package")[idx]
        k = ctx.complementary(idx)
        p = r.success_base + r.success_skill * np.log(hh.skill[idx])
        p = np.clip(p + ctx.collaboration.complementarity * k, 0.0, 1.0)
        ok = u < p
        hh.assets[idx[ok]] += r.asset_grant
        hh.savings[idx[~ok]] += r.asset_grant
        hh.skill[idx] *= 1.0 + r.skill_gain
        ctx.tracker.had_package[idx] = True
        ctx.tracker.package_success[idx] = ok

    def completes(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> B1:
        return self.months_in(ctx, idx) >= self.rules.coaching_months

    def due(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> F8:
        r = self.rules
        months = self.months_in(ctx, idx)
        support = np.where(months < r.support_months, r.consumption_support, 0.0)
        return r.coaching_cost + support

    def apply(self, ctx: PolicyMonth, idx: NDArray[np.intp], due: F8 | float) -> None:
        r, env = self.rules, ctx.env
        ctx.households.transfer_income[idx] += np.maximum(np.asarray(due) - r.coaching_cost, 0.0)
        cut = ctx.world.assets.threshold * (1.0 - r.coaching_threshold_cut)
        env.threshold[idx] = np.minimum(env.threshold[idx], cut)


KIND = Kind("package", PackageRules, Package, function="empowerment")
