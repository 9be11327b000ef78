"""Graduation routes, relapse definitions, collaboration levers and targeting rules, each on a
small hand-built world where the right answer is known.

Every test builds a small model (300 households, no burn-in) and makes it *calm*: every
household well off, with a distinct consumption that ranks it by its index (household 0 is the
poorest), no poverty, no shocks, no assets. The registry has no measurement error, so registry
deciles are the deciles of consumption. The test then puts a few households in a known state by
hand and runs months of *policy alone* (:func:`policy_month`: the model's own month preparation
and agency step, while demography, shocks and the household rules do not run), so nothing moves
but what the agencies do. Programmes the test does not use get no budget (:func:`only`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from scenarios import load_params
from simulation import GraduationModel
from simulation.environment import MonthEnvironment
from simulation.metrics import weighted_deciles
from simulation.params import Params
from simulation.policy.graduation import (
    EMPOWERMENT,
    ENDED_POOR,
    ENDED_REENROLLED,
    ENDED_SUSTAINED,
    ENROLLED,
    GRADUATED,
    NATURAL,
    OPEN,
    PASSED_OVER,
    REGISTRY,
    RELAPSED,
    SELF_DECLARED,
    SUSTAINED,
)
from simulation.policy.programmes.base import ProgrammeRuntime
from simulation.policy.programmes.credit import Credit
from simulation.policy.runtime import PolicyRuntime

SMALL: dict[str, Any] = {
    "world.population.households": 300,
    "world.population.village_size": 20,
    "run.months": 40,
    "run.burn_in_months": 0,
    "policy.registry.noise": 0.0,  # registry deciles are consumption deciles
    "policy.registry.own_noise": 0.0,
    "policy.graduation.self_declare_rate": 0.0,  # no random exits unless a test asks
}
AMPLE = 1e20  # a national budget no test can exhaust
FOLLOW_UP = "Graduate follow-up"


# -- helpers ----------------------------------------------------------------------------------


def build(
    scenario: str = "baseline_2025",
    edit: Callable[[Params], Params] | None = None,
    **overrides: Any,
) -> GraduationModel:
    """A calm small model of ``scenario``; ``overrides`` are dotted paths (``__`` for ``.``).

    PKH has every member on record (``verified_share`` 1), so known families are paid.
    """
    known = SMALL | {"policy.programmes.PKH.rules.verified_share": 1.0}
    params = load_params(scenario, known | {k.replace("__", "."): v for k, v in overrides.items()})
    if edit is not None:
        params = edit(params)
    model = GraduationModel(params)
    hh, pov = model.households, params.world.poverty
    hh.consumption_pc[:] = 2e6 + 1e4 * np.arange(hh.n)  # all well off, ranked by index
    hh.poverty_line[:] = np.where(hh.urban, pov.urban, pov.rural)
    for column in ("poor", "extreme_poor"):
        getattr(hh, column)[:] = False
    for column in ("health_cost", "debt", "assets", "wage_income", "enterprise_income",
                   "other_income", "kin_income"):  # fmt: skip
        getattr(hh, column)[:] = 0.0
    hh.sick[:] = 0
    return model


def runtime(model: GraduationModel) -> PolicyRuntime:
    assert model.runtime is not None
    return model.runtime


def prog(model: GraduationModel, name: str) -> ProgrammeRuntime:
    return next(p for p in runtime(model).programmes if p.spec.name == name)


def env(model: GraduationModel) -> MonthEnvironment:
    """The environment of the month just run (as the agencies left it)."""
    assert model.env is not None
    return model.env


def umi(model: GraduationModel) -> Credit:
    credit = prog(model, "UMi credit")
    assert isinstance(credit, Credit)
    return credit


def working_capital(model: GraduationModel, i: int) -> float:
    """Working capital household ``i`` holds this month (Rp)."""
    held = env(model).working_capital
    return 0.0 if held is None else float(held[i])


def only(model: GraduationModel, capacity: Mapping[str, int | None] | None = None) -> None:
    """Fund only the programmes named in ``capacity``, amply, at that many households.

    ``None`` keeps a programme's own capacity. Every other programme gets no budget (so it
    enrols nobody). Call before the first month.
    """
    wanted = capacity or {}
    assert set(wanted) <= {p.spec.name for p in runtime(model).programmes}
    for p in runtime(model).programmes:
        if p.spec.name in wanted:
            p.ledger.budgets = (AMPLE,)
            room = wanted[p.spec.name]
            if room is not None:
                p.capacity = room
        else:
            p.ledger.budgets = (0.0,)


def policy_month(model: GraduationModel, months: int = 1) -> None:
    """Run ``months`` months of policy alone: the agencies act on the households as they are."""
    for _ in range(months):
        model._prepare_month()
        model._agencies_act()  # transfers of last month cleared, then the policy runtime acts
        model.month += 1


def programmes(edit: dict[str, Callable[[Any], Any]]) -> Callable[[Params], Params]:
    """A parameter edit replacing programme specs by name (``edit[name](spec) -> spec``)."""

    def apply(params: Params) -> Params:
        progs = tuple(edit[p.name](p) if p.name in edit else p for p in params.policy.programmes)
        return replace(params, policy=replace(params.policy, programmes=progs))

    return apply


def rules(**changes: Any) -> Callable[[Any], Any]:
    return lambda spec: replace(spec, rules=replace(spec.rules, **changes))


def targeting(**changes: Any) -> Callable[[Any], Any]:
    return lambda spec: replace(spec, targeting=replace(spec.targeting, **changes))


def ids(*values: int) -> NDArray[np.intp]:
    return np.array(values, dtype=np.intp)


def family(model: GraduationModel, i: int, head: int = 35, others: Iterable[float] = ()) -> None:
    """Make household ``i`` a head aged ``head`` with members of ages ``others`` (years)."""
    hh = model.households
    ages = [head, *others]
    hh.age[i, :] = -1
    hh.age[i, : len(ages)] = [round(a * 12) for a in ages]
    hh.disabled[i, :] = False
    hh.pregnant[i] = 0
    hh.size[i] = len(ages)
    model.composition.refresh(hh)  # members changed by hand


def deciles(model: GraduationModel) -> NDArray[np.int8]:
    """The registry deciles a refresh would give now (no measurement error)."""
    hh = model.households
    return weighted_deciles(hh.consumption_pc, hh.size.astype(np.float64))


def graduated_by_hand(model: GraduationModel, idx: NDArray[np.intp], month: int) -> None:
    """Households ``idx`` graduated (registry route) in ``month``, without any programme."""
    tr = runtime(model).tracker
    tr.enrol(idx, month - 1)
    tr.graduate(idx, REGISTRY, month)


def relapsed_by_hand(model: GraduationModel, idx: NDArray[np.intp], month: int) -> None:
    """Households ``idx`` graduated before ``month`` and relapsed (poor) in ``month``."""
    tr = runtime(model).tracker
    graduated_by_hand(model, idx, month - 1)
    bad = np.zeros(tr.status.size, dtype=bool)
    bad[idx] = True
    tr.update_graduates(month, bad, "any_month", (10_000,))  # only ``idx`` is below the line


def sustained_by_hand(model: GraduationModel, idx: NDArray[np.intp], month: int) -> None:
    """Households ``idx`` sustained graduation in ``month`` (call before any other graduate)."""
    tr = runtime(model).tracker
    assert not (tr.status == GRADUATED).any()
    graduated_by_hand(model, idx, month - 1)
    tr.update_graduates(month, np.zeros(tr.status.size, dtype=bool), "followup", (1,))


def graduate_now(model: GraduationModel, idx: NDArray[np.intp], route: int) -> None:
    """Graduate ``idx`` by ``route`` as the runtime does, in the month just run (its context).

    They leave every bansos programme and are referred (use with referral rates 0 or 1: the
    referral draw would be that of the next month).
    """
    rt = runtime(model)
    assert rt.ctx is not None and rt.ctx.month == model.month - 1
    rt._graduate(rt.ctx, idx, route)


# -- graduation routes ------------------------------------------------------------------------


def test_empowerment_route_needs_a_package_and_empowerment_months_at_the_minimum_wage() -> None:
    model = build()
    only(model, {"Sembako": 300})
    rt, hh = runtime(model), model.households
    tr, sembako = rt.tracker, prog(model, "Sembako")
    a, b, c, d = 0, 1, 2, 3  # the poorest: on Sembako from month 0
    policy_month(model)
    assert sembako.enrolled[[a, b, c, d]].all()
    tr.had_package[[a, b, d]] = True  # c never had a package
    mw = env(model).minimum_wage
    hh.wage_income[[a, b]] = mw[[a, b]]  # exactly the minimum wage
    hh.wage_income[c] = 2 * mw[c]
    hh.wage_income[d] = mw[d] - 1.0  # short by a Rupiah; Sembako's 200,000 does not count
    history: dict[int, list[int]] = {i: [] for i in (a, b, c, d)}
    for month in range(1, 7):
        if month == 2:
            hh.wage_income[b] = mw[b] - 1.0  # b misses one month: its streak starts again
        policy_month(model)
        hh.wage_income[b] = mw[b]
        for i in history:
            history[i].append(int(tr.status[i]))
        if month == 4:
            assert tr.new["empowerment"] == 1
            assert tr.grad_type[a] == EMPOWERMENT and tr.grad_month[a] == 4
            assert not sembako.enrolled[a]  # left bansos
        if month == 6:
            assert tr.new["empowerment"] == 1
    assert history[a][:4] == [ENROLLED] * 3 + [GRADUATED]  # months 1-4, checked monthly
    assert history[b] == [ENROLLED] * 5 + [GRADUATED]  # passes at 1, 3, 4, 5, 6
    assert tr.grad_type[b] == EMPOWERMENT and tr.grad_month[b] == 6
    assert history[c] == [ENROLLED] * 6
    assert history[d] == [ENROLLED] * 6


def test_registry_route_needs_consecutive_refreshes_above_the_cut() -> None:
    model = build()
    only(model, {"PKH": 300, "Sembako": 300})
    rt, hh = runtime(model), model.households
    tr, pkh, sembako = rt.tracker, prog(model, "PKH"), prog(model, "Sembako")
    a, b, c = 5, 6, 7
    family(model, a, 35, (30, 8, 9))  # two primary-school children: on PKH too
    policy_month(model)
    assert pkh.enrolled[a] and sembako.enrolled[[a, b, c]].all()
    poor_b, poor_c = hh.consumption_pc[b], hh.consumption_pc[c]
    hh.consumption_pc[a] = 1e9  # richest from month 1 on
    for month in range(1, 13):
        hh.consumption_pc[b] = 1e9 if month == 6 else poor_b  # above the cut at one refresh
        hh.consumption_pc[c] = 1e9 if month == 12 else poor_c
        policy_month(model)
        if month < 12:
            assert tr.status[a] == ENROLLED, month
        if month == 6:
            assert tr.welfare_streak[[a, b, c]].tolist() == [1, 1, 0]
    assert tr.status[a] == GRADUATED and tr.grad_type[a] == REGISTRY and tr.grad_month[a] == 12
    assert tr.new["registry"] == 1
    assert not pkh.enrolled[a] and not sembako.enrolled[a]  # leaves every bansos
    assert tr.status[[b, c]].tolist() == [ENROLLED, ENROLLED]
    assert tr.welfare_streak[[b, c]].tolist() == [0, 1]


def test_only_empowerment_graduates_outside_assessment_months() -> None:
    """Registry, self-declared and natural routes all wait for the refresh of month 6."""
    model = build(policy__graduation__consecutive=1, policy__graduation__self_declare_rate=1.0)
    only(model, {"PKH": 300, "Sembako": 10})
    rt, hh = runtime(model), model.households
    tr, pkh = rt.tracker, prog(model, "PKH")
    r, s, n = 1, 2, 20  # r and s on Sembako; n on PKH only
    family(model, n, 35, (30, 8, 9))
    policy_month(model)
    assert pkh.enrolled[n] and not prog(model, "Sembako").enrolled[n]
    hh.consumption_pc[r] = 1e9  # registry and own welfare above the cut
    model.true_decile = deciles(model)
    model.true_decile[s] = 10  # only s knows it is well off; its record stays poor
    family(model, n, 35, (30, 20, 21))  # the children grew up: no PKH member left
    for month in range(1, 6):
        policy_month(model)
        assert sum(tr.new.values()) == 0, month
        assert tr.status[[r, s, n]].tolist() == [ENROLLED] * 3
        assert pkh.enrolled[n]
    policy_month(model)  # month 6: an assessment
    assert tr.new == {"natural": 1, "registry": 1, "self_declared": 1, "empowerment": 0}
    assert tr.grad_type[[r, s, n]].tolist() == [REGISTRY, SELF_DECLARED, NATURAL]
    assert (tr.grad_month[[r, s, n]] == 6).all()


def test_self_declared_route_uses_true_deciles_and_the_self_declare_draw() -> None:
    rate = 0.5
    model = build(policy__graduation__self_declare_rate=rate)
    only(model, {"Sembako": 300})
    rt, tr = runtime(model), runtime(model).tracker
    policy_month(model)
    kpm = rt.is_kpm().copy()
    u = model.streams.generator("self_declare", 6).random(model.households.n)
    model.true_decile = np.full(model.households.n, 10, dtype=np.int8)
    at_cut = np.flatnonzero(kpm & (u < rate))[0]
    model.true_decile[at_cut] = 4  # at the cut, not above it
    policy_month(model, 5)
    assert not (tr.status == GRADUATED).any()  # months 1-5 assess nobody
    policy_month(model)
    expected = np.flatnonzero(kpm & (u < rate) & (model.true_decile > 4))
    declared = np.flatnonzero(tr.grad_type == SELF_DECLARED)
    np.testing.assert_array_equal(declared, expected)
    assert 0 < expected.size < np.count_nonzero(kpm) - 1
    assert tr.new["self_declared"] == expected.size
    assert (tr.status[expected] == GRADUATED).all()
    assert tr.status[at_cut] == ENROLLED


def test_natural_route_counts_every_pkh_exit_and_graduates_families_left_without_bansos() -> None:
    model = build()
    only(model, {"PKH": 300, "Sembako": 1})
    rt = runtime(model)
    tr, pkh, sembako = rt.tracker, prog(model, "PKH"), prog(model, "Sembako")
    a, b = 0, 1  # a: PKH and Sembako (the poorest takes the only Sembako place); b: PKH only
    for i in (a, b):
        family(model, i, 35, (30, 8, 9))
    policy_month(model, 2)
    assert pkh.enrolled[[a, b]].all() and sembako.enrolled[a] and not sembako.enrolled[b]
    for i in (a, b):
        family(model, i, 35, (30, 20, 21))  # no PKH member left
    for month in range(2, 6):
        policy_month(model)
        assert pkh.enrolled[[a, b]].all(), month  # exits wait for the assessment
    policy_month(model)
    assert not pkh.enrolled[[a, b]].any()
    assert tr.new["natural"] == 2  # both exits are natural graduations in the counts
    assert tr.status[a] == ENROLLED and sembako.enrolled[a]  # still a KPM
    assert tr.status[b] == GRADUATED and tr.grad_type[b] == NATURAL and tr.grad_month[b] == 6
    table = tr.spells.table(6)
    assert table["route"].tolist() == [NATURAL] and tr.spell[b] == 0 and tr.spell[a] == -1


def test_own_lists_assess_graduation_when_the_own_list_is_refreshed() -> None:
    model = build(
        policy__collaboration__shared_registry=False,
        policy__registry__own_refresh_months=8,
        policy__graduation__consecutive=1,
    )
    only(model, {"Sembako": 300})
    rt, hh = runtime(model), model.households
    a = 4
    policy_month(model)
    assert rt.kemensos_list() == "own" and rt.is_kpm()[a]
    hh.consumption_pc[a] = 1e9
    policy_month(model, 7)  # months 1-7: the shared list is refreshed at 6, Kemensos' is not
    assert rt.registry.refreshed == {"shared": 6, "own": 0}
    assert rt.tracker.status[a] == ENROLLED
    policy_month(model)  # month 8
    assert rt.registry.refreshed["own"] == 8
    assert rt.tracker.status[a] == GRADUATED and rt.tracker.grad_type[a] == REGISTRY


# -- relapse ----------------------------------------------------------------------------------


def _graduates_through(
    definition: str, schedule: dict[int, dict[int, float]], months: int, **overrides: Any
) -> GraduationModel:
    """Graduate households 10.. at the end of month 0 and run ``months`` more months.

    ``schedule[month][i]``: consumption per capita of household ``i`` as a multiple of its
    poverty line in the month before ``month`` (read by ``month``'s relapse test); otherwise it
    stays well off. No programme has a budget, so nobody is re-enrolled.
    """
    model = build(policy__graduation__relapse_definition=definition, **overrides)
    only(model)
    hh = model.households
    policy_month(model)
    graduated_by_hand(model, np.arange(10, 16), 0)
    well_off = hh.consumption_pc.copy()
    for month in range(1, months + 1):
        hh.consumption_pc[:] = well_off
        for i, multiple in schedule.get(month, {}).items():
            hh.consumption_pc[i] = multiple * hh.poverty_line[i]
        policy_month(model)
    return model


@pytest.mark.parametrize("line", [1.0, 1.5])
def test_followup_definition_relapses_below_the_line_only_at_the_follow_ups(line: float) -> None:
    g = dict(enumerate(range(10, 16)))
    schedule: dict[int, dict[int, float]] = {m: {g[5]: 1.2} for m in range(1, 25)}
    schedule[5][g[1]] = 0.9  # below the line between follow-ups: recorded, not a relapse
    schedule[18][g[1]] = 0.9
    schedule[12][g[0]] = 0.9  # below at the 12-month follow-up
    schedule[12][g[4]] = line  # exactly at the relapse line is not below it
    schedule[24] |= {g[2]: 0.9, g[4]: line}  # g2 below at the last follow-up
    model = _graduates_through("followup", schedule, 24, policy__graduation__relapse_line=line)
    tr = runtime(model).tracker
    table = tr.spells.table(24)
    status = [int(tr.status[g[k]]) for k in range(6)]
    g5_relapses = line > 1.2  # 1.2 x the poverty line is below 1.5 x, not below 1.0 x
    assert status == [RELAPSED, SUSTAINED, RELAPSED, SUSTAINED, SUSTAINED,
                      RELAPSED if g5_relapses else SUSTAINED]  # fmt: skip
    assert tr.relapse_month[[g[0], g[2]]].tolist() == [12, 24]
    assert table["reason"].tolist() == [ENDED_POOR, ENDED_SUSTAINED, ENDED_POOR, ENDED_SUSTAINED,
                                        ENDED_SUSTAINED,
                                        ENDED_POOR if g5_relapses else ENDED_SUSTAINED]  # fmt: skip
    assert table["first_bad"].tolist() == [12, 5, 24, -1, -1, 1 if g5_relapses else -1]
    assert table["duration"].tolist() == [12, 24, 24, 24, 24, 12 if g5_relapses else 24]


def test_any_month_definition_relapses_in_the_first_month_below_the_line() -> None:
    schedule = {5: {10: 0.9}, 6: {10: 0.9, 11: 0.99}}
    model = _graduates_through("any_month", schedule, 24)
    tr = runtime(model).tracker
    assert tr.status[10:16].tolist() == [RELAPSED, RELAPSED] + [SUSTAINED] * 4
    assert tr.relapse_month[10:12].tolist() == [5, 6]
    table = tr.spells.table(24)
    assert table["reason"].tolist() == [ENDED_POOR, ENDED_POOR] + [ENDED_SUSTAINED] * 4
    assert table["first_bad"].tolist() == [5, 6, -1, -1, -1, -1]


def test_reenrolment_definition_never_relapses_from_poverty() -> None:
    schedule = {m: {10: 0.5, 11: 0.9} for m in range(1, 25)}
    model = _graduates_through("reenrolment", schedule, 24)
    tr = runtime(model).tracker
    assert (tr.status[10:16] == SUSTAINED).all()
    assert (tr.relapse_month[10:16] == -1).all()
    assert tr.spells.table(24)["first_bad"].tolist() == [1, 1, -1, -1, -1, -1]


@pytest.mark.parametrize("definition", ["followup", "any_month", "reenrolment"])
def test_reenrolled_graduate_relapses_once_the_registry_has_seen_it(definition: str) -> None:
    model = build(policy__graduation__relapse_definition=definition)
    only(model, {"Sembako": 300})
    rt, hh = runtime(model), model.households
    tr, sembako = rt.tracker, prog(model, "Sembako")
    g = 3
    policy_month(model, 2)
    assert sembako.enrolled[g]
    graduate_now(model, ids(g), EMPOWERMENT)  # graduates in month 1
    assert not sembako.enrolled[g]
    hh.consumption_pc[g] = 1.1 * hh.poverty_line[g]  # not poor, still the poorest listed
    for month in range(2, 6):  # Kemensos' list last saw it in month 0
        policy_month(model)
        assert tr.status[g] == GRADUATED and not sembako.enrolled[g], month
    policy_month(model)  # month 6: the refresh sees it; Sembako takes it back at once
    assert sembako.enrolled[g] and tr.status[g] == ENROLLED
    assert tr.relapse_month[g] == 6
    assert tr.reenrolments == 1 and tr.relapses == 1
    assert tr.spells.table(6)["reason"].tolist() == [ENDED_REENROLLED]


def test_relapsed_household_reenters_only_after_the_registry_sees_it_again() -> None:
    model = build(policy__graduation__relapse_definition="any_month")
    only(model, {"Sembako": 300})
    rt, hh = runtime(model), model.households
    tr, sembako = rt.tracker, prog(model, "Sembako")
    g = 3
    policy_month(model, 2)
    graduate_now(model, ids(g), EMPOWERMENT)
    hh.consumption_pc[g] = 0.9 * hh.poverty_line[g]
    policy_month(model)  # month 2: relapses (poor in month 1)
    assert tr.status[g] == RELAPSED and tr.relapse_month[g] == 2
    for month in range(3, 6):
        policy_month(model)
        assert tr.status[g] == RELAPSED and not sembako.enrolled[g], month
    policy_month(model)
    assert tr.status[g] == ENROLLED and sembako.enrolled[g]
    assert tr.reenrolments == 0 and tr.relapses == 0  # it had relapsed already


def test_sustained_household_may_be_enrolled_again_at_once() -> None:
    model = build(policy__graduation__followup_months=[1, 2])
    only(model, {"Sembako": 300})
    rt = runtime(model)
    tr, sembako = rt.tracker, prog(model, "Sembako")
    s, g = 3, 4
    policy_month(model, 2)
    graduate_now(model, ids(s), EMPOWERMENT)  # month 1
    policy_month(model)
    graduate_now(model, ids(g), EMPOWERMENT)  # month 2
    policy_month(model)  # month 3: s sustains (2 months) and is eligible again, unseen
    assert tr.status[s] == ENROLLED and sembako.enrolled[s]
    assert tr.sustained == 1 and tr.reenrolments == 0
    assert tr.status[g] == GRADUATED and not sembako.enrolled[g]
    assert tr.spells.table(3)["reason"].tolist() == [ENDED_SUSTAINED, OPEN]


# -- collaboration levers ---------------------------------------------------------------------


def _agency_registry(agency: str, registry: str) -> Callable[[Params], Params]:
    def apply(params: Params) -> Params:
        agencies = tuple(replace(a, registry=registry) if a.name == agency else a
                         for a in params.policy.agencies)  # fmt: skip
        return replace(params, policy=replace(params.policy, agencies=agencies))

    return apply


@pytest.mark.parametrize(
    ("shared", "kemnaker", "own_programmes"),
    [
        (True, "shared", set()),
        (True, "own", {"Vocational training"}),
        (False, "shared", "all"),
    ],
    ids=["shared", "kemnaker-own", "fragmented"],
)
def test_programmes_target_with_the_shared_or_their_own_list(
    shared: bool, kemnaker: str, own_programmes: set[str] | str
) -> None:
    model = build(
        edit=_agency_registry("Kemnaker", kemnaker),
        policy__collaboration__shared_registry=shared,
    )
    policy_month(model)
    rt = runtime(model)
    names = {p.spec.name for p in rt.programmes}
    own = names if own_programmes == "all" else own_programmes
    for p in rt.programmes:
        which = "own" if p.spec.name in own else "shared"
        assert rt.targeting.list_of(p) == which, p.spec.name
        assert rt.targeting.deciles(p) is rt.registry.decile[which]
    assert rt.kemensos_list() == ("shared" if shared else "own")
    assert rt.registry.refreshed["own"] == (0 if own else -(10**6))  # built only if used


def test_referral_window_of_a_referred_graduate() -> None:
    model = build(policy__collaboration__referral_rate=1.0, policy__collaboration__referral_delay=2)
    only(model, {"Sembako": 300})
    rt = runtime(model)
    g, other = 3, 4
    policy_month(model, 5)
    graduate_now(model, ids(g), EMPOWERMENT)  # month 4: referred, acted on from month 6
    assert rt.tracker.referred_due[g] == 6 and rt.tracker.referred_due[other] == -1
    window = [m for m in range(60) if rt.targeting.referred(m)[g]]
    assert window == list(range(6, 30))  # 24 months
    assert not any(rt.targeting.referred(m)[other] for m in range(60))


def test_graduates_are_not_referred_without_a_referral_rate() -> None:
    model = build(policy__collaboration__referral_rate=0.0)
    only(model, {"Sembako": 300})
    policy_month(model, 2)
    graduate_now(model, ids(3), EMPOWERMENT)
    assert (runtime(model).tracker.referred_due == -1).all()


@pytest.mark.parametrize("rate", [1.0, 0.5])
def test_near_graduates_are_referred_at_assessments_and_only_once(rate: float) -> None:
    model = build(
        policy__collaboration__referral_rate=rate, policy__collaboration__referral_delay=3
    )
    only(model, {"Sembako": 300})
    rt = runtime(model)
    tr = rt.tracker
    policy_month(model)
    kpm = rt.is_kpm().copy()
    decile = rt.kemensos_deciles().copy()
    near = np.flatnonzero(kpm & (decile == 4))
    already = near[0]
    tr.referred_due[already] = 1  # referred before: not referred again
    policy_month(model, 5)
    assert np.flatnonzero(tr.referred_due >= 0).tolist() == [already]  # months 1-5: none
    policy_month(model)  # month 6
    u = model.streams.generator("referral", 6).random(model.households.n)
    expected = near[(near != already) & (u[near] < rate)]
    np.testing.assert_array_equal(np.flatnonzero(tr.referred_due == 9), expected)
    assert expected.size > 0 and tr.referred_due[already] == 1
    assert (tr.referred_due[kpm & (decile < 4)] == -1).all()
    policy_month(model, 6)  # month 12: the same families are not referred again
    np.testing.assert_array_equal(np.flatnonzero(tr.referred_due == 9), expected)


@pytest.mark.parametrize("quota", [0.0, 0.25])
def test_referred_quota_takes_its_share_of_the_intake(quota: float) -> None:
    cfw_name = "Village cash-for-work"
    model = build(
        "full_synergy", programmes({cfw_name: targeting(quota=quota)}),
        policy__collaboration__referral_rate=0.0,
    )  # fmt: skip
    only(model, {"Village cash-for-work": 4})
    rt, tr = runtime(model), runtime(model).tracker
    eligible = np.flatnonzero((deciles(model) <= 4) & (model.composition.workers > 0))
    r, r2 = eligible[-2:]  # the richest eligible, referred
    tr.referred_due[[r, r2]] = 0
    policy_month(model)
    enrolled = np.flatnonzero(prog(model, cfw_name).enrolled)
    if quota:  # one place of four for the poorest referred household, three by the rule
        assert enrolled.tolist() == sorted([*eligible[:3], r])
    else:
        assert enrolled.tolist() == eligible[:4].tolist()
    assert not rt.targeting.referred(0)[eligible[:3]].any()


def test_quota_places_carry_their_fractions_from_month_to_month() -> None:
    model = build("full_synergy")  # cash-for-work reserves a quarter for referred households
    only(model)
    policy_month(model)
    rt = runtime(model)
    cfw = prog(model, "Village cash-for-work")
    ok = np.zeros(model.households.n, dtype=bool)
    ok[[2, 5, 7, 9, 11, 40]] = True
    rt.tracker.referred_due[[11, 40]] = 0
    ctx = rt.month_context(1)
    rt.targeting._carry.clear()

    def select(k: int) -> list[int]:
        return [int(i) for i in rt.targeting.select(cfw, ok, k, ctx, lambda cand: cand)]

    assert select(2) == [2, 5]  # 0.5 of a place: owed
    assert select(2) == [11, 2]  # 0.5 + 0.5: one place for the group, served first
    assert select(2) == [2, 5]
    assert select(4) == [11, 2, 5, 7]  # 0.5 + 1.0: one place, half a place still owed
    assert select(2) == [11, 2]
    assert select(8) == [11, 2, 5, 7, 9, 40]  # 6 eligible taken: 1.5 places, half owed
    assert select(2) == [11, 2]


@pytest.mark.parametrize("quota", [0.0, 0.5])
def test_reentry_quota_reserves_places_for_relapsed_and_seen_graduates(quota: float) -> None:
    model = build(
        edit=programmes(
            {"Sembako": targeting(quota=quota, quota_for="relapsed" if quota else None)}
        )
    )
    only(model, {"Sembako": 4})
    tr = runtime(model).tracker
    listed = np.flatnonzero(deciles(model) <= 4)
    r, q, u = listed[-3:]  # the richest eligible
    relapsed_by_hand(model, ids(r), -10)
    graduated_by_hand(model, ids(q), -5)  # the refresh of month 0 sees it
    graduated_by_hand(model, ids(u), 0)  # graduated in month 0: not seen since
    policy_month(model)
    enrolled = np.flatnonzero(prog(model, "Sembako").enrolled).tolist()
    if quota:  # two places of four for the group, by registry score; u may not re-enter yet
        assert enrolled == [0, 1, r, q]
        assert tr.status[[r, q, u]].tolist() == [ENROLLED, ENROLLED, GRADUATED]
        assert tr.reenrolments == 1  # q, re-enrolled as a graduate
    else:
        assert enrolled == [0, 1, 2, 3]


def test_referred_graduate_is_eligible_for_the_package_while_referred() -> None:
    model = build(
        "full_synergy",
        policy__collaboration__referral_rate=1.0,
        policy__collaboration__referral_delay=2,
    )
    only(model, {"Sembako": 300})
    rt = runtime(model)
    pena = prog(model, "PENA")
    g, unreferred, kpm = 0, 1, 2
    for i in (g, unreferred, kpm):
        family(model, i, 30, (28,))  # head of productive age, earners
    policy_month(model, 4)
    graduate_now(model, ids(g, unreferred), EMPOWERMENT)  # month 3: due in month 5
    rt.tracker.referred_due[unreferred] = -1

    def eligible(month: int) -> list[bool]:
        return [bool(x) for x in pena.eligible(rt.month_context(month))[[g, unreferred, kpm]]]

    assert eligible(4) == [False, False, True]  # a KPM is eligible anyway
    assert eligible(5) == [True, False, True]
    assert eligible(28) == [True, False, True]
    assert eligible(29) == [False, False, True]  # the referral has run its 24 months


@pytest.mark.parametrize(
    ("joint", "training_room", "credit_funded", "k"),
    [(True, 5, True, 2), (True, 0, True, 1), (True, 5, False, 1), (False, 5, True, 0)],
    ids=["joint", "training-full", "credit-unfunded", "not-joint"],
)
def test_joint_targeting_enrols_partners_before_the_success_draw(
    joint: bool, training_room: int, credit_funded: bool, k: int
) -> None:
    model = build(
        "full_synergy",
        programmes({"PENA": rules(success_base=0.0, success_skill=0.0)}),
        policy__collaboration__joint_targeting=joint,
        policy__collaboration__complementarity=0.5,
        policy__collaboration__referral_rate=0.0,
    )
    funded: dict[str, int | None] = {
        "Sembako": 300,
        "PENA": 1,
        "Vocational training": training_room,
    }
    if credit_funded:
        funded["UMi credit"] = 5
    only(model, funded)
    hh = model.households
    f = 0  # the poorest: on Sembako, first for the package
    family(model, f, 30, (28,))
    hh.assets[f] = 1.5e6  # a running micro-enterprise: a credit candidate
    hh.savings[f] = savings = 1e6
    u = model.streams.generator("package", 0).random(hh.n)[f]
    policy_month(model)
    training, credit = prog(model, "Vocational training"), prog(model, "UMi credit")
    assert prog(model, "PENA").enrolled[f]
    assert training.enrolled[f] == (joint and training_room > 0)
    assert credit.enrolled[f] == (joint and credit_funded)
    assert runtime(model).complementary(ids(f)).tolist() == [k]
    success = u < min(0.5 * k, 1.0)  # success_base 0: only complementarity counts
    assert runtime(model).tracker.package_success[f] == success
    loan_assets = 0.3 * 4.0e6 if credit.enrolled[f] else 0.0
    assert hh.assets[f] == pytest.approx(1.5e6 + loan_assets + (2.4e6 if success else 0.0))
    assert hh.savings[f] == pytest.approx(savings + (0.0 if success else 2.4e6))
    if k == 2:
        assert success  # complementarity counted the joint enrolments at the draw


@pytest.mark.parametrize("avoid", [True, False])
def test_duplication_avoidance_is_by_function_and_by_another_agency(avoid: bool) -> None:
    def add_blt(params: Params) -> Params:
        sembako = next(p for p in params.policy.programmes if p.name == "Sembako")
        blt = replace(sembako, name="BLT Desa", agency="Kemendes")  # income support, Kemendes
        progs = (*params.policy.programmes, blt)
        return replace(params, policy=replace(params.policy, programmes=progs))

    model = build(
        "full_synergy",
        add_blt,
        policy__collaboration__duplication_avoidance=avoid,
        policy__collaboration__joint_targeting=False,
        policy__collaboration__referral_rate=0.0,
    )
    only(model, {"PKH": 300, "Sembako": 300, "PENA": 1})
    rt, hh = runtime(model), model.households
    f, h = 0, 1
    family(model, f, 30, (28, 8, 9))  # PKH, Sembako and PENA
    family(model, h, 30, (28,))
    hh.assets[[f, h]] = 1.5e6  # credit candidates
    policy_month(model)
    assert prog(model, "PKH").enrolled[f] and prog(model, "Sembako").enrolled[f]  # one agency
    assert prog(model, "PENA").enrolled[f] and not prog(model, "PENA").enrolled[h]
    ctx = rt.month_context(1)

    def eligible(name: str) -> list[bool]:
        return [bool(x) for x in prog(model, name).eligible(ctx)[[f, h]]]

    assert eligible("Vocational training") == [not avoid, True]  # empowerment, Kemnaker
    assert eligible("UMi credit") == [not avoid, True]  # empowerment, Kemenkop-PIP
    assert eligible("BLT Desa") == [not avoid, not avoid]  # h is on Sembako too
    assert eligible("Village cash-for-work") == [True, True]  # employment


def test_coordination_overhead_is_taken_off_every_ledger_each_january() -> None:
    model = build(policy__collaboration__overhead=0.05)
    rt = runtime(model)
    policy_month(model)
    for p in rt.programmes:
        acc = p.ledger.current
        assert acc.allocated == pytest.approx(p.spec.budget[0] / model.weight, rel=1e-12)
        assert acc.overhead == pytest.approx(0.05 * acc.allocated, rel=1e-12)
        assert p.ledger.remaining == pytest.approx(0.95 * acc.allocated - acc.spent, rel=1e-12)
    policy_month(model, 11)
    assert all(len(p.ledger.years) == 1 for p in rt.programmes)
    policy_month(model)  # month 12: a new budget year
    for p in rt.programmes:
        first, second = p.ledger.years
        assert second.overhead == pytest.approx(0.05 * second.allocated, rel=1e-12)
        assert first.overhead == pytest.approx(0.05 * first.allocated, rel=1e-12)


def _follow_up(months: int = 24, **changes: Any) -> Callable[[Params], Params]:
    return programmes({FOLLOW_UP: rules(months=months, **changes)})


def test_follow_up_enrols_recent_graduates_visits_them_and_lowers_their_threshold() -> None:
    model = build("full_synergy", _follow_up(months=6), policy__collaboration__referral_rate=0.0)
    only(model, {"Graduate follow-up": 300})
    follow = prog(model, FOLLOW_UP)
    s, r, g, old = 10, 11, 12, 13
    sustained_by_hand(model, ids(s), -1)
    relapsed_by_hand(model, ids(r), -1)
    graduated_by_hand(model, ids(old), -6)  # graduated 6 months before month 0: too long ago
    graduated_by_hand(model, ids(g), 0)
    threshold = model.params.world.assets.threshold
    for month in range(6):
        policy_month(model)
        assert np.flatnonzero(follow.enrolled).tolist() == [g], month
        assert follow.paid == pytest.approx(15_000.0)  # one visit, no support
        assert env(model).threshold[g] == pytest.approx(0.9 * threshold)
        others = np.delete(env(model).threshold, g)
        assert (others == threshold).all()
        assert model.households.transfer_income[g] == 0.0
    assert follow.ledger.current.spent == pytest.approx(6 * 15_000.0)
    policy_month(model)  # month 6: six months after graduating, no longer followed
    assert not follow.enrolled.any() and follow.paid == 0.0
    assert (env(model).threshold == threshold).all()


def test_follow_up_supports_a_graduate_for_support_months_after_a_shock() -> None:
    model = build("full_synergy", policy__collaboration__referral_rate=0.0)
    only(model, {"Graduate follow-up": 300})
    rt, hh = runtime(model), model.households
    follow = prog(model, FOLLOW_UP)
    sick, poor = 10, 11
    graduated_by_hand(model, ids(sick, poor), 0)
    received: dict[int, list[float]] = {sick: [], poor: []}
    paid = []
    for month in range(8):
        hh.health_cost[sick] = 1.0 if month == 2 else 0.0  # a health shock in month 1
        hh.poor[poor] = month == 3  # below the poverty line in month 2
        policy_month(model)
        for i in received:
            received[i].append(float(hh.transfer_income[i]))
        paid.append(follow.paid)
        if month == 3:  # only the poor one is re-assessed, at once
            assert rt.registry.seen["shared"][[sick, poor]].tolist() == [0, 3]
    support = 300_000.0
    assert received[sick] == [0, 0, support, support, support, 0, 0, 0]
    assert received[poor] == [0, 0, 0, support, support, support, 0, 0]
    supported = [0, 0, 1, 2, 2, 1, 0, 0]
    assert paid == pytest.approx([2 * 15_000.0 + k * support for k in supported])


def _reentry_month(definition: str, reassess: bool) -> int:
    """Month a followed graduate, poor from month 8, is back on Sembako (-1: not by month 13).

    It graduates in month 7 (after the refresh of month 6), is followed from month 8 and is
    below the poverty line in month 8 on; the next refresh is in month 12.
    """
    model = build(
        "full_synergy",
        _follow_up(reassess=reassess),
        policy__graduation__relapse_definition=definition,
        policy__collaboration__referral_rate=0.0,
    )
    only(model, {"Sembako": 300, "Graduate follow-up": 300})
    rt, hh = runtime(model), model.households
    tr, sembako, follow = rt.tracker, prog(model, "Sembako"), prog(model, FOLLOW_UP)
    g = 2
    policy_month(model, 8)
    graduate_now(model, ids(g), EMPOWERMENT)  # month 7
    hh.consumption_pc[g] = 1.1 * hh.poverty_line[g]
    policy_month(model)  # month 8: followed from now
    assert follow.enrolled[g] and tr.status[g] == GRADUATED
    hh.consumption_pc[g] = 0.8 * hh.poverty_line[g]
    hh.poor[g] = True
    for month in range(9, 14):
        policy_month(model)
        if month == 9:
            assert (rt.registry.seen["shared"][g] == 9) == reassess
            if reassess:  # the new record: its score, and the poorest decile
                score = np.float32(np.log(0.8 * hh.poverty_line[g]))
                assert rt.registry.score["shared"][g] == score
                assert rt.registry.decile["shared"][g] == 1
                assert g in rt.registry.moved["shared"]
        if sembako.enrolled[g]:
            assert tr.status[g] == ENROLLED
            return month
    return -1


@pytest.mark.parametrize(("reassess", "month"), [(True, 10), (False, 12)])
def test_follow_up_reassessment_lets_a_poor_graduate_reenter_before_the_refresh(
    reassess: bool, month: int
) -> None:
    assert _reentry_month("followup", reassess) == month


def test_follow_up_reassessment_helps_reentry_under_the_any_month_definition() -> None:
    assert _reentry_month("any_month", reassess=True) == 10


def test_follow_up_without_a_visit_cost_still_coaches() -> None:
    model = build("full_synergy", _follow_up(visit_cost=0.0))
    only(model, {"Graduate follow-up": 300})
    g = 10
    graduated_by_hand(model, ids(g), 0)
    policy_month(model)
    assert prog(model, FOLLOW_UP).enrolled[g]
    assert env(model).threshold[g] == pytest.approx(0.9 * model.params.world.assets.threshold)


@pytest.mark.parametrize("degree", [6, 0])
def test_contributors_raise_their_neighbours_enterprise_return_and_job_finding(
    degree: int,
) -> None:
    model = build(policy__collaboration__network_degree=degree)
    only(model)
    rt, hh = runtime(model), model.households
    adj = rt.adj
    threshold = model.params.world.assets.threshold
    links = np.diff(adj.indptr)
    if degree:
        h = int(np.flatnonzero(links >= 4)[0])
        c = adj.indices[adj.indptr[h] : adj.indptr[h] + 4]  # four of h's neighbours
    else:
        h, c = 0, np.array([1, 2, 3, 4])
    busy = {h, *c.tolist()}
    x = [i for i in range(hh.n) if i not in busy][:4]
    sustained_by_hand(model, c[3:], -1)  # a sustained graduate counts too
    relapsed_by_hand(model, ids(x[1]), -1)
    graduated_by_hand(model, c[:3], -2)
    graduated_by_hand(model, ids(x[0]), -2)
    rt.tracker.enrol(ids(x[2]), -1)
    hh.assets[c] = threshold  # at the threshold: a working enterprise
    hh.assets[x[0]] = threshold - 1.0  # a graduate just below it
    hh.assets[x[1:]] = 1e7  # relapsed, enrolled, never graduated: not contributors
    policy_month(model)
    assert rt.contributors.rows.tolist() == sorted(c.tolist())
    month_env = env(model)
    if degree == 0:
        assert (month_env.return_factor == 1).all() and (month_env.finding_boost == 0).all()
        return
    ctr = np.zeros(hh.n)
    ctr[c] = 1.0
    k = np.minimum(adj @ ctr, 3)
    assert k[h] == 3  # four contributor neighbours, capped at three
    np.testing.assert_array_equal(month_env.return_factor, (1.0 + 0.05 * k).astype(np.float32))
    np.testing.assert_array_equal(month_env.finding_boost, (0.03 * k).astype(np.float32))
    assert month_env.return_factor[h] == np.float32(1.15)


# -- targeting rules --------------------------------------------------------------------------


def test_registry_rule_serves_the_poorest_registry_scores_first() -> None:
    model = build()
    only(model, {"Sembako": 5})
    hh = model.households
    hh.consumption_pc[:] = 2e6 + 1e4 * np.random.default_rng(7).permutation(hh.n)
    policy_month(model)
    expected = np.sort(np.argsort(hh.consumption_pc)[:5])
    np.testing.assert_array_equal(np.flatnonzero(prog(model, "Sembako").enrolled), expected)


def test_asset_threshold_rule_serves_assets_closest_to_the_threshold_first() -> None:
    cfw_name = "Village cash-for-work"
    model = build(edit=programmes({cfw_name: targeting(rule="asset_threshold")}))
    only(model, {"Village cash-for-work": 3})
    hh, t = model.households, model.params.world.assets.threshold
    eligible = np.flatnonzero((deciles(model) <= 4) & (model.composition.workers > 0))
    a = eligible[[3, 10, 20, 30, 40]]
    hh.assets[a] = [t + 1_000, t - 2_000, t + 3_000, t - 4_000, t + 500]
    policy_month(model)
    assert np.flatnonzero(prog(model, cfw_name).enrolled).tolist() == sorted(a[[0, 1, 4]])


def test_enterprise_rule_serves_only_running_enterprises_in_lottery_order() -> None:
    model = build()
    only(model, {"UMi credit": 2})
    rt, hh = runtime(model), model.households
    candidates = np.flatnonzero((deciles(model) <= 6) & (model.composition.workers > 0))[:7]
    key = rt._lottery("UMi credit", 0)[candidates]
    by_key = candidates[np.argsort(key)]
    hh.assets[candidates] = 1e6
    hh.assets[by_key[0]] = 1e6 - 1.0  # first to apply, but no running enterprise
    policy_month(model)
    enrolled = np.flatnonzero(prog(model, "UMi credit").enrolled)
    assert enrolled.tolist() == sorted(by_key[1:3])


def test_lottery_order_is_yearly_per_programme_and_the_same_in_every_scenario() -> None:
    model = build()
    other = build("full_synergy")
    only(model, {"Vocational training": 3})
    rt = runtime(model)
    key = rt._lottery("Vocational training", 0)
    np.testing.assert_array_equal(key, runtime(other)._lottery("Vocational training", 0))
    assert not np.array_equal(key, rt._lottery("Vocational training", 1))
    assert not np.array_equal(key, rt._lottery("UMi credit", 0))
    eligible = np.flatnonzero((deciles(model) <= 5) & (model.composition.workers > 0))
    order = eligible[np.argsort(key[eligible])]
    training = prog(model, "Vocational training")
    policy_month(model)
    assert np.flatnonzero(training.enrolled).tolist() == sorted(order[:3])
    training.capacity = 6
    policy_month(model)  # the same year: the same order
    assert np.flatnonzero(training.enrolled).tolist() == sorted(order[:6])


# -- UMi credit -------------------------------------------------------------------------------

LOAN, RATE, TERM, FIXED = 4.0e6, 0.02, 12, 0.3
INSTALMENT = LOAN * RATE / (1.0 - (1.0 + RATE) ** -TERM)


def _borrower(model: GraduationModel, savings: float) -> int:
    """The one credit candidate: a worker household with a running micro-enterprise."""
    hh = model.households
    u = int(np.flatnonzero((deciles(model) <= 6) & (model.composition.workers > 0))[0])
    hh.assets[u] = 1e6
    hh.savings[u] = savings
    return u


def test_umi_loan_buys_fixed_assets_and_working_capital_that_amortise() -> None:
    model = build()
    only(model, {"UMi credit": 1})
    hh = model.households
    credit = umi(model)
    u = _borrower(model, savings=1e7)
    policy_month(model)
    assert credit.enrolled[u] and credit.paid == pytest.approx(LOAN)
    assert hh.assets[u] == pytest.approx(1e6 + FIXED * LOAN)
    assert hh.debt[u] == pytest.approx(LOAN)
    assert working_capital(model, u) == pytest.approx((1 - FIXED) * LOAN)
    assert credit.ledger.current.spent == pytest.approx(LOAN)
    debt, savings = LOAN, 1e7
    for month in range(1, 13):
        if month == 12:
            credit.capacity = 0  # no new loan once this one is repaid
        policy_month(model)
        interest = RATE * debt
        pay = min(INSTALMENT, debt + interest)
        from_stock = (1 - FIXED) * (pay - interest)
        savings -= pay - from_stock  # interest and the fixed share of the principal
        debt += interest - pay
        assert credit.repaid == pytest.approx(pay, rel=1e-12), month
        assert hh.savings[u] == pytest.approx(savings, rel=1e-12), month
        assert hh.debt[u] == pytest.approx(max(debt, 0.0), abs=1e-3), month
        if month < 12:
            assert credit.enrolled[u]
            assert working_capital(model, u) == pytest.approx((1 - FIXED) * debt)
        if month == 1:  # the working capital earns the enterprise return
            assets = hh.assets[u]
            streams = {k: model.streams.generator(k, model.month - 1) for k in
                       ("employment", "persistent", "transitory")}  # fmt: skip
            model._household_rules(0, hh.n, streams)
            capital = assets + (1 - FIXED) * debt
            assert hh.enterprise_income[u] == pytest.approx(0.03 * capital, rel=1e-12)
            hh.savings[u], hh.assets[u] = savings, assets  # undo the household rules
    assert not credit.enrolled[u]  # repaid in month 12
    assert hh.debt[u] <= 1e-6


def test_umi_borrower_defaults_after_missed_payments_and_is_never_lent_to_again() -> None:
    model = build(edit=programmes({"UMi credit": rules(loss_cost_share=0.5)}))
    only(model, {"UMi credit": 1})
    hh = model.households
    credit = umi(model)
    interest = RATE * LOAN
    from_savings = INSTALMENT - (1 - FIXED) * (INSTALMENT - interest)
    u = _borrower(model, savings=from_savings)  # enough for the first payment only
    policy_month(model, 2)
    debt = LOAN + interest - INSTALMENT
    assert credit.repaid == pytest.approx(INSTALMENT) and credit.missed[u] == 0
    assert hh.savings[u] == 0.0 and hh.debt[u] == pytest.approx(debt, rel=1e-12)
    for missed in (1, 2):
        policy_month(model)
        assert credit.enrolled[u] and credit.missed[u] == missed
        assert hh.debt[u] == pytest.approx(debt * (1 + RATE) ** missed, rel=1e-12)
        assert credit.repaid == 0.0
    spent = credit.ledger.current.spent
    policy_month(model)  # month 4: the third missed payment in a row
    loss = 0.5 * debt * (1 + RATE) ** 3
    assert credit.defaults == 1 and credit.defaulted[u]
    assert credit.paid == pytest.approx(loss, rel=1e-12)
    assert credit.ledger.current.spent - spent == pytest.approx(loss, rel=1e-12)
    assert hh.debt[u] == 0.0 and working_capital(model, u) == 0.0
    assert not credit.enrolled[u]
    policy_month(model, 2)
    assert not credit.enrolled.any()  # the only candidate defaulted
    assert not credit.eligible(runtime(model).month_context(model.month))[u]


def test_umi_missed_payment_does_not_grow_the_working_capital() -> None:
    model = build()
    only(model, {"UMi credit": 1})
    u = _borrower(model, savings=0.0)
    policy_month(model, 2)  # month 1: the first payment is missed
    assert umi(model).missed[u] == 1
    assert working_capital(model, u) <= (1 - FIXED) * LOAN + 1e-6


# -- fixes found in review --------------------------------------------------------------------


def test_umi_repaid_borrower_may_borrow_again() -> None:
    """The annuity's rounding is cleared at repayment, so the debt test lets it borrow again."""
    model = build()
    only(model, {"UMi credit": 1})
    credit, hh = umi(model), model.households
    u = _borrower(model, savings=1e7)
    policy_month(model)
    credit.capacity = 0
    policy_month(model, 12)  # months 1-12: repaid in month 12
    assert not credit.enrolled[u] and hh.debt[u] == 0.0 and credit.stock[u] == 0.0
    credit.capacity = 1
    policy_month(model)
    assert credit.enrolled[u] and hh.debt[u] == pytest.approx(LOAN)


def test_near_graduate_passed_over_is_not_drawn_again() -> None:
    model = build(policy__collaboration__referral_rate=0.5)
    only(model, {"Sembako": 300})
    rt = runtime(model)
    tr = rt.tracker
    policy_month(model)
    near = np.flatnonzero(rt.is_kpm() & (rt.kemensos_deciles() == 4))
    policy_month(model, 6)  # month 6: the first assessment
    passed = near[tr.referred_due[near] == PASSED_OVER]
    referred = near[tr.referred_due[near] >= 0]
    assert passed.size > 0 and referred.size > 0 and passed.size + referred.size == near.size
    assert not rt.targeting.referred(12)[passed].any()
    policy_month(model, 6)  # month 12: a new draw, but those passed over are not considered
    assert (tr.referred_due[passed] == PASSED_OVER).all()


def test_joint_credit_goes_to_a_package_family_without_an_enterprise() -> None:
    """A joint enrolment is exempt from the enterprise category: the package starts it."""
    model = build(
        "full_synergy",
        policy__collaboration__joint_targeting=True,
        policy__collaboration__referral_rate=0.0,
    )
    only(model, {"Sembako": 300, "PENA": 1, "UMi credit": 5})
    f = 0
    family(model, f, 30, (28,))
    assert model.households.assets[f] == 0.0  # no enterprise of its own
    policy_month(model)
    assert prog(model, "PENA").enrolled[f] and umi(model).enrolled[f]


def test_a_partner_that_has_acted_pays_its_joint_newcomer_at_once() -> None:
    """Agency order does not matter: a joint newcomer is paid in its first month either way."""
    model = build("full_synergy", policy__collaboration__referral_rate=0.0)
    only(model, {"Vocational training": 2})
    training, rt = prog(model, "Vocational training"), runtime(model)
    policy_month(model)  # month 0: training took two in its own cycle and paid them
    assert int(training.enrolled.sum()) == 2 and training.paid == pytest.approx(2e6)
    assert rt.ctx is not None
    newcomer = np.flatnonzero(training.eligible(rt.ctx))[:1]
    training.capacity = 3
    assert training.enrol_jointly(rt.ctx, newcomer).tolist() == newcomer.tolist()
    assert training.paid == pytest.approx(3e6)  # the newcomer's first month, paid at once


def test_a_graduate_found_poor_in_a_refresh_month_reenters_at_once() -> None:
    """The refresh in the month of a follow-up relapse saw the same state: no extra wait."""
    schedule: dict[int, dict[int, float]] = {12: {10: 0.5}}
    model = _graduates_through("followup", schedule, 11)
    only(model, {"Sembako": 300})
    rt, hh = runtime(model), model.households
    tr = rt.tracker
    hh.consumption_pc[10] = 0.5 * hh.poverty_line[10]  # poor in month 11: found at 12
    policy_month(model)  # month 12: a refresh, and the 12-month follow-up
    assert tr.relapse_month[10] == 12 and rt.registry.seen["shared"][10] == 12
    assert tr.status[10] == ENROLLED and prog(model, "Sembako").enrolled[10]


def test_referred_graduate_above_the_deciles_is_served_by_a_receiving_programme() -> None:
    cfw = "Village cash-for-work"
    model = build(
        "full_synergy", programmes({cfw: targeting(quota=0.5, quota_for="referred")}),
        policy__collaboration__referral_rate=0.0,
    )  # fmt: skip
    only(model, {cfw: 2})
    tr = runtime(model).tracker
    rich = int(np.flatnonzero((deciles(model) == 9) & (model.composition.workers > 0))[0])
    tr.referred_due[rich] = 0
    tr.any_referred = True
    policy_month(model)
    assert prog(model, cfw).enrolled[rich]  # decile 9, above max_decile 4: referred


def test_relapsed_quota_group_leaves_out_graduates_the_registry_has_not_seen_again() -> None:
    model = build(edit=programmes({"Sembako": targeting(quota=0.5, quota_for="relapsed")}))
    rt = runtime(model)
    graduated_by_hand(model, ids(5), 0)
    policy_month(model)  # month 0: the refresh comes before the graduation month's end
    group = rt.targeting.group(prog(model, "Sembako"), 1)
    assert not group[5]  # graduated in month 0, seen only in month 0: not fallen back
    rt.registry.seen["shared"][5] = 1  # a later look (a re-assessment)
    assert rt.targeting.group(prog(model, "Sembako"), 1)[5]
