"""Tests of the typed, validated parameter records (simulation.schema, simulation.params)."""

from __future__ import annotations

import copy
import dataclasses
import math
import re
import typing
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import scenarios
from scenarios import load_params
from simulation.params import (
    Assets,
    Demography,
    Income,
    ParameterError,
    Params,
    PovertyLines,
    Region,
    Run,
    World,
)
from simulation.policy.programmes import KINDS
from simulation.schema import Schema, from_dict, to_dict

# --------------------------------------------------------------------------------------------
# fixtures and helpers
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def baseline() -> Params:
    return load_params("world_2025", overrides={"world.population.households": 100})


@pytest.fixture(scope="module")
def tree(baseline: Params) -> dict[str, Any]:
    """The parameters as a scenario file holds them (the loader sets ``history``)."""
    out = to_dict(baseline)
    assert out.pop("history") is None  # the world without programmes has no policy history
    return out


def test_a_policy_history_round_trips() -> None:
    params = load_params("full_synergy", {"world.population.households": 100})
    assert params.history is not None and params.history != params.policy
    assert from_dict(Params, to_dict(params)) == params


def _field_names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def _split(path: str) -> list[str | int]:
    """Split ``"world.regions[1].wage"`` into ``["world", "regions", 1, "wage"]``."""
    keys: list[str | int] = []
    for part in path.split("."):
        m = re.fullmatch(r"([^\[]+)((?:\[\d+\])*)", part)
        assert m, path
        keys.append(m.group(1))
        keys.extend(int(i) for i in re.findall(r"\[(\d+)\]", m.group(2)))
    return keys


def _with(tree: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Return a deep copy of ``tree`` with the value at dotted ``path`` replaced."""
    out = copy.deepcopy(tree)
    *head, last = _split(path)
    node: Any = out
    for k in head:
        node = node[k]
    node[last] = value
    return out


def _without(tree: dict[str, Any], path: str) -> dict[str, Any]:
    out = copy.deepcopy(tree)
    *head, last = _split(path)
    node: Any = out
    for k in head:
        node = node[k]
    del node[last]
    return out


def _key_paths(node: Any, prefix: str = "") -> list[str]:
    """Every mapping key of a nested plain tree as a dotted path (lists as ``[i]``)."""
    paths: list[str] = []
    if isinstance(node, dict):
        for k, v in node.items():
            p = f"{prefix}.{k}" if prefix else k
            paths.append(p)
            paths.extend(_key_paths(v, p))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            paths.extend(_key_paths(v, f"{prefix}[{i}]"))
    return paths


def _raises(tree: dict[str, Any], *fragments: str) -> str:
    with pytest.raises(ParameterError) as info:
        from_dict(Params, tree)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


# --------------------------------------------------------------------------------------------
# baseline and round trip
# --------------------------------------------------------------------------------------------


def test_baseline_loads_with_override(baseline: Params) -> None:
    assert isinstance(baseline, Params)
    assert baseline.world.population.households == 100
    assert isinstance(baseline.world.population.households, int)
    assert isinstance(baseline.world.regions, tuple)
    assert all(isinstance(r, Region) for r in baseline.world.regions)


def test_round_trip_to_dict_from_dict(baseline: Params, tree: dict[str, Any]) -> None:
    rebuilt = from_dict(Params, tree)
    assert rebuilt == baseline
    assert to_dict(rebuilt) == tree | {"history": None}


def test_to_dict_is_plain_data(tree: dict[str, Any]) -> None:
    def check(node: Any) -> None:
        if isinstance(node, dict):
            assert all(isinstance(k, str) for k in node)
            for v in node.values():
                check(v)
        elif isinstance(node, list):
            for v in node:
                check(v)
        else:
            assert isinstance(node, str | int | float | bool), type(node)

    check(tree)
    assert isinstance(tree["world"]["regions"], list)
    assert isinstance(tree["world"]["regions"][0], dict)
    assert isinstance(tree["world"]["income"]["working_age"], list)


def test_round_trip_through_yaml(baseline: Params, tree: dict[str, Any]) -> None:
    text = yaml.safe_dump(tree)
    assert from_dict(Params, yaml.safe_load(text)) == baseline


def test_to_dict_keys_follow_field_order(baseline: Params, tree: dict[str, Any]) -> None:
    assert list(to_dict(baseline)) == _field_names(Params)
    assert list(tree["world"]["income"]) == _field_names(Income)
    assert list(tree["run"]) == _field_names(Run)


# --------------------------------------------------------------------------------------------
# unknown and missing keys
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "cls"),
    [
        ("world.income", Income),
        ("world.assets", Assets),
        ("world.poverty", PovertyLines),
        ("world.regions[2]", Region),
        ("world", World),
        ("run", Run),
    ],
)
def test_unknown_key_names_dotted_path_and_allowed_keys(
    tree: dict[str, Any], section: str, cls: type
) -> None:
    bad = _with(tree, f"{section}.not_a_field", 1.0)
    message = _raises(bad, f"unknown key {section}.not_a_field", f"allowed keys of {section}:")
    allowed = message.split("allowed keys of", 1)[1]
    for name in _field_names(cls):
        assert name in allowed


def test_unknown_top_level_key_names_params(tree: dict[str, Any]) -> None:
    bad = copy.deepcopy(tree)
    bad["extra"] = {}
    _raises(bad, "unknown key extra", "allowed keys of Params: world, policy, run")


def test_misspelt_key_is_unknown_not_missing(tree: dict[str, Any]) -> None:
    bad = _without(tree, "world.income.persistent_rho")
    bad["world"]["income"]["persistent_rhoo"] = 0.9
    _raises(bad, "unknown key world.income.persistent_rhoo")


def test_unknown_key_without_path_names_class(tree: dict[str, Any]) -> None:
    data = dict(tree["world"]["income"], bogus=1)
    with pytest.raises(ParameterError, match=r"unknown key bogus; allowed keys of Income: "):
        from_dict(Income, data)


def test_unknown_keys_of_mixed_types_raise_parameter_error(tree: dict[str, Any]) -> None:
    """Regression: YAML 1.1 reads `yes:`/`on:` keys as bools; sorting str against bool raised
    TypeError instead of ParameterError."""
    bad = copy.deepcopy(tree)
    bad["world"]["income"][True] = 1
    bad["world"]["income"]["zzz"] = 1
    _raises(bad, "unknown key world.income.")


def test_every_missing_key_is_named(tree: dict[str, Any]) -> None:
    paths = _key_paths(tree)
    assert "world.regions[0].wage" in paths
    assert "world.income.persistent_rho" in paths
    for path in paths:
        with pytest.raises(ParameterError) as info:
            from_dict(Params, _without(tree, path))
        assert str(info.value) == f"missing key {path}"


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("world", 5, "world must be a mapping"),
        ("world.income", [0.9], "world.income must be a mapping"),
        ("world.regions[1]", "Java", "world.regions[1] must be a mapping"),
        ("world.regions", {"name": "Java"}, "world.regions must be a list"),
    ],
)
def test_non_mapping_sections_rejected(
    tree: dict[str, Any], path: str, value: Any, expected: str
) -> None:
    _raises(_with(tree, path, value), expected)


def test_top_level_non_mapping_rejected() -> None:
    with pytest.raises(ParameterError, match="Params must be a mapping"):
        from_dict(Params, [1, 2])


# --------------------------------------------------------------------------------------------
# types
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("world.population.households", True, "must be an integer, got True"),
        ("world.population.households", False, "must be an integer, got False"),
        ("run.months", True, "must be an integer, got True"),
        ("run.seed", "42", "must be an integer, got '42'"),
        ("world.population.households", 100.5, "must be an integer, got 100.5"),
        ("world.population.households", None, "must be an integer, got None"),
        ("world.income.persistent_rho", "0.9", "must be a number, got '0.9'"),
        ("world.income.persistent_rho", True, "must be a number, got True"),
        ("world.income.persistent_rho", None, "must be a number, got None"),
        ("world.income.persistent_rho", [0.9], "must be a number, got [0.9]"),
        ("world.regions[0].wage", "2200000", "must be a number, got '2200000'"),
        ("world.regions[0].name", 5, "must be a str, got 5"),
        ("run.start", 202501, "must be a str, got 202501"),
        ("world.income.working_age", 15, "must be a list, got 15"),
        ("world.income.working_age", "15-65", "must be a list, got '15-65'"),
    ],
)
def test_wrong_types_rejected_with_path(
    tree: dict[str, Any], path: str, value: Any, expected: str
) -> None:
    message = _raises(_with(tree, path, value), expected)
    assert message.startswith(path + " "), message


def test_tuple_element_type_error_names_index(tree: dict[str, Any]) -> None:
    bad = _with(tree, "world.income.working_age", [15, "65"])
    _raises(bad, "world.income.working_age[1] must be a number, got '65'")


def test_int_accepted_for_float_and_coerced(tree: dict[str, Any]) -> None:
    p = from_dict(Params, _with(tree, "world.regions[0].wage", 2_000_000))
    assert p.world.regions[0].wage == 2_000_000
    assert type(p.world.regions[0].wage) is float


def test_integral_float_accepted_for_int_and_coerced(tree: dict[str, Any]) -> None:
    p = from_dict(Params, _with(tree, "world.population.households", 250.0))
    assert p.world.population.households == 250
    assert type(p.world.population.households) is int


def test_list_coerced_to_tuple_of_floats(baseline: Params) -> None:
    income = dataclasses.replace(baseline.world.income, working_age=[16, 64])
    assert income.working_age == (16.0, 64.0)
    assert type(income.working_age) is tuple
    assert all(type(a) is float for a in income.working_age)


def test_replace_with_wrong_type_names_class_field(baseline: Params) -> None:
    with pytest.raises(ParameterError, match=r"^Population\.households must be an integer"):
        dataclasses.replace(baseline.world.population, households=True)


# --------------------------------------------------------------------------------------------
# bounds
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "bounds"),
    [
        ("world.income.persistent_rho", 1.0, "[0, 1) (1)"),
        ("world.income.persistent_rho", -0.01, "[0, 1) (1)"),
        ("world.income.job_finding", 0.0, "(0, 1] (1/month)"),
        ("world.population.households", 0, "[1, 50000000] (households)"),
        ("world.population.households", 50_000_001, "[1, 50000000] (households)"),
        ("world.regions[2].wage", 0.0, "(0, 1e9] (Rp/month)"),
        ("world.regions[2].wage", -5, "(0, 1e9] (Rp/month)"),
        ("world.regions[2].wage", 1e300, "(0, 1e9] (Rp/month)"),
        ("world.demography.size_mean", 8.5, "[1, 8] (persons)"),
        ("world.poverty.rice_share_rural", 1.2, "[0, 1] (1)"),
        ("world.consumption.distress_discount", 1.0, "[0, 1) (1)"),
        ("run.seed", -1, "[0, 9223372036854775807] (-)"),
        ("run.seed", 2**63, "[0, 9223372036854775807] (-)"),
        ("run.months", 0, "[1, 600] (months)"),
    ],
)
def test_bounds_error_names_field_and_bounds(
    tree: dict[str, Any], path: str, value: float, bounds: str
) -> None:
    message = _raises(_with(tree, path, value), f"{path} must be in {bounds}, got ")
    assert message.startswith(path + " must be in")


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("world.income.persistent_rho", 0.0),
        ("world.income.persistent_rho", 0.999),
        ("world.income.job_finding", 1.0),
        ("world.population.households", 1),
        ("world.demography.size_mean", 8),
        ("world.demography.size_mean", 1),
        ("run.seed", 0),
    ],
)
def test_values_on_inclusive_bounds_accepted(tree: dict[str, Any], path: str, value: float) -> None:
    p = from_dict(Params, _with(tree, path, value))
    node: Any = p
    for k in _split(path):
        node = node[k] if isinstance(k, int) else getattr(node, k)
    assert node == value


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_rejected(tree: dict[str, Any], value: float) -> None:
    _raises(_with(tree, "world.income.transitory_sigma", value), "world.income.transitory_sigma")
    _raises(_with(tree, "world.regions[0].wage", value), "world.regions[0].wage must be in")


def test_tuple_elements_are_bounds_checked(tree: dict[str, Any]) -> None:
    bad = _with(tree, "world.income.working_age", [5, 65])
    _raises(bad, "world.income.working_age must be in [10, 80] (years), got 5.0")


def _schema_classes() -> list[type[Schema]]:
    """Every schema record class reachable from Params, with the rules class of every kind."""
    todo: list[Any] = [Params, *(kind.rules for kind in KINDS.values())]
    seen: list[type[Schema]] = []
    while todo:
        cls = todo.pop()
        if cls in seen or not hasattr(cls, "__dataclass_fields__"):
            continue  # ProgrammeRules, the base, has no fields: each kind's class is walked
        seen.append(cls)
        todo += [_field_type(h) for h in typing.get_type_hints(cls).values()]
    return seen


def _field_type(hint: Any) -> Any:
    """The type of a field's values: ``X`` for ``X | None`` and for ``tuple[X, ...]``."""
    args = [a for a in typing.get_args(hint) if a not in (type(None), Ellipsis)]
    return args[0] if typing.get_origin(hint) is not None and len(args) == 1 else hint


def test_schema_walk_reaches_every_programme_kind() -> None:
    names = {cls.__name__ for cls in _schema_classes()}
    assert {"Params", "World", "Policy", "Programme", "Targeting", "Run", "Region"} <= names
    assert {kind.rules.__name__ for kind in KINDS.values()} <= names


@pytest.mark.parametrize("cls", _schema_classes(), ids=lambda c: c.__name__)
def test_every_numeric_field_has_lower_and_upper_bounds(cls: type[Schema]) -> None:
    """An unbounded number lets 1e300 through: every int or float field declares both ends."""
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if _field_type(hints[f.name]) not in (int, float):
            continue
        meta = f.metadata
        assert meta["ge"] is not None or meta["gt"] is not None, (
            f"{cls.__name__}.{f.name}: no lower bound"
        )
        assert meta["le"] is not None or meta["lt"] is not None, (
            f"{cls.__name__}.{f.name}: no upper bound"
        )


@pytest.mark.parametrize("name", scenarios.available())
def test_shipped_scenarios_lie_within_the_bounds(name: str) -> None:
    assert isinstance(load_params(name), Params)


@settings(max_examples=50, deadline=None)
@given(rho=st.floats(min_value=-2.0, max_value=3.0, allow_nan=False))
def test_persistent_rho_accepted_iff_in_bounds(baseline: Params, rho: float) -> None:
    inside = 0.0 <= rho < 1.0
    if inside:
        income = dataclasses.replace(baseline.world.income, persistent_rho=rho)
        assert income.persistent_rho == rho
    else:
        with pytest.raises(ParameterError, match=r"Income\.persistent_rho must be in \[0, 1\)"):
            dataclasses.replace(baseline.world.income, persistent_rho=rho)


# --------------------------------------------------------------------------------------------
# cross-field validation
# --------------------------------------------------------------------------------------------


def test_assets_order_valid_variant(baseline: Params) -> None:
    a = baseline.world.assets
    ok = dataclasses.replace(a, low_steady_state=0.0, threshold=1.0, high_steady_state=2.0)
    assert ok.threshold == 1.0


@pytest.mark.parametrize(
    ("low", "threshold", "high"),
    [
        (3e6, 3e6, 12e6),  # low == threshold
        (5e5, 12e6, 12e6),  # threshold == high
        (5e6, 3e6, 12e6),  # low above threshold
        (5e5, 13e6, 12e6),  # threshold above high
        (5e5, 3e6, 1e6),  # high below threshold
    ],
)
def test_assets_require_low_below_threshold_below_high(
    baseline: Params, low: float, threshold: float, high: float
) -> None:
    with pytest.raises(ParameterError, match=r"^Assets\.threshold must satisfy") as info:
        dataclasses.replace(
            baseline.world.assets,
            low_steady_state=low,
            threshold=threshold,
            high_steady_state=high,
        )
    assert "low_steady_state < threshold < high_steady_state" in str(info.value)


def test_assets_order_error_carries_path(tree: dict[str, Any]) -> None:
    high = tree["world"]["assets"]["high_steady_state"]
    _raises(_with(tree, "world.assets.threshold", high), "world.assets.threshold must satisfy")


def test_region_shares_must_sum_to_one(baseline: Params) -> None:
    regions = list(baseline.world.regions)
    regions[0] = dataclasses.replace(regions[0], population_share=regions[0].population_share / 2)
    with pytest.raises(ParameterError, match=r"World\.regions population_share must sum to 1"):
        dataclasses.replace(baseline.world, regions=tuple(regions))


def test_region_shares_tolerance(baseline: Params) -> None:
    regions = list(baseline.world.regions)
    total = sum(r.population_share for r in regions)
    # Make the sum exactly 1 + 5e-7 (inside the 1e-6 tolerance) and then 1 + 1e-5 (outside).
    inside = regions[0].population_share + (1.0 - total) + 5e-7
    regions[0] = dataclasses.replace(regions[0], population_share=inside)
    dataclasses.replace(baseline.world, regions=tuple(regions))
    regions[0] = dataclasses.replace(regions[0], population_share=inside + 1e-5)
    with pytest.raises(ParameterError, match="must sum to 1"):
        dataclasses.replace(baseline.world, regions=tuple(regions))


def test_region_shares_error_carries_path(tree: dict[str, Any]) -> None:
    share = tree["world"]["regions"][0]["population_share"]
    bad = _with(tree, "world.regions[0].population_share", share + 0.1)
    _raises(bad, "world.regions population_share must sum to 1")


def test_regions_must_be_non_empty_and_unique(baseline: Params) -> None:
    with pytest.raises(ParameterError, match=r"World\.regions must list at least one region"):
        dataclasses.replace(baseline.world, regions=())
    r0 = baseline.world.regions[0]
    half = dataclasses.replace(r0, population_share=0.5)
    with pytest.raises(ParameterError, match=r"World\.regions must have unique names"):
        dataclasses.replace(baseline.world, regions=(half, half))


def test_regions_must_be_region_records(baseline: Params, tree: dict[str, Any]) -> None:
    with pytest.raises(ParameterError, match=r"World\.regions\[0\] must be a Region, got dict"):
        dataclasses.replace(baseline.world, regions=(tree["world"]["regions"][0],))


@pytest.mark.parametrize("which", ["urban", "rural"])
def test_extreme_line_must_be_below_poverty_lines(baseline: Params, which: str) -> None:
    lines = baseline.world.poverty
    line = getattr(lines, which)
    with pytest.raises(ParameterError, match=r"^PovertyLines\.extreme must be below"):
        dataclasses.replace(lines, extreme=line)  # equal is not below
    with pytest.raises(ParameterError, match=r"^PovertyLines\.extreme must be below"):
        dataclasses.replace(lines, extreme=line * 1.5)
    # Lowering one line beneath the extreme line is caught the same way.
    with pytest.raises(ParameterError, match=r"^PovertyLines\.extreme must be below"):
        dataclasses.replace(lines, **{which: lines.extreme * 0.9})
    below = min(lines.urban, lines.rural) - 1.0
    assert dataclasses.replace(lines, extreme=below).extreme == below


def test_extreme_line_error_carries_path(tree: dict[str, Any]) -> None:
    rural = tree["world"]["poverty"]["rural"]
    _raises(_with(tree, "world.poverty.extreme", rural), "world.poverty.extreme must be below")


@pytest.mark.parametrize(
    ("cls_field", "ages"),
    [
        ("fertile_age", (30.0, 20.0)),
        ("fertile_age", (20.0, 20.0)),
        ("fertile_age", (15.0, 30.0, 49.0)),
        ("fertile_age", (15.0,)),
        ("working_age", (65.0, 15.0)),
        ("working_age", ()),
    ],
)
def test_age_intervals_must_be_min_below_max(
    baseline: Params, cls_field: str, ages: tuple[float, ...]
) -> None:
    record: Demography | Income = (
        baseline.world.demography if cls_field == "fertile_age" else baseline.world.income
    )
    name = type(record).__name__
    with pytest.raises(ParameterError, match=rf"^{name}\.{cls_field} must be \[min, max\]"):
        dataclasses.replace(record, **{cls_field: ages})


@pytest.mark.parametrize("start", ["2025-01", "1999-12", "2030-06"])
def test_run_start_valid(baseline: Params, start: str) -> None:
    assert dataclasses.replace(baseline.run, start=start).start == start


@pytest.mark.parametrize(
    "start",
    [
        "2025-13",
        "2025-00",
        "25-01",
        "02025-01",
        "2025/01",
        "2025-01-01",
        "",
        "abcd-01",
        "2025-",
        "January",
    ],
)
def test_run_start_invalid(baseline: Params, start: str) -> None:
    with pytest.raises(ParameterError, match=r"^Run\.start must be a month 'YYYY-MM'"):
        dataclasses.replace(baseline.run, start=start)


def test_run_start_error_carries_path(tree: dict[str, Any]) -> None:
    _raises(
        _with(tree, "run.start", "2025-13"), "run.start must be a month 'YYYY-MM', got '2025-13'"
    )


def test_run_start_requires_two_digit_month(baseline: Params) -> None:
    with pytest.raises(ParameterError):
        dataclasses.replace(baseline.run, start="2025-1")


def test_run_start_non_ascii_digit_raises_parameter_error(baseline: Params) -> None:
    with pytest.raises(ParameterError):
        dataclasses.replace(baseline.run, start="2025-²")


# --------------------------------------------------------------------------------------------
# immutability
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("getter", "field", "value"),
    [
        (lambda p: p, "run", None),
        (lambda p: p.world, "regions", ()),
        (lambda p: p.world.income, "persistent_rho", 0.5),
        (lambda p: p.world.regions[0], "wage", 1.0),
        (lambda p: p.run, "seed", 1),
    ],
)
def test_records_are_frozen(baseline: Params, getter: Any, field: str, value: Any) -> None:
    record = getter(baseline)
    before = getattr(record, field)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(record, field, value)
    assert getattr(record, field) == before


def test_sequences_are_immutable_tuples(baseline: Params) -> None:
    assert isinstance(baseline.world.regions, tuple)
    assert isinstance(baseline.world.income.working_age, tuple)
    with pytest.raises(TypeError):
        baseline.world.regions[0] = baseline.world.regions[1]  # type: ignore[index]


def test_records_are_hashable_and_compare_by_value(baseline: Params, tree: dict[str, Any]) -> None:
    other = from_dict(Params, copy.deepcopy(tree))
    assert other == baseline
    assert hash(other) == hash(baseline)
    changed = from_dict(Params, _with(tree, "run.seed", tree["run"]["seed"] + 1))
    assert changed != baseline


def test_from_dict_does_not_alias_input(tree: dict[str, Any]) -> None:
    data = copy.deepcopy(tree)
    p = from_dict(Params, data)
    data["world"]["income"]["working_age"][0] = 99
    data["world"]["regions"].pop()
    assert p.world.income.working_age[0] == tree["world"]["income"]["working_age"][0]
    assert len(p.world.regions) == len(tree["world"]["regions"])


# --------------------------------------------------------------------------------------------
# load_params
# --------------------------------------------------------------------------------------------


def test_load_params_default_scenario_is_valid() -> None:
    p = load_params()
    assert isinstance(p, Params)
    assert p == load_params("world_2025")


def test_load_params_overrides_are_applied_and_not_shared() -> None:
    a = load_params("world_2025", overrides={"world.population.households": 123})
    b = load_params("world_2025", overrides={"world.population.households": 321})
    c = load_params("world_2025", overrides={"run.seed": 7, "world.income.persistent_rho": 0.5})
    assert a.world.population.households == 123
    assert b.world.population.households == 321
    assert (c.run.seed, c.world.income.persistent_rho) == (7, 0.5)
    assert load_params("world_2025") == load_params("world_2025")


def test_load_params_unknown_leaf_override_named() -> None:
    with pytest.raises(ParameterError, match=r"world\.income\.persistent_rhoo"):
        load_params("world_2025", overrides={"world.income.persistent_rhoo": 0.9})


def test_load_params_unknown_section_override_named() -> None:
    with pytest.raises(ParameterError, match=r"unknown key world\.incom in override"):
        load_params("world_2025", overrides={"world.incom.persistent_rho": 0.9})


def test_load_params_meta_is_not_overridable() -> None:
    with pytest.raises(ParameterError, match=r"unknown key meta"):
        load_params("world_2025", overrides={"meta.name": "x"})


def test_load_params_invalid_override_value_named() -> None:
    with pytest.raises(
        ParameterError, match=r"^world\.income\.persistent_rho must be in \[0, 1\) \(1\), got 1\.5"
    ):
        load_params("world_2025", overrides={"world.income.persistent_rho": 1.5})


def test_load_params_unknown_scenario_lists_available() -> None:
    names = scenarios.available()
    assert "world_2025" in names
    with pytest.raises(ParameterError) as info:
        load_params("no_such_scenario")
    message = str(info.value)
    assert "'no_such_scenario'" in message
    assert "available:" in message
    for name in names:
        assert name in message
