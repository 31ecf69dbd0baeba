"""`newsetl entities show NAME`: what the warehouse knows of an entity, and the merges behind it, to audit them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.cli.common import console, fail, print_rows, say, setting

HELP = "Look up entities in the warehouse.\n\nExample: newsetl entities show Путин"
app = typer.Typer(name="entities", help=HELP, no_args_is_help=True)


@app.command("show")
def show(
    name: Annotated[str, typer.Argument(metavar="NAME", help="A name as written, in its normal form, or canonical.")],
    db: Path = setting("db_path"),
    limit: Annotated[
        int, typer.Option("--limit", metavar="N", min=1, help="At most N entities, forms and articles per merge.")
    ] = 10,
) -> None:
    """An entity's aliases, types, mention counts, and the entities merged into it with the articles behind each.

    NAME is matched case- and ё-insensitively against entity names and every
    mention's surface and normal form; each corpus-level entity it names is
    shown: the types its mentions had in their articles and have now (a name the
    corpus gives another type is re-typed), its forms (`entity_aliases`), and each
    article-level entity merged into it (re-typed, or a bare surname or
    abbreviation linked) with why and the articles it came from.

    Example: newsetl entities show "Голос Америки" --db data/news.duckdb
    """
    from warehouse.query import read_named

    params = {"name": name, "limit": limit}
    try:
        found = read_named(db, "show_entity", {"find_entities": params})["find_entities"].to_pylist()
    except FileNotFoundError as exc:
        raise fail(str(exc)) from None
    if not found:
        raise fail(f"no entity named {name!r} in {db}")
    for entity in found:
        ident = {"entity_id": entity["entity_id"], "limit": limit}
        details = read_named(db, "show_entity", {"entity_types": ident, "entity_forms": ident, "entity_merges": ident})
        say(
            f"{entity['type']} {entity['name']}  ({entity['entity_id']}): "
            f"{entity['n_mentions']} mentions in {entity['n_articles']} articles"
        )
        types = details["entity_types"]
        print_rows(["type in the article", "type now", "mentions", "articles"], _rows(types))
        print_rows(["kind", "form", "mentions", "articles"], _rows(details["entity_forms"]))
        merges = details["entity_merges"].to_pylist()
        if merges:
            print_rows(
                ["merged entity", "type", "name", "why", "mentions", "articles", "from articles"],
                [[*m.values()][:-1] + [", ".join(m["articles"])] for m in merges],
            )
        else:
            console.print("nothing merged into it", style="dim")


def _rows(table) -> list[list]:
    return [list(row.values()) for row in table.to_pylist()]
