"""The live progress line of `newsetl run` (and `quarantine replay`) on a terminal.

On a terminal the run draws one line that it redraws after each batch: records read, loaded, duplicates,
quarantined, articles/s, and the time left when the records expected are known (flows/progress.py). Prefect's
lines per task run ("... done in 0.3 s", "Finished in state Completed()") and the flow's line per batch are
left out of the terminal; they still reach the Prefect server and its UI. Warnings and errors still show,
above the live line. Anywhere else (a pipe, a file, cron, CI) nothing changes: a plain log line per batch.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeRemainingColumn

from flows import progress

# Prefect's logging setting (logging.yml, overridden from the environment) that the tagging worker processes,
# started during the run, read: their console shows warnings and errors only; their API handler sends everything.
WORKER_CONSOLE_LEVEL = ("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")


class TerminalFilter(logging.Filter):
    """Keep per-task-run lines below WARNING and the per-batch line off the terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        if record.name.startswith("prefect.task_runs"):
            return False
        return not getattr(record, progress.BATCH_LINE, False)


def describe(state: progress.Progress) -> str:
    line = (
        f"{state.n_read:,} read · {state.n_loaded:,} loaded · {state.n_duplicates:,} duplicates · "
        f"{state.n_quarantined:,} quarantined · {state.rate:.1f} articles/s"
    )
    return line if state.batches else "reading the first batch …"


def prefect_console_handlers() -> list[logging.Handler]:
    """The handlers through which Prefect prints its log on the terminal."""
    from prefect.logging.handlers import PrefectConsoleHandler

    seen = [
        logging.getLogger(),
        *(logging.getLogger(name) for name in ("prefect", "prefect.flow_runs", "prefect.task_runs")),
    ]
    return [h for logger in seen for h in logger.handlers if isinstance(h, PrefectConsoleHandler)]


@contextmanager
def live_progress(console: Console) -> Iterator[None]:
    """On a terminal, draw the run's progress line while the block runs; elsewhere do nothing."""
    if not console.is_terminal:
        yield
        return
    handlers = prefect_console_handlers()
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.fields[line]}"),
        BarColumn(bar_width=24),
        TaskProgressColumn(),
        TimeRemainingColumn(compact=True, elapsed_when_finished=True),
        console=console,
        transient=False,
        refresh_per_second=4,
    )
    task = bar.add_task("run", total=None, line=describe(progress.Progress(0, 0, 0, 0, 0, 0.0)))

    def update(state: progress.Progress) -> None:
        if state.batches == 0:  # the records expected, before the first batch
            bar.update(task, total=state.expected)
            return
        total = bar.tasks[0].total
        if total is not None and state.n_read > total:  # more than counted: no time left to show
            total = None
        bar.update(task, completed=state.n_read, total=total, line=describe(state))

    terminal_filter = TerminalFilter()
    with ExitStack() as stack:
        for handler in handlers:
            handler.addFilter(terminal_filter)
            stack.callback(handler.removeFilter, terminal_filter)
            # Prefect's lines print through the live display's console, above the line, instead of through it.
            original, handler.console = handler.console, console
            stack.callback(setattr, handler, "console", original)
        name, level = WORKER_CONSOLE_LEVEL
        previous = os.environ.get(name)
        os.environ[name] = level
        stack.callback(_restore_environment, name, previous)
        stack.enter_context(bar)
        stack.enter_context(progress.watching(update))
        yield


def _restore_environment(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
