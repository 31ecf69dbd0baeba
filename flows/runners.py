"""Where tagging runs: worker processes on this machine (the default) or an existing Dask cluster.

Tagging (entities, dates, events) is the CPU-bound work, so it is what is
submitted to a task runner; every other stage runs in the flow's process, and
the loader stays the single writer of the warehouse. Each worker loads
natasha's models once and keeps them for every batch it tags.
"""

from __future__ import annotations

import ctypes
import functools
import math
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from unittest import mock

import httpx
from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner
from threadpoolctl import threadpool_limits

import flows.tagging  # noqa: F401 (what a worker runs: imported before its models are frozen, so it is frozen too)
from flows import guard
from flows.memory import freeze_long_lived_objects, full_collections_between_batches
from transforms.dates import load_parser
from transforms.events import load_event_tagger
from transforms.models import load_models


def machine_cores() -> int:
    """Cores this process may run on (the affinity mask, as a container or `taskset` sets it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


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


def prepare_worker() -> None:
    """Process-pool initializer: die with the flow (or the fork server, which dies with it), one BLAS thread, the
    models loaded (and frozen) before the first batch.

    Each worker is one of `workers` processes sharing the cores: OpenBLAS's own
    threads (one per core by default) would only make them compete.
    """
    die_with_parent()
    load_tagging_models()


def load_tagging_models() -> None:
    """What a process that tags loads once, before its first batch: natasha's models, the date grammar, the
    event lexicon; one BLAS thread; the models frozen out of the collector's way (a pool worker, a Dask worker)."""
    full_collections_between_batches()  # for the worker's life, and none while the models load
    models = load_models()  # imports numpy, and with it OpenBLAS, whose threads can then be limited
    threadpool_limits(limits=1, user_api="blas")
    load_parser(models.morph_vocab)  # the date grammar
    load_event_tagger()  # the event lexicon's trigger forms
    freeze_long_lived_objects()


@functools.cache
def worker_start_context() -> multiprocessing.context.BaseContext:
    """How tagging workers start: forked from a fork server that loaded the models once (flows/tagging_zygote.py).

    Prefect's pool spawns each worker afresh: every one imports Prefect and
    loads natasha itself, and holds its own copy. Forked from one process that
    has them, they share those pages (copy-on-write) and start at once. The
    fork server is a process of its own, single-threaded (forking the flow's
    process, which runs Prefect's threads, would not be safe); it ends when
    this process does, and the workers with it (`die_with_parent`). Where
    there is no fork server (not POSIX), workers are spawned as before.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["flows.tagging_zygote"])
    return context


class WarmProcessPoolTaskRunner(ProcessPoolTaskRunner):
    """A process pool whose workers all start, and load their models, as soon as it is entered.

    A plain pool starts a worker at a submission: the first batches would wait
    for a worker to load natasha (several seconds) while the flow, which has
    its own models to load, had nothing to hand them. Started up front, the
    workers load while the flow prepares, on the other cores. They start from
    `worker_start_context()`.
    """

    def __enter__(self) -> WarmProcessPoolTaskRunner:
        # The pinned Prefect's pool asks multiprocessing for its "spawn" context in `__enter__`, and nowhere else.
        context = worker_start_context()
        with mock.patch.object(multiprocessing, "get_context", lambda method=None: context):
            super().__enter__()
        # Each submission finding no idle worker starts one: one no-op per worker starts them all.
        # (`_executor` and `_max_workers` are the pool's own attributes in the pinned Prefect.)
        for _ in range(self._max_workers):
            self._executor.submit(os.getpid)
        return self


# The pool `started_early` started, by its number of workers: the run's `tagging_runner` hands it out.
_STARTED_EARLY: dict[int, WarmProcessPoolTaskRunner] = {}


@contextmanager
def started_early(workers: int | None, dask_address: str | None) -> Iterator[None]:
    """Start the tagging pool now, before the flow: its workers load their models while Prefect (and its
    temporary server) start, instead of after. The run in the block tags on it; it ends with the block.

    Workers are started before the server exists: each task takes the run's settings (the server's
    address included) with it when it is submitted, so they report where the flow does.
    """
    if dask_address:  # a Dask cluster's workers are already up
        yield
        return
    n_workers = workers or machine_cores()
    with WarmProcessPoolTaskRunner(max_workers=n_workers, initializer=prepare_worker) as runner:
        _STARTED_EARLY[n_workers] = runner
        try:
            yield
        finally:
            del _STARTED_EARLY[n_workers]


def tagging_runner(workers: int | None, dask_address: str | None) -> TaskRunner:
    """A task runner for the tagging tasks; use it as a context manager around the run."""
    early = None if dask_address else _STARTED_EARLY.get(workers or machine_cores())
    if early is not None:
        return nullcontext(early)  # started (and ended) by `started_early` around the run
    if dask_address:
        from prefect_dask import DaskTaskRunner  # imports dask.distributed, only when asked for

        # Dask workers are long-lived processes: load_models()'s cache keeps the models per worker
        # (started with `--preload flows.dask_worker`, they load them before the first batch).
        return DaskTaskRunner(address=dask_address)
    return WarmProcessPoolTaskRunner(max_workers=workers or machine_cores(), initializer=prepare_worker)


# The first batches of a run are small: every worker gets one at once, and the first is tagged within
# seconds (a full batch of 200 articles takes a worker half a minute or more). Sizes double from this one.
FIRST_BATCH_ARTICLES = 8


def first_batches_small(chunks: Iterable[list], workers: int) -> Iterator[list]:
    """The chunks, the first one cut into batches whose size doubles from 8 articles, one of each size per
    worker, none over a worker's share of the chunk (2 workers: 50 articles as 8, 8, 16, 16, 2; 200 as
    8, 8, 16, 16, 32, 32, 64, 24; 11 as 6, 5). A small run (a scheduled increment) is spread over every
    worker, and a large one has its first batch tagged within seconds. The other chunks pass as they
    come. Cutting a chunk changes no result: batches in flight dedupe against each other.
    """
    chunks = iter(chunks)
    first = next(chunks, None)
    if first is None:
        return
    share = math.ceil(len(first) / workers)
    start, size = 0, FIRST_BATCH_ARTICLES
    while start < len(first):
        for _ in range(workers):
            piece = first[start : start + min(size, share)]
            if piece:
                yield piece
            start += len(piece)
        size *= 2
    yield from chunks


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

    temporary_server_dies_with_this_process()  # if nothing did it before the flow started
    with temporary_settings(updates={PREFECT_API_URL: SubprocessASGIServer().api_url}):
        yield


class PrefectServerGone(RuntimeError):
    """The Prefect server the run reports to stopped answering: the run ends between two batches."""


# Seconds the server has to answer a health check between two batches (it answers in milliseconds when up).
SERVER_CHECK_SECONDS = 10.0


def check_server_answers() -> None:
    """Raise PrefectServerGone if the run's Prefect server cannot be reached (or fails with a 5xx).

    Without this a run whose server died goes on loading, then waits minutes in
    Prefect's client retries (about a minute per call) before failing with a
    connection error that does not say which server. Called before each batch
    is validated and loaded, so the run ends between two whole batches.
    """
    url = get_current_settings().api.url
    if not url:
        return
    try:
        answer = httpx.get(f"{url.rstrip('/')}/health", timeout=SERVER_CHECK_SECONDS)
    except httpx.TransportError as exc:
        problem = f"{type(exc).__name__}: {exc}"
    else:
        if answer.status_code < 500:  # 2xx, or a 4xx of a server that needs a key for this: it answers
            return
        problem = f"HTTP {answer.status_code}"
    raise PrefectServerGone(
        f"the Prefect server at {url} stopped answering ({problem}); "
        "the batches loaded before stay loaded, run again once it is back"
    )


def temporary_server_dies_with_this_process() -> None:
    """Have Prefect's temporary server end when this process dies, even by SIGKILL (see flows/guard.py).

    Prefect starts the server on its first call to the API when no
    PREFECT_API_URL is set (`SubprocessASGIServer`, one per process) and never
    stops it if this process is killed. Called before that, this puts in the
    place of that one server an instance of a subclass that hands each server
    process it starts to the guard at once (Prefect's own test harness uses the
    same place, `SubprocessASGIServer._instances[None]`). Called once the server
    runs, it hands it to the guard. Where the pinned Prefect's internals are not
    as expected, it does nothing.
    """
    from prefect.server.api.server import SubprocessASGIServer

    instances = getattr(SubprocessASGIServer, "_instances", None)
    if not isinstance(instances, dict) or not hasattr(SubprocessASGIServer, "_run_uvicorn_command"):
        return
    server = instances.get(None)
    if server is None:
        _guarded_server_class()()  # registers itself as the server Prefect's `SubprocessASGIServer()` returns
    elif getattr(server, "server_process", None) is not None:
        guard.watch(server.server_process.pid)


@functools.cache
def _guarded_server_class() -> type:
    from prefect.server.api.server import SubprocessASGIServer

    class GuardedSubprocessASGIServer(SubprocessASGIServer):
        """Prefect's temporary server, each of whose processes the guard ends with this process."""

        def _run_uvicorn_command(self):
            process = super()._run_uvicorn_command()
            guard.watch(process.pid)
            return process

    return GuardedSubprocessASGIServer
