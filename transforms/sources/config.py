"""Named sources: what to read, where it lives, and how to read it.

A `sources.toml` holds one `[sources.NAME]` table per source and an optional
`[http]` table (see examples/sources.toml). A path or URL given on the command
line becomes an unnamed `Source` whose kind is detected from what it is.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from transforms.sources.http import HttpSettings

KINDS = ("txt", "jsonl", "csv", "parquet", "feed", "html")
# Fields of the raw record a dump's columns can be mapped to.
MAPPABLE = ("id", "source", "url", "title", "published", "author", "text")


class SourceConfigError(ValueError):
    """sources.toml (or a source given on the command line) is not usable."""


@dataclass(frozen=True)
class Source:
    name: str
    location: str  # a file, a directory, or an http(s) URL
    kind: str | None = None  # one of KINDS; None: detected per file or response
    timezone: str | None = None  # for publication dates that carry no zone
    language: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)  # our field -> the dump's column
    follow_links: bool = False  # feeds: fetch each item's page and prefer its full text
    named: bool = True  # False for a bare PATH|URL: articles then take their source from the data

    @property
    def is_url(self) -> bool:
        return is_url(self.location)


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def source_for_location(location: str) -> Source:
    """An unnamed source for a PATH or URL given on the command line."""
    return Source(name=location, location=location, named=False)


def _check_source(name: str, table: Mapping, base_dir: Path) -> Source:
    known = {f.name for f in fields(Source)} - {"name", "named"}
    unknown = set(table) - known
    if unknown:
        raise SourceConfigError(f"source {name!r}: unknown setting(s) {', '.join(sorted(unknown))}")
    if not isinstance(table.get("location"), str) or not table["location"]:
        raise SourceConfigError(f"source {name!r}: 'location' (a path or URL) is required")
    location = table["location"]
    if not is_url(location) and not Path(location).is_absolute():
        location = str(base_dir / location)  # relative to the sources file, like any config
    kind = table.get("kind")
    if kind is not None and kind not in KINDS:
        raise SourceConfigError(f"source {name!r}: kind {kind!r} is not one of {', '.join(KINDS)}")
    timezone = table.get("timezone")
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SourceConfigError(f"source {name!r}: unknown timezone {timezone!r}") from None
    columns = dict(table.get("columns", {}))
    bad = set(columns) - set(MAPPABLE)
    if bad:
        raise SourceConfigError(f"source {name!r}: columns can map {', '.join(MAPPABLE)}; not {', '.join(sorted(bad))}")
    return Source(
        name=name,
        location=location,
        kind=kind,
        timezone=timezone,
        language=table.get("language"),
        columns=columns,
        follow_links=bool(table.get("follow_links", False)),
    )


def load_sources(path: str | Path) -> tuple[list[Source], HttpSettings]:
    """Read a sources.toml: its sources in file order, and its HTTP settings."""
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourceConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourceConfigError(f"{path}: invalid TOML ({exc})") from None
    tables = document.get("sources")
    if not isinstance(tables, dict) or not tables:
        raise SourceConfigError(f"{path}: no [sources.NAME] table")
    sources = [_check_source(name, table, path.parent) for name, table in tables.items()]
    http_table = document.get("http", {})
    http_fields = {f.name for f in fields(HttpSettings)}
    unknown = set(http_table) - http_fields
    if unknown:
        raise SourceConfigError(f"{path}: [http] has unknown setting(s) {', '.join(sorted(unknown))}")
    return sources, HttpSettings(**http_table)


def select_sources(sources: list[Source], only: list[str] | None) -> list[Source]:
    """The sources named in `only` (all when empty); an unknown name is an error."""
    if not only:
        return sources
    names = {s.name for s in sources}
    missing = [n for n in only if n not in names]
    if missing:
        raise SourceConfigError(f"no source named {', '.join(missing)} (known: {', '.join(sorted(names))})")
    return [s for s in sources if s.name in only]


def sources_to_read(
    inputs: Iterable[Source | str | Path], sources_file: str | Path | None = None, only: list[str] | None = None
) -> tuple[list[Source], HttpSettings]:
    """A run's sources and HTTP settings: those of `sources_file` (narrowed to `only`), else one per input."""
    if sources_file:
        sources, http_settings = load_sources(sources_file)
        return select_sources(sources, only), http_settings
    return as_sources(inputs), HttpSettings()


def as_sources(inputs: Iterable[Source | str | Path]) -> list[Source]:
    return [s if isinstance(s, Source) else source_for_location(str(s)) for s in inputs]
