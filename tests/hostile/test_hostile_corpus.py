"""The hostile corpus (make_corpus.py) end to end: every record ends as its case says, the counts add up, the run
completes, and nothing it quarantined carries more than a prefix of a huge input."""

import re
from collections import Counter

import duckdb
import pytest

from tests.hostile.make_corpus import DUPLICATE, LOADED, QUARANTINED, write_corpus
from transforms.quarantine import PAYLOAD_PREFIX_CHARS, is_truncated

pytestmark = pytest.mark.e2e

CUT_AFTER_SCAN = "special_changes_while_read.jsonl.gz"


@pytest.fixture(scope="module")
def hostile_run(prefect_server, tmp_path_factory, run_settings):
    """One run of news_etl over the corpus, with the defaults of every limit; one file is cut once it was scanned."""
    from flows.etl import news_etl
    from transforms.sources import read as read_module

    directory = tmp_path_factory.mktemp("hostile")
    corpus = directory / "corpus"
    cases = write_corpus(corpus)
    scan = read_module._scan_file

    def scan_then_cut(source, path, limits):
        scanned = scan(source, path, limits)
        if path.name == CUT_AFTER_SCAN:
            path.write_bytes(path.read_bytes()[:-200])  # the gzip trailer and the end of the long second record
        return scanned

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(read_module, "_scan_file", scan_then_cut)
        summary = news_etl(run_settings(directory, [corpus]))
    con = duckdb.connect(str(directory / "w.duckdb"), read_only=True)
    try:
        quarantine = con.execute("SELECT record_key, stage, reason, payload FROM quarantine").fetchall()
        articles = con.execute("SELECT text, url FROM articles").fetchall()
        runs = con.execute(
            "SELECT status, n_read, n_loaded, n_duplicates, n_quarantined, n_quarantined_extract, "
            "n_quarantined_normalize FROM runs"
        ).fetchall()
    finally:
        con.close()
    return {
        "corpus": corpus,
        "cases": cases,
        "summary": summary,
        "quarantine": quarantine,
        "articles": articles,
        "runs": runs,
    }


def of_case(record_key: str, corpus, name: str) -> bool:
    base = str(corpus / name)
    return record_key == base or record_key.startswith((base + ":", base + "#", base + "/"))


def test_every_case_ends_as_it_says(hostile_run):
    corpus, quarantine, texts = (
        hostile_run["corpus"],
        hostile_run["quarantine"],
        [t for t, _ in hostile_run["articles"]],
    )
    problems = []
    claimed: set[int] = set()
    for case in hostile_run["cases"]:
        rows = [i for i, (key, *_) in enumerate(quarantine) if of_case(key, corpus, case.name)]
        claimed.update(rows)
        for end in case.ends:
            if end.outcome == QUARANTINED:
                match = next(
                    (i for i in rows if quarantine[i][1] == end.stage and re.search(end.reason, quarantine[i][2])), None
                )
                if match is None:
                    found = [(quarantine[i][1], quarantine[i][2][-160:]) for i in rows]
                    problems.append(f"{case.name}: no {end.stage} quarantine matching {end.reason!r}; found {found}")
                else:
                    rows.remove(match)
            elif end.outcome == LOADED:
                n = sum(all(p in text for p in end.phrases) for text in texts)
                if n != 1:
                    problems.append(f"{case.name}: {n} articles hold {end.phrases}, not 1")
        if rows:
            problems.append(f"{case.name}: quarantined more than it says: {[quarantine[i][2][-160:] for i in rows]}")
    unclaimed = [quarantine[i][2][-160:] for i in range(len(quarantine)) if i not in claimed]
    assert not problems and not unclaimed, "\n".join(problems + [f"no case claims: {u}" for u in unclaimed])


def test_the_counts_add_up_and_the_run_completed(hostile_run):
    ends = Counter(end.outcome for case in hostile_run["cases"] for end in case.ends)
    stages = Counter(end.stage for case in hostile_run["cases"] for end in case.ends if end.outcome == QUARANTINED)
    summary = hostile_run["summary"]
    assert summary["status"] == "completed"
    expected = (sum(ends.values()), ends[LOADED], ends[DUPLICATE], ends[QUARANTINED])
    assert (summary["n_read"], summary["n_loaded"], summary["n_duplicates"], summary["n_quarantined"]) == expected
    assert hostile_run["runs"] == [("completed", *expected, stages["extract"], stages["normalize"])]


def test_what_was_huge_keeps_only_a_prefix_and_what_loaded_is_clean(hostile_run):
    payloads = {key.rsplit("/", 1)[-1]: payload for key, _, _, payload in hostile_run["quarantine"]}
    for name in ("gz_bomb.txt.gz", "gz_bomb.jsonl.gz", "json_long_texts.jsonl:1", "json_long_texts.jsonl:3"):
        assert len(payloads[name]) < PAYLOAD_PREFIX_CHARS + 200, name
        assert payloads[name].endswith("]") and "payload truncated" in payloads[name][-200:], name
    assert payloads["json_records.jsonl:2"].startswith('{"id": "r27"')  # small records are kept whole
    texts = [text for text, _ in hostile_run["articles"]]
    assert not any(re.search("[\x00-\x08\u200b\u200e\u200f\u202a-\u202e\u00ad]", text) for text in texts)
    assert sorted(len(url) for _, url in hostile_run["articles"] if url and "hostile.example/a" in url) == [20_024]


def violations(directory) -> list[str]:
    """What `newsetl check` finds wrong in the warehouse and lake of `directory` (every check, every row)."""
    from warehouse import db
    from warehouse.integrity import ROW_CHECKS, WAREHOUSE_CHECKS, check_warehouse

    con = db.connect(directory / "w.duckdb", read_only=True)
    try:
        checks = check_warehouse(con, str(directory / "lake"))
    finally:
        con.close()
    assert len(checks) == len(ROW_CHECKS) + len(WAREHOUSE_CHECKS) + 1  # and the lake's manifest
    return [check.line() for check in checks if not check.passed]


def test_the_warehouse_holds_together_after_the_hostile_run(hostile_run):
    assert violations(hostile_run["corpus"].parent) == []
    # Every quarantine row has a stage, and a one-line reason naming its record.
    for key, stage, reason, _ in hostile_run["quarantine"]:
        assert stage in ("extract", "normalize") and reason.startswith(f"{key}: ") and "\n" not in reason, reason


def test_a_replay_runs_again_what_it_can_and_leaves_what_was_over_a_limit(hostile_run):
    """Records over a limit kept only the start of their payload: a replay must not load them cut short."""
    from flows.replay import quarantine_replay
    from flows.settings import ReplaySettings

    directory = hostile_run["corpus"].parent
    normalize_rows = [(key, payload) for key, stage, _, payload in hostile_run["quarantine"] if stage == "normalize"]
    truncated = [key for key, payload in normalize_rows if is_truncated(payload)]
    assert sorted(key.rsplit("/", 1)[-1] for key in truncated) == [f"json_long_texts.jsonl:{n}" for n in (1, 2, 3)]
    summary = quarantine_replay(
        ReplaySettings(db_path=str(directory / "w.duckdb"), lake_dir=str(directory / "lake"), workers=1)
    )
    replayable = len(normalize_rows) - len(truncated)
    assert (summary["n_read"], summary["n_loaded"], summary["n_quarantined"]) == (replayable, 0, replayable)
    con = duckdb.connect(str(directory / "w.duckdb"), read_only=True)
    try:
        after = con.execute("SELECT record_key, stage, reason FROM quarantine").fetchall()
    finally:
        con.close()
    assert sorted(after) == sorted((key, stage, reason) for key, stage, reason, _ in hostile_run["quarantine"])
    assert violations(directory) == []
