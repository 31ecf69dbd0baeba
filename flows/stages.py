"""What makes a function one stage of the pipeline: a Prefect task over a whole batch, named after
the stage, timed, and failing with a message that names the stage and the cause.

Kept apart from the tasks themselves so that a tagging worker imports only what
tagging needs (see flows/tagging.py).
"""

from __future__ import annotations

import errno
import functools
import os
import socket
import time
import urllib.error
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import httpx
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import MissingContextError

from transforms.quarantine import preview

# Tasks never cache: their inputs are Arrow tables and connections, which are
# costly or impossible to hash, and a batch is never worth recomputing from cache.
BATCH_TASK = {"cache_policy": NO_CACHE, "persist_result": False}

# Characters of a failed stage's cause kept in its message: it becomes the task run's state message, the run's
# error and a log line, all sent to the Prefect server, and an exception may quote a whole record.
CAUSE_CHARS = 2_000

# Seconds spent per stage in the current run; the flow sets a Counter here and stores it in `runs.stage_seconds`.
STAGE_SECONDS: ContextVar[Counter | None] = ContextVar("stage_seconds", default=None)


@contextmanager
def stage_timer(stage: str):
    """Add the wall time of the block to the run's STAGE_SECONDS under `stage` (no-op outside a run)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds = STAGE_SECONDS.get()
        if seconds is not None:
            seconds[stage] += time.perf_counter() - started


@contextmanager
def stage_seconds_here():
    """Collect the seconds of the stages run inside the block in a Counter of their own (yielded)."""
    seconds: Counter = Counter()
    token = STAGE_SECONDS.set(seconds)
    try:
        yield seconds
    finally:
        STAGE_SECONDS.reset(token)


class StageFailed(RuntimeError):
    """A stage raised: the run fails with a message naming the stage and the cause."""

    def __init__(self, stage: str, cause: str, transient: bool = False):
        super().__init__(f"stage {stage} failed: {cause}")
        self.stage = stage
        self.cause = cause
        self.transient = transient

    def __reduce__(self):  # crosses process boundaries (worker processes, Dask)
        return (StageFailed, (self.stage, self.cause, self.transient))


def is_transient(exc: BaseException) -> bool:
    """Whether an error may go away on a second try (the network), unlike a parse failure."""
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code >= 500 or exc.code == 429
    return isinstance(
        exc, (ConnectionError, TimeoutError, socket.gaierror, urllib.error.URLError, httpx.TransportError)
    )


# Errors that say a filesystem is full, by errno and, for libraries that keep only the message (DuckDB), by the text.
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
DISK_FULL_TEXT = os.strerror(errno.ENOSPC)


def raised_with(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, the error it was raised from or while handling, that one's, and so on."""
    seen: set[int] = set()
    error: BaseException | None = exc
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def cause_of(exc: BaseException) -> str:
    """What a stage failed of: a full disk said plainly (with the file being written), else the error itself."""
    for error in raised_with(exc):
        if (isinstance(error, OSError) and error.errno in DISK_FULL) or DISK_FULL_TEXT in str(error):
            where = f" while writing {error.filename}" if getattr(error, "filename", None) else ""
            return preview(f"the disk is full ({DISK_FULL_TEXT.lower()}{where}): free space and run again", CAUSE_CHARS)
    return preview(f"{type(exc).__name__}: {exc}", CAUSE_CHARS)


def retry_on_transient(task, task_run, state) -> bool:
    """Prefect retry condition: retry network errors, never deterministic failures."""
    try:
        state.result()
    except StageFailed as exc:
        return exc.transient
    except Exception as exc:
        return is_transient(exc)
    return False


def batch_task(stage: str, **options):
    """A Prefect task over one batch, named after its stage.

    Any error leaves as StageFailed naming the stage and the cause (so a failed
    stage fails the run with that message, and BatchInvalid from validation
    keeps its own message inside it); one log line says how long the stage took
    on the batch, and the time is added to the run's `stage_seconds`.
    """

    def decorate(fn):
        @functools.wraps(fn)
        def run_stage(*args, **kwargs):
            started = time.perf_counter()
            with stage_timer(stage):
                try:
                    result = fn(*args, **kwargs)
                except StageFailed:
                    raise
                except Exception as exc:
                    raise StageFailed(stage, cause_of(exc), is_transient(exc)) from exc
            try:
                get_run_logger().info("%s: done in %.2f s", stage, time.perf_counter() - started)
            except MissingContextError:  # called as a plain function (`task.fn`, tests): nothing to log to
                pass
            return result

        return task(name=stage, **BATCH_TASK, **options)(run_stage)

    return decorate
