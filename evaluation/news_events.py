"""Scoring events against the gold annotated on real news (tests/gold/events_news_bulk.toml).

The gold names articles of a corpus (`../shared/corpora/news_bulk_dev.jsonl.gz`)
by their record `id` and points into their text by offsets: the articles are
read from the corpus and normalized as `newsetl run` does (`read_articles`),
then tagged as `newsetl run` tags them (`evaluation.events.run_tagger`).
Each article belongs to one part, `tune` or `holdout` (`part_of`, a fixed
split): rules are written from tune errors only, and both are reported.

What is counted (`score`), per part and per CAMEO root:
- an event is *real* when its trigger overlaps a gold trigger, *right* when
  that gold event has the same root; precision = right / system events,
  recall = gold events some right system event matches / gold events;
- over the right events (`matched`): `actor`, the share of those whose gold
  names a doer that have a correct actor (a participant with role actor
  whose entity's name or one of whose mentions matches a gold actor: see
  `names_match`); `target` likewise; `with_actor`, the share of all system
  events with any actor; `modality`, the share with the gold modality;
  `date`, the share of those whose gold has an explicit date that got its
  value and precision; `dated_wrong`, system dates where the gold has none
  or another one, over system dates.
Figures are rounded like every figure of `evaluation` (evaluation.metrics.DIGITS).
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from evaluation.metrics import DIGITS, precision_recall_f1
from transforms.events import CONFIDENT
from transforms.extract import iter_chunks, parse_items
from transforms.names import entity_key
from transforms.normalize import normalize

PARTS = ("tune", "holdout")
SPLIT_SALT = "events-gold-21"  # the fixed seed of the split: changing it would put tuned-on text in the holdout
ROLE_KEYS = {"actor": "actors", "target": "targets"}
WORD = re.compile(r"\w+")


def part_of(article_id: str) -> str:
    """`tune` or `holdout`: the parity of the SHA-1 of SPLIT_SALT + the article's corpus id."""
    digest = int(hashlib.sha1((SPLIT_SALT + article_id).encode("utf-8")).hexdigest(), 16)
    return PARTS[digest % 2]


def read_gold(path: Path) -> list[dict]:
    """The gold articles (`id`, `events`) of a gold TOML file in the format of events_news_bulk.toml."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    articles = []
    for article in data["article"]:
        if "id" not in article or "text" in article or "file" in article:
            raise ValueError("not a real-news gold file: its articles must name a corpus record by `id` only")
        articles.append({"id": article["id"], "part": part_of(article["id"]), "events": article.get("event", [])})
    return articles


def is_real_news_gold(path: Path) -> bool:
    """Whether a gold TOML file points into a corpus (articles with an `id` and no text of their own)."""
    articles = tomllib.loads(path.read_text(encoding="utf-8")).get("article", [])
    return bool(articles) and all("text" not in a and "file" not in a for a in articles)


def read_articles(corpus: Path, ids: set[str]) -> pa.Table:
    """The records of `corpus` whose `id` is in `ids`, normalized as `newsetl run` normalizes them.

    Adds the column `corpus_id` (the record's `id`). Raises ValueError naming an id the corpus lacks.
    """
    tables = []
    for chunk in iter_chunks([corpus], batch_size=500):
        raw, _ = parse_items(chunk)
        corpus_ids = [_record_id(payload) for payload in raw.column("payload").to_pylist()]
        keep = [i for i, record_id in enumerate(corpus_ids) if record_id in ids]
        if keep:
            articles, _ = normalize(raw.take(keep), fetched_at=datetime.now(UTC))
            ids_of = {payload: _record_id(payload) for payload in raw.take(keep).column("payload").to_pylist()}
            tables.append(
                articles.append_column(
                    "corpus_id", pa.array([ids_of[p] for p in articles.column("payload").to_pylist()])
                )
            )
    found = pa.concat_tables(tables) if tables else None
    missing = ids - set(found.column("corpus_id").to_pylist() if found is not None else [])
    if missing:
        raise ValueError(f"{corpus}: no record with id {sorted(missing)[0]!r} (and {len(missing) - 1} more)")
    return found


def _record_id(payload: str | None) -> str | None:
    try:
        record = json.loads(payload or "")
    except ValueError:
        return None
    return record.get("id") if isinstance(record, dict) else None


def check_alignment(articles: list[dict], texts: dict[str, str]) -> None:
    """Raise ValueError when a gold span's text is not at its offset in the article's text."""
    for article in articles:
        text = texts[article["id"]]
        for event in article["events"]:
            spans = [{"text": event["trigger"], "start": event["start"]}]
            spans += [s for key in ("actors", "targets") for s in event.get(key, [])]
            spans += [event[key] for key in ("place", "date_span") if key in event]
            for span in spans:
                if text[span["start"] : span["start"] + len(span["text"])] != span["text"]:
                    raise ValueError(
                        f"{article['id']}: gold span {span['text']!r} is not at offset {span['start']} of its text"
                    )


STEM = 5  # names compare by the first letters of their words: «врач» and «врачи», «Самара» and «Самары»


def _words(name: str) -> set[str]:
    return {word[:STEM] for word in WORD.findall(entity_key(name))}


def names_match(gold: dict, name: str, spans: list[tuple[int, int]]) -> bool:
    """Whether a system participant (its entity's `name` and mention `spans`) is the gold participant.

    Yes when one of its mentions overlaps the gold mention, or when the words
    of one name are all among the words of the other («Путин» and «Владимир
    Путин»; «МВД» and «ГУ МВД по Республике Дагестан»), compared case- and
    ё-insensitively by their first STEM letters (a ROLE participant is named
    by a lemma, «житель», the gold as written, «жители Самары»).
    """
    start, stop = gold["start"], gold["start"] + len(gold["text"])
    if any(s < stop and start < e for s, e in spans):
        return True
    mine, theirs = _words(name), _words(gold["name"])
    return bool(mine) and bool(theirs) and (mine <= theirs or theirs <= mine)


def system_events(tagged: dict, corpus_ids: dict[str, str]) -> dict[str, list[dict]]:
    """System events by corpus id, each with `roles` {role: [(name, spans)]}.

    `tagged` holds the tables `evaluation.events.run_tagger` returns (events,
    participants, entities, mentions); `corpus_ids` maps the tagger's article
    ids to corpus ids.
    """
    names = {row["entity_id"]: row["name"] for row in tagged["entities"].to_pylist()}
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for row in tagged["mentions"].to_pylist():
        spans.setdefault((row["article_id"], row["entity_id"]), []).append((row["start"], row["stop"]))
    roles: dict[str, dict[str, list]] = {}
    for row in tagged["participants"].to_pylist():
        entity = (names.get(row["entity_id"], ""), spans.get((row["article_id"], row["entity_id"]), []))
        roles.setdefault(row["event_id"], {}).setdefault(row["role"], []).append(entity)
    by_article: dict[str, list[dict]] = {}
    for event in tagged["events"].to_pylist():
        event["roles"] = roles.get(event["event_id"], {})
        by_article.setdefault(corpus_ids[event["article_id"]], []).append(event)
    return by_article


def _root(event_type: str) -> str:
    return event_type[:2]


def _ratio(right: int, total: int) -> float:
    return round(right / total, DIGITS) if total else 0.0


class Tally:
    """Counts of one part (or of one root within it)."""

    def __init__(self):
        self.counts: Counter = Counter()

    def add(self, **counts: int) -> None:
        self.counts.update(counts)

    def figures(self) -> dict:
        c = self.counts
        detection = precision_recall_f1(c["right"], c["system"], c["gold"], found=c["found"])
        return {
            **detection,
            "system": c["system"],
            "real": _ratio(c["real"], c["system"]),
            "matched": c["right"],
            "actor": _ratio(c["actor_right"], c["actor_gold"]),
            "target": _ratio(c["target_right"], c["target_gold"]),
            "with_actor": _ratio(c["with_actor"], c["system"]),
            "modality": _ratio(c["modality_right"], c["right"]),
            "date": _ratio(c["date_right"], c["date_gold"]),
            "dates": c["date_gold"],
            "dated_wrong": _ratio(c["dated_wrong"], c["dated"]),
        }


def _has_right(gold_people: list[dict], system_people: list) -> bool:
    return any(names_match(g, name, spans) for g in gold_people for name, spans in system_people)


def match(gold_events: list[dict], system: list[dict]) -> tuple[dict[int, int], set[int]]:
    """(system index → gold index of the same root it matches, system indexes overlapping any gold trigger)."""
    right: dict[int, int] = {}
    real: set[int] = set()
    used: set[int] = set()
    for event in sorted(system, key=lambda e: e["start"]):
        for j, gold in enumerate(gold_events):
            if event["start"] < gold["start"] + len(gold["trigger"]) and gold["start"] < event["stop"]:
                real.add(id(event))
                if j not in used and _root(event["type"]) == gold["type"]:
                    used.add(j)
                    right[id(event)] = j
                    break
    return right, real


def score(articles: list[dict], system: dict[str, list[dict]]) -> dict:
    """Figures per part (see the module's docstring).

    {part: {"all": figures, "confident": figures, "roots": {root: figures}}}: `confident` counts only
    the system events the views show by default (confidence at least transforms.events.CONFIDENT)
    against the same gold events.
    """
    confident = {
        article_id: [e for e in events if e.get("confidence") is None or e["confidence"] >= CONFIDENT]
        for article_id, events in system.items()
    }
    every, shown = _tallies(articles, system), _tallies(articles, confident)
    return {
        part: {
            "all": t["all"].figures(),
            "confident": shown[part]["all"].figures(),
            "roots": {root: tally.figures() for root, tally in sorted(t["roots"].items())},
        }
        for part, t in every.items()
    }


def _tallies(articles: list[dict], system: dict[str, list[dict]]) -> dict[str, dict]:
    """{part: {"all": Tally, "roots": {root: Tally}}} of the system events against the gold."""
    tallies = {part: {"all": Tally(), "roots": {}} for part in PARTS}
    for article in articles:
        part = tallies[article["part"]]
        events = system.get(article["id"], [])
        right, real = match(article["events"], events)
        found = {j for j in right.values()}

        def tallies_of(root: str, part=part) -> tuple[Tally, Tally]:
            return part["all"], part["roots"].setdefault(root, Tally())

        for j, gold in enumerate(article["events"]):
            for tally in tallies_of(gold["type"]):
                tally.add(gold=1, found=int(j in found))
        for event in events:
            j = right.get(id(event))
            counts = Counter(system=1, real=int(id(event) in real), with_actor=int(bool(event["roles"].get("actor"))))
            if event["event_date"] is not None:
                counts["dated"] = 1
            if j is None:
                counts["dated_wrong"] = counts["dated"]
            else:
                gold = article["events"][j]
                counts.update(right=1, modality_right=int(gold["modality"] == event["modality"]))
                for role, key in ROLE_KEYS.items():
                    if gold.get(key):
                        counts[f"{role}_gold"] = 1
                        counts[f"{role}_right"] = int(_has_right(gold[key], event["roles"].get(role, [])))
                same_date = gold.get("date") == (event["event_date"].isoformat() if event["event_date"] else None)
                same_date = same_date and gold.get("precision") == event["date_precision"]
                if gold.get("date"):
                    counts.update(date_gold=1, date_right=int(same_date))
                counts["dated_wrong"] = int(counts["dated"] and not same_date)
            for tally in tallies_of(_root(event["type"])):
                tally.add(**counts)
    return tallies
