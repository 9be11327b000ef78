"""Where a monthly step's time goes: a per-phase timer over `baseline_2025`.

Usage: ``python -m benchmarks.profile [households]`` (default 1,000,000). Steps months 0-6
untimed, then times months 7-11 (no registry refresh among them) and prints the mean
milliseconds per month of each phase. Phases nest (the recorder includes its sorts). Timing
wraps the model's functions for the length of the run only.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import simulation.composition as composition
import simulation.model as model
import simulation.outcomes as outcomes
import simulation.policy.collaboration as collaboration
import simulation.policy.runtime as runtime
import simulation.recorder as recorder
from benchmarks.bench import _params

#: (owner, attribute, label): functions of modules and methods of classes to time
PHASES: list[tuple[Any, str, str]] = [
    (model.GraduationModel, "_draw_month", "draws (mortality, disasters, rare events)"),
    (model, "MonthEnvironment", "environment"),
    (model, "demography_step", "demography"),
    (composition.Composition, "update", "member counts"),
    (model.GraduationModel, "_agencies_act", "agencies"),
    (runtime.PolicyRuntime, "_graduation", "  graduation"),
    (collaboration.Collaboration, "contribute", "  contributors"),
    (model, "shocks_step", "shocks"),
    (model.GraduationModel, "_household_rules", "household rules, in blocks"),
    (model, "income_step", "  income"),
    (model, "total_income", "  total income"),
    (model, "consumption_step", "  consumption"),
    (model, "assets_step", "  assets"),
    (model, "poverty_step", "  poverty"),
    (recorder.Recorder, "record", "recorder"),
    (recorder, "order_nonnegative", "  consumption sort"),
    (recorder, "deciles_and_gini", "  deciles and Gini"),
    (recorder.Recorder, "_record_assets", "  assets, savings and lines"),
    (outcomes.PolicyRecorder, "record", "policy recorder"),
]


@contextmanager
def timed(totals: dict[str, float]) -> Iterator[None]:
    """Wrap every phase so that its time adds to ``totals``; unwrap on exit."""
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in PHASES]

    def wrap(f: Callable[..., Any], label: str) -> Callable[..., Any]:
        def g(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return f(*args, **kwargs)
            finally:
                totals[label] += time.perf_counter() - start

        return g

    try:
        for (owner, name, f), (_, _, label) in zip(saved, PHASES, strict=True):
            setattr(owner, name, wrap(f, label))
        yield
    finally:
        for owner, name, f in saved:
            setattr(owner, name, f)


def profile(households: int, warm: int = 7, months: int = 5) -> dict[str, float]:
    """Mean ms per month of each phase, and of the whole step (``"total"``)."""
    totals: dict[str, float] = defaultdict(float)
    with timed(totals):
        m = model.GraduationModel(_params(households, warm + months))
        for _ in range(warm):
            m.step()
        totals.clear()
        start = time.perf_counter()
        for _ in range(months):
            m.step()
        totals["total"] = time.perf_counter() - start
    return {label: seconds / months * 1e3 for label, seconds in totals.items()}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    households = int(args[0]) if args else 1_000_000
    result = profile(households)
    print(f"{households:,} households, ms per month (months 7-11 of baseline_2025)")
    print(f"{'total':44s} {result['total']:8.1f}")
    parent = ""
    for _, _, label in PHASES:
        if not label.startswith(" "):
            if parent == "household rules, in blocks":  # what its parts leave: the draws
                rest = result[parent] - sum(result[lab] for lab in RULE_PARTS)
                print(f"{'  their draws (employment, wage shocks)':44s} {rest:8.1f}")
            parent = label
        print(f"{label:44s} {result.get(label, 0.0):8.1f}")
    return 0


#: the phases timed inside the household rules' blocks
RULE_PARTS = ("  income", "  total income", "  consumption", "  assets", "  poverty")


if __name__ == "__main__":
    raise SystemExit(main())
