"""Where tagging runs: worker processes on this machine (the default) or an existing Dask cluster.

Tagging is the CPU-bound stage, so it is the one submitted to a task runner;
every other stage runs in the flow's process, and the loader stays the single
writer of the warehouse. Each worker loads natasha's models once and keeps
them for every batch it tags.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner

from transforms.entities import load_models


def machine_cores() -> int:
    """Cores this process may run on (the affinity mask, as a container or `taskset` sets it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def load_models_in_worker() -> None:
    """Process-pool initializer: load the models before the first batch arrives."""
    load_models()


def tagging_runner(workers: int | None, dask_address: str | None) -> TaskRunner:
    """A task runner for the tagging tasks; use it as a context manager around the run."""
    if dask_address:
        from prefect_dask import DaskTaskRunner  # imports dask.distributed, only when asked for

        # Dask workers are long-lived processes: load_models()'s cache keeps the models per worker.
        return DaskTaskRunner(address=dask_address)
    return ProcessPoolTaskRunner(max_workers=workers or machine_cores(), initializer=load_models_in_worker)


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
