"""The Arrow schema of every table the transforms produce, one constant each.

Kept apart from the steps that produce them, with no import but pyarrow, so
that the warehouse, the validation and the command line can name a table's
columns without loading natasha and the parsers (`newsetl sql` starts in a
fraction of a second). The warehouse's tables hold the same columns (a test
compares them with the migrations).
"""

import pyarrow as pa

STRING = pa.string()
OFFSET = pa.int32()

# A record as extract reads it.
RAW_SCHEMA = pa.schema(
    [
        ("source", STRING),
        ("record_key", STRING),  # where the record came from: a file path, path:line, URL, feed#item
        ("url", STRING),
        ("title", STRING),
        ("author", STRING),  # as the source names it (a feed item's, a page's, a dump's column), else null
        ("published_raw", STRING),  # the publication date as the source gave it (ISO 8601 for feeds and pages)
        ("raw_text", STRING),
        ("payload", STRING),  # the whole raw record, for quarantine and replay
        ("language", STRING),  # the language its source declares (sources.toml), else null
    ]
)

ARTICLES_SCHEMA = pa.schema(
    [
        ("article_id", STRING),
        ("source", STRING),
        ("url", STRING),
        ("title", STRING),
        ("published_at", pa.timestamp("us", tz="UTC")),
        ("published_date", pa.date32()),
        ("language", STRING),
        ("text", STRING),
        ("content_hash", STRING),
        ("duplicate_of", STRING),
        ("run_id", STRING),
        ("author", STRING),
    ]
)
# In flight between steps an article also carries where it came from and what it was.
ARTICLE_BATCH_SCHEMA = pa.schema(
    [*ARTICLES_SCHEMA, *(pa.field(name, STRING) for name in ("record_key", "published_raw", "raw_text", "payload"))]
)

# The kinds of named entity a mention or an entity has (its `type`).
ENTITY_TYPES = ("PER", "LOC", "ORG")
# An event participant named by a common noun, not by a name («полиция», «суд», «жители»): an entity of its
# own kind, which no mention points to (transforms/events.py); `entities.type` is one of ENTITY_KINDS.
ROLE_TYPE = "ROLE"
ENTITY_KINDS = (*ENTITY_TYPES, ROLE_TYPE)

MENTIONS_SCHEMA = pa.schema(
    [
        ("article_id", STRING),
        ("start", OFFSET),
        ("stop", OFFSET),
        ("sentence", OFFSET),
        ("type", STRING),
        ("text", STRING),
        ("normal", STRING),
        ("entity_id", STRING),
        ("run_id", STRING),
    ]
)

ENTITIES_SCHEMA = pa.schema([("entity_id", STRING), ("type", STRING), ("name", STRING), ("run_id", STRING)])

DATE_MENTIONS_SCHEMA = pa.schema(
    [
        ("article_id", STRING),
        ("start", OFFSET),
        ("stop", OFFSET),
        ("text", STRING),
        ("value", pa.date32()),  # the first day of the period named
        ("precision", STRING),
        ("run_id", STRING),
    ]
)
# What event tagging reads of the date mentions.
DATE_MENTIONS_INPUT_SCHEMA = pa.schema(
    [DATE_MENTIONS_SCHEMA.field(name) for name in ("article_id", "start", "stop", "value", "precision")]
)

# Near-duplicate MinHash signatures (the warehouse's `article_signatures`).
ARTICLE_SIGNATURES_SCHEMA = pa.schema(
    [("article_id", STRING), ("signature", pa.list_(pa.uint32())), ("run_id", STRING)]
)

EVENTS_SCHEMA = pa.schema(
    [
        ("event_id", STRING),
        ("article_id", STRING),
        ("type", STRING),
        ("cameo_code", STRING),
        ("cameo_name", STRING),
        ("trigger", STRING),
        ("start", OFFSET),
        ("stop", OFFSET),
        ("sentence", OFFSET),
        ("sentence_start", OFFSET),
        ("sentence_stop", OFFSET),
        ("modality", STRING),
        ("confidence", pa.float64()),  # 0 to 1: how likely a real event of its type (transforms/events.py)
        ("event_date", pa.date32()),
        ("date_precision", STRING),
        ("place_entity_id", STRING),
        ("run_id", STRING),
    ]
)

EVENT_PARTICIPANTS_SCHEMA = pa.schema(
    [("event_id", STRING), ("article_id", STRING), ("entity_id", STRING), ("role", STRING), ("run_id", STRING)]
)

# A record that failed a stage, kept whole so it can be replayed (the warehouse adds run_id and quarantined_at).
QUARANTINE_SCHEMA = pa.schema(
    [
        ("quarantine_id", STRING),
        ("stage", STRING),
        ("source", STRING),
        ("record_key", STRING),
        ("reason", STRING),
        ("payload", STRING),
    ]
)
