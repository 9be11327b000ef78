"""The synthetic population, and the provenance of the scenario data."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
import yaml

from scenarios import SCENARIO_DIR, is_leaf
from simulation.households import MEMBER_SLOTS
from simulation.population import synthetic_population
from simulation.streams import Streams
from tests.conftest import small_params

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def population():  # type: ignore[no-untyped-def]
    p = small_params(world__population__households=20_000, world__population__village_size=50)
    return p, synthetic_population(p.world, Streams(p.run.seed, 0).generator("population"))


def test_regions_follow_population_shares(population) -> None:  # type: ignore[no-untyped-def]
    p, hh = population
    shares = np.bincount(hh.region, minlength=len(p.world.regions)) / hh.n
    expected = [r.population_share for r in p.world.regions]
    np.testing.assert_allclose(shares, expected, atol=0.01)


def test_villages_hold_one_region_and_area(population) -> None:  # type: ignore[no-untyped-def]
    p, hh = population
    for key in (hh.region, hh.urban.astype(np.int8)):
        lo = np.full(hh.village.max() + 1, 10**6)
        hi = np.full(hh.village.max() + 1, -1)
        np.minimum.at(lo, hh.village, key)
        np.maximum.at(hi, hh.village, key)
        assert (lo == hi).all()
    assert np.bincount(hh.village).max() <= p.world.population.village_size


def test_composition_is_consistent(population) -> None:  # type: ignore[no-untyped-def]
    p, hh = population
    np.testing.assert_array_equal(hh.size, (hh.age >= 0).sum(axis=1))
    oldest = hh.age.max(axis=1)
    # households are headed by adults; a very few have lost every adult (the spin-up's deaths)
    assert np.mean(oldest >= 19 * 12) > 0.995
    partnerless = hh.age[:, 1] < 0
    assert (hh.pregnant[partnerless] == 0).all()
    assert hh.size.min() >= 1 and hh.size.max() <= MEMBER_SLOTS
    assert hh.size.mean() == pytest.approx(p.world.demography.size_mean, abs=0.15)


def test_poor_households_are_larger_after_the_burn_in() -> None:
    """The draw sets skill; the shocks and compositions spread consumption during the burn-in."""
    from simulation import GraduationModel

    p = small_params(
        world__population__households=20_000,
        world__population__village_size=50,
        run__burn_in_months=36,
    )
    hh = GraduationModel(p).households
    poor = hh.poor
    assert 0.05 < poor.mean() < 0.2
    assert hh.size[poor].mean() > hh.size[~poor].mean() + 0.2


def test_income_sources_sustain_starting_consumption(population) -> None:  # type: ignore[no-untyped-def]
    p, hh = population
    assert (hh.skill >= p.world.income.skill_floor).all()
    assert (hh.assets >= 0).all() and (hh.savings >= 0).all()
    a = p.world.assets
    near = np.abs(hh.assets - a.threshold) < 0.05 * a.threshold
    assert near.mean() < 0.01  # the "missing mass" around the trap threshold


def test_persistent_shock_starts_stationary_and_independent_of_consumption(population) -> None:  # type: ignore[no-untyped-def]
    """The shock is drawn as for a new household: an offset by skill would unwind later."""
    p, hh = population
    inc = p.world.income
    v = inc.persistent_sigma**2 / (1 - inc.persistent_rho**2)
    assert np.var(hh.persistent) == pytest.approx(v, rel=0.05)
    assert abs(np.corrcoef(hh.persistent, np.log(hh.consumption_pc))[0, 1]) < 0.03
    assert abs(np.corrcoef(hh.persistent, np.log(hh.skill))[0, 1]) < 0.03


def _leaves(node, path=""):  # type: ignore[no-untyped-def]
    if is_leaf(node):
        yield path, node
    elif isinstance(node, dict):
        for k, v in node.items():
            if k != "meta":
                yield from _leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, f"{path}[{i}]")
    else:
        yield path, None


def test_every_world_value_cites_a_source_or_says_it_is_assumed() -> None:
    tree = yaml.safe_load((SCENARIO_DIR / "world_2025.yaml").read_text(encoding="utf-8"))
    leaves = list(_leaves(tree))
    assert len(leaves) > 80
    bare = [path for path, leaf in leaves if leaf is None]
    assert not bare, f"values without source or assumption: {bare}"
    for path, leaf in leaves:
        text = leaf.get("source") or leaf.get("assumption")
        assert isinstance(text, str) and len(text) > 8, path


def test_engine_does_not_import_hydra_or_do_io() -> None:
    for py in (ROOT / "simulation").rglob("*.py"):
        tree = ast.parse(py.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                banned = ("hydra", "omegaconf") + (
                    () if py.name == "plotting.py" else ("matplotlib",)
                )
                for name in names:
                    assert not name.startswith(banned), (py, name)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("show", "savefig"):
                raise AssertionError(f"{py} shows or saves a figure")
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "open":
                raise AssertionError(f"{py} opens a file")
