"""Start-up: a run's first batches are small and spread over the workers; `newsetl run` starts its workers early."""

import pytest

from flows.runners import FIRST_BATCH_ARTICLES, first_batches_small


@pytest.mark.parametrize(
    ("first", "workers", "sizes"),
    [
        (50, 2, [8, 8, 16, 16, 2]),  # a scheduled increment: both workers busy at once, the first batch soon
        (200, 2, [8, 8, 16, 16, 32, 32, 64, 24]),
        (11, 2, [6, 5]),  # no worker gets more than its share
        (11, 1, [8, 3]),
        (3, 1, [3]),
        (1, 4, [1]),
    ],
)
def test_the_first_chunk_is_cut_into_batches_that_grow(first, workers, sizes):
    later = [["x"] * 5, ["y"] * 7]
    batches = list(first_batches_small([list(range(first)), *later], workers))
    assert [len(b) for b in batches[: len(sizes)]] == sizes
    assert [x for b in batches[: len(sizes)] for x in b] == list(range(first))  # in order, nothing lost
    assert batches[len(sizes) :] == later  # the other chunks pass as they come
    assert FIRST_BATCH_ARTICLES == 8


def test_no_chunks_give_no_batches():
    assert list(first_batches_small(iter([]), 2)) == []


@pytest.mark.e2e
def test_a_run_tags_on_the_pool_started_before_it(prefect_server, examples, tmp_path, run_settings, monkeypatch):
    from flows import runners
    from flows.etl import news_etl

    entered = []
    enter = runners.WarmProcessPoolTaskRunner.__enter__
    monkeypatch.setattr(
        runners.WarmProcessPoolTaskRunner, "__enter__", lambda self: entered.append(self) or enter(self)
    )
    with runners.started_early(1, None):
        (pool,) = entered
        workers = set(pool._executor._processes)  # started now, loading their models while the flow starts
        assert len(workers) == 1
        summary = news_etl(run_settings(tmp_path, [examples], workers=1))
        assert set(pool._executor._processes) == workers  # the same worker tagged every batch
    assert entered == [pool]  # the run started no pool of its own
    assert summary["n_loaded"] == 9
    assert runners.tagging_runner(1, None).__class__ is runners.WarmProcessPoolTaskRunner  # none left behind
