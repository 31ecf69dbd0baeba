"""A process that dies with the one that started it: imports nothing heavy, so a fork server can ask first thing."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# Set by the flow's process for the tagging pool's fork server: the pid it must die with (flows/runners.py).
FORK_SERVER_PARENT = "NEWSETL_FORK_SERVER_PARENT"


def die_with_parent(parent: int | None = None) -> None:
    """Have the kernel kill this process when the process that started it dies (Linux; elsewhere a no-op).

    A flow process that is killed (SIGKILL, OOM killer) cannot shut its pool
    down: without this its workers would stay, idle and holding their models'
    memory, with the pool's resource tracker. `parent`: the pid this process
    was started by, when known; if it is no longer the parent, it died
    already, and this process exits at once.
    """
    if not sys.platform.startswith("linux"):
        return
    parent = parent or os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)
