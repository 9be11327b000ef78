"""Budget ledgers: one per programme, year by year, in Rupiah of the simulated sample.

National envelopes are divided by the household weight when the year opens, so that the
sample spends what the nation spends (the weight grows with the population). A ledger never
goes negative: :meth:`Ledger.spend` refuses to overdraw, and spent + overhead + unspent =
allocated holds for every year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["Ledger", "YearAccount"]


@dataclass
class YearAccount:
    """Allocation and spending of one programme in one budget year (sample Rupiah)."""

    year: int
    allocated: float
    spent: float = 0.0
    overhead: float = 0.0
    weight: float = 1.0  #: real households per simulated household, fixed for the year

    @property
    def unspent(self) -> float:
        """Allocated money not spent (Rp)."""
        return self.allocated - self.spent - self.overhead


@dataclass
class Ledger:
    """A programme's accounts; ``budgets`` are national Rp per year, the last one repeating."""

    budgets: tuple[float, ...]
    weight: float
    years: list[YearAccount] = field(default_factory=list)

    def open_year(
        self, year_index: int, overhead_share: float = 0.0, weight: float | None = None
    ) -> None:
        """Allocate year ``year_index``; ``overhead_share`` of it goes to coordination at once.

        ``weight``, if given, is the household weight from now on.
        """
        if weight is not None:
            self.weight = weight
        # years before the first (a policy history) have the first year's budget
        national = self.budgets[max(0, min(year_index, len(self.budgets) - 1))]
        allocated = national / self.weight
        overhead = allocated * overhead_share
        self.years.append(YearAccount(year_index, allocated, overhead=overhead, weight=self.weight))

    @property
    def current(self) -> YearAccount:
        """The open year."""
        return self.years[-1]

    @property
    def remaining(self) -> float:
        """Money left to spend this year (Rp)."""
        return self.current.unspent if self.years else 0.0

    def spend(self, amount: float) -> None:
        """Debit ``amount`` (Rp) this year; raise if it would overdraw the account."""
        if not math.isfinite(amount) or amount < 0:
            raise ValueError(f"cannot spend {amount}: amounts must be finite and non-negative")
        if amount > self.remaining * (1 + 1e-12) + 1e-6:
            raise RuntimeError(
                f"ledger overdraft: spending {amount:.2f} with {self.remaining:.2f} left"
            )
        self.current.spent += amount
