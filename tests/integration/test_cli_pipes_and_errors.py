"""The command line as a Unix tool: output into a reader that stops early (``| head``) ends
quietly, and every error is one line, said once."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from webcare.cli import EXIT_BROKEN_PIPE, main
from webcare.domain.models import Role
from webcare.server.services.accounts import insert_user
from webcare.storage.server_schema import open_server_db

WEBCARE = [sys.executable, "-m", "webcare"]


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database whose listings are far larger than a pipe holds (64 KiB)."""
    tmp = tmp_path_factory.mktemp("big")
    csv_file = tmp / "many.csv"
    rows = [f"m{i},@customer{i % 300},Is my order {i} on its way?,{1_795_165_200 + i}"
            for i in range(3000)]  # fmt: skip
    csv_file.write_text("id,author,text,created_at\n" + "\n".join(rows) + "\n", encoding="utf-8")
    db_path = tmp / "team.db"
    assert main(["import", "csv", str(csv_file), "--channel", "Forum", "--db", str(db_path)]) == 0
    db = open_server_db(db_path)
    with db.write() as conn:
        for i in range(2000):
            insert_user(conn, username=f"agent{i:04d}", display_name=f"Agent {i}",
                        signature=f"^A{i}", role=Role.AGENT, password_hash=None, now=0.0,
                        actor_id=None)  # fmt: skip
    db.close()
    return db_path


@pytest.mark.parametrize(
    "command",
    [["agent", "list"], ["report", "response-times", "--mentions", "--json"]],
    ids=["agent-list", "report-json"],
)
def test_a_reader_that_closes_early_ends_the_command_quietly(
    big_db: Path, command: list[str]
) -> None:
    proc = subprocess.Popen(
        [*WEBCARE, *command, "--db", str(big_db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()  # like `| head -1`: read a line, then go away
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    code = proc.wait(timeout=60)
    assert first.strip()
    assert err == ""  # no BrokenPipeError traceback, no "Exception ignored" either
    assert code == EXIT_BROKEN_PIPE == 141  # what the shell reports for a tool ended by SIGPIPE


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*WEBCARE, *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_every_error_is_one_line_said_once(tmp_path: Path) -> None:
    db = str(tmp_path / "team.db")
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("shopping list\n" * 100, encoding="utf-8")
    not_a_db.chmod(0o600)  # a looser file would also get a warning that it was tightened
    cases = {
        ("channel", "add", "--connector", "myspace", "--name", "X", "--db", db):
            "webcare: Unknown connector 'myspace'; known: mastodon, bluesky, twitter, facebook,"
            " instagram, whatsapp, telegram, email, rss, webhook, sandbox.",
        ("import", "twcs", str(tmp_path / "missing.csv"), "--db", db):
            f"webcare: Cannot read {tmp_path / 'missing.csv'}: No such file or directory.",
        ("channel", "set", "99", "--enable", "--db", db):
            "webcare: There is no channel with id 99.",
        ("agent", "disable", "nobody", "--db", db): "webcare: There is no account 'nobody'.",
        ("report", "volume", "--since", "yesterday", "--db", db):
            "webcare: 'yesterday' is not a date like 2017-10-11 or 2017-10-11T13:00.",
        ("agent", "list", "--db", str(not_a_db)):
            f"webcare: Cannot use {not_a_db}: file is not a database (is it a Webcare server"
            " database?).",
    }  # fmt: skip
    for args, expected in cases.items():
        done = run(*args)
        assert done.returncode == 1, (args, done.stderr)
        assert done.stderr == expected + "\n", args


def test_a_server_that_cannot_listen_says_why_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        for command in (["server"], ["demo", "--server-only"]):
            done = run(*command, "--port", str(port), "--db", str(tmp_path / f"{command[0]}.db"))
            assert done.returncode == 1, done.stderr
            assert done.stderr == (
                f"webcare: Cannot listen on 127.0.0.1 port {port}: Address already in use.\n"
            )
