"""Shared fixtures: natasha models, the event tagger and the date parser once per session, a Prefect test server once per session."""

import shutil
from pathlib import Path

import pytest

from flows.settings import EXAMPLES_DIR, RunSettings, configure_environment
from warehouse.batches import BatchTables

configure_environment()


@pytest.fixture(scope="session")
def models():
    from transforms.models import load_models

    return load_models()


@pytest.fixture(scope="session")
def tagger(models):
    from transforms.events import load_event_tagger

    return load_event_tagger()


@pytest.fixture(scope="session")
def parser(models):
    from transforms.dates import load_parser

    return load_parser(models.morph_vocab)


@pytest.fixture(scope="session")
def prefect_server():
    """A temporary Prefect server with its own database, for flow runs in tests."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def run_settings():
    """`run_settings(directory, inputs, **fields)`: the settings of a test's run, with its warehouse and lake in
    `directory`, tagging on one worker process (not one per core: a large CI machine would start dozens)."""

    def make(directory: Path, inputs=(), **fields) -> RunSettings:
        fields.setdefault("db_path", str(directory / "w.duckdb"))
        fields.setdefault("lake_dir", str(directory / "lake"))
        fields.setdefault("workers", 1)
        if inputs:
            fields["inputs"] = [str(path) for path in inputs]
        return RunSettings(**fields)

    return make


@pytest.fixture
def examples(tmp_path) -> Path:
    """A private copy of the bundled example articles."""
    target = tmp_path / "articles"
    shutil.copytree(EXAMPLES_DIR, target)
    return target


@pytest.fixture
def small_warehouse(tmp_path) -> tuple[Path, str]:
    """A warehouse and lake holding two articles of one finished run, loaded by the real load task."""
    from collections import Counter
    from datetime import UTC, date, datetime

    import pyarrow as pa

    from flows import tasks
    from transforms.names import entity_id
    from transforms.quarantine import quarantine_table
    from transforms.schemas import (
        ARTICLE_BATCH_SCHEMA,
        ENTITIES_SCHEMA,
        EVENT_PARTICIPANTS_SCHEMA,
        EVENTS_SCHEMA,
        MENTIONS_SCHEMA,
    )
    from warehouse import db, recovery

    texts = {"a1": "Владимир Путин встретился с Кушнером в Москве.", "a2": "Джаред Кушнер прилетел в Москву."}
    spans = {
        "a1": [(0, 14, "PER", "Владимир Путин", "Владимир Путин"), (28, 36, "PER", "Кушнером", "Джаред Кушнер"), (39, 45, "LOC", "Москве", "Москва")],
        "a2": [(0, 13, "PER", "Джаред Кушнер", "Джаред Кушнер"), (25, 31, "LOC", "Москву", "Москва")],
    }  # fmt: skip
    articles = [
        {"article_id": a, "source": "test", "url": f"https://example.test/{a}", "title": a, "language": "ru", "text": t, "raw_text": t,
         "content_hash": a, "published_at": datetime(2026, 1, 14, 9, tzinfo=UTC), "published_date": date(2026, 1, 14),
         "author": "Анна Петрова" if a == "a1" else None}
        for a, t in texts.items()
    ]  # fmt: skip
    mentions = [
        {"article_id": a, "start": s, "stop": e, "sentence": 0, "type": k, "text": x, "normal": n, "entity_id": entity_id(k, n)}
        for a, rows in spans.items() for s, e, k, x, n in rows
    ]  # fmt: skip
    entities = {(m["entity_id"], m["type"], m["normal"]) for m in mentions}
    meeting = {"event_id": "ev1", "article_id": "a1", "type": "04 CONSULT", "cameo_code": "040", "cameo_name": "Consult",
               "trigger": "встретился", "start": 15, "stop": 25, "sentence": 0, "sentence_start": 0, "sentence_stop": 46,
               "modality": "occurred", "event_date": None, "date_precision": None, "place_entity_id": entity_id("LOC", "Москва")}  # fmt: skip
    participants = [
        {"event_id": "ev1", "article_id": "a1", "entity_id": entity_id("PER", n), "role": r}
        for n, r in (("Владимир Путин", "actor"), ("Джаред Кушнер", "target"))
    ]
    db_path, lake_root = tmp_path / "w.duckdb", str(tmp_path / "lake")
    warehouse = db.Warehouse(str(db_path))
    with warehouse.connection() as con:
        db.upgrade(con)
        db.start_run(con, "r1", "news_etl", {"batch_size": 2}, "test")
    tasks.load.fn(warehouse, lake_root, "r1", 1, Counter(n_read=2, n_loaded=2, n_mentions=len(mentions)), BatchTables.of(articles=pa.Table.from_pylist(articles, schema=ARTICLE_BATCH_SCHEMA), mentions=pa.Table.from_pylist(mentions, schema=MENTIONS_SCHEMA), entities=pa.Table.from_pylist([{"entity_id": i, "type": t, "name": n} for i, t, n in sorted(entities)], schema=ENTITIES_SCHEMA), quarantine=quarantine_table([]), events=pa.Table.from_pylist([meeting], schema=EVENTS_SCHEMA), event_participants=pa.Table.from_pylist(participants, schema=EVENT_PARTICIPANTS_SCHEMA)))  # fmt: skip
    with warehouse.connection() as con:
        db.link_entities(con)
        db.group_events(con)
        db.finish_run(
            con,
            "r1",
            "completed",
            {"n_read": 2, "n_loaded": 2, "n_mentions": len(mentions), "n_entities": len(entities)},
            stage_seconds={"load": 0.25, "tag_entities": 1.5},
        )
        recovery.write_run(con, lake_root, "r1")
    return db_path, lake_root


@pytest.fixture(scope="module")
def data_docs_site(tmp_path_factory) -> Path:
    """Great Expectations Data Docs as a run builds them: a batch's suites and results (one failing), and the index."""
    from urllib.parse import unquote, urlsplit

    from expectations import docs
    from expectations.validate import validate_batch

    from .expectations.test_validate import NOW, articles, batch

    gx_dir = tmp_path_factory.mktemp("gx")
    validated = validate_batch(batch(articles({}, {"language": "xx"})), NOW)
    identifiers = docs.record(gx_dir, "run-1", 1, validated.suites, validated.results)
    index = Path(unquote(urlsplit(docs.build(gx_dir, identifiers)).path))
    assert index.name == "index.html"
    return index.parent


@pytest.fixture(scope="session")
def story_articles():
    """tests/story_articles.py: composed articles for the tests of stories, and how a batch of them is loaded."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("story_articles", Path(__file__).with_name("story_articles.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
