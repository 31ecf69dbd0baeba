"""A pool worker started by the tagging runner does not outlive a killed flow process."""

import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]

# A parent that starts a pool worker with die_with_parent, prints the worker's pid and waits.
PARENT = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from flows.runners import die_with_parent
pool = ProcessPoolExecutor(max_workers=1, initializer=die_with_parent)
print(pool.submit(os.getpid).result(), flush=True)
time.sleep(600)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_pool_worker_dies_when_its_parent_is_killed():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        worker = psutil.Process(int(parent.stdout.readline()))
        assert worker.is_running()
        parent.kill()  # SIGKILL: the pool gets no chance to shut its workers down
        parent.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and worker.is_running() and worker.status() != psutil.STATUS_ZOMBIE:
            time.sleep(0.1)
        assert not worker.is_running() or worker.status() == psutil.STATUS_ZOMBIE
    finally:
        parent.kill()
