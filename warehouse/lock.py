"""One writer at a time: an advisory lock file beside the DuckDB file.

DuckDB itself lets one process open a file for writing and then refuses
everyone else with an error. A run, a rebuild or a compaction holds
`<db>.lock` (fcntl) from start to end instead; a second writer waits for it,
saying so, up to a timeout. The kernel drops the lock when its process dies,
even by SIGKILL, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

DEFAULT_LOCK_TIMEOUT = 3600.0


class WarehouseLocked(RuntimeError):
    """Another writer held the warehouse for longer than the timeout."""


def lock_path(db_path: str | Path) -> Path:
    path = Path(db_path)
    return path.with_name(path.name + ".lock")


@contextmanager
def writer_lock(
    db_path: str | Path,
    holder: str,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
    on_wait: Callable[[str], None] = lambda message: None,
) -> Iterator[None]:
    """Hold the warehouse's writer lock; `holder` (e.g. "run <id>") is written in the file for others to read."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        waiting = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waiting:
                    other = os.pread(fd, 1000, 0).decode("utf-8", "replace").strip() or "another writer"
                    on_wait(
                        f"waiting for the warehouse {db_path}: {other} is writing to it (giving up after {timeout:g} s)"
                    )
                    waiting = True
                if time.monotonic() >= deadline:
                    raise WarehouseLocked(
                        f"gave up after {timeout:g} s waiting for the writer lock {path} (held by another run)"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{holder} (pid {os.getpid()})".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
