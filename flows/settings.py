"""The parameters of a run, each declared once: a pydantic model the flow takes whole.

`RunSettings` is what `news_etl` takes, `ReplaySettings` what `quarantine_replay`
takes; both share `LoadSettings`, what any run that loads batches needs. The
command line's options (flows/cli/), `newsetl serve` and `prefect.yaml` take
their names, defaults, limits and help from these fields (a test checks each).
Settings are built once at the entry point and passed down; nothing deeper
reads the environment.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import fields
from importlib import metadata
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from transforms import stories
from transforms.limits import DEFAULT_LIMITS, Limits
from transforms.stages import Stage

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = PROJECT_ROOT / "examples" / "articles"
# Where Great Expectations' file context puts the Data Docs front page, under LoadSettings.gx_dir.
DATA_DOCS_INDEX = Path("gx", "uncommitted", "data_docs", "local_site", "index.html")
# Stages whose quarantined records a replay can run again: extract failures are unreadable input
# (read the fixed input again), and a child row that validation quarantined comes back with its article.
REPLAYABLE_STAGES = (Stage.NORMALIZE, Stage.TAG_ENTITIES, Stage.TAG_EVENTS, Stage.VALIDATE)

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


def _time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as Europe/Moscow)") from None
    return name


TimeZone = Annotated[str, AfterValidator(_time_zone)]


class LoadSettings(BaseModel):
    """What any run that reads records into the warehouse needs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    db_path: str = Field("data/news.duckdb", description="DuckDB warehouse file.")
    lake_dir: str = Field("data/lake", description="Directory or fsspec URL of the Parquet lake.")
    batch_size: int = Field(200, ge=1, description="Articles per batch.")
    # About 2.5 times an average batch of news_bulk_dev (200 articles, 0.3-0.4 million characters),
    # a third of a batch of its long articles (1.2-1.4 million).
    batch_chars: int = Field(500_000, ge=1, description="A batch also ends at this many characters of raw records.")
    workers: int | None = Field(None, ge=1, description="Tagging processes (default: one per core).")
    dask_address: str | None = Field(None, description="Tag on an existing Dask cluster: tcp://HOST:PORT.")
    lock_timeout: float = Field(3600.0, ge=0, description="Seconds to wait while another run writes to the warehouse.")
    default_timezone: TimeZone = Field(
        "UTC",
        description="Time zone of publication dates that carry none (IANA name), unless their source has its own.",
    )
    source_timezones: dict[str, TimeZone] = Field(
        default_factory=dict,
        description="Time zone per source name, for dates that carry none (sources.toml can say it too).",
    )
    # Estimated Jaccard similarity of word 5-gram shingles; chosen on news_bulk_dev (docs/near-duplicates.md).
    near_duplicate_threshold: float = Field(
        0.5, gt=0, lt=1, description="Similarity (0 to 1) above which an article is a near copy of an earlier one."
    )
    # The limits, checked before anything costly (transforms/limits.py has the defaults and why; docs/sources.md).
    # The articles suite accepts no longer text than the default: a lower limit only quarantines sooner.
    max_article_chars: int = Field(
        DEFAULT_LIMITS.max_article_chars,
        ge=1,
        le=DEFAULT_LIMITS.max_article_chars,
        description="Longest article text, in characters once cleaned; longer goes to quarantine before tagging.",
    )
    max_file_bytes: int = Field(
        DEFAULT_LIMITS.max_file_bytes,
        ge=1,
        le=1 << 40,  # a tebibyte: more than any reader is meant to take
        description="Largest file or response, in bytes once decompressed; reading stops there, and it goes to quarantine.",
    )
    max_lines_per_file: int = Field(
        DEFAULT_LIMITS.max_lines_per_file,
        ge=1,
        description="Most lines (or Parquet rows) in one file; a file with more goes to quarantine whole.",
    )
    max_json_depth: int = Field(
        DEFAULT_LIMITS.max_json_depth,
        ge=1,
        le=500,  # Python's JSON parser gives up near 1,000 levels
        description="Deepest nesting of arrays and objects in one JSON record; deeper goes to quarantine.",
    )

    report_path: str | None = Field(
        None, description="After the run, write the HTML report of the warehouse (newsetl report) to this file."
    )
    # Stories (transforms/stories.py); chosen on news_bulk_dev (docs/stories.md).
    story_window_days: float = Field(
        stories.DEFAULT_WINDOW_DAYS,
        gt=0,
        description="Days around a story's articles within which a new article may join it.",
    )
    story_threshold: float = Field(
        stories.DEFAULT_THRESHOLD,
        gt=0,
        lt=2,
        description="Score (cosine plus entity bonus) from which an article joins a story rather than founding one.",
    )

    @property
    def limits(self) -> Limits:
        """The limits as the readers and normalize take them."""
        return Limits(**{limit.name: getattr(self, limit.name) for limit in fields(Limits)})

    @property
    def gx_dir(self) -> str:
        """Great Expectations' file context (suites, results, Data Docs), beside the warehouse."""
        return str(Path(self.db_path).parent / "gx")

    @property
    def data_docs_index(self) -> Path:
        return Path(self.gx_dir) / DATA_DOCS_INDEX

    def as_parameters(self) -> dict:
        """The settings as the `runs` table records them (JSON)."""
        return self.model_dump(mode="json")


class RunSettings(LoadSettings):
    """The parameters of `news_etl`: what to read, and how."""

    inputs: list[str] = Field(
        default_factory=lambda: [str(EXAMPLES_DIR)],
        min_length=1,
        description="Files, directories or http(s) URLs to read (default: the bundled examples).",
    )
    sources_file: str | None = Field(
        None, description="Read the named sources of this sources.toml instead of the inputs."
    )
    only: list[str] = Field(
        default_factory=list, description="With a sources file: read only these sources (all when empty)."
    )
    full: bool = Field(False, description="Re-read everything, not only what is new since the last run.")


class ReplaySettings(LoadSettings):
    """The parameters of `quarantine_replay`."""

    stage: str | None = Field(
        None, description=f"Replay only what this stage quarantined: {', '.join(REPLAYABLE_STAGES)}."
    )

    @field_validator("stage")
    @classmethod
    def _replayable(cls, stage: str | None) -> str | None:
        if stage is not None and stage not in REPLAYABLE_STAGES:
            raise ValueError(f"cannot replay stage {stage!r}: use one of {', '.join(REPLAYABLE_STAGES)}")
        return stage


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
