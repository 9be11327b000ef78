"""Ultra-micro credit (UMi): a business loan, repaid as an annuity, or defaulted.

A share ``fixed_share`` of the loan ``L`` buys productive assets (which then follow the
poverty-trap dynamics); the rest is working capital (stock, inputs) that earns the enterprise
return while it is held and pays back its share of the principal as the loan amortises. Each
month after the first the annuity ``P = L * r / (1 - (1 + r)**-T)`` falls due on the debt
``D``: interest ``r * D`` and principal ``P - r * D``; the working capital pays
``(1 - fixed_share)`` of the principal (the stock is sold down by as much), savings pay the
interest and the rest. A household whose savings fall short misses the payment (the interest
stays on the debt, the stock is kept) and after
``default_after`` missed payments in a row defaults: the debt and the working capital are
written off, a share ``loss_cost_share`` of the debt is charged to the budget while money is
left, and the household is never lent to again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from simulation.policy.programmes.base import B1, Kind, ProgrammeRules, ProgrammeRuntime
from simulation.schema import MONEY_STOCK, spec

if TYPE_CHECKING:
    from simulation.policy.month import PolicyMonth
    from simulation.policy.schema import Programme

__all__ = ["KIND", "REPAID", "Credit", "CreditRules"]

#: a debt at or below this is repaid (the annuity leaves rounding behind) (Rp)
REPAID = 1e-6


@dataclass(frozen=True)
class CreditRules(ProgrammeRules):
    """Ultra-micro credit (UMi): a loan invested in assets, repaid as an annuity, or defaulted."""

    loan: float = spec("Rp", "loan size", gt=0, le=MONEY_STOCK)
    fixed_share: float = spec(
        "1", "share of the loan invested in fixed productive assets", ge=0, le=1
    )
    interest: float = spec("1/month", "monthly interest rate", ge=0, le=0.2)
    term_months: int = spec("months", "repayment term", ge=1, le=120)
    default_after: int = spec("months", "missed payments in a row before default", ge=1, le=24)
    loss_cost_share: float = spec(
        "1", "share of a defaulted balance the budget bears (guarantee)", ge=0, le=1
    )


class Credit(ProgrammeRuntime):
    """Ultra-micro business loans to households with a worker and no outstanding debt."""

    FRESH: ClassVar[dict[str, Any]] = ProgrammeRuntime.FRESH | {
        "missed": 0, "defaulted": False, "stock": 0.0,
    }  # fmt: skip

    rules: CreditRules

    def __init__(self, spec: Programme, kind: Kind, n: int, weight: float) -> None:
        super().__init__(spec, kind, n, weight)
        self.missed = np.zeros(n, dtype=np.int16)
        self.defaulted = np.zeros(n, dtype=bool)
        self.stock = np.zeros(n)  # working capital still held (Rp)
        self.repaid = 0.0  # Rp repaid this month (sample)
        self.defaults = 0  # households defaulting this month

    @property
    def instalment(self) -> float:
        """Monthly annuity payment (Rp)."""
        c = self.rules
        if c.interest == 0:
            return c.loan / c.term_months
        return c.loan * c.interest / (1.0 - (1.0 + c.interest) ** -c.term_months)

    def eligible_extra(self, ctx: PolicyMonth) -> B1:
        return ctx.has_worker() & (ctx.households.debt <= 0) & ~self.defaulted

    def one_off_cost(self) -> float:
        return self.rules.loan

    def monthly_cost(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> float:
        return 0.0

    def on_enrol(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> None:
        hh, r = ctx.households, self.rules
        hh.assets[idx] += r.fixed_share * r.loan
        hh.debt[idx] += r.loan
        self.missed[idx] = 0
        self.stock[idx] = (1.0 - r.fixed_share) * r.loan
        ctx.env.hold_working_capital(idx, self.stock[idx])

    def before(self, ctx: PolicyMonth, members: NDArray[np.intp]) -> None:
        """Collect instalments (working capital, then savings), settle defaults, hold the stock."""
        self.repaid, self.defaults = 0.0, 0
        c, hh = self.rules, ctx.households
        owing = members[self.since[members] < ctx.month]
        if owing.size == 0:
            return
        debt = hh.debt[owing]
        interest = c.interest * debt
        pay = np.minimum(self.instalment, debt + interest)
        from_stock = (1.0 - c.fixed_share) * np.maximum(pay - interest, 0.0)
        from_savings = pay - from_stock
        can = hh.savings[owing] >= from_savings
        paying = owing[can]
        hh.savings[paying] -= from_savings[can]
        self.stock[paying] = np.maximum(self.stock[paying] - from_stock[can], 0.0)
        debt = debt + interest
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
            self.stock[owing[default]] = 0.0
            self.defaulted[owing[default]] = True
            self.defaults = int(default.sum())
        hh.debt[owing] = np.maximum(debt, 0.0)
        ctx.env.hold_working_capital(owing, self.stock[owing])  # a missed month sells nothing

    def completes(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> B1:
        done: B1 = (ctx.households.debt[idx] <= REPAID) | self.defaulted[idx]
        return done

    def on_complete(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> None:
        """Clear a repaid loan's rounding from the debt, and its stock."""
        ctx.households.debt[idx] = 0.0
        self.stock[idx] = 0.0

    def due(self, ctx: PolicyMonth, idx: NDArray[np.intp]) -> float:
        return 0.0


KIND = Kind("credit", CreditRules, Credit, function="empowerment")
