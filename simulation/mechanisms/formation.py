"""Household formation: grown children who leave home set up households of their own.

The simulated households are a fixed-size representative sample of a growing population. Each
month, demography empties the households whose last member dies (``D``) and sends grown
children away from home; the leavers set up ``F`` new households, alone or as a couple with
another leaver of the same area (``partner_probability``). The real number of households
grows by the factor ``(N - D + F) / N``, so each simulated household stands for that many more
real ones (:attr:`Formation.growth`); the sample stays a uniform draw of the grown population:

* within each stratum (region and area), when ``F >= D`` the new households take the emptied
  rows, and ``F - D`` of the stratum's surviving and new households, drawn uniformly, leave the
  sample (a new one drawn is simply not placed; a survivor drawn gives up its row);
* when ``F < D`` (a small sample's month), the remaining rows are filled by grown children
  (slot 2 and above, of leaving age) drawn from the stratum's households, or from any
  household, who set up their household a little early; only if there is none is a last death
  undone.

A new household takes the place (region, area, village) of its row, so places, villages and
networks stay by row; it is not on any registry list until the next refresh, and holds no
programme or graduation state. It starts with its members' per-capita share of their origin's
savings and productive assets (assumption), the origin's consumption per capita, a log skill
that regresses towards the mean (``skill_persistence``), and a persistent shock and employment
drawn from their stationary distributions. Every draw comes from the ``formation`` stream and
depends only on ages, so every scenario forms the same households in the same rows.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

from simulation.households import HouseholdState
from simulation.mechanisms.demography import MonthEvents, People, of_leaving_age
from simulation.params import World

__all__ = ["Formation", "Renewal"]

I8 = NDArray[np.intp]
#: columns a new household starts with empty (members are written after; -1: no member)
_RESET = ("age", "disabled", "pregnant", "sick", "debt", "other_income", "kin_income",
          "wage_income", "enterprise_income", "transfer_income", "health_cost")  # fmt: skip
_SKILL_SAMPLE = 1 << 16  #: households whose log skill gives the mean and spread regressed to
_TRIES = 16  #: households drawn for a joiner to move in with
#: columns a move changes, of the host and the mover
_MERGED = ("age", "disabled", "size", "savings", "assets", "debt", "other_income")


@dataclass
class Renewal:
    """What household formation did this month.

    Attributes
    ----------
    rows : ndarray of intp
        Rows now holding a new household (sorted); whatever held them before is gone.
    origins : ndarray of intp
        Rows whose members changed after demography (grown children who left early).
    growth : float
        Real households now per real household before: ``(N - D + F) / N``.
    formed, dissolved : int
        New households set up (``F``) and households emptied (``D``) this month.
    """

    rows: I8
    origins: I8
    growth: float
    formed: int
    dissolved: int


@dataclass
class _Merge:
    """Households that merged this month.

    The emptied rows, their hosts (by position), and the columns a move changes of the hosts
    then the movers as they were before (to undo a move).
    """

    rows: I8
    hosts: I8  #: the hosts, then the rows whose lone member moved to slot 0 (all recounted)
    saved: dict[str, NDArray[np.generic]]
    n_hosts: int


@dataclass
class _New:
    """New households of one month: head and partner (indices into the leavers, -1: none)."""

    head: I8
    partner: I8
    stratum: I8


class Formation:
    """Places the month's new households in the sample (see the module docstring).

    Parameters
    ----------
    state : HouseholdState
        The households; their region and area (the strata) never change by row.
    world : World
        The world's demography and income process.
    economics : bool
        Whether new households get skill, shocks and consumption (False: members only).
    """

    def __init__(self, state: HouseholdState, world: World, *, economics: bool = True) -> None:
        self.world = world
        self.economics = economics  # False: members only (the population's demographic spin-up)
        self.stratum = state.region.astype(np.intp) * 2 + state.urban
        order = np.argsort(self.stratum, kind="stable")
        bounds = np.searchsorted(self.stratum[order], np.arange(int(np.max(self.stratum)) + 2))
        self._order, self._bounds = order, bounds  # rows of stratum s: order[bounds[s]:...]
        self._rows = [order[a:b] for a, b in itertools.pairwise(bounds)]

    def step(
        self, state: HouseholdState, events: MonthEvents, rng: np.random.Generator, month: int
    ) -> Renewal:
        """Merge, form this month's households and place them in the sample, in place."""
        leavers = events.leavers
        shares = _take_shares(state, leavers)
        merge = self._merge(state, rng)
        empty = np.sort(np.concatenate((events.last_deaths.origin, merge.rows)))
        new = self._pair_leavers(leavers, rng)
        n, formed, dissolved = state.n, new.head.size, empty.size
        placed, rows, extra = self._place(new, empty, rng)
        heads, partners, people = new.head[placed], new.partner[placed], leavers
        early = self._early(state, rows[placed.size :], rng) if extra else None
        if early is not None:  # grown children who leave early, alone
            people = _join(leavers, early)
            more = _take_shares(state, early)
            shares = {k: np.concatenate((v, more[k])) for k, v in shares.items()}
            heads = np.concatenate((heads, leavers.origin.size + np.arange(early.origin.size)))
            partners = np.concatenate((partners, np.full(early.origin.size, -1, np.intp)))
        filled = rows[: heads.size]
        if filled.size < rows.size:  # nobody could leave: the deaths and moves are undone
            self._undo(state, events.last_deaths, merge, rows[filled.size :])
            dissolved -= rows.size - filled.size
        self._set_up(state, people, shares, (heads, partners), filled, rng, month)
        origins = np.concatenate((merge.hosts, early.origin if early else np.zeros(0, np.intp)))
        return Renewal(np.sort(filled), origins, (n - dissolved + formed) / n, formed, dissolved)

    # -- merging -------------------------------------------------------------------------------
    def _merge(self, state: HouseholdState, rng: np.random.Generator) -> _Merge:
        """People living alone who marry or move in with a younger household, this month.

        A single adult under 40 marries another single adult of the stratum who married this
        month (``marriage_hazard``; the younger moves in as the partner); a person of 60 or over
        living alone moves in with a household of the stratum whose head is 15 to 45 years
        younger, one of their children's (``join_hazard``), if one of a few drawn has room.
        Their savings, assets, debt and pensions move with them; their rows are emptied.
        """
        d = self.world.demography
        alone = np.flatnonzero(state.size == 1)
        alone = alone[state.pregnant[alone] == 0]  # a pregnant widow stays as she is (slot 1)
        moved = _to_slot_zero(state, alone)
        age = state.age[alone, 0].astype(np.int64)
        u = rng.random(alone.size)
        young = (age >= round(d.leave_home_age * 12)) & (age < 40 * 12)
        marry = alone[young & (u < d.marriage_hazard)]
        a, b = _pairs(self.stratum[marry], rng)
        older = state.age[marry[a], 0] >= state.age[marry[b], 0]
        hosts = [np.where(older, marry[a], marry[b])]
        movers = [np.where(older, marry[b], marry[a])]
        joining = alone[(age >= 60 * 12) & (u < d.join_hazard)]
        h = self._younger_household(state, joining, rng)
        hosts.append(h[h >= 0])
        movers.append(joining[h >= 0])
        host, mover = np.concatenate(hosts), np.concatenate(movers)
        both = np.concatenate((host, mover))
        saved = {k: getattr(state, k)[both] for k in _MERGED}  # what a move changes (to undo)
        slot = np.where(np.arange(host.size) < hosts[0].size, 1, _free_slot(state, host))
        state.age[host, slot] = state.age[mover, 0]
        state.disabled[host, slot] = state.disabled[mover, 0]
        state.size[host] += 1
        for k in ("savings", "assets", "debt", "other_income"):
            column = getattr(state, k)
            column[host] += column[mover]
        state.age[mover] = -1
        state.disabled[mover] = False
        state.size[mover] = 0
        return _Merge(mover, np.concatenate((host, moved)), saved, host.size)

    def _younger_household(
        self, state: HouseholdState, joining: I8, rng: np.random.Generator
    ) -> I8:
        """Find for each joiner a household with room whose head is 15-45 years younger (-1: none).

        :data:`_TRIES` households of the joiner's stratum are drawn; the first that fits is
        taken, and none is taken twice in a month (the first joiner keeps it).
        """
        if joining.size == 0:
            return np.zeros(0, np.intp)
        s = self.stratum[joining]
        lo, size = self._bounds[s], self._bounds[s + 1] - self._bounds[s]
        draw = (rng.random((joining.size, _TRIES)) * size[:, None]).astype(np.intp)
        cand = self._order[lo[:, None] + draw]
        gap = state.age[joining, 0].astype(np.int64)[:, None] - state.age[cand, 0]
        room = np.any(state.age[cand, 2:] < 0, axis=2)  # slot 1 is the partner's
        fits = room & (state.size[cand] >= 2) & (gap >= 180) & (gap <= 540)
        first = np.argmax(fits, axis=1)
        out = np.where(np.any(fits, axis=1), cand[np.arange(joining.size), first], -1)
        _, once = np.unique(out, return_index=True)
        taken = np.zeros(out.size, bool)
        taken[once] = True
        out[~taken] = -1  # a host already taken by an earlier joiner
        return out

    # -- pairing and placing -----------------------------------------------------------------
    def _pair_leavers(self, leavers: People, rng: np.random.Generator) -> _New:
        """Pair leavers of the same stratum who set up a household with a partner."""
        m = leavers.origin.size
        partnered = np.flatnonzero(rng.random(m) < self.world.demography.partner_probability)
        a, b = _pairs(self.stratum[leavers.origin[partnered]], rng)
        a, b = partnered[a], partnered[b]
        older = leavers.age[a] >= leavers.age[b]
        head, partner = np.where(older, a, b), np.where(older, b, a)
        single = np.setdiff1d(np.arange(m), np.concatenate((a, b)), assume_unique=True)
        head = np.concatenate((head, single))
        partner = np.concatenate((partner, np.full(single.size, -1, np.intp)))
        return _New(head, partner, self.stratum[leavers.origin[head]])

    def _place(self, new: _New, empty: I8, rng: np.random.Generator) -> tuple[I8, I8, int]:
        """Choose the new households kept and the rows they take, stratum by stratum.

        Returns the indices (into ``new``) of the households placed, the rows for them followed
        by the rows still to fill, and how many rows are still to fill.
        """
        placed, rows, left = [], [], []
        empty_stratum = self.stratum[empty]
        for s in np.union1d(new.stratum, empty_stratum):
            mine, free = np.flatnonzero(new.stratum == s), empty[empty_stratum == s]
            if mine.size <= free.size:
                placed.append(mine)
                rows.append(free[: mine.size])
                left.append(free[mine.size :])
                continue
            pool = self._rows[s]
            k = mine.size - free.size  # households leaving the sample
            pick = rng.choice(pool.size + mine.size, k + free.size, replace=False)
            is_free = np.isin(pick, np.searchsorted(pool, free) if free.size else [])
            drop = pick[~is_free][:k]
            gone_rows = pool[drop[drop < pool.size]]
            kept = np.setdiff1d(mine, mine[drop[drop >= pool.size] - pool.size])
            placed.append(kept)
            rows.append(np.concatenate((free, gone_rows)))
        extra = int(sum(x.size for x in left))
        cat = np.concatenate
        none = np.zeros(0, np.intp)
        return cat(placed or [none]), cat(rows + left) if rows or left else none, extra

    def _early(self, state: HouseholdState, rows: I8, rng: np.random.Generator) -> People | None:
        """Grown children who leave home early to fill ``rows``, removed from their origins.

        For each row, :data:`_TRIES` households of its stratum, then as many of any stratum,
        are drawn; the first with a member of leaving age in slot 2 or above (and another
        member) gives one, no household more than one. Fewer if not enough are found; None if
        none is.
        """
        d = self.world.demography
        need = self.stratum[rows]
        lo, size = self._bounds[need], self._bounds[need + 1] - self._bounds[need]
        draw = (rng.random((rows.size, _TRIES)) * size[:, None]).astype(np.intp)
        near = self._order[lo[:, None] + draw]
        anywhere = rng.integers(state.n, size=(rows.size, _TRIES))
        cand = np.concatenate((near, anywhere), axis=1)
        may = of_leaving_age(state.age[cand], d)  # (rows, 2 * tries, slots)
        may[..., :2] = False
        may &= (state.size[cand] > 1)[..., None]
        fits = np.any(may, axis=2)
        first = np.argmax(fits, axis=1)
        found = np.flatnonzero(np.any(fits, axis=1))
        origin = cand[found, first[found]]
        _, once = np.unique(origin, return_index=True)  # one leaver per household
        found, origin = found[np.sort(once)], origin[np.sort(once)]
        if found.size == 0:
            return None
        slot = np.argmax(may[found, first[found]], axis=1)
        people = People.of(state, origin, slot)
        state.age[origin, slot] = -1
        state.disabled[origin, slot] = False
        state.size[origin] -= 1
        return people

    @staticmethod
    def _undo(state: HouseholdState, last: People, merge: _Merge, rows: I8) -> None:
        """Undo the last deaths and moves that emptied ``rows``: those members stay."""
        died = rows[np.isin(rows, last.origin)]
        at = np.searchsorted(last.origin, died)
        state.age[died, 0] = last.age[at]
        state.disabled[died, 0] = last.disabled[at]
        state.size[died] = 1
        moved = np.flatnonzero(np.isin(merge.rows, rows))
        if moved.size:  # the movers and their hosts as they were
            at = np.concatenate((moved, merge.n_hosts + moved))
            both = np.concatenate((merge.hosts[: merge.n_hosts], merge.rows))[at]
            for k in _MERGED:
                getattr(state, k)[both] = merge.saved[k][at]

    # -- the new households ------------------------------------------------------------------
    def _set_up(
        self,
        state: HouseholdState,
        people: People,
        shares: dict[str, NDArray[np.float64]],
        members: tuple[I8, I8],
        rows: I8,
        rng: np.random.Generator,
        month: int,
    ) -> None:
        """Write the new households to ``rows``.

        ``members`` are the indices into ``people`` of each household's head and partner (-1:
        none); ``shares`` each person's share of their origin's savings and assets (Rp).
        """
        head, partner = members
        couple = partner >= 0
        other = np.where(couple, partner, head)
        size = 1 + couple
        # read before anything is written: an origin may be one of ``rows``
        economy = self._economy(state, people.origin[head], size, rng) if self.economics else {}
        for k, share in shares.items():
            getattr(state, k)[rows] = share[head] + np.where(couple, share[other], 0.0)
        for k in _RESET:
            getattr(state, k)[rows] = -1 if k == "age" else 0
        state.age[rows, 0], state.disabled[rows, 0] = people.age[head], people.disabled[head]
        pair, rows2 = partner[couple], rows[couple]
        state.age[rows2, 1], state.disabled[rows2, 1] = people.age[pair], people.disabled[pair]
        state.size[rows] = size
        for k, values in economy.items():
            getattr(state, k)[rows] = values
        state.formed[rows] = month

    def _economy(
        self, state: HouseholdState, origin: I8, size: I8, rng: np.random.Generator
    ) -> dict[str, NDArray[Any]]:
        """Skill, shocks, employment, usual income and consumption of new households."""
        inc = self.world.income
        log_skill = np.log(state.skill[:_SKILL_SAMPLE])
        mean, sd = float(np.mean(log_skill)), float(np.std(log_skill))
        rho = self.world.demography.skill_persistence
        z = rng.standard_normal((3, origin.size))
        skill = mean + rho * (np.log(state.skill[origin]) - mean) + np.sqrt(1 - rho**2) * sd * z[0]
        v = inc.persistent_sigma**2 / (1.0 - inc.persistent_rho**2)
        p_emp = inc.job_finding / (inc.job_finding + inc.job_separation)
        c_pc = state.consumption_pc[origin]
        return {
            "skill": np.maximum(np.exp(skill), inc.skill_floor),
            "persistent": np.sqrt(v) * z[1],
            "employed": z[2] < ndtri(p_emp),
            "usual_income": state.usual_income[origin] / (state.size[origin] + 1.0) * size,
            "consumption_pc": c_pc,
            "consumption": c_pc * size,
        }


def _pairs(group: I8, rng: np.random.Generator) -> tuple[I8, I8]:
    """Pair items of the same ``group`` at random: indices of the first and second of each pair.

    Items are shuffled within their group and paired in turn; an odd one out is left unpaired.
    """
    order = np.lexsort((rng.random(group.size), group))
    g = group[order]
    start = np.r_[True, g[1:] != g[:-1]][: g.size]
    pos = np.arange(g.size) - np.maximum.accumulate(np.where(start, np.arange(g.size), 0))
    first = (pos % 2 == 0) & np.r_[~start[1:], False][: g.size]
    return order[first], order[np.flatnonzero(first) + 1]


def _to_slot_zero(state: HouseholdState, rows: I8) -> I8:
    """Move the single member of each of the one-person households ``rows`` to slot 0.

    Returns the rows whose member moved.
    """
    move: I8 = rows[state.age[rows, 0] < 0]
    slot = np.argmax(state.age[move] >= 0, axis=1)
    state.age[move, 0], state.age[move, slot] = state.age[move, slot], -1
    state.disabled[move, 0], state.disabled[move, slot] = state.disabled[move, slot], False
    return move


def _free_slot(state: HouseholdState, rows: I8) -> I8:
    """First empty slot from 2 on of each of households ``rows`` (they have room)."""
    out: I8 = np.argmax(state.age[rows, 2:] < 0, axis=1) + 2
    return out


def _take_shares(state: HouseholdState, people: People) -> dict[str, NDArray[np.float64]]:
    """Each person's per-capita share of their origin's savings and assets, taken off it.

    A share is the origin's holding over its members after the month's demography, the person
    included; at most one person leaves a household in one call (assumption: members own the
    household's savings and productive assets equally).
    """
    out = {}
    for k in ("savings", "assets"):
        values = getattr(state, k)
        out[k] = values[people.origin] / (state.size[people.origin] + 1.0)
        values[people.origin] -= out[k]
    return out


def _join(a: People, b: People) -> People:
    return People(
        np.concatenate((a.origin, b.origin)),
        np.concatenate((a.age, b.age)),
        np.concatenate((a.disabled, b.disabled)),
    )
