"""The guard process (flows/guard.py): what it is told of ends when the process that started it dies."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from flows import guard

ROOT = Path(__file__).resolve().parents[2]

# A parent that starts a child, hands it to the guard, prints both pids and waits to be killed.
PARENT = """
import subprocess, sys, time
from flows import guard
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
guard.watch(child.pid)
guard.watch(child.pid)  # told twice: one guard, one entry
print(child.pid, guard.guard_pid(), flush=True)
time.sleep(600)
"""


def ended(process: psutil.Process, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if not process.is_running() or process.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


def ignores(pid: int, signum: int, timeout: float = 10) -> bool:
    """Whether process `pid` ignores `signum` (Linux: its SigIgn mask), waiting for it to set that up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mask = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("SigIgn:"))
        if int(mask.split()[1], 16) >> (signum - 1) & 1:
            return True
        time.sleep(0.02)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_watched_child_ends_when_its_parent_is_killed_and_ctrl_c_does_not_stop_the_guard():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    child = None
    try:
        child_pid, guard_pid = map(int, parent.stdout.readline().split())
        child, keeper = psutil.Process(child_pid), psutil.Process(guard_pid)
        assert [p.pid for p in psutil.Process(parent.pid).children()] == sorted([child_pid, guard_pid])
        assert ignores(guard_pid, signal.SIGINT)
        keeper.send_signal(signal.SIGINT)  # as a Ctrl-C in the terminal would: the guard stays
        assert not ended(keeper, 0.5)
        parent.kill()  # SIGKILL: the parent can stop nothing
        parent.wait()
        assert ended(child, 10) and ended(keeper, 10)
    finally:
        parent.kill()
        if child is not None and not ended(child, 0):
            child.kill()


def test_a_process_deaf_to_sigterm_is_killed_after_the_grace_period():
    deaf = subprocess.Popen(
        [sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(1, flush=True); time.sleep(600)"],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        deaf.stdout.readline()  # SIGTERM is ignored from here on
        started = time.monotonic()
        guard.end_all([guard._Watched(deaf.pid)], grace=0.5)
        assert deaf.wait(timeout=10) == -signal.SIGKILL
        assert time.monotonic() - started >= 0.5
    finally:
        deaf.kill()


def test_a_process_that_already_ended_is_not_signalled():
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    watched = guard._Watched(done.pid)  # taken while it runs, as the guard does
    done.wait()  # ended and reaped: its pid may now be anyone's
    assert not watched.alive() or watched.fd is None
    started = time.monotonic()
    guard.end_all([watched], grace=5)
    assert time.monotonic() - started < 1  # nothing was waited for
