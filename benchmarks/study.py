"""The planner's scale: a 1,000-run study at 50,000 households and 60 months, timed.

Runs the allocation explorer (``python -m experiments.allocation``) with 124 splits and the
status quo, 8 replicates each (125 x 8 = 1,000 runs of 50,000 households over 60 months after
the scenario's burn-in), on the default launcher (one job per core), then runs the same command
again to time the resume (nothing left to compute). Target: the study within 45 minutes on a
2-core machine (issue 16). Not part of ``make bench`` (it takes about half an hour)::

    python -m benchmarks.study            # the full study; writes benchmarks/study.json
    python -m benchmarks.study --update-doc   # also the row in benchmarks/README.md
    python -m benchmarks.study --smoke    # a tiny, untimed check used by the tests
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TARGET_MINUTES = 45.0
FULL = {"points": 124, "replicates": 8, "households": 50_000, "months": 60}
SMOKE = {"points": 3, "replicates": 2, "households": 300, "months": 6}
BEGIN, END = "<!-- study-1000:begin -->", "<!-- study-1000:end -->"


def _command(out: Path, size: dict[str, int]) -> list[str]:
    return [sys.executable, "-m", "experiments.allocation", "--points", str(size["points"]),
            "--replicates", str(size["replicates"]), "--households", str(size["households"]),
            "--months", str(size["months"]), "--seed", "0", "--out", str(out)]  # fmt: skip


def _timed(cmd: list[str], smoke: bool) -> float:
    start = time.perf_counter()
    extra = ["population.village_size=20", "run.burn_in_months=2"] if smoke else []
    subprocess.run([*cmd, *extra], check=True)  # its progress bar shows on the terminal
    return time.perf_counter() - start


def measure(size: dict[str, int], smoke: bool = False) -> dict[str, Any]:
    """Run the study twice (compute, then resume) and return the timings."""
    with tempfile.TemporaryDirectory(prefix="graduasi-study-") as tmp:
        out = Path(tmp) / "allocation"
        cmd = _command(out, size)
        first = _timed(cmd, smoke)
        resume = _timed(cmd, smoke)
    runs = (size["points"] + 1) * size["replicates"]
    return {"machine": platform.platform(), "cores": os.cpu_count(), **size, "runs": runs,
            "seconds": first, "resume_seconds": resume, "minutes": first / 60,
            "target_minutes": TARGET_MINUTES, "holds": first / 60 <= TARGET_MINUTES,
            "date": time.strftime("%Y-%m-%d")}  # fmt: skip


def row(res: dict[str, Any]) -> str:
    """The benchmark README's row of a measured study."""
    mark = "holds" if res["holds"] else "MISSED"
    return (
        f"| {res['runs']:,} runs: allocation explorer, {res['points'] + 1} points x "
        f"{res['replicates']} replicates, {res['households']:,} households, {res['months']} "
        f"months ({res['cores']} cores, {res['date']}) | {res['minutes']:.1f} min | "
        f"resume with nothing to compute: {res['resume_seconds']:.0f} s | "
        f"<= {res['target_minutes']:.0f} min: {mark} |"
    )


def update_doc(res: dict[str, Any], path: Path = HERE / "README.md") -> None:
    """Write the row between the markers of benchmarks/README.md."""
    text = path.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{row(res)}\n{END}"
    new, n = re.subn(re.escape(BEGIN) + r".*?" + re.escape(END), block, text, flags=re.S)
    if n != 1:
        raise SystemExit(f"benchmarks/README.md needs one {BEGIN} ... {END} block")
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Measure the study; print its row; record it unless ``--smoke``."""
    ap = argparse.ArgumentParser(prog="benchmarks.study", description=__doc__.split("\n")[0])
    ap.add_argument("--smoke", action="store_true", help="tiny sizes; checks the code runs")
    ap.add_argument("--update-doc", action="store_true", help="write the README row too")
    args = ap.parse_args(argv)
    res = measure(SMOKE if args.smoke else FULL, smoke=args.smoke)
    print(row(res))
    if not args.smoke:
        (HERE / "study.json").write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
        if args.update_doc:
            update_doc(res)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
