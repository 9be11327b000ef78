"""Bad input on the command line and to ``graduasi-report``: refused, explained, nothing written.

Each case runs the command in this process (a simulation starting fails the test) from a
folder that already holds an earlier result, and checks: a non-zero exit status; a message that
names the field or file, the value and what is allowed; the folder exactly as it was.
The scenario-file and Python API cases are in ``tests/test_bad_inputs_api.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from experiments.report import main as report_main
from tests.sweep_tools import SMALL, graduasi, in_process, snapshot

BASIC = "hydra/launcher=basic"

#: arguments -> fragments the message must hold (field or file, value, what is allowed)
CLI_CASES: dict[str, tuple[list[str], list[str]]] = {
    "negative months": (["run.months=-3"], ["run.months", "-3", "[1, 600]"]),
    "zero months": (["run.months=0"], ["run.months", "got 0", "[1, 600]"]),
    "no households": (["population.households=0"], ["households", "got 0", "[1,"]),
    "households above the schema": (
        ["population.households=60000000"],
        ["households", "60000000", "[1, 50000000]"],
    ),
    "households beyond memory": (
        [BASIC, "population.households=40000000"],
        ["households=40000000", "GB", "available"],
    ),
    "consumption 1e300": (
        ["world.initial.median_consumption=1e300"],
        ["median_consumption", "1e+300", "1e9]"],
    ),
    "budget 1e300": (["policy.programmes.PKH.budget=[1e300]"], ["budget", "1e+300", "1e16]"]),
    "a billion replicates": (
        ["run.replicates=1000000000"],
        ["run.replicates", "1000000000", "10000]"],
    ),
    "new key": (["+nonexistent_key=3"], ["nonexistent_key", "adds a key", "allowed keys"]),
    "misspelt population key": (
        ["population.househlds=5"],
        ["population.househlds", "households, national_persons"],
    ),
    "misspelt shock": (
        ["world.shocks.health_hazrd=0.1"],
        ["health_hazrd", "allowed keys of world.shocks", "health_hazard"],
    ),
    "unknown programme": (
        ["policy.programmes.PKHH.budget=[1]"],
        ["PKHH", "allowed keys of policy.programmes", "PKH, Sembako"],
    ),
    "unknown programme field": (
        ["policy.programmes.PKH.budgett=[1]"],
        ["budgett", "policy.programmes.PKH", "budget"],
    ),
    "rules field of another kind": (
        ["policy.programmes.PKH.rules.loan=5"],
        ["loan", "PKH", "allowed keys"],
    ),
    "text for months": (["run.months=abc"], ["run.months", "abc", "Integer"]),
    "fraction of households": (
        ["population.households=1.5"],
        ["population.households", "1.5", "Integer"],
    ),
    "replicate beyond replicates": (
        ["replicate=5", "run.replicates=2"],
        ["replicate", "got 5", "[0, 1]"],
    ),
    "negative replicate": (["replicate=-1"], ["replicate", "got -1", "[0, 0]"]),
    "output outside the folder": (["output=../../x"], ["output", "'../../x'", "no folders"]),
    "hidden output": (["output=.hidden"], ["output", "'.hidden'", "not hidden"]),
    "absolute scenario path": (
        ["scenario=/abs/file.yaml"],
        ["scenario", "/abs/file.yaml", "baseline_2025"],
    ),
    "scenario outside scenarios/": (
        ["scenario=../conf/config"],
        ["scenario", "../conf/config", "baseline_2025"],
    ),
    "unknown scenario": (["scenario=no_such"], ["scenario", "no_such", "baseline_2025"]),
    "deleting a key": (["~run.months"], ["~run.months", "deletes a key", "set the value"]),
    "a bad sweep point": (
        ["-m", BASIC, "run.months=6,-3", *SMALL[:2]],
        ["job 1 (run.months=-3", "run.months", "[1, 600]", "nothing was run"],
    ),
    "an unknown scenario in a sweep": (
        ["-m", BASIC, "scenario=baseline_2025,nope"],
        ["job 1 (scenario=nope", "nope", "baseline_2025"],
    ),
    "referral rate above 1": (
        ["policy.collaboration.referral_rate=1.5"],
        ["referral_rate", "1.5", "[0, 1]"],
    ),
    "extreme line above the poverty lines": (
        ["world.poverty.extreme=1e9"],
        ["extreme", "1000000000.0", "below the urban and rural lines"],
    ),
    "negative capacity": (["policy.programmes.PKH.capacity=-5"], ["capacity", "-5", "[0,"]),
    "negative burn-in": (["run.burn_in_months=-1"], ["burn_in_months", "-1", "[0,"]),
    "negative seed": (["run.seed=-1"], ["run.seed", "-1", "[0,"]),
    "hazard not a number": (["world.shocks.health_hazard=nan"], ["health_hazard", "nan", "[0, 1]"]),
    "unknown experiment": (["experiment=nope"], ["experiment/nope", "compare_2025"]),
    "a list for the programmes": (
        ["policy.programmes=[1,2]"],
        ["policy.programmes", "[1,2]", "PKH, Sembako"],
    ),
    "a bad month": (["run.start=2025-13"], ["run.start", "2025-13", "YYYY-MM"]),
}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder holding an earlier result, as a user's would."""
    keep = tmp_path / "outputs" / "earlier" / "result-0123456789abcdef.nc"
    keep.parent.mkdir(parents=True)
    keep.write_bytes(b"an earlier result")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("case", list(CLI_CASES))
def test_the_command_line_refuses(
    case: str, workdir: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    args, fragments = CLI_CASES[case]
    before = snapshot(workdir)
    code, text = in_process(args, monkeypatch, capsys)
    assert code != 0, text
    for fragment in fragments:
        assert fragment in text, (fragment, text[-2500:])
    assert snapshot(workdir) == before


def test_a_refusal_in_a_fresh_process_writes_nothing(tmp_path: Path) -> None:
    """The installed command with its default launcher, a sweep with one bad point."""
    before = snapshot(tmp_path)
    small = [a for a in SMALL if not a.startswith("run.months")]
    res = graduasi("-m", "run.months=6,-3", *small, cwd=tmp_path)
    assert res.returncode == 2 and "job 1 (run.months=-3" in res.stderr
    res = graduasi("policy.programmes.PKH.budget=[-1]", cwd=tmp_path)
    assert res.returncode == 2 and "budget" in res.stderr and "-1" in res.stderr
    assert snapshot(tmp_path) == before


@pytest.fixture(scope="module")
def small_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sweep")
    res = graduasi("-m", "scenario=baseline_2025,aid_only", *SMALL, BASIC,
                   f"hydra.sweep.dir={root}/sw", cwd=root)  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    return root / "sw"


def _report_cases(sweep: Path, root: Path) -> dict[str, tuple[list[str], list[str]]]:
    (root / "a_file").write_text("not a folder")
    (root / "empty").mkdir()
    (root / "broken").mkdir()
    (root / "broken" / "result-x.nc").write_bytes(b"\x89HDF\r\n truncated")
    return {
        "missing sweep folder": ([str(root / "nope")], ["nope", "does not exist"]),
        "sweep is a file": ([str(root / "a_file")], ["a_file", "not a folder"]),
        "empty sweep": ([str(root / "empty")], ["empty", "no readable job results"]),
        "only unreadable results": ([str(root / "broken")], ["result-x.nc", "unreadable",
                                                             "no readable job results"]),
        "unknown baseline": ([str(sweep), "--baseline", "nope", "--out", str(root / "r")],
                             ["--baseline 'nope'", "aid_only, baseline_2025"]),
        "out is a file": ([str(sweep), "--out", str(root / "a_file")],
                          ["--out", "a_file", "is a file", "give a folder"]),
        "out under a file": ([str(sweep), "--out", str(root / "a_file" / "sub")],
                             ["--out", "a_file", "cannot write"]),
        "unknown option": ([str(sweep), "--bogus"], ["unrecognized arguments: --bogus"]),
    }  # fmt: skip


REPORT_CASES = ["missing sweep folder", "sweep is a file", "empty sweep",
                "only unreadable results", "unknown baseline", "out is a file", "out under a file",
                "unknown option"]  # fmt: skip


@pytest.mark.parametrize("case", REPORT_CASES)
def test_the_report_refuses(
    case: str, small_sweep: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    args, fragments = _report_cases(small_sweep, tmp_path)[case]
    before, sweep_before = snapshot(tmp_path), snapshot(small_sweep)
    try:
        code = report_main(args)
    except SystemExit as stop:  # argparse's own usage errors
        code = stop.code  # type: ignore[assignment]
    captured = capsys.readouterr()
    text = captured.out + captured.err + caplog.text
    assert code == 2, text
    for fragment in fragments:
        assert fragment in text, (fragment, text)
    assert snapshot(tmp_path) == before and snapshot(small_sweep) == sweep_before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_the_report_refuses_a_read_only_folder(
    small_sweep: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        assert report_main([str(small_sweep), "--out", str(locked / "report")]) == 2
        assert "cannot write" in capsys.readouterr().err
        assert not any(locked.iterdir())
    finally:
        locked.chmod(0o700)
