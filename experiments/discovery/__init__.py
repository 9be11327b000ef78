"""Scenario discovery: the regions of uncertainties and levers where an outcome crosses a line.

``python -m experiments.discovery`` (see :mod:`experiments.discovery.__main__` and the README
beside this file). The parts: :mod:`~experiments.discovery.data` (a study's factor values and
outcome), :mod:`~experiments.discovery.boxes` (PRIM or CART and the box chosen),
:mod:`~experiments.discovery.report` and :mod:`~experiments.discovery.plots`.
"""

from experiments.discovery.boxes import Box, cart_box, prim_box
from experiments.discovery.data import DiscoveryError, factor_frame, load_study, outcome_values

__all__ = ["Box", "DiscoveryError", "cart_box", "factor_frame", "load_study", "outcome_values",
           "prim_box"]  # fmt: skip
