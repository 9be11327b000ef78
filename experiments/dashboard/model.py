"""The dashboard's Mesa model: a scenario and a comparison scenario, stepped in lockstep.

SolaraViz re-creates its model from keyword arguments when *Reset* is pressed, so
:class:`DashboardModel` takes the controls as simple keywords (numbers, strings and the choices of
the dashboard's selects), builds :class:`~simulation.params.Params` with
:func:`~experiments.dashboard.controls.build_params`, and holds two
:class:`~simulation.GraduationModel` runs on the same seed and replicate: the scenario with the
controls applied, and a comparison scenario with the same households, seed and shock intensity
(common random numbers: both see the same population and shocks). Invalid controls do not raise:
the model keeps the message in :attr:`DashboardModel.error`, does not run, and the dashboard
shows the message.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
import xarray as xr

from experiments.dashboard.controls import Controls, build_params, lever_settings
from simulation import GraduationModel
from simulation.params import ParameterError
from simulation.policy.graduation import STATES

__all__ = ["AS_SCENARIO", "STATES", "DashboardModel", "parse_choice"]

#: the choice of a select that keeps the scenario's own value
AS_SCENARIO = "as scenario"


def parse_choice(value: Any, what: str) -> Any:
    """Read a select's choice: ``"as scenario"`` is None, ``"on"``/``"off"`` a bool, ``"20%"`` 0.2.

    Numbers and bools pass through, so the model can be built from Python as well.
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value).strip().lower()
    if text in (AS_SCENARIO, ""):
        return None
    if text in ("on", "off"):
        return text == "on"
    try:
        return float(text.removesuffix("%")) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ParameterError(f"{what}: cannot read {value!r}") from None


def _seed(value: Any) -> int | None:
    """Read the seed control (an integer, or its text); empty keeps the scenario's seed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise ParameterError(f"seed: must be a whole number, got {value!r}") from None


class DashboardModel(mesa.Model):  # type: ignore[misc]
    """A scenario and a comparison scenario on the same seed, stepped together month by month.

    Parameters
    ----------
    scenario_name : str
        Scenario file the controls apply to.
    comparison : str
        Scenario run beside it, with the same households, seed and shock intensity, and
        without the policy controls.
    aid_level, shock_intensity : float
        Multipliers of the bansos budgets and of the shock hazards.
    empowerment_share : str or float
        ``"as scenario"``, or the share of the bansos + empowerment budget given to empowerment
        (``"20%"`` or ``0.2``).
    shared_registry, referral, joint_targeting, duplication_avoidance, follow_up : str or bool
        ``"as scenario"``, ``"on"`` or ``"off"`` (or a bool).
    households : int
        Simulated households of each run.
    seed : int or str
        Root seed of both runs (text is read as an integer; empty keeps the scenario's).
    """

    def __init__(
        self,
        scenario_name: str = "baseline_2025",
        comparison: str = "world_2025",
        aid_level: float = 1.0,
        empowerment_share: str | float = AS_SCENARIO,
        shared_registry: str | bool = AS_SCENARIO,
        referral: str | bool = AS_SCENARIO,
        joint_targeting: str | bool = AS_SCENARIO,
        duplication_avoidance: str | bool = AS_SCENARIO,
        follow_up: str | bool = AS_SCENARIO,
        shock_intensity: float = 1.0,
        households: int = 3000,
        seed: int | str = 20250101,
    ) -> None:
        switches = {"shared_registry": shared_registry, "referral": referral,
                    "joint_targeting": joint_targeting, "follow_up": follow_up,
                    "duplication_avoidance": duplication_avoidance}  # fmt: skip
        self.error: str | None = None
        self.runs: tuple[GraduationModel, ...] = ()
        self._cache: tuple[int, tuple[xr.Dataset, ...]] | None = None
        try:
            root = _seed(seed)
            levers = {k: parse_choice(v, k.replace("_", " ")) for k, v in switches.items()}
            share = parse_choice(empowerment_share, "empowerment share")
            self.controls = Controls(
                scenario_name, aid_level, share, **levers, shock_intensity=shock_intensity,
                households=households, seed=root,
            )  # fmt: skip
            world = Controls(comparison, shock_intensity=shock_intensity,
                             households=households, seed=root)  # fmt: skip
            params = build_params(self.controls)
            base = build_params(world)
        except ParameterError as err:
            super().__init__(rng=0)
            self.error, self.running = str(err), False
            return
        super().__init__(rng=params.run.seed)
        self.names = (scenario_name, comparison)
        self.runs = (GraduationModel(params), GraduationModel(base))

    @property
    def main(self) -> GraduationModel:
        """The run of the chosen scenario with the controls applied."""
        return self.runs[0]

    @property
    def month(self) -> int:
        """Months run so far (0 before the first step)."""
        return self.main.month if self.runs else 0

    @property
    def months(self) -> int:
        """Months of the whole run."""
        return self.main.params.run.months if self.runs else 0

    def describe(self) -> str:
        """Describe the controls this model was built with (they change only at Reset)."""
        c = self.controls
        share = "as scenario" if c.empowerment_share is None else f"{c.empowerment_share:.0%}"
        levers = [f"{k.replace('_', ' ')} {'on' if v else 'off'}" for k, v in
                  lever_settings(c).items()] or ["as scenario"]  # fmt: skip
        return (f"Applied at Reset: aid level ×{c.aid_level:g}, empowerment share {share}, "
                f"levers {', '.join(levers)}, shock intensity ×{c.shock_intensity:g}.")  # fmt: skip

    def step(self) -> None:
        """Advance both runs by one month; stop (``running`` False) after the last month."""
        if not self.runs or self.month >= self.months:
            self.running = False
            return
        for run in self.runs:
            run.step()
        self.running = self.month < self.months

    def results(self) -> tuple[xr.Dataset, ...]:
        """Return the months recorded so far of each run (replicate dropped), a dataset each.

        Read from each run's recorder (:meth:`simulation.recorder.Recorder.to_dataset`) once a
        month and kept until the next step.
        """
        if self._cache is None or self._cache[0] != self.month:
            sets = tuple(
                run.recorder.to_dataset(run).isel(replicate=0, month=slice(0, self.month))
                for run in self.runs
            )
            self._cache = (self.month, sets)
        return self._cache[1]

    @staticmethod
    def graduation_state(run: GraduationModel) -> np.ndarray:
        """Each household's graduation state in ``run``, an index into :data:`STATES`."""
        assert run.runtime is not None
        return np.asarray(run.runtime.tracker.status)
