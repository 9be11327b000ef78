"""Policy outcomes: enrolment, spending, budgets, graduation, relapse, targeting, contributors.

Monthly buffers filled by :meth:`PolicyRecorder.record`, turned into labelled variables with
dims ``programme``, ``agency``, ``graduation_type``, ``year`` and ``months_since_graduation``.
Counts of households and Rupiah are at national scale (times the household weight).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from simulation.metrics import kaplan_meier
from simulation.policy.graduation import ENDED_POOR, GRADUATION_TYPES
from simulation.recorder import monthly_variables

if TYPE_CHECKING:
    from simulation.model import GraduationModel
    from simulation.policy.runtime import PolicyRuntime

__all__ = ["POLICY_VARIABLES", "PolicyRecorder"]

HORIZON = 24  # months of the relapse survival curve

#: name -> (extra dims, units, long_name); monthly variables
POLICY_VARIABLES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "enrolled": (("programme",), "households", "households enrolled"),
    "spending": (("programme",), "Rp/month", "spending"),
    "waiting": (("programme",), "households", "eligible households not enrolled (waiting list)"),
    "kpm": ((), "households", "families receiving bansos (PKH or Sembako)"),
    "graduations": (
        ("graduation_type",),
        "households/month",
        "new graduations, counted as Kemensos counts",
    ),
    "relapses": ((), "households/month", "graduates relapsing (by the relapse definition)"),
    "reenrolments": ((), "households/month", "graduates re-enrolled in bansos (relapses)"),
    "sustained_graduations": ((), "households/month", "graduates reaching sustained graduation"),
    "contributors": ((), "households", "graduates with a working enterprise (contributors)"),
    "inclusion_error": ((), "1", "share of bansos families not in the true bottom 40%"),
    "exclusion_error": ((), "1", "share of the true bottom 40% without bansos"),
    "credit_repaid": ((), "Rp/month", "loan instalments repaid"),
    "credit_defaults": ((), "households/month", "borrowers defaulting"),
}


class PolicyRecorder:
    """Monthly policy buffers of one model."""

    def __init__(self, model: GraduationModel) -> None:
        months, pol = model.params.run.months, model.params.policy
        sizes = {"programme": len(pol.programmes), "graduation_type": len(GRADUATION_TYPES)}
        self._buf = {
            name: np.zeros((months, *(sizes[d] for d in dims)))
            for name, (dims, _, _) in POLICY_VARIABLES.items()
        }

    def recorded(self, name: str, month: int) -> NDArray[np.float64]:
        """Return variable ``name`` of :data:`POLICY_VARIABLES` as recorded for ``month``.

        ``month`` 0 is the first; with the variable's extra dims; 0 for a month not recorded
        yet. Do not modify.
        """
        out: NDArray[np.float64] = self._buf[name][month]
        return out

    def record(self, model: GraduationModel, rt: PolicyRuntime) -> None:
        """Store this month's policy outcomes."""
        b, t, w, tr = self._buf, model.month, model.weight, rt.tracker
        b["enrolled"][t] = [np.count_nonzero(p.enrolled) * w for p in rt.programmes]
        b["spending"][t] = [p.paid * p.ledger.weight for p in rt.programmes]  # the year's weight
        b["waiting"][t] = [p.waiting * w for p in rt.programmes]
        kpm = rt.is_kpm()
        b["kpm"][t] = np.count_nonzero(kpm) * w
        b["graduations"][t] = [tr.new[k] * w for k in GRADUATION_TYPES]
        b["relapses"][t] = tr.relapses * w
        b["reenrolments"][t] = tr.reenrolments * w
        b["sustained_graduations"][t] = tr.sustained * w
        b["contributors"][t] = rt.contributors.rows.size * w
        assert model.true_decile is not None  # set by the household recorder just before
        bottom40: NDArray[np.bool_] = np.asarray(model.true_decile <= 4)
        n_kpm, n_bottom = int(np.count_nonzero(kpm)), int(np.count_nonzero(bottom40))
        both = np.count_nonzero(kpm & bottom40)
        b["inclusion_error"][t] = (n_kpm - both) / max(n_kpm, 1)
        b["exclusion_error"][t] = (n_bottom - both) / max(n_bottom, 1)
        credit = [p for p in rt.programmes if p.spec.kind == "credit"]
        b["credit_repaid"][t] = sum(getattr(p, "repaid", 0.0) * p.ledger.weight for p in credit)
        b["credit_defaults"][t] = sum(getattr(p, "defaults", 0) for p in credit) * w

    def variables(self, model: GraduationModel, rt: PolicyRuntime) -> dict[str, Any]:
        """Return the data variables (with a leading replicate axis)."""
        out = monthly_variables(self._buf, POLICY_VARIABLES)
        out |= self._derived(model, rt)
        out |= self._budgets(model, rt)
        return out

    def _derived(self, model: GraduationModel, rt: PolicyRuntime) -> dict[str, Any]:
        b, months = self._buf, model.params.run.months
        grads = np.cumsum(b["graduations"].sum(axis=1))
        sustained = np.cumsum(b["sustained_graduations"])
        spent = np.cumsum(b["spending"].sum(axis=1))
        spent += _overhead_by_month(rt, months)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_grad = np.where(grads > 0, spent / grads, np.nan)
            per_sus = np.where(sustained > 0, spent / sustained, np.nan)
        return {
            "cumulative_graduates": _monthly(grads, "households", "graduations since the start"),
            "cumulative_sustained": _monthly(sustained, "households", "sustained graduations"),
            "cumulative_spending": _monthly(spent, "Rp", "spending since the start, all lines"),
            "cost_per_graduate": _monthly(per_grad, "Rp/household", "spending per graduation"),
            "cost_per_sustained_graduate": _monthly(
                per_sus, "Rp/household", "spending per sustained graduation"
            ),
        } | _relapse_variables(rt, months)

    def _budgets(self, model: GraduationModel, rt: PolicyRuntime) -> dict[str, Any]:
        n_years = -(-model.params.run.months // 12)
        shape = (1, n_years, len(rt.programmes))
        acc = {k: np.full(shape, np.nan) for k in ("allocated", "spent", "overhead", "unspent")}
        for j, p in enumerate(rt.programmes):
            for year in p.ledger.years:
                for k in acc:
                    acc[k][0, year.year, j] = getattr(year, k) * year.weight
        long = {
            "allocated": "budget allocated",
            "spent": "budget spent on the programme",
            "overhead": "budget spent on coordination",
            "unspent": "budget left unspent",
        }
        out = {
            f"budget_{k}": (
                ("replicate", "year", "programme"),
                v,
                {"units": "Rp/year", "long_name": long[k]},
            )
            for k, v in acc.items()
        }
        agencies = [a.name for a in rt.agencies]
        owner = np.array([agencies.index(p.spec.agency) for p in rt.programmes], dtype=np.intp)
        by_agency = np.zeros((self._buf["spending"].shape[0], len(agencies)))
        np.add.at(by_agency.T, owner, self._buf["spending"].T)
        out["spending_by_agency"] = (
            ("replicate", "month", "agency"),
            by_agency[None],
            {"units": "Rp/month", "long_name": "spending by agency"},
        )
        return out

    @staticmethod
    def coords(model: GraduationModel) -> dict[str, Any]:
        """Coordinates of the policy dims."""
        pol, run = model.params.policy, model.params.run
        first = int(run.start[:4])
        return {
            "programme": [p.name for p in pol.programmes],
            "agency": [a.name for a in pol.agencies],
            "graduation_type": list(GRADUATION_TYPES),
            "year": first + np.arange(-(-run.months // 12)),
            "months_since_graduation": np.arange(HORIZON + 1),
        }


def _monthly(values: NDArray[np.float64], units: str, long: str) -> Any:
    return (("replicate", "month"), values[None], {"units": units, "long_name": long})


def _relapse_variables(rt: PolicyRuntime, months: int) -> dict[str, Any]:
    """Relapse rates (by definition, by route, the monthly rate) and the survival curve."""
    spells = rt.tracker.spells.table(months - 1)  # open spells: seen until the last month
    recorded = spells["start"] >= 0  # the policy history's spells began before the record
    spells = {k: v[recorded] for k, v in spells.items()}
    relapsed = spells["reason"] >= ENDED_POOR
    within = {h: relapsed & (spells["duration"] <= h) for h in (12, 24)}
    bad = (spells["first_bad"] >= 0) & (spells["first_bad"] <= HORIZON)
    start = spells["start"]
    by_type = np.stack(
        [_share_by_start(start, within[24], 24, months, spells["route"] == r)
         for r in range(len(GRADUATION_TYPES))], axis=1,
    )  # fmt: skip
    survival = kaplan_meier(spells["duration"], relapsed, HORIZON)
    km = {"units": "1", "long_name": "share of graduates not relapsed (Kaplan-Meier)"}
    return {
        "relapse_rate_12": _monthly(
            _share_by_start(start, within[12], 12, months), "1",
            "share of graduates relapsing within 12 months (the relapse definition)",
        ),
        "relapse_rate_24": _monthly(
            _share_by_start(start, within[24], 24, months), "1",
            "share of graduates relapsing within 24 months (the relapse definition)",
        ),
        "poor_any_month_rate_24": _monthly(
            _share_by_start(start, bad, 24, months), "1",
            "share of graduates below the relapse line in a month within 24 months, "
            "while not relapsed",
        ),
        "relapse_rate_24_by_type": (
            ("replicate", "month", "graduation_type"), by_type[None],
            {"units": "1", "long_name": "share relapsing within 24 months, by route"},
        ),
        "relapse_survival": (("replicate", "months_since_graduation"), survival[None], km),
    }  # fmt: skip


def _overhead_by_month(rt: PolicyRuntime, months: int) -> NDArray[np.float64]:
    """Coordination overhead (national Rp) taken in each month: all in January of each year."""
    out = np.zeros(months)
    for p in rt.programmes:
        for year in p.ledger.years:
            out[year.year * 12] += year.overhead * year.weight
    return np.cumsum(out)


def _share_by_start(
    start: NDArray[np.int64],
    event: NDArray[np.bool_],
    h: int,
    months: int,
    among: NDArray[np.bool_] | None = None,
) -> NDArray[np.float64]:
    """By month ``t``: the share of spells begun at least ``h`` months before ``t`` with ``event``.

    Only spells of ``among``, if given; NaN while there are none.
    """
    if among is not None:
        start, event = start[among], event[among]
    begun = np.cumsum(np.bincount(start, minlength=months)[:months])
    hits = np.cumsum(np.bincount(start, weights=event, minlength=months)[:months])
    out = np.full(months, np.nan)
    old = np.arange(months) - h  # spells begun in months 0..t-h
    ok = old >= 0
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = hits[old[ok]] / begun[old[ok]]
    out[ok] = np.where(begun[old[ok]] > 0, rate, np.nan)
    return out
