"""The dashboard's controls and how each one becomes validated :class:`~simulation.params.Params`.

A control never invents a mechanism: it loads a scenario file and changes the values that the
scenario already has (budgets, capacities, collaboration levers, shock hazards, size, seed).
Every changed record is rebuilt with :func:`dataclasses.replace`, so the schema validates it
again, and a bad value stops with a :class:`~simulation.params.ParameterError` that names the
control and the field.

=====================  =========================================================================
control                what it changes
=====================  =========================================================================
``scenario``           the scenario file (``scenarios/<name>.yaml``) everything starts from
``aid_level``          budget and capacity of every bansos programme (PKH, Sembako), times x
``empowerment_share``  share of the bansos + empowerment total (after ``aid_level``) given to
                       the empowerment programmes (PENA, training, UMi credit), keeping the
                       total; within each group in proportion to the scenario's budgets
``shared_registry``,   the collaboration levers of ``policy.collaboration``: ``None`` keeps the
``referral``, ...      scenario's setting, ``True``/``False`` switch the lever on or off
``shock_intensity``    the health, disaster and rice-price hazards, times x
``households``         ``world.population.households``
``seed``               ``run.seed`` (the same seed gives two scenarios the same shocks)
=====================  =========================================================================
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from scenarios import available, load_params
from simulation.params import ParameterError, Params
from simulation.policy.programmes import KINDS
from simulation.policy.schema import Programme

__all__ = [
    "LEVERS", "LEVER_SOURCE", "Controls", "build_params", "lever_settings", "scale_aid",
    "scale_shocks", "set_levers", "shift_to_empowerment",
]  # fmt: skip

#: levers switched on take their settings from this scenario (the one with every lever on)
LEVER_SOURCE = "full_synergy"
#: the collaboration switches: control name -> label shown in the dashboard
LEVERS = {
    "shared_registry": "Shared registry (DTSEN)",
    "referral": "Referral of graduates",
    "joint_targeting": "Joint packages",
    "duplication_avoidance": "Duplication avoidance",
    "follow_up": "Follow-up of graduates",
}
#: the shock hazards that ``shock_intensity`` multiplies (fields of ``world.shocks``)
HAZARDS = ("health_hazard", "disaster_hazard", "food_price_hazard")


@dataclass(frozen=True)
class Controls:
    """The values of the dashboard's controls.

    Attributes
    ----------
    scenario : str
        Scenario file name without ``.yaml``.
    aid_level : float
        Multiplier of the budgets (and capacities) of the bansos programmes; 1 keeps them.
    empowerment_share : float or None
        Share (0-1) of the bansos + empowerment budget given to empowerment programmes;
        ``None`` keeps the scenario's split.
    shared_registry, referral, joint_targeting, duplication_avoidance, follow_up : bool or None
        Collaboration levers; ``None`` keeps the scenario's setting.
    shock_intensity : float
        Multiplier of the health, disaster and rice-price hazards; 1 keeps them.
    households : int
        Number of simulated households.
    seed : int or None
        Root seed of the random streams; ``None`` keeps the scenario's.
    """

    scenario: str = "baseline_2025"
    aid_level: float = 1.0
    empowerment_share: float | None = None
    shared_registry: bool | None = None
    referral: bool | None = None
    joint_targeting: bool | None = None
    duplication_avoidance: bool | None = None
    follow_up: bool | None = None
    shock_intensity: float = 1.0
    households: int = 3000
    seed: int | None = None


def build_params(controls: Controls) -> Params:
    """Return the validated parameters that ``controls`` describe.

    Parameters
    ----------
    controls : Controls
        The control values.

    Returns
    -------
    Params
        The scenario's parameters with the controls applied.

    Raises
    ------
    ParameterError
        For an unknown scenario or a control value the scenario cannot take; the message
        names the control and, where the schema refused a value, the field.
    """
    c = controls
    if c.scenario not in available():
        raise ParameterError(f"scenario: unknown {c.scenario!r}; available: {available()}")
    overrides: dict[str, object] = {"world.population.households": c.households}
    if c.seed is not None:
        overrides["run.seed"] = c.seed
    params = _checked("households/seed", lambda: load_params(c.scenario, overrides))
    params = _checked("aid level", lambda: scale_aid(params, c.aid_level))
    if c.empowerment_share is not None:
        share = c.empowerment_share
        params = _checked("empowerment share", lambda: shift_to_empowerment(params, share))
    params = _checked("collaboration", lambda: set_levers(params, lever_settings(c)))
    return _checked("shock intensity", lambda: scale_shocks(params, c.shock_intensity))


def lever_settings(controls: Controls) -> dict[str, bool]:
    """Return the levers the controls switch (on or off), leaving out those kept as they are."""
    values = {name: getattr(controls, name) for name in LEVERS}
    return {name: bool(v) for name, v in values.items() if v is not None}


def _checked(control: str, build: Callable[[], Params]) -> Params:
    """Run ``build``; prefix a :class:`ParameterError` with the name of the control."""
    try:
        return build()
    except ParameterError as err:
        raise ParameterError(f"{control}: {err}") from None


def _number(value: object, what: str, lo: float, hi: float) -> float:
    """Return ``value`` as a finite float in [lo, hi], or raise naming ``what`` it must be."""
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not np.isfinite(value) or not lo <= float(value) <= hi:  # type: ignore[arg-type]
        raise ParameterError(f"must be {what}, got {value!r}")
    return float(value)  # type: ignore[arg-type]


def _is_bansos(p: Programme) -> bool:
    return KINDS[p.kind].bansos


def _is_empowerment(p: Programme) -> bool:
    return KINDS[p.kind].function == "empowerment"


def _scaled(p: Programme, budget: Iterable[float]) -> Programme:
    """Programme ``p`` with ``budget``; capacity follows the first year's budget ratio.

    Capacity scales with the budget (the cost per place stays); a programme that had no
    budget keeps its capacity.
    """
    budget = tuple(float(b) for b in budget)
    ratio = budget[0] / p.budget[0] if p.budget[0] > 0 else 1.0
    return dataclasses.replace(p, budget=budget, capacity=p.capacity * ratio)


def _with_programmes(params: Params, change: Callable[[Programme], Programme]) -> Params:
    programmes = tuple(change(p) for p in params.policy.programmes)
    policy = dataclasses.replace(params.policy, programmes=programmes)
    return dataclasses.replace(params, policy=policy)


def scale_aid(params: Params, level: float) -> Params:
    """Multiply the budgets and capacities of the bansos programmes by ``level``."""
    level = _number(level, "a number >= 0 (times the bansos budgets)", 0.0, np.inf)
    if level == 1:
        return params
    return _with_programmes(
        params, lambda p: _scaled(p, (b * level for b in p.budget)) if _is_bansos(p) else p
    )


def _budgets(programmes: list[Programme], years: int) -> np.ndarray:
    """Budgets as a (programme, year) array; a programme's last value repeats (as in a ledger)."""
    out = np.zeros((len(programmes), years))
    for i, p in enumerate(programmes):
        out[i] = [p.budget[min(y, len(p.budget) - 1)] for y in range(years)]
    return out


def _split(group: str, budgets: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Scale a group's (programme, year) ``budgets`` so that each year sums to ``target``.

    Each programme keeps its part of the group's money; a group with no money has no parts to
    keep, and is refused.
    """
    total = budgets.sum(axis=0)
    if np.any((total <= 0) & (target > 0)):
        raise ParameterError(
            f"the scenario gives the {group} programmes no budget to scale; keep the scenario's "
            "split or start from a scenario that funds them"
        )
    return budgets / np.where(total > 0, total, 1.0) * target


def shift_to_empowerment(params: Params, share: float) -> Params:
    """Give ``share`` of the bansos + empowerment budget to empowerment, keeping the total.

    Each year's total of the bansos and the empowerment programmes stays; within each group
    the money is split in proportion to the scenario's budgets, and capacities follow the
    budgets.
    """
    share = _number(share, "a share in [0, 1]", 0.0, 1.0)
    programmes = list(params.policy.programmes)
    bansos = [p for p in programmes if _is_bansos(p)]
    empower = [p for p in programmes if _is_empowerment(p)]
    if not bansos or not empower:
        raise ParameterError(
            "the scenario needs bansos and empowerment programmes to split a budget between, "
            f"has bansos {[p.name for p in bansos]} and empowerment {[p.name for p in empower]}"
        )
    years = max(len(p.budget) for p in bansos + empower)
    b, e = _budgets(bansos, years), _budgets(empower, years)
    total = b.sum(axis=0) + e.sum(axis=0)
    new = dict(zip([p.name for p in bansos], _split("bansos", b, (1 - share) * total), strict=True))
    new |= dict(
        zip([p.name for p in empower], _split("empowerment", e, share * total), strict=True)
    )
    return _with_programmes(params, lambda p: _scaled(p, new[p.name]) if p.name in new else p)


@functools.cache
def _lever_source() -> Params:
    return load_params(LEVER_SOURCE)


def set_levers(params: Params, levers: dict[str, bool]) -> Params:
    """Switch collaboration levers on or off; levers not in ``levers`` stay as they are.

    ``referral`` on takes the referral rate of :data:`LEVER_SOURCE` (unless the scenario
    refers already); ``follow_up`` on adds that scenario's follow-up programme (unless the
    scenario has one), off removes every follow-up programme.
    """
    unknown = set(levers) - set(LEVERS)
    if unknown:
        raise ParameterError(f"unknown levers {sorted(unknown)}; known: {list(LEVERS)}")
    source = _lever_source().policy
    collab = params.policy.collaboration
    changes: dict[str, object] = {
        k: v for k, v in levers.items() if k in ("shared_registry", "joint_targeting",
                                                  "duplication_avoidance")
    }  # fmt: skip
    if "referral" in levers:
        on = collab.referral_rate or source.collaboration.referral_rate
        changes["referral_rate"] = on if levers["referral"] else 0.0
    policy = dataclasses.replace(
        params.policy, collaboration=dataclasses.replace(collab, **changes)
    )
    has = any(p.kind == "follow_up" for p in policy.programmes)
    if "follow_up" in levers and levers["follow_up"] != has:
        kept = tuple(p for p in policy.programmes if p.kind != "follow_up")
        if levers["follow_up"]:
            kept += tuple(p for p in source.programmes if p.kind == "follow_up")
        policy = dataclasses.replace(policy, programmes=kept)
    return dataclasses.replace(params, policy=policy)


def scale_shocks(params: Params, intensity: float) -> Params:
    """Multiply the health, disaster and rice-price hazards by ``intensity``."""
    intensity = _number(intensity, "a number >= 0 (times the hazards)", 0.0, np.inf)
    shocks = params.world.shocks
    scaled = {h: getattr(shocks, h) * intensity for h in HAZARDS}
    world = dataclasses.replace(params.world, shocks=dataclasses.replace(shocks, **scaled))
    return dataclasses.replace(params, world=world)
