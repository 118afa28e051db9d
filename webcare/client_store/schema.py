"""The client store's schema, as append-only migrations (sqlite-utils ``Migrations``).

A mirror of the team server plus the local outbox: mirror tables (users … templates, media)
are written only by the sync applier (:mod:`webcare.client_store.applier`); the outbox, unread
marks and sync state are local. Never edit a migration that has shipped; add a new one.
"""

from __future__ import annotations

import sqlite3
import uuid

import sqlite_utils
from sqlite_utils import Migrations

from webcare.storage.migrations import apply_migrations

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


# --- the search index (m005) ------------------------------------------------------------------
#
# One FTS5 document per mention: its text, the text of every reply to it, its author's handle
# and name, and "facets" (status, channel, priority, holder and tags as tokens, e.g.
# ``sopen c3 p2 h7 tbilling``). The document's rowid is the mention's *search key*: its
# received second and its id in one integer, so FTS5 hands out matches newest (or oldest) first
# by itself, and a search with filters is one walk of the index that stops after a page
# instead of collecting every match (a common word matches 16 % of a year's mentions).
# ``webcare.client_store.applier`` keeps the documents current (the sync applier is the only
# writer of mirror tables); the filters are checked on the mention rows again, so the facets
# only make the walk short, they never decide alone.

SEARCH_EPOCH = 1_577_836_800  # 2020-01-01: keys are seconds since then, shifted past the id
_KEY_LO = SEARCH_EPOCH - (2**31 - 1)  # received times are clamped to 1951 … 2088 for the key
_KEY_HI = SEARCH_EPOCH + (2**31 - 2)
ID_BITS = 32  # mention ids below 2**32 (4.29 billion) keep their key unique

#: the search key of mention row ``m`` (must equal :func:`search_key`)
KEY_SQL = (
    f"((MIN(MAX(CAST(m.received_at AS INTEGER), {_KEY_LO}), {_KEY_HI}) - {SEARCH_EPOCH})"
    f" * {2**ID_BITS} + m.id)"
)


def search_key(received_at: float, mention_id: int) -> int:
    """The search key of a mention (its FTS rowid): received second, then id."""
    second = min(max(int(received_at), _KEY_LO), _KEY_HI)
    return int((second - SEARCH_EPOCH) * 2**ID_BITS + mention_id)


_DOC_SQL = (
    "m.text,"
    " COALESCE((SELECT group_concat(r.body, ' ') FROM replies r WHERE r.mention_id = m.id), ''),"
    " COALESCE(c.handle, '') || ' ' || COALESCE(c.name, '')"
)
_FROM_SQL = " FROM mentions m LEFT JOIN contacts c ON c.id = m.contact_id"

#: the search documents of the mentions ``m`` selected by the appended WHERE clause
INDEX_SQL = (
    "INSERT INTO search(rowid, text, replies, author, facets)"
    f" SELECT {KEY_SQL}, {_DOC_SQL},"
    " 's' || m.status || ' c' || m.channel_id || ' p' || m.priority"
    " || COALESCE(' h' || m.claim_agent_id, '')"
    " || COALESCE((SELECT ' ' || group_concat('t' || value, ' ') FROM json_each(m.tags)), '')"
    + _FROM_SQL
)

#: the same documents' words into the scratch tokenizer (see ``SyncApplier._index``)
TOKENIZE_SQL = (
    f"INSERT INTO temp.search_scratch(text, replies, author) SELECT {_DOC_SQL}" + _FROM_SQL
)

#: a per-connection FTS5 table with the index's tokenizer: what terms does this text make?
SCRATCH_SQL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_scratch USING fts5(text, replies, author,"
    " tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_scratch_terms"
    " USING fts5vocab(temp, search_scratch, 'row')",
)


def rebuild_search(conn: sqlite3.Connection) -> None:
    """Index every mention anew (after a bootstrap, and once by m005)."""
    conn.execute("DELETE FROM search")
    conn.execute(INDEX_SQL + " ORDER BY m.received_at, m.id")
    conn.execute("DELETE FROM search_terms")
    conn.execute("INSERT INTO search_terms(term) SELECT term FROM search_vocab")


@migrations(name="m005_search_index")
def m005_search_index(db: sqlite_utils.Database) -> None:
    # one time-ordered document per mention (see above) replaces the two FTS tables whose
    # matches had to be collected in full before a search could be sorted and counted
    for trigger in ("mentions_ai", "mentions_ad", "mentions_au",
                    "replies_ai", "replies_ad", "replies_au"):  # fmt: skip
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    db.execute("DROP TABLE IF EXISTS mentions_fts")
    db.execute("DROP TABLE IF EXISTS replies_fts")
    db.execute(
        "CREATE VIRTUAL TABLE search USING fts5(text, replies, author, facets,"
        " tokenize='unicode61 remove_diacritics 2', columnsize=0)"
    )
    # every term in the index, so that a word being typed ("stor") is looked up as the terms it
    # begins (storing, store) instead of FTS5's prefix query, which gathers all their matches
    # before it hands out the first. Terms of deleted documents may linger: harmless.
    db.execute("CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search, 'row')")
    db.execute("CREATE TABLE search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID")
    rebuild_search(db.conn)


@migrations(name="m006_media")
def m006_media(db: sqlite_utils.Database) -> None:
    # the files of mentions and the images attached to replies, as the server describes them
    # (``media`` of the wire records); written by the sync applier with their owner. The bytes
    # are downloaded on demand into the media cache beside the store (never from a platform).
    db.execute(
        """CREATE TABLE media (
            owner TEXT NOT NULL CHECK (owner IN ('mention', 'reply')),
            owner_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            mime TEXT,
            size INTEGER,
            filename TEXT,
            caption TEXT,
            state TEXT NOT NULL,
            error TEXT,
            PRIMARY KEY (owner, owner_id, position)
        ) WITHOUT ROWID"""
    )
    # replies on the channel may carry images (Mastodon, Bluesky, e-mail)
    db.execute("ALTER TABLE channels ADD COLUMN can_attach INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE channels ADD COLUMN attach_max_bytes INTEGER")  # Bluesky: 1 MB
    # the uploaded images a queued reply carries (their ``media`` records as JSON), to show
    # them in its bubble while it waits; its payload names them by id (``media_ids``)
    db.execute("ALTER TABLE outbox ADD COLUMN media TEXT")


@migrations(name="m007_windows_receipts")
def m007_windows_receipts(db: sqlite_utils.Database) -> None:
    # the platform's messaging window (Messenger, WhatsApp): until when a reply is possible,
    # on the local clock (like the lease); NULL: the mention has no window
    db.execute("ALTER TABLE mentions ADD COLUMN window_until_local REAL")
    db.execute("ALTER TABLE mentions ADD COLUMN window_from_local REAL")  # their last message
    # a private reply is possible (Facebook/Instagram: a DM to the commenter)
    db.execute("ALTER TABLE mentions ADD COLUMN private_reply INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE channels ADD COLUMN reply_window_s REAL")
    # delivery receipts: how far a posted reply came (sent / delivered / read / failed)
    db.execute("ALTER TABLE replies ADD COLUMN platform_status TEXT")
    db.execute("ALTER TABLE replies ADD COLUMN platform_status_at REAL")
    db.execute("ALTER TABLE replies ADD COLUMN private INTEGER NOT NULL DEFAULT 0")


@migrations(name="m008_window_templates")
def m008_window_templates(db: sqlite_utils.Database) -> None:
    # outside the messaging window the platform still takes its approved templates (WhatsApp)
    db.execute("ALTER TABLE channels ADD COLUMN window_templates INTEGER NOT NULL DEFAULT 0")


@migrations(name="m009_attach_limit")
def m009_attach_limit(db: sqlite_utils.Database) -> None:
    # how many images a reply to the mention may carry, as its connector decides per mention
    # (a Facebook comment one, a Messenger message four, Instagram none), and why none;
    # NULL: the server did not say (an older one): the channel's can_attach decides
    db.execute("ALTER TABLE mentions ADD COLUMN attach_limit INTEGER")
    db.execute("ALTER TABLE mentions ADD COLUMN attach_refusal TEXT")
    # the same for a private reply to it (Facebook/Instagram: text only)
    db.execute("ALTER TABLE mentions ADD COLUMN private_attach_limit INTEGER")
    db.execute("ALTER TABLE mentions ADD COLUMN private_attach_refusal TEXT")


@migrations(name="m010_platform_action")
def m010_platform_action(db: sqlite_utils.Database) -> None:
    # the latest action on the platform (hiding a comment marked spam): {action, state, error}
    db.execute("ALTER TABLE mentions ADD COLUMN platform_action TEXT")


@migrations(name="m011_snooze")
def m011_snooze(db: sqlite_utils.Database) -> None:
    # a snoozed mention (the server's record): out of every queue but Snoozed until the server
    # wakes it (snoozed_until: its wake time, shown; the server's clock decides) or until the
    # customer writes again; snoozed_by is kept after it wakes (snooze_woken_at) so the applier
    # makes it unread (bold) for the agent who snoozed it
    db.execute("ALTER TABLE mentions ADD COLUMN snoozed_until REAL")
    db.execute("ALTER TABLE mentions ADD COLUMN snooze_until_customer INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE mentions ADD COLUMN snoozed_by INTEGER")
    db.execute("ALTER TABLE mentions ADD COLUMN snooze_woken_at REAL")
    # a snooze write the server accepted whose change the feed has not brought yet: it still
    # decides over the mirror (set to 1 by the applier when a page brings that mention)
    db.execute("ALTER TABLE outbox ADD COLUMN mirrored INTEGER NOT NULL DEFAULT 0")
    # the few sleeping mentions, for the Snoozed view and to leave them out of the others
    db.execute(
        "CREATE INDEX mentions_snoozed ON mentions(snoozed_until)"
        " WHERE snoozed_until IS NOT NULL OR snooze_until_customer = 1"
    )


@migrations(name="m012_handover")
def m012_handover(db: sqlite_utils.Database) -> None:
    # the holder's claim began with a hand-over by this account, at this (server) time: "Eva
    # handed this to you", and the applier announces a hand-over to me once per hand-over
    db.execute("ALTER TABLE mentions ADD COLUMN handed_over_by INTEGER")
    db.execute("ALTER TABLE mentions ADD COLUMN handed_over_at REAL")
    # a hand-over's note: the colleague it went to ("Handed over to Lars: …")
    db.execute("ALTER TABLE notes ADD COLUMN handover_to INTEGER")


@migrations(name="m013_saved_views")
def m013_saved_views(db: sqlite_utils.Database) -> None:
    # the saved views this account sees (its own and the team's published ones), as the
    # server sent them: the view list works from them offline; a mirror table (the applier's)
    db.execute(
        """CREATE TABLE saved_views (
            id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL, name TEXT NOT NULL,
            base TEXT NOT NULL, search TEXT NOT NULL, status TEXT NOT NULL, channel_id INTEGER,
            min_priority INTEGER, sort TEXT NOT NULL, published INTEGER NOT NULL,
            updated_by INTEGER, updated_at REAL
        )"""
    )


@migrations(name="m017_contact_merge")
def m017_contact_merge(db: sqlite_utils.Database) -> None:
    # a lead merged this contact into another one (the same person): the author history is
    # the group's (the contact, and every contact merged into the same one); mentions keep
    # their own contact_id, so a split (back to NULL) restores both histories
    db.execute("ALTER TABLE contacts ADD COLUMN merged_into INTEGER")
    db.execute(
        "CREATE INDEX contacts_merged_into ON contacts(merged_into) WHERE merged_into IS NOT NULL"
    )


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema of an open connection up to date."""
    apply_migrations(migrations, conn)
