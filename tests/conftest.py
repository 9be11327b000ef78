"""Shared fixtures: small validated parameter sets built from the calibrated world."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import settings

from scenarios import load_params
from simulation.params import Params


def small_params(scenario: str = "world_2025", **overrides: Any) -> Params:
    """A scenario at a small size; ``overrides`` are dotted paths (``__`` for ``.``)."""
    base: dict[str, Any] = {
        "world.population.households": 300,
        "world.population.village_size": 20,
        "run.months": 12,
        "run.burn_in_months": 3,
    }
    base |= {k.replace("__", "."): v for k, v in overrides.items()}
    return load_params(scenario, base)


@pytest.fixture
def params() -> Params:
    return small_params()


@pytest.fixture
def used_draws(monkeypatch: pytest.MonkeyPatch) -> dict[int, list[dict[str, Any]]]:
    """The household rules' draws each model actually uses, block by block, keyed by model.

    Clear it before a step; a model's key is the identity of its households' assets column.
    """
    import simulation.model

    used: dict[int, list[dict[str, Any]]] = {}
    income_step = simulation.model.income_step

    def recording(state, inc, assets, env, draws, *rest):  # type: ignore[no-untyped-def]
        used.setdefault(id(state.assets.base), []).append({k: v.copy() for k, v in draws.items()})
        income_step(state, inc, assets, env, draws, *rest)

    monkeypatch.setattr(simulation.model, "income_step", recording)
    return used


def assert_same_draws(used: dict[int, list[dict[str, Any]]], a: Any, b: Any) -> None:
    """Models ``a`` and ``b`` used the same draws this month (block draws, whole and lazy)."""
    import numpy as np

    of_a, of_b = used.values()  # one list of blocks per model
    for block_a, block_b in zip(of_a, of_b, strict=True):
        for key in block_a:
            np.testing.assert_array_equal(block_a[key], block_b[key], err_msg=key)
    for key in a.draws:
        np.testing.assert_array_equal(a.draws[key], b.draws[key], err_msg=key)
    for key in a.rare:  # the draws made up front are the ones used
        np.testing.assert_array_equal(a.rare[key].rows, b.rare[key].rows, err_msg=key)
        np.testing.assert_array_equal(a.rare[key].values, b.rare[key].values, err_msg=key)


# CI runs the property tests on a fixed sequence of examples, so that a submission's result does
# not depend on luck; locally hypothesis explores new examples on every run.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
