"""Where tagging runs: worker processes on this machine (the default) or an existing Dask cluster.

Tagging (entities, dates, events) is the CPU-bound work, so it is what is
submitted to a task runner; every other stage runs in the flow's process, and
the loader stays the single writer of the warehouse. Each worker loads
natasha's models once and keeps them for every batch it tags.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import httpx
from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner
from threadpoolctl import threadpool_limits

import flows.tagging  # noqa: F401 (what a worker runs: imported before its models are frozen, so it is frozen too)
from flows import guard
from flows.lifetime import die_with_parent
from flows.memory import freeze_long_lived_objects, full_collections_between_batches
from flows.startup import worker_start_context
from transforms.dates import load_parser
from transforms.events import load_event_tagger
from transforms.models import load_models


def machine_cores() -> int:
    """Cores this process may run on (the affinity mask, as a container or `taskset` sets it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


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


def tagging_runner(workers: int | None, dask_address: str | None) -> TaskRunner:
    """A task runner for the tagging tasks; use it as a context manager around the run."""
    if dask_address:
        from prefect_dask import DaskTaskRunner  # imports dask.distributed, only when asked for

        # Dask workers are long-lived processes: load_models()'s cache keeps the models per worker
        # (started with `--preload flows.dask_worker`, they load them before the first batch).
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

    temporary_server_dies_with_this_process()  # a flow started from Python: Prefect started the server
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
    """Have the temporary server Prefect started for this process end with it, even by SIGKILL (flows/guard.py).

    A flow started from Python (not `newsetl run`, which starts the server
    itself: flows/startup.py) lets Prefect start the server at its first call
    to the API when no PREFECT_API_URL is set (`SubprocessASGIServer`, one per
    process), which never stops it if this process is killed; called once it
    runs, this hands it to the guard. Where the pinned Prefect's internals are
    not as expected, it does nothing.
    """
    from prefect.server.api.server import SubprocessASGIServer

    instances = getattr(SubprocessASGIServer, "_instances", None)
    server = instances.get(None) if isinstance(instances, dict) else None
    if getattr(server, "server_process", None) is not None:
        guard.watch(server.server_process.pid)
