"""Invariants of the world under random seeds and parameters (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from simulation import GraduationModel
from simulation.households import MEMBER_SLOTS
from simulation.recorder import VARIABLES
from tests.conftest import small_params

FLOATS = ("assets", "savings", "consumption", "consumption_pc", "usual_income", "wage_income",
          "enterprise_income", "health_cost", "skill", "persistent")  # fmt: skip

worlds = st.fixed_dictionaries(
    {
        "run__seed": st.integers(0, 2**32),
        "world__population__households": st.integers(1, 120),
        "world__population__village_size": st.integers(1, 30),
        "world__shocks__health_hazard": st.floats(0, 0.5),
        "world__shocks__disaster_hazard": st.floats(0, 0.5),
        "world__shocks__disaster_asset_loss": st.floats(0, 1),
        "world__shocks__food_price_hazard": st.floats(0, 1),
        "world__income__transitory_sigma": st.floats(0, 1),
        "world__income__jobless_earnings": st.floats(0, 1),
        "world__consumption__distress_discount": st.floats(0, 0.95),
        "world__consumption__invest_share": st.floats(0, 1),
        "world__demography__mortality_a": st.floats(0, 0.01),
        "world__demography__leave_home_hazard": st.floats(0, 0.5),
    }
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: keep CI bounded
)
@given(worlds)
def test_invariants_hold_every_month(overrides: dict[str, float]) -> None:
    p = small_params(run__months=8, run__burn_in_months=0, **overrides)
    model = GraduationModel(p)
    n = p.world.population.households
    for _ in range(p.run.months):
        model.step()
        hh = model.households
        assert hh.n == n and len(model.agents) == n  # households are conserved
        for name in FLOATS:
            assert np.isfinite(getattr(hh, name)).all(), name
        assert (hh.assets >= 0).all() and (hh.savings >= 0).all() and (hh.consumption >= 0).all()
        assert ((hh.size >= 1) & (hh.size <= MEMBER_SLOTS)).all()
        np.testing.assert_array_equal(hh.size, (hh.age >= 0).sum(axis=1))
        np.testing.assert_array_equal(hh.poor, hh.consumption_pc < hh.poverty_line)
        assert not (hh.extreme_poor & ~hh.poor).any()  # the extreme poor are poor
        np.testing.assert_allclose(
            hh.consumption_pc * hh.size, hh.consumption, rtol=1e-12, atol=1e-6
        )
    ds = model.recorder.to_dataset(model)
    for name in VARIABLES:
        var = ds[name]
        # group rates and decile means are NaN for a group with no member: by design
        if name not in ("poverty_rate_by_region", "poverty_rate_by_area", "consumption_by_decile"):
            assert np.isfinite(var.values).all(), name
    rates = ds[["poverty_rate", "extreme_poverty_rate", "poverty_gap", "poverty_severity", "gini"]]
    eps = 1e-12  # FGT0 = FGT1 = FGT2 when every poor household consumes nothing: rounding
    for name, var in rates.data_vars.items():
        assert ((var >= 0) & (var <= 1 + eps)).all(), name
    assert (ds.extreme_poverty_rate <= ds.poverty_rate).all()
    assert (ds.poverty_severity <= ds.poverty_gap + eps).all()
    assert (ds.poverty_gap <= ds.poverty_rate + eps).all()
