"""`newsetl quarantine list|show|replay` on a warehouse whose quarantine holds two records (and one of 100 MB)."""

import os
import subprocess
import sys

from typer.testing import CliRunner

from flows.cli import app, common
from warehouse.batches import BatchTables

runner = CliRunner()


def quarantined_warehouse(tmp_path, *more_rows):
    """A warehouse whose quarantine holds a normalize failure and a validate failure (and `more_rows`)."""
    from transforms.quarantine import quarantine_row, quarantine_table
    from transforms.schemas import ARTICLE_BATCH_SCHEMA, ENTITIES_SCHEMA, MENTIONS_SCHEMA
    from warehouse import db

    rows = [
        quarantine_row(
            "normalize", "files", "a.txt", "a.txt: the date 2026-02-30 does not parse", " date 2026-02-30 Текст"
        ),
        quarantine_row(
            "validate",
            "test",
            "d.jsonl:2",
            "articles d.jsonl:2: failed expect_column_values_to_be_between(published_at)",
            '{"text": "x"}',
        ),
        *more_rows,
    ]
    tmp_path.mkdir(exist_ok=True)
    con = db.connect(tmp_path / "w.duckdb")
    db.upgrade(con)
    db.load_batch(
        con,
        db.Batch.now("r1", 1, {}),
        BatchTables.of(
            articles=ARTICLE_BATCH_SCHEMA.empty_table(),
            mentions=MENTIONS_SCHEMA.empty_table(),
            entities=ENTITIES_SCHEMA.empty_table(),
            quarantine=quarantine_table(rows),
        ),
    )
    con.close()
    return tmp_path / "w.duckdb", rows


def test_quarantine_list_and_show(tmp_path, monkeypatch):
    monkeypatch.setattr(common.console, "width", 300)  # whole reasons on one line
    db_path, rows = quarantined_warehouse(tmp_path)
    listed = runner.invoke(app, ["quarantine", "list", "--db", str(db_path)])
    assert listed.exit_code == 0
    assert "expect_column_values_to_be_between(published_at)" in listed.output and "2 rows" in listed.output
    only_validate = runner.invoke(app, ["quarantine", "list", "--db", str(db_path), "--stage", "validate"])
    assert (
        "d.jsonl:2" in only_validate.output and "a.txt" not in only_validate.output and "1 row" in only_validate.output
    )
    unknown = runner.invoke(app, ["quarantine", "list", "--db", str(db_path), "--stage", "tag"])
    assert unknown.exit_code == 2 and "--stage" in unknown.output
    assert "date 2026-02-30 Текст" in listed.output  # the start of each payload (here, all of it)
    shown = runner.invoke(app, ["quarantine", "show", rows[0]["quarantine_id"], "--db", str(db_path)])
    assert shown.exit_code == 0
    assert "stage: normalize" in shown.output and "payload: 22 characters\n date 2026-02-30 Текст" in shown.output
    missing = runner.invoke(app, ["quarantine", "show", "nope", "--db", str(db_path)])
    assert missing.exit_code == 1 and "no quarantined record with id nope" in missing.output


def test_quarantine_replay_hands_a_lake_url_to_the_flow_as_it_is(tmp_path, monkeypatch):
    import flows.replay

    handed = {}

    def replay(settings):
        handed["settings"] = settings
        raise RuntimeError("stop here")

    monkeypatch.setattr(flows.replay, "quarantine_replay", replay)
    (tmp_path / "w.duckdb").touch()
    result = runner.invoke(
        app, ["quarantine", "replay", "--db", str(tmp_path / "w.duckdb"), "--lake", "memory://newsetl/lake"]
    )
    assert result.exit_code == 1 and "stop here" in result.output
    assert handed["settings"].lake_dir == "memory://newsetl/lake"


def test_quarantine_replay_without_a_warehouse_says_so(tmp_path):
    result = runner.invoke(app, ["quarantine", "replay", "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 1 and "no warehouse at" in result.output


# Starts a command and reports its exit code and peak memory (KiB). A small process of its own, so that the
# peak is the command's: Linux counts into a child's peak the memory of the process it was forked from.
PEAK_OF = (
    "import os, subprocess, sys; child = subprocess.Popen(sys.argv[1:]); _, status, usage = os.wait4(child.pid, 0); "
    "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss, file=sys.stderr)"
)


def newsetl(output, *args: str) -> tuple[int, int]:
    """`newsetl ARGS` in a process of its own, its output to the file `output`; its exit code and peak memory (KiB)."""
    command = [sys.executable, "-c", PEAK_OF, sys.executable, "-c", "from flows.cli import main; main()", *args]
    with open(output, "w") as out:
        done = subprocess.run(
            command, stdout=out, stderr=subprocess.PIPE, text=True, env={**os.environ, "COLUMNS": "300"}
        )
    code, peak = map(int, done.stderr.split()[-2:])
    return code, peak


def test_list_and_show_never_read_a_payload_of_100_mb_and_show_writes_it_whole_on_request(tmp_path):
    from transforms.quarantine import quarantine_row

    payload = '{"text": "' + "Совет обсудил бюджет дорог и школ. " * 1_600_000 + '"}'  # 100 MB in UTF-8
    big = quarantine_row("validate", "composed", "huge.jsonl:1", "articles huge.jsonl:1: text too long", payload)
    small_db, _ = quarantined_warehouse(tmp_path / "small")
    big_db, _ = quarantined_warehouse(tmp_path / "big", big)
    measured = {}
    for name, db_path in (("small", small_db), ("big", big_db)):
        for command in ("list", "show"):
            ident = [big["quarantine_id"]] if command == "show" else []
            code, peak = newsetl(
                tmp_path / f"{name}-{command}.txt", "quarantine", command, *ident, "--db", str(db_path)
            )
            assert code == (1 if (name, command) == ("small", "show") else 0)  # no such record in the small one
            measured[name, command] = peak
    # Reading the payload once would take over 100 MB; both commands run as with no large record at all.
    for command in ("list", "show"):
        assert measured["big", command] - measured["small", "list"] < 40_000, measured
    print("peak memory (KiB)", measured)
    listed = (tmp_path / "big-list.txt").read_text()
    assert f'{{"text": "Совет обсудил бюджет доро… ({len(payload):,} characters)' in listed
    shown = (tmp_path / "big-show.txt").read_text()
    assert f"payload: {len(payload):,} characters, the first 1,000 below" in shown and len(shown) < 3_000

    written = tmp_path / "record.json"
    result = runner.invoke(
        app, ["quarantine", "show", big["quarantine_id"], "--db", str(big_db), "--output", str(written)]
    )
    assert result.exit_code == 0 and f"written to {written}" in result.output
    assert written.read_bytes() == payload.encode()
