"""Parameter schemas of the simulated world and of a run.

Each field is declared once, here, with its units and bounds. Values are not here: they live in
``scenarios/`` beside their sources and are loaded with :func:`scenarios.load_params` (or built
directly in Python). Rupiah are at March 2025 prices; rates are per month unless stated.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass

from simulation.policy import Policy
from simulation.schema import (
    INT64_MAX,
    MONEY_MONTH,
    MONEY_STOCK,
    ParameterError,
    Schema,
    from_dict,
    spec,
    to_dict,
)

__all__ = [
    "Assets",
    "ConsumptionRule",
    "Demography",
    "Income",
    "InitialDistribution",
    "ParameterError",
    "Params",
    "Population",
    "PovertyLines",
    "Region",
    "Run",
    "Shocks",
    "World",
    "from_dict",
    "require_params",
    "require_replicate",
    "to_dict",
]


@dataclass(frozen=True)
class Region(Schema):
    """One region (island group) of Indonesia."""

    name: str = spec("-", "region name")
    population_share: float = spec("1", "share of national persons", gt=0, le=1)
    urban_share: float = spec("1", "share of the region's households that are urban", ge=0, le=1)
    consumption_shift: float = spec(
        "log-points", "shift of log consumption per capita relative to the nation", ge=-2, le=2
    )
    wage: float = spec(
        "Rp/month", "monthly earnings of one full-time worker of skill 1", gt=0, le=MONEY_MONTH
    )
    minimum_wage: float = spec(
        "Rp/month", "provincial minimum wage (UMP) proxy", gt=0, le=MONEY_MONTH
    )


@dataclass(frozen=True)
class Population(Schema):
    """Size of the synthetic population and its national scale."""

    households: int = spec("households", "number of simulated households", ge=1, le=50_000_000)
    national_persons: float = spec(
        "persons", "national population the sample stands for", gt=0, le=1e9
    )  # Indonesia has about 2.8e8
    village_size: int = spec("households", "simulated households per village", ge=1, le=10_000)


@dataclass(frozen=True)
class PovertyLines(Schema):
    """BPS poverty lines (Garis Kemiskinan) and the extreme-poverty line."""

    urban: float = spec("Rp/capita/month", "urban poverty line", gt=0, le=MONEY_MONTH)
    rural: float = spec("Rp/capita/month", "rural poverty line", gt=0, le=MONEY_MONTH)
    extreme: float = spec(
        "Rp/capita/month", "extreme-poverty line (US$2.15 PPP)", gt=0, le=MONEY_MONTH
    )
    rice_share_urban: float = spec("1", "rice share of the urban poverty line", ge=0, le=1)
    rice_share_rural: float = spec("1", "rice share of the rural poverty line", ge=0, le=1)

    def validate(self) -> None:
        """Check that the extreme line lies below both poverty lines."""
        if self.extreme >= min(self.urban, self.rural):
            self.fail("extreme", f"must be below the urban and rural lines, got {self.extreme}")


@dataclass(frozen=True)
class Demography(Schema):
    """Household composition and the monthly demographic hazards."""

    size_mean: float = spec("persons", "mean household size at start", ge=1, le=8)
    spouse_probability: float = spec("1", "probability a household of 2+ has a spouse", ge=0, le=1)
    elderly_member_probability: float = spec(
        "1", "probability a household of 3+ includes an elderly parent (60+)", ge=0, le=1
    )
    disability_probability: float = spec(
        "1", "probability that a person has a severe disability", ge=0, le=1
    )
    conception_hazard: float = spec(
        "1/month", "monthly conception probability of a fertile couple", ge=0, le=1
    )
    fertile_age: tuple[float, ...] = spec("years", "[min, max) age of fertility", ge=10, le=60)
    max_children: int = spec("persons", "no further births at this many children", ge=0, le=8)
    pregnancy_months: int = spec("months", "length of a pregnancy", ge=1, le=10)
    leave_home_age: float = spec("years", "age from which grown children may leave", ge=15, le=40)
    leave_home_hazard: float = spec("1/month", "monthly hazard of leaving home", ge=0, le=1)
    marriage_hazard: float = spec(
        "1/month", "monthly hazard that an adult under 40 living alone marries", ge=0, le=1
    )
    join_hazard: float = spec(
        "1/month",
        "monthly hazard that a person of 60+ living alone moves in with a child",
        ge=0,
        le=1,
    )
    partner_probability: float = spec(
        "1", "share of leavers who set up their household with a partner", ge=0, le=1
    )
    skill_persistence: float = spec(
        "1",
        "intergenerational persistence of log skill (a new household's from its origin)",
        ge=0,
        le=1,
    )
    spinup_years: int = spec(
        "years", "years of demography run on the drawn members before the economy", ge=0, le=200
    )
    spinup_fertility: float = spec(
        "1",
        "conception hazard at the start of the spin-up relative to conception_hazard; it falls "
        "linearly to 1 over the spin-up (the fertility decline)",
        ge=1,
        le=10,
    )
    mortality_a: float = spec("1/year", "Gompertz mortality level at age 0", ge=0, le=0.1)
    mortality_b: float = spec("1/year", "Gompertz mortality slope per year of age", ge=0, le=0.2)

    def validate(self) -> None:
        """Check that the fertile-age interval is a non-empty [min, max)."""
        self.require_interval("fertile_age")


@dataclass(frozen=True)
class InitialDistribution(Schema):
    """Consumption per capita and assets of the households at the start."""

    median_consumption: float = spec(
        "Rp/capita/month", "national median consumption", gt=0, le=MONEY_MONTH
    )
    sigma: float = spec("log-points", "standard deviation of log consumption", gt=0, le=3)
    size_gradient: float = spec(
        "log-points/person", "fall of log consumption per extra member", ge=0, le=1
    )
    urban_premium: float = spec("log-points", "urban minus rural log consumption", ge=-1, le=2)
    high_asset_share_bottom: float = spec(
        "1", "share at the high asset steady state, poorest household", ge=0, le=1
    )
    high_asset_share_top: float = spec(
        "1", "share at the high asset steady state, richest household", ge=0, le=1
    )
    asset_dispersion: float = spec(
        "log-points", "spread of assets around the steady state", ge=0, le=1
    )


@dataclass(frozen=True)
class Income(Schema):
    """Wage income process: employment, skill and persistent and transitory shocks."""

    working_age: tuple[float, ...] = spec(
        "years", "[min, max) age of working members", ge=10, le=80
    )
    extra_earner_weight: float = spec("1", "earnings weight of each extra worker", ge=0, le=1)
    persistent_rho: float = spec(
        "1", "monthly AR(1) coefficient of the persistent shock", ge=0, lt=1
    )
    persistent_sigma: float = spec(
        "log-points", "innovation s.d. of the persistent shock", ge=0, le=1
    )
    transitory_sigma: float = spec("log-points", "s.d. of the transitory shock", ge=0, le=2)
    job_separation: float = spec(
        "1/month", "probability an employed household loses work", ge=0, le=1
    )
    job_finding: float = spec("1/month", "probability a jobless household finds work", gt=0, le=1)
    jobless_earnings: float = spec(
        "1", "casual earnings while without regular work, as a share of the wage", ge=0, le=1
    )
    skill_floor: float = spec("1", "lowest skill (human capital) index", gt=0, le=1)
    kin_support: float = spec(
        "Rp/capita/month",
        "support from kin or pensions to a household with no earner",
        ge=0,
        le=MONEY_MONTH,
    )
    care_burden: float = spec(
        "1", "share of wages lost while a member needs care (disabled or very old)", ge=0, le=1
    )
    care_age: float = spec("years", "age from which an elderly member needs care", ge=40, le=120)

    def validate(self) -> None:
        """Check that the working-age interval is a non-empty [min, max)."""
        self.require_interval("working_age")


@dataclass(frozen=True)
class Assets(Schema):
    """Productive assets with an S-shaped poverty trap (Balboni et al. 2022)."""

    low_steady_state: float = spec("Rp", "stable low asset level", ge=0, le=MONEY_STOCK)
    threshold: float = spec(
        "Rp", "unstable threshold between the two steady states", gt=0, le=MONEY_STOCK
    )
    high_steady_state: float = spec("Rp", "stable high asset level", gt=0, le=MONEY_STOCK)
    speed: float = spec("1/month", "speed of the asset dynamics", gt=0, le=1)
    max_decline: float = spec("1/month", "largest monthly fall as a share of assets", gt=0, le=1)
    enterprise_return: float = spec("1/month", "enterprise income per Rupiah of assets", ge=0, le=1)

    def validate(self) -> None:
        """Check the ordering low < threshold < high (speed <= 1 keeps the high state stable)."""
        if not self.low_steady_state < self.threshold < self.high_steady_state:
            self.fail(
                "threshold",
                "must satisfy low_steady_state < threshold < high_steady_state, got "
                f"{self.low_steady_state} < {self.threshold} < {self.high_steady_state}",
            )


@dataclass(frozen=True)
class ConsumptionRule(Schema):
    """Buffer-stock consumption and saving with distress asset sales."""

    buffer_months: float = spec("months", "target savings in months of usual income", ge=0, le=24)
    mpc_excess: float = spec("1", "share of savings above target consumed each month", gt=0, le=1)
    income_smoothing: float = spec("1", "weight of this month in usual income", gt=0, le=1)
    subsistence_share: float = spec(
        "1", "subsistence floor as a multiple of the extreme-poverty line", ge=0, le=3
    )
    distress_discount: float = spec("1", "share of value lost in a distress asset sale", ge=0, lt=1)
    invest_share: float = spec(
        "1/month", "share of savings above target invested in productive assets", ge=0, le=1
    )


@dataclass(frozen=True)
class Shocks(Schema):
    """Idiosyncratic health shocks, covariate disasters and food-price shocks."""

    health_hazard: float = spec("1/month", "probability of a catastrophic health event", ge=0, le=1)
    health_cost_months: float = spec(
        "months", "out-of-pocket cost in months of usual income", ge=0, le=24
    )
    health_lost_work_months: int = spec("months", "months of wages lost to illness", ge=0, le=12)
    disaster_hazard: float = spec(
        "1/month", "probability a village is hit by a disaster", ge=0, le=1
    )
    disaster_asset_loss: float = spec("1", "share of productive assets destroyed", ge=0, le=1)
    disaster_savings_loss: float = spec("1", "share of savings lost", ge=0, le=1)
    food_price_hazard: float = spec(
        "1/month", "probability a rice-price episode starts", ge=0, le=1
    )
    food_price_rise: float = spec("1", "relative rise of the rice price in an episode", ge=0, le=5)
    food_price_months: int = spec("months", "length of a rice-price episode", ge=1, le=60)


@dataclass(frozen=True)
class World(Schema):
    """The calibrated world without programmes."""

    population: Population
    regions: tuple[Region, ...]
    poverty: PovertyLines
    demography: Demography
    initial: InitialDistribution
    income: Income
    assets: Assets
    consumption: ConsumptionRule
    shocks: Shocks

    def validate(self) -> None:
        """Check that regions exist, have unique names and population shares summing to 1."""
        if not self.regions:
            self.fail("regions", "must list at least one region")
        names = [r.name for r in self.regions]
        if len(set(names)) != len(names):
            self.fail("regions", f"must have unique names, got {names}")
        total = sum(r.population_share for r in self.regions)
        if abs(total - 1.0) > 1e-6:
            self.fail("regions", f"population_share must sum to 1, got {total:.6f}")


@dataclass(frozen=True)
class Run(Schema):
    """How long, how often and from which seed to run."""

    months: int = spec("months", "number of recorded monthly steps", ge=1, le=600)
    burn_in_months: int = spec(
        "months", "unrecorded months run before the start, from the drawn population", ge=0, le=240
    )
    replicates: int = spec(
        "runs", "number of replicates (independent shock histories)", ge=1, le=10_000
    )  # 10,000 replicates of even a small world is weeks of computing: a typo
    seed: int = spec("-", "root seed of all random streams", ge=0, le=INT64_MAX)
    start: str = spec("YYYY-MM", "calendar month of the first step")
    history_months: int = spec(
        "months",
        "last months of the burn-in in which the agencies already act, under the policy in "
        "force before the start (at most burn_in_months are used)",
        ge=0,
        le=240,
    )

    def validate(self) -> None:
        """Check that ``start`` is a calendar month ``YYYY-MM``."""
        ok = re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", self.start) is not None
        if not ok:
            self.fail("start", f"must be a month 'YYYY-MM', got {self.start!r}")


@dataclass(frozen=True)
class Params(Schema):
    """Everything one run needs: the world, the policy and the run settings.

    ``history`` is the policy in force before the first recorded month: the agencies act under
    it in the last ``run.history_months`` of the burn-in, and ``policy`` takes over at month 0
    (programmes of the same name and kind keep their households). ``None``: ``policy`` itself.
    :func:`scenarios.load_params` sets it to the 2025 status quo, so every scenario starts
    January 2025 from the same past.
    """

    world: World
    policy: Policy
    run: Run
    history: Policy | None = None

    @property
    def past_policy(self) -> Policy:
        """The policy in force before the start (``history``, or ``policy`` if none)."""
        return self.policy if self.history is None else self.history

    @property
    def history_months(self) -> int:
        """Months of the burn-in in which the agencies act (at most the burn-in)."""
        return min(self.run.history_months, self.run.burn_in_months)


def require_params(obj: object, where: str) -> Params:
    """Return ``obj`` if it is a :class:`Params`, else say how to get one.

    Parameters
    ----------
    obj : object
        What the caller passed as parameters.
    where : str
        The function or class that needs them, for the message, e.g. ``"simulation.run"``.

    Returns
    -------
    Params
        ``obj`` itself.

    Raises
    ------
    ParameterError
        If ``obj`` is anything else (a scenario name, a dict, None, ...).
    """
    if isinstance(obj, Params):
        return obj
    if isinstance(obj, str):
        how = f"to run scenario {obj!r}, load it first: scenarios.load_params({obj!r})"
    elif isinstance(obj, Mapping):
        how = "build them from a nested mapping with simulation.params.from_dict(Params, tree)"
    else:
        how = "load a scenario with scenarios.load_params('baseline_2025') (scenarios.available())"
    raise ParameterError(
        f"{where} needs params: a simulation.params.Params, got {type(obj).__name__} "
        f"{obj!r:.100}; {how}"
    )


def require_replicate(value: object, name: str = "replicate") -> int:
    """Return replicate index ``value`` as an int: any integer from 0 (it keys the seeds).

    Parameters
    ----------
    value : object
        The index given (a Python or numpy integer).
    name : str
        Its name, for the message.

    Raises
    ------
    ParameterError
        If ``value`` is not an integer in ``[0, 2**63 - 1]`` (a bool is not an index).
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        index = int(value)
        if 0 <= index <= INT64_MAX:  # recorded as an int64 coordinate
            return index
    raise ParameterError(
        f"{name} must be a replicate index: an integer in [0, {INT64_MAX}] (any integer from 0; "
        f"the random streams are keyed by it), got {value!r:.100}"
    )
