"""A record of speed: each benchmark run appends its figures to a JSON Lines history; this prints the history.

Machines here differ in speed by up to four times from one session to the next,
so a row keeps, beside its figures, what makes it comparable: the commit, the
machine's cores and load average, and bare natasha's speed measured in the same
run (a ratio against it is what compares across machines; an absolute time
only next to it). A regression then shows up as a row.

Example: .venv/bin/python -m bench.history                  (every row, oldest first)
         .venv/bin/python -m bench.history --bench throughput --last 5
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

HISTORY = Path(__file__).resolve().parent / "results" / "history.jsonl"

# The columns printed, in order: (key in a row, heading, format). Rows may hold more; absent figures print blank.
COLUMNS = (
    ("at", "when (UTC)", "{:.16}"),
    ("bench", "bench", "{}"),
    ("commit", "commit", "{}"),
    ("n_articles", "articles", "{:,}"),
    ("bare_natasha_rate", "bare natasha/s", "{:.1f}"),
    ("pipeline_rate", "pipeline/s", "{:.1f}"),
    ("ratio", "ratio", "{:.2f}"),
    ("wall_seconds", "wall s", "{:.1f}"),
    ("peak_mib", "peak MiB", "{:,.0f}"),
    ("load_average", "load", "{:.1f}"),
)


def current_commit(root: Path = HISTORY.parent.parent) -> str:
    """The checkout's short commit, with '+changes' when its tracked files differ from it; 'unknown' outside git."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+changes" if changed else "")


def record(bench: str, figures: dict, history: Path = HISTORY) -> dict:
    """Append one run's figures (with when, commit, cores and load average) to `history`; return the row."""
    row = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "bench": bench,
        "commit": current_commit(),
        "cores": len(os.sched_getaffinity(0)),
        "load_average": round(os.getloadavg()[0], 2),
        **figures,
    }
    history.parent.mkdir(parents=True, exist_ok=True)
    with history.open("a", encoding="utf-8") as out:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return row


def read(history: Path = HISTORY, bench: str | None = None) -> list[dict]:
    """The rows of `history` (of one bench when given), oldest first; a line that is not JSON names itself."""
    if not history.exists():
        return []
    rows = []
    for number, line in enumerate(history.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise SystemExit(f"{history}:{number}: not a JSON object ({error.msg})") from None
        if bench is None or row.get("bench") == bench:
            rows.append(row)
    return rows


def table(rows: list[dict]) -> str:
    """The rows as an aligned text table, one line per run."""
    cells = [[heading for _, heading, _ in COLUMNS]]
    for row in rows:
        cells.append([form.format(row[key]) if row.get(key) is not None else "" for key, _, form in COLUMNS])
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in cells
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--history", type=Path, default=HISTORY, help="the JSON Lines history to print")
    parser.add_argument("--bench", help="only this benchmark's rows (e.g. throughput)")
    parser.add_argument("--last", type=int, default=None, help="only the last N rows")
    args = parser.parse_args()
    rows = read(args.history, args.bench)
    if not rows:
        raise SystemExit(f"no benchmark rows in {args.history}: run `make bench` first")
    print(table(rows[-args.last :] if args.last else rows))


if __name__ == "__main__":
    main()
