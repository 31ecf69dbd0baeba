"""A run's progress as it goes: after each batch, the run's counts so far, for whoever watches.

The flow's process calls `batch_done` after each batch it loads (flows/pipeline.py); a watcher registered with
`watching` gets a `Progress` each time. `newsetl run` on a terminal draws a live line from them
(flows/cli/live.py); elsewhere nobody watches, and the flow's log has its line per batch as before.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from transforms.sources.config import Source, is_url
from transforms.sources.read import find_files

# Log records of the per-batch line carry this attribute (a terminal showing the live line leaves them out).
BATCH_LINE = "newsetl_batch_line"
# Files of one record each, and dumps of one record per line: the kinds whose records are counted beforehand.
ONE_RECORD_SUFFIXES = {".txt", ".html", ".htm"}
LINE_SUFFIXES = {".jsonl", ".ndjson"}


@dataclass(frozen=True)
class Progress:
    """The run so far: its counts, seconds since its first batch started, and the records expected (None: unknown)."""

    batches: int
    n_read: int
    n_loaded: int
    n_duplicates: int
    n_quarantined: int
    seconds: float
    expected: int | None = None

    @property
    def rate(self) -> float:
        return self.n_read / self.seconds if self.seconds > 0 else 0.0


_watchers: list[Callable[[Progress], None]] = []


@contextmanager
def watching(watcher: Callable[[Progress], None]) -> Iterator[None]:
    """Call `watcher` with each batch's Progress while the block runs."""
    _watchers.append(watcher)
    try:
        yield
    finally:
        _watchers.remove(watcher)


def watched() -> bool:
    """Whether anyone watches (counting the records expected costs a pass over the input)."""
    return bool(_watchers)


def expecting(expected: int | None) -> None:
    """Tell the watchers how many records the run expects, before its first batch."""
    for watcher in list(_watchers):
        watcher(Progress(0, 0, 0, 0, 0, 0.0, expected))


def batch_done(progress: Progress) -> None:
    for watcher in list(_watchers):
        watcher(progress)


def expected_records(sources: Iterable[Source]) -> int | None:
    """How many records the sources hold, when that is cheap to know: local files of one record each and
    JSON Lines dumps (gzipped or not). None when a source is a URL, a feed or another kind of dump."""
    total = 0
    for source in sources:
        if is_url(source.location):
            return None
        for path in find_files(source.location):
            suffixes = [s.lower() for s in Path(path).suffixes if s.lower() != ".gz"]
            suffix = suffixes[-1] if suffixes else ""
            if suffix in ONE_RECORD_SUFFIXES:
                total += 1
            elif suffix in LINE_SUFFIXES:
                total += _lines(Path(path))
            else:
                return None
    return total


def _lines(path: Path) -> int:
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as file:
        return sum(1 for line in file if line.strip())
