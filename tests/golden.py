"""Golden datasets: small runs of shipped scenarios whose results are kept in ``tests/golden/``.

The files change only when this module is run on purpose::

    python -m tests.golden            # rewrite every golden file (make golden)
    python -m tests.golden full_synergy

``tests/test_golden.py`` compares fresh runs with them, so a change of results is always a
decision that shows up in a commit, never a side effect.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import xarray as xr

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"

#: scenario -> overrides: small enough for the suite, long enough for graduations and relapses
CASES: dict[str, dict[str, Any]] = {
    name: {
        "world.population.households": 3000,
        "world.population.village_size": 50,
        "run.months": 36,
        "run.burn_in_months": 12,
        "run.replicates": 2,
    }
    for name in ("baseline_2025", "full_synergy")
}


def path(case: str) -> Path:
    """The golden file of ``case``."""
    return GOLDEN_DIR / f"{case}.nc"


def compute(case: str) -> xr.Dataset:
    """Run ``case`` now; provenance attributes are dropped (they name versions and times)."""
    from scenarios import load_params
    from simulation import run

    ds = run(load_params(case, CASES[case]))
    ds.attrs = {}
    return ds


def write(case: str) -> Path:
    """Rewrite the golden file of ``case``."""
    GOLDEN_DIR.mkdir(exist_ok=True)
    out = path(case)
    tmp = out.with_suffix(".nc.tmp")
    compute(case).to_netcdf(tmp)
    tmp.replace(out)
    return out


def main(argv: list[str]) -> int:
    unknown = sorted(set(argv) - set(CASES))
    if unknown:
        print(f"unknown golden case {unknown[0]!r}; cases: {', '.join(CASES)}", file=sys.stderr)
        return 2
    for case in argv or list(CASES):
        print(f"wrote {write(case)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
