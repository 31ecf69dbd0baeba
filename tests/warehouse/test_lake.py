from datetime import UTC, date, datetime

import pyarrow as pa
import pyarrow.dataset as ds

from transforms.quarantine import quarantine_table
from transforms.schemas import ARTICLE_BATCH_SCHEMA, ENTITIES_SCHEMA, MENTIONS_SCHEMA
from warehouse.batches import BatchTables
from warehouse.db import Batch
from warehouse.lake import absolute_root, write_batch

BY_DATE = ds.partitioning(pa.schema([("published_date", pa.date32())]), flavor="hive")


def test_lake_is_hive_partitioned_by_publication_date(tmp_path):
    articles = pa.Table.from_pylist(
        [
            {
                "article_id": "a1",
                "source": "s",
                "language": "ru",
                "text": "Путин.",
                "raw_text": "Путин.",
                "content_hash": "h1",
                "published_at": datetime(2026, 1, 14, tzinfo=UTC),
                "published_date": date(2026, 1, 14),
            },
            {
                "article_id": "a2",
                "source": "s",
                "language": "ru",
                "text": "Москва.",
                "raw_text": "Москва.",
                "content_hash": "h2",
            },
        ],
        schema=ARTICLE_BATCH_SCHEMA,
    )
    mentions = pa.Table.from_pylist(
        [
            {
                "article_id": "a2",
                "start": 0,
                "stop": 6,
                "sentence": 0,
                "type": "LOC",
                "text": "Москва",
                "normal": "Москва",
                "entity_id": "e",
            }
        ],
        schema=MENTIONS_SCHEMA,
    )
    entities = pa.Table.from_pylist([{"entity_id": "e", "type": "LOC", "name": "Москва"}], schema=ENTITIES_SCHEMA)
    batch = Batch(run_id="run1", batch_no=1, loaded_at=datetime(2026, 1, 15, 8, 30, tzinfo=UTC))
    write_batch(
        str(tmp_path),
        batch,
        BatchTables.of(articles=articles, mentions=mentions, entities=entities, quarantine=quarantine_table([])),
    )

    assert batch.key == "20260115T083000000000Z-run1-00001"
    assert (tmp_path / "articles" / "published_date=2026-01-14" / f"{batch.key}.parquet").exists()
    assert (tmp_path / "articles" / "published_date=__HIVE_DEFAULT_PARTITION__" / f"{batch.key}.parquet").exists()
    lake_articles = ds.dataset(tmp_path / "articles", partitioning=BY_DATE).to_table().to_pylist()
    assert {(r["article_id"], r["run_id"], r["raw_text"]) for r in lake_articles} == {
        ("a1", "run1", "Путин."),
        ("a2", "run1", "Москва."),
    }
    lake_mentions = ds.dataset(tmp_path / "mentions", partitioning=BY_DATE).to_table()
    assert lake_mentions.column("article_id").to_pylist() == ["a2"]
    assert lake_mentions.column("published_date").to_pylist() == [None]  # a2 has no publication date
    assert not (tmp_path / "quarantine").exists()  # empty tables write no files
    assert ds.dataset(tmp_path / "entities").to_table().column("name").to_pylist() == ["Москва"]


def test_a_local_lake_root_becomes_absolute_and_a_url_stays_as_it_is(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert absolute_root("data/lake") == str(tmp_path / "data" / "lake")
    assert absolute_root(f"file://{tmp_path}/lake") == str(tmp_path / "lake")
    assert absolute_root("memory://newsetl/lake") == "memory://newsetl/lake"


def test_articles_written_before_the_author_column_read_with_a_null_author(tmp_path):
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from warehouse.lake import read_table

    row = {"article_id": "new", "source": "s", "text": "Путин.", "content_hash": "h", "author": "Анна Петрова"}
    batch = Batch(run_id="r1", batch_no=1, loaded_at=datetime(2026, 1, 14, tzinfo=UTC))
    write_batch(str(tmp_path), batch, BatchTables.of(articles=pa.Table.from_pylist([row], schema=ARTICLE_BATCH_SCHEMA)))
    (written,) = (tmp_path / "articles").rglob("*.parquet")
    # the same article as a version before migration 014 wrote it: no author column; its file sorts first
    old = pq.read_table(written).drop_columns(["author"])
    old = old.set_column(
        old.schema.get_field_index("article_id"), "article_id", pc.replace_substring(old["article_id"], "new", "old")
    )
    pq.write_table(old, written.parent / "0-old.parquet")
    read = read_table(str(tmp_path), "articles")
    assert sorted(zip(read.column("article_id").to_pylist(), read.column("author").to_pylist(), strict=True)) == [
        ("new", "Анна Петрова"),
        ("old", None),
    ]
