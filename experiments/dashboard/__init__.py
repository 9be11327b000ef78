"""An interactive dashboard (Mesa SolaraViz) that runs two scenarios side by side on one seed.

``graduasi-dashboard`` serves it on http://127.0.0.1:8765; in Jupyter, ``page()`` renders it
inline (see ``experiments/dashboard/README.md``). :mod:`~experiments.dashboard.controls` maps the
controls to parameters; :class:`DashboardModel` steps the two runs together;
:mod:`~experiments.dashboard.panels` draws them. The engine (:mod:`simulation`) knows nothing of
the dashboard.

``page`` and ``Page`` are imported when first used (they import solara and Mesa's
visualisation), so the controls can be used without them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from experiments.dashboard.controls import Controls, build_params
from experiments.dashboard.model import DashboardModel

if TYPE_CHECKING:
    from experiments.dashboard.app import Page, page

__all__ = ["Controls", "DashboardModel", "Page", "build_params", "page"]

if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """Import ``page`` and ``Page`` (solara, Mesa's visualisation) when first used."""
        if name in ("page", "Page"):
            return getattr(importlib.import_module("experiments.dashboard.app"), name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
