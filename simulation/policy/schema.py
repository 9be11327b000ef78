"""Parameter schemas of policy: agencies, programmes, the registry, graduation, collaboration.

Programmes are data: each has a ``kind``, an owning agency, annual budgets in Rupiah at
national scale, an eligibility limit and the ``rules`` of its kind. Each kind is one module of
:mod:`simulation.policy.programmes`, holding its typed rules class and its runtime; the kind
decides which rules class reads ``rules``. A user adds an agency, or a programme of an existing
kind, in YAML.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulation.policy.programmes import KINDS, ProgrammeRules
from simulation.schema import MONEY_BUDGET, MONEY_STOCK, ParameterError, Schema, spec

__all__ = [
    "Agency",
    "Collaboration",
    "GraduationRules",
    "Policy",
    "Programme",
    "ProgrammeRules",
    "RegistryRules",
    "Targeting",
]


@dataclass(frozen=True)
class Targeting(Schema):
    """Whom a programme serves first, among the households eligible for it.

    ``rule``: ``registry`` (poorest registry score first), ``asset_threshold`` (productive
    assets closest to the poverty-trap threshold first), ``enterprise`` (only households with a
    running micro-enterprise, served in the order they apply: a yearly lottery) or ``lottery``
    (the eligible in a yearly random order). ``quota``: the share of each month's intake
    reserved for the group ``quota_for`` (referred households, or relapsed graduates), served
    first by the same rule; 0 means no reserved places.
    """

    rule: str = spec(
        "-", "serving order", choices=("registry", "asset_threshold", "enterprise", "lottery")
    )
    quota: float = spec("1", "share of each month's intake reserved for quota_for", ge=0, le=1)
    quota_for: str | None = spec(
        "-", "the group the quota is for", choices=("referred", "relapsed")
    )
    enterprise_assets: float | None = spec(
        "Rp",
        "productive assets that make a running micro-enterprise (rule enterprise)",
        ge=0,
        le=MONEY_STOCK,
    )

    def validate(self) -> None:
        """Check that a quota names its group and the enterprise rule its asset floor."""
        if self.quota > 0 and self.quota_for is None:
            self.fail("quota_for", "must name the group the quota is for: referred or relapsed")
        if self.rule == "enterprise" and self.enterprise_assets is None:
            self.fail("enterprise_assets", "is required by rule 'enterprise'")


@dataclass(frozen=True)
class Programme(Schema):
    """One programme: kind, owner, annual budgets, eligibility and the rules of its kind."""

    name: str = spec("-", "programme name")
    kind: str = spec("-", "mechanics of the programme", choices=tuple(KINDS))
    agency: str = spec("-", "owning agency")
    budget: tuple[float, ...] = spec(
        "Rp/year", "annual budget by year from the start", ge=0, le=MONEY_BUDGET
    )
    capacity: float = spec(
        "households", "most households enrolled at once (national)", ge=0, le=1e9
    )  # Indonesia has about 7e7 households
    max_decile: int = spec("decile", "highest registry decile eligible", ge=1, le=10)
    targeting: Targeting = spec("-", "whom the programme serves first")  # noqa: RUF009
    rules: ProgrammeRules = spec("-", "the rules of the programme's kind")  # noqa: RUF009

    @classmethod
    def hints_for(cls, data: Mapping[str, Any], path: str) -> dict[str, Any]:
        """Read ``rules`` with the rules class of the programme's ``kind``."""
        kind = data.get("kind")
        if not isinstance(kind, str) or kind not in KINDS:
            raise ParameterError(f"{path}.kind must be one of {list(KINDS)}, got {kind!r}")
        return super().hints_for(data, path) | {"rules": KINDS[kind].rules}

    def validate(self) -> None:
        """Check that the rules are those of the programme's kind, and a budget is given."""
        rules = KINDS[self.kind].rules
        if type(self.rules) is not rules:
            self.fail("rules", f"of a {self.kind!r} programme must be {rules.__name__}")
        if not self.budget:
            self.fail("budget", "must list at least one annual budget")


@dataclass(frozen=True)
class Agency(Schema):
    """A government agency: its programmes and the registry it targets with."""

    name: str = spec("-", "agency name")
    role: str = spec("-", "what the agency does", choices=("provider", "coordinator"))
    registry: str = spec("-", "registry used for targeting", choices=("shared", "own"))


@dataclass(frozen=True)
class RegistryRules(Schema):
    """The social registry (DTSEN) and the agencies' own lists."""

    noise: float = spec("log-points", "s.d. of proxy-score error, shared registry", ge=0, le=3)
    refresh_months: int = spec(
        "months", "months between shared registry updates", ge=1, le=600
    )  # 600 months is the longest run: never refreshed
    own_noise: float = spec("log-points", "s.d. of proxy-score error, own lists", ge=0, le=3)
    own_refresh_months: int = spec("months", "months between updates of own lists", ge=1, le=600)


@dataclass(frozen=True)
class GraduationRules(Schema):
    """How Kemensos graduates a family, and how an evaluator judges whether it lasted."""

    welfare_rule: str = spec(
        "-", "welfare test", choices=("decile", "poverty_multiple", "minimum_wage")
    )
    threshold_decile: int = spec("decile", "graduate above this registry decile", ge=1, le=9)
    poverty_multiple: float = spec("1", "graduate above this multiple of the line", ge=1, le=10)
    consecutive: int = spec(
        "assessments", "assessments in a row the test must hold", ge=1, le=600
    )  # never more than the 600 months of the longest run (streaks are counted in int16)
    self_declare_rate: float = spec(
        "1/assessment", "chance a KPM above the cut declares itself graduated", ge=0, le=1
    )
    empowerment_months: int = spec(
        "months", "months of income above the minimum wage", ge=1, le=600
    )
    relapse_definition: str = spec(
        "-", "what makes a graduate relapse", choices=("followup", "any_month", "reenrolment")
    )
    followup_months: tuple[int, ...] = spec(
        "months", "follow-up assessments after graduating; the last ends the spell", ge=1, le=120
    )
    relapse_line: float = spec(
        "1", "a graduate below this multiple of the poverty line has fallen back", gt=0, le=10
    )

    @property
    def sustain_months(self) -> int:
        """Months after graduating at which a graduate that has not relapsed has sustained."""
        return self.followup_months[-1]

    def validate(self) -> None:
        """Check follow-ups ascend, and the relapse line sits below a line-multiple cut."""
        months = self.followup_months
        if not months or any(a >= b for a, b in itertools.pairwise(months)):
            self.fail("followup_months", f"must be ascending and not empty, got {list(months)}")
        if self.welfare_rule == "poverty_multiple" and self.relapse_line >= self.poverty_multiple:
            self.fail(
                "relapse_line",
                f"must be below poverty_multiple ({self.poverty_multiple}) so that relapse "
                f"sits below graduation, got {self.relapse_line}",
            )


@dataclass(frozen=True)
class Collaboration(Schema):
    """Collaboration levers of Kemenko PM."""

    shared_registry: bool = spec("-", "agencies that ask for it use the shared registry")
    referral_rate: float = spec(
        "1", "share of graduates and near-graduates Kemensos refers", ge=0, le=1
    )
    referral_delay: int = spec("months", "months before a referral is acted on", ge=0, le=24)
    referral_months: int = spec("months", "months a referral stays in force", ge=1, le=120)
    joint_targeting: bool = spec(
        "-", "partner agencies enrol package families in training and credit at once"
    )
    complementarity: float = spec(
        "1", "added package success per complementary programme", ge=0, le=1
    )
    duplication_avoidance: bool = spec("-", "no second programme of the same function")
    overhead: float = spec("1", "share of budgets spent on coordination", ge=0, lt=1)
    network_degree: int = spec("households", "village neighbours of a household", ge=0, le=50)
    mentoring_boost: float = spec(
        "1", "rise of enterprise return per contributor neighbour", ge=0, le=1
    )
    hiring_boost: float = spec(
        "1/month", "rise of job finding per contributor neighbour", ge=0, le=1
    )
    contributor_cap: int = spec(
        "households", "most contributor neighbours that count", ge=0, le=50
    )  # no household has more than network_degree <= 50 neighbours


@dataclass(frozen=True)
class Policy(Schema):
    """All policy: registry, graduation rule, collaboration, agencies and programmes."""

    registry: RegistryRules
    graduation: GraduationRules
    collaboration: Collaboration
    agencies: tuple[Agency, ...]
    programmes: tuple[Programme, ...]

    def validate(self) -> None:
        """Check names are unique and every programme's agency exists."""
        for what, names in (("agencies", [a.name for a in self.agencies]),
                            ("programmes", [p.name for p in self.programmes])):  # fmt: skip
            if len(set(names)) != len(names):
                self.fail(what, f"must have unique names, got {names}")
        known = {a.name for a in self.agencies}
        for p in self.programmes:
            if p.agency not in known:
                self.fail(
                    "programmes",
                    f"{p.name!r} names agency {p.agency!r}; known agencies: {sorted(known)}",
                )
