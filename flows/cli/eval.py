"""`newsetl eval ner|events`: measure the pipeline's tagging against gold annotations."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flows.cli.common import choice, console, fail
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
    gold: Annotated[Path, typer.Argument(metavar="GOLD", help="Gold events (TOML, as tests/gold/events.toml).")],
    factru: Annotated[
        Path | None,
        typer.Option("--factru", metavar="FILE", help="factRuEval-2016 JSON Lines: also score its Meeting facts."),
    ] = None,
    output_format: FormatOption = "table",
) -> None:
    """Precision, recall and F1 of events: detection (type + trigger), participants, place, date, modality.

    JSON: {"detection": {"precision", "recall", "f1", "support"}, "participants",
    "place", "date", "modality", and with --factru "factru_meeting":
    {"precision", "recall", "f1", "facts", "events", "documents"}}.

    Example: newsetl eval events tests/gold/events.toml --factru ../shared/corpora/factru/devset.jsonl
    """
    _check(gold, factru)
    from evaluation.events import read_factru, read_gold, run_tagger, score, score_factru_meetings, system_events
    from transforms.events import load_event_tagger

    try:
        articles = read_gold(gold, PROJECT_ROOT)
        factru_docs = read_factru(factru) if factru else None
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise fail(f"{gold}: {exc}") from None
    tagger = load_event_tagger()
    tagged = run_tagger({a["id"]: a["text"] for a in articles}, tagger, {a["id"]: a["published"] for a in articles})
    figures = score(articles, system_events(tagged))
    if factru_docs is not None:
        figures["factru_meeting"] = score_factru_meetings(factru_docs, tagger)
    if output_format == "json":
        sys.stdout.write(json.dumps(figures) + "\n")
        return
    table = Table(title=f"events on {gold} ({len(articles)} articles)")
    for name in ("what", "P", "R", "F1", "support"):
        table.add_column(name, justify="left" if name == "what" else "right")
    for name, row in figures.items():
        support = row.get("support", row.get("facts"))
        table.add_row(name, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}", str(support))
    console.print(table)
