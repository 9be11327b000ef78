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


# CI runs the property tests on a fixed sequence of examples, so that a submission's result does
# not depend on luck; locally hypothesis explores new examples on every run.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
