"""The generic CSV import and `webcare channel add|set|list`, on a real database file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from webcare.cli import EXIT_SKIPPED, main
from webcare.storage.server_schema import open_server_db

CSV = """id,author,author_name,followers,text,created_at,url,in_reply_to,language
f1,@jan,Jan,120,"Mijn modem knippert oranje, wat moet ik doen?",2026-11-20T10:00:00+01:00,https://forum.example/1,,
f2,@piet,,,"Same here, since this morning",1795165200,,f1,en
f3,@kees,Kees,-4,negative followers,2026-11-20T11:00:00Z,,,
,@nobody,,,no id,,,,
"""


def test_generic_csv_import_is_idempotent_and_reports_bad_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path, csv_path = tmp_path / "team.db", tmp_path / "forum.csv"
    csv_path.write_text(CSV, encoding="utf-8")
    args = [
        "import",
        "csv",
        str(csv_path),
        "--channel",
        "Forum",
        "--brand",
        "KPN",
        "--db",
        str(db_path),
    ]
    assert main(args) == EXIT_SKIPPED
    out = capsys.readouterr().out
    assert "2 new mentions (0 known)" in out
    assert "line 4 (id f3): followers must not be negative" in out
    assert "line 5: id, author and text must not be empty" in out
    db = open_server_db(db_path)
    with db.read() as conn:
        rows = conn.execute(
            "SELECT m.source_id, m.created_at, m.parent_mention_id IS NOT NULL AS linked,"
            " m.language, c.handle, c.followers, ch.kind FROM mentions m"
            " JOIN contacts c ON c.id = m.contact_id JOIN channels ch ON ch.id = m.channel_id"
            " ORDER BY m.source_id"
        ).fetchall()
        changes_before = conn.execute("SELECT COUNT(*) FROM changes").fetchone()[0]
    db.close()
    assert [tuple(r) for r in rows] == [
        ("f1", 1795165200.0, 0, "nl", "@jan", 120, "csv"),
        ("f2", 1795165200.0, 1, "en", "@piet", None, "csv"),
    ]
    assert main(args) == EXIT_SKIPPED
    assert "0 new mentions (2 known)" in capsys.readouterr().out
    db = open_server_db(db_path)
    with db.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM changes").fetchone()[0] == changes_before
    db.close()


def test_csv_without_the_required_columns_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.csv"
    path.write_text("who,what\na,b\n", encoding="utf-8")
    assert main(["import", "csv", str(path), "--channel", "X", "--db", str(tmp_path / "d.db")]) == 1
    assert "missing: id, author, text" in capsys.readouterr().err


def test_channel_cli_adds_sets_and_lists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = ["--db", str(tmp_path / "team.db")]
    assert (
        main(
            [
                "channel",
                "add",
                "--connector",
                "mastodon",
                "--name",
                "@kpn on Mastodon",
                "--set",
                "base_url=https://social.example",
                "--secret",
                "access_token=env:KPN_MASTODON_TOKEN",
                "--interval",
                "30",
                *db,
            ]
        )
        == 0
    )
    assert "Added channel 1" in capsys.readouterr().out
    assert main(["channel", "add", "--connector", "webhook", "--name", "Forum", *db]) == 0
    out = capsys.readouterr().out
    assert "signing_secret (shown once, keep it safe): " in out
    assert main(["channel", "set", "1", "--disable", "--set", "visibility=direct", *db]) == 0
    assert main(["channel", "list", "--json", *db]) == 0
    listed = json.loads(capsys.readouterr().out.split("updated.\n", 1)[1])
    assert [(c["name"], c["connector"], c["enabled"], c["can_reply"]) for c in listed] == [
        ("@kpn on Mastodon", "mastodon", False, True),
        ("Forum", "webhook", True, False),
    ]
    conn = open_server_db(tmp_path / "team.db")
    with conn.read() as c:
        secret = c.execute("SELECT value FROM channel_secrets WHERE channel_id = 1").fetchone()[0]
        config = json.loads(c.execute("SELECT config FROM channels WHERE id = 1").fetchone()[0])
    conn.close()
    assert secret == "env:KPN_MASTODON_TOKEN"  # only the name of the variable is stored
    assert config == {"base_url": "https://social.example", "visibility": "direct"}
    assert (
        main(["channel", "add", "--connector", "mastodon", "--name", "Y", "--set", "nonsense", *db])
        == 1
    )
    assert "name=value" in capsys.readouterr().err
