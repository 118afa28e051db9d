"""The team server's schema migrations, applied to a database as an older version left it."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from webcare.channels.base import Author, Batch, ChannelInfo, IncomingMention
from webcare.server.services.ingest import ingest
from webcare.storage.db import Database, connect
from webcare.storage.server_schema import migrations, open_server_db

INFO = ChannelInfo(kind="twitter", name="@Brand", brand="Brand", handle="@Brand", char_limit=280)
T0 = 1_700_000_000.0


def _post(source: str, text: str) -> IncomingMention:
    return IncomingMention(source, Author("ann", "@ann", None, 3), text, T0)


def _fts_objects(path: Path) -> list[str]:
    conn = connect(path)
    try:
        return [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE name LIKE 'mentions_fts%' ORDER BY name"
            )
        ]
    finally:
        conn.close()


def test_the_unused_full_text_index_is_dropped_and_its_mentions_kept(tmp_path: Path) -> None:
    """m010: the server's ``mentions_fts`` was written on every ingest and never queried
    (search is the client's); an upgraded database loses it, with its triggers, and keeps
    every mention, and ingest, edits and deletes of mentions go on without it."""
    path = tmp_path / "server.db"
    conn = connect(path)
    try:  # the schema as the last release left it
        migrations.apply(
            sqlite_utils.Database(conn, execute_plugins=False),
            stop_before="m010_drop_mentions_fts",
        )
    finally:
        conn.close()
    assert _fts_objects(path) == ["mentions_fts", "mentions_fts_config", "mentions_fts_data",
                                  "mentions_fts_delete", "mentions_fts_docsize",
                                  "mentions_fts_idx", "mentions_fts_update"]  # fmt: skip
    old = Database(path)  # not migrated further: a mention stored before the upgrade
    try:
        ingest(old, Batch(INFO, [_post("1", "help")]), T0, history=True)
    finally:
        old.close()
    db = open_server_db(path)  # migrates
    try:
        assert _fts_objects(path) == []
        stats = ingest(db, Batch(INFO, [_post("1", "help"), _post("2", "more")]), T0, history=True)
        assert (stats.mentions_new, stats.mentions_known) == (1, 1)
        with db.write() as conn:
            conn.execute("UPDATE mentions SET text = 'edited' WHERE source_id = '1'")
            conn.execute("DELETE FROM mentions WHERE source_id = '2'")
        with db.read() as conn:
            assert [tuple(r) for r in conn.execute("SELECT source_id, text FROM mentions")] == [
                ("1", "edited")
            ]
    finally:
        db.close()
    assert _fts_objects(path) == []
    fresh = tmp_path / "fresh.db"
    open_server_db(fresh).close()
    assert _fts_objects(fresh) == []
