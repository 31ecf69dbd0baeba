"""What every `newsetl` command module shares: the consoles, the --db and --batch-chars options, one way to fail."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()
errors = Console(stderr=True)

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB warehouse file.")]
BatchCharsOption = Annotated[
    int, typer.Option("--batch-chars", min=1, help="A batch also ends at this many characters of raw records.")
]


def fail(message: str, code: int = 1) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)
