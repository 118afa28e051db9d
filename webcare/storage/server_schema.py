"""The team server's schema, as append-only migrations (sqlite-utils ``Migrations``).

Never edit a migration that has shipped; add a new one. Each migration runs in one transaction
together with the record that it ran.
"""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from webcare.storage.db import BUSY_TIMEOUT_MS, Database
from webcare.storage.files import private_dir
from webcare.storage.migrations import apply_migrations

migrations = Migrations("webcare-server")

_INITIAL = [
    """CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT NOT NULL,
        signature TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL CHECK (role IN ('agent', 'lead', 'admin')),
        password_hash TEXT,
        disabled INTEGER NOT NULL DEFAULT 0,
        brand TEXT,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    )""",
    """CREATE TABLE tokens (
        id INTEGER PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        user_id INTEGER NOT NULL REFERENCES users(id),
        label TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        revoked_at REAL
    )""",
    "CREATE INDEX tokens_user ON tokens(user_id)",
    """CREATE TABLE clients (
        client_id TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        last_mutation_seq INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL,
        last_seen_at REAL NOT NULL
    )""",
    """CREATE TABLE channels (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        name TEXT NOT NULL UNIQUE,
        brand TEXT NOT NULL DEFAULT '',
        handle TEXT NOT NULL DEFAULT '',
        enabled INTEGER NOT NULL DEFAULT 1,
        char_limit INTEGER,
        config TEXT NOT NULL DEFAULT '{}',
        cursor TEXT,
        last_fetch_at REAL,
        last_error TEXT,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    )""",
    """CREATE TABLE contacts (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        platform_user_id TEXT NOT NULL,
        handle TEXT NOT NULL,
        name TEXT,
        followers INTEGER,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        UNIQUE (platform, platform_user_id)
    )""",
    """CREATE TABLE mentions (
        id INTEGER PRIMARY KEY,
        channel_id INTEGER NOT NULL REFERENCES channels(id),
        source_id TEXT NOT NULL,
        contact_id INTEGER REFERENCES contacts(id),
        text TEXT NOT NULL,
        url TEXT,
        language TEXT,
        parent_source_id TEXT,
        parent_mention_id INTEGER REFERENCES mentions(id),
        thread_id INTEGER,
        created_at REAL NOT NULL,
        received_at REAL NOT NULL,
        status TEXT NOT NULL DEFAULT 'open'
            CHECK (status IN ('open', 'claimed', 'answered', 'closed', 'spam')),
        priority INTEGER NOT NULL DEFAULT 1 CHECK (priority BETWEEN 0 AND 3),
        tags TEXT NOT NULL DEFAULT '[]',
        claim_agent_id INTEGER REFERENCES users(id),
        claim_epoch INTEGER NOT NULL DEFAULT 0,
        lease_expires_at REAL,
        replied_at REAL,
        closed_at REAL,
        updated_at REAL NOT NULL,
        UNIQUE (channel_id, source_id)
    )""",
    "CREATE INDEX mentions_status ON mentions(status, received_at)",
    "CREATE INDEX mentions_contact ON mentions(contact_id, created_at)",
    "CREATE INDEX mentions_thread ON mentions(thread_id)",
    "CREATE INDEX mentions_parent_source ON mentions(channel_id, parent_source_id)",
    """CREATE INDEX mentions_leases ON mentions(lease_expires_at)
        WHERE status = 'claimed'""",
    """CREATE VIRTUAL TABLE mentions_fts USING fts5(
        text, content='mentions', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER mentions_fts_insert AFTER INSERT ON mentions BEGIN
        INSERT INTO mentions_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER mentions_fts_delete AFTER DELETE ON mentions BEGIN
        INSERT INTO mentions_fts(mentions_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
    """CREATE TRIGGER mentions_fts_update AFTER UPDATE OF text ON mentions BEGIN
        INSERT INTO mentions_fts(mentions_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO mentions_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TABLE replies (
        id TEXT PRIMARY KEY,
        mention_id INTEGER NOT NULL REFERENCES mentions(id),
        agent_id INTEGER NOT NULL REFERENCES users(id),
        client_id TEXT,
        client_seq INTEGER,
        claim_epoch INTEGER,
        template_id INTEGER,
        body TEXT NOT NULL,
        accepted_at REAL NOT NULL,
        posted_at REAL,
        source_id TEXT,
        delivery_state TEXT NOT NULL
            CHECK (delivery_state IN ('queued', 'sending', 'sent', 'failed', 'imported')),
        delivery_error TEXT,
        delivery_attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL,
        platform_post_id TEXT,
        UNIQUE (client_id, client_seq)
    )""",
    "CREATE INDEX replies_mention ON replies(mention_id, accepted_at)",
    "CREATE INDEX replies_delivery ON replies(delivery_state, next_attempt_at)",
    """CREATE TABLE notes (
        id TEXT PRIMARY KEY,
        mention_id INTEGER NOT NULL REFERENCES mentions(id),
        agent_id INTEGER NOT NULL REFERENCES users(id),
        client_id TEXT,
        client_seq INTEGER,
        body TEXT NOT NULL,
        created_at REAL NOT NULL,
        UNIQUE (client_id, client_seq)
    )""",
    "CREATE INDEX notes_mention ON notes(mention_id, created_at)",
    """CREATE TABLE templates (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        language TEXT NOT NULL DEFAULT 'nl',
        shortcut TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '[]',
        version INTEGER NOT NULL DEFAULT 1,
        archived INTEGER NOT NULL DEFAULT 0,
        created_by INTEGER REFERENCES users(id),
        updated_by INTEGER REFERENCES users(id),
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    )""",
    """CREATE UNIQUE INDEX templates_shortcut ON templates(shortcut)
        WHERE archived = 0 AND shortcut != ''""",
    """CREATE TABLE changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
        at REAL NOT NULL
    )""",
    """CREATE TABLE mutation_results (
        client_id TEXT NOT NULL,
        client_seq INTEGER NOT NULL,
        op_id TEXT NOT NULL,
        type TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at REAL NOT NULL,
        PRIMARY KEY (client_id, client_seq)
    )""",
    "CREATE INDEX mutation_results_op ON mutation_results(op_id)",
    """CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at REAL NOT NULL,
        actor_id INTEGER REFERENCES users(id),
        action TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX audit_entity ON audit(entity, entity_id)",
    "CREATE INDEX audit_at ON audit(at)",
    """CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
]


@migrations(name="m001_initial")
def m001_initial(db: sqlite_utils.Database) -> None:
    for statement in _INITIAL:
        db.execute(statement)
    db.execute("INSERT INTO meta(key, value) VALUES ('db_id', ?)", [secrets.token_hex(8)])
    db.execute("INSERT INTO meta(key, value) VALUES ('changes_floor', '0')")


@migrations(name="m002_claimed_at_and_automatic_replies")
def m002_claimed_at_and_automatic_replies(db: sqlite_utils.Database) -> None:
    # since when the current holder holds a claim (leads see "for 12 min")
    db.execute("ALTER TABLE mentions ADD COLUMN claimed_at REAL")
    # out-of-hours acknowledgements: sent for the team, not a first response
    db.execute("ALTER TABLE replies ADD COLUMN automatic INTEGER NOT NULL DEFAULT 0")


@migrations(name="m003_connectors")
def m003_connectors(db: sqlite_utils.Database) -> None:
    # which connector drives a channel (NULL: import only), its schedule and health
    db.execute("ALTER TABLE channels ADD COLUMN connector TEXT")
    db.execute("ALTER TABLE channels ADD COLUMN interval_s REAL")
    db.execute("ALTER TABLE channels ADD COLUMN next_fetch_at REAL")
    db.execute("ALTER TABLE channels ADD COLUMN failures INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE channels ADD COLUMN last_error_at REAL")
    db.execute("ALTER TABLE channels ADD COLUMN fetched_total INTEGER NOT NULL DEFAULT 0")
    # secrets live apart from the config and never leave the server (value may be env:NAME)
    db.execute(
        """CREATE TABLE channel_secrets (
            channel_id INTEGER NOT NULL REFERENCES channels(id),
            name TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (channel_id, name)
        )"""
    )
    # what a connector needs later to answer a post (Bluesky cid/root, e-mail Message-ID...)
    db.execute("ALTER TABLE mentions ADD COLUMN meta TEXT NOT NULL DEFAULT '{}'")
    db.execute("ALTER TABLE replies ADD COLUMN posted_url TEXT")


@migrations(name="m004_replies_source_index")
def m004_replies_source_index(db: sqlite_utils.Database) -> None:
    # ingest finds the mention a follow-up answers through the brand reply's platform id;
    # without this index every follow-up scanned all replies (quadratic imports)
    db.execute("CREATE INDEX replies_source ON replies(source_id) WHERE source_id IS NOT NULL")


@migrations(name="m005_mentions_fts_filled_by_ingest")
def m005_mentions_fts_filled_by_ingest(db: sqlite_utils.Database) -> None:
    # ingest (the only writer of new mentions) indexes each batch's texts in one statement:
    # through the per-row trigger, FTS5 was most of the cost of an import (measured: 100k
    # mentions 8.5 s with the trigger, 2.7 s with one INSERT ... SELECT per batch).
    # The delete and update triggers stay.
    db.execute("DROP TRIGGER mentions_fts_insert")


@migrations(name="m006_login_throttle")
def m006_login_throttle(db: sqlite_utils.Database) -> None:
    # Failed (and in-flight) sign-ins, so the throttle holds across server processes and
    # restarts. ``key`` is a SHA-256 of what is limited (user name + address, address, user
    # name, user name + device), never the typed name itself (people type passwords there);
    # ``attempt`` ties the rows of one sign-in together so a success can take them back.
    # Rows older than the window are deleted by the throttle.
    db.execute(
        """CREATE TABLE login_failures (
            key TEXT NOT NULL,
            at REAL NOT NULL,
            attempt TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX login_failures_key ON login_failures(key, at)")
    db.execute("CREATE INDEX login_failures_at ON login_failures(at)")
    db.execute("CREATE INDEX login_failures_attempt ON login_failures(attempt)")
    # Devices that signed in to an account before: only their own failures hold them back.
    db.execute(
        """CREATE TABLE login_devices (
            key TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            first_at REAL NOT NULL,
            last_at REAL NOT NULL
        )"""
    )


@migrations(name="m007_user_availability")
def m007_user_availability(db: sqlite_utils.Database) -> None:
    # an agent's own "available" / "away", set in the preferences, shown in the team's workload
    db.execute(
        "ALTER TABLE users ADD COLUMN availability TEXT NOT NULL DEFAULT 'available'"
        " CHECK (availability IN ('available', 'away'))"
    )


@migrations(name="m008_media")
def m008_media(db: sqlite_utils.Database) -> None:
    # Files that mentions carry (fetched by the channel runner, off the ingest transaction) and
    # images agents upload to attach to a reply. ``ref`` is the connector's handle on the file
    # (a platform id or URL) and never leaves the server; ``mime`` is what the bytes are
    # (sniffed), ``claimed_mime`` what the platform said. The file itself lives under
    # ``<db dir>/media/<sha256>`` (one copy per content).
    db.execute(
        """CREATE TABLE media (
            id INTEGER PRIMARY KEY,
            mention_id INTEGER REFERENCES mentions(id),
            position INTEGER NOT NULL DEFAULT 0,
            uploaded_by INTEGER REFERENCES users(id),
            kind TEXT NOT NULL
                CHECK (kind IN ('image', 'sticker', 'audio', 'video', 'document')),
            ref TEXT,
            claimed_mime TEXT,
            mime TEXT,
            size INTEGER,
            sha256 TEXT,
            filename TEXT,
            caption TEXT,
            state TEXT NOT NULL CHECK (state IN ('pending', 'stored', 'refused', 'failed')),
            error TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            CHECK ((mention_id IS NULL) != (uploaded_by IS NULL))
        )"""
    )
    db.execute("CREATE UNIQUE INDEX media_mention ON media(mention_id, position)")
    db.execute("CREATE INDEX media_pending ON media(next_attempt_at) WHERE state = 'pending'")
    # an upload is idempotent by content: the same person uploading the same bytes gets one row
    db.execute(
        "CREATE UNIQUE INDEX media_upload ON media(uploaded_by, sha256)"
        " WHERE uploaded_by IS NOT NULL"
    )
    db.execute(
        """CREATE TABLE reply_media (
            reply_id TEXT NOT NULL REFERENCES replies(id),
            position INTEGER NOT NULL,
            media_id INTEGER NOT NULL REFERENCES media(id),
            PRIMARY KEY (reply_id, position)
        )"""
    )
    db.execute("CREATE INDEX reply_media_media ON reply_media(media_id)")


@migrations(name="m009_push_receipts_windows_actions")
def m009_push_receipts_windows_actions(db: sqlite_utils.Database) -> None:
    # Pushed deliveries (Meta webhooks, Telegram's webhook): stored as received before the
    # platform hears 200, parsed later by the channel runner (done in the same transaction as
    # the mentions they bring; a crash in between leaves them queued).
    db.execute(
        """CREATE TABLE push_deliveries (
            id INTEGER PRIMARY KEY,
            channel_id INTEGER NOT NULL REFERENCES channels(id),
            received_at REAL NOT NULL,
            body BLOB NOT NULL,
            state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'done', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            next_attempt_at REAL,
            done_at REAL
        )"""
    )
    db.execute("CREATE INDEX push_deliveries_queue ON push_deliveries(state, channel_id, id)")
    db.execute("CREATE INDEX push_deliveries_received ON push_deliveries(received_at)")
    # the receiver's health (a run of bad signatures, a delivery that could not be read)
    db.execute("ALTER TABLE channels ADD COLUMN push_error TEXT")
    db.execute("ALTER TABLE channels ADD COLUMN push_error_at REAL")
    db.execute("ALTER TABLE channels ADD COLUMN push_last_at REAL")
    # delivery receipts: how far a posted reply came (only ever forward)
    db.execute(
        "ALTER TABLE replies ADD COLUMN platform_status TEXT"
        " CHECK (platform_status IN ('sent', 'delivered', 'read', 'failed'))"
    )
    db.execute("ALTER TABLE replies ADD COLUMN platform_status_at REAL")
    # the agent chose a private reply (Facebook/Instagram: a DM to the commenter)
    db.execute("ALTER TABLE replies ADD COLUMN private INTEGER NOT NULL DEFAULT 0")
    db.execute(
        "CREATE INDEX replies_platform_post ON replies(platform_post_id)"
        " WHERE platform_post_id IS NOT NULL"
    )
    # receipts that came before their reply was committed, applied when it is
    db.execute(
        """CREATE TABLE push_receipts (
            id INTEGER PRIMARY KEY,
            channel_id INTEGER NOT NULL REFERENCES channels(id),
            platform_post_id TEXT,
            reference TEXT,
            status TEXT NOT NULL,
            at REAL NOT NULL,
            error TEXT,
            received_at REAL NOT NULL
        )"""
    )
    db.execute("CREATE INDEX push_receipts_post ON push_receipts(channel_id, platform_post_id)")
    db.execute("CREATE INDEX push_receipts_reference ON push_receipts(reference)")
    # messaging window: until when a reply is possible (the customer's last message + 24 h)
    db.execute("ALTER TABLE mentions ADD COLUMN window_until REAL")
    db.execute("ALTER TABLE mentions ADD COLUMN window_from REAL")  # the customer's last message
    # platform actions (hide a comment marked spam): an outbox worked by the channel runner,
    # written in the same transaction as the status change; the latest one's state is on the
    # mention (JSON) for the wire
    db.execute(
        """CREATE TABLE platform_actions (
            id INTEGER PRIMARY KEY,
            mention_id INTEGER NOT NULL REFERENCES mentions(id),
            action TEXT NOT NULL CHECK (action IN ('hide', 'unhide')),
            state TEXT NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'sending', 'done', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            actor_id INTEGER REFERENCES users(id),
            created_at REAL NOT NULL,
            next_attempt_at REAL,
            done_at REAL
        )"""
    )
    db.execute("CREATE INDEX platform_actions_queue ON platform_actions(state, next_attempt_at)")
    db.execute("ALTER TABLE mentions ADD COLUMN platform_action TEXT")


@migrations(name="m010_drop_mentions_fts")
def m010_drop_mentions_fts(db: sqlite_utils.Database) -> None:
    # The server's full-text index of mention texts was written on every ingest and never
    # queried: search is the client's (its own index of text, replies, authors and facets over
    # the synced store; ARCHITECTURE.md, after "Search index"). Dropping it takes its cost off
    # every ingest.
    db.execute("DROP TRIGGER IF EXISTS mentions_fts_insert")
    db.execute("DROP TRIGGER IF EXISTS mentions_fts_delete")
    db.execute("DROP TRIGGER IF EXISTS mentions_fts_update")
    db.execute("DROP TABLE IF EXISTS mentions_fts")


@migrations(name="m011_platform_templates")
def m011_platform_templates(db: sqlite_utils.Database) -> None:
    # a reply that is an approved platform template (WhatsApp, outside the 24 h window):
    # {"name", "language", "parameters": [{"name", "text"}]}; NULL for a free-text reply
    db.execute("ALTER TABLE replies ADD COLUMN platform_template TEXT")


@migrations(name="m012_snooze")
def m012_snooze(db: sqlite_utils.Database) -> None:
    # a snoozed mention is out of the queues until snoozed_until (server clock) or, with
    # snooze_until_customer, until its customer writes again in the thread or conversation;
    # snoozed_by is who snoozed it (kept after it wakes: it comes back bold for them), woken_at
    # when the sweeper or a follow-up woke it last
    db.execute("ALTER TABLE mentions ADD COLUMN snoozed_until REAL")
    db.execute("ALTER TABLE mentions ADD COLUMN snooze_until_customer INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE mentions ADD COLUMN snoozed_by INTEGER REFERENCES users(id)")
    db.execute("ALTER TABLE mentions ADD COLUMN snoozed_at REAL")
    db.execute("ALTER TABLE mentions ADD COLUMN woken_at REAL")
    # the sweeper's walk (due wake times), and ingest's look for a customer's sleeping mentions
    db.execute(
        "CREATE INDEX mentions_snooze_due ON mentions(snoozed_until)"
        " WHERE snoozed_until IS NOT NULL"
    )
    db.execute(
        "CREATE INDEX mentions_snoozed_contact ON mentions(contact_id)"
        " WHERE snoozed_until IS NOT NULL OR snooze_until_customer = 1"
    )


@migrations(name="m013_handover")
def m013_handover(db: sqlite_utils.Database) -> None:
    # A hand-over (POST /v1/mentions/{id}/handover): who passed the claim on and when, and the
    # claim epoch it began, so the wire says "Eva handed this to you" only during that tenure;
    # the hand-over's note is a row of notes naming the colleague it went to.
    db.execute("ALTER TABLE mentions ADD COLUMN handed_over_by INTEGER REFERENCES users(id)")
    db.execute("ALTER TABLE mentions ADD COLUMN handed_over_at REAL")
    db.execute("ALTER TABLE mentions ADD COLUMN handover_epoch INTEGER")
    db.execute("ALTER TABLE notes ADD COLUMN handover_to INTEGER REFERENCES users(id)")


@migrations(name="m014_saved_views")
def m014_saved_views(db: sqlite_utils.Database) -> None:
    # A saved view (GET/POST /v1/views): a name, a base view, filters, the search box's text
    # and a sort; personal (only owner_id sees it) or published to the team (every account
    # sees it; only leads and admins change it). A name is unique per owner, and among the
    # published views.
    db.execute(
        """CREATE TABLE saved_views (
            id INTEGER PRIMARY KEY,
            owner_id INTEGER NOT NULL REFERENCES users(id),
            name TEXT NOT NULL,
            base TEXT NOT NULL,
            search TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT '',
            channel_id INTEGER,
            min_priority INTEGER,
            sort TEXT NOT NULL,
            published INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            updated_by INTEGER REFERENCES users(id)
        )"""
    )
    db.execute("CREATE INDEX saved_views_owner ON saved_views(owner_id)")


@migrations(name="m017_contact_merge")
def m017_contact_merge(db: sqlite_utils.Database) -> None:
    # A lead merges two contacts of the same person (Mastodon and e-mail, two X handles): the
    # merged one points at the contact it joined (``merged_into``, never itself merged, so a
    # group is one level deep); mentions keep their own contact_id and channel, so a split
    # (merged_into back to NULL) restores both histories exactly. Who merged it and when is on
    # the row for the Contacts tab; the audit log has the rest.
    db.execute("ALTER TABLE contacts ADD COLUMN merged_into INTEGER REFERENCES contacts(id)")
    db.execute("ALTER TABLE contacts ADD COLUMN merged_at REAL")
    db.execute("ALTER TABLE contacts ADD COLUMN merged_by INTEGER REFERENCES users(id)")
    db.execute(
        "CREATE INDEX contacts_merged_into ON contacts(merged_into) WHERE merged_into IS NOT NULL"
    )
    # merge suggestions a lead dismissed (two contacts that are not the same person), the
    # lower contact id first, so they are not suggested again
    db.execute(
        """CREATE TABLE contact_merge_dismissals (
            low_id INTEGER NOT NULL REFERENCES contacts(id),
            high_id INTEGER NOT NULL REFERENCES contacts(id),
            dismissed_by INTEGER REFERENCES users(id),
            dismissed_at REAL NOT NULL,
            PRIMARY KEY (low_id, high_id),
            CHECK (low_id < high_id)
        )"""
    )


@migrations(name="m018_undo")
def m018_undo(db: sqlite_utils.Database) -> None:
    # An undo point per accepted status, snooze, tag or priority write (services/undo.py): the
    # mention's workflow state just before and after it, so the same account can take the write
    # back while nothing changed since; kept 15 minutes, pruned as new ones are written.
    db.execute(
        """CREATE TABLE undo_points (
            op_id TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            mention_id INTEGER NOT NULL REFERENCES mentions(id),
            before TEXT NOT NULL,
            after TEXT NOT NULL,
            created_at REAL NOT NULL
        )"""
    )
    db.execute("CREATE INDEX undo_points_created ON undo_points(created_at)")


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema of an open connection up to date."""
    apply_migrations(migrations, conn)


def open_server_db(
    path: str | Path, *, synchronous: str = "FULL", busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Database:
    """Open (creating if needed) the team server's database and migrate it."""
    private_dir(Path(path).parent)  # 0700 where it is created; the file itself: db.connect
    database = Database(path, synchronous=synchronous, busy_timeout_ms=busy_timeout_ms)
    with database.schema_writer() as conn:
        migrate(conn)
    return database
