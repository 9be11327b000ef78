"""The memory a run needs, checked before anything is built.

A run too large for the machine should fail at once with a message saying what to change, not
minutes later in an allocation traceback. :func:`required_bytes` estimates the peak resident
memory of one replicate (the interpreter and its libraries, the households' columns, the village
network, the policy's state and the recorder's dataset); :func:`check_memory` compares it with
what the machine has free (:func:`available_bytes`). Replicates run one after another, so their
number does not matter; parallel jobs each need their own.

The peak grows linearly with the households and with the village network's links (households
times ``network_degree``); the months add nothing measurable (the recorded variables are a few
hundred numbers a month). Measured on 2026-12-03 with ``python -m benchmarks.memory_fit``
(``baseline_2025``, one replicate after the scenario's 36 burn-in months, the VmHWM of a fresh
interpreter; 124 MiB of it are the interpreter and libraries):

==========  ======  ======  ========  ========  ================
households  months  degree  peak MiB  fit MiB   estimate (+25%)
==========  ======  ======  ========  ========  ================
20,000      12, 60  6       142, 142  146       183
100,000     12, 60  6       191, 190  193       241
300,000     12, 60  6       309, 307  311       389
1,000,000   12, 60  6       721, 721  724       905
300,000     12      0       274       242       303
300,000     12      20      455       472       590
300,000     12      50      825       816       1020
==========  ======  ======  ========  ========  ================

The least-squares fit is within 12% of every run (the network's cost per link rises a little with
the degree); the 25% margin keeps every measured peak below the estimate. ``full_synergy`` and
``world_2025`` at 300,000 households peaked at 309 and 300 MiB. This module imports only the
standard library and :mod:`simulation.params`, so the command line's launcher can use it.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from simulation.params import ParameterError, Params

__all__ = ["available_bytes", "check_memory", "required_bytes"]

#: bytes of one replicate's peak: interpreter and libraries, per household, per network link
INTERCEPT = 140_745_412
PER_HOUSEHOLD = 377.7
PER_LINK = 40.1
#: safety margin on the fitted peak
MARGIN = 1.25

GB = 1e9


def required_bytes(params: Params) -> int:
    """Estimated peak resident memory of one replicate run of ``params``, in bytes.

    Fitted to measured runs plus a 25% margin (see the module's docstring).
    """
    households = params.world.population.households
    per_household = PER_HOUSEHOLD + PER_LINK * params.policy.collaboration.network_degree
    return math.ceil(MARGIN * (INTERCEPT + per_household * households))


def available_bytes(
    *, meminfo: Path = Path("/proc/meminfo"), cgroup: Path = Path("/sys/fs/cgroup")
) -> int | None:
    """Memory this process can still use, in bytes, or None if unknown.

    Linux's MemAvailable (free memory plus what the kernel can reclaim), else free physical
    pages from ``os.sysconf``; at most the memory limit of the process's cgroup or a group
    above it (v2 ``memory.max``, v1 ``memory.limit_in_bytes``) when there is one. The arguments
    are for tests.
    """
    found = [b for b in (_meminfo_available(meminfo), *_cgroup_limits(cgroup)) if b is not None]
    if not found:
        found = [b for b in [_sysconf_available()] if b is not None]
    return min(found) if found else None


def check_memory(params: Params, *, jobs: int = 1, available: float | None = None) -> None:
    """Raise :class:`ParameterError` if ``jobs`` parallel runs of ``params`` would not fit.

    Parameters
    ----------
    params : Params
        Validated parameters.
    jobs : int
        Runs of this size at the same time (parallel workers), each needing the estimate.
    available : int or float, optional
        Bytes available; default :func:`available_bytes`. Nothing is checked when unknown.
    """
    if available is None:
        available = available_bytes()
        if available is None:
            return
    need = required_bytes(params)
    if jobs * need <= available:
        return
    households = params.world.population.households
    message = f"world.population.households={households} needs about {need / GB:.1f} GB of memory"
    if jobs > 1:
        message += f" per job (x {jobs} parallel jobs = {jobs * need / GB:.1f} GB)"
    message += f"; this machine has {available / GB:.1f} GB available; "
    most = _most_households(params, available / jobs)
    fewer = " or fewer parallel jobs" if jobs > 1 else ""
    if most >= 1:
        message += f"use at most {most:,} households{fewer}"
    else:
        message += f"free some memory{fewer}"
    raise ParameterError(message)


def _most_households(params: Params, available: float) -> int:
    """Return the most households that fit in ``available`` bytes, rounded down to 2 digits."""
    per_household = PER_HOUSEHOLD + PER_LINK * params.policy.collaboration.network_degree
    most = int((available / MARGIN - INTERCEPT) / per_household)
    if most < 100:
        return max(most, 0)
    step = int(10 ** (len(str(most)) - 2))
    return most // step * step


def _meminfo_available(path: Path) -> int | None:
    """MemAvailable from ``/proc/meminfo`` in bytes (Linux 3.14+), None if absent."""
    try:
        for line in path.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                value, unit = line.split()[1:3]
                return int(value) * (1024 if unit == "kB" else 1)
    except (OSError, ValueError):
        pass
    return None


def _sysconf_available() -> int | None:
    """Free physical memory from ``os.sysconf``, None where the system does not say."""
    try:
        pages, size = os.sysconf("SC_AVPHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None
    return pages * size if pages > 0 and size > 0 else None


def _cgroup_limits(root: Path) -> list[int | None]:
    """Memory limits of this process's cgroup and the groups above it (cgroup v2 and v1)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        lines = []
    v1 = root / "memory"
    groups = [(root, "/", "memory.max"), (v1, "/", "memory.limit_in_bytes")]
    for line in lines:  # "0::/path" (v2) or "4:memory:/path" (v1)
        if line.count(":") < 2:
            continue
        _, controllers, group = line.split(":", 2)
        if not controllers:
            groups.append((root, group, "memory.max"))
        elif "memory" in controllers.split(","):
            groups.append((v1, group, "memory.limit_in_bytes"))
    files = []
    for base, group, name in groups:
        here = Path(os.path.normpath(base / group.strip().lstrip("/")))
        while here.is_relative_to(base):  # up to the mounted root, not beyond
            files.append(here / name)
            if here == base:
                break
            here = here.parent
    return [_read_int(f) for f in dict.fromkeys(files)]


def _read_int(path: Path) -> int | None:
    """Return the number in ``path``; None for "max", a missing file or anything else."""
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None
