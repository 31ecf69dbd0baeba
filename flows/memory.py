"""Memory over a long run: what a batch leaves is freed after it, and what lives as long as the process is frozen.

Used by the flow's process (flows/tasks.py) and by the tagging workers (flows/runners.py, flows/tagging.py).
"""

from __future__ import annotations

import ctypes
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa

# A threshold for full collections that young collections never reach (the count is of middle-generation collections).
NEVER = 2**31 - 1


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
