"""A batch alone in flight is tagged in parts, one per worker: the parts cover the batch in order, and their
merged tagging equals the whole batch's."""

import re
from datetime import UTC, date, datetime

import pyarrow as pa
import pytest

from flows.pipeline import MIN_ARTICLES_PER_TAGGING_PART, tagging_parts
from flows.settings import EXAMPLES_DIR
from flows.tagging import TaggedBatch, merge_tagged, tag_batch
from transforms.schemas import ARTICLE_BATCH_SCHEMA


def texts_table(texts: list[str]) -> pa.Table:
    return pa.table({"article_id": [f"a{i}" for i in range(len(texts))], "text": texts})


def test_parts_cover_the_batch_in_order_with_about_equal_text():
    texts = [letter * (90 + 7 * (i % 4)) for i, letter in enumerate("abcdefghijkl")]  # 12 articles of 90-111
    parts = tagging_parts(texts_table(texts), 3)
    assert [row for part in parts for row in part.column("text").to_pylist()] == texts
    assert len(parts) == 3
    sizes = [sum(len(text) for text in part.column("text").to_pylist()) for part in parts]
    assert max(sizes) - min(sizes) <= 111  # cut at the article where each third of the text is reached


def test_small_batches_and_one_long_article_stay_whole():
    few = texts_table(["x" * 50] * (2 * MIN_ARTICLES_PER_TAGGING_PART - 1))
    assert [part.num_rows for part in tagging_parts(few, 2)] == [few.num_rows]
    assert [part.num_rows for part in tagging_parts(texts_table([]), 2)] == [0]
    one_long_last = texts_table(["x" * 10] * 8 + ["y" * 1000])
    assert [part.num_rows for part in tagging_parts(one_long_last, 2)] == [9]  # no cut leaves both parts text
    enough = texts_table(["x" * 50] * (2 * MIN_ARTICLES_PER_TAGGING_PART))
    assert [part.num_rows for part in tagging_parts(enough, 2)] == [MIN_ARTICLES_PER_TAGGING_PART] * 2
    assert [part.num_rows for part in tagging_parts(enough, 1)] == [enough.num_rows]


def example_articles() -> pa.Table:
    """The bundled examples' Russian texts as a batch (the seed article among them), each with a publication date."""
    texts = []
    for path in sorted(EXAMPLES_DIR.glob("*.txt")):
        body = re.sub(r"^\s*date \d{4}-\d{2}-\d{2}\s*", "", path.read_text(encoding="utf-8")).strip()
        if len(body) > 200 and "київ" not in body.lower():
            texts.append(body)
    rows = [
        {"article_id": f"a{i}", "source": "test", "url": f"https://example.test/{i}", "title": f"t{i}",
         "published_at": datetime(2026, 12, 1, 9, tzinfo=UTC), "published_date": date(2026, 12, 1), "language": "ru",
         "text": text, "content_hash": f"h{i}", "record_key": f"k{i}", "raw_text": text, "payload": text}
        for i, text in enumerate(texts)
    ]  # fmt: skip
    return pa.Table.from_pylist(rows, schema=ARTICLE_BATCH_SCHEMA)


@pytest.mark.e2e
def test_tagging_in_parts_equals_tagging_the_batch_whole(prefect_server, models):
    from prefect import flow

    articles = example_articles()
    assert articles.num_rows >= 6

    @flow
    def tag_whole_and_in_parts() -> tuple[TaggedBatch, TaggedBatch, int]:
        parts = tagging_parts(articles, 2)
        return tag_batch(articles), merge_tagged([tag_batch(part) for part in parts]), len(parts)

    whole, merged, n_parts = tag_whole_and_in_parts()
    assert n_parts == 2
    assert whole.mentions.num_rows > 50 and whole.events.num_rows > 10 and whole.date_mentions.num_rows > 0
    for name in ("mentions", "date_mentions", "events", "event_participants", "tagged"):
        assert getattr(merged, name).equals(getattr(whole, name)), name
    # the batch's entities (named, then named by a common noun) are a set: each once, in any order
    assert merged.entities.num_rows == len(set(merged.entities.column("entity_id").to_pylist()))
    assert sorted(merged.entities.to_pylist(), key=repr) == sorted(whole.entities.to_pylist(), key=repr)
    assert (merged.date_failures, merged.n_mentions_tagged) == (whole.date_failures, whole.n_mentions_tagged)
