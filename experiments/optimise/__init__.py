"""Optimiser: a multi-objective search (Optuna NSGA-II) over splits of the 2025 envelope.

``python -m experiments.optimise`` (see ``README.md`` here) searches the explorer's allocation
space (:mod:`experiments.allocation.design`) for the most sustained graduations and the least
extreme poverty (:mod:`~experiments.optimise.search`), runs each generation of trials as one
``graduasi`` sweep, and writes the Pareto table, a figure and the chosen allocation as a
scenario file (:mod:`~experiments.optimise.report`, :mod:`~experiments.optimise.scenario_file`).
"""

from experiments.optimise.search import OBJECTIVES, Search, choose, run_search

__all__ = ["OBJECTIVES", "Search", "choose", "run_search"]
