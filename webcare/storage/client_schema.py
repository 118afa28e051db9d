"""The desktop client's local store: a mirror of the team server plus the local outbox.

Mirror tables (users … templates) are written only by the sync applier
(:mod:`webcare.storage.local`). The outbox, unread marks and sync state are local.
"""

from __future__ import annotations

import sqlite3
import uuid

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("webcare-client")

_INITIAL = [
    "CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE users (
        id INTEGER PRIMARY KEY, username TEXT NOT NULL, display_name TEXT NOT NULL,
        signature TEXT NOT NULL, role TEXT NOT NULL, disabled INTEGER NOT NULL,
        brand TEXT, can_login INTEGER NOT NULL
    )""",
    """CREATE TABLE channels (
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, brand TEXT NOT NULL,
        handle TEXT NOT NULL, enabled INTEGER NOT NULL, char_limit INTEGER,
        last_fetch_at REAL, last_error TEXT
    )""",
    """CREATE TABLE contacts (
        id INTEGER PRIMARY KEY, platform TEXT NOT NULL, platform_user_id TEXT NOT NULL,
        handle TEXT NOT NULL, name TEXT, followers INTEGER
    )""",
    """CREATE TABLE mentions (
        id INTEGER PRIMARY KEY, channel_id INTEGER NOT NULL, source_id TEXT NOT NULL,
        contact_id INTEGER, text TEXT NOT NULL, url TEXT, language TEXT,
        parent_mention_id INTEGER, thread_id INTEGER,
        created_at REAL NOT NULL, received_at REAL NOT NULL,
        status TEXT NOT NULL, priority INTEGER NOT NULL, tags TEXT NOT NULL,
        claim_agent_id INTEGER, claim_epoch INTEGER NOT NULL,
        lease_expires_local REAL, replied_at REAL, closed_at REAL, updated_at REAL
    )""",
    "CREATE INDEX mentions_received ON mentions(received_at)",
    "CREATE INDEX mentions_status_received ON mentions(status, received_at)",
    "CREATE INDEX mentions_holder ON mentions(claim_agent_id, received_at)",
    "CREATE INDEX mentions_contact ON mentions(contact_id, created_at)",
    "CREATE INDEX mentions_channel ON mentions(channel_id, received_at)",
    """CREATE TABLE replies (
        id TEXT PRIMARY KEY, mention_id INTEGER NOT NULL, agent_id INTEGER NOT NULL,
        body TEXT NOT NULL, template_id INTEGER, accepted_at REAL NOT NULL, posted_at REAL,
        delivery_state TEXT NOT NULL, delivery_error TEXT, platform_post_id TEXT
    )""",
    "CREATE INDEX replies_mention ON replies(mention_id, accepted_at)",
    """CREATE TABLE notes (
        id TEXT PRIMARY KEY, mention_id INTEGER NOT NULL, agent_id INTEGER NOT NULL,
        body TEXT NOT NULL, created_at REAL NOT NULL
    )""",
    "CREATE INDEX notes_mention ON notes(mention_id, created_at)",
    """CREATE TABLE templates (
        id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, language TEXT NOT NULL,
        shortcut TEXT NOT NULL, tags TEXT NOT NULL, version INTEGER NOT NULL,
        archived INTEGER NOT NULL, updated_by INTEGER, updated_at REAL
    )""",
    """CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        client_id TEXT NOT NULL,
        client_seq INTEGER NOT NULL,
        op_id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        mention_id INTEGER NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'accepted', 'rejected', 'dismissed')),
        result TEXT,
        created_at REAL NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        UNIQUE (client_id, client_seq)
    )""",
    "CREATE INDEX outbox_state ON outbox(state, id)",
    "CREATE INDEX outbox_mention ON outbox(mention_id)",
    "CREATE TABLE unread (mention_id INTEGER PRIMARY KEY)",
    """CREATE VIRTUAL TABLE mentions_fts USING fts5(
        text, content='mentions', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER mentions_ai AFTER INSERT ON mentions BEGIN
        INSERT INTO mentions_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER mentions_ad AFTER DELETE ON mentions BEGIN
        INSERT INTO mentions_fts(mentions_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
    """CREATE TRIGGER mentions_au AFTER UPDATE OF text ON mentions BEGIN
        INSERT INTO mentions_fts(mentions_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO mentions_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE VIRTUAL TABLE replies_fts USING fts5(
        body, mention_id UNINDEXED, tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER replies_ai AFTER INSERT ON replies BEGIN
        INSERT INTO replies_fts(rowid, body, mention_id)
        VALUES (new.rowid, new.body, new.mention_id);
    END""",
    """CREATE TRIGGER replies_ad AFTER DELETE ON replies BEGIN
        DELETE FROM replies_fts WHERE rowid = old.rowid;
    END""",
    """CREATE TRIGGER replies_au AFTER UPDATE OF body ON replies BEGIN
        UPDATE replies_fts SET body = new.body WHERE rowid = old.rowid;
    END""",
]


@migrations(name="m001_initial")
def m001_initial(db: sqlite_utils.Database) -> None:
    for statement in _INITIAL:
        db.execute(statement)
    db.execute(
        "INSERT INTO sync_state(key, value) VALUES ('client_id', ?)", [f"c-{uuid.uuid4().hex}"]
    )


@migrations(name="m002_claimed_since")
def m002_claimed_since(db: sqlite_utils.Database) -> None:
    # local time since when the current holder holds the claim ("Eva is replying… for 4 min")
    db.execute("ALTER TABLE mentions ADD COLUMN claimed_since_local REAL")


@migrations(name="m003_channel_connectors")
def m003_channel_connectors(db: sqlite_utils.Database) -> None:
    # listen-only channels (RSS, a webhook without reply URL) cannot take replies
    db.execute("ALTER TABLE channels ADD COLUMN connector TEXT")
    db.execute("ALTER TABLE channels ADD COLUMN can_reply INTEGER NOT NULL DEFAULT 1")
    db.execute("ALTER TABLE replies ADD COLUMN posted_url TEXT")


@migrations(name="m004_filter_indexes")
def m004_filter_indexes(db: sqlite_utils.Database) -> None:
    # the queue's filters at 1M mentions: "prio:high" and "status + channel + priority" were
    # full scans or 300k-row channel walks (seconds); these make them index ranges
    db.execute("CREATE INDEX mentions_priority ON mentions(priority, received_at)")
    db.execute(
        "CREATE INDEX mentions_status_channel"
        " ON mentions(status, channel_id, priority, received_at)"
    )


def migrate(conn: sqlite3.Connection) -> None:
    migrations.apply(sqlite_utils.Database(conn, execute_plugins=False))
