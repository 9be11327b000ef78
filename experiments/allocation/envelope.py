"""The budget envelope: which programmes share a fixed total, and how a split becomes overrides.

The envelope is the declared list :data:`ENVELOPE` of programmes whose budgets a planner moves
between; their 2025 budgets (read from the scenario, never typed here) add up to the total that
every allocation keeps. A split is a vector of shares on the simplex (non-negative, summing to
one); programme ``p`` then gets ``share[p] * total[y]`` in every year ``y`` of the budget lists
(lists of different lengths are first padded with their last value, as the engine repeats it).

Capacity scales with budget (:func:`allocate`): the baseline capacities are themselves budget
divided by a unit cost (Sembako 18.8 M families x Rp200,000 x 12 = Rp45 T; ATENSI Rp3.73 T /
158,400 targets; PENA Rp0.3 T for about 100,000 families; ``scenarios/baseline_2025.yaml``), so
keeping each programme's budget per place fixed is the assumption that the unit cost does not
change with scale. Without it money added to a programme at its capacity would stay unspent
(PENA's 100,000 places absorb about Rp0.36 T a year) and a cut would leave places unfunded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from scenarios import load_params
from simulation.params import ParameterError

__all__ = ["ENVELOPE", "ENVELOPE_REASON", "Envelope", "allocate", "overrides", "read_envelope"]

#: the programmes whose budgets make the envelope (by default)
ENVELOPE: tuple[str, ...] = ("PKH", "Sembako", "ATENSI", "PENA")
ENVELOPE_REASON = (
    "PKH, Sembako, ATENSI and PENA are the Kemensos programmes whose budgets the Ministry of "
    "Social Affairs proposes together, so money can move between them within one ministry's "
    "ceiling. PBI-JKN is left out: its premiums are paid from the health budget "
    "(Kemenkes-BPJS) at a rate fixed by Perpres 64/2020 for the people the JKN law covers, so "
    "it is an entitlement, not a budget lever. Training, UMi credit and village cash-for-work "
    "belong to other ministries (Kemnaker, Kemenkop-PIP, Kemendes)."
)
#: budgets are whole multiples of this (Rp); capacities are whole households
RP_UNIT = 1_000_000


@dataclass(frozen=True)
class Envelope:
    """The programmes of an envelope and their status-quo budgets and capacities.

    Attributes
    ----------
    scenario : str
        Scenario the budgets were read from.
    names : tuple of str
        Programmes in the envelope, in the order of the share vectors.
    budgets : numpy.ndarray
        Status-quo budgets, shape ``(programme, year)``, Rp/year.
    capacities : numpy.ndarray
        Status-quo capacities, shape ``(programme,)``, households.
    """

    scenario: str
    names: tuple[str, ...]
    budgets: np.ndarray
    capacities: np.ndarray

    @property
    def totals(self) -> np.ndarray:
        """The envelope by year, shape ``(year,)``, Rp/year."""
        return np.asarray(self.budgets.sum(axis=0))

    @property
    def shares(self) -> np.ndarray:
        """Status-quo shares of the first year's envelope, shape ``(programme,)``."""
        return np.asarray(self.budgets[:, 0] / self.totals[0])


def read_envelope(scenario: str, names: Sequence[str] = ENVELOPE, *, minimum: int = 2) -> Envelope:
    """Read the budgets and capacities of programmes ``names`` from ``scenario``.

    ``minimum`` is the least number of programmes (two for a split; one for a marginal change).

    Raises
    ------
    ParameterError
        A name is not a programme of the scenario, is repeated, or has no budget in its first
        year (its capacity could not be scaled with budget).
    """
    programmes = {p.name: p for p in load_params(scenario).policy.programmes}
    for name in names:
        if name not in programmes:
            raise ParameterError(f"programme {name!r} is not in scenario {scenario!r}; "
                                 f"its programmes: {', '.join(programmes)}")  # fmt: skip
        if programmes[name].budget[0] <= 0:
            raise ParameterError(f"programme {name!r} has no 2025 budget in {scenario!r}: its "
                                 "capacity cannot be scaled with budget")  # fmt: skip
    if len(set(names)) != len(names) or len(names) < minimum:
        raise ParameterError(f"the envelope needs {minimum} or more distinct programmes, "
                             f"got {list(names)}")  # fmt: skip
    years = max(len(programmes[n].budget) for n in names)
    budgets = np.array([_pad(programmes[n].budget, years) for n in names], dtype=float)
    capacities = np.array([programmes[n].capacity for n in names], dtype=float)
    return Envelope(scenario, tuple(names), budgets, capacities)


def _pad(budget: Sequence[float], years: int) -> list[float]:
    return [*budget, *[budget[-1]] * (years - len(budget))]


def _split(total: float, shares: np.ndarray) -> np.ndarray:
    """Split ``total`` (Rp) in whole units of :data:`RP_UNIT` by largest remainders."""
    units = round(total / RP_UNIT)
    raw = shares * units
    whole = np.floor(raw).astype(np.int64)
    left = units - int(whole.sum())
    order = np.argsort(-(raw - whole), kind="stable")
    whole[order[:left]] += 1
    return whole.astype(float) * RP_UNIT


def allocate(env: Envelope, shares: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Budgets and capacities of a split of the envelope.

    Parameters
    ----------
    env : Envelope
        The envelope.
    shares : sequence of float
        Share of each programme of ``env.names`` (non-negative, summing to one).

    Returns
    -------
    budgets : numpy.ndarray
        Shape ``(programme, year)``, Rp/year, whole millions; each year sums to the envelope.
    capacities : numpy.ndarray
        Shape ``(programme,)``, households: status-quo capacity times the budget ratio of the
        first year (constant cost per place), rounded to whole households.
    """
    s = np.asarray(shares, dtype=float)
    if s.shape != (len(env.names),) or (s < -1e-12).any() or abs(s.sum() - 1) > 1e-9:
        raise ValueError(f"shares must be {len(env.names)} non-negative numbers summing to 1, "
                         f"got {s.tolist()}")  # fmt: skip
    s = np.clip(s, 0.0, None) / np.clip(s, 0.0, None).sum()
    budgets = np.stack([_split(t, s) for t in env.totals], axis=1)
    return budgets, scaled_capacity(env, budgets)


def scaled_capacity(env: Envelope, budgets: np.ndarray) -> np.ndarray:
    """Capacity (households) that keeps each programme's first-year budget per place."""
    return np.round(env.capacities * budgets[:, 0] / env.budgets[:, 0])


def overrides(env: Envelope, budgets: np.ndarray, capacities: np.ndarray) -> dict[str, Any]:
    """Dotted overrides ``policy.programmes.<NAME>.budget`` and ``.capacity`` of a split."""
    out: dict[str, Any] = {}
    for name, budget, capacity in zip(env.names, budgets, capacities, strict=True):
        out[f"policy.programmes.{name}.budget"] = [float(b) for b in budget]
        out[f"policy.programmes.{name}.capacity"] = float(capacity)
    return out
