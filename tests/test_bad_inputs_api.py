"""Bad input through the Python API and the scenario files: refused cleanly, before any run.

Every refusal is a :class:`ParameterError` whose message names the field or file, the value
given and what is allowed. A few positive cases check that what should pass does, unchanged.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import math
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scenarios
import simulation
import simulation.model
from scenarios import load_params
from simulation.params import (
    Income,
    InitialDistribution,
    ParameterError,
    Params,
    Run,
    require_params,
)
from simulation.policy.programmes.package import PackageRules
from simulation.policy.schema import Collaboration, Programme, RegistryRules
from simulation.schema import INT64_MAX, Schema, from_dict, to_dict

BASE = "baseline_2025"
#: the scenario names shipped (every "available" list must name them)
SHIPPED = scenarios.available()


@pytest.fixture(scope="module")
def small() -> Params:
    """A tiny run: what the API cases pass when the parameters themselves are fine."""
    size = {"world.population.households": 50, "run.months": 1, "run.burn_in_months": 0}
    return load_params("world_2025", size)


@pytest.fixture
def scenario_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scenario directory with copies of world_2025 and baseline_2025, for this test."""
    for name in ("world_2025", "baseline_2025"):
        shutil.copy(scenarios.SCENARIO_DIR / f"{name}.yaml", tmp_path / f"{name}.yaml")
    monkeypatch.setattr(scenarios, "SCENARIO_DIR", tmp_path)
    return tmp_path


def _refused(call: Callable[[], Any], *fragments: str) -> str:
    """Run ``call``; check it raises ParameterError whose message holds every fragment."""
    with pytest.raises(ParameterError) as info:
        call()
    assert type(info.value) is ParameterError
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


# --------------------------------------------------------------------------------------------
# scenario names
# --------------------------------------------------------------------------------------------

_NAME_RULE = "plain name of a file in"


@pytest.mark.parametrize(
    ("name", "fragments"),
    [
        ("/abs/file.yaml", ("'/abs/file.yaml'", _NAME_RULE)),
        ("../conf/config", ("'../conf/config'", _NAME_RULE)),
        ("a/b", ("'a/b'", _NAME_RULE)),
        ("baseline_2025.yaml", ("'baseline_2025.yaml'", "drop the suffix: 'baseline_2025'")),
        ("nope.yaml", ("'nope.yaml'", _NAME_RULE)),
        (None, ("None", _NAME_RULE)),
        (7, ("got 7", _NAME_RULE)),
        ("", ("got ''", _NAME_RULE)),
        ("no_such_scenario", ("unknown scenario 'no_such_scenario'",)),
    ],
    ids=repr,
)
def test_bad_scenario_name(name: Any, fragments: tuple[str, ...]) -> None:
    message = _refused(lambda: load_params(name), *fragments, "available:")
    assert all(s in message for s in SHIPPED)


def test_suffix_hint_only_when_the_stem_exists() -> None:
    message = _refused(lambda: load_params("nope.yaml"), "'nope.yaml'")
    assert "drop the suffix" not in message


# --------------------------------------------------------------------------------------------
# scenario files
# --------------------------------------------------------------------------------------------

_CHILD = "meta: {name: x, extends: world_2025}\n"

YAML_CASES: list[tuple[str, dict[str, str], tuple[str, ...]]] = [
    ("self-extends", {"a": "meta: {extends: a}\n"}, ("a -> a", "a.yaml", "cycle")),
    (
        "cycle",
        {"a": "meta: {extends: b}\n", "b": "meta: {extends: a}\n"},
        ("a -> b -> a", "b.yaml", "cycle"),
    ),
    (
        "missing parent",
        {"a": "meta: {extends: nope}\n"},
        ("a.yaml", "meta.extends", "'nope'", "available: a, baseline_2025, world_2025"),
    ),
    (
        "parent is a path",
        {"a": "meta: {extends: ../world_2025}\n"},
        ("a.yaml", "'../world_2025'", _NAME_RULE),
    ),
    ("parent not a name", {"a": "meta: {extends: [b]}\n"}, ("a.yaml", "['b']", _NAME_RULE)),
    (
        "syntax error",
        {"a": _CHILD + "world:\n  population: {households: [1, 2}\n"},
        ("a.yaml", "line 3, column", "YAML syntax error"),
    ),
    (
        "mapping value in a scalar",
        {"a": "meta: {extends: world_2025}\nrun: months: 5\n"},
        ("a.yaml", "line 2, column 12", "mapping values are not allowed"),
    ),
    ("top level a list", {"a": "- 1\n- 2\n"}, ("a.yaml", "must be a mapping", "list", "[1, 2]")),
    ("top level a number", {"a": "5\n"}, ("a.yaml", "must be a mapping", "int", "5")),
    ("meta a string", {"a": "meta: world_2025\n"}, ("a.yaml", "meta must be a mapping", "'world")),
    (
        "out of bounds leaf",
        {"a": _CHILD + "world: {initial: {median_consumption: {value: 1.0e300, note: x}}}\n"},
        ("world.initial.median_consumption", "1e+300", "(0, 1e9]"),
    ),
    (
        "nan hazard",
        {"a": _CHILD + "world: {shocks: {health_hazard: .nan}}\n"},
        ("world.shocks.health_hazard", "nan", "[0, 1]"),
    ),
    (
        "unknown key",
        {"a": _CHILD + "world: {incomee: {}}\n"},
        ("unknown key world.incomee", "allowed keys of world", "income"),
    ),
    (
        "remove a missing programme",
        {
            "a": "meta: {extends: baseline_2025}\n"
            "policy: {programmes: {value: [{name: PKHH, remove: true}], note: x}}\n"
        },
        ("a.yaml", "cannot remove 'PKHH'", "'PKH'"),
    ),
]


@pytest.mark.parametrize(
    ("files", "fragments"), [c[1:] for c in YAML_CASES], ids=[c[0] for c in YAML_CASES]
)
def test_bad_scenario_file(
    scenario_dir: Path, files: dict[str, str], fragments: tuple[str, ...]
) -> None:
    for name, text in files.items():
        (scenario_dir / f"{name}.yaml").write_text(text, encoding="utf-8")
    _refused(lambda: load_params("a"), *fragments)


def test_scenario_directory_fixture_loads_a_good_child(scenario_dir: Path) -> None:
    (scenario_dir / "a.yaml").write_text(_CHILD + "run: {seed: 7}\n", encoding="utf-8")
    assert load_params("a") == load_params("world_2025", {"run.seed": 7})


# --------------------------------------------------------------------------------------------
# overrides
# --------------------------------------------------------------------------------------------

_PROGRAMMES = "programmes of scenario baseline_2025: PKH, Sembako"

OVERRIDE_CASES: list[tuple[str, Any, tuple[str, ...]]] = [
    ("unknown section", {"world.incom.x": 1}, ("world.incom", "allowed keys of world", "income")),
    ("unknown top", {"meta.name": "x"}, ("unknown key meta", "world, policy, run")),
    ("unknown programme", {"policy.programmes.PKHH.budget": [1e12]}, ("'PKHH'", _PROGRAMMES)),
    (
        "unknown programme field",
        {"policy.programmes.PKH.budgett": [1e12]},
        ("policy.programmes.PKH.budgett", "allowed keys of policy.programmes.PKH", "budget"),
    ),
    (
        "unknown rules field",
        {"policy.programmes.PENA.rules.asset_grantt": 1},
        ("PENA.rules.asset_grantt", "allowed keys of policy.programmes.PENA.rules", "asset_grant"),
    ),
    (
        "unknown agency",
        {"policy.agencies.Kemensoss.registry": "own"},
        ("'Kemensoss'", "agencies of scenario baseline_2025: Kemensos"),
    ),
    ("unknown region", {"world.regions.Atlantis.wage": 1}, ("'Atlantis'", "regions of", "Java")),
    (
        "into a value",
        {"world.population.households.x": 1},
        ("world.population.households is a value", "as a whole"),
    ),
    ("key not a string", {5: 1}, ("override keys must be dotted strings", "got 5")),
    ("overrides a string", "world", ("overrides must be a mapping", "'world'")),
    ("overrides a list", [("run.seed", 1)], ("overrides must be a mapping", "[('run.seed', 1)]")),
    (
        "budget 1e300",
        {"policy.programmes.PKH.budget": [1e300]},
        ("budget", "1e+300", "[0, 1e16]", "Rp/year"),
    ),
    ("budget inf", {"policy.programmes.PKH.budget": [math.inf]}, ("budget", "inf", "1e16")),
    (
        "median consumption 1e300",
        {"world.initial.median_consumption": 1e300},
        ("world.initial.median_consumption", "1e+300", "(0, 1e9]"),
    ),
    ("replicates 1e9", {"run.replicates": 1e9}, ("run.replicates", "1000000000", "[1, 10000]")),
    ("months negative", {"run.months": -1}, ("run.months", "-1", "[1, 600]")),
    ("seed negative numpy", {"run.seed": np.int64(-3)}, ("run.seed", "-3", "[0, ")),
    ("refresh 1e6", {"policy.registry.refresh_months": 10**6}, ("refresh_months", "[1, 600]")),
    ("capacity 1e300", {"policy.programmes.Sembako.capacity": 1e300}, ("capacity", "1e9]")),
    ("nan", {"world.income.transitory_sigma": math.nan}, ("transitory_sigma", "nan", "[0, 2]")),
    ("string for number", {"policy.collaboration.referral_rate": "0.5"}, ("must be a number",)),
    ("list for int", {"policy.programmes.PKH.rules.member_cap": [3]}, ("must be an integer",)),
    ("bool for int", {"world.population.households": True}, ("must be an integer", "True")),
    ("numpy bool for float", {"world.income.skill_floor": np.True_}, ("must be a number",)),
    ("float for int", {"run.months": 6.5}, ("run.months must be an integer", "6.5")),
    ("section a number", {"run": 5}, ("run must be a mapping", "got 5")),
    ("records of numbers", {"policy.programmes": [1, 2]}, ("programmes[0] must be a mapping", "1")),
    ("records a string", {"world.regions": "x"}, ("world.regions must be a list", "'x'")),
    ("kind a list", {"policy.programmes.PKH.kind": ["pkh"]}, ("kind must be one of", "['pkh']")),
    ("choice", {"policy.agencies.Kemensos.registry": "mine"}, ("'mine'", "['shared', 'own']")),
]


@pytest.mark.parametrize(
    ("overrides", "fragments"),
    [c[1:] for c in OVERRIDE_CASES],
    ids=[c[0] for c in OVERRIDE_CASES],
)
def test_bad_override(overrides: Any, fragments: tuple[str, ...]) -> None:
    _refused(lambda: load_params(BASE, overrides), *fragments)


# --------------------------------------------------------------------------------------------
# the Python API
# --------------------------------------------------------------------------------------------

_NEEDS = "needs params: a simulation.params.Params"


@pytest.mark.parametrize(
    ("args", "kwargs", "fragments"),
    [
        (("x",), {}, (_NEEDS, "'x'", "scenarios.load_params('x')")),
        ((None,), {}, (_NEEDS, "None", "scenarios.load_params(")),
        (({"run": {}},), {}, (_NEEDS, "{'run': {}}", "from_dict(Params, tree)")),
        ((), {"replicates": [-1]}, ("replicates[0]", "-1", f"[0, {INT64_MAX}]")),
        ((), {"replicates": [0, 0.5]}, ("replicates[1]", "0.5", "integer in [0, ")),
        ((), {"replicates": [True]}, ("replicates[0]", "True", "integer in [0, ")),
        ((), {"replicates": 3}, ("replicates must be a list", "got 3", "range(3)")),
        ((), {"replicates": "01"}, ("replicates must be a list", "'01'")),
        ((), {"replicates": []}, ("replicates must list at least one",)),
    ],
    ids=["str", "None", "dict", "negative", "float", "bool", "int", "str-replicates", "empty"],
)
def test_bad_run_arguments(
    small: Params, args: tuple[Any, ...], kwargs: dict[str, Any], fragments: tuple[str, ...]
) -> None:
    _refused(lambda: simulation.run(*(args or (small,)), **kwargs), *fragments)


def test_run_replicate_refuses_a_negative_index(small: Params) -> None:
    _refused(lambda: simulation.run_replicate(small, -2), "replicate", "-2", "[0, ")


def test_require_params_names_the_caller() -> None:
    _refused(lambda: require_params(3.5, "GraduationModel"), "GraduationModel", _NEEDS, "3.5")


@pytest.mark.skipif(
    "require_params" not in inspect.getsource(simulation.model),
    reason="until simulation/model.py calls require_params",
)
def test_model_refuses_a_scenario_name() -> None:
    _refused(
        lambda: simulation.GraduationModel("x"),  # type: ignore[arg-type]
        _NEEDS,
        "'x'",
        "load_params('x')",
    )


# --------------------------------------------------------------------------------------------
# what should pass, does, unchanged
# --------------------------------------------------------------------------------------------


def test_numpy_scalars_are_accepted_and_stored_as_python_types() -> None:
    keys = ("run.replicates", "world.income.persistent_rho",
            "policy.collaboration.shared_registry", "world.regions.Java.wage")  # fmt: skip
    plain = dict(zip(keys, (3, 0.5, True, 2e6), strict=True))
    numpy = dict(zip(keys, (np.int64(3), np.float32(0.5), np.True_, np.float64(2e6)), strict=True))
    a, b = load_params(BASE, plain), load_params(BASE, numpy)
    assert a == b and hash(a) == hash(b)
    assert type(b.run.replicates) is int
    assert type(b.world.income.persistent_rho) is float
    assert type(b.policy.collaboration.shared_registry) is bool
    assert type(b.world.regions[0].wage) is float
    assert json.dumps(to_dict(a), sort_keys=True) == json.dumps(to_dict(b), sort_keys=True)


def test_replace_with_numpy_integer_stores_an_int(small: Params) -> None:
    numpy: dict[str, Any] = {"replicates": np.int16(4), "seed": np.uint64(2**63 - 1)}
    run = dataclasses.replace(small.run, **numpy)
    assert (run.replicates, type(run.replicates), type(run.seed)) == (4, int, int)


@pytest.mark.parametrize(
    ("dotted", "value", "where"),
    [
        ("policy.programmes.PKH.budget", [30e12], ("policy", "programmes", 0, "budget")),
        ("policy.programmes.PENA.rules.asset_grant", 4.5e6, ("policy", "programmes", 3, "rules",
                                                             "asset_grant")),
        ("policy.programmes.PKH.targeting.quota_for", "referred", ("policy", "programmes", 0,
                                                                   "targeting", "quota_for")),
        ("policy.agencies.Kemensos.registry", "own", ("policy", "agencies", 0, "registry")),
        ("world.regions.Sumatra.wage", 2.5e6, ("world", "regions", 1, "wage")),
    ],
)  # fmt: skip
def test_named_override_changes_exactly_that_field(
    dotted: str, value: Any, where: tuple[str | int, ...]
) -> None:
    before, after = to_dict(load_params(BASE)), to_dict(load_params(BASE, {dotted: value}))
    node: Any = after
    for key in where[:-1]:
        node = node[key]
    assert node[where[-1]] == value
    node[where[-1]] = _get(before, where)
    assert after == before


def _get(tree: Any, where: tuple[str | int, ...]) -> Any:
    for key in where:
        tree = tree[key]
    return tree


def test_whole_list_overrides_still_work(small: Params) -> None:
    base = load_params(BASE)
    kept = base.policy.programmes[:2]
    as_dicts = load_params(BASE, {"policy.programmes": [to_dict(p) for p in kept]})
    as_records = load_params(BASE, {"policy.programmes": kept})
    assert as_dicts.policy.programmes == as_records.policy.programmes == kept


def test_a_record_can_be_replaced_by_name() -> None:
    base = load_params(BASE)
    pkh = to_dict(base.policy.programmes[0]) | {"capacity": 9.0e6}
    changed = load_params(BASE, {"policy.programmes.PKH": pkh})
    assert changed.policy.programmes[0].capacity == 9.0e6
    assert changed.policy.programmes[1:] == base.policy.programmes[1:]


@pytest.mark.parametrize("name", SHIPPED)
def test_to_dict_round_trip_unchanged(name: str) -> None:
    params = load_params(name)
    assert from_dict(Params, to_dict(params)) == params
    assert to_dict(from_dict(Params, to_dict(params))) == to_dict(params)


def test_numpy_replicate_indices_run_as_python_ints(small: Params) -> None:
    ds = simulation.run(small, replicates=np.array([0, 2]))
    assert ds["replicate"].values.tolist() == [0, 2]


# --------------------------------------------------------------------------------------------
# property: a number is accepted iff it lies within its field's bounds
# --------------------------------------------------------------------------------------------

#: (override key, schema class, field): fields that no cross-field check involves
BOUNDED: list[tuple[str, type[Schema], str]] = [
    ("world.initial.median_consumption", InitialDistribution, "median_consumption"),
    ("world.income.kin_support", Income, "kin_support"),
    ("policy.collaboration.overhead", Collaboration, "overhead"),
    ("policy.programmes.Sembako.capacity", Programme, "capacity"),
    ("policy.programmes.PENA.rules.asset_grant", PackageRules, "asset_grant"),
    ("run.replicates", Run, "replicates"),
    ("policy.registry.refresh_months", RegistryRules, "refresh_months"),
]


def _meta(cls: type[Schema], field: str) -> dict[str, Any]:
    (f,) = (f for f in dataclasses.fields(cls) if f.name == field)  # type: ignore[arg-type]
    return dict(f.metadata)


def _inside(x: float, meta: dict[str, Any]) -> bool:
    return (
        (meta["ge"] is None or x >= meta["ge"])
        and (meta["gt"] is None or x > meta["gt"])
        and (meta["le"] is None or x <= meta["le"])
        and (meta["lt"] is None or x < meta["lt"])
    )


@st.composite
def _field_and_value(draw: st.DrawFn) -> tuple[str, dict[str, Any], float]:
    dotted, cls, field = draw(st.sampled_from(BOUNDED))
    meta = _meta(cls, field)
    lo = meta["ge"] if meta["ge"] is not None else meta["gt"]
    hi = meta["le"] if meta["le"] is not None else meta["lt"]
    span = float(hi - lo)
    if field in ("replicates", "refresh_months"):
        value: float = draw(st.integers(int(lo - span), int(hi + span)))
    else:
        near = st.floats(lo - span, hi + span)
        value = draw(st.one_of(near, st.floats(allow_nan=False, allow_infinity=False)))
    return dotted, meta, value


@settings(max_examples=60, deadline=None)
@given(case=_field_and_value())
def test_number_accepted_iff_within_its_bounds(case: tuple[str, dict[str, Any], float]) -> None:
    dotted, meta, value = case
    if _inside(value, meta):
        load_params(BASE, {dotted: value})
    else:
        _refused(lambda: load_params(BASE, {dotted: value}), dotted.rsplit(".", 1)[1], "must be in")
