"""Settings: built once at the entry point (CLI or flow parameters) and passed down."""

from __future__ import annotations

import os
import subprocess
from importlib import metadata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = PROJECT_ROOT / "examples" / "articles"
DEFAULT_DB = Path("data/news.duckdb")
DEFAULT_LAKE = Path("data/lake")
DEFAULT_BATCH_SIZE = 200
# A batch also ends at this many characters of raw records: about 2.5 times an average batch of
# news_bulk_dev (200 articles, 0.3-0.4 million), a third of a batch of its long articles (1.2-1.4 million).
DEFAULT_BATCH_CHARS = 500_000
DEFAULT_LOCK_TIMEOUT = 3600.0
# Where Great Expectations' file context puts the Data Docs front page, under Settings.gx_dir.
DATA_DOCS_INDEX = Path("gx", "uncommitted", "data_docs", "local_site", "index.html")
# Estimated Jaccard similarity of word 5-gram shingles above which an article is a near copy;
# chosen on news_bulk_dev (README, "Near-duplicates").
DEFAULT_NEAR_DUPLICATE_THRESHOLD = 0.5

# Telemetry off and no hub downloads, set before Prefect or Great Expectations are imported.
OFFLINE_ENVIRONMENT = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "False",
    "DO_NOT_TRACK": "1",
    "HF_HUB_OFFLINE": "1",
    # Prefect's temporary server can take longer than its default 20 s to start on a busy machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def configure_environment() -> None:
    """Apply OFFLINE_ENVIRONMENT where the user has not set a value; call at entry points only."""
    for name, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


@dataclass(frozen=True)
class Settings:
    inputs: list[str] = field(default_factory=lambda: [str(EXAMPLES_DIR)])
    db_path: str = str(DEFAULT_DB)
    lake_dir: str = str(DEFAULT_LAKE)
    batch_size: int = DEFAULT_BATCH_SIZE
    batch_chars: int = DEFAULT_BATCH_CHARS  # a batch ends at batch_size articles or this many characters
    workers: int | None = None  # tagging processes; None: one per core of the machine running the flow
    dask_address: str | None = None  # tcp://HOST:PORT of an existing Dask scheduler, instead of local processes
    # Publication dates without a zone are in their source's zone (IANA name), else the default.
    default_timezone: str = "UTC"
    source_timezones: dict[str, str] = field(default_factory=dict)
    near_duplicate_threshold: float = DEFAULT_NEAR_DUPLICATE_THRESHOLD
    sources_file: str | None = None  # a sources.toml; when set, `inputs` is not read
    only: list[str] = field(default_factory=list)  # names of sources in `sources_file` to read (all when empty)
    full: bool = False  # re-read everything, ignoring what earlier runs saw
    # Seconds a run waits for another writer (run, rebuild, compaction) to finish with the warehouse.
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise ValueError(f"batch size must be at least 1, got {self.batch_size}")
        if self.batch_chars < 1:
            raise ValueError(f"batch characters must be at least 1, got {self.batch_chars}")
        if self.workers is not None and self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
        if not self.inputs:
            raise ValueError("no input paths given")
        for zone in (self.default_timezone, *self.source_timezones.values()):
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {zone!r} (use an IANA name such as Europe/Moscow)") from None
        if not 0.0 < self.near_duplicate_threshold < 1.0:
            raise ValueError(f"the near-duplicate threshold must be between 0 and 1, got {self.near_duplicate_threshold}")

    @property
    def gx_dir(self) -> str:
        """Great Expectations' file context (suites, results, Data Docs), beside the warehouse."""
        return str(Path(self.db_path).parent / "gx")

    @property
    def data_docs_index(self) -> Path:
        return Path(self.gx_dir) / DATA_DOCS_INDEX

    def as_parameters(self) -> dict:
        return asdict(self)


def code_version() -> str:
    """The package version, plus the git commit when running from a checkout."""
    try:
        version = metadata.version("newsetl")
    except metadata.PackageNotFoundError:
        version = "unknown"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=5
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{version}+{commit}" if commit else version
