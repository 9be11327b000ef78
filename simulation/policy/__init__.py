"""Policy: agencies, programmes, the registry, graduation and collaboration.

Parameters (:mod:`simulation.policy.schema`) are re-exported here. The monthly policy runs in
:class:`simulation.policy.runtime.PolicyRuntime`; its parts are :mod:`~.month` (the month's
context), :mod:`~.targeting`, :mod:`~.registry`, :mod:`~.ledger`, :mod:`~.graduation`,
:mod:`~.collaboration` and one module per programme kind in :mod:`~.programmes`.
"""

from simulation.policy.programmes import KINDS, Kind, ProgrammeRules
from simulation.policy.schema import (
    Agency,
    Collaboration,
    GraduationRules,
    Policy,
    Programme,
    RegistryRules,
    Targeting,
)

__all__ = [
    "KINDS",
    "Agency",
    "Collaboration",
    "GraduationRules",
    "Kind",
    "Policy",
    "Programme",
    "ProgrammeRules",
    "RegistryRules",
    "Targeting",
]
