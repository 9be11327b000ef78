"""The Mesa layer: ``Household`` agents that view the model's columns, one per household.

A :class:`Household` holds no state of its own: every attribute reads (or, for the stocks a user
may set to try something, writes) the model's numpy columns at the agent's row, so it is always
current. The agents are made by the model the first time anyone asks for its agents
(``model.agents``, ``model.agents_by_type``, ``model.household(row)``): a run that nobody
inspects does not pay for them. When household formation puts a new household in a row, the
row's agent is removed from the model and a new agent (a new ``unique_id``) is made for the new
household, so that one agent is always one household.
"""

from __future__ import annotations

import gc
import math
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import mesa
import numpy as np

from simulation.households import COMPONENTS, component_counts
from simulation.policy.graduation import GRADUATION_TYPES, STATES
from simulation.policy.registry import NEVER_SEEN

if TYPE_CHECKING:
    from types import FrameType

    from numpy.typing import NDArray

    from simulation.model import GraduationModel

__all__ = [
    "INCOME_PARTS", "MESA_ATTRIBUTES", "READ_ONLY", "WRITABLE", "Column", "Household",
    "HouseholdAgents",
]  # fmt: skip

T = TypeVar("T")

#: attributes a user may set: the stocks the next month's rules start from (written to the columns)
WRITABLE = ("assets", "debt", "employed", "savings", "skill")
#: the parts of ``Household.income``
INCOME_PARTS = ("wage_income", "enterprise_income", "other_income", "kin_income", "transfer_income")
#: attributes Mesa itself sets on agents (``Agent.__init__``, spaces)
MESA_ATTRIBUTES = frozenset({"model", "unique_id", "pos", "cell"})
_OPEN = MESA_ATTRIBUTES | set(WRITABLE)

_PLACE = "a household does not move; places are drawn with the population (world.population)"
_MEMBERS = "members change only through demography in the model's step (births, deaths, moves)"
_INCOME = "income is this month's flow, computed by the model's step; set its sources instead "
_INCOME += "(skill, employed, assets)"
_SPENT = "consumption is decided each month by the consumption rule from income and savings; "
_SPENT += "set savings or assets instead"
_STATUS = "poverty status is derived each month from consumption and the poverty line; "
_STATUS += "set savings or assets instead"
_POLICY = "it is decided by the agencies' rules (policy.programmes, policy.graduation); change "
_POLICY += "the scenario's policy parameters instead"
#: read-only attributes, and why each cannot be set
READ_ONLY: dict[str, str] = {
    "index": "it is the household's row in the model's columns, fixed for the agent's life",
    "region": _PLACE, "urban": _PLACE, "village": _PLACE,
    "size": _MEMBERS, "ages": _MEMBERS, "members": _MEMBERS,
    "income": _INCOME, "wage_income": _INCOME, "enterprise_income": _INCOME,
    "other_income": _INCOME, "kin_income": _INCOME, "transfer_income": _INCOME,
    "consumption": _SPENT, "consumption_pc": _SPENT,
    "poverty_line": "the line follows the world's poverty lines and the rice price "
                    "(world.poverty, world.shocks)",
    "poor": _STATUS, "extremely_poor": _STATUS,
    "registry_decile": "the registry records it at its refreshes and re-assessments "
                       "(policy.registry)",
    "enrolments": _POLICY, "graduation_state": _POLICY, "graduation_route": _POLICY,
    "graduated_month": _POLICY,
}  # fmt: skip


def _mesa_init(frame: FrameType) -> bool:
    """Whether ``frame`` runs Mesa's ``Agent.__init__``."""
    return frame.f_code is mesa.Agent.__init__.__code__


class Column(Generic[T]):
    """An attribute of :class:`Household`: one column of ``model.households`` at the agent's row.

    Parameters
    ----------
    column : str
        The column's name in :class:`~simulation.households.HouseholdState`.
    kind : type
        ``float``, ``int`` or ``bool``: the Python type read.
    doc : str
        What it is, with its unit.
    writable : bool
        Whether setting it writes the column (a finite amount >= 0, or a bool).
    """

    def __init__(self, column: str, kind: Callable[[Any], T], doc: str, *, writable: bool = False):
        self.column, self.kind, self.writable, self.__doc__ = column, kind, writable, doc

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, agent: None, owner: type | None = None) -> Column[T]: ...
    @overload
    def __get__(self, agent: Household, owner: type | None = None) -> T: ...
    def __get__(self, agent: Household | None, owner: type | None = None) -> Column[T] | T:
        if agent is None:
            return self
        return self.kind(getattr(agent.model.households, self.column)[agent.index].item())

    def __set__(self, agent: Household, value: Any) -> None:
        if not self.writable:
            raise AttributeError(f"Household.{self.name} cannot be set: {READ_ONLY[self.name]}")
        flag = isinstance(value, bool | np.bool_)
        if self.kind is bool and not flag:
            raise TypeError(f"Household.{self.name} must be a bool, got {value!r}")
        if self.kind is not bool and (flag or not isinstance(value, int | float | np.number)):
            raise TypeError(f"Household.{self.name} must be a number (Rp), got {value!r}")
        if self.kind is not bool and not 0 <= value < math.inf:
            raise ValueError(f"Household.{self.name} must be finite and >= 0, got {value!r}")
        getattr(agent.model.households, self.column)[agent.index] = value


class Household(mesa.Agent):  # type: ignore[misc]
    """One household: a Mesa agent whose state is row :attr:`index` of the model's columns.

    Households are made by the model (one per row, when its agents are first asked for); a
    household that leaves the sample is removed, and the new household in its row gets a new
    agent. Money is in Rupiah (Rp) at March 2025 prices.

    Attributes
    ----------
    index : int
        The household's row in ``model.households``.
    region : str
        Name of its island-group region (``params.world.regions``).
    urban : bool
        Urban (True) or rural.
    village : int
        Village index (covariate shocks, peers).
    size : int
        Members (persons).
    ages : tuple of int
        Members' ages in completed years, head first.
    members : dict of str to int
        Members by PKH component (:data:`simulation.households.COMPONENTS`; persons).
    income : float
        Income of the month from all sources (Rp/month): the sum of ``wage_income``,
        ``enterprise_income``, ``other_income`` (pensions, remittances), ``kin_income`` (support
        while no member earns) and ``transfer_income`` (cash transfers of programmes).
    consumption, consumption_pc : float
        Consumption of the month (Rp/month), and per capita (Rp/capita/month).
    poverty_line : float
        The household's poverty line this month (Rp/capita/month).
    poor, extremely_poor : bool
        Below the poverty line, and below the extreme-poverty line, this month.
    assets, savings, debt : float
        Productive assets, liquid savings and outstanding debt (Rp). Writable.
    skill : float
        Human-capital index (1 = a worker earning the regional wage). Writable.
    employed : bool
        Has wage work this month. Writable.
    registry_decile : int or None
        Decile (1 = poorest) on the registry list Kemensos graduates with; None while the list
        has not seen the household (a new household, before the list's next refresh).
    enrolments : tuple of str
        Names of the programmes the household is enrolled in now.
    graduation_state : str
        ``never``, ``enrolled``, ``graduated``, ``sustained`` or ``relapsed``
        (:mod:`simulation.policy.graduation`).
    graduation_route : str or None
        Route of the last graduation (``natural``, ``registry``, ``self_declared``,
        ``empowerment``); None if never graduated.
    graduated_month : int or None
        Simulation month (0 = the first) of the last graduation; None if never graduated.

    Notes
    -----
    Writing one of :data:`WRITABLE` writes the column; the next month's rules start from it.
    Setting a derived value or a flow (income, consumption, poverty, decile, enrolments,
    graduation) raises ``AttributeError`` saying why and what to set instead, and so does any
    other name but Mesa's own (:data:`MESA_ATTRIBUTES`).

    Households do not step one by one: the model's ``step()`` runs the household rules
    vectorised over all rows, so :meth:`step` raises. The slow per-household reference rules,
    which ``GraduationModel.step_reference()`` runs to check the vectorised ones, are
    :meth:`reference_demography` and :meth:`reference_step`. :meth:`remove` raises too: a
    household leaves the sample only through demography.
    """

    def __init__(self, model: GraduationModel, index: int) -> None:
        mesa.Agent.__init__(self, model)  # not super(): agent creation is timed (benchmarks)
        agents = model._household_agents
        if not agents.bulk:  # when all are made at once, HouseholdAgents.create places them
            agents.bind(self, index)

    def __setattr__(self, name: str, value: Any, _open: frozenset[str] = _OPEN) -> None:
        # Mesa's Agent.__init__ may set attributes a later Mesa adds: allowed from there
        if name in _open or _mesa_init(sys._getframe(1)):
            object.__setattr__(self, name, value)
        elif name in READ_ONLY:
            raise AttributeError(
                f"Household.{name} cannot be set: {READ_ONLY[name]}. "
                f"Writable: {', '.join(WRITABLE)}"
            )
        else:
            raise AttributeError(
                f"Household has no attribute {name!r} to set. Writable: {', '.join(WRITABLE)}; "
                f"read-only: {', '.join(READ_ONLY)}; Mesa's own: "
                f"{', '.join(sorted(MESA_ATTRIBUTES))}"
            )

    # -- place and members ------------------------------------------------------------------
    @property
    def index(self) -> int:
        """Row of this household in the model's columns."""
        return int(self.model._household_agents.row_of(self))

    @property
    def region(self) -> str:
        """Name of the household's region."""
        return str(self.model.params.world.regions[self.model.households.region[self.index]].name)

    urban = Column("urban", bool, "Urban (True) or rural.")
    village = Column("village", int, "Village index.")
    size = Column("size", int, "Members (persons).")

    @property
    def ages(self) -> tuple[int, ...]:
        """Members' ages in completed years, head first."""
        age = self.model.households.age[self.index]
        return tuple(int(a) // 12 for a in age if a >= 0)

    @property
    def members(self) -> dict[str, int]:
        """Members by PKH component (persons)."""
        counts = component_counts(self.model.households, np.array([self.index]))[0]
        return dict(zip(COMPONENTS, (int(c) for c in counts), strict=True))

    # -- the month's flows and status -------------------------------------------------------
    @property
    def income(self) -> float:
        """Income of the month from all sources (Rp/month), added in the engine's order.

        Left to right, as :func:`~simulation.mechanisms.income.total_income` adds the columns
        (Python 3.12's ``sum`` compensates rounding, and would differ in the last digit).
        """
        total = 0.0
        for part in INCOME_PARTS:
            total += getattr(self, part)
        return total

    wage_income = Column("wage_income", float, "Wage income of the month (Rp/month).")
    enterprise_income = Column("enterprise_income", float, "Enterprise income (Rp/month).")
    other_income = Column("other_income", float, "Pensions and remittances (Rp/month).")
    kin_income = Column("kin_income", float, "Kin support while no one earns (Rp/month).")
    transfer_income = Column("transfer_income", float, "Cash transfers received (Rp/month).")
    consumption = Column("consumption", float, "Consumption of the month (Rp/month).")
    consumption_pc = Column("consumption_pc", float, "Consumption per capita (Rp/capita/month).")
    poverty_line = Column("poverty_line", float, "Poverty line this month (Rp/capita/month).")
    poor = Column("poor", bool, "Below the poverty line this month.")
    extremely_poor = Column("extreme_poor", bool, "Below the extreme-poverty line this month.")

    # -- stocks (writable) ------------------------------------------------------------------
    assets = Column("assets", float, "Productive assets (Rp); writable (>= 0).", writable=True)
    savings = Column("savings", float, "Liquid savings (Rp); writable (>= 0).", writable=True)
    debt = Column("debt", float, "Outstanding debt (Rp); writable (>= 0).", writable=True)
    skill = Column("skill", float, "Human-capital index; writable (>= 0).", writable=True)
    employed = Column("employed", bool, "Has wage work; writable (a bool).", writable=True)

    # -- registry, programmes, graduation ---------------------------------------------------
    @property
    def registry_decile(self) -> int | None:
        """Decile on Kemensos' registry list (1 = poorest); None if the list has not seen it."""
        rt, i = self.model.runtime, self.index
        if rt is None or rt.registry.seen[rt.kemensos_list()][i] == NEVER_SEEN:
            return None
        return int(rt.kemensos_deciles()[i])

    @property
    def enrolments(self) -> tuple[str, ...]:
        """Names of the programmes the household is enrolled in now."""
        rt, i = self.model.runtime, self.index
        programmes = rt.programmes if rt is not None else []
        return tuple(p.spec.name for p in programmes if p.enrolled[i])

    @property
    def graduation_state(self) -> str:
        """``never``, ``enrolled``, ``graduated``, ``sustained`` or ``relapsed``."""
        rt = self.model.runtime
        return STATES[int(rt.tracker.status[self.index])] if rt is not None else STATES[0]

    @property
    def graduation_route(self) -> str | None:
        """Route of the last graduation; None if never graduated."""
        rt = self.model.runtime
        route = int(rt.tracker.grad_type[self.index]) if rt is not None else -1
        return GRADUATION_TYPES[route] if route >= 0 else None

    @property
    def graduated_month(self) -> int | None:
        """Simulation month of the last graduation; None if never graduated.

        0 is the first recorded month; a graduation in the burn-in's policy history is negative.
        """
        rt = self.model.runtime
        if rt is None or rt.tracker.grad_type[self.index] < 0:
            return None
        return int(rt.tracker.grad_month[self.index])

    # -- stepping ---------------------------------------------------------------------------
    def step(self) -> None:
        """Raise: households do not step one by one (see the class notes)."""
        raise TypeError(
            "Household agents do not step one by one: the model's step() runs the household "
            "rules vectorised over all households (call model.step()). The per-household "
            "reference rules, for checks, run with model.step_reference()."
        )

    def reference_demography(self) -> None:
        """Age this household's members one month with the slow reference rules.

        Only ``GraduationModel.step_reference()`` calls it, in row order, with the month's draws
        prepared: called alone it would apply a month twice.
        """
        from simulation.reference import reference_demography_step

        reference_demography_step(self.model, self.index)

    def reference_step(self) -> None:
        """Shocks, income, consumption, assets and poverty of this household, reference rules.

        The per-household twin of the vectorised household rules, run by
        ``GraduationModel.step_reference()`` with the draws and environment of the month.
        """
        from simulation.reference import reference_step

        reference_step(self.model, self.index)

    def remove(self) -> None:
        """Raise: a household cannot be taken out of a running model.

        Its row stays in the model's columns; households leave the sample only through
        demography and household formation, and the model then removes their agents.
        """
        raise TypeError(
            "a household cannot be removed from the model: its state is a row of the model's "
            "columns; households leave through demography, and the model removes their agents"
        )

    def __repr__(self) -> str:
        try:
            where = f"index={self.index}"
        except LookupError:
            where = "gone"
        return f"Household(id={self.unique_id}, {where})"


class HouseholdAgents:
    """The :class:`Household` agents of one model: one per row, made when first asked for.

    Parameters
    ----------
    model : GraduationModel
        The model; ``model.households`` holds the rows.
    """

    def __init__(self, model: GraduationModel) -> None:
        self.model = model
        self.created = False
        self.bulk = False  # all agents being made at once (by create)
        #: the agent of each row (once made)
        self.by_row: list[Household] = []
        self._first = 0  # unique_id - row of the agents made together, in row order
        self._moved: dict[int, int] = {}  # unique_id -> row of every other agent

    def create(self) -> None:
        """Make one agent per row, with Mesa's constructor (each registered by Mesa).

        The garbage collector is paused meanwhile: creating many objects would trigger
        collections of the whole heap.
        """
        if self.created:
            return
        self.created = self.bulk = True  # first: Mesa's registration may ask for agents
        n, model = self.model.households.n, self.model
        paused = gc.isenabled()
        gc.disable()
        try:
            self.by_row = [Household(model, row) for row in range(n)]
        finally:
            self.bulk = False
            if paused:
                gc.enable()
        if n:  # made one after another: consecutive ids, unless Mesa numbers otherwise
            self._first = self.by_row[0].unique_id
            if self.by_row[-1].unique_id - self._first != n - 1:
                self._moved = {a.unique_id: row for row, a in enumerate(self.by_row)}

    def bind(self, agent: Household, row: int) -> None:
        """Make ``agent`` the agent of ``row``; the row's previous agent leaves the model."""
        if not self.created:
            self.create()
        if not 0 <= row < len(self.by_row):
            raise IndexError(f"no household row {row}: rows are 0..{len(self.by_row) - 1}")
        old = self.by_row[row]
        self._moved.pop(old.unique_id, None)
        mesa.Agent.remove(old)  # Household.remove refuses: a household cannot leave by hand
        self.by_row[row] = agent
        if agent.unique_id - self._first != row:
            self._moved[agent.unique_id] = row

    def row_of(self, agent: Household) -> int:
        """Return the row of ``agent``; raise ``LookupError`` if it left the model."""
        uid: int = agent.unique_id
        row = self._moved.get(uid, uid - self._first)
        if 0 <= row < len(self.by_row) and self.by_row[row] is agent:
            return row
        raise LookupError(
            f"household agent {uid} has left the model: the household left the sample, and a "
            "new household (a new agent) holds its row"
        )

    def renew(self, rows: NDArray[np.intp]) -> None:
        """Give each of ``rows`` (new households now) a new agent, if the agents exist."""
        if self.created:
            for row in rows.tolist():
                Household(self.model, row)

    def in_row_order(self) -> list[Household]:
        """Return the agents in row order (made if needed)."""
        self.create()
        return self.by_row
