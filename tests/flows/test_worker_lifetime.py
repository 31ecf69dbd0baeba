"""The tagging runner's pool workers: all started up front, and none outliving a killed flow process."""

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


def test_every_worker_starts_when_the_pool_is_entered_not_at_a_submission():
    import multiprocessing

    from flows.runners import WarmProcessPoolTaskRunner

    with WarmProcessPoolTaskRunner(max_workers=2) as runner:
        workers = multiprocessing.active_children()  # before any task is submitted
        assert sorted(worker.pid for worker in workers) == sorted(runner._executor._processes)
        assert len(workers) == 2
