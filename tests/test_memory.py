"""The memory check: a run too large for the machine fails at once, saying what to change."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from scenarios import load_params
from simulation import memory
from simulation.memory import available_bytes, check_memory, required_bytes
from simulation.params import ParameterError, Params

ROOT = Path(__file__).resolve().parents[1]


def _params(households: int, **overrides: object) -> Params:
    return load_params("baseline_2025", {"world.population.households": households, **overrides})


def _fresh_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_the_estimate_grows_with_households_and_links() -> None:
    sizes = [1, 1000, 100_000, 1_000_000, 50_000_000]
    need = [required_bytes(_params(n)) for n in sizes]
    assert need == sorted(need) and len(set(need)) == len(need)
    degree = "policy.collaboration.network_degree"
    assert required_bytes(_params(100_000, **{degree: 0})) < required_bytes(
        _params(100_000, **{degree: 50})
    )


def test_the_estimate_is_near_a_measured_peak() -> None:
    """100k households in a fresh interpreter: its peak resident memory (VmHWM) against the
    estimate, which includes a 25% margin."""
    code = (
        "import json, pathlib\n"
        "from scenarios import load_params\n"
        "from simulation import run\n"
        "from simulation.memory import required_bytes\n"
        "p = load_params('baseline_2025', {'world.population.households': 100_000,"
        " 'run.months': 3, 'run.burn_in_months': 1})\n"
        "run(p, replicates=[0])\n"
        "status = pathlib.Path('/proc/self/status').read_text()\n"
        "peak = int(next(ln for ln in status.splitlines() if ln.startswith('VmHWM:')).split()[1])\n"
        "print(json.dumps({'peak': peak * 1024, 'estimate': required_bytes(p)}))\n"
    )
    if not Path("/proc/self/status").exists():
        pytest.skip("needs Linux's /proc")
    out = json.loads(_fresh_python(code))
    assert 0.65 <= out["estimate"] / out["peak"] <= 1.35, out
    assert out["estimate"] >= out["peak"], out  # the margin covers the measured peak


def test_too_many_households_are_refused_naming_the_size_and_the_memory() -> None:
    with pytest.raises(ParameterError) as err:
        check_memory(_params(50_000_000), available=8e9)
    message = str(err.value)
    assert "world.population.households=50000000" in message
    assert re.search(r"needs about \d+\.\d GB of memory; this machine has 8\.0 GB", message)
    advice = re.search(r"use at most ([\d,]+) households$", message)
    assert advice, message
    most = int(advice[1].replace(",", ""))
    check_memory(_params(most), available=8e9)  # the advice is enough


def test_parallel_jobs_each_need_the_estimate() -> None:
    params = _params(1_000_000)
    need = required_bytes(params)
    check_memory(params, jobs=2, available=2 * need)
    with pytest.raises(ParameterError, match=r"x 3 parallel jobs = .*or fewer parallel jobs"):
        check_memory(params, jobs=3, available=2 * need)


def test_nothing_is_checked_when_the_memory_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    check_memory(_params(1000))  # this machine's memory, whatever it is, holds a small run
    monkeypatch.setattr(memory, "available_bytes", lambda: None)
    check_memory(_params(50_000_000))
    check_memory(_params(50_000_000), available=None, jobs=8)


def test_run_refuses_50_million_households_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before anything is built: quickly and with next to no memory allocated."""
    import simulation

    run = simulation.run  # imports the engine outside the timing
    params = _params(50_000_000)
    monkeypatch.setattr(memory, "available_bytes", lambda: 16 * 10**9)  # any machine
    tracemalloc.start()
    t = time.perf_counter()
    try:
        with pytest.raises(ParameterError, match=r"world\.population\.households=50000000"):
            run(params, replicates=[0])
        elapsed = time.perf_counter() - t
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 10 * 2**20


def test_available_memory_is_meminfo_capped_by_the_cgroup_limit(tmp_path: Path) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       32000000 kB\nMemAvailable:   20000000 kB\n")
    cgroup = tmp_path / "cgroup"
    cgroup.mkdir()
    assert available_bytes(meminfo=meminfo, cgroup=cgroup) == 20_000_000 * 1024
    (cgroup / "memory.max").write_text("max\n")
    assert available_bytes(meminfo=meminfo, cgroup=cgroup) == 20_000_000 * 1024
    (cgroup / "memory.max").write_text("4000000000\n")
    assert available_bytes(meminfo=meminfo, cgroup=cgroup) == 4_000_000_000


def test_this_machine_reports_its_memory() -> None:
    found = available_bytes()
    if Path("/proc/meminfo").exists():
        assert found is not None and found > 0


def test_the_memory_module_imports_no_engine() -> None:
    code = (
        "import sys, simulation.memory; "
        "print(sorted(m for m in ('mesa', 'scipy', 'xarray', 'simulation.model') "
        "if m in sys.modules))"
    )
    assert _fresh_python(code) == "[]"
