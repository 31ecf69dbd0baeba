"""Tagging on worker processes and on a Dask cluster gives the same tables (entities, dates, events) as a single process."""

import duckdb
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]  # about a minute and a half: `make test-slow` (and .ci/run) runs them

# Every column but the ones that name the run (run_id, quarantined_at differ between runs by design).
TABLES = {
    "articles": "article_id, source, url, title, published_at, language, text, content_hash",
    "mentions": "article_id, start, stop, sentence, type, text, normal, entity_id",
    "entities": "entity_id, type, name",
    "quarantine": "quarantine_id, stage, source, record_key, reason, payload",
    "date_mentions": "article_id, start, stop, text, value, precision",
    "events": "event_id, article_id, type, cameo_code, trigger, start, stop, sentence, modality, event_date, date_precision, place_entity_id",
    "event_participants": "event_id, article_id, entity_id, role",
}


def tables(db_path):
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {
            name: sorted(con.execute(f"SELECT {columns} FROM {name}").fetchall(), key=repr)  # noqa: S608 (fixed names)
            for name, columns in TABLES.items()
        }
    finally:
        con.close()


def run(run_settings, examples, directory, **options):
    from flows.etl import news_etl

    summary = news_etl(
        run_settings(directory, [examples], batch_size=3, **options)
    )  # several batches in flight at once
    return summary, tables(directory / "w.duckdb")


@pytest.fixture(scope="module")
def single_process(prefect_server, tmp_path_factory, run_settings):
    import shutil

    from flows.settings import EXAMPLES_DIR

    tmp_path = tmp_path_factory.mktemp("single")
    shutil.copytree(EXAMPLES_DIR, tmp_path / "articles")
    return run(run_settings, tmp_path / "articles", tmp_path, workers=1)


def test_two_worker_processes_give_the_same_tables(single_process, examples, tmp_path, run_settings):
    summary, found = run(run_settings, examples, tmp_path, workers=2)
    assert (summary["n_read"], summary["n_loaded"], summary["n_duplicates"], summary["n_quarantined"]) == (11, 9, 1, 1)
    # record keys name the file the record came from, which differs between the two copies
    assert {k: v for k, v in found.items() if k != "quarantine"} == {
        k: v for k, v in single_process[1].items() if k != "quarantine"
    }
    assert len(found["mentions"]) > 50
    assert len(found["events"]) > 10 and len(found["event_participants"]) > 0 and len(found["date_mentions"]) > 0


def test_a_dask_cluster_gives_the_same_tables(single_process, examples, tmp_path, run_settings):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary, found = run(run_settings, examples, tmp_path, dask_address=cluster.scheduler_address, workers=2)
    assert summary["n_loaded"] == 9
    assert {k: v for k, v in found.items() if k != "quarantine"} == {
        k: v for k, v in single_process[1].items() if k != "quarantine"
    }
    assert [row[1:3] for row in found["quarantine"]] == [row[1:3] for row in single_process[1]["quarantine"]]
