"""``webcare import twcs`` on the real sample: mentions, replies, agents, threads, idempotence."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.support.sample import SAMPLE, SAMPLE_EXIT, SAMPLE_SKIPPED
from tests.support.server import running_server
from webcare.cli import EXIT_SKIPPED, main


def table_digest(db: Path) -> dict[str, str]:
    conn = sqlite3.connect(db)
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'"
        )
    ]
    out = {}
    for table in tables:
        rows = conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        out[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    conn.close()
    return out


@pytest.fixture
def imported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "server.db"
    assert main(["import", "twcs", str(SAMPLE), "--db", str(db)]) == SAMPLE_EXIT
    out = capsys.readouterr().out
    assert "49 new mentions" in out
    assert "42 new replies" in out
    # the two brand replies that answer tweets missing from the sample are named
    assert "Skipped 2 row(s)" in out
    assert all(f"reply {tweet}: answers" in out for tweet in SAMPLE_SKIPPED)
    return db


def q(db: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def test_counts_match_the_file(imported: Path) -> None:
    # 49 customer tweets, 44 brand tweets of which 2 answer tweets missing from the sample
    assert q(imported, "SELECT count(*) FROM mentions") == [(49,)]
    assert q(imported, "SELECT count(*) FROM replies") == [(42,)]
    assert q(imported, "SELECT count(*) FROM channels") == [(13,)]
    assert q(imported, "SELECT count(DISTINCT platform_user_id) FROM contacts") == [(29,)]
    assert q(imported, "SELECT DISTINCT delivery_state FROM replies") == [("imported",)]
    # a plain import keeps the platform's times: the sample ends on 12 Oct 2017, 12:04:21 UTC
    assert q(imported, "SELECT MAX(created_at), MAX(received_at) FROM mentions") == [
        (1507809861.0, 1507809861.0)
    ]


def test_agents_come_from_signatures(imported: Path) -> None:
    agents: dict[str, str] = dict(
        q(imported, "SELECT username, display_name || '|' || signature || '|' || brand FROM users")
    )
    assert agents["virgintrains-mm"] == "MM|^MM|VirginTrains"
    assert agents["spotifycares-ay"] == "AY|/AY|SpotifyCares"
    assert agents["comcastcares-ad"] == "AD|-AD|comcastcares"
    assert agents["tesco-paige"] == "Paige|- Paige|Tesco"
    assert agents["british_airways-jools"] == "Jools|^Jools|British_Airways"
    assert agents["applesupport"] == "AppleSupport||AppleSupport"  # unsigned replies
    # imported agents cannot sign in
    assert q(imported, "SELECT count(*) FROM users WHERE password_hash IS NOT NULL") == [(0,)]
    reply_agent = q(
        imported,
        "SELECT u.username FROM replies r JOIN users u ON u.id = r.agent_id"
        " WHERE r.source_id = '119243'",
    )
    assert reply_agent == [("virgintrains-mm",)]


def test_threads_are_kept(imported: Path) -> None:
    rows = {
        src: (parent, thread)
        for src, parent, thread in q(
            imported,
            "SELECT m.source_id, p.source_id, t.source_id FROM mentions m"
            " LEFT JOIN mentions p ON p.id = m.parent_mention_id"
            " JOIN mentions t ON t.id = m.thread_id",
        )
    }
    # 119242 -> VirginTrains reply 119240 -> 119241 -> reply 119243 -> 119244
    assert rows["119242"] == (None, "119242")
    assert rows["119241"] == ("119242", "119242")
    assert rows["119244"] == ("119241", "119242")
    # a customer answering their own tweet (119330 -> 119331) is one UPSHelp thread
    assert rows["119330"] == ("119331", "119331")
    brand = q(
        imported,
        "SELECT c.brand FROM mentions m JOIN channels c ON c.id = m.channel_id"
        " WHERE m.source_id = '119331'",
    )
    assert brand == [("UPSHelp",)]


def test_statuses_follow_the_replies(imported: Path) -> None:
    statuses: dict[str, str] = dict(q(imported, "SELECT source_id, status FROM mentions"))
    assert statuses["119241"] == "answered"
    assert statuses["119237"] == "open"  # nobody answered it in the sample
    replied = q(imported, "SELECT replied_at - created_at FROM mentions WHERE source_id = '119241'")
    assert replied == [(473.0,)]  # 15:17:21 -> 15:25:14


def test_reimport_changes_nothing(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = table_digest(imported)
    assert main(["import", "twcs", str(SAMPLE), "--db", str(imported)]) == SAMPLE_EXIT
    out = capsys.readouterr().out
    assert "0 new mentions (49 known)" in out
    assert "0 new replies (42 known)" in out
    assert table_digest(imported) == before  # not even the change log moved


def test_bad_rows_are_reported_not_fatal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text(
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
        "1,cust,True,Wed Oct 11 06:55:44 +0000 2017,@Brand help,2,\n"
        "2,Brand,False,not a date,Sorry ^AB,,1\n"
        "3,cust,maybe,Wed Oct 11 06:55:44 +0000 2017,hmm,,\n"
        ",cust,True,Wed Oct 11 06:55:44 +0000 2017,no id,,\n"
        "5,Brand,False,Wed Oct 11 07:00:00 +0000 2017,Hi ^AB,,1\n",
        encoding="utf-8",
    )
    assert main(["import", "twcs", str(csv_file), "--db", str(tmp_path / "s.db")]) == EXIT_SKIPPED
    out = capsys.readouterr().out
    assert "1 new mentions" in out
    assert "1 new replies" in out
    assert "Skipped 3 row(s)" in out
    assert "line 3 (tweet 2): created_at 'not a date' is not a time like" in out
    assert "line 4 (tweet 3): inbound must be True or False" in out
    assert "line 5: tweet_id and author_id are required" in out


def test_wrong_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["import", "twcs", str(other), "--db", str(tmp_path / "s.db")]) == 1
    err = capsys.readouterr().err
    assert "not a twcs file" in err
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert main(["import", "twcs", str(binary), "--db", str(tmp_path / "s.db")]) == 1
    assert "not UTF-8" in capsys.readouterr().err
    assert (
        main(["import", "twcs", str(tmp_path / "missing.csv"), "--db", str(tmp_path / "s.db")]) == 1
    )
    assert "Cannot read" in capsys.readouterr().err


def test_author_history_across_threads(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        assert main(["import", "twcs", str(SAMPLE), "--db", str(server.db_path)]) == SAMPLE_EXIT
        eva = server.user("eva")
        with server.ctx.db.read() as conn:
            (contact_id,) = conn.execute(
                "SELECT id FROM contacts WHERE platform_user_id = '105847'"
            ).fetchone()
        history = eva.get(f"/v1/contacts/{contact_id}").json()
        assert history["contact"]["handle"] == "@105847"
        # 105847 wrote to SpotifyCares four times on two days; every reply is there
        assert [m["source_id"] for m in history["mentions"]] == [
            "119283",
            "119282",
            "119285",
            "119287",
        ]
        assert len(history["replies"]) == 4
        assert eva.get("/v1/contacts/99999").status_code == 404
