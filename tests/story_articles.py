"""Composed articles for the tests of stories (tests/warehouse/test_stories.py, tests/flows/test_cli_stories.py):
the same talks told twice, another happening, and how a batch of them is loaded."""

from datetime import UTC, datetime

import pyarrow as pa

from transforms.schemas import ARTICLE_BATCH_SCHEMA, ENTITIES_SCHEMA, MENTIONS_SCHEMA
from warehouse import db
from warehouse.batches import Batch, BatchTables

DAY = datetime(2025, 12, 2, 10, tzinfo=UTC)
TALKS = (
    "Путин встретился с Уиткоффом в Москве",
    "Президент России Владимир Путин встретился в Кремле со спецпосланником президента США Стивом Уиткоффом. "
    "Переговоры продолжались почти пять часов, сообщил помощник президента Юрий Ушаков.",
)
TALKS_RETOLD = (
    "Переговоры Путина и Уиткоффа в Кремле длились пять часов",
    "В Кремле завершились переговоры Владимира Путина со Стивом Уиткоффом. По словам Юрия Ушакова, встреча "
    "продолжалась около пяти часов.",
)
FUEL = (
    "В Тюмени подорожало дизельное топливо",
    "Цены на дизельное топливо на автозаправочных станциях Тюмени выросли за неделю на двадцать копеек за литр.",
)
ENTITIES = {"Путин": "putin", "Уиткофф": "witkoff", "Ушаков": "ushakov", "Тюмен": "tyumen"}


def row(article_id, story, when):
    title, text = story
    return {
        "article_id": article_id, "source": f"outlet-{article_id}", "url": None, "title": title, "text": text,
        "published_at": when, "published_date": when.date(), "language": "ru", "content_hash": f"{article_id}{text}",
    }  # fmt: skip


def mentions_of(article):
    """A mention of each entity whose stem the text names, at its first occurrence."""
    found = []
    for stem, entity_id in ENTITIES.items():
        start = article["text"].find(stem)
        if start >= 0:
            found.append({"article_id": article["article_id"], "start": start, "stop": start + len(stem),
                          "sentence": 0, "type": "PER", "text": stem, "normal": stem, "entity_id": entity_id})  # fmt: skip
    return found


def load(con, batch_no, *articles):
    db.load_batch(
        con,
        Batch.now("r1", batch_no, {}),
        BatchTables.of(
            articles=pa.Table.from_pylist(list(articles), schema=ARTICLE_BATCH_SCHEMA),
            mentions=pa.Table.from_pylist([m for a in articles for m in mentions_of(a)], schema=MENTIONS_SCHEMA),
            entities=pa.Table.from_pylist(
                [{"entity_id": e, "type": "PER", "name": stem} for stem, e in ENTITIES.items()], schema=ENTITIES_SCHEMA
            ),
        ),
    )
