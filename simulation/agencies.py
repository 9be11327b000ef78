"""Agencies as Mesa agents, and the policy runtime that wires registry, programmes and graduation.

Each month (recorded months only; the burn-in is the counterfactual world), in this order:
open the budget year in January (coordination overhead taken off the top); refresh the shared
registry and the agencies' own lists when due; relapse or sustain graduates and assess enrolled
families (graduations leave bansos, are monitored and referred); every agency, in the order of
the scenario, runs its programmes (complete, enrol, pay); monitoring is paid; graduates with a
working enterprise become contributors who mentor and hire their village neighbours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
from numpy.typing import NDArray

from simulation.empowerment import Credit, Package, Training
from simulation.graduation import ENROLLED, GRADUATED, RELAPSED, SUSTAINED, GraduationTracker
from simulation.mechanisms.income import total_income
from simulation.metrics import weighted_deciles
from simulation.network import ContributorNeighbours, village_network
from simulation.policy import Agency as AgencySpec
from simulation.programmes import PKH, Cash, HealthCover, ProgrammeRuntime, Rehab
from simulation.registry import Registry

if TYPE_CHECKING:
    from simulation.environment import MonthEnvironment
    from simulation.model import GraduationModel

__all__ = ["RUNTIMES", "Agency", "PolicyRuntime"]

RUNTIMES: dict[str, type[ProgrammeRuntime]] = {
    "pkh": PKH, "cash": Cash, "cash_for_work": Cash, "health_cover": HealthCover,
    "rehab": Rehab, "package": Package, "training": Training, "credit": Credit,
}  # fmt: skip
BANSOS = ("pkh", "cash")
WELFARE, NATURAL, EMPOWERMENT = 1, 0, 2


class Agency(mesa.Agent):  # type: ignore[misc]
    """A government agency: runs its programmes each month with its own registry list."""

    def __init__(self, model: GraduationModel, spec: AgencySpec) -> None:
        super().__init__(model)
        self.spec = spec
        self.name = spec.name
        self.programmes: list[ProgrammeRuntime] = []

    def step(self) -> None:
        """Run every programme of the agency for the current month."""
        for p in self.programmes:
            p.act(self.model.month)

    def __repr__(self) -> str:
        return f"Agency({self.name!r}, programmes={[p.spec.name for p in self.programmes]})"


class PolicyRuntime:
    """Registry, programmes, agencies, graduation tracker and village network of one model."""

    def __init__(self, model: GraduationModel) -> None:
        self.model = model
        self.policy = model.params.policy
        self.n, self.weight = model.households.n, model.weight
        self.registry = Registry(self.n, self.policy.registry)
        self.tracker = GraduationTracker(self.n)
        self.agencies = [Agency(model, spec) for spec in self.policy.agencies]
        by_name = {a.name: a for a in self.agencies}
        self.programmes: list[ProgrammeRuntime] = []
        for spec in self.policy.programmes:
            runtime = RUNTIMES[spec.kind](spec, self)
            by_name[spec.agency].programmes.append(runtime)
            self.programmes.append(runtime)
        self.bansos = [p for p in self.programmes if p.spec.kind in BANSOS]
        # registry lists anyone targets with (the graduation rule reads the shared one if no
        # bansos programme exists); only these are refreshed
        self._lists_used = sorted({self.list_of(p) for p in self.programmes} | {"shared"})
        collab = self.policy.collaboration
        self.adj = village_network(
            model.households.village, collab.network_degree, model.streams.generator("network")
        )
        #: graduates with a productive enterprise (assets above the trap threshold), this month,
        #: and their neighbours
        self.contributors = ContributorNeighbours(self.adj)
        self.monitoring_paid = 0.0
        self._draws: dict[tuple[str, int], NDArray[np.float64]] = {}
        self._worker = np.zeros(self.n, dtype=bool)
        self._worker_month = -(10**6)
        self._status_ok: NDArray[np.bool_] | None = None  # bansos status filter, this month

    # -- services used by programmes ------------------------------------------------------
    @property
    def env(self) -> MonthEnvironment:
        """The current month's environment (set by the model before agencies act)."""
        assert self.model.env is not None
        return self.model.env

    def list_of(self, programme: ProgrammeRuntime) -> str:
        """Which registry list a programme targets with."""
        agency = next(a for a in self.agencies if programme in a.programmes)
        shared = agency.spec.registry == "shared" and self.policy.collaboration.shared_registry
        return "shared" if shared else "own"

    def deciles(self, programme: ProgrammeRuntime) -> NDArray[np.int8]:
        """Registry deciles seen by ``programme``."""
        return self.registry.decile[self.list_of(programme)]

    def within(self, programme: ProgrammeRuntime) -> NDArray[np.bool_]:
        """Households in the registry deciles ``programme`` serves (do not modify)."""
        return self.registry.within(self.list_of(programme), programme.spec.max_decile)

    def scores(self, programme: ProgrammeRuntime) -> NDArray[np.float32]:
        """Registry proxy scores seen by ``programme`` (lower is poorer)."""
        return self.registry.score[self.list_of(programme)]

    def order(self, programme: ProgrammeRuntime) -> NDArray[np.int32]:
        """Households in the registry order seen by ``programme`` (poorest score first)."""
        return self.registry.order[self.list_of(programme)]

    def draw(self, decision: str, month: int) -> NDArray[np.float64]:
        """Full-population uniforms of ``decision`` in ``month`` (cached)."""
        key = (decision, month)
        if key not in self._draws:
            self._draws = {k: v for k, v in self._draws.items() if k[1] == month}
            self._draws[key] = self.model.streams.generator(decision, month).random(self.n)
        return self._draws[key]

    def has_worker(self) -> NDArray[np.bool_]:
        """Households with a working-age, non-disabled member (computed once a month)."""
        month = self.model.month
        if self._worker_month != month:
            self._worker = self.model.composition.workers > 0
            self._worker_month = month
        return self._worker

    def is_kpm(self) -> NDArray[np.bool_]:
        """Households receiving bansos now."""
        out = np.zeros(self.n, dtype=bool)
        for p in self.bansos:
            out |= p.enrolled
        return out

    def allowed(self, programme: ProgrammeRuntime, month: int) -> NDArray[np.bool_]:
        """Graduation status and duplication-avoidance filters for ``programme``."""
        tr, collab = self.tracker, self.policy.collaboration
        ok = np.ones(self.n, dtype=bool)
        if programme.spec.kind in BANSOS:
            ok &= self._bansos_status_ok()
        if collab.duplication_avoidance:
            owner = programme.spec.agency
            for other in self.programmes:
                if other.function == programme.function and other.spec.agency != owner:
                    ok &= ~other.enrolled
            if collab.joint_targeting and programme.function == "empowerment":
                ok |= tr.had_package & ~programme.enrolled
        return ok

    def _bansos_status_ok(self) -> NDArray[np.bool_]:
        """Households whose graduation status allows bansos, once a month (do not modify).

        Not graduated, and relapsed ones only if they may re-enter; computed after graduation.
        Enrolments during the agencies' steps do not change it: they only move households it
        allows to ENROLLED, which it allows too.
        """
        if self._status_ok is None:
            tr = self.tracker
            ok = tr.status != GRADUATED
            ok &= (tr.status != RELAPSED) | self._reentry_ok()
            self._status_ok = ok
        return self._status_ok

    def _reentry_ok(self) -> NDArray[np.bool_]:
        tr = self.tracker
        monitored = tr.monitored_until >= tr.relapse_month
        refreshed = max(self.registry.refreshed.values()) > tr.relapse_month
        out: NDArray[np.bool_] = monitored | refreshed
        return out

    def priority(self, programme: ProgrammeRuntime, month: int) -> NDArray[np.bool_]:
        """Households served first: fast re-entry to bansos; referrals and joint packages."""
        tr, collab = self.tracker, self.policy.collaboration
        if programme.spec.kind in BANSOS:
            fast: NDArray[np.bool_] = (tr.status == RELAPSED) & (
                tr.monitored_until >= tr.relapse_month
            )
            return fast
        if programme.function == "empowerment":
            referred: NDArray[np.bool_] = tr.referred_due.view(np.uint16) <= month  # -1: none
            if collab.joint_targeting:
                referred |= tr.had_package
            return referred
        return np.zeros(self.n, dtype=bool)

    def complementary(self, idx: NDArray[np.intp]) -> NDArray[np.float64]:
        """Count the complementary programmes (training, credit) households ``idx`` have had."""
        k = np.zeros(idx.size)
        for p in self.programmes:
            if p.spec.kind in ("training", "credit"):
                k += p.ever[idx]
        return k

    def enrolled_in(self, programme: ProgrammeRuntime, idx: NDArray[np.intp]) -> None:
        """Notify that ``idx`` were enrolled in ``programme``."""
        if programme.spec.kind in BANSOS:
            self.tracker.enrol(idx)

    def exit_bansos(self, idx: NDArray[np.intp]) -> None:
        """Households ``idx`` leave every bansos programme."""
        for p in self.bansos:
            p.leave(idx[p.enrolled[idx]])

    def after_graduation(self, idx: NDArray[np.intp], month: int) -> None:
        """Start monitoring and refer new graduates to empowerment programmes."""
        collab, tr = self.policy.collaboration, self.tracker
        if collab.monitoring:
            tr.monitored_until[idx] = month + self.policy.graduation.sustain_months
        self._refer(idx, month)

    def _refer(self, idx: NDArray[np.intp], month: int) -> None:
        collab, tr = self.policy.collaboration, self.tracker
        rate = collab.referral_rate
        if rate <= 0.0 or idx.size == 0:  # nobody is referred: no draw needed
            return
        chosen = idx if rate >= 1.0 else idx[self.draw("referral", month)[idx] < rate]
        tr.referred_due[chosen] = month + collab.referral_delay

    # -- the month -------------------------------------------------------------------------
    def act(self, month: int) -> None:
        """Run all policy for ``month`` (see the module docstring for the order)."""
        self._draws.clear()  # last month's draws are not needed any more
        if month % 12 == 0:
            for p in self.programmes:
                p.ledger.open_year(month // 12, self.policy.collaboration.overhead)
        self._refresh_registry(month)
        self._graduation(month)
        self._status_ok = None  # graduation changed statuses: computed again when first asked
        for agency in self.agencies:
            agency.step()
        self._monitoring(month)
        self._contributors()

    def _refresh_registry(self, month: int) -> None:
        due = [w for w in self._lists_used if self.registry.due(w, month)]
        if not due:
            return
        # the shared list's errors first, then the own lists': the same numbers in every
        # scenario; the own lists' are drawn only when one of them is due
        gen = self.model.streams.generator("registry", month)
        noise = {"shared": gen.standard_normal(self.n)}
        if "own" in due:
            noise["own"] = gen.standard_normal(self.n)
        hh = self.model.households
        persons = hh.size.astype(np.float64)
        for which in due:
            self.registry.refresh(which, month, hh.consumption_pc, persons, noise[which])

    def kemensos_deciles(self) -> NDArray[np.int8]:
        """Registry deciles used by the graduation rule (those of the first bansos programme)."""
        return self.deciles(self.bansos[0]) if self.bansos else self.registry.decile["shared"]

    def _graduation(self, month: int) -> None:
        tr, g, hh = self.tracker, self.policy.graduation, self.model.households
        tr.reset_counts()
        decile = self.kemensos_deciles()
        true_decile = self.model.true_decile
        if true_decile is None:  # month 0: nothing recorded yet
            true_decile = weighted_deciles(hh.consumption_pc, hh.size.astype(np.float64))
        tr.update_graduates(month, hh.poor, true_decile <= g.threshold_decile, g.sustain_months)
        kpm = self.is_kpm() & (tr.status == ENROLLED)
        watch = kpm & tr.had_package
        streak = tr.empower_streak
        streak += 1
        streak *= self._earning(watch)  # reset to 0 unless watched and earning
        tr.graduate(np.flatnonzero(watch & (tr.empower_streak >= g.empowerment_months)),
                    EMPOWERMENT, month, self)  # fmt: skip
        if month == 0 or month % g.assessment_months:
            return
        kpm = self.is_kpm() & (tr.status == ENROLLED)
        if g.welfare_rule == "decile":
            passing = kpm & (decile > g.threshold_decile)
        elif g.welfare_rule == "poverty_multiple":
            passing = kpm & (hh.consumption_pc > g.poverty_multiple * hh.poverty_line)
        else:  # "minimum_wage"
            passing = self._earning(kpm)
        streak = tr.welfare_streak
        streak += 1
        streak *= passing  # reset to 0 unless enrolled and passing
        welfare = np.flatnonzero(kpm & (tr.welfare_streak >= g.consecutive))
        tr.graduate(welfare, WELFARE, month, self)
        self._natural(month)
        near = self.is_kpm() & (decile == g.threshold_decile) & (tr.referred_due < 0)
        self._refer(np.flatnonzero(near), month)

    def _earning(self, among: NDArray[np.bool_]) -> NDArray[np.bool_]:
        """Households of ``among`` whose income last month reached the minimum wage."""
        assert self.model.env is not None
        idx = np.flatnonzero(among)
        income = total_income(self.model.households, idx)  # no transfers paid yet this month
        out = np.zeros(self.n, dtype=bool)
        out[idx[income >= self.model.env.minimum_wage[idx]]] = True
        return out

    def _natural(self, month: int) -> None:
        tr = self.tracker
        for p in self.bansos:
            if isinstance(p, PKH):
                gone = np.flatnonzero(p.enrolled & (p.annual() <= 0))
                p.leave(gone)
                tr.natural_pkh_exits += int(gone.size)
        orphan = np.flatnonzero((tr.status == ENROLLED) & ~self.is_kpm())
        tr.graduate(orphan, NATURAL, month, self)

    def _monitoring(self, month: int) -> None:
        tr, collab = self.tracker, self.policy.collaboration
        self.monitoring_paid = 0.0
        if not (collab.monitoring and self.bansos):
            return
        watched = (tr.status == GRADUATED) & (tr.monitored_until >= month)
        ledger = self.bansos[0].ledger
        cost = min(float(watched.sum()) * collab.monitoring_cost, ledger.remaining)
        ledger.spend(cost)
        self.monitoring_paid = cost

    def _contributors(self) -> None:
        tr, collab, model = self.tracker, self.policy.collaboration, self.model
        graduates = np.flatnonzero((tr.status == GRADUATED) | (tr.status == SUSTAINED))
        enterprise = model.households.assets[graduates] >= model.params.world.assets.threshold
        self.contributors.update(graduates[enterprise])
        if collab.network_degree == 0:
            return
        assert model.env is not None
        near, k = self.contributors.near(collab.contributor_cap)
        model.env.return_factor[near] = 1.0 + collab.mentoring_boost * k  # the others: 1 and 0
        model.env.finding_boost[near] = collab.hiring_boost * k
