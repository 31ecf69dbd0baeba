"""Entities: named-entity mentions (PER, LOC, ORG) with natasha, resolved within the article.

`tag_entities(articles, models)` reads `article_id`, `text` and `language` and
returns:
- mentions (MENTIONS_SCHEMA): article_id, start, stop (offsets into `text`),
  sentence (index of the sentence in the article), type, text (surface form),
  normal (lemma form from natasha's span normalization), entity_id;
- entities (ENTITIES_SCHEMA): entity_id, type, name, one row per entity seen;
- quarantine rows (stage `tag`) for articles on which the tagger failed;
- the articles that were tagged (failed ones removed).

Only Russian articles are tagged; others pass through with no mentions.
Within an article a one-word person mention that equals the surname of a
fuller name of the same article («Путин» after «Владимир Путин») resolves to
that full name, so both carry the same entity_id.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
from natasha import Doc, MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter

from transforms.ids import stable_id
from transforms.quarantine import quarantine_row, quarantine_table

STAGE = "tag"
TAGGED_LANGUAGES = {"ru"}
ENTITY_TYPES = ("PER", "LOC", "ORG")

MENTIONS_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("start", pa.int32()),
        ("stop", pa.int32()),
        ("sentence", pa.int32()),
        ("type", pa.string()),
        ("text", pa.string()),
        ("normal", pa.string()),
        ("entity_id", pa.string()),
        ("run_id", pa.string()),
    ]
)

ENTITIES_SCHEMA = pa.schema(
    [
        ("entity_id", pa.string()),
        ("type", pa.string()),
        ("name", pa.string()),
        ("run_id", pa.string()),
    ]
)


@dataclass(frozen=True)
class NatashaModels:
    segmenter: object
    morph_vocab: object
    morph_tagger: object
    ner_tagger: object


@functools.cache
def load_models() -> NatashaModels:
    """Load natasha's models (shipped inside the package, no download) once per process."""
    embedding = NewsEmbedding()
    return NatashaModels(
        segmenter=Segmenter(),
        morph_vocab=MorphVocab(),
        morph_tagger=NewsMorphTagger(embedding),
        ner_tagger=NewsNERTagger(embedding),
    )


def entity_key(name: str) -> str:
    """Case- and ё-insensitive form of a name, used to compare and to hash names."""
    return name.casefold().replace("ё", "е")


def entity_id(entity_type: str, name: str) -> str:
    return stable_id("entity", entity_type, entity_key(name))


def _resolve_people(spans: list[tuple[str, str]]) -> dict[str, str]:
    """Map the key of each one-word PER normal form to the fuller name it abbreviates.

    `spans` holds (type, normal). A one-word name resolves only when exactly one
    multi-word person name of the article ends with it.
    """
    full_names: dict[str, set[str]] = {}
    for span_type, normal in spans:
        words = normal.split()
        if span_type == "PER" and len(words) > 1:
            full_names.setdefault(entity_key(words[-1]), set()).add(normal)
    return {surname: names.pop() for surname, names in full_names.items() if len(names) == 1}


def tag_article(text: str, models: NatashaModels) -> list[dict]:
    """Mentions of one article as dicts of MENTIONS_SCHEMA columns (no article_id/run_id)."""
    doc = Doc(text)
    doc.segment(models.segmenter)
    doc.tag_morph(models.morph_tagger)
    doc.tag_ner(models.ner_tagger)
    sentence_starts = [sent.start for sent in doc.sents]
    mentions = []
    for span in doc.spans:
        span.normalize(models.morph_vocab)
        normal = span.normal or span.text
        mentions.append(
            {
                "start": span.start,
                "stop": span.stop,
                "sentence": bisect.bisect_right(sentence_starts, span.start) - 1,
                "type": span.type,
                "text": span.text,
                "normal": normal,
            }
        )
    surname_to_full = _resolve_people([(m["type"], m["normal"]) for m in mentions])
    for mention in mentions:
        name = mention["normal"]
        if mention["type"] == "PER" and len(name.split()) == 1:
            name = surname_to_full.get(entity_key(name), name)
        mention["entity_name"] = name
    return mentions


def tag_entities(articles: pa.Table, models: NatashaModels) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
    """Tag a batch. Returns (mentions, entities, quarantine, tagged_articles)."""
    mention_rows: list[dict] = []
    entity_rows: dict[str, dict] = {}
    rejected: list[dict] = []
    keep: list[bool] = []
    columns = articles.select(["article_id", "text", "language", "source", "record_key", "payload"]).to_pylist()
    for article in columns:
        if article["language"] not in TAGGED_LANGUAGES:
            keep.append(True)
            continue
        try:
            mentions = tag_article(article["text"], models)
        except Exception as exc:  # one article that breaks the tagger must not take its batch down
            key = article["record_key"]
            reason = f"{key}: entity tagger failed ({type(exc).__name__}: {exc})"
            rejected.append(quarantine_row(STAGE, article["source"], key, reason, article["payload"]))
            keep.append(False)
            continue
        keep.append(True)
        for mention in mentions:
            name = mention.pop("entity_name")
            ident = entity_id(mention["type"], name)
            entity_rows.setdefault(ident, {"entity_id": ident, "type": mention["type"], "name": name, "run_id": None})
            mention_rows.append({**mention, "article_id": article["article_id"], "entity_id": ident, "run_id": None})
    tagged = articles.filter(pa.array(keep, type=pa.bool_())) if articles.num_rows else articles
    return (
        pa.Table.from_pylist(mention_rows, schema=MENTIONS_SCHEMA),
        pa.Table.from_pylist(list(entity_rows.values()), schema=ENTITIES_SCHEMA),
        quarantine_table(rejected),
        tagged,
    )


def entities_of(mentions: pa.Table, entities: pa.Table) -> pa.Table:
    """The entities that the given mentions refer to."""
    wanted = pc.unique(mentions.column("entity_id"))
    return entities.filter(pc.is_in(entities.column("entity_id"), value_set=wanted))
