"""A guard process: it ends the processes it is told of when the process that started it dies, even by SIGKILL.

A killed process cannot stop its children, and a child started by a library
(Prefect's temporary server) cannot be asked to watch its parent. So a run
starts this small process once (`watch(pid)`), with a pipe to its stdin that
only the run's process holds, and writes to it the pid of each child to end
with it. When the run's process dies, however it dies, the kernel closes the
pipe; the guard reads end-of-file, sends each child still alive SIGTERM, then
SIGKILL after a grace period, and exits. A child that ended before is left
alone: the guard holds a pidfd of each (Linux), so a recycled pid is never
signalled; elsewhere it falls back to the pid.

Run as `python -m flows.guard`, it imports only the standard library (and the
`flows` package, which imports nothing): it starts in a few milliseconds and
holds a few MiB. It runs in a session of its own and ignores SIGINT, SIGTERM
and SIGHUP: a Ctrl-C in the terminal or a signal to the run's process group
is for the run's process to handle, and the guard does its part once that
process is gone.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import threading
import time

GRACE_SECONDS = 5.0


# ---------------------------------------------------------------- the run's side


class _Guard:
    """The run's end of the pipe to its guard process (one per process, started at the first `watch`)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: subprocess.Popen | None = None
        self.owner = 0  # the pid that started the guard (a forked child must start its own)
        self.watched: set[int] = set()

    def watch(self, pid: int) -> None:
        with self.lock:
            if self.process is None or self.owner != os.getpid():
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "flows.guard"], stdin=subprocess.PIPE, start_new_session=True
                )
                self.owner = os.getpid()
                self.watched = set()
            if pid in self.watched:
                return
            self.process.stdin.write(f"{pid}\n".encode())
            self.process.stdin.flush()
            self.watched.add(pid)


_GUARD = _Guard()


def watch(pid: int) -> None:
    """End process `pid` (a child of this process) when this process dies; the guard starts at the first call."""
    _GUARD.watch(pid)


def guard_pid() -> int | None:
    """The guard process of this process, if it has started one."""
    process = _GUARD.process
    return process.pid if process is not None and _GUARD.owner == os.getpid() else None


# ---------------------------------------------------------------- the guard process


class _Watched:
    """A process to end: by its pidfd where the system has them, else by its pid."""

    def __init__(self, pid: int):
        self.pid = pid
        try:
            self.fd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):  # not Linux (or before 5.3), or already gone
            self.fd = None

    def signal(self, signum: int) -> bool:
        """Send `signum`; False when the process is gone."""
        try:
            if self.fd is not None:
                signal.pidfd_send_signal(self.fd, signum)
            else:
                os.kill(self.pid, signum)
        except (ProcessLookupError, PermissionError):
            return False
        return True

    def alive(self) -> bool:
        if self.fd is not None:
            return not select.select([self.fd], [], [], 0)[0]  # a pidfd reads ready once its process ended
        return self.signal(0)


def end_all(watched: list[_Watched], grace: float = GRACE_SECONDS) -> None:
    """SIGTERM to each process still alive, SIGKILL to those still alive `grace` seconds later."""
    alive = [w for w in watched if w.alive() and w.signal(signal.SIGTERM)]
    deadline = time.monotonic() + grace
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [w for w in alive if w.alive()]
    for w in alive:
        w.signal(signal.SIGKILL)


def main() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    watched = [_Watched(int(line)) for line in sys.stdin.buffer]  # until end-of-file: the run's process is gone
    end_all(watched)


if __name__ == "__main__":
    main()
