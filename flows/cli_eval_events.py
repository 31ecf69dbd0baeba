"""`newsetl eval events`: events against our gold set and factRuEval-2016's Meeting facts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flows.settings import PROJECT_ROOT

eval_events_app = typer.Typer(
    help="Measure the pipeline against gold annotations.\n\nExample: newsetl eval events tests/gold/events.toml",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@eval_events_app.command("events")
def events(
    gold: Annotated[Path, typer.Argument(help="Gold events (TOML, as tests/gold/events.toml).")],
    factru: Annotated[
        Path | None, typer.Option("--factru", help="factRuEval-2016 JSON Lines: also score its Meeting facts.")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Precision, recall and F1 of events: detection (type + trigger), participants, place, date, modality.

    JSON: {"detection": {"precision", "recall", "f1", "support"}, "participants",
    "place", "date", "modality", and with --factru "factru_meeting":
    {"precision", "recall", "f1", "facts", "events", "documents"}}.

    Example: newsetl eval events tests/gold/events.toml --factru ../shared/corpora/factru/devset.jsonl
    """
    from flows.cli_common import fail

    if output_format not in ("table", "json"):
        raise fail(f"unknown format {output_format!r}: use table or json", code=2)
    for path in (gold, factru):
        if path is not None and not path.is_file():
            raise fail(f"gold file does not exist: {path}", code=2)
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
    else:
        print_figures(figures, f"events on {gold} ({len(articles)} articles)")


def print_figures(figures: dict, title: str) -> None:
    from flows.cli_common import console

    table = Table(title=title)
    for name in ("what", "P", "R", "F1", "support"):
        table.add_column(name, justify="left" if name == "what" else "right")
    for name, row in figures.items():
        support = row.get("support", row.get("facts"))
        table.add_row(name, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}", str(support))
    console.print(table)
