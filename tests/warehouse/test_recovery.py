"""Lake and warehouse after crashes: reconcile, rebuild from the lake, compaction."""

from collections import Counter
from datetime import UTC, date, datetime

import pyarrow as pa
import pytest

from flows import tasks
from transforms.quarantine import quarantine_row, quarantine_table
from transforms.schemas import ARTICLE_BATCH_SCHEMA, ENTITIES_SCHEMA, MENTIONS_SCHEMA
from warehouse import db, lake, recovery
from warehouse.batches import BatchTables


def article(article_id, text, day=14):
    return {
        "article_id": article_id, "source": "test", "url": f"https://example.test/{article_id}", "title": f"Статья {article_id}",
        "published_at": datetime(2026, 1, day, 9, tzinfo=UTC) if day else None, "published_date": date(2026, 1, day) if day else None,
        "language": "ru", "text": text, "content_hash": f"{article_id}:{len(text)}", "raw_text": text, "published_raw": "2026-01-14",
    }  # fmt: skip


def mention(article_id, start, stop, text, entity="e1"):
    return {
        "article_id": article_id,
        "start": start,
        "stop": stop,
        "sentence": 0,
        "type": "PER",
        "text": text,
        "normal": text,
        "entity_id": entity,
    }


def batch_tables(articles, mentions, entities, quarantine=()):
    return {
        "articles": pa.Table.from_pylist(articles, schema=ARTICLE_BATCH_SCHEMA),
        "mentions": pa.Table.from_pylist(mentions, schema=MENTIONS_SCHEMA),
        "entities": pa.Table.from_pylist(
            [{"entity_id": e, "type": "PER", "name": e.upper()} for e in entities], schema=ENTITIES_SCHEMA
        ),
        "quarantine": quarantine_table(list(quarantine)),
    }


BAD = quarantine_row("normalize", "files", "x.txt", "x.txt: bad date", "payload")
BATCHES = [
    (
        "r1",
        1,
        batch_tables(
            [article("a1", "Путин в Москве."), article("a2", "Без даты.", day=None)],
            [mention("a1", 0, 5, "Путин")],
            ["e1"],
            [BAD],
        ),
    ),
    ("r1", 2, batch_tables([article("a3", "Кушнер.", day=15)], [mention("a3", 0, 6, "Кушнер", "e2")], ["e2"])),
    # a later run changes a1 (its row and mentions are replaced), meets e1 again and the same bad file
    (
        "r2",
        1,
        batch_tables(
            [article("a1", "Путин и Кушнер.")],
            [mention("a1", 0, 5, "Путин"), mention("a1", 8, 14, "Кушнер", "e2")],
            ["e1", "e2"],
            [BAD],
        ),
    ),
]


def load_all(warehouse, lake_root, batches=BATCHES):
    for run_id, batch_no, tables in batches:
        tasks.load.fn(
            warehouse,
            lake_root,
            run_id,
            batch_no,
            Counter(n_read=tables["articles"].num_rows),
            BatchTables.of(**tables),
        )
    with warehouse.connection() as con:
        db.link_entities(con)  # as a run does once it has loaded its batches


def checksums(path):
    con = db.connect(path, read_only=True)
    try:
        return db.table_checksums(con)
    finally:
        con.close()


@pytest.fixture
def warehouse(tmp_path):
    target = db.Warehouse(str(tmp_path / "w.duckdb"))
    with target.connection() as con:
        db.upgrade(con)
        for run_id in ("r1", "r2"):
            db.start_run(con, run_id, "news_etl", {}, "test")
    return target


def test_rebuild_gives_identical_tables(warehouse, tmp_path):
    lake_root = str(tmp_path / "lake")
    load_all(warehouse, lake_root)
    with warehouse.connection() as con:
        db.finish_run(con, "r1", "completed", {"n_read": 3}, stage_seconds={"load": 0.5})
        recovery.write_run(con, lake_root, "r1")
        db.finish_run(con, "r2", "completed", {"n_read": 1})
        recovery.write_run(con, lake_root, "r2")
        assert con.execute("SELECT text FROM articles WHERE article_id = 'a1'").fetchone() == ("Путин и Кушнер.",)
        assert con.execute("SELECT run_id FROM quarantine").fetchall() == [("r1",)]
        state = {
            "source": "files",
            "key": "/in/x.txt",
            "size": 3,
            "mtime": 1.5,
            "content_hash": "h",
            "etag": None,
            "last_modified": None,
        }
        db.save_source_state(con, "r2", [state])
    before = checksums(warehouse.path)
    assert before["source_state"][0] == 1  # not in the lake: kept from the old file
    assert set(before) >= {"articles", "mentions", "entities", "quarantine", "runs", "batches"}
    assert before["articles"][0] == 3 and before["mentions"][0] == 3 and before["batches"][0] == 3

    result = recovery.rebuild(warehouse.path, lake_root, lock_timeout=5)
    assert result["batches"] == 3
    assert checksums(warehouse.path) == before == result["checksums"]

    # again after compaction, and without the old file at all (then only the reading state is gone)
    files = lake.compact(lake_root)
    assert files["files_after"] < files["files_before"]
    recovery.rebuild(warehouse.path, lake_root, lock_timeout=5)
    assert checksums(warehouse.path) == before
    (tmp_path / "w.duckdb").unlink()
    recovery.rebuild(warehouse.path, lake_root, lock_timeout=5)
    after = checksums(warehouse.path)
    assert after.pop("source_state")[0] == 0
    assert after == {k: v for k, v in before.items() if k != "source_state"}


def test_a_change_in_one_row_changes_the_checksums(warehouse, tmp_path):
    load_all(warehouse, str(tmp_path / "lake"))
    before = checksums(warehouse.path)
    with warehouse.connection() as con:
        con.execute("UPDATE mentions SET stop = stop + 1 WHERE article_id = 'a3'")
    after = checksums(warehouse.path)
    assert after["mentions"] != before["mentions"] and after["articles"] == before["articles"]


def test_reconcile_after_a_crash_between_lake_and_warehouse(warehouse, tmp_path):
    lake_root = str(tmp_path / "lake")
    load_all(warehouse, lake_root, BATCHES[:1])
    # killed after writing batch 2 to the lake, before DuckDB committed it
    run_id, batch_no, tables = BATCHES[1]
    orphan = db.Batch.now(run_id, batch_no, {"n_read": 1})
    lake.write_batch(lake_root, orphan, BatchTables.of(**tables))
    # killed after DuckDB committed batch 3, before its manifest reached the lake
    run_id, batch_no, tables = BATCHES[2]
    committed = db.Batch.now(run_id, batch_no, {"n_read": 1, "n_loaded": 1})
    lake.write_batch(lake_root, committed, BatchTables.of(**tables))
    with warehouse.connection() as con:
        db.load_batch(con, committed, BatchTables.of(**tables))
    (tmp_path / "lake" / "articles" / ".tmp-leftover.parquet").write_bytes(b"half a file")

    with warehouse.connection() as con:
        repaired = recovery.reconcile(con, lake_root)
        assert repaired["closed_runs"] == ["r1", "r2"]
        assert repaired["manifests_written"] == [committed.key]
        assert {p.rsplit("/", 1)[-1] for p in repaired["removed_files"]} == {
            f"{orphan.key}.parquet",
            ".tmp-leftover.parquet",
        }
        status = con.execute("SELECT run_id, status, n_read, n_loaded FROM runs ORDER BY run_id").fetchall()
        assert status == [("r1", "interrupted", 2, 0), ("r2", "interrupted", 1, 1)]
        assert recovery.reconcile(con, lake_root) == {
            "closed_runs": [],
            "removed_files": [],
            "manifests_written": [],
            "runs_synced": [],
        }
    before = checksums(warehouse.path)
    recovery.rebuild(warehouse.path, lake_root, lock_timeout=5)
    assert checksums(warehouse.path) == before


def test_the_lake_may_be_an_fsspec_url(warehouse):
    lake_root = "memory://newsetl-test/lake"
    load_all(warehouse, lake_root)
    articles = lake.read_table(lake_root, "articles")
    assert sorted(articles.column("article_id").to_pylist()) == ["a1", "a1", "a2", "a3"]  # a1 as loaded twice
    assert set(articles.column("published_date").to_pylist()) == {date(2026, 1, 14), date(2026, 1, 15), None}
    assert len(lake.manifest_keys(lake_root)) == 3
    before = checksums(warehouse.path)
    recovery.rebuild(warehouse.path, lake_root, lock_timeout=5)
    after = checksums(warehouse.path)
    assert {k: v for k, v in after.items() if k != "runs"} == {k: v for k, v in before.items() if k != "runs"}


def test_rebuild_makes_the_band_hashes_again_for_the_old_files_banding(warehouse, tmp_path):
    from transforms.schemas import ARTICLE_SIGNATURES_SCHEMA

    lake_root = str(tmp_path / "lake")
    tables = batch_tables([article("a1", "Путин в Москве."), article("a2", "Кушнер.")], [], [])
    signatures = pa.Table.from_pylist(
        [
            {"article_id": "a1", "signature": [1, 2, 3, 4], "run_id": None},
            {"article_id": "a2", "signature": [5, 6, 7, 8], "run_id": None},
        ],
        schema=ARTICLE_SIGNATURES_SCHEMA,
    )
    tasks.load.fn(
        warehouse,
        lake_root,
        "r1",
        1,
        Counter(n_read=2),
        BatchTables.of(**tables, article_signatures=signatures),
        banding=(2, 2),
    )
    before = checksums(warehouse.path)
    assert before["signature_bands"][0] == 4  # 2 articles × 2 bands
    recovery.rebuild(warehouse.path, lake_root, lock_timeout=5)
    after = checksums(warehouse.path)
    # the fixture's runs never finished, so the lake has no row of theirs to rebuild `runs` from
    assert {k: v for k, v in after.items() if k != "runs"} == {k: v for k, v in before.items() if k != "runs"}


def test_rebuild_takes_out_what_a_quarantine_replay_took_out(warehouse, tmp_path):
    """A replay's batch takes its passing records out of quarantine; the lake keeps that, so a rebuild does too."""
    lake_root = str(tmp_path / "lake")
    load_all(warehouse, lake_root, BATCHES[:1])  # BAD in quarantine
    replay = batch_tables([article("a4", "Кушнер в Москве.")], [], [])
    replay["replayed_quarantine"] = pa.table({"quarantine_id": [BAD["quarantine_id"]]})
    tasks.load.fn(warehouse, lake_root, "r2", 1, Counter(n_read=1), BatchTables.of(**replay))
    with warehouse.connection() as con:
        assert con.execute("SELECT count(*) FROM quarantine").fetchall() == [(0,)]
        for run_id in ("r1", "r2"):
            db.finish_run(con, run_id, "completed", {"n_read": 1})
            recovery.write_run(con, lake_root, run_id)
    before = checksums(warehouse.path)
    recovery.rebuild(warehouse.path, lake_root, lock_timeout=5)
    assert checksums(warehouse.path) == before


def test_an_older_lake_is_upgraded_and_rebuilds_with_current_stage_names(warehouse, tmp_path):
    """A lake written before the renames: `signatures/` becomes `article_signatures/`, quarantine's `tag` is tag-entities."""
    lake_root = tmp_path / "lake"
    old = quarantine_row("tag", "files", "t.txt", "t.txt: entity tagger failed", "payload")
    tables = batch_tables([article("a1", "Путин в Москве.")], [mention("a1", 0, 5, "Путин")], ["e1"], [old])
    tables["article_signatures"] = pa.table(
        {"article_id": ["a1"], "signature": pa.array([[1, 2, 3]], pa.list_(pa.uint32()))}
    )
    tasks.load.fn(warehouse, str(lake_root), "r1", 1, Counter(n_read=2), BatchTables.of(**tables))
    (lake_root / "article_signatures").rename(lake_root / "signatures")
    with warehouse.connection() as con:
        recovery.write_run(con, str(lake_root), "r1")
    recovery.rebuild(warehouse.path, str(lake_root), lock_timeout=5)
    assert not (lake_root / "signatures").exists() and (lake_root / "article_signatures").is_dir()
    with warehouse.connection() as con:
        assert con.execute("SELECT stage FROM quarantine").fetchall() == [("tag-entities",)]
        assert con.execute("SELECT count(*) FROM article_signatures").fetchall() == [(1,)]
