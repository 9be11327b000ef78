"""The SolaraViz page: the controls, the panels, and the page for Jupyter and for the server.

In Jupyter, ``page()`` as the last line of a cell renders the dashboard inline::

    from experiments.dashboard import page
    page()                                    # baseline_2025 against world_2025
    page(scenario_name="full_synergy", comparison="baseline_2025", households=5000)

``graduasi-dashboard`` serves :data:`Page` (one model per browser session) with solara.
"""

from __future__ import annotations

import inspect
from typing import Any

import solara
from mesa.visualization import SolaraViz

from experiments.dashboard.controls import LEVERS
from experiments.dashboard.model import AS_SCENARIO, DashboardModel
from experiments.dashboard.panels import COMPONENTS
from scenarios import available

__all__ = ["Page", "model_params", "page"]

#: choices of the empowerment share (of the bansos + empowerment budget)
SHARES = [AS_SCENARIO, *(f"{s}%" for s in (0, 5, 10, 15, 20, 25, 30, 40, 50, 75))]
SWITCH = [AS_SCENARIO, "on", "off"]


def model_params(**values: Any) -> dict[str, Any]:
    """SolaraViz's ``model_params``: one control per keyword of :class:`DashboardModel`.

    ``values`` set the controls' starting values (defaults: those of :class:`DashboardModel`).
    """
    v = _defaults() | values
    v |= {k: _choice(v[k]) for k in ("empowerment_share", *LEVERS)}  # the selects' choices
    shares = SHARES if v["empowerment_share"] in SHARES else [*SHARES, v["empowerment_share"]]
    names = available()
    out: dict[str, Any] = {
        "scenario_name": {"type": "Select", "value": v["scenario_name"], "values": names,
                          "label": "Scenario"},
        "comparison": {"type": "Select", "value": v["comparison"], "values": names,
                       "label": "Compare with (same seed)"},
        "aid_level": {"type": "SliderFloat", "value": v["aid_level"], "min": 0.0, "max": 2.0,
                      "step": 0.1, "label": "Aid level (× bansos budgets)"},
        "empowerment_share": {"type": "Select", "value": v["empowerment_share"],
                              "values": shares, "label": "Empowerment share of the budget"},
    }  # fmt: skip
    for name, label in LEVERS.items():
        out[name] = {"type": "Select", "value": v[name], "values": SWITCH, "label": label}
    out |= {
        "shock_intensity": {"type": "SliderFloat", "value": v["shock_intensity"], "min": 0.0,
                            "max": 3.0, "step": 0.25, "label": "Shock intensity (× hazards)"},
        "households": {"type": "SliderInt", "value": v["households"],
                       "min": min(500, v["households"]),
                       "max": 20000, "step": 500, "label": "Households"},
        "seed": {"type": "InputText", "value": str(v["seed"]), "label": "Seed"},
    }  # fmt: skip
    return out


def _choice(value: Any) -> Any:
    """Return the choice of a select for a value given in Python: None, a bool or a share."""
    if value is None:
        return AS_SCENARIO
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float) and 0 <= value <= 1:
        return f"{value * 100:g}%"
    return value


def _defaults() -> dict[str, Any]:
    """Return the keyword defaults of :class:`DashboardModel`."""
    params = inspect.signature(DashboardModel.__init__).parameters.values()
    return {p.name: p.default for p in params if p.default is not inspect.Parameter.empty}


def page(**values: Any) -> solara.Element:
    """Return the dashboard (a SolaraViz element) starting from the control ``values``.

    Parameters
    ----------
    **values
        Keywords of :class:`DashboardModel` (``scenario_name``, ``comparison``, ``aid_level``,
        ``households``, ...); the others keep their defaults.

    Returns
    -------
    solara.Element
        The page; the last expression of a Jupyter cell renders it inline.
    """
    return _viz(DashboardModel(**values), values)


def _viz(model: DashboardModel, values: dict[str, Any]) -> solara.Element:
    return SolaraViz(model, components=list(COMPONENTS), model_params=model_params(**values),
                     name="Graduasi: poverty graduation, two scenarios on one seed",
                     play_interval=150)  # fmt: skip


@solara.component
def Page() -> solara.Element:  # noqa: N802 (solara finds the page by this name)
    """Serve the page: each browser session gets a model of its own."""
    model = solara.use_memo(DashboardModel, [])
    return _viz(model, {})
