"""`newsetl quarantine list|show|replay`: read what failed, and run it through the pipeline again."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from flows.cli.common import build, console, fail, note, print_rows, run_flow, setting
from flows.counts import QUARANTINED_BY_STAGE
from flows.settings import ReplaySettings, configure_environment
from transforms.quarantine import preview
from transforms.stages import Stage

app = typer.Typer(
    name="quarantine",
    help="Read quarantined records and replay them.\n\nExample: newsetl quarantine list --stage validate",
    no_args_is_help=True,
)


# What `list` shows of a reason and of a payload (from its stored first characters: see warehouse/sql/quarantine.sql).
LIST_REASON_CHARS = 200
LIST_PAYLOAD_CHARS = 60


def _rows(db_path: Path, query: str, params: dict) -> list[dict]:
    import duckdb  # DuckDB and Arrow load only for commands that read the warehouse

    from warehouse import db

    try:
        con = db.connect(db_path, read_only=True)
    except FileNotFoundError as exc:
        raise fail(str(exc)) from None
    try:
        return db.rows(con.execute(db.statements("quarantine")[query], params))
    except duckdb.BinderException:  # payload_chars and payload_preview came with migration 016
        raise fail(f"{db_path} was made by an older version: a run (`newsetl run`) upgrades it") from None
    finally:
        con.close()


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _payload_cell(row: dict) -> str:
    """The start of a payload on one line, and its length when that is not all of it."""
    return preview(_one_line(row["payload_preview"]), LIST_PAYLOAD_CHARS, row["payload_chars"])


@app.command("list")
def list_quarantine(
    db: Path = setting("db_path"),
    stage: Annotated[
        Stage | None,
        typer.Option(
            "--stage", metavar="STAGE", help=f"Only what this stage quarantined: {', '.join(QUARANTINED_BY_STAGE)}."
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", metavar="N", min=1, help="Show at most this many rows.")] = 100,
) -> None:
    """List quarantined records, newest first: the reason each failed and the start of its payload.

    Payloads are not read (one can be a gigabyte): `show ID --output FILE` writes one whole.

    Example: newsetl quarantine list --stage validate --db data/news.duckdb
    """
    rows = _rows(db, "list_quarantine", {"stage": stage and str(stage), "limit": limit})
    print_rows(
        ("quarantine_id", "stage", "record_key", "reason", "payload"),
        (
            (r["quarantine_id"], r["stage"], r["record_key"], preview(_one_line(r["reason"]), LIST_REASON_CHARS), _payload_cell(r))
            for r in rows
        ),
    )  # fmt: skip


@app.command("show")
def show_quarantine(
    quarantine_id: Annotated[
        str, typer.Argument(metavar="ID", help="The quarantine_id, as `quarantine list` shows it.")
    ],
    db: Path = setting("db_path"),
    output: Annotated[
        Path | None,
        typer.Option("--output", metavar="FILE", help="Write the whole payload to FILE (as it was read, UTF-8)."),
    ] = None,
) -> None:
    """Show one quarantined record: where it came from, why it failed, and the start of its raw payload.

    The first 1,000 characters of the payload are printed; --output FILE writes all of it.

    Example: newsetl quarantine show 3f2a9c0d1e4b5a67 --output record.txt
    """
    rows = _rows(db, "show_quarantine", {"quarantine_id": quarantine_id})
    if not rows:
        raise fail(f"no quarantined record with id {quarantine_id}")
    row = rows[0]
    for name in ("quarantine_id", "run_id", "stage", "source", "record_key", "reason", "quarantined_at"):
        console.print(f"[bold]{name}:[/] {escape(str(row[name]))}", highlight=False)
    chars, start = row["payload_chars"] or 0, row["payload_preview"] or ""
    whole = len(start) >= chars
    shown = "" if whole else f", the first {len(start):,} below (--output FILE writes it whole)"
    console.print(f"[bold]payload:[/] {chars:,} characters{shown}", highlight=False)
    console.print(start, markup=False, highlight=False)
    if output is not None:
        written = _write_payload(db, quarantine_id, output)
        note(f"payload of {chars:,} characters ({written:,} bytes) written to {output}")


def _write_payload(db_path: Path, quarantine_id: str, output: Path) -> int:
    """Write one record's whole payload to `output` as UTF-8, straight from DuckDB's Arrow buffer; return its bytes."""
    from warehouse import db

    con = db.connect(db_path, read_only=True)
    try:
        payload = con.sql(db.statements("quarantine")["quarantine_payload"], params={"quarantine_id": quarantine_id})
        value = payload.to_arrow_table().column("payload")[0]
    finally:
        con.close()
    data = value.as_buffer() if value.is_valid else b""
    try:
        output.write_bytes(memoryview(data))
    except OSError as exc:
        raise fail(f"could not write {output}: {exc.strerror or exc}") from None
    return len(data)


@app.command("replay")
def replay_quarantine(  # each parameter named after its settings field (see `build`)
    stage: str | None = setting("stage"),
    db_path: Path = setting("db_path"),
    lake_dir: str = setting("lake_dir"),
    batch_size: int = setting("batch_size"),
    batch_chars: int = setting("batch_chars"),
) -> None:
    """Run quarantined records through the pipeline again (after a fix).

    Records that now pass load and leave quarantine; the rest stay.

    Example: newsetl quarantine replay --stage normalize --db data/news.duckdb
    """
    settings = build(ReplaySettings, locals())
    if not db_path.exists():
        raise fail(f"no warehouse at {db_path}: run `newsetl run` first")
    configure_environment()
    run_flow("the replay", load_quarantine_replay, settings)


def load_quarantine_replay():
    from flows.replay import quarantine_replay  # imports Prefect

    return quarantine_replay
