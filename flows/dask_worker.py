"""A Dask worker for newsetl's tagging: `dask worker tcp://SCHEDULER:8786 --preload flows.dask_worker`.

Dask imports this module in each worker process as it starts and calls `dask_setup`: the worker loads
natasha's models, the date grammar and the event lexicon then, once, and logs it; every batch it tags
later finds them loaded (`load_models()` keeps them for the process). Without the preload a worker
loads them at its first batch, which then waits several seconds longer.
"""

from __future__ import annotations

import logging
import os
import time

# A child of Dask's own logger: the line goes where the worker's log goes, formatted as its lines are.
logger = logging.getLogger("distributed.newsetl")


def dask_setup(worker) -> None:
    """Dask's preload hook: load what tagging needs, before the worker takes its first task."""
    from flows.runners import load_tagging_models

    started = time.perf_counter()
    load_tagging_models()
    logger.info(
        "newsetl: tagging models loaded in %.1f s (pid %d, worker %s)",
        time.perf_counter() - started,
        os.getpid(),
        worker.name,
    )
