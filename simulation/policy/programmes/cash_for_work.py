"""Village cash-for-work (Padat Karya Tunai Desa): a wage for a fixed term of village work.

It is employment, not income support: duplication avoidance does not keep Sembako families out
of it, and it does not make a family a KPM.
"""

from __future__ import annotations

from simulation.policy.programmes.base import Kind
from simulation.policy.programmes.cash import Cash, CashRules

__all__ = ["KIND"]

KIND = Kind("cash_for_work", CashRules, Cash, function="employment")
