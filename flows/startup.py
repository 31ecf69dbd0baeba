"""What a run starts before its flow, each on a core of its own: the tagging workers' fork server, Prefect's server.

Started one after the other, a run's start-up took most of a small run: the
temporary server (its imports and database, seconds), then the workers'
models, then the flow's own (Great Expectations, lingua, navec), while the
other core idled. Started first, the two servers load while the flow's
process imports and loads its own. This module imports only the standard
library: it is what a run does before anything heavy.
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import multiprocessing
import multiprocessing.forkserver
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows import guard
from flows.lifetime import FORK_SERVER_PARENT


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
    os.environ[FORK_SERVER_PARENT] = str(os.getpid())  # the fork server is started from here, with this environment
    return context


def start_loading_tagging_models(dask_address: str | None) -> None:
    """Start the workers' fork server now, without waiting for it: it loads the tagging models on another core
    while this process prepares the run, and the pool's workers, forked from it later, start at once.

    The fork server keeps the environment it starts with, and so do the workers
    forked from it: set what they must see (Prefect's logging) before. Does
    nothing for a Dask cluster (its workers load their own) or without a fork
    server; a fork server already running is kept.
    """
    if dask_address:
        return
    if worker_start_context().get_start_method() == "forkserver":
        multiprocessing.forkserver.ensure_running()


# What Prefect sets for its own temporary server (`SubprocessASGIServer`, pinned Prefect): no UI, ephemeral mode.
SERVER_ENVIRONMENT = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
SERVER_STOP_SECONDS = 5.0  # as Prefect's: then it is killed
API_URL = "PREFECT_API_URL"


class TemporaryServer:
    """Prefect's temporary server for one run, started by the run at once instead of by Prefect at its first call.

    The command is the one Prefect runs for it (uvicorn serving the server's
    app on 127.0.0.1, on a free port, in ephemeral mode); its database is the
    one Prefect's settings name, as for Prefect's own. Started here, it starts
    while the run prepares, and the run's process never imports the server's
    code (seconds). The guard (flows/guard.py) ends it if this process is
    killed.
    """

    def __init__(self, environment: dict[str, str]) -> None:
        self.port = free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        prefect_dir = Path(importlib.util.find_spec("prefect").origin).parent
        command = [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect_dir.parent), "--factory",
                   "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
                   "--log-level", "error", "--lifespan", "on"]  # fmt: skip
        self.process = subprocess.Popen(command, env={**os.environ, **environment, **SERVER_ENVIRONMENT})
        guard.watch(self.process.pid)

    def wait_until_ready(self, timeout: float) -> None:
        """Return once the server answers its health check; raise RuntimeError if it exits or times out first."""
        import httpx

        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=5.0) as client:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"Prefect's temporary server on port {self.port} exited with code {self.process.returncode}"
                    )
                try:
                    if client.get(f"{self.api_url}/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Prefect's temporary server did not answer within {timeout:.0f} s")
                time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=SERVER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def temporary_server_started() -> Iterator[TemporaryServer | None]:
    """Start Prefect's temporary server now if the run would use one (no PREFECT_API_URL); it stops at exit.

    Yields the server (None when the run has one to report to); before the
    flow runs, `server_in_use` waits for it and points Prefect at it.
    """
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        yield None
        return
    server = TemporaryServer(settings.to_environment_variables(exclude_unset=True))
    # Stopped at exit, as Prefect stops its own: after Prefect's log and event workers, registered later, have sent
    # what they still hold (stopped before, they would try the gone server for minutes).
    atexit.register(server.stop)
    yield server


@contextmanager
def server_in_use(server: TemporaryServer | None) -> Iterator[None]:
    """Wait until `server` answers, and have Prefect report to it meanwhile: this process's every thread (its
    process-wide settings, refreshed from the environment as Prefect's own plugins have it) and the workers."""
    if server is None:
        yield
        return
    from prefect.context import refresh_global_settings_context
    from prefect.settings import get_current_settings

    server.wait_until_ready(get_current_settings().server.ephemeral.startup_timeout_seconds)
    previous = os.environ.get(API_URL)
    os.environ[API_URL] = server.api_url
    refresh_global_settings_context()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(API_URL, None)
        else:
            os.environ[API_URL] = previous
        refresh_global_settings_context()
