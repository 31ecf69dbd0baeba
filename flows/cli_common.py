"""What every `newsetl` command module shares: the consoles, the options several commands take, one way to fail."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from flows.settings import RunSettings

DEFAULTS = RunSettings()  # each option's default is its setting's
console = Console()
errors = Console(stderr=True)

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB warehouse file.")]
LakeOption = Annotated[str, typer.Option("--lake", help="Directory or fsspec URL of the Parquet lake.")]
BatchSizeOption = Annotated[int, typer.Option("--batch-size", min=1, help="Articles per batch.")]
WorkersOption = Annotated[int | None, typer.Option("--workers", min=1, help="Tagging processes (default: one per core).")]
BatchCharsOption = Annotated[
    int, typer.Option("--batch-chars", min=1, help="A batch also ends at this many characters of raw records.")
]


def fail(message: str, code: int = 1) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)
