"""Empowerment programmes: graduation packages, vocational training, ultra-micro credit.

Package (PENA, BRAC-style): at enrolment a productive asset grant and training (skill rises by
``skill_gain``); the grant becomes a lasting productive asset with probability
``p = success_base + success_skill * ln(skill) + complementarity * k`` (clipped to [0, 1]),
where ``k`` counts the household's complementary programmes (training, credit); otherwise it
is kept as savings and consumed. During ``coaching_months`` the household faces a poverty-trap
threshold lower by ``coaching_threshold_cut`` and receives ``consumption_support`` for the
first ``support_months``.

Training: ``course_months`` of a course; on completion skill rises by ``skill_gain``.

Credit (UMi): a loan invested in productive assets, repaid as an annuity
``pay = L * r / (1 - (1 + r)**-T)`` from savings; a household that cannot pay adds interest to
its debt, and after ``default_after`` missed payments in a row defaults (debt written off, a
share ``loss_cost_share`` of it charged to the budget while money is left).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from simulation.programmes import B1, F8, ProgrammeRuntime

__all__ = ["Credit", "Package", "Training"]


class Package(ProgrammeRuntime):
    """Graduation package for active bansos families of productive age with a worker."""

    def eligible_extra(self, month: int) -> B1:
        assert self.spec.package is not None
        hh = self.rt.model.households
        head = hh.age[:, 0].view(np.uint16)  # an empty slot (-1) wraps high
        ok = head < self.spec.package.max_head_age * 12
        ok &= self.rt.has_worker()
        ok &= self.rt.is_kpm()
        ok &= ~self.ever
        return ok

    def one_off_cost(self) -> float:
        assert self.spec.package is not None
        return self.spec.package.asset_grant

    def monthly_cost(self, month: int, idx: NDArray[np.intp]) -> float:
        assert self.spec.package is not None
        r = self.spec.package
        return r.coaching_cost + r.consumption_support

    def on_enrol(self, idx: NDArray[np.intp], month: int) -> None:
        assert self.spec.package is not None
        r, hh = self.spec.package, self.rt.model.households
        u = self.rt.draw("package", month)[idx]
        k = self.rt.complementary(idx)
        p = r.success_base + r.success_skill * np.log(hh.skill[idx])
        p = np.clip(p + self.rt.model.params.policy.collaboration.complementarity * k, 0.0, 1.0)
        ok = u < p
        hh.assets[idx[ok]] += r.asset_grant
        hh.savings[idx[~ok]] += r.asset_grant
        hh.skill[idx] *= 1.0 + r.skill_gain
        self.rt.tracker.had_package[idx] = True
        self.rt.tracker.package_success[idx] = ok

    def completes(self, month: int, idx: NDArray[np.intp]) -> B1:
        assert self.spec.package is not None
        return self.months_in(month, idx) >= self.spec.package.coaching_months

    def due(self, month: int, idx: NDArray[np.intp]) -> F8:
        assert self.spec.package is not None
        r = self.spec.package
        months = self.months_in(month, idx)
        support = np.where(months < r.support_months, r.consumption_support, 0.0)
        return r.coaching_cost + support

    def apply(self, idx: NDArray[np.intp], due: F8 | float) -> None:
        assert self.spec.package is not None
        r, model = self.spec.package, self.rt.model
        model.households.transfer_income[idx] += np.maximum(np.asarray(due) - r.coaching_cost, 0.0)
        cut = model.params.world.assets.threshold * (1.0 - r.coaching_threshold_cut)
        self.rt.env.threshold[idx] = np.minimum(self.rt.env.threshold[idx], cut)


class Training(ProgrammeRuntime):
    """Vocational training for households with a working-age member."""

    def eligible_extra(self, month: int) -> B1:
        return self.rt.has_worker() & ~self.ever

    def monthly_cost(self, month: int, idx: NDArray[np.intp]) -> float:
        assert self.spec.training is not None
        return self.spec.training.cost

    def completes(self, month: int, idx: NDArray[np.intp]) -> B1:
        assert self.spec.training is not None
        return self.months_in(month, idx) >= self.spec.training.course_months

    def on_complete(self, idx: NDArray[np.intp]) -> None:
        assert self.spec.training is not None
        self.rt.model.households.skill[idx] *= 1.0 + self.spec.training.skill_gain

    def due(self, month: int, idx: NDArray[np.intp]) -> F8 | float:
        return self.monthly_cost(month, idx)


class Credit(ProgrammeRuntime):
    """Ultra-micro loans to households with a worker and no outstanding debt."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.missed = np.zeros(self.rt.n, dtype=np.int16)
        self.defaulted = np.zeros(self.rt.n, dtype=bool)
        self.repaid = 0.0  # Rp repaid this month (sample)
        self.defaults = 0  # households defaulting this month

    @property
    def instalment(self) -> float:
        """Monthly annuity payment (Rp)."""
        assert self.spec.credit is not None
        c = self.spec.credit
        if c.interest == 0:
            return c.loan / c.term_months
        return c.loan * c.interest / (1.0 - (1.0 + c.interest) ** -c.term_months)

    def eligible_extra(self, month: int) -> B1:
        hh = self.rt.model.households
        return self.rt.has_worker() & (hh.debt <= 0) & ~self.defaulted

    def one_off_cost(self) -> float:
        assert self.spec.credit is not None
        return self.spec.credit.loan

    def monthly_cost(self, month: int, idx: NDArray[np.intp]) -> float:
        return 0.0

    def on_enrol(self, idx: NDArray[np.intp], month: int) -> None:
        assert self.spec.credit is not None
        hh = self.rt.model.households
        hh.assets[idx] += self.spec.credit.loan
        hh.debt[idx] += self.spec.credit.loan
        self.missed[idx] = 0

    def before(self, month: int, members: NDArray[np.intp]) -> None:
        """Collect instalments from savings and settle defaults."""
        self.repaid, self.defaults = 0.0, 0
        owing = members[self.since[members] < month]
        if owing.size == 0:
            return
        assert self.spec.credit is not None
        c, hh = self.spec.credit, self.rt.model.households
        debt = hh.debt[owing] * (1.0 + c.interest)
        pay = np.minimum(self.instalment, debt)
        can = hh.savings[owing] >= pay
        paying = owing[can]
        hh.savings[paying] -= pay[can]
        debt[can] -= pay[can]
        self.repaid = float(pay[can].sum())
        self.missed[paying] = 0
        self.missed[owing[~can]] += 1
        default = self.missed[owing] >= c.default_after
        if default.any():
            loss = min(float(debt[default].sum()) * c.loss_cost_share, self.ledger.remaining)
            self.ledger.spend(loss)
            self.paid += loss
            debt[default] = 0.0
            self.defaulted[owing[default]] = True
            self.defaults = int(default.sum())
        hh.debt[owing] = np.maximum(debt, 0.0)

    def completes(self, month: int, idx: NDArray[np.intp]) -> B1:
        hh = self.rt.model.households
        done: B1 = (hh.debt[idx] <= 1e-6) | self.defaulted[idx]
        return done

    def due(self, month: int, idx: NDArray[np.intp]) -> float:
        return 0.0
