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


def test_a_worker_freezes_its_models_and_leaves_full_collections_to_the_batches():
    import gc

    from flows.memory import NEVER
    from flows.runners import WarmProcessPoolTaskRunner, prepare_worker

    with WarmProcessPoolTaskRunner(max_workers=1, initializer=prepare_worker) as runner:
        assert (
            runner._executor.submit(gc.get_threshold).result()[2] == NEVER
        )  # only release_free_memory's, once a batch
        assert runner._executor.submit(gc.get_freeze_count).result() > 100_000  # the models, natasha's and ours


# What a worker unpickles with each task: the task, and (in Prefect's context) the flow, with whatever they import.
PICKLE_TASK_AND_FLOW = """
import sys, cloudpickle
from flows.etl import news_etl
from flows.replay import quarantine_replay
from flows.tagging import tag_batch
sys.stdout.buffer.write(cloudpickle.dumps((tag_batch, news_etl, quarantine_replay)))
"""
UNPICKLE = """
import sys, cloudpickle
cloudpickle.loads(sys.stdin.buffer.read())
flow_stages = ("great_expectations", "duckdb", "datasketch", "trafilatura", "lingua", "feedparser", "flows.tasks")
print(" ".join(name for name in flow_stages if name in sys.modules))
"""


def test_a_worker_imports_neither_the_flows_stages_nor_their_libraries():
    payload = subprocess.run(
        [sys.executable, "-c", PICKLE_TASK_AND_FLOW], cwd=ROOT, capture_output=True, check=True
    ).stdout
    imported = subprocess.run(
        [sys.executable, "-c", UNPICKLE], cwd=ROOT, input=payload, capture_output=True, check=True
    )
    assert imported.stdout.decode().split() == []  # else each worker carries them: about 90 MiB
