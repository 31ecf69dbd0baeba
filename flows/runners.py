"""Where tagging runs: worker processes on this machine (the default) or an existing Dask cluster.

Tagging (entities, dates, events) is the CPU-bound work, so it is what is
submitted to a task runner; every other stage runs in the flow's process, and
the loader stays the single writer of the warehouse. Each worker loads
natasha's models once and keeps them for every batch it tags.
"""

from __future__ import annotations

import ctypes
import gc
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa
from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner
from threadpoolctl import threadpool_limits

from transforms.dates import load_parser
from transforms.entities import load_models
from transforms.events import load_event_tagger


def machine_cores() -> int:
    """Cores this process may run on (the affinity mask, as a container or `taskset` sets it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# A threshold for full collections that young collections never reach (the count is of middle-generation collections).
NEVER = 2**31 - 1


def die_with_parent() -> None:
    """Have the kernel kill this process when the process that started it dies (Linux; elsewhere a no-op).

    A flow process that is killed (SIGKILL, OOM killer) cannot shut its pool
    down: without this its workers would stay, idle and holding their models'
    memory, with the pool's resource tracker.
    """
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def release_free_memory() -> None:
    """Free what the last batch left (its reference cycles) and hand it back to the OS (Arrow's pool, glibc's heap).

    A batch leaves reference cycles (Prefect's states and futures, exceptions
    with their tracebacks), which Python's collector frees only at its rare
    full collections: without one per batch, the flow's memory climbed by 2 to
    5 MiB a batch between them. Both allocators keep freed memory for reuse,
    and a batch's working set varies with its texts, so without the release a
    long run's processes hold the peak of every batch they ever saw.
    """
    gc.collect()
    pa.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).malloc_trim(0)


def full_collections_between_batches() -> tuple[int, int, int]:
    """Leave full collections to `release_free_memory`, once per batch; return the collector's thresholds as they were.

    Python starts a full collection on its own whenever the objects that
    survived the young collections grow by a quarter: while models load, and in
    a worker two or three times a batch, each walking the batch's analysis and
    the caches of natasha, the date grammar and the event lexicon (0.15 to
    0.3 s each). Young collections still run as usual.
    """
    thresholds = gc.get_threshold()
    young, middle, _ = thresholds
    gc.set_threshold(young, middle, NEVER)
    return thresholds


def freeze_long_lived_objects() -> None:
    """Leave the objects that live as long as the process (modules, models) out of the collector's scans.

    Without this, each full collection would walk the hundreds of thousands of
    objects that Prefect, Great Expectations and the models are made of (0.36 s
    for 370,000). Call it when those are loaded and no batch is under way.
    """
    gc.collect()
    gc.freeze()


@contextmanager
def collecting_between_batches() -> Iterator[None]:
    """`full_collections_between_batches` for the length of a block (a run); after it, the thresholds as they
    were and nothing frozen.

    A process may run the flow again (tests, a program that embeds it): what a
    run leaves behind must not stay frozen, where no collection would free it,
    and the process's own code gets Python's full collections back.
    """
    thresholds = full_collections_between_batches()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def prepare_worker() -> None:
    """Process-pool initializer: die with the flow, one BLAS thread, the models loaded (and frozen) before the first batch.

    Each worker is one of `workers` processes sharing the cores: OpenBLAS's own
    threads (one per core by default) would only make them compete.
    """
    die_with_parent()
    full_collections_between_batches()  # for the worker's life, and none while the models load
    models = load_models()  # imports numpy, and with it OpenBLAS, whose threads can then be limited
    threadpool_limits(limits=1, user_api="blas")
    load_parser(models.morph_vocab)  # the date grammar
    load_event_tagger()  # the event lexicon's trigger forms
    import flows.tagging  # noqa: F401 (what the worker runs: imported now, so it is frozen too, not at the first batch)

    freeze_long_lived_objects()


class WarmProcessPoolTaskRunner(ProcessPoolTaskRunner):
    """A process pool whose workers all start, and load their models, as soon as it is entered.

    A plain pool starts a worker at a submission: the first batches would wait
    for a worker to load natasha (several seconds) while the flow, which has
    its own models to load, had nothing to hand them. Started up front, the
    workers load while the flow prepares, on the other cores.
    """

    def __enter__(self) -> WarmProcessPoolTaskRunner:
        super().__enter__()
        # Each submission finding no idle worker starts one: one no-op per worker starts them all.
        # (`_executor` and `_max_workers` are the pool's own attributes in the pinned Prefect.)
        for _ in range(self._max_workers):
            self._executor.submit(os.getpid)
        return self


def tagging_runner(workers: int | None, dask_address: str | None) -> TaskRunner:
    """A task runner for the tagging tasks; use it as a context manager around the run."""
    if dask_address:
        from prefect_dask import DaskTaskRunner  # imports dask.distributed, only when asked for

        # Dask workers are long-lived processes: load_models()'s cache keeps the models per worker.
        return DaskTaskRunner(address=dask_address)
    return WarmProcessPoolTaskRunner(max_workers=workers or machine_cores(), initializer=prepare_worker)


@contextmanager
def workers_report_to_this_server() -> Iterator[None]:
    """Make worker processes report to the server this flow uses.

    With no PREFECT_API_URL a run uses Prefect's temporary server, which is
    private to its process: a worker would start one of its own and its task
    runs would not show with the flow's. So the temporary server's address is
    set for the workers while they run.
    """
    if get_current_settings().api.url:
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer  # the temporary server (one per process)

    with temporary_settings(updates={PREFECT_API_URL: SubprocessASGIServer().api_url}):
        yield
