"""Regression: small runs of the shipped scenarios equal their golden files.

A failure here means results changed. If the change is intended, rewrite the files with
``make golden`` (``python -m tests.golden``) and say in the commit what changed and why.
"""

from __future__ import annotations

import pytest
import xarray as xr

from tests import golden


@pytest.mark.parametrize("case", list(golden.CASES))
def test_results_equal_the_golden_dataset(case: str) -> None:
    expected = xr.load_dataset(golden.path(case))
    actual = golden.compute(case)
    assert sorted(actual.data_vars) == sorted(expected.data_vars), "variables added or removed"
    # last bits may differ between CPUs and numpy builds (vectorised exp, log); nothing more.
    # Not between thread counts: the engine uses no BLAS (tests/test_determinism.py)
    xr.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-9)
