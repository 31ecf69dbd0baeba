"""Suite for the `mentions` table: keys, offsets into the article text, types, references.

Foreign keys are checked within the batch: the loader replaces an article's
mentions together with the article, and inserts a mention's entity in the same
transaction, so a mention is sound exactly when its article and its entity are
in the batch being loaded. A mention of an article that is not in the batch is
a broken invariant (the batch fails); a mention whose entity was quarantined
goes to quarantine with it.
"""

import math

import great_expectations as gx
import great_expectations.expectations as gxe
import pyarrow as pa
import pyarrow.compute as pc

from expectations.suite import BATCH, ROW, Batch
from transforms.analysis import TAGGED_LANGUAGES
from transforms.schemas import ENTITY_TYPES

TABLE = "mentions"
KEY_COLUMNS = ("article_id", "start", "stop")
PARENTS = {"article_id": "articles"}
# Mentions per 1,000 characters of tagged text. On 500 real articles of news_bulk_dev natasha
# finds 7.3-9.6 per batch of 50 (one article in a hundred has under 0.8, none over 34), so a
# batch far below means the tagger went silent, far above means it tags everything.
MIN_PER_1000_CHARS = 1.0
MAX_PER_1000_CHARS = 100.0
# Below this many characters (about five articles) a batch is too small for the lower bound.
MIN_CHARS_FOR_RATE = 20_000


def frame(batch: Batch) -> pa.Table:
    """The batch's mentions plus what their article says at their offsets.

    Adds article_in_batch, article_chars (-1 without an article), text_at_offsets
    (the article's text[start:stop], "" without an article) and entity_in_batch.
    """
    mentions = batch.tables[TABLE]
    articles = batch.tables["articles"]
    texts = dict(zip(articles.column("article_id").to_pylist(), articles.column("text").to_pylist(), strict=True))
    in_batch, chars, at_offsets = [], [], []
    for article_id, start, stop in zip(
        *(mentions.column(c).to_pylist() for c in ("article_id", "start", "stop")), strict=True
    ):
        text = texts.get(article_id)
        in_batch.append(text is not None)
        chars.append(-1 if text is None else len(text))
        at_offsets.append("" if text is None or start is None or stop is None else text[start:stop])
    entity_ids = batch.tables["entities"].column("entity_id")
    return (
        mentions.append_column("article_in_batch", pa.array(in_batch, type=pa.bool_()))
        .append_column("article_chars", pa.array(chars, type=pa.int64()))
        .append_column("text_at_offsets", pa.array(at_offsets, type=pa.string()))
        .append_column(
            "entity_in_batch", pc.fill_null(pc.is_in(mentions.column("entity_id"), value_set=entity_ids), False)
        )
    )


def tagged_chars(articles: pa.Table) -> int:
    """Characters of text in the batch that the tagger reads (its languages only)."""
    tagged = articles.filter(pc.is_in(articles.column("language"), value_set=pa.array(sorted(TAGGED_LANGUAGES))))
    return sum(len(text) for text in tagged.column("text").to_pylist())


def build_suite(batch: Batch) -> gx.ExpectationSuite:
    chars = tagged_chars(batch.tables["articles"])
    return gx.ExpectationSuite(
        name=TABLE,
        expectations=[
            gxe.ExpectColumnValuesToNotBeNull(column="article_id", severity=BATCH),
            gxe.ExpectCompoundColumnsToBeUnique(column_list=list(KEY_COLUMNS), severity=BATCH),
            gxe.ExpectColumnValuesToBeInSet(column="article_in_batch", value_set=[True], severity=BATCH),
            gxe.ExpectTableRowCountToBeBetween(
                min_value=math.floor(chars * MIN_PER_1000_CHARS / 1000) if chars >= MIN_CHARS_FOR_RATE else 0,
                max_value=math.ceil(chars * MAX_PER_1000_CHARS / 1000),
                severity=BATCH,
            ),
            gxe.ExpectColumnValuesToNotBeNull(column="entity_id", severity=ROW),
            gxe.ExpectColumnValuesToBeInSet(column="entity_in_batch", value_set=[True], severity=ROW),
            gxe.ExpectColumnValuesToBeBetween(column="start", min_value=0, severity=ROW),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="stop", column_B="start", severity=ROW),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="article_chars", column_B="stop", or_equal=True, severity=ROW
            ),
            gxe.ExpectColumnPairValuesToBeEqual(column_A="text", column_B="text_at_offsets", severity=ROW),
            gxe.ExpectColumnValuesToBeInSet(column="type", value_set=list(ENTITY_TYPES), severity=ROW),
            gxe.ExpectColumnValueLengthsToBeBetween(column="text", min_value=1, severity=ROW),
            gxe.ExpectColumnValueLengthsToBeBetween(column="normal", min_value=1, severity=ROW),
        ],
    )
