"""Boxes of scenario discovery: PRIM or CART from the EMA Workbench, and the box chosen.

A *box* is a set of limits on some factors. Its *coverage* is the share of all cases of
interest that fall inside it, its *density* the share of the points inside it that are cases
of interest, its *mass* the share of all points inside it.

PRIM (patient rule induction) peels a little of the data off one factor at a time, keeping
the densest remainder, and then pastes back; each step is a box on its *peeling trajectory*,
from the whole space (coverage 1) to small dense boxes. ``threshold`` is PRIM's density
threshold: the last box of the trajectory must reach it, or PRIM finds no box. The box
reported is chosen by a fixed rule: **the densest box on the trajectory whose coverage is at
least ``min_coverage``** (ties: the larger coverage), so that it still explains most of the
cases of interest. Each restricted limit has a quasi-p-value (EMA Workbench: the binomial
probability of a density at least as high with that limit removed); a limit with a large one
(say above 0.05) is weakly supported.

CART (a classification tree) splits the space into leaves; the box reported is **the leaf with
the highest coverage among those whose density reaches ``threshold``**, or the densest leaf if
none does. The tree is grown with a fixed seed, so the same data give the same box.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

with warnings.catch_warnings():  # "ipyparallel not installed": we do not use its evaluator
    warnings.simplefilter("ignore", UserWarning)
    from ema_workbench.analysis import cart, prim

__all__ = ["Box", "cart_box", "prim_box"]

_STATS = ["coverage", "density", "mass", "res_dim"]


@dataclass(frozen=True)
class Box:
    """The boxes found (``trajectory``: one row per box) and the one chosen, with its limits.

    ``limits`` has one row per restricted factor: ``lower``, ``upper`` (the box), ``minimum``,
    ``maximum`` (the data), ``lower_restricted``, ``upper_restricted`` and, for PRIM,
    ``qp_lower`` and ``qp_upper`` (NaN where that side is not restricted).
    """

    method: str
    trajectory: pd.DataFrame
    chosen: int
    limits: pd.DataFrame
    reaches: bool
    rule: str

    @property
    def stats(self) -> pd.Series:
        """Coverage, density, mass and restricted dimensions of the chosen box."""
        return self.trajectory.iloc[self.chosen]


def _limits(lims: pd.DataFrame, x: pd.DataFrame, qp: dict[str, list[float]] | None) -> pd.DataFrame:
    """Return the restricted factors of box ``lims`` (rows 0, 1: lower, upper) on data ``x``."""
    rows = []
    for name in x.columns:
        if not pd.api.types.is_numeric_dtype(x[name]):
            continue
        lo, hi = float(lims.loc[0, name]), float(lims.loc[1, name])
        mn, mx = float(x[name].min()), float(x[name].max())
        lower, upper = lo > mn, hi < mx
        if lower or upper:
            q = [np.nan if v is None or v < 0 else float(v) for v in (qp or {}).get(name, [])]
            q = [*q, np.nan, np.nan][:2]
            rows.append({"name": name, "lower": lo, "upper": hi, "minimum": mn, "maximum": mx,
                         "lower_restricted": lower, "upper_restricted": upper,
                         "qp_lower": q[0] if lower else np.nan,
                         "qp_upper": q[1] if upper else np.nan})  # fmt: skip
    cols = ["name", "lower", "upper", "minimum", "maximum", "lower_restricted",
            "upper_restricted", "qp_lower", "qp_upper"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence the EMA Workbench's progress messages (INFO) and its pandas deprecations."""
    log = logging.getLogger("EMA")
    level = log.level
    log.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=FutureWarning, module="ema_workbench")
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="ema_workbench")
            warnings.filterwarnings("ignore", message=".*inplace keyword.*")
            yield
    finally:
        log.setLevel(level)


def _peel(x: pd.DataFrame, y: np.ndarray, threshold: float) -> tuple[prim.PrimBox, bool]:
    """Run PRIM once; if no box reaches ``threshold``, peel again without one (to show why)."""
    with _quiet():
        found = prim.Prim(x, y, threshold=threshold).find_box()
        if len(found.peeling_trajectory) > 1:
            return found, True
        # any box is accepted above a tiny threshold (0 would count every point as a case)
        return prim.Prim(x, y, threshold=1e-6).find_box(), False


def prim_box(x: pd.DataFrame, y: np.ndarray, threshold: float = 0.8,
             min_coverage: float = 0.8) -> Box:  # fmt: skip
    """Run PRIM and choose the densest box with coverage at least ``min_coverage``.

    Parameters
    ----------
    x : DataFrame
        Factor values, one row per point.
    y : ndarray of int
        1 for a case of interest, else 0.
    threshold : float
        PRIM's density threshold (share, 0-1).
    min_coverage : float
        The chosen box keeps at least this share of the cases of interest.
    """
    found, reaches = _peel(x.reset_index(drop=True), np.asarray(y, dtype=int), threshold)
    traj = found.peeling_trajectory[_STATS].astype(float).reset_index(drop=True)
    ok = traj[traj["coverage"] >= min_coverage - 1e-12]
    chosen = int(ok.sort_values(["density", "coverage"], ascending=False, kind="stable").index[0])
    limits = _limits(found.box_lims[chosen], x, found.qp[chosen])
    rule = f"the densest box on the peeling trajectory with coverage >= {min_coverage:g}"
    return Box("prim", traj, chosen, limits, reaches, rule)


def cart_box(x: pd.DataFrame, y: np.ndarray, threshold: float = 0.8, seed: int = 0) -> Box:
    """Grow a CART tree; choose the leaf of highest coverage among those of density >= threshold.

    If no leaf reaches ``threshold`` the densest leaf is chosen (``reaches`` is False).
    """
    # scikit-learn breaks ties between splits with numpy's global random state: fix it here
    state = np.random.get_state()  # noqa: NPY002
    np.random.seed(seed)  # noqa: NPY002
    try:
        with _quiet():
            tree = cart.CART(x.reset_index(drop=True), np.asarray(y, dtype=int), mass_min=0.05)
            tree.build_tree()
            boxes, stats = tree.boxes, tree.stats
    finally:
        np.random.set_state(state)  # noqa: NPY002
    traj = pd.DataFrame(stats).rename(columns={"res dim": "res_dim"})[_STATS].astype(float)
    good = traj[traj["density"] >= threshold]
    reaches = not good.empty
    pick = good if reaches else traj
    key = ["coverage", "density"] if reaches else ["density", "coverage"]
    chosen = int(pick.sort_values(key, ascending=False, kind="stable").index[0])
    rule = f"the leaf with the highest coverage among those of density >= {threshold:g}"
    return Box("cart", traj, chosen, _limits(boxes[chosen], x, None), reaches, rule)
