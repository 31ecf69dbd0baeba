"""What every `newsetl` command module shares: the consoles, the --db option, one way to fail."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()
errors = Console(stderr=True)

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB warehouse file.")]


def fail(message: str, code: int = 1) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)
