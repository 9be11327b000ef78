"""The benchmark suite still runs (tiny sizes; nothing is asserted about time)."""

from __future__ import annotations

import pytest

from benchmarks.bench import main


@pytest.mark.slow
def test_benchmark_suite_smoke(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--smoke"]) == 0
    out = capsys.readouterr().out
    for figure in ("step_1M_over_floor", "reference_ratio", "bytes_per_household_1M",
                   "creation_share_100k", "sweep_efficiency", "sweep_overhead_share"):  # fmt: skip
        assert figure in out
