"""Result files of a sweep: written atomically, checked before reuse, stale temporaries removed.

A job writes ``<output>-<config hash>.nc`` through a hidden temporary file in the same folder:
the data are fsync'd, the file is renamed into place and the folder is fsync'd, so after a crash
(even SIGKILL or a power cut) a result either exists whole or not at all. A result found later
is reused only if it opens, holds the configuration hash it is named by and the replicates the
job asks for; anything else is treated as missing and recomputed.

Temporary files are named ``.<name>.<host>-<pid>.tmp``: one whose writer is gone (same host, no
such process) or that is older than :data:`STALE_AFTER` seconds is removed by the next job or
report that looks in its folder.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import xarray as xr

__all__ = [
    "STALE_AFTER",
    "clean_stale_tmp",
    "fsync_dir",
    "read_result",
    "valid_result",
    "write_atomic",
    "write_text_atomic",
]

log = logging.getLogger(__name__)

#: seconds after which a temporary file of another host is taken as abandoned
STALE_AFTER = 24 * 3600.0
_TMP = re.compile(r"^\..+\.(?P<host>[^.]+)-(?P<pid>\d+)\.tmp$")
_HOST = socket.gethostname().replace(".", "_") or "host"


def _tmp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{_HOST}-{os.getpid()}.tmp")


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename into it) to disk; a no-op where not supported."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _commit(tmp: Path, path: Path) -> None:
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def _atomically(path: Path, write: Callable[[Path], Any]) -> None:
    tmp = _tmp_path(path)
    try:
        write(tmp)
        _commit(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(ds: xr.Dataset, path: Path) -> None:
    """Write ``ds`` to the NetCDF file ``path``: whole or not at all, even after a crash."""
    _atomically(path, lambda tmp: ds.to_netcdf(tmp, engine="netcdf4"))


def write_text_atomic(text: str, path: Path) -> None:
    """Write ``text`` (UTF-8) to ``path``: whole or not at all, even after a crash."""
    _atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def read_result(path: Path) -> xr.Dataset:
    """Open and load a result file; raise ``OSError`` or ``ValueError`` if it cannot be read."""
    import xarray as xr

    try:
        with xr.open_dataset(path, engine="netcdf4") as ds:
            return ds.load()
    except (OSError, ValueError, RuntimeError, KeyError) as err:
        raise OSError(f"cannot read {path}: {err}") from err


def valid_result(path: Path, digest: str, replicates: list[int]) -> str | None:
    """Why the result at ``path`` cannot stand for job ``digest``; ``None`` if it can."""
    try:
        ds = read_result(path)
    except OSError as err:
        return str(err)
    if ds.attrs.get("config_hash") != digest:
        return f"it holds configuration {ds.attrs.get('config_hash')!r}, not {digest!r}"
    if "replicate" not in ds.coords or ds.replicate.values.tolist() != replicates:
        return f"it does not hold replicates {replicates}"
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stale(path: Path, now: float) -> bool:
    match = _TMP.match(path.name)
    if match is None:
        return False
    if match["host"] == _HOST and not _alive(int(match["pid"])):
        return True
    try:
        return now - path.stat().st_mtime > STALE_AFTER
    except FileNotFoundError:
        return False


def clean_stale_tmp(root: Path, *, recursive: bool = True) -> list[Path]:
    """Remove abandoned temporary files under ``root``; return those removed."""
    if not root.is_dir():
        return []
    now = time.time()
    found = root.rglob(".*.tmp") if recursive else root.glob(".*.tmp")
    removed = []
    for path in sorted(found):
        if path.is_file() and _stale(path, now):
            path.unlink(missing_ok=True)
            removed.append(path)
    if removed:
        log.warning("removed %d abandoned temporary file(s), e.g. %s", len(removed), removed[0])
    return removed
