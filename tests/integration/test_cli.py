"""The ``webcare`` command line: accounts, the server process, help and errors."""

from __future__ import annotations

import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.cli import WEBCARE, run
from tests.support.server import server_process
from webcare.cli import build_parser, main


@pytest.fixture
def team_server(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    db = tmp_path / "team.db"
    with server_process(db) as (url, proc):
        yield url, db, proc


def test_agent_add_then_sign_in_to_the_running_server(
    team_server: tuple[str, Path, subprocess.Popen[str]],
) -> None:
    url, db, _proc = team_server
    r = run("agent", "add", "Eva", "--role", "agent", "--name", "Eva", "--signature", "^Eva",
            "--password-stdin", "--db", str(db), stdin="s3cret-pass\n")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "Created agent 'eva'" in r.stdout
    login = requests.post(
        url + "/v1/auth/login", json={"username": "eva", "password": "s3cret-pass"}, timeout=10
    )
    assert login.status_code == 200
    assert login.json()["user"]["signature"] == "^Eva"
    token = login.json()["token"]

    listed = run("agent", "list", "--db", str(db))
    assert re.search(r"eva\s+Eva\s+\^Eva\s+agent\s+ok", listed.stdout), listed.stdout

    assert run("agent", "disable", "eva", "--db", str(db)).returncode == 0
    me = requests.get(url + "/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert me.status_code == 401  # out at once, though another process disabled it
    assert run("agent", "enable", "eva", "--db", str(db)).returncode == 0
    r = run("agent", "passwd", "eva", "--password-stdin", "--db", str(db), stdin="n3w-password\n")
    assert r.returncode == 0
    login = requests.post(
        url + "/v1/auth/login", json={"username": "eva", "password": "n3w-password"}, timeout=10
    )
    assert login.status_code == 200


def test_agent_add_refuses_bad_input(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    r = run("agent", "add", "eva", "--password-stdin", "--db", db, stdin="short\n")
    assert r.returncode == 1
    assert "at least 8 characters" in r.stderr
    r = run("agent", "add", "bad name!", "--password-stdin", "--db", db, stdin="long enough 1\n")
    assert r.returncode == 1
    assert "A username is" in r.stderr
    assert (
        run(
            "agent", "add", "eva", "--password-stdin", "--db", db, stdin="long enough 1\n"
        ).returncode
        == 0
    )
    r = run("agent", "add", "EVA", "--password-stdin", "--db", db, stdin="long enough 1\n")
    assert r.returncode == 1
    assert "already taken" in r.stderr


def test_missing_database_option_is_explained(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WEBCARE_DB", raising=False)
    assert main(["report", "response-times"]) == 1
    assert "--db PATH" in capsys.readouterr().err


def test_help_on_every_level(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    for argv in (
        [], ["server"], ["demo"], ["agent"], ["agent", "add"], ["agent", "list"],
        ["import"], ["import", "twcs"], ["report"], ["report", "response-times"],
    ):  # fmt: skip
        with pytest.raises(SystemExit) as exc:
            parser.parse_args([*argv, "--help"])
        assert exc.value.code == 0
        assert "usage: webcare" in capsys.readouterr().out


def test_server_survives_sigterm_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    proc = subprocess.Popen(
        [*WEBCARE, "server", "--db", str(db), "--port", "0", "--log-level", "warning"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert "listening on" in proc.stdout.readline()
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert db.exists()


def test_demo_serves_the_sample_to_eva(tmp_path: Path) -> None:
    """The seeded team server the demo runs: eva can sign in and sees the sample."""
    proc = subprocess.Popen(
        [*WEBCARE, "demo", "--server-only", "--port", "0", "--db", str(tmp_path / "demo.db")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(3)]
        assert "password 'webcare-demo'" in lines[1]
        url = re.search(r"(http://127\.0\.0\.1:\d+)", lines[2])
        assert url, lines
        login = requests.post(
            url.group(1) + "/v1/auth/login",
            json={"username": "eva", "password": "webcare-demo"},
            timeout=20,
        )
        assert login.status_code == 200
        boot = requests.get(
            url.group(1) + "/v1/bootstrap",
            headers={"Authorization": f"Bearer {login.json()['token']}"},
            timeout=20,
        ).json()
        assert boot["counts"]["mentions"] == 49
        assert {t["language"] for t in boot["templates"]} == {"nl", "en"}
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=15)
