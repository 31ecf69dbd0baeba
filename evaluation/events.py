"""Scoring events against gold: our annotated TOML set, and factRuEval-2016's Meeting facts.

Gold events (tests/gold/events.toml) name their trigger word (and which
occurrence), CAMEO root type, participants by entity name, place, date and
modality. A system event matches a gold event when it is in the same article,
starts at the gold trigger's offset and has the same root type (detection).
The other figures are counted over matched pairs only:
- participants: (role, entity name) pairs;
- place, date: the value when gold or system gives one;
- modality: one decision per matched event (precision = recall = accuracy).

factRuEval Meeting: a type-04 event covers a fact when every Participant of
the fact has a mention overlapping a mention of one of the event's
participant entities. A meeting has two sides, so the events that may be
Meeting facts are the type-04 events with at least MEETING_PARTIES named
participants (entities with mentions; a ROLE participant such as «власти»
has none). Recall = covered facts / facts; precision = such events that
cover some fact / such events.
"""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date
from pathlib import Path

import pyarrow as pa

from evaluation.metrics import precision_recall_f1
from transforms.dates import load_parser, tag_dates
from transforms.entities import tag_entities
from transforms.events import EventTagger, tag_events
from transforms.names import entity_key
from transforms.schemas import DATE_MENTIONS_INPUT_SCHEMA

FIGURES = ("detection", "participants", "place", "date", "modality")
MEETING_PARTIES = 2  # named participants a type-04 event needs to be a candidate Meeting fact


def trigger_offset(text: str, word: str, n: int = 1) -> int:
    """Offset of the n-th whole-word occurrence of `word` in `text`."""
    found = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text)]
    if len(found) < n:
        raise ValueError(f"gold trigger {word!r} (occurrence {n}) is not in the text")
    return found[n - 1]


def read_gold(path: Path, root: Path) -> list[dict]:
    """Articles of a gold TOML file with their events; `file` paths are relative to `root`."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    articles = []
    for article in data["article"]:
        if "file" in article:
            raw = (root / article["file"]).read_text(encoding="utf-8")
            text = re.sub(r"^\s*date \d{4}-\d{2}-\d{2}\s", "", raw, count=1)  # the seed-format header
        else:
            text = article["text"]
        events = []
        for event in article.get("event", []):
            start = trigger_offset(text, event["trigger"], event.get("n", 1))
            events.append({**event, "start": start})
        articles.append({"id": article["id"], "published": article.get("published"), "text": text, "events": events})
    return articles


def run_tagger(
    texts: dict[str, str],
    tagger: EventTagger,
    published: dict[str, str | None] | None = None,
    with_features: bool = False,
) -> dict:
    """Entities, date mentions and events of the given texts, the way `newsetl run` tags them.

    `published` maps a text's id to its publication date (ISO); date mentions of
    a text are resolved against it, as in the pipeline. `with_features`: the
    events carry what the confidence model saw (see `transforms.events.tag_events`).
    """
    ids = list(texts)
    published = published or {}
    articles = pa.table(
        {
            "article_id": ids,
            "text": [texts[i] for i in ids],
            "language": ["ru"] * len(ids),
            "source": ["gold"] * len(ids),
            "record_key": ids,
            "payload": [None] * len(ids),
            "published_date": [date.fromisoformat(published[i]) if published.get(i) else None for i in ids],
        },
        schema=pa.schema(
            [(n, pa.string()) for n in ("article_id", "text", "language", "source", "record_key", "payload")]
            + [("published_date", pa.date32())]
        ),
    )
    mentions, entities, _, tagged = tag_entities(articles, tagger.models)
    date_mentions, _ = tag_dates(tagged, load_parser(tagger.models.morph_vocab))
    events, participants, roles, _, _ = tag_events(
        tagged, mentions, date_mentions.select(DATE_MENTIONS_INPUT_SCHEMA.names), tagger, with_features=with_features
    )
    entities = pa.concat_tables([entities, roles])
    return {"mentions": mentions, "entities": entities, "events": events, "participants": participants}


def system_events(tagged: dict) -> dict[str, list[dict]]:
    """System events by article, each with `participants` {(role, name key)} and `place` name key."""
    names = {row["entity_id"]: row["name"] for row in tagged["entities"].to_pylist()}
    roles: dict[str, set] = {}
    entity_ids: dict[str, set] = {}
    for row in tagged["participants"].to_pylist():
        roles.setdefault(row["event_id"], set()).add((row["role"], entity_key(names[row["entity_id"]])))
        entity_ids.setdefault(row["event_id"], set()).add(row["entity_id"])
    by_article: dict[str, list[dict]] = {}
    for event in tagged["events"].to_pylist():
        place = event["place_entity_id"]
        event.update(
            participants=roles.get(event["event_id"], set()),
            entity_ids=entity_ids.get(event["event_id"], set()),
            place=entity_key(names[place]) if place else None,
        )
        by_article.setdefault(event["article_id"], []).append(event)
    return by_article


def gold_roles(event: dict) -> set:
    return {
        (role, entity_key(name))
        for role, key in (("actor", "actors"), ("target", "targets"), ("participant", "participants"))
        for name in event.get(key, [])
    }


def score(gold: list[dict], system: dict[str, list[dict]]) -> dict:
    counts = {name: [0, 0, 0] for name in FIGURES}  # tp, fp, fn

    def add(name, tp=0, fp=0, fn=0):
        counts[name][0] += tp
        counts[name][1] += fp
        counts[name][2] += fn

    for article in gold:
        found = {(e["start"], e["type"][:2]): e for e in system.get(article["id"], [])}
        matched = 0
        for expected in article["events"]:
            got = found.get((expected["start"], expected["type"]))
            if got is None:
                add("detection", fn=1)
                continue
            matched += 1
            add("detection", tp=1)
            want_roles, got_roles = gold_roles(expected), got["participants"]
            add("participants", len(want_roles & got_roles), len(got_roles - want_roles), len(want_roles - got_roles))
            for name, want, have in (
                ("place", entity_key(expected["place"]) if expected.get("place") else None, got["place"]),
                ("date", expected.get("date"), got["event_date"].isoformat() if got["event_date"] else None),
            ):
                if want is not None and want == have:
                    add(name, tp=1)
                else:
                    add(name, fp=int(have is not None), fn=int(want is not None))
            same = expected["modality"] == got["modality"]
            add("modality", tp=int(same), fp=int(not same), fn=int(not same))
        add("detection", fp=len(found) - matched)
    return {name: precision_recall_f1(tp, tp + fp, tp + fn) for name, (tp, fp, fn) in counts.items()}


def read_factru(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def meeting_facts(doc: dict) -> list[list[list[tuple[int, int]]]]:
    """Each Meeting fact as its participants, each participant as its mention spans."""
    facts = []
    for fact in doc.get("facts", []):
        if fact["type"] != "Meeting":
            continue
        participants = []
        for slot in fact["slots"]:
            if slot["type"] != "Participant":
                continue
            for value in slot["values"]:
                spans = [(m["start"], m["stop"]) for m in value.get("mentions", [])]
                if not spans and "start" in value:
                    spans = [(value["start"], value["stop"])]
                if spans:
                    participants.append(spans)
        if participants:
            facts.append(participants)
    return facts


def score_factru_meetings(docs: list[dict], tagger: EventTagger) -> dict:
    tagged = run_tagger({doc["doc_id"]: doc["text"] for doc in docs}, tagger)
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for row in tagged["mentions"].to_pylist():
        spans.setdefault((row["article_id"], row["entity_id"]), []).append((row["start"], row["stop"]))
    events = system_events(tagged)
    named = set(tagged["mentions"].column("entity_id").to_pylist())
    n_facts = covered = n_events = matching_events = 0
    for doc in docs:
        facts = meeting_facts(doc)
        n_facts += len(facts)
        meetings = [
            e
            for e in events.get(doc["doc_id"], [])
            if e["type"].startswith("04") and len(e["entity_ids"] & named) >= MEETING_PARTIES
        ]
        n_events += len(meetings)

        def covers(event, fact, doc_id=doc["doc_id"]):
            event_spans = [s for entity in event["entity_ids"] for s in spans.get((doc_id, entity), [])]
            return all(any(a < d and c < b for a, b in participant for c, d in event_spans) for participant in fact)

        covered += sum(any(covers(e, f) for e in meetings) for f in facts)
        matching_events += sum(any(covers(e, f) for f in facts) for e in meetings)
    figures = precision_recall_f1(matching_events, n_events, n_facts, found=covered)
    del figures["support"]  # the facts are its support, and the command's JSON has always named them so
    return {**figures, "facts": n_facts, "events": n_events, "documents": len(docs)}
