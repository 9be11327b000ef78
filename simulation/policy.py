"""Parameter schemas of policy: agencies, programmes, the registry, graduation, collaboration.

Programmes are data: each has a ``kind`` (whose mechanics are in :mod:`simulation.programmes`),
an owning agency, annual budgets in Rupiah at national scale and an eligibility rule, plus the
rules section of its kind (``pkh``, ``cash``, ...). A user adds an agency or a programme of an
existing kind in YAML.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulation.schema import Schema, spec

__all__ = [
    "KINDS",
    "Agency",
    "CashRules",
    "Collaboration",
    "CreditRules",
    "GraduationRules",
    "HealthCoverRules",
    "PKHRules",
    "PackageRules",
    "Policy",
    "Programme",
    "RegistryRules",
    "RehabRules",
    "TrainingRules",
]

#: Programme kinds, the rules section each needs, and the function used by duplication avoidance.
KINDS = {
    "pkh": ("pkh", "income_support"),
    "cash": ("cash", "income_support"),
    "health_cover": ("health_cover", "health"),
    "rehab": ("rehab", "care"),
    "package": ("package", "empowerment"),
    "training": ("training", "empowerment"),
    "credit": ("credit", "empowerment"),
    "cash_for_work": ("cash", "income_support"),
}


@dataclass(frozen=True)
class PKHRules(Schema):
    """Programme Keluarga Harapan: benefits per eligible member, capped, paid quarterly."""

    component_benefits: tuple[float, ...] = spec(
        "Rp/person/year", "benefit per member of each PKH component", ge=0
    )
    component_caps: tuple[int, ...] = spec("persons", "members counted per component", ge=0)
    member_cap: int = spec("persons", "members counted per family in all", ge=1, le=8)
    payment_interval: int = spec("months", "months between payments", ge=1, le=12)

    def validate(self) -> None:
        """Check that payments fall within the budget year (the interval divides 12)."""
        if 12 % self.payment_interval:
            self.fail("payment_interval", f"must divide 12, got {self.payment_interval}")


@dataclass(frozen=True)
class CashRules(Schema):
    """A flat monthly benefit per household (food aid, cash, cash-for-work wages)."""

    benefit: float = spec("Rp/household/month", "benefit or wage per household", ge=0)
    duration: int = spec("months", "months of an enrolment (0: until exit)", ge=0, le=600)
    workers_only: bool = spec("-", "only households with a working-age member")


@dataclass(frozen=True)
class HealthCoverRules(Schema):
    """PBI-JKN: premiums paid per person; members pay only part of a health shock."""

    premium: float = spec("Rp/person/month", "premium paid per covered person", ge=0)
    cover_share: float = spec("1", "share of out-of-pocket health costs covered", ge=0, le=1)


@dataclass(frozen=True)
class RehabRules(Schema):
    """ATENSI rehabilitation: services that relieve the care burden of a dependent member."""

    cost: float = spec("Rp/household/month", "cost of the service", ge=0)
    relief: float = spec("1", "share of the care burden relieved", ge=0, le=1)
    duration: int = spec("months", "months of service", ge=1, le=120)


@dataclass(frozen=True)
class PackageRules(Schema):
    """A graduation package (PENA, BRAC-style): grant, training, coaching, consumption support."""

    asset_grant: float = spec("Rp", "productive asset grant", ge=0)
    skill_gain: float = spec("1", "relative rise of skill from the training", ge=0, le=2)
    coaching_months: int = spec("months", "months of coaching (length of enrolment)", ge=1)
    coaching_cost: float = spec("Rp/household/month", "cost of coaching", ge=0)
    coaching_threshold_cut: float = spec(
        "1", "coached households face a threshold lower by this share", ge=0, lt=1
    )
    consumption_support: float = spec("Rp/household/month", "consumption support", ge=0)
    support_months: int = spec("months", "months of consumption support", ge=0)
    success_base: float = spec("1", "chance the grant becomes a lasting asset", ge=0, le=1)
    success_skill: float = spec("1/log-skill", "added chance per log-point of skill", ge=0, le=1)
    max_head_age: float = spec("years", "oldest eligible head (productive age)", gt=0, le=120)


@dataclass(frozen=True)
class TrainingRules(Schema):
    """Vocational training: raises skill when the course is completed."""

    cost: float = spec("Rp/household/month", "cost per trainee per month", ge=0)
    course_months: int = spec("months", "length of the course", ge=1, le=36)
    skill_gain: float = spec("1", "relative rise of skill on completion", ge=0, le=2)


@dataclass(frozen=True)
class CreditRules(Schema):
    """Ultra-micro credit (UMi): a loan invested in assets, repaid as an annuity, or defaulted."""

    loan: float = spec("Rp", "loan size", gt=0)
    interest: float = spec("1/month", "monthly interest rate", ge=0, le=0.2)
    term_months: int = spec("months", "repayment term", ge=1, le=120)
    default_after: int = spec("months", "missed payments in a row before default", ge=1, le=24)
    loss_cost_share: float = spec(
        "1", "share of a defaulted balance the budget bears (guarantee)", ge=0, le=1
    )


@dataclass(frozen=True)
class Programme(Schema):
    """One programme: kind, owner, annual budgets, eligibility and the rules of its kind."""

    name: str = spec("-", "programme name")
    kind: str = spec("-", "mechanics of the programme", choices=tuple(KINDS))
    agency: str = spec("-", "owning agency")
    budget: tuple[float, ...] = spec("Rp/year", "annual budget by year from the start", ge=0)
    capacity: float = spec("households", "most households enrolled at once (national)", ge=0)
    max_decile: int = spec("decile", "highest registry decile eligible", ge=1, le=10)
    pkh: PKHRules | None = None
    cash: CashRules | None = None
    health_cover: HealthCoverRules | None = None
    rehab: RehabRules | None = None
    package: PackageRules | None = None
    training: TrainingRules | None = None
    credit: CreditRules | None = None

    def validate(self) -> None:
        """Check that the rules section of the programme's kind is given, and only that one."""
        needed = KINDS[self.kind][0]
        if getattr(self, needed) is None:
            self.fail(needed, f"is required for a programme of kind {self.kind!r}")
        extra = [k for k in {v[0] for v in KINDS.values()} - {needed} if getattr(self, k)]
        if extra:
            self.fail(extra[0], f"is not used by kind {self.kind!r}; give only {needed!r}")
        if not self.budget:
            self.fail("budget", "must list at least one annual budget")
        if self.pkh and not len(self.pkh.component_benefits) == len(self.pkh.component_caps) == 7:
            self.fail("pkh", "component_benefits and component_caps must have 7 values")


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
    refresh_months: int = spec("months", "months between shared registry updates", ge=1)
    own_noise: float = spec("log-points", "s.d. of proxy-score error, own lists", ge=0, le=3)
    own_refresh_months: int = spec("months", "months between updates of own lists", ge=1)


@dataclass(frozen=True)
class GraduationRules(Schema):
    """When an enrolled family graduates, and when a graduate has sustained or relapsed."""

    welfare_rule: str = spec(
        "-", "welfare test", choices=("decile", "poverty_multiple", "minimum_wage")
    )
    threshold_decile: int = spec("decile", "graduate above this registry decile", ge=1, le=9)
    poverty_multiple: float = spec("1", "graduate above this multiple of the line", ge=1, le=10)
    consecutive: int = spec("assessments", "assessments in a row the test must hold", ge=1)
    assessment_months: int = spec("months", "months between assessments", ge=1, le=60)
    empowerment_months: int = spec("months", "months of income above the minimum wage", ge=1)
    sustain_months: int = spec("months", "non-poor this long after graduating: sustained", ge=1)


@dataclass(frozen=True)
class Collaboration(Schema):
    """Collaboration levers of Kemenko PM."""

    shared_registry: bool = spec("-", "agencies that ask for it use the shared registry")
    referral_rate: float = spec("1", "share of graduates and near-graduates referred", ge=0, le=1)
    referral_delay: int = spec("months", "months before a referral is acted on", ge=0, le=24)
    joint_targeting: bool = spec("-", "package families get training and credit first")
    complementarity: float = spec(
        "1", "added package success per complementary programme", ge=0, le=1
    )
    duplication_avoidance: bool = spec("-", "no second programme of the same function")
    overhead: float = spec("1", "share of budgets spent on coordination", ge=0, lt=1)
    monitoring: bool = spec("-", "monitor graduates and re-enrol relapses at once")
    monitoring_cost: float = spec("Rp/household/month", "cost of monitoring a graduate", ge=0)
    network_degree: int = spec("households", "village neighbours of a household", ge=0, le=50)
    mentoring_boost: float = spec(
        "1", "rise of enterprise return per contributor neighbour", ge=0, le=1
    )
    hiring_boost: float = spec(
        "1/month", "rise of job finding per contributor neighbour", ge=0, le=1
    )
    contributor_cap: int = spec("households", "most contributor neighbours that count", ge=0)


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
