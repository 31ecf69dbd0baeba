"""`newsetl eval`: measure the pipeline's quality against gold annotations (`ner` here, `events` from cli_eval_events)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flows.cli_eval_events import events as eval_events

eval_app = typer.Typer(
    help="Measure the pipeline against gold annotations.\n\nExample: newsetl eval ner ../shared/corpora/factru/devset.jsonl",
    no_args_is_help=True,
    rich_markup_mode=None,
)

eval_app.command("events")(eval_events)  # issue 6's command, in the one `eval` group

TAGGERS = ("pipeline", "bare")


@eval_app.command("ner")
def ner(
    gold: Annotated[Path, typer.Argument(help="Gold JSON Lines: doc_id, text, entities [{type, start, stop}].")],
    output_format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    tagger: Annotated[
        str, typer.Option("--tagger", help="pipeline (the tagging path of `newsetl run`) or bare (natasha segment + NER).")
    ] = "pipeline",
) -> None:
    """Precision, recall and F1 of PER/LOC/ORG mentions, per type and micro-averaged.

    Strict: same type and offsets. Overlap: same type, overlapping offsets.
    JSON: {"PER": {"precision", "recall", "f1", "support"}, "LOC", "ORG",
    "micro", "overlap": {the same shape}}.

    Example: newsetl eval ner ../shared/corpora/factru/devset.jsonl --format json
    """
    from flows.cli_common import fail

    if output_format not in ("table", "json"):
        raise fail(f"unknown format {output_format!r}: use table or json", code=2)
    if tagger not in TAGGERS:
        raise fail(f"unknown tagger {tagger!r}: use pipeline or bare", code=2)
    if not gold.is_file():
        raise fail(f"gold file does not exist: {gold}", code=2)
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
    else:
        print_figures(figures, f"{tagger} on {gold} ({len(docs)} documents)")


def print_figures(figures: dict, title: str) -> None:
    from flows.cli_common import console

    table = Table(title=title)
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
