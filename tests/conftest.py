"""Shared fixtures: small validated parameter sets built from the calibrated world."""

from __future__ import annotations

from typing import Any

import pytest

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
