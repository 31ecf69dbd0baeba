"""What the `newsetl` command modules share: the consoles, one way to fail, the options that settings
fields declare, the check of the inputs a run reads, and the printing several commands do.

An option for a settings field is `setting(field)`: its flag and metavar come from OPTIONS, its help,
default and limits from the field in flows/settings.py, so none of them is written twice.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import annotated_types
import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from flows.counts import RUN_COUNTS, SUMMARY
from flows.settings import ReplaySettings, RunSettings

if TYPE_CHECKING:
    from transforms.sources.config import Source

console = Console()
errors = Console(stderr=True)

# Every settings field, by name (a field of several models is the same LoadSettings field in each).
FIELDS = {**RunSettings.model_fields, **ReplaySettings.model_fields}
# The flag and metavar of each settings field the command line takes as an option.
OPTIONS: dict[str, tuple[str, str | None]] = {
    "db_path": ("--db", "FILE"),
    "lake_dir": ("--lake", "DIR|URL"),
    "batch_size": ("--batch-size", "N"),
    "batch_chars": ("--batch-chars", "N"),
    "workers": ("--workers", "N"),
    "dask_address": ("--dask-address", "tcp://HOST:PORT"),
    "lock_timeout": ("--wait", "SECONDS"),
    "default_timezone": ("--timezone", "ZONE"),
    "near_duplicate_threshold": ("--near-duplicate-threshold", "X"),
    "report_path": ("--report", "FILE"),
    "story_window_days": ("--story-window", "DAYS"),
    "story_threshold": ("--story-threshold", "X"),
    "max_article_chars": ("--max-article-chars", "N"),
    "max_file_bytes": ("--max-file-bytes", "N"),
    "max_lines_per_file": ("--max-lines-per-file", "N"),
    "max_json_depth": ("--max-json-depth", "N"),
    "sources_file": ("--sources", "FILE"),
    "only": ("--only", "NAME"),
    "full": ("--full", None),
    "stage": ("--stage", "STAGE"),
}
INPUTS = "PATH|URL"  # the arguments of RunSettings.inputs

Settings = TypeVar("Settings", bound=BaseModel)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `error: message` on stderr; the caller raises the returned exit (1: the work failed, 2: usage)."""
    errors.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def say(line: str) -> None:
    """One line of plain text on stdout: no markup, no highlighting, not wrapped."""
    console.print(line, markup=False, highlight=False, soft_wrap=True)


def note(line: str) -> None:
    """One line on stderr beside a command's output (a wait, where a file went)."""
    errors.print(line, markup=False, highlight=False, soft_wrap=True)


def setting(field: str, **extra: Any) -> Any:
    """The option of a settings field: flag and metavar from OPTIONS; help, default and limits from the field.

    Inclusive limits (ge, le) are the option's min and max; exclusive ones (gt, lt) are left to the
    settings model, whose refusal `build` reports as a usage error naming the option.
    """
    info = FIELDS[field]
    flag, metavar = OPTIONS[field]
    limits = {}
    for constraint in info.metadata:
        if isinstance(constraint, annotated_types.Ge):
            limits["min"] = constraint.ge
        elif isinstance(constraint, annotated_types.Le):
            limits["max"] = constraint.le
    default = info.get_default(call_default_factory=True)
    return typer.Option(default, flag, metavar=metavar, help=info.description, **limits, **extra)


def choice(flag: str, choices: Sequence[str], help: str) -> Any:
    """The type of an option that takes one of `choices`, shown as `a|b|c`; any other value is a usage error (code 2)."""
    return Annotated[Literal[tuple(choices)], typer.Option(flag, metavar="|".join(choices), help=help)]


def inputs_argument() -> Any:
    """The PATH|URL arguments (RunSettings.inputs); none given: the field's default."""
    return typer.Argument(None, metavar=INPUTS, help=FIELDS["inputs"].description, show_default=False)


def build(model: type[Settings], arguments: dict[str, Any]) -> Settings:
    """The settings of a command from its arguments (`locals()`), each parameter named after its field.

    Arguments that are no field of the model are left out, and so is None (not given: the default);
    a path becomes its string. A value the model refuses is a usage error (code 2) naming its option.
    """
    values = {
        name: str(value) if isinstance(value, Path) else value
        for name, value in arguments.items()
        if name in model.model_fields and value is not None
    }
    try:
        return model(**values)
    except ValidationError as exc:
        problems = [f"{_option_name(str(e['loc'][0]))}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()]
        raise fail("; ".join(problems), code=2) from None


def _option_name(field: str) -> str:
    return INPUTS if field == "inputs" else OPTIONS.get(field, (field, None))[0]


def check_inputs(settings: RunSettings) -> list[Source]:
    """Usage errors of what a run would read (a missing path, a bad sources file), before anything starts;
    the run's sources."""
    from transforms.sources.config import SourceConfigError, is_url, sources_to_read

    missing = [p for p in settings.inputs if not is_url(p) and not Path(p).exists()]
    if missing and not settings.sources_file:
        raise fail(f"input path does not exist: {', '.join(missing)}", code=2)
    try:
        return sources_to_read(settings.inputs, settings.sources_file, settings.only)[0]
    except SourceConfigError as exc:
        raise fail(str(exc), code=2) from None


def run_flow(what: str, load_flow: Callable[[], Callable[[Settings], dict]], settings: Settings) -> None:
    """Run a flow (news_etl, quarantine_replay; `load_flow` imports it) on its settings and print its summary; a
    failure exits with 1.

    On a terminal a live line shows the run's progress (flows/cli/live.py). The
    workers' fork server and Prefect's temporary server (if the run needs one)
    start before anything heavy is imported, each on a core of its own, while
    this process imports the flow and loads its own models (flows/startup.py);
    the temporary server ends with this process however it ends.
    """
    from flows.cli.live import live_progress
    from flows.stages import raised_with
    from flows.startup import server_in_use, start_loading_tagging_models, temporary_server_started

    try:
        with live_progress(errors):  # first: the fork server keeps the logging setup it starts with
            start_loading_tagging_models(settings.dask_address)
            with temporary_server_started() as server:
                flow = load_flow()
                from flows.tasks import load_flow_process_models

                load_flow_process_models()
                with server_in_use(server):
                    summary = flow(settings)
    except Exception as exc:
        from flows.runners import PrefectServerGone

        # With its server gone, Prefect fails on its own calls after the run stopped: say why the run stopped.
        gone = next((error for error in raised_with(exc) if isinstance(error, PrefectServerGone)), None)
        if gone is None:
            raise fail(f"{what} failed: {type(exc).__name__}: {exc}") from None
        fail(f"{what} failed: {gone}")
        # The run is recorded and closed; at exit Prefect would try each unsent event against the gone
        # server, 7 s apiece (minutes), and nothing else is left to do: leave now. (Workers die with this
        # process, and the guard ends a temporary server: docs/crashes.md.)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)
    print_summary(summary)


def print_summary(summary: dict) -> None:
    """What a run (or a replay) did: the counts of counts.SUMMARY, the languages, where to look next."""
    say(f"run {summary['run_id']} completed")
    table = Table(show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for key in SUMMARY:
        table.add_row(RUN_COUNTS[key], f"{summary[key]:,}")
    for code, count in summary.get("languages", {}).items():
        table.add_row(f"language {code}", f"{count:,}")
    console.print(table)
    say(f'warehouse: {summary["db_path"]}  (try: newsetl sql "select * from runs")')  # noqa: S608 (a hint, not a query)
    if summary.get("data_docs"):
        say(f"data docs: {summary['data_docs']}")
    if summary.get("report"):
        say(f"report: {summary['report']}")


def print_rows(columns: Sequence[str], rows: Iterable[Iterable[Any]], screen: Console = console) -> None:
    """Rows as a table under their column names, then how many there were ('1 row', '12 rows')."""
    table = Table()
    for name in columns:
        table.add_column(name, overflow="fold")
    n_rows = 0
    for row in rows:
        table.add_row(*(cell(value) for value in row))
        n_rows += 1
    screen.print(table)
    screen.print(f"{n_rows} row{'s' if n_rows != 1 else ''}", style="dim")


def cell(value: Any) -> str:
    """A value as a table or CSV cell shows it (NULL as nothing)."""
    return "" if value is None else str(value)
