"""Agencies as Mesa agents, and the policy runtime that runs one month of policy.

Each recorded month, and each month of the burn-in's policy history (before it the burn-in is
the counterfactual world), :meth:`PolicyRuntime.act`:

1. opens the budget year in January (coordination overhead taken off the top);
2. refreshes the shared registry and the agencies' own lists when due;
3. graduation: graduates relapse or sustain; enrolled families graduate by the empowerment,
   registry, self-declared and natural routes and leave bansos; Kemensos refers graduates and
   near-graduates;
4. every agency, in the order of the scenario, runs its programmes (settle, complete, enrol,
   pay);
5. contributors (graduates with a working enterprise) mentor and hire their neighbours.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

import mesa
import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

from simulation.mechanisms.income import total_income
from simulation.metrics import weighted_deciles
from simulation.policy.collaboration import Collaboration
from simulation.policy.graduation import (
    EMPOWERMENT,
    ENROLLED,
    NATURAL,
    NOT_CONSIDERED,
    REGISTRY,
    SELF_DECLARED,
    GraduationTracker,
    passes_in_a_row,
)
from simulation.policy.history import take_over
from simulation.policy.month import PolicyMonth
from simulation.policy.programmes import KINDS, ProgrammeRuntime
from simulation.policy.programmes.pkh import PKH
from simulation.policy.registry import Registry
from simulation.policy.schema import Agency as AgencySpec
from simulation.policy.schema import Policy
from simulation.policy.targeting import Targeting

if TYPE_CHECKING:
    import scipy.sparse as sp

    from simulation.model import GraduationModel
    from simulation.network import ContributorNeighbours

__all__ = ["Agency", "PolicyRuntime"]


class Agency(mesa.Agent):  # type: ignore[misc]
    """A government agency: runs its programmes each month with its registry list."""

    def __init__(self, model: GraduationModel, spec: AgencySpec) -> None:
        super().__init__(model)
        self.spec = spec
        self.name = spec.name
        self.programmes: list[ProgrammeRuntime] = []

    def step(self) -> None:
        """Run every programme of the agency in the current month."""
        ctx = self.model.runtime.ctx
        for p in self.programmes:
            p.act(ctx)

    def __repr__(self) -> str:
        return f"Agency({self.name!r}, programmes={[p.spec.name for p in self.programmes]})"


class PolicyRuntime:
    """Registry, programmes, agencies, graduation and collaboration of one model."""

    def __init__(
        self,
        model: GraduationModel,
        policy: Policy | None = None,
        *,
        past: PolicyRuntime | None = None,
    ) -> None:
        """Set up ``policy`` (the model's by default); take over ``past``'s households, if any.

        A runtime that takes over another keeps its registry lists, graduation states and
        spells, and the households of every programme of the same name and kind
        (:func:`simulation.policy.history.take_over`); the other's agencies leave the model.
        """
        self.model = model
        self.policy = policy = model.params.policy if policy is None else policy
        self.n, self.weight = model.households.n, model.weight
        self.registry: Registry = (
            Registry(self.n, policy.registry) if past is None else past.registry
        )
        self.registry.rules = policy.registry
        self.tracker: GraduationTracker = (
            GraduationTracker(self.n) if past is None else past.tracker
        )
        self.first_month: int | None = None if past is None else past.first_month
        self.agencies = [Agency(model, spec) for spec in policy.agencies]
        by_name = {a.name: a for a in self.agencies}
        self.programmes: list[ProgrammeRuntime] = []
        lists: dict[ProgrammeRuntime, str] = {}
        for spec in policy.programmes:
            kind = KINDS[spec.kind]
            runtime = kind.runtime(spec, kind, self.n, self.weight)
            agency = by_name[spec.agency]
            agency.programmes.append(runtime)
            self.programmes.append(runtime)
            own = agency.spec.registry == "own" or not policy.collaboration.shared_registry
            lists[runtime] = "own" if own else "shared"
        self.bansos = [p for p in self.programmes if p.kind.bansos]
        # registry lists anyone targets with (the graduation rule reads the shared one if no
        # bansos programme exists); only these are refreshed
        self._lists_used = sorted(set(lists.values()) | {"shared"})
        self.targeting = Targeting(
            self.registry,
            lists,
            self.programmes,
            self.tracker,
            policy.collaboration,
            referral_months=policy.collaboration.referral_months,
        )
        adj = None  # the village network: kept from the past runtime if of the same degree
        if past is not None:
            before: Collaboration = past.collaboration
            if before.rules.network_degree == policy.collaboration.network_degree:
                adj = before.adj
        self.collaboration: Collaboration = Collaboration(
            policy.collaboration,
            self.tracker,
            model.households.village,
            model.streams.generator("network"),
            adj=adj,
        )
        self._draws: dict[str, NDArray[np.float64]] = {}
        self.ctx: PolicyMonth | None = None
        if past is not None:
            take_over(self, past)

    def reweighted(self, weight: float) -> PolicyRuntime:
        """Carry on into the record with ``weight`` real households per simulated one.

        Capacities follow the weight; the budget accounts of the policy history's years are
        dropped (the record's accounts start with its first year, opened in month 0).
        """
        self.weight = weight
        for p in self.programmes:
            p.capacity = int(p.spec.capacity / weight)
            p.ledger.years = [year for year in p.ledger.years if year.year >= 0]
        return self

    def retire(self) -> None:
        """Take this runtime's agencies out of the model (another runtime took over)."""
        for agency in self.agencies:
            agency.remove()
        self.agencies = []

    # -- views used by the recorder and tests ----------------------------------------------
    @property
    def contributors(self) -> ContributorNeighbours:
        """Graduates with a working enterprise, and their neighbours (see :mod:`.network`)."""
        return self.collaboration.contributors

    @property
    def adj(self) -> sp.csr_array:
        """The village network."""
        return self.collaboration.adj

    def is_kpm(self) -> NDArray[np.bool_]:
        """Households receiving bansos now."""
        out = np.zeros(self.n, dtype=bool)
        for p in self.bansos:
            out |= p.enrolled
        return out

    def complementary(self, idx: NDArray[np.intp]) -> NDArray[np.float64]:
        """Count the complementary programmes (training, credit) households ``idx`` have had."""
        k = np.zeros(idx.size)
        for p in self.programmes:
            if p.spec.kind in ("training", "credit"):
                k += p.ever[idx]
        return k

    def _draw(self, decision: str) -> NDArray[np.float64]:
        """Full-population uniforms of ``decision`` this month (made once, when first asked)."""
        if decision not in self._draws:
            gen = self.model.streams.generator(decision, self.model.month)
            self._draws[decision] = gen.random(self.n)
        return self._draws[decision]

    def _lottery(self, programme: str, year: int) -> NDArray[np.float64]:
        """One uniform key per household: the order of applications to ``programme`` in ``year``.

        Keyed by the programme's name, so every scenario sees the same order.
        """
        part = 1 + zlib.crc32(programme.encode("utf-8"))
        return self.model.streams.generator("lottery", 12 * year, part=part).random(self.n)

    def _join(self, idx: NDArray[np.intp]) -> None:
        """Partner programmes (training, credit) enrol households ``idx`` jointly now."""
        assert self.ctx is not None
        partners = [p for p in self.programmes if p.spec.kind in ("training", "credit")]
        self.collaboration.join(self.ctx, idx, partners)

    def _reassess(self, idx: NDArray[np.intp]) -> None:
        """Kemensos' list re-assesses households ``idx`` now (one normal each, keyed draws)."""
        if idx.size == 0:
            return
        # one uniform per household, turned into normals for those re-assessed only
        u = self.model.streams.generator("reassess", self.model.month).random(self.n)[idx]
        hh, month = self.model.households, self.model.month
        self.registry.reassess(self.kemensos_list(), idx, month, hh.consumption_pc, ndtri(u))

    def month_context(self, month: int) -> PolicyMonth:
        """Build the context of ``month`` (the model's environment must be prepared)."""
        model = self.model
        assert model.env is not None
        return PolicyMonth(
            month=month,
            households=model.households,
            env=model.env,
            composition=model.composition,
            world=model.params.world,
            collaboration=self.policy.collaboration,
            targeting=self.targeting,
            tracker=self.tracker,
            draws=self._draw,
            complementary=self.complementary,
            kpm=self.is_kpm,
            lottery=self._lottery,
            join=self._join,
            reassess=self._reassess,
            keyed=model.streams.keyed_uniforms,
        )

    def forget(self, rows: NDArray[np.intp], month: int) -> None:
        """Forget households ``rows``: they left the sample, and new households hold the rows.

        The new households are on no registry list until its next refresh and in no programme;
        open graduation spells of the old ones end censored.
        """
        if rows.size:
            self.registry.forget(rows)
            self.tracker.forget(rows, month)
            for p in self.programmes:
                p.forget(rows)

    # -- the month -------------------------------------------------------------------------
    def act(self, month: int) -> None:
        """Run all policy for ``month`` (see the module docstring for the order)."""
        if self.first_month is None:
            self.first_month = month
        self._draws = {}  # last month's draws are not needed any more
        self.ctx = ctx = self.month_context(month)
        self._open_budget_year(month)
        self._refresh_registry(month)
        self._graduation(ctx)
        self.targeting.new_month()  # graduation changed statuses
        for p in self.programmes:
            p.new_month()
        for agency in self.agencies:
            agency.step()
        self.collaboration.contribute(ctx)

    def _open_budget_year(self, month: int) -> None:
        """Open the year in January, or in the first month a runtime acts (mid-year history)."""
        if month % 12 == 0 or any(not p.ledger.years for p in self.programmes):
            for p in self.programmes:
                p.ledger.open_year(
                    month // 12, self.policy.collaboration.overhead, self.model.weight
                )

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

    def kemensos_list(self) -> str:
        """Return the registry list the graduation rules read (the first bansos programme's)."""
        return self.targeting.kemensos_list

    def kemensos_deciles(self) -> NDArray[np.int8]:
        """Registry deciles used by the graduation rules."""
        return self.registry.decile[self.kemensos_list()]

    def _graduation(self, ctx: PolicyMonth) -> None:
        """Relapse and sustain graduates, then graduate by each route in turn (section 13).

        Empowerment graduation is checked monthly (PENA monitors income monthly); the other
        routes only when Kemensos' registry list is updated (its recertification).
        """
        tr, g, hh, month = self.tracker, self.policy.graduation, ctx.households, ctx.month
        tr.reset_counts()
        bad = hh.consumption_pc < g.relapse_line * hh.poverty_line  # last month's
        tr.update_graduates(month, bad, g.relapse_definition, g.followup_months)
        kpm = self.is_kpm() & (tr.status == ENROLLED)
        watch = kpm & tr.had_package
        ready = passes_in_a_row(tr.empower_streak, self._earning(ctx, watch), g.empowerment_months)
        self._graduate(ctx, np.flatnonzero(watch & ready), EMPOWERMENT)
        if month == self.first_month or not self.registry.due(self.kemensos_list(), month):
            return  # the first month's lists were just built
        kpm = self.is_kpm() & (tr.status == ENROLLED)
        passing = kpm & self._welfare_test(ctx, self.kemensos_deciles())
        ready = passes_in_a_row(tr.welfare_streak, passing, g.consecutive)
        self._graduate(ctx, np.flatnonzero(kpm & ready), REGISTRY)
        self._graduate(ctx, self._self_declared(ctx), SELF_DECLARED)
        self._natural(ctx)
        decile = self.kemensos_deciles()
        near = self.is_kpm() & (decile == g.threshold_decile)
        near &= tr.referred_due == NOT_CONSIDERED
        self.collaboration.refer(ctx, np.flatnonzero(near))

    def _welfare_test(self, ctx: PolicyMonth, decile: NDArray[np.int8]) -> NDArray[np.bool_]:
        """Households passing the welfare test on ``decile`` (registry or true deciles)."""
        g, hh = self.policy.graduation, ctx.households
        if g.welfare_rule == "decile":
            out: NDArray[np.bool_] = decile > g.threshold_decile
            return out
        if g.welfare_rule == "poverty_multiple":
            return hh.consumption_pc > g.poverty_multiple * hh.poverty_line
        return self._earning(ctx, np.ones(self.n, dtype=bool))

    def _self_declared(self, ctx: PolicyMonth) -> NDArray[np.intp]:
        """KPM above the cut by their own (true) welfare who declare themselves graduated."""
        g, tr = self.policy.graduation, self.tracker
        if g.self_declare_rate <= 0:
            return np.zeros(0, dtype=np.intp)
        kpm = np.flatnonzero(self.is_kpm() & (tr.status == ENROLLED))
        if g.welfare_rule == "decile":  # the family knows its own welfare, not its record
            above = self._true_decile(ctx)[kpm] > g.threshold_decile
        else:  # consumption or income: the registry's test is on the family's own values
            above = self._welfare_test(ctx, self.kemensos_deciles())[kpm]
        return kpm[above & (ctx.draw("self_declare")[kpm] < g.self_declare_rate)]

    def _true_decile(self, ctx: PolicyMonth) -> NDArray[np.int8]:
        """Deciles of last month's consumption per capita (persons), as BPS would rank them."""
        if self.model.true_decile is not None:
            return self.model.true_decile
        hh = ctx.households
        return weighted_deciles(hh.consumption_pc, hh.size.astype(np.float64))

    def _natural(self, ctx: PolicyMonth) -> None:
        """PKH families with no eligible member leave PKH: natural graduations (Kemensos).

        Every such exit is counted; a family left with no bansos at all also starts a graduation
        spell (one still on Sembako stays a KPM).
        """
        tr, gone = self.tracker, np.zeros(self.n, dtype=bool)
        for p in self.bansos:
            if isinstance(p, PKH):
                out = np.flatnonzero(p.enrolled & (p.annual(ctx) <= 0))
                p.leave(out)
                gone[out] = True
        orphans = np.flatnonzero((tr.status == ENROLLED) & ~self.is_kpm())
        tr.new["natural"] += int(np.count_nonzero(gone)) + int(np.count_nonzero(~gone[orphans]))
        self._graduate(ctx, orphans, NATURAL, count=False)

    def _graduate(
        self, ctx: PolicyMonth, idx: NDArray[np.intp], route: int, *, count: bool = True
    ) -> None:
        """Graduate ``idx`` by ``route``: they leave every bansos programme, then the levers."""
        if idx.size == 0:
            return
        self.tracker.graduate(idx, route, ctx.month, count=count)
        for p in self.bansos:
            p.leave(idx[p.enrolled[idx]])
        self.collaboration.refer(ctx, idx)

    def _earning(self, ctx: PolicyMonth, among: NDArray[np.bool_]) -> NDArray[np.bool_]:
        """Households of ``among`` whose income last month reached the minimum wage."""
        idx = np.flatnonzero(among)
        income = total_income(ctx.households, idx)  # no transfers paid yet this month
        out = np.zeros(self.n, dtype=bool)
        out[idx[income >= ctx.env.minimum_wage[idx]]] = True
        return out
