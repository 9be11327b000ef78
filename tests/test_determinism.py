"""Results do not depend on the number of BLAS threads.

OpenBLAS splits a dot product longer than 10 000 among its threads, so a sum taken with
``np.dot`` ends in a bit that depends on the thread count (and on joblib's workers, which set
it). The engine's sums are numpy's own, so one and two threads give the same dataset. With the
old ``np.dot`` sums, this run's Gini differed by about 4e-16 between one and two threads.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import xarray as xr

ROOT = Path(__file__).resolve().parents[1]

#: above OpenBLAS's threading threshold for the whole-population sums, and about 4 s a run
OVERRIDES = {
    "world.population.households": 20_000,
    "run.months": 3,
    "run.burn_in_months": 1,
}

RUN = f"""
import sys
from scenarios import load_params
from simulation import run
run(load_params("baseline_2025", {OVERRIDES!r}), replicates=[0]).to_netcdf(sys.argv[1])
"""


def _run_with_threads(threads: int, out: Path) -> xr.Dataset:
    """Run in a fresh interpreter whose BLAS has ``threads`` threads; load what it wrote."""
    env = os.environ | {
        var: str(threads) for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    }
    cmd = [sys.executable, "-c", RUN, str(out)]
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return xr.load_dataset(out)


def test_one_and_two_blas_threads_give_identical_results(tmp_path: Path) -> None:
    one = _run_with_threads(1, tmp_path / "one.nc")
    two = _run_with_threads(2, tmp_path / "two.nc")
    xr.testing.assert_identical(one, two)
