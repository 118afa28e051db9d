"""Imports never drop a row silently: each skipped row is named with its reason, brands the
database already knows are found, and the exit status says when rows were skipped.

Crafted CSV files, the real ``webcare`` command (a subprocess, or ``cli.main``) and a real
SQLite file.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.sample import SAMPLE, SAMPLE_EXIT
from webcare.cli import EXIT_SKIPPED, main

HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
T1 = "Wed Oct 11 06:55:44 +0000 2017"
T2 = "Wed Oct 11 07:05:10 +0000 2017"
T3 = "Thu Oct 12 09:00:00 +0000 2017"
T4 = "Thu Oct 12 09:30:00 +0000 2017"


def webcare(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "webcare", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def twcs_file(path: Path, rows: str) -> Path:
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def q(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_brands_already_in_the_database_are_found(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    first = twcs_file(
        tmp_path / "monday.csv",
        f"1,111,True,{T1},@AppleSupport my screen is black,2,\n"
        f"2,AppleSupport,False,{T2},@111 Please try a restart.,,1\n",
    )
    done = webcare("import", "twcs", first, "--db", db)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Skipped" not in done.stdout

    # The next day's file has no AppleSupport tweet at all: a new customer names the brand
    # (in other letters), and the first customer answers the stored brand reply.
    later = twcs_file(
        tmp_path / "tuesday.csv",
        f"10,222,True,{T3},@applesupport my phone will not charge,,\n"
        f"11,111,True,{T4},Still black after the restart,,2\n",
    )
    done = webcare("import", "twcs", later, "--db", db)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 new mentions (0 known)" in done.stdout
    assert "0 new channels" in done.stdout
    assert "Skipped" not in done.stdout
    rows = q(
        db,
        "SELECT m.source_id, ch.name, p.source_id FROM mentions m"
        " JOIN channels ch ON ch.id = m.channel_id LEFT JOIN mentions p"
        " ON p.id = m.parent_mention_id ORDER BY CAST(m.source_id AS INTEGER)",
    )
    assert rows == [
        ("1", "@AppleSupport on Twitter", None),
        ("10", "@AppleSupport on Twitter", None),
        ("11", "@AppleSupport on Twitter", "1"),  # in the thread of the tweet it followed up
    ]


def test_every_skipped_row_is_named_with_its_reason_and_the_exit_status_says_so(
    tmp_path: Path,
) -> None:
    db = tmp_path / "team.db"
    bad = twcs_file(
        tmp_path / "bad.csv",
        f"20,333,True,yesterday,@AppleSupport help,,\n"
        f'21,"=HYPERLINK(""https://evil.example"",""click"")",True,{T1},@AppleSupport hi,,\n'
        f"22,444,True,{T1},my order never came,,\n"
        f"23,555,True,{T1},@AppleSupport a,b,c,,\n"
        f"24,666,True,{T2},@AppleSupport is the store open today?,25,\n"
        f"25,AppleSupport,False,{T3},@666 Yes until 9pm,,24\n",
    )
    done = webcare("import", "twcs", bad, "--db", db)
    assert done.returncode == EXIT_SKIPPED == 3, done.stdout + done.stderr
    out = done.stdout
    assert "1 new mentions (0 known), 1 new replies" in out
    assert "Skipped 4 row(s) that could not be imported:" in out
    assert (
        "line 2 (tweet 20): created_at 'yesterday' is not a time like"
        " 'Wed Oct 11 06:55:44 +0000 2017'"
    ) in out
    assert "line 3 (tweet 21): author_id '=HYPERLINK(" in out
    assert "is not a Twitter user id or screen name" in out
    assert "line 4 (tweet 22): no brand found for this customer tweet" in out
    assert "line 5 (tweet 23): 9 fields where the header has 7" in out
    assert q(db, "SELECT source_id FROM mentions") == [("24",)]


def test_a_file_of_only_bad_rows_still_names_them(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    bad = twcs_file(
        tmp_path / "bad.csv",
        f"30,333,True,31/12/2017 10:00,@AppleSupport help,,\n40,444,True,{T1},hello?,,\n",
    )
    done = webcare("import", "twcs", bad, "--db", db)
    assert done.returncode == EXIT_SKIPPED, done.stdout + done.stderr
    assert "0 new mentions (0 known)" in done.stdout
    assert "Skipped 2 row(s)" in done.stdout
    assert "line 2 (tweet 30): created_at '31/12/2017 10:00'" in done.stdout
    assert "line 3 (tweet 40): no brand found" in done.stdout


def test_many_skipped_rows_are_summarised_by_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [f"{100 + i},{500 + i},True,not a time {i},@AppleSupport hi,,\n" for i in range(25)]
    rows += [f"{200 + i},{600 + i},True,{T1},no brand here {i},,\n" for i in range(12)]
    rows += [
        f"300,700,True,{T1},@AppleSupport hello,301,\n",
        f"301,AppleSupport,False,{T2},Hi,,300\n",
    ]
    path = twcs_file(tmp_path / "many.csv", "".join(rows))
    db = tmp_path / "team.db"
    assert main(["import", "twcs", str(path), "--db", str(db), "--show-problems", "3"]) == 3
    out = capsys.readouterr().out
    assert "Skipped 37 row(s) that could not be imported:" in out
    assert out.count("\n  - line ") == 3
    assert "... and 34 more (--show-problems N lists more)." in out
    by_reason = out.split("Skipped rows by reason:\n", 1)[1].splitlines()
    assert [line.split(None, 1) for line in by_reason] == [
        ["25", "created_at … is not a time like …"],
        [
            "12",
            "no brand found for this customer tweet (no brand tweet answers it or is answered"
            " by it, and it names no known @brand)",
        ],
    ]


GENERIC = "id,author,author_name,followers,text,created_at,url,in_reply_to,language\n"


def test_generic_csv_names_every_skipped_row_and_exits_3(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    path = tmp_path / "forum.csv"
    path.write_text(
        GENERIC + "f1,@jan,Jan,12,Modem knippert,2026-11-20T10:00:00+01:00,,,\n"
        "f2,@piet,,,Ook hier,gisteren,,,\n"
        "f3,@kees,,veel,Hallo,,,,\n"
        "f4,@anna,,,Hallo, nog iemand?,,,,,\n"
        "f5,@bob,,,,,,,\n",
        encoding="utf-8",
    )
    done = webcare("import", "csv", path, "--channel", "Forum", "--db", db)
    assert done.returncode == 3, done.stdout + done.stderr
    out = done.stdout
    assert "1 new mentions (0 known)" in out
    assert "Skipped 4 row(s)" in out
    assert "line 3 (id f2): created_at 'gisteren' is not ISO 8601 or unix seconds" in out
    assert "line 4 (id f3): followers 'veel' is not a whole number" in out
    assert "line 5 (id f4): 11 fields where the header has 9" in out
    assert "line 6 (id f5): id, author and text must not be empty" in out

    good = tmp_path / "good.csv"
    good.write_text(GENERIC + "g1,@jan,,,Nog een vraag,1795165200,,,\n", encoding="utf-8")
    done = webcare("import", "csv", good, "--channel", "Forum", "--db", db)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Skipped" not in done.stdout


def test_the_exit_status_is_documented() -> None:
    for fmt in ("twcs", "csv"):
        helptext = webcare("import", fmt, "--help").stdout
        flat = " ".join(helptext.split())
        assert "Exit status: 0 when every row was imported, 3 when some rows were skipped" in flat


def test_shift_to_now_moves_the_whole_file_by_one_offset(tmp_path: Path) -> None:
    plain, shifted = tmp_path / "plain.db", tmp_path / "shifted.db"
    assert main(["import", "twcs", str(SAMPLE), "--db", str(plain)]) == SAMPLE_EXIT
    before = time.time()
    assert (
        main(["import", "twcs", str(SAMPLE), "--db", str(shifted), "--shift-to-now"]) == SAMPLE_EXIT
    )
    after = time.time()
    times = "SELECT 'm' || source_id, created_at FROM mentions UNION ALL"
    times += " SELECT 'r' || source_id, posted_at FROM replies"
    old: dict[str, float] = dict(q(plain, times))
    new: dict[str, float] = dict(q(shifted, times))
    assert old.keys() == new.keys()
    offsets = {round(float(new[k]) - float(old[k]), 3) for k in old}
    assert len(offsets) == 1  # one offset for everything: the spacing is the real one
    newest = max(float(t) for t in new.values())
    assert before - 120 - 1 <= newest <= after - 120 + 1  # the newest post is two minutes old
    (received,) = q(shifted, "SELECT MAX(received_at - created_at) FROM mentions")[0]
    assert received == 0  # history still counts as received when it was posted
