"""Allocation explorer: splits of a fixed 2025 budget envelope, their frontier, and margins.

``python -m experiments.allocation`` (see ``README.md`` here) sweeps splits of the envelope of
:data:`~experiments.allocation.envelope.ENVELOPE` (:mod:`~experiments.allocation.design`), runs
them with the status quo as one ``graduasi`` sweep (:func:`experiments.study.run_study`) and
reports the frontier of sustained graduations, relapse, extreme poverty and spending, and the
paired effects of marginal budget changes (:mod:`~experiments.allocation.analysis`).
"""

from experiments.allocation.design import STATUS_QUO, Allocation, simplex_points, to_simplex
from experiments.allocation.envelope import ENVELOPE, ENVELOPE_REASON, Envelope, read_envelope

__all__ = [
    "ENVELOPE",
    "ENVELOPE_REASON",
    "STATUS_QUO",
    "Allocation",
    "Envelope",
    "read_envelope",
    "simplex_points",
    "to_simplex",
]
