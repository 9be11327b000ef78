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


def test_profile_times_every_phase_and_unwraps_them() -> None:
    import simulation.model as model
    from benchmarks.profile import PHASES, profile

    before = [getattr(owner, name) for owner, name, _ in PHASES]
    result = profile(households=2000, warm=2, months=2)
    assert {label for _, _, label in PHASES} | {"total"} == set(result)
    assert all(ms > 0 for ms in result.values())
    top = [label for _, _, label in PHASES if not label.startswith(" ")]
    assert sum(result[label] for label in top) <= result["total"] * 1.01  # phases do not overlap
    assert [getattr(owner, name) for owner, name, _ in PHASES] == before
    assert model.demography_step is before[2]


@pytest.mark.slow
def test_the_study_benchmark_runs_and_resumes(capsys: pytest.CaptureFixture[str]) -> None:
    """The 1,000-run study's script at tiny size: it runs, resumes and prints its row."""
    from benchmarks.study import main as study

    assert study(["--smoke"]) == 0
    assert "| 8 runs: allocation explorer, 4 points x 2 replicates" in capsys.readouterr().out
