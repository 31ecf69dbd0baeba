"""`newsetl eval ner|events|stories`: measure the pipeline's tagging against gold annotations."""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flows.cli.common import choice, console, fail, setting
from flows.settings import PROJECT_ROOT

app = typer.Typer(
    name="eval",
    help="Measure the pipeline against gold annotations.\n\nExample: newsetl eval ner ../shared/corpora/factru/devset.jsonl",
    no_args_is_help=True,
)

FORMATS = ("table", "json")
TAGGERS = ("pipeline", "bare")
FormatOption = choice("--format", FORMATS, "table or json.")
TaggerOption = choice(
    "--tagger", TAGGERS, "pipeline (the tagging path of `newsetl run`) or bare (natasha segment + NER)."
)


def _check(*gold: Path | None, folders: bool = False) -> None:
    for path in gold:
        if path is not None and not (path.is_file() or (folders and path.is_dir())):
            raise fail(f"gold file does not exist: {path}", code=2)


@app.command("ner")
def ner(
    gold: Annotated[
        Path,
        typer.Argument(
            metavar="GOLD.jsonl|BRAT_DIR",
            help="Gold JSON Lines (doc_id, text, entities [{type, start, stop}]) or a folder of brat .txt/.ann files.",
        ),
    ],
    output_format: FormatOption = "table",
    tagger: TaggerOption = "pipeline",
) -> None:
    """Precision, recall and F1 of PER/LOC/ORG mentions, per type and micro-averaged.

    Strict: same type and offsets. Overlap: same type, overlapping offsets.
    A brat folder (NEREL's) has its types mapped to PER/LOC/ORG (PERSON; CITY,
    COUNTRY, STATE_OR_PROVINCE, DISTRICT, LOCATION; ORGANIZATION), the
    outermost of nested spans kept, the other types not scored.
    JSON: {"PER": {"precision", "recall", "f1", "support"}, "LOC", "ORG",
    "micro", "overlap": {the same shape}}.

    Example: newsetl eval ner ../shared/corpora/nerel/dev --format json
    """
    _check(gold, folders=True)
    from evaluation.entities import bare_spans, pipeline_spans, read_gold, score
    from transforms.models import load_models

    try:
        docs = read_gold(gold)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise fail(str(exc)) from None
    models = load_models()
    tag = pipeline_spans if tagger == "pipeline" else bare_spans
    figures = score([doc["gold"] for doc in docs], [tag(doc["text"], models) for doc in docs])
    if output_format == "json":
        sys.stdout.write(json.dumps(figures) + "\n")
        return
    table = Table(title=f"{tagger} on {gold} ({len(docs)} documents)")
    table.add_column("type")
    for match in ("strict", "overlap"):
        for name in ("P", "R", "F1"):
            table.add_column(f"{match} {name}", justify="right")
    table.add_column("support", justify="right")
    for kind, strict in ((k, v) for k, v in figures.items() if k != "overlap"):
        overlap = figures["overlap"][kind]
        cells = [f"{row[m]:.3f}" for row in (strict, overlap) for m in ("precision", "recall", "f1")]
        table.add_row(kind, *cells, str(strict["support"]))
    console.print(table)


@app.command("events")
def events(
    gold: Annotated[
        Path,
        typer.Argument(
            metavar="GOLD",
            help="Gold events (TOML): composed articles (tests/gold/events.toml) or real-news annotations "
            "pointing into a corpus (tests/gold/events_news_bulk.toml, with --corpus).",
        ),
    ],
    corpus: Annotated[
        Path | None,
        typer.Option(
            "--corpus", metavar="FILE", help="The corpus a real-news gold file points into (its records' `id`)."
        ),
    ] = None,
    factru: Annotated[
        Path | None,
        typer.Option("--factru", metavar="FILE", help="factRuEval-2016 JSON Lines: also score its Meeting facts."),
    ] = None,
    output_format: FormatOption = "table",
) -> None:
    """Score the event tagger against gold events.

    Composed gold: precision, recall and F1 of detection (type + trigger),
    participants, place, date, modality. Real-news gold (with --corpus): for
    the tune and the holdout part, overall, over the confident events only
    (those the views count) and per CAMEO root: precision (system events with
    the right root), recall, the share of real events, actor, target, modality
    and date right, the share of events with an actor. With --factru,
    factRuEval's Meeting facts too.

    JSON: composed: {"detection": {"precision", "recall", "f1", "support"},
    "participants", "place", "date", "modality"}; real news: {"tune": {"all":
    {...}, "confident": {...}, "roots": {"01": {...}, ...}}, "holdout": {...}}; with --factru also
    "factru_meeting": {"precision", "recall", "f1", "facts", "events", "documents"}.

    Example: newsetl eval events tests/gold/events_news_bulk.toml --corpus ../shared/corpora/news_bulk_dev.jsonl.gz
    """
    _check(gold, factru, corpus)
    from evaluation import news_events
    from evaluation.events import read_factru, score_factru_meetings
    from transforms.events import load_event_tagger

    try:
        real = news_events.is_real_news_gold(gold)
        if real and corpus is None:
            raise fail(f"{gold} points into a corpus: give it with --corpus FILE", code=2)
        factru_docs = read_factru(factru) if factru else None
        tagger = load_event_tagger()
        figures = _score_real(gold, corpus, tagger) if real else _score_composed(gold, tagger)
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise fail(f"{gold}: {exc}") from None
    if factru_docs is not None:
        figures["factru_meeting"] = score_factru_meetings(factru_docs, tagger)
    if output_format == "json":
        sys.stdout.write(json.dumps(figures) + "\n")
        return
    if real:
        for part in news_events.PARTS:
            _print_real(f"{part} part of {gold}", figures[part])
    else:
        _print_composed(f"events on {gold}", {k: v for k, v in figures.items() if k != "factru_meeting"})
    if factru_docs is not None:
        _print_composed(f"factRuEval Meeting facts of {factru}", {"factru_meeting": figures["factru_meeting"]})


@app.command("stories")
def stories(
    gold: Annotated[
        Path,
        typer.Argument(
            metavar="GOLD",
            help="Gold pairs of articles (TOML, tests/gold/stories_news_bulk.toml): same story or not.",
        ),
    ],
    db: Path = setting("db_path"),
    output_format: FormatOption = "table",
) -> None:
    """Pairwise precision, recall and F1 of the warehouse's stories against gold pairs of articles.

    For the tune and the holdout part of the gold: the story assignment (a pair is together when
    both articles are in one story) and the near-duplicate baseline (together only when one is the
    other's near copy, both copy one original, or their texts are identical). Pairs whose articles
    the warehouse lacks are counted as missing, not scored.
    JSON: {"tune": {"pairs", "same", "missing", "system": {"precision", "recall", "f1", "support",
    "predicted"}, "near_duplicates": {...}}, "holdout": {...}}; `predicted`, the pairs a predictor
    joined (with none, its precision is undefined: shown as "-").

    Example: newsetl eval stories tests/gold/stories_news_bulk.toml --db /tmp/news.duckdb --format json
    """
    _check(gold)
    from evaluation import stories as story_eval
    from warehouse.query import read_named

    try:
        pairs = story_eval.read_gold(gold)
    except (OSError, UnicodeDecodeError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise fail(f"{gold}: {exc}") from None
    ids = sorted({p[side] for p in pairs for side in ("a_article", "b_article")})
    try:
        table = read_named(db, "stories", {"pair_articles": {"ids": ids}})["pair_articles"]
    except FileNotFoundError as exc:
        raise fail(str(exc)) from None
    figures = story_eval.score(pairs, {row["article_id"]: row for row in table.to_pylist()})
    if output_format == "json":
        sys.stdout.write(json.dumps(figures) + "\n")
        return
    table = Table(title=f"stories of {db} against {gold}")
    for name in ("part", "predictor", "P", "R", "F1", "joined", "same", "pairs", "missing"):
        table.add_column(name, justify="left" if name in ("part", "predictor") else "right")
    for part in story_eval.PARTS:
        row = figures[part]
        for name in story_eval.PREDICTORS:
            figure = row[name]
            precision = f"{figure['precision']:.3f}" if figure["predicted"] else "-"
            cells = (precision, f"{figure['recall']:.3f}", f"{figure['f1']:.3f}", str(figure["predicted"]))
            table.add_row(part, name, *cells, str(row["same"]), str(row["pairs"]), str(row["missing"]))
    console.print(table)


def _score_composed(gold: Path, tagger) -> dict:
    from evaluation.events import read_gold, run_tagger, score, system_events

    articles = read_gold(gold, PROJECT_ROOT)
    tagged = run_tagger({a["id"]: a["text"] for a in articles}, tagger, {a["id"]: a["published"] for a in articles})
    return score(articles, system_events(tagged))


def _score_real(gold: Path, corpus: Path, tagger) -> dict:
    from evaluation import news_events
    from evaluation.events import run_tagger

    articles = news_events.read_gold(gold)
    table = news_events.read_articles(corpus, {a["id"] for a in articles})
    rows = table.select(["article_id", "corpus_id", "text", "published_date"]).to_pylist()
    news_events.check_alignment(articles, {r["corpus_id"]: r["text"] for r in rows})
    published = {r["article_id"]: r["published_date"].isoformat() if r["published_date"] else None for r in rows}
    tagged = run_tagger({r["article_id"]: r["text"] for r in rows}, tagger, published)
    corpus_ids = {r["article_id"]: r["corpus_id"] for r in rows}
    return news_events.score(articles, news_events.system_events(tagged, corpus_ids))


# Columns of the real-news table: (figure, heading); the JSON names every figure in full.
REAL_COLUMNS = (
    ("system", "events"), ("precision", "P"), ("recall", "R"), ("f1", "F1"), ("actor", "actor"),
    ("target", "targ."), ("with_actor", "w/act"), ("modality", "mod."), ("date", "date"),
    ("dates", "dated"), ("support", "gold"),
)  # fmt: skip


def _print_real(title: str, figures: dict) -> None:
    table = Table(title=title, box=None, padding=(0, 1))
    table.add_column("root")
    for _, heading in REAL_COLUMNS:
        table.add_column(heading, justify="right")
    rows = (("all", figures["all"]), ("confident", figures["confident"]), *figures["roots"].items())
    for root, row in rows:
        table.add_row(root, *(str(row[c]) if isinstance(row[c], int) else f"{row[c]:.2f}" for c, _ in REAL_COLUMNS))
    console.print(table)


def _print_composed(title: str, figures: dict) -> None:
    table = Table(title=title)
    for name in ("what", "P", "R", "F1", "support"):
        table.add_column(name, justify="left" if name == "what" else "right")
    for name, row in figures.items():
        support = row.get("support", row.get("facts"))
        table.add_row(name, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}", str(support))
    console.print(table)
