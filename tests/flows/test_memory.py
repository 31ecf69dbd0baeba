"""What a long run relies on to keep its memory: cycles freed after each batch, long-lived objects left unscanned."""

import gc
import weakref

import pytest

from flows.memory import collecting_between_batches, freeze_long_lived_objects, release_free_memory


class Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the collector frees it


@pytest.fixture
def collector_off():
    """No automatic collection during the test (it would free cycles on its own), the collector as it was after it."""
    thresholds = gc.get_threshold()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        gc.enable()


def test_release_free_memory_frees_a_batchs_reference_cycles(collector_off):
    node = Node()
    left = weakref.ref(node)
    del node
    assert left() is not None  # garbage, but not freed yet
    release_free_memory()
    assert left() is None


def test_long_lived_objects_are_frozen_and_cycles_made_later_still_freed(collector_off):
    kept = Node()
    freeze_long_lived_objects()
    assert gc.get_freeze_count() > 0
    assert all(obj is not kept for obj in gc.get_objects())  # frozen: full collections no longer walk it
    later = Node()
    left = weakref.ref(later)
    del later
    release_free_memory()
    assert left() is None


def test_objects_frozen_for_a_run_are_back_in_the_scans_after_it(collector_off):
    kept = Node()
    left = weakref.ref(kept)
    with collecting_between_batches():
        freeze_long_lived_objects()
        assert gc.get_freeze_count() > 0
        del kept  # garbage now, but frozen: no collection frees it during the run
        release_free_memory()
        assert left() is not None
    assert gc.get_freeze_count() == 0
    release_free_memory()
    assert left() is None


def test_full_collections_wait_for_the_batch_end_and_come_back_after_the_run(collector_off):
    young, middle, full = gc.get_threshold()
    with collecting_between_batches():
        assert gc.get_threshold()[:2] == (young, middle)  # young collections as usual
        assert gc.get_threshold()[2] > 10**9  # no full collection on its own during the run
    assert gc.get_threshold() == (young, middle, full)
