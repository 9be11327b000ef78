"""Write the chosen allocation as a scenario file, and install it into ``scenarios/`` on request.

The file extends the scenario the search started from and holds only the programmes whose
budget changed, each budget and capacity as a provenance leaf::

    meta: {name: NAME, extends: baseline_2025, description: ...}
    policy:
      programmes:
        value:
          - name: PENA
            budget: {value: [2.1e12], source: "experiments.optimise, seed 0, trial 17, ..."}
            capacity: {value: 700000.0, assumption: "scaled with budget ..."}
        note: ...

:func:`install` copies it into :data:`scenarios.SCENARIO_DIR`, refusing to overwrite a file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

import scenarios
from experiments.allocation.design import Allocation
from experiments.allocation.envelope import Envelope
from experiments.results import write_text_atomic
from simulation.params import ParameterError

__all__ = ["NAME", "check_install", "install", "scenario_body", "write_scenario"]

NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
CAPACITY = (
    "scaled with the budget at the status quo's cost per place (capacity x new budget / "
    "status-quo budget of the first year; experiments/allocation/envelope.py)"
)


def scenario_body(
    name: str, env: Envelope, alloc: Allocation, source: str, description: str
) -> dict[str, Any]:
    """Return the scenario tree: meta, and the programmes whose budget changed.

    Parameters
    ----------
    name : str
        Scenario name (the file's stem).
    env : Envelope
        The envelope and its status quo (``env.scenario`` is the parent).
    alloc : Allocation
        The chosen allocation (Rp/year budgets, households capacities).
    source : str
        Provenance of every changed value (tool, seed, trial, date, command).
    description : str
        ``meta.description``.
    """
    body: dict[str, Any] = {
        "meta": {"name": name, "extends": env.scenario, "description": description}
    }
    changed = []
    for i, prog in enumerate(env.names):
        if np.array_equal(alloc.budgets[i], env.budgets[i]):
            continue
        changed.append({
            "name": prog,
            "budget": {"value": [float(b) for b in alloc.budgets[i]], "source": source},
            "capacity": {"value": float(alloc.capacities[i]), "assumption": CAPACITY},
        })  # fmt: skip
    if changed:
        note = f"budgets moved within the {'+'.join(env.names)} envelope; {source}"
        body["policy"] = {"programmes": {"value": changed, "note": note}}
    return body


def write_scenario(path: Path, body: dict[str, Any], header: Sequence[str]) -> Path:
    """Write the scenario tree ``body`` to ``path`` (atomically) under comment lines ``header``."""
    text = "".join(f"# {line}\n" for line in header)
    text += yaml.safe_dump(body, sort_keys=False, width=100, allow_unicode=True)
    write_text_atomic(text, path)
    return path


def check_install(name: str, flag: str = "--install") -> Path:
    """Return where ``name`` would be installed; refuse a bad name or an existing scenario.

    Raises
    ------
    ParameterError
        ``name`` is not a plain scenario name, or ``scenarios/<name>.yaml`` exists.
    """
    if not NAME.fullmatch(name):
        raise ParameterError(f"--name {name!r}: a scenario name is letters, digits, '_' and '-' "
                             "(not starting with '-'), without .yaml")  # fmt: skip
    target = Path(scenarios.SCENARIO_DIR) / f"{name}.yaml"
    if target.exists():
        raise ParameterError(f"{flag}: scenario {name!r} exists ({target}); it is never "
                             "overwritten: choose another --name or remove that file")  # fmt: skip
    return target


def install(path: Path, name: str) -> Path:
    """Copy the scenario file at ``path`` into ``scenarios/`` as ``<name>.yaml`` and load it.

    The copy is created exclusively (an existing file is never replaced, even one made since
    the check).

    Raises
    ------
    ParameterError
        The scenario exists already, or the copy does not load (it is removed again).
    """
    target = check_install(name)
    try:
        with open(target, "x", encoding="utf-8") as fh:
            fh.write(path.read_text(encoding="utf-8"))
    except FileExistsError:
        raise ParameterError(f"--install: scenario {name!r} exists ({target})") from None
    try:
        scenarios.load_params(name)
    except ParameterError:
        target.unlink(missing_ok=True)
        raise
    return target
