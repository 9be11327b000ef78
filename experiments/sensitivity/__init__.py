"""Global sensitivity analysis: which uncertainties and levers drive graduation and relapse.

``python -m experiments.sensitivity`` (see :mod:`experiments.sensitivity.__main__` and the
README beside this file). The parts: :mod:`~experiments.sensitivity.factors` (the declared
uncertainties and levers, checked), :mod:`~experiments.sensitivity.sampling` (SALib samples
as design points), :mod:`~experiments.sensitivity.analysis` (noise and indices) and
:mod:`~experiments.sensitivity.report` (tables and the figure).
"""

from experiments.sensitivity.analysis import OUTCOMES, analyse, noise_table, outcome_matrix
from experiments.sensitivity.factors import DeclarationError, Factor, load_declarations
from experiments.sensitivity.sampling import design_points, unit_sample

__all__ = ["OUTCOMES", "DeclarationError", "Factor", "analyse", "design_points",
           "load_declarations", "noise_table", "outcome_matrix", "unit_sample"]  # fmt: skip
