"""A policy that takes over from the one in force before: the start of a scenario in 2025.

The agencies act in the last months of the burn-in under the policy in force before the start
(``Params.history``, the 2025 status quo), so the first recorded month finds families enrolled,
cohorts in coaching, loans outstanding and graduates followed up. At month 0 the scenario's
policy takes over: the registry lists, graduation states and spells go on, and each programme
of the scenario that existed before (the same name and kind) keeps its households, as a reform
changes a running programme's rules, budget or capacity from January. A programme the scenario
adds starts empty; the households of one it drops leave it. Budget years start afresh (each
January opens the year's budget in any case).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from simulation.policy.programmes.base import ProgrammeRuntime
    from simulation.policy.runtime import PolicyRuntime

__all__ = ["carry_programme", "take_over"]


def take_over(new: PolicyRuntime, past: PolicyRuntime) -> None:
    """Give ``new`` the households of ``past``'s programmes; ``past``'s agencies leave.

    The registry and the graduation tracker are shared already (``new`` was built on them).
    """
    before = {(p.spec.name, p.spec.kind): p for p in past.programmes}
    for p in new.programmes:
        old = before.get((p.spec.name, p.spec.kind))
        if old is not None:
            carry_programme(p, old)
    past.retire()


def carry_programme(new: ProgrammeRuntime, old: ProgrammeRuntime) -> None:
    """Copy every per-household column of ``old`` (its kind's ``FRESH`` columns) into ``new``.

    Columns that depend on the rules (a PKH family's benefit) are recomputed by ``new`` from
    its own rules when next asked; the others are the households' histories.
    """
    for name in type(new).FRESH:
        src, dst = getattr(old, name), getattr(new, name)
        if dst.shape == src.shape:  # some columns are kept only where needed (size 0)
            np.copyto(dst, src)
    if old.only is not None:  # the list the programme serves (set by a trial)
        new.only = old.only.copy()
    new.forget(np.zeros(0, dtype=np.intp))  # the member list is rebuilt from ``enrolled``
