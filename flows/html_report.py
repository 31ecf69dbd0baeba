"""The warehouse at a glance: one self-contained HTML file of interactive charts (`newsetl report`, `run --report`).

Reads the named statements of `warehouse/sql/report.sql` on a read-only connection and draws each section
with Altair (Vega-Lite specifications, data inline). The page inlines the JavaScript of Vega, Vega-Lite and
vega-embed from vl-convert-python's bundle, so it opens from disk and asks no other host for anything
(docs/report.md says why this library). A section whose table the warehouse lacks (events, authors) says so.
"""

from __future__ import annotations

import functools
import json
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import altair as alt
import jinja2
import pyarrow as pa

from warehouse.query import read_named

CONCERN = "report"
# Statements over tables or columns a warehouse may lack (made by a later migration than it has).
OPTIONAL = frozenset({"authors_by_source", "stories_per_day", "event_types_per_day", "actor_pairs"})
TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("flows", "templates"), autoescape=True, undefined=jinja2.StrictUndefined
)
# The Vega-Lite version whose compiler the page carries: the one Altair writes its specifications for.
VEGA_LITE = ".".join(alt.VEGALITE_VERSION.split(".")[:2])
# Charts are drawn this wide (the page is 1,200 pixels at most; legends take the rest).
WIDTH = 900
WIDE = {"width": WIDTH, "height": 260}


@dataclass(frozen=True)
class ReportShape:
    """How much each section shows."""

    sources: int = 10  # sources by name in the per-day chart and the authors table (the rest: 'other')
    entities: int = 10  # entities with most articles in the trends chart
    marked: int = 5  # rising and falling entities marked, each way
    recent_days: int = 7  # the window whose shares are compared ...
    before_days: int = 28  # ... with the days before it
    top: int = 20  # actor pairs, quarantine reasons
    authors: int = 5  # authors named per source


@dataclass(frozen=True)
class Report:
    html: str
    headline: dict


@functools.cache
def vega_javascript() -> str:
    """Vega, Vega-Lite and vega-embed as one script that sets window.vega, window.vegaLite and window.vegaEmbed."""
    import vl_convert  # bundles the libraries it carries; takes seconds, hence the cache

    return vl_convert.javascript_bundle(vl_version=VEGA_LITE)


def build(db_path: str | Path, since: date | None = None, shape: ReportShape = ReportShape()) -> Report:
    """Read the warehouse and render the report's page."""
    found = _read(db_path, since, shape)
    headline = found["headline"].to_pylist()[0]
    sections = [
        _volume(found),
        _authors(found["authors_by_source"]),
        _entities(found["entity_trends"], found["entity_series"]),
        _events(found["event_types_per_day"], found["actor_pairs"]),
        _runs(found["runs"]),
        _quarantine(found["quarantine_reasons"]),
    ]
    specs = {f"chart-{n}-{i}": chart for n, section in enumerate(sections) for i, chart in enumerate(section["charts"])}
    for n, section in enumerate(sections):
        section["chart_ids"] = [f"chart-{n}-{i}" for i in range(len(section["charts"]))]
    html = TEMPLATES.get_template("report.html.j2").render(
        title="newsetl: what the warehouse holds",
        db_path=str(db_path),
        since=since,
        built_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        headline=headline,
        sections=sections,
        specs=_script_json(specs),
        vega_javascript=vega_javascript(),
    )
    return Report(html, headline)


def write(db_path: str | Path, out: str | Path, since: date | None = None) -> dict:
    """Build the report and write it to `out`; return its headline numbers, path, size and build seconds."""
    started = time.perf_counter()
    report = build(db_path, since)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.html, encoding="utf-8")
    return {
        **report.headline,
        "path": str(path.resolve()),
        "bytes": path.stat().st_size,
        "seconds": time.perf_counter() - started,
    }


# ---------------------------------------------------------------- reading


def _read(db_path: str | Path, since: date | None, shape: ReportShape) -> dict[str, pa.Table | None]:
    window = {"since": since}
    found = read_named(
        db_path,
        CONCERN,
        {
            "headline": window,
            "articles_per_day": {**window, "sources": shape.sources},
            "stories_per_day": window,
            "authors_by_source": {**window, "sources": shape.sources, "authors": shape.authors},
            "entity_trends": {
                **window,
                "top": shape.entities,
                "marked": shape.marked,
                "recent_days": shape.recent_days,
                "before_days": shape.before_days,
            },
            "event_types_per_day": window,
            "actor_pairs": {**window, "top": shape.top},
            "runs": window,
            "quarantine_reasons": {**window, "top": shape.top},
        },
        OPTIONAL,
    )
    ids = found["entity_trends"].column("entity_id").to_pylist()
    found |= read_named(db_path, CONCERN, {"entity_series": {**window, "entity_ids": ids}})
    return found


def _values(table: pa.Table) -> list[dict]:
    """Rows as JSON-ready dicts: dates and times as ISO strings, decimals as floats."""

    def plain(value):
        if isinstance(value, datetime | date):
            return value.isoformat()
        return float(value) if isinstance(value, Decimal) else value

    return [{key: plain(value) for key, value in row.items()} for row in table.to_pylist()]


def _script_json(value) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def _spec(chart: alt.TopLevelMixin) -> dict:
    return chart.configure_view(stroke=None).to_dict()


def _section(title: str, text: str, charts=(), table=None, empty: str | None = None) -> dict:
    return {"title": title, "text": text, "charts": [_spec(c) for c in charts], "table": table, "empty": empty}


def _table(columns: dict[str, str], rows: list[dict]) -> dict:
    """An HTML table: {column: heading} and the rows."""
    return {"headings": list(columns.values()), "rows": [[row[c] for c in columns] for row in rows]}


# ---------------------------------------------------------------- the sections


def _volume(found: dict) -> dict:
    rows = _values(found["articles_per_day"])
    if not rows:
        return _section("Articles per day", "", empty="No article with a publication date yet.")
    data = alt.Data(values=rows)
    brush = alt.selection_interval(encodings=["x"])
    detail = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("date:T", title=None, scale=alt.Scale(domain=brush)),
            y=alt.Y("sum(articles):Q", title="articles"),
            color=alt.Color("source:N", title="source", sort="-y"),
            tooltip=[alt.Tooltip("date:T", title="day"), "source:N", "articles:Q"],
        )
        .properties(**WIDE)
    )
    overview = (
        alt.Chart(data)
        .mark_area(color="#7a8aa0")
        .encode(
            x=alt.X("date:T", title="publication day (drag here to zoom above)"), y=alt.Y("sum(articles):Q", title=None)
        )
        .add_params(brush)
        .properties(width=WIDTH, height=60)
    )
    charts = [alt.vconcat(detail, overview)]
    stories = found["stories_per_day"]
    if stories is not None and stories.num_rows:
        totals = {}
        for row in rows:
            totals[row["date"]] = totals.get(row["date"], 0) + row["articles"]
        paired = [
            {"date": row["date"], "what": what, "count": count}
            for row in _values(stories)
            for what, count in (("articles", totals.get(row["date"], 0)), ("stories", row["stories"]))
        ]
        charts.append(
            alt.Chart(alt.Data(values=paired))
            .mark_line(point=True)
            .encode(
                x=alt.X("date:T", title="publication day"),
                y=alt.Y("count:Q", title="per day"),
                color=alt.Color("what:N", title=None),
                tooltip=[alt.Tooltip("date:T", title="day"), "what:N", "count:Q"],
            )
            .properties(width=WIDTH, height=160)
            .interactive(bind_y=False)
        )
    return _section(
        "Articles per day",
        "Articles per publication day by source (the sources with most articles by name, the rest as 'other'); "
        "drag over the lower strip to zoom in time, hover for values. Below: articles against stories "
        "(near copies counted once).",
        charts,
    )


def _authors(table: pa.Table | None) -> dict:
    title = "Authors by source"
    if table is None:
        return _section(title, "", empty="This warehouse has no author column yet: a run upgrades it.")
    rows = _values(table)
    if not any(row["with_author"] for row in rows):
        return _section(title, "", empty="No article names its author (dumps without an author column, for one).")
    return _section(
        title,
        "Per source: its articles, how many name an author, and its most frequent authors.",
        table=_table(
            {
                "source": "source",
                "articles": "articles",
                "with_author": "with author",
                "top_authors": "most frequent authors",
            },
            rows,
        ),
    )


def _entities(trends: pa.Table, series: pa.Table) -> dict:
    title = "Entities over time"
    if not trends.num_rows:
        return _section(title, "", empty="No entity mentioned yet.")
    marks = {"rising": " ↑", "falling": " ↓", "steady": ""}
    label = {row["entity_id"]: f"{row['name']} ({row['type']}){marks[row['trend']]}" for row in trends.to_pylist()}
    points = [{**row, "entity": label[row["entity_id"]]} for row in _values(series)]
    lines = (
        alt.Chart(alt.Data(values=points))
        .mark_line(point=True, strokeWidth=1.5)
        .encode(
            x=alt.X("date:T", title="publication day"),
            y=alt.Y("articles:Q", title="articles mentioning it"),
            color=alt.Color("entity:N", title="entity (↑ rising, ↓ falling)", legend=alt.Legend(symbolLimit=40)),
            tooltip=[alt.Tooltip("date:T", title="day"), "entity:N", "articles:Q", "mentions:Q"],
        )
        .properties(width=WIDTH, height=300)
        .interactive(bind_y=False)
    )
    moved = [
        {**row, "entity": label[row["entity_id"]], "points": round(100 * row["change"], 2)}
        for row in _values(trends)
        if row["trend"] != "steady"
    ]
    charts = [lines]
    if moved:
        charts.append(
            alt.Chart(alt.Data(values=moved))
            .mark_bar()
            .encode(
                x=alt.X("points:Q", title="change of share, percentage points"),
                y=alt.Y("entity:N", sort="-x", title=None),
                color=alt.Color(
                    "trend:N", scale=alt.Scale(domain=["rising", "falling"], range=["#2a9d55", "#c0392b"]), title=None
                ),
                tooltip=["entity:N", "recent:Q", "earlier:Q", "points:Q"],
            )
            .properties(width=WIDTH, height=22 * len(moved) + 20)
        )
    return _section(
        title,
        "Articles per day mentioning the entities with most articles, and the entities whose share of mentions "
        "rose (↑) or fell (↓) most: their share in the last 7 days with data against the 28 days before.",
        charts,
    )


def _events(per_day: pa.Table | None, pairs: pa.Table | None) -> dict:
    title = "Events"
    if per_day is None or not per_day.num_rows:
        return _section(title, "", empty="No events in this warehouse yet.")
    charts = [
        alt.Chart(alt.Data(values=_values(per_day)))
        .mark_bar()
        .encode(
            x=alt.X("date:T", title="publication day"),
            y=alt.Y("sum(events):Q", title="events"),
            color=alt.Color("type:N", title="CAMEO type"),
            tooltip=[alt.Tooltip("date:T", title="day"), "type:N", "events:Q"],
        )
        .properties(**WIDE)
        .interactive(bind_y=False)
    ]
    rows = _values(pairs) if pairs is not None else []
    if rows:
        for row in rows:
            row["pair"] = f"{row['actor']} → {row['target']}"
        charts.append(
            alt.Chart(alt.Data(values=rows))
            .mark_bar(color="#4c72b0")
            .encode(
                x=alt.X("events:Q", title="events"),
                y=alt.Y("pair:N", sort="-x", title=None),
                tooltip=["pair:N", "events:Q", "occurred:Q", "types:N"],
            )
            .properties(width=WIDTH, height=22 * len(rows) + 20)
        )
    return _section(title, "Events per day by CAMEO type, and the actor → target pairs with most events.", charts)


def _runs(table: pa.Table) -> dict:
    title = "Runs"
    rows = _values(table)
    if not rows:
        return _section(title, "", empty="No finished run yet.")
    counts = [
        {
            "started_at": row["started_at"],
            "run": row["run_id"][:8],
            "what": what.removeprefix("n_"),
            "records": row[what],
        }
        for row in rows
        for what in ("n_loaded", "n_duplicates", "n_quarantined")
    ]
    stages = [
        {"started_at": row["started_at"], "run": row["run_id"][:8], "stage": stage, "seconds": round(seconds, 2)}
        for row in rows
        for stage, seconds in json.loads(row["stage_seconds"] or "{}").items()
    ]
    x = alt.X("started_at:T", title="run started")
    charts = [
        alt.Chart(alt.Data(values=counts))
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("records:Q", title="records read"),
            color=alt.Color(
                "what:N",
                title=None,
                scale=alt.Scale(
                    domain=["loaded", "duplicates", "quarantined"], range=["#2a9d55", "#9aa5b1", "#c0392b"]
                ),
            ),
            tooltip=[
                "run:N",
                alt.Tooltip("started_at:T", title="started", format="%Y-%m-%d %H:%M"),
                "what:N",
                "records:Q",
            ],
        )
        .properties(width=WIDTH, height=200)
        .interactive(bind_y=False),
        alt.Chart(alt.Data(values=rows))
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("articles_per_second:Q", title="articles/s"),
            tooltip=[
                alt.Tooltip("run_id:N", title="run"),
                "status:N",
                alt.Tooltip("articles_per_second:Q", format=".1f"),
                alt.Tooltip("seconds:Q", format=".0f"),
            ],
        )
        .properties(width=WIDTH, height=140)
        .interactive(bind_y=False),
    ]
    if stages:
        charts.append(
            alt.Chart(alt.Data(values=stages))
            .mark_bar()
            .encode(
                x=x,
                y=alt.Y("seconds:Q", title="seconds per stage"),
                color=alt.Color("stage:N", title="stage"),
                tooltip=["run:N", "stage:N", "seconds:Q"],
            )
            .properties(width=WIDTH, height=200)
            .interactive(bind_y=False)
        )
    return _section(
        title,
        "Each finished run: what became of the records it read, articles read per second end to end, and "
        "seconds per stage (tagging stages: seconds of work in the workers, summed).",
        charts,
    )


def _quarantine(table: pa.Table) -> dict:
    title = "Quarantine"
    rows = _values(table)
    if not rows:
        return _section(title, "", empty="Nothing was quarantined.")
    for row in rows:
        row["short"] = row["reason"] if len(row["reason"]) <= 90 else row["reason"][:89] + "…"
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("records:Q", title="records"),
            y=alt.Y("short:N", sort="-x", title=None, axis=alt.Axis(labelLimit=520)),
            color=alt.Color("stage:N", title="stage"),
            tooltip=["stage:N", "reason:N", "records:Q", "example:N"],
        )
        .properties(width=WIDTH, height=22 * len(rows) + 20)
    )
    return _section(
        title,
        "Quarantined records by stage and reason (numbers in reasons shown as N, so like causes count together); "
        "`newsetl quarantine list` shows each record.",
        [chart],
    )
