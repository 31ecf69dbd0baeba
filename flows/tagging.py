"""The tagging tasks, which run in the workers (processes of this machine, or a Dask cluster).

A worker imports this module: it imports only what tagging needs, not the
stages of the flow's own process (flows/tasks.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
from prefect import get_run_logger

from flows.memory import release_free_memory
from flows.stages import batch_task, stage_seconds_here
from transforms import analysis as analysis_transform
from transforms import dates as dates_transform
from transforms import entities as entities_transform
from transforms import events as events_transform
from transforms.models import load_models
from transforms.schemas import DATE_MENTIONS_INPUT_SCHEMA
from transforms.stages import Stage


@dataclass
class TaggedBatch:
    """What the tagging of a batch returns to the flow: tables, and the seconds each tagging stage took."""

    mentions: pa.Table
    entities: pa.Table
    date_mentions: pa.Table
    date_failures: int
    events: pa.Table
    event_participants: pa.Table
    rejected_entities: pa.Table  # quarantine rows of tag-entities
    rejected_events: pa.Table  # quarantine rows of tag-events
    tagged: pa.Table  # the articles that left tagging (failed ones removed)
    n_mentions_tagged: int
    stage_seconds: Counter


def merge_tagged(parts: list[TaggedBatch]) -> TaggedBatch:
    """One batch's tagging from the taggings of its parts (consecutive slices of its articles, in order).

    Tagging is per article, so this equals tagging the batch whole; an entity
    named in several parts is kept once, as within one part.
    """
    if len(parts) == 1:
        return parts[0]
    entities = pa.concat_tables([part.entities for part in parts])
    first_row: dict[str, int] = {}
    is_first = [first_row.setdefault(ident, row) == row for row, ident in enumerate(entities["entity_id"].to_pylist())]
    return TaggedBatch(
        mentions=pa.concat_tables([part.mentions for part in parts]),
        entities=entities.filter(pa.array(is_first, pa.bool_())),
        date_mentions=pa.concat_tables([part.date_mentions for part in parts]),
        date_failures=sum(part.date_failures for part in parts),
        events=pa.concat_tables([part.events for part in parts]),
        event_participants=pa.concat_tables([part.event_participants for part in parts]),
        rejected_entities=pa.concat_tables([part.rejected_entities for part in parts]),
        rejected_events=pa.concat_tables([part.rejected_events for part in parts]),
        tagged=pa.concat_tables([part.tagged for part in parts]),
        n_mentions_tagged=sum(part.n_mentions_tagged for part in parts),
        stage_seconds=sum((part.stage_seconds for part in parts), Counter()),
    )


@batch_task(Stage.TAG_BATCH)
def tag_batch(articles: pa.Table) -> TaggedBatch:
    """Tag a batch's entities, dates and events, in one process (a worker, or a Dask worker).

    The three stages are nested task runs, so each shows under its name in the UI;
    they share natasha's analysis of the batch, which never leaves the process.
    An article one of them quarantines leaves the batch with its mentions and date mentions.
    """
    release_free_memory()  # what the previous batch's analysis left behind
    with stage_seconds_here() as seconds:  # the run's counter lives in the flow's process: report back
        mentions, entities, rejected_entities, tagged, docs = tag_entities(articles)
        date_mentions, date_failures = tag_dates(tagged)
        date_input = date_mentions.select(DATE_MENTIONS_INPUT_SCHEMA.names)
        events, participants, role_entities, rejected_events, tagged = tag_events(tagged, mentions, date_input, docs)
    kept_ids = tagged.column("article_id")
    return TaggedBatch(
        mentions=mentions.filter(pc.is_in(mentions.column("article_id"), value_set=kept_ids)),
        entities=pa.concat_tables([entities, role_entities]),  # events' participants named by a common noun
        date_mentions=date_mentions.filter(pc.is_in(date_mentions.column("article_id"), value_set=kept_ids)),
        date_failures=date_failures,
        events=events,
        event_participants=participants,
        rejected_entities=rejected_entities,
        rejected_events=rejected_events,
        tagged=tagged,
        n_mentions_tagged=mentions.num_rows,
        stage_seconds=seconds,
    )


@batch_task(Stage.TAG_ENTITIES)
def tag_entities(articles: pa.Table) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table, dict]:
    """Analyse the batch with natasha (models loaded once per process) and tag PER/LOC/ORG mentions.

    Returns the entity tables, and the analysis for tag-events.
    """
    models = load_models()
    docs = analysis_transform.analyze_articles(articles, models)
    return (*entities_transform.tag_entities(articles, models, docs), docs)


@batch_task(Stage.TAG_DATES)
def tag_dates(articles: pa.Table) -> tuple[pa.Table, int]:
    """Find and resolve date expressions; log each window the parser failed on and count them."""
    parser = dates_transform.load_parser(load_models().morph_vocab)
    date_mentions, errors = dates_transform.tag_dates(articles, parser)
    for line in errors:
        get_run_logger().warning(line)
    return date_mentions, len(errors)


@batch_task(Stage.TAG_EVENTS)
def tag_events(
    articles: pa.Table, mentions: pa.Table, date_mentions: pa.Table, docs: dict
) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
    """Code CAMEO events with their participants, place, date and modality (parser loaded once per process)."""
    tagger = events_transform.load_event_tagger()
    return events_transform.tag_events(articles, mentions, date_mentions, tagger, docs)
