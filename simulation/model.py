"""``GraduationModel``: wiring and the monthly step order, nothing else.

Monthly step (synchronous: every rule reads the state left by the previous rule):

Before month 0 the model runs ``run.burn_in_months`` unrecorded months (negative month indices,
their own random streams) so that incomes, savings and assets settle from the drawn start.

1. environment: rice-price episode and this month's poverty lines; the month's random draws
   (those of the household rules are made with them, block by block);
2. demography (ageing, deaths, departures, births) and household formation (grown children who
   left set up households in the rows of the emptied ones; the household weight grows);
3. agencies act: registry, graduation and relapse, targeting, enrolment, payments, levers
   (:mod:`simulation.agencies`); none in the counterfactual world;
4. shocks (health, disasters);
5-8. the household rules, on blocks of :data:`BLOCK` households in turn (each acts on every
   household alone, so the blocks give the same result as one pass): income (employment, wage
   shocks, enterprise income); consumption, saving and distress sales; productive assets
   (poverty-trap dynamics); poverty status;
9. recording.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import mesa
import numpy as np
from numpy.typing import NDArray

from simulation.agents import Household, HouseholdAgents
from simulation.composition import Composition
from simulation.environment import MonthEnvironment, Places
from simulation.mechanisms.assets import assets_step
from simulation.mechanisms.consumption import consumption_step
from simulation.mechanisms.demography import (
    MonthEvents,
    People,
    demography_step,
    monthly_mortality,
)
from simulation.mechanisms.formation import Formation, Renewal
from simulation.mechanisms.income import income_step, total_income
from simulation.mechanisms.poverty import poverty_step
from simulation.mechanisms.shocks import next_rice_episode, shocks_step
from simulation.memory import check_memory
from simulation.outcomes import PolicyRecorder
from simulation.params import Params, require_params, require_replicate
from simulation.policy.runtime import PolicyRuntime
from simulation.population import household_weight, synthetic_population
from simulation.recorder import Recorder
from simulation.reporters import MODEL_REPORTERS
from simulation.streams import LazyUniforms, Streams

__all__ = ["GraduationModel"]

#: draws of the household rules, made block by block as the rules go (the same numbers as
#: whole vectors: :meth:`GraduationModel.month_draws` makes those)
_BLOCKED = {"employment": "random", "persistent": "standard_normal",
            "transitory": "standard_normal"}  # fmt: skip
#: decisions compared with small hazards only, and the draws of each made up front (the rest
#: only if a scenario's hazard exceeds it): fixed here, so every scenario has the same draws
RARE = {"health": 1 / 64, "conception": 1 / 32, "newborn": 1 / 64, "leave_home": 1 / 16}
#: households per block of the rules that act on each household alone: a block's arrays stay in
#: the processor's caches between operations (28 -> 21 ms at 1M in benchmarks/profile.py; the
#: same results)
BLOCK = 1 << 15


class GraduationModel(mesa.Model):  # type: ignore[misc]
    """The simulated world: households (Mesa agents over numpy columns) and agencies.

    Parameters
    ----------
    params : Params
        Validated parameters of the world and the run.
    replicate : int
        Replicate index; it keys every random stream, so the same replicate of two scenarios
        sees the same population and shocks.
    rng : int, optional
        Mesa's seed argument (``mesa.batch_run`` passes it): the root seed of the random
        streams, replacing ``params.run.seed`` (``self.params`` records it). None (the default)
        keeps ``params.run.seed``: the same parameters always give the same run.

    Notes
    -----
    As a Mesa model: ``step()`` advances one month (Mesa counts it in ``steps``, equal to
    ``month`` after each step); ``running`` turns False when the last of ``params.run.months``
    is done, so ``run_model()`` and ``mesa.batch_run`` stop there (stepping on raises).
    ``datacollector`` is a ``mesa.DataCollector`` of :data:`~simulation.reporters.MODEL_REPORTERS`
    that collects at construction (step 0: nothing recorded yet, NaN) and after every step;
    replace it to collect other reporters. The households are
    :class:`~simulation.agents.Household` agents, made when first asked for.
    """

    def __init__(self, params: Params, *, replicate: int = 0, rng: int | None = None) -> None:
        params = require_params(params, "GraduationModel")
        replicate = require_replicate(replicate, "replicate")
        check_memory(params)  # before anything is allocated
        if rng is not None:
            if not isinstance(rng, int | np.integer) or isinstance(rng, bool):
                raise TypeError(f"rng must be an int seed or None, got {rng!r}")
            params = dataclasses.replace(params, run=dataclasses.replace(params.run, seed=int(rng)))
        self.streams = Streams(params.run.seed, replicate)
        super().__init__(rng=self.streams.generator("mesa"))
        self.params = params
        self.replicate = replicate
        self.month = 0
        world = params.world
        self.households = synthetic_population(world, self.streams.generator("population"))
        self.n_villages = int(np.max(self.households.village)) + 1
        self._mortality = monthly_mortality(world.demography)
        self._rice_left = 0
        self._places = Places(world, self.households)
        self.formation = Formation(self.households, world)
        #: the last month's household formation
        self.renewal: Renewal | None = None
        self._household_agents = HouseholdAgents(self)
        self._reference_month = False  # step() runs the per-household reference rules
        # counts of members by kind, kept current by demography (ages as of the month before)
        self.composition = Composition(self.households, world, month=-params.run.burn_in_months - 1)
        self.recorder = Recorder(self)
        self.runtime: PolicyRuntime | None = None
        self.env: MonthEnvironment | None = None
        self.draws: dict[str, NDArray[np.float64]] = {}
        self.rare: dict[str, LazyUniforms] = {}
        self.drawn_month = self.month
        #: consumption decile (1..10, persons) of each household, set when a month is recorded
        self.true_decile: NDArray[np.int8] | None = None
        history = params.history_months
        self._burn_in(params.run.burn_in_months, until=-history)
        if history:  # the agencies act under the policy in force before the start
            self.weight = household_weight(self.households, world)
            self.runtime = PolicyRuntime(self, params.past_policy)
            self._burn_in(history)
        #: real households per simulated household: persons sum to the nation before month 0,
        #: and the weight grows with the number of real households (household formation)
        self.weight = household_weight(self.households, world)
        past, self.runtime = self.runtime, None
        if past is not None and params.past_policy == params.policy:
            self.runtime = past.reweighted(self.weight)  # the same policy goes on
        else:
            self.runtime = PolicyRuntime(self, params.policy, past=past)
        self.policy_recorder = PolicyRecorder(self)
        self.datacollector = mesa.DataCollector(model_reporters=MODEL_REPORTERS)
        self.datacollector.collect(self)

    def _burn_in(self, months: int, until: int = 0) -> None:
        """Run the unrecorded months ``-months`` to ``until - 1`` so the start settles.

        The agencies act in them only if a runtime exists (the policy history).
        """
        for month in range(-months, until):
            self.month = month
            self._prepare_month()
            self._households_vectorised()
        self.month = until

    # -- household agents, made when first looked at -------------------------------------
    def _ensure_household_agents(self) -> None:
        """Make the ``Household`` agents (one per row) the first time anyone asks for agents.

        The monthly mechanisms never need them, so a run that nobody inspects does not pay for
        a million Mesa agents; a notebook, the dashboard or the reference step gets them all.
        """
        agents = self.__dict__.get("_household_agents")
        if agents is not None and not agents.created:
            agents.create()

    @property
    def agents(self) -> mesa.agent.AgentSet:
        """All agents (households and agencies), as Mesa's ``Model.agents``."""
        self._ensure_household_agents()
        return super().agents

    @property
    def agents_by_type(self) -> dict[type[mesa.Agent], mesa.agent.AgentSet]:
        """Agents by type, as Mesa's ``Model.agents_by_type``."""
        self._ensure_household_agents()
        return super().agents_by_type  # type: ignore[no-any-return]

    @property
    def agent_types(self) -> list[type]:
        """Types of the model's agents, as Mesa's ``Model.agent_types``."""
        self._ensure_household_agents()
        return super().agent_types  # type: ignore[no-any-return]

    def household(self, row: int) -> Household:
        """Return the agent of the household in row ``row`` of ``self.households``."""
        if not 0 <= row < self.households.n:
            raise IndexError(f"no household row {row}: rows are 0..{self.households.n - 1}")
        return self._household_agents.in_row_order()[row]

    # -- the month ------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one month: the household rules run vectorised over all households."""
        rules = self._households_per_agent if self._reference_month else self._households_vectorised
        self._run_month(rules)

    def step_reference(self) -> None:
        """Advance one month with the slow per-household reference rules (for checks).

        Goes through Mesa's ``step`` like :meth:`step` (counted in ``steps``).
        """
        self._reference_month = True
        try:
            self.step()
        finally:
            self._reference_month = False

    def _run_month(self, households: Callable[[], None]) -> None:
        if self.month >= self.params.run.months:
            raise RuntimeError(f"the run is over: all {self.params.run.months} months are done")
        self._prepare_month()
        households()
        self.recorder.record(self)
        assert self.runtime is not None
        self.policy_recorder.record(self, self.runtime)
        self.month += 1
        self.running = self.month < self.params.run.months
        self.datacollector.collect(self)

    def run_model(self) -> None:
        """Run the remaining months of ``params.run.months`` (while ``running``)."""
        while self.running:
            self.step()

    def _prepare_month(self) -> None:
        u_rice = float(self.streams.generator("food_price", self.month).random())
        self._rice_left = next_rice_episode(self._rice_left, u_rice, self.params.world.shocks)
        rise = self.params.world.shocks.food_price_rise if self._rice_left > 0 else 0.0
        care_need = self.composition.care_need.copy()
        self.env = MonthEnvironment(
            self.params.world, self.households, rise, care_need, self._places
        )
        self.drawn_month = self.month  # the month of ``draws`` and ``rare``
        self.draws, self.rare = self._draw_month()

    def _draw_month(self) -> tuple[dict[str, NDArray[np.float64]], dict[str, LazyUniforms]]:
        n, gen, month = self.households.n, self.streams.generator, self.month
        draws = {"mortality": gen("mortality", month).random(n),
                 "disaster": gen("disaster", month).random(self.n_villages)}  # fmt: skip
        rare = {k: LazyUniforms(gen(k, month), gen(k, month, part=1), n, cut)
                for k, cut in RARE.items()}  # fmt: skip
        return draws, rare

    def month_draws(self) -> dict[str, NDArray[np.float64]]:
        """Return the last prepared month's draws as whole vectors, block-made ones included.

        After a step, that is the month just stepped. Every draw is a function of its stream's
        key and the month only: the vectors are the numbers the vectorised step uses, whichever
        way they are made.
        """
        n, gen, month = self.households.n, self.streams.generator, self.drawn_month
        blocked = {k: getattr(gen(k, month), method)(n) for k, method in _BLOCKED.items()}
        return self.draws | blocked

    def _agencies_act(self) -> None:
        """Agencies act (registry, graduation, targeting, payments).

        In the burn-in only in its policy history (when a runtime exists).
        """
        self.households.transfer_income[:] = 0.0
        if self.runtime is not None:
            self.runtime.act(self.month)

    def _households_vectorised(self) -> None:
        w, hh, env = self.params.world, self.households, self.env
        assert env is not None
        bounds = self.composition.bounds()
        events = demography_step(hh, w.demography, self.draws, self.rare, self._mortality, bounds)
        self._form_households(events)
        self._agencies_act()
        shocks_step(hh, w.shocks, self.draws, self.rare, env.uncovered, self._places)
        streams = {k: self.streams.generator(k, self.month) for k in _BLOCKED}
        for start in range(0, hh.n, BLOCK):  # in order: each stream continues block to block
            self._household_rules(start, min(start + BLOCK, hh.n), streams)

    def _form_households(self, events: MonthEvents) -> None:
        """Place the month's new households; recount members; renew the rows' policy state."""
        hh, month = self.households, self.month
        renewal = self.formation.step(hh, events, self.streams.generator("formation", month), month)
        self.renewal = renewal
        touched = np.concatenate((events.touched, renewal.origins, renewal.rows))
        self.composition.update(hh, touched, month)
        assert self.env is not None
        self.env.care_need[renewal.rows] = self.composition.care_need[renewal.rows]
        if self.runtime is not None:
            self.weight *= renewal.growth
            self.runtime.forget(renewal.rows, month)
        self._household_agents.renew(renewal.rows)  # new households, new agents

    def _household_rules(
        self, start: int, stop: int, streams: dict[str, np.random.Generator]
    ) -> None:
        """Income, consumption, assets and poverty of households ``start:stop``."""
        w, hh, env = self.params.world, self.households.rows(start, stop), self.env
        assert env is not None
        env = env.rows(start, stop)
        draws = {k: getattr(streams[k], method)(stop - start) for k, method in _BLOCKED.items()}
        income_step(hh, w.income, w.assets, env, draws, self.composition.workers[start:stop])
        consumption_step(
            hh, w.consumption, total_income(hh), env.extreme_line, w.assets.high_steady_state
        )
        assets_step(hh, w.assets, env.threshold)
        poverty_step(hh, env.poverty_line, env.extreme_line)

    def _households_per_agent(self) -> None:
        """Run the household rules one household agent at a time, in row order (reference)."""
        self.draws = self.month_draws()  # the per-agent rules read whole vectors
        self._reference_events: dict[str, list[tuple[int, int, bool]]] = {"left": [], "last": []}
        for agent in self._household_agents.in_row_order():
            agent.reference_demography()
        ev = {k: People.of_tuples(v) for k, v in self._reference_events.items()}
        self._form_households(MonthEvents(np.zeros(0, np.intp), ev["left"], ev["last"]))
        self.composition.update(self.households, np.arange(self.households.n), self.month)
        self._agencies_act()
        for agent in self._household_agents.in_row_order():  # new households' agents included
            agent.reference_step()
