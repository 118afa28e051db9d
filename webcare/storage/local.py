"""The desktop client's local store: sync applier, outbox, and the queries behind the window.

One :class:`LocalStore` owns one SQLite connection. In the app it lives on the one DB worker
thread (see ``webcare.ui.tasks``); nothing here knows about threads or Qt.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import platformdirs

from webcare.domain.timeutil import parse_iso
from webcare.faults import crash_point
from webcare.storage.client_schema import (
    ID_BITS,
    INDEX_SQL,
    KEY_SQL,
    SCRATCH_SQL,
    TOKENIZE_SQL,
    migrate,
    rebuild_search,
    search_key,
)
from webcare.storage.db import chunks, connect, in_transaction, marks
from webcare.storage.files import private_dir

Json = dict[str, Any]


def default_store_path(server_url: str, username: str) -> Path:
    """One store per server and account, under the platform's data directory."""
    parts = urlsplit(server_url)
    host = f"{parts.hostname or 'server'}_{parts.port or (443 if parts.scheme == 'https' else 80)}"
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{host}-{username.lower()}")
    return Path(platformdirs.user_data_dir("webcare", appauthor=False)) / "stores" / f"{slug}.db"


class View(StrEnum):
    UNCLAIMED = "unclaimed"
    MINE = "mine"
    ALL = "all"
    ANSWERED = "answered"


class Sort(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"
    PRIORITY = "priority"


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue shows: a view, an optional search and filters."""

    view: View = View.UNCLAIMED
    text: str = ""
    statuses: tuple[str, ...] = ()
    channel_id: int | None = None
    tag: str | None = None
    min_priority: int | None = None
    since: float | None = None
    until: float | None = None
    sort: Sort = Sort.NEWEST


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One line of the queue, everything the table shows (no further I/O needed)."""

    id: int
    received_at: float
    status: str
    priority: int
    tags: tuple[str, ...]
    text: str
    author: str
    channel: str
    holder_id: int | None
    holder: str | None
    lease_expires_local: float | None
    unread: bool
    replied: bool

    def live_claim(self, now: float) -> bool:
        return self.holder_id is not None and (self.lease_expires_local or 0) > now

    def effective_status(self, now: float) -> str:
        if self.status == "claimed" and not self.live_claim(now):
            return "answered" if self.replied else "open"
        return self.status


@dataclass(frozen=True, slots=True)
class MediaItem:
    """A file of a mention, or an image attached to a reply (the server's ``media`` record).

    ``state``: ``pending`` (the server is fetching it), ``stored`` (it can be downloaded from
    our server), ``refused`` or ``failed`` (``error`` says why, in the server's words).
    """

    id: int
    kind: str  # image | sticker | audio | video | document
    mime: str | None
    size: int | None
    filename: str | None
    caption: str | None
    state: str
    error: str | None = None

    @classmethod
    def from_wire(cls, d: Json) -> MediaItem:
        return cls(
            id=int(d["id"]), kind=str(d.get("kind") or "document"), mime=d.get("mime"),
            size=d.get("size"), filename=d.get("filename"), caption=d.get("caption"),
            state=str(d.get("state") or "pending"), error=d.get("error"),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class ConversationItem:
    """One message in an author's history: their mention, our reply, a note, or a queued write."""

    kind: str  # mention | reply | note | outbox
    id: str
    mention_id: int
    at: float
    author: str
    text: str
    state: str = ""  # a mention's status, a reply's delivery state, or the outbox state
    detail: str = ""  # e.g. why an outbox entry was rejected
    current: bool = False  # belongs to the selected mention
    media: tuple[MediaItem, ...] = ()  # a mention's files, a reply's images
    receipt: str = ""  # a posted reply: what the platform says of it (delivered / read)
    private: bool = False  # a reply sent as a private message (to a comment's author)


@dataclass(frozen=True, slots=True)
class OtherMention:
    """Another open mention of the same author (for "go to it")."""

    id: int
    created_at: float  # when the author wrote it
    status: str
    text: str


@dataclass(frozen=True, slots=True)
class AuthorContext:
    """What the team knows of a mention's author, from the local mirror.

    A *conversation* is a thread (``thread_id``, else the mention alone); times are when the
    author wrote (``created_at``). Earlier conversations
    are the author's other threads begun before this mention's, none of whose mentions is
    still open; their outcome is ``answered`` if any mention in it is answered (replied, not
    closed), ``spam`` if all are spam, else ``resolved``. Open means open or claimed: what the
    queue shows as "Open" (answered ones are counted as earlier conversations instead).
    """

    platform: str = ""
    earlier: int = 0
    resolved: int = 0
    spam: int = 0
    answered: int = 0
    last_earlier_at: float | None = None
    open_count: int = 0  # the author's other open mentions
    open_mentions: tuple[OtherMention, ...] = ()  # the newest of them (at most OPEN_SHOWN)
    tags: tuple[str, ...] = ()  # tags of the author's other mentions, most used first


OPEN_SHOWN = 5
AUTHOR_TAGS = 6


@dataclass(frozen=True, slots=True)
class MentionDetail:
    id: int
    text: str
    status: str
    priority: int
    tags: tuple[str, ...]
    received_at: float
    created_at: float
    url: str | None
    language: str | None
    channel_id: int
    channel: str
    brand: str
    char_limit: int | None
    contact_id: int | None
    handle: str
    name: str | None
    followers: int | None
    holder_id: int | None
    holder: str | None
    claim_epoch: int
    lease_expires_local: float | None
    claimed_since_local: float | None = None
    can_reply: bool = True  # False on listen-only channels (RSS, a webhook without reply URL)
    channel_kind: str = ""
    can_attach: bool = False  # replies on the channel may carry images
    attach_max_bytes: int | None = None  # the largest the platform takes (None: no own limit)
    author: AuthorContext = field(default_factory=AuthorContext)
    #: the messaging window's end on the local clock (Messenger, WhatsApp); None: no window
    window_until_local: float | None = None
    window_from_local: float | None = None  # the customer's last message, which it runs from
    reply_window_s: float | None = None  # the channel's window (24 h)
    private_reply: bool = False  # a private reply is possible (a DM to the commenter)
    #: outside the window the platform still takes its approved templates (WhatsApp)
    window_templates: bool = False

    def window_left(self, now: float) -> float | None:
        """Seconds left to reply in the messaging window (0: closed); None: no window."""
        if self.window_until_local is None:
            return None
        return max(0.0, self.window_until_local - now)


@dataclass(frozen=True, slots=True)
class Template:
    id: int
    title: str
    body: str
    language: str
    shortcut: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Me:
    id: int
    username: str
    display_name: str
    signature: str
    role: str


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    id: int
    client_id: str
    client_seq: int
    op_id: str
    type: str
    mention_id: int
    payload: Json
    state: str
    result: Json | None
    attempts: int

    def wire(self) -> Json:
        return {
            **self.payload,
            "client_seq": self.client_seq,
            "op_id": self.op_id,
            "type": self.type,
            "mention_id": self.mention_id,
        }


@dataclass
class ChangeSummary:
    """What a sync step changed, so the window refreshes only what it must."""

    entities: set[str] = field(default_factory=set)
    mention_ids: set[int] = field(default_factory=set)
    new_mentions: list[int] = field(default_factory=list)

    def merge(self, other: ChangeSummary) -> None:
        self.entities |= other.entities
        self.mention_ids |= other.mention_ids
        self.new_mentions.extend(other.new_mentions)

    def __bool__(self) -> bool:
        return bool(self.entities)


def _t(value: str | None) -> float | None:
    return parse_iso(value) if value else None


def _window_until(d: Json, now: float) -> float | None:
    """The messaging window's end on the local clock (the server says how long is left, on
    its clock, like the lease); ``None``: the mention has no window."""
    left = d.get("reply_window_remaining_s")
    if left is None:
        return None
    return now + max(0.0, float(left))


# entity -> (table, columns, converter from wire JSON to a row tuple)
def _mention_row(d: Json, now: float) -> tuple[Any, ...]:
    lease = d.get("lease_remaining_s")
    return (
        d["id"], d["channel_id"], d["source_id"], d.get("contact_id"), d["text"], d.get("url"),
        d.get("language"), d.get("parent_mention_id"), d.get("thread_id"),
        parse_iso(d["created_at"]), parse_iso(d["received_at"]), d["status"], d["priority"],
        json.dumps(d.get("tags") or []), d.get("claim_agent_id"), d.get("claim_epoch", 0),
        now + lease if lease else None, _t(d.get("replied_at")), _t(d.get("closed_at")),
        _t(d.get("updated_at")),
        now - d["claimed_for_s"] if d.get("claimed_for_s") is not None else None,
        _window_until(d, now),
        now - d["reply_window_since_s"] if d.get("reply_window_since_s") is not None else None,
        int(bool(d.get("private_reply"))),
    )  # fmt: skip


_TABLES: dict[str, tuple[str, tuple[str, ...], Callable[[Json, float], tuple[Any, ...]]]] = {
    "mention": (
        "mentions",
        ("id", "channel_id", "source_id", "contact_id", "text", "url", "language",
         "parent_mention_id", "thread_id", "created_at", "received_at", "status", "priority",
         "tags", "claim_agent_id", "claim_epoch", "lease_expires_local", "replied_at",
         "closed_at", "updated_at", "claimed_since_local", "window_until_local",
         "window_from_local", "private_reply"),
        _mention_row,
    ),
    "contact": (
        "contacts",
        ("id", "platform", "platform_user_id", "handle", "name", "followers"),
        lambda d, _n: (d["id"], d["platform"], d["platform_user_id"], d["handle"], d.get("name"),
                       d.get("followers")),
    ),
    "reply": (
        "replies",
        ("id", "mention_id", "agent_id", "body", "template_id", "accepted_at", "posted_at",
         "delivery_state", "delivery_error", "platform_post_id", "posted_url", "platform_status",
         "platform_status_at", "private"),
        lambda d, _n: (d["id"], d["mention_id"], d["agent_id"], d["body"], d.get("template_id"),
                       parse_iso(d["accepted_at"]), _t(d.get("posted_at")), d["delivery_state"],
                       d.get("delivery_error"), d.get("platform_post_id"), d.get("posted_url"),
                       d.get("platform_status"), _t(d.get("platform_status_at")),
                       int(bool(d.get("private")))),
    ),
    "note": (
        "notes",
        ("id", "mention_id", "agent_id", "body", "created_at"),
        lambda d, _n: (d["id"], d["mention_id"], d["agent_id"], d["body"],
                       parse_iso(d["created_at"])),
    ),
    "template": (
        "templates",
        ("id", "title", "body", "language", "shortcut", "tags", "version", "archived",
         "updated_by", "updated_at"),
        lambda d, _n: (d["id"], d["title"], d["body"], d["language"], d["shortcut"],
                       json.dumps(d.get("tags") or []), d["version"], int(d["archived"]),
                       d.get("updated_by"), _t(d.get("updated_at"))),
    ),
    "user": (
        "users",
        ("id", "username", "display_name", "signature", "role", "disabled", "brand", "can_login"),
        lambda d, _n: (d["id"], d["username"], d["display_name"], d["signature"], d["role"],
                       int(d["disabled"]), d.get("brand"), int(d.get("can_login", True))),
    ),
    "channel": (
        "channels",
        ("id", "kind", "name", "brand", "handle", "enabled", "char_limit", "last_fetch_at",
         "last_error", "connector", "can_reply", "can_attach", "attach_max_bytes",
         "reply_window_s", "window_templates"),
        lambda d, _n: (d["id"], d["kind"], d["name"], d["brand"], d["handle"], int(d["enabled"]),
                       d.get("char_limit"), _t(d.get("last_fetch_at")), d.get("last_error"),
                       d.get("connector"), int(d.get("can_reply", True)),
                       int(d.get("can_attach", False)), d.get("attach_max_bytes"),
                       d.get("reply_window_s"), int(bool(d.get("window_templates")))),
    ),
}  # fmt: skip

_UPSERTS = {
    entity: (
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        f" ON CONFLICT(id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id")
    )
    for entity, (table, cols, _fn) in _TABLES.items()
}
MIRROR_TABLES = (*(table for table, _c, _f in _TABLES.values()), "media")
_MEDIA_COLUMNS = ("id", "kind", "mime", "size", "filename", "caption", "state", "error")

_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r"(?<!\S)(tag|since|until|prio):(\S+)", re.IGNORECASE)
_PRIORITIES = {"low": 0, "normal": 1, "high": 2, "urgent": 3}


@dataclass(frozen=True, slots=True)
class ParsedSearch:
    text: str
    tag: str | None = None
    since: float | None = None
    until: float | None = None
    min_priority: int | None = None
    problems: tuple[str, ...] = ()


def parse_search(query: str) -> ParsedSearch:
    """Split ``tag:x since:2017-10-11 until:2017-10-12 prio:high words`` into filters + words.

    Dates are ISO 8601 and read as UTC, like every time in Webcare. Unreadable tokens are
    reported, not silently dropped.
    """
    found: dict[str, str] = {}
    problems: list[str] = []
    for match in _TOKEN.finditer(query):
        found[match.group(1).lower()] = match.group(2)
    text = " ".join(_TOKEN.sub(" ", query).split())

    def when(key: str) -> float | None:
        if key not in found:
            return None
        try:
            return parse_iso(found[key])
        except ValueError:
            problems.append(f"{key}: '{found[key]}' is not a date like 2017-10-11")
            return None

    priority = None
    if "prio" in found:
        priority = _PRIORITIES.get(found["prio"].lower())
        if priority is None:
            problems.append(f"prio: use one of {', '.join(_PRIORITIES)}")
    return ParsedSearch(
        text=text,
        tag=found.get("tag", "").lower() or None,
        since=when("since"),
        until=when("until"),
        min_priority=priority,
        problems=tuple(problems),
    )


def fts_query(text: str) -> str | None:
    """Turn what a person typed into a safe FTS5 query: every word must match (as a prefix) in
    the mention, a reply to it or its author's handle or name."""
    words = _WORD.findall(text)
    if not words:
        return None
    return " AND ".join(f'{{text replies author}} : "{w}"*' for w in words[:20])


def _phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _facet(token: str) -> str:
    return "facets : " + _phrase(token)


#: a search counts this many rows at first; the queue asks for more as it is scrolled
SEARCH_CAP = 1000
_ID_MASK = 2**ID_BITS - 1  # the mention id in a search key


@dataclass(frozen=True)
class _Search:
    """A text search's parts (see ``LocalStore._search``); ``walk`` is one pass over its
    matches: all of them, or one priority level, with an optional extra condition."""

    match: str
    clauses: list[str]
    args: list[Any]

    def walk(
        self, level: int | None = None, extra: str = "", extra_args: tuple[Any, ...] = ()
    ) -> tuple[str, list[Any]]:
        """``SELECT m.id, f.rowid FROM … WHERE …`` (no ORDER/LIMIT)."""
        match, clauses, args = self.match, ["search MATCH ?", *self.clauses], [*self.args]
        if level is not None:
            match += f" AND {_facet(f'p{level}')}"
            clauses.append("m.priority = ?")
            args.append(level)
        if extra:
            clauses.append(extra)
            args.extend(extra_args)
        sql = (
            "SELECT m.id, f.rowid AS k FROM search f CROSS JOIN mentions m"
            f" ON m.id = (f.rowid & {_ID_MASK}) WHERE {' AND '.join(clauses)}"
        )
        return sql, [match, *args]


class LocalStore:
    """The client's SQLite store. Use it from one thread only."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        private_dir(path.parent)  # 0700 where it is created; the file itself: connect
        self.path = path
        self.clock = clock
        self.conn = connect(path, synchronous="FULL")
        migrate(self.conn)
        for statement in SCRATCH_SQL:
            self.conn.execute(statement)
        self._typed: dict[str, list[str]] = {}  # typed words -> index terms
        self._writes = 0  # transactions of this connection (see _walk_key)
        self._walk_totals: dict[tuple[Any, ...], int] = {}

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        if in_transaction(self.conn):
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._writes += 1  # (other connections' commits show in PRAGMA data_version)
        try:
            yield self.conn
        except BaseException:
            if in_transaction(self.conn):
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # --- sync state -------------------------------------------------------------------------

    def get_state(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_state(self, key: str, value: str | int | None) -> None:
        with self.transaction() as conn:
            if value is None:
                conn.execute("DELETE FROM sync_state WHERE key = ?", (key,))
            else:
                conn.execute(
                    "INSERT INTO sync_state(key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, str(value)),
                )

    @property
    def cursor(self) -> int | None:
        value = self.get_state("cursor")
        return int(value) if value is not None else None

    @property
    def client_id(self) -> str:
        value = self.get_state("client_id")
        assert value is not None
        return value

    # --- the sync applier (the only writer of mirror tables) --------------------------------

    def _upsert(
        self, conn: sqlite3.Connection, entity: str, items: Sequence[Json], now: float
    ) -> None:
        _table, _cols, fn = _TABLES[entity]
        conn.executemany(_UPSERTS[entity], [fn(item, now) for item in items])
        if entity in ("mention", "reply"):
            self._store_media(conn, entity, items)

    @staticmethod
    def _store_media(conn: sqlite3.Connection, owner: str, items: Sequence[Json]) -> None:
        """The ``media`` of mentions or replies, as the records carry them now (a record
        without the key, from an older server, leaves what is stored)."""
        carrying = [item for item in items if isinstance(item.get("media"), list)]
        conn.executemany(
            "DELETE FROM media WHERE owner = ? AND owner_id = ?",
            [(owner, str(item["id"])) for item in carrying],
        )
        conn.executemany(
            "INSERT INTO media(owner, owner_id, position, id, kind, mime, size, filename,"
            " caption, state, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (owner, str(item["id"]), position, *(m.get(c) for c in _MEDIA_COLUMNS))
                for item in carrying
                for position, m in enumerate(item["media"])
                if isinstance(m, dict) and isinstance(m.get("id"), int)
            ],
        )

    def start_bootstrap(self, head: Json) -> None:
        """Store the small entities of ``/v1/bootstrap`` and remember its cursor."""
        now = self.clock()
        with self.transaction() as conn:
            for table in MIRROR_TABLES:
                conn.execute(f"DELETE FROM {table}")
            conn.execute("DELETE FROM unread")
            conn.execute("DELETE FROM search")  # rebuilt in one pass by finish_bootstrap
            self._upsert(conn, "user", head["users"], now)
            self._upsert(conn, "channel", head["channels"], now)
            self._upsert(conn, "template", head["templates"], now)
            for key, value in (
                ("db_id", head["db_id"]),
                ("bootstrap_cursor", head["cursor"]),
                ("user_id", head["me"]["id"]),
            ):
                conn.execute(
                    "INSERT INTO sync_state(key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, str(value)),
                )
            conn.execute("DELETE FROM sync_state WHERE key = 'cursor' OR key LIKE 'boot_after_%'")

    def apply_bootstrap_page(
        self, entity: str, items: Sequence[Json], next_after: int | None
    ) -> None:
        """Store one bootstrap page and where to continue (so a restart resumes here)."""
        with self.transaction() as conn:
            self._upsert(conn, entity, items, self.clock())
            conn.execute(
                "INSERT INTO sync_state(key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (f"boot_after_{entity}", "done" if next_after is None else str(next_after)),
            )

    def finish_bootstrap(self) -> None:
        with self.transaction() as conn:
            cursor = self.get_state("bootstrap_cursor")
            assert cursor is not None
            # pages are not indexed one by one (a mention's document changes with every reply
            # page): one pass over the finished mirror is the cheapest
            rebuild_search(conn)
            conn.execute(
                "INSERT INTO sync_state(key, value) VALUES ('cursor', ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (cursor,),
            )
            conn.execute("DELETE FROM sync_state WHERE key LIKE 'boot_after_%'")

    def apply_changes(self, page: Json) -> ChangeSummary:
        """Apply one ``/v1/changes`` page and advance the cursor, in one transaction."""
        now = self.clock()
        summary = ChangeSummary()
        upserts: dict[str, list[Json]] = {}
        deletes: list[tuple[str, Any]] = []
        with self.transaction() as conn:
            for change in page["changes"]:
                entity = change["entity"]
                if entity not in _TABLES:
                    continue  # a newer server's entity: ignore, do not fail the page
                summary.entities.add(entity)
                if change["op"] == "delete" or change["data"] is None:
                    deletes.append((entity, change["id"]))
                    continue
                upserts.setdefault(entity, []).append(change["data"])
            touched = self._touched_documents(conn, upserts, deletes)
            self._unindex(conn, touched)
            for entity, entity_id in deletes:
                conn.execute(f"DELETE FROM {_TABLES[entity][0]} WHERE id = ?", (entity_id,))
                if entity in ("mention", "reply"):
                    conn.execute(
                        "DELETE FROM media WHERE owner = ? AND owner_id = ?",
                        (entity, str(entity_id)),
                    )
                if entity == "mention":
                    summary.mention_ids.add(int(entity_id))
                    conn.execute("DELETE FROM unread WHERE mention_id = ?", (entity_id,))
            mentions = upserts.get("mention", [])
            if mentions:
                ids = [m["id"] for m in mentions]
                known = {
                    r[0]
                    for r in conn.execute(
                        f"SELECT id FROM mentions WHERE id IN ({','.join('?' * len(ids))})",
                        ids,
                    )
                }
                summary.mention_ids.update(ids)
                summary.new_mentions.extend(i for i in ids if i not in known)
                conn.executemany(
                    "INSERT OR IGNORE INTO unread(mention_id) VALUES (?)",
                    [(i,) for i in summary.new_mentions],
                )
            for entity, items in upserts.items():
                self._upsert(conn, entity, items, now)
                if entity in ("reply", "note"):
                    summary.mention_ids.update(int(i["mention_id"]) for i in items)
            self._index(conn, touched)
            conn.execute(
                "INSERT INTO sync_state(key, value) VALUES ('cursor', ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(page["cursor"]),),
            )
        return summary

    # --- the search index -------------------------------------------------------------------

    @staticmethod
    def _touched_documents(
        conn: sqlite3.Connection, upserts: dict[str, list[Json]], deletes: list[tuple[str, Any]]
    ) -> list[int]:
        """The mentions whose search documents a change page alters (read before it is applied):
        the mentions themselves, those whose replies change, those whose author is renamed."""
        touched = {int(e) for kind, e in deletes if kind == "mention"}
        touched.update(int(m["id"]) for m in upserts.get("mention", []))
        touched.update(int(r["mention_id"]) for r in upserts.get("reply", []))
        gone = [str(e) for kind, e in deletes if kind == "reply"]
        for part in chunks(gone):
            sql = f"SELECT mention_id FROM replies WHERE id IN ({marks(part)})"
            touched.update(r[0] for r in conn.execute(sql, part))
        contacts = {int(c["id"]): (c["handle"], c.get("name")) for c in upserts.get("contact", [])}
        renamed = [
            r["id"]
            for part in chunks(list(contacts))
            for r in conn.execute(
                f"SELECT id, handle, name FROM contacts WHERE id IN ({marks(part)})",
                part,
            )
            if (r["handle"], r["name"]) != contacts[r["id"]]
        ]
        for part in chunks(renamed):
            sql = f"SELECT id FROM mentions WHERE contact_id IN ({marks(part)})"
            touched.update(r[0] for r in conn.execute(sql, part))
        return sorted(touched)

    @staticmethod
    def _unindex(conn: sqlite3.Connection, mention_ids: list[int]) -> None:
        """Remove the documents of these mentions (as they are stored now)."""
        for part in chunks(mention_ids):
            keys = conn.execute(
                f"SELECT {KEY_SQL} FROM mentions m WHERE m.id IN ({marks(part)})",
                part,
            ).fetchall()
            conn.executemany("DELETE FROM search WHERE rowid = ?", keys)

    @staticmethod
    def _index(conn: sqlite3.Connection, mention_ids: list[int]) -> None:
        """Write the documents of these mentions (those that exist) from the mirror tables, and
        remember their terms for word-prefix lookups."""
        for part in chunks(mention_ids):
            conn.execute(f"{INDEX_SQL} WHERE m.id IN ({marks(part)})", part)
            conn.execute(f"{TOKENIZE_SQL} WHERE m.id IN ({marks(part)})", part)
        if mention_ids:
            conn.execute(
                "INSERT OR IGNORE INTO search_terms(term)"
                " SELECT term FROM temp.search_scratch_terms"
            )
            conn.execute("DELETE FROM temp.search_scratch")

    def _terms(self, text: str) -> list[str]:
        """The index terms of what was typed (the index's own tokenizer: case, accents)."""
        words = " ".join(_WORD.findall(text)[:20])
        if not words:
            return []
        cached = self._typed.get(words)
        if cached is None:
            # autocommit statements on a temp table: they take no lock on the store itself
            conn = self.conn
            conn.execute("INSERT INTO temp.search_scratch(text) VALUES (?)", (words,))
            cached = [r[0] for r in conn.execute("SELECT term FROM temp.search_scratch_terms")]
            conn.execute("DELETE FROM temp.search_scratch")
            if len(self._typed) > 256:
                self._typed.clear()
            self._typed[words] = cached
        return cached

    def _word_query(self, text: str) -> str | None:
        """The FTS5 query for the typed words: each must begin a term of the mention, a reply
        or the author. A word becomes the OR of the (at most 64) terms it begins, which FTS5
        walks lazily; only a word that begins more (one or two letters) is left to FTS5's prefix
        query."""
        terms = self._terms(text)
        if not terms:
            return None
        parts = []
        for term in terms:
            found = [
                r[0]
                for r in self.conn.execute(
                    "SELECT term FROM search_terms WHERE term >= ? AND term < ? LIMIT 65",
                    (term, term + "\U0010ffff"),
                )
            ]
            if not found:  # no term begins so: the exact term finds nothing, at once
                parts.append(f"{{text replies author}} : {_phrase(term)}")
            elif len(found) > 64:
                parts.append(f"{{text replies author}} : {_phrase(term)}*")
            else:
                parts.append("{text replies author} : (" + " OR ".join(map(_phrase, found)) + ")")
        return " AND ".join(parts)

    # --- outbox -----------------------------------------------------------------------------

    def enqueue(
        self, type_: str, mention_id: int, payload: Json, media: Sequence[Json] = ()
    ) -> OutboxEntry:
        """Commit a write locally first; the sender delivers it later, exactly once.

        ``media``: the records of the uploaded images a reply carries (its payload names them
        in ``media_ids``), kept with it to show in its bubble while it waits."""
        with self.transaction() as conn:
            client_id = self.client_id
            (last,) = conn.execute(
                "SELECT COALESCE(MAX(client_seq), 0) FROM outbox WHERE client_id = ?",
                (client_id,),
            ).fetchone()
            op_id = f"op-{uuid.uuid4().hex}"
            cur = conn.execute(
                "INSERT INTO outbox(client_id, client_seq, op_id, type, mention_id, payload,"
                " state, created_at, media) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)",
                (client_id, last + 1, op_id, type_, mention_id, json.dumps(payload),
                 self.clock(), json.dumps(list(media)) if media else None),
            )  # fmt: skip
            entry_id = int(cur.lastrowid or 0)
            crash_point("outbox.before_commit")
        crash_point("outbox.after_commit")
        entry = self.outbox_entry(entry_id)
        assert entry is not None
        return entry

    def _entry(self, row: sqlite3.Row) -> OutboxEntry:
        return OutboxEntry(
            id=row["id"],
            client_id=row["client_id"],
            client_seq=row["client_seq"],
            op_id=row["op_id"],
            type=row["type"],
            mention_id=row["mention_id"],
            payload=json.loads(row["payload"]),
            state=row["state"],
            result=json.loads(row["result"]) if row["result"] else None,
            attempts=row["attempts"],
        )

    def outbox_entry(self, entry_id: int) -> OutboxEntry | None:
        row = self.conn.execute("SELECT * FROM outbox WHERE id = ?", (entry_id,)).fetchone()
        return self._entry(row) if row else None

    def unsent(self, limit: int = 50) -> list[OutboxEntry]:
        """Queued writes of the current client id, in order."""
        rows = self.conn.execute(
            "SELECT * FROM outbox WHERE state = 'queued' AND client_id = ?"
            " ORDER BY client_seq LIMIT ?",
            (self.client_id, limit),
        ).fetchall()
        return [self._entry(r) for r in rows]

    def note_attempt(self, entries: Iterable[OutboxEntry], error: str | None) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                [(error, e.id) for e in entries],
            )

    def apply_results(self, results: Iterable[Json]) -> int:
        """Record the server's verdicts. Returns how many writes were settled."""
        count = 0
        with self.transaction() as conn:
            for result in results:
                state = "accepted" if result.get("outcome") == "accepted" else "rejected"
                count += conn.execute(
                    "UPDATE outbox SET state = ?, result = ?, last_error = NULL"
                    " WHERE op_id = ? AND state = 'queued'",
                    (state, json.dumps(result), result["op_id"]),
                ).rowcount
            crash_point("push.ack_before_commit")
        return count

    def requeue_after(self, last_seq: int) -> None:
        """The server lost writes after ``last_seq`` (restored from a backup): send them again."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET state = 'queued' WHERE client_id = ? AND client_seq > ?"
                " AND state IN ('accepted', 'rejected')",
                (self.client_id, last_seq),
            )

    def new_client_id(self) -> str:
        """Register anew: queued writes are renumbered 1, 2, 3 … under a fresh client id.

        Their op ids stay, so anything the server already applied is not applied twice.
        """
        new_id = f"c-{uuid.uuid4().hex}"
        with self.transaction() as conn:
            queued = conn.execute(
                "SELECT id FROM outbox WHERE state = 'queued' ORDER BY client_seq, id"
            ).fetchall()
            for seq, row in enumerate(queued, start=1):
                conn.execute(
                    "UPDATE outbox SET client_id = ?, client_seq = ? WHERE id = ?",
                    (new_id, seq, row["id"]),
                )
            conn.execute("UPDATE sync_state SET value = ? WHERE key = 'client_id'", (new_id,))
        return new_id

    def dismiss(self, op_id: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET state = 'dismissed' WHERE op_id = ? AND state = 'rejected'",
                (op_id,),
            )

    def outbox_counts(self) -> dict[str, int]:
        rows = self.conn.execute(
            "SELECT state, count(*) FROM outbox WHERE state IN ('queued', 'rejected')"
            " GROUP BY state"
        ).fetchall()
        counts = {"queued": 0, "rejected": 0}
        counts.update({r[0]: r[1] for r in rows})
        return counts

    def rejected(self) -> list[OutboxEntry]:
        rows = self.conn.execute(
            "SELECT * FROM outbox WHERE state = 'rejected' ORDER BY id"
        ).fetchall()
        return [self._entry(r) for r in rows]

    # --- queries for the window ---------------------------------------------------------------

    def me(self) -> Me | None:
        user_id = self.get_state("user_id")
        if user_id is None:
            return None
        row = self.conn.execute("SELECT * FROM users WHERE id = ?", (int(user_id),)).fetchone()
        if row is None:
            return None
        return Me(row["id"], row["username"], row["display_name"], row["signature"], row["role"])

    def _where(self, f: QueueFilter, me: int | None, now: float) -> tuple[str, list[Any]]:
        """The view and filters of ``f`` as a WHERE clause on ``mentions m``. Not its words: a
        text search walks the search index (``_search``), so a caller with words must too."""
        if fts_query(f.text) is not None:
            raise ValueError("a text search goes through the search index (_search)")
        live = "(m.claim_agent_id IS NOT NULL AND COALESCE(m.lease_expires_local, 0) > ?)"
        clauses: list[str] = []
        args: list[Any] = []
        if f.view is View.UNCLAIMED:
            # "status IN" (not "status = 'open' OR ..."): one index range per status, walked in
            # received order, so the first page stops after 200 rows instead of sorting 100k
            clauses.append(f"m.status IN ('open', 'claimed') AND (m.status = 'open' OR NOT {live})")
            args.append(now)
        elif f.view is View.MINE:
            clauses.append(
                f"(m.claim_agent_id = ? AND {live} AND m.status NOT IN ('closed', 'spam'))"
            )
            args.extend([me if me is not None else -1, now])
        elif f.view is View.ANSWERED:
            clauses.append("m.status = 'answered'")
        if f.statuses:
            clauses.append(f"m.status IN ({','.join('?' * len(f.statuses))})")
            args.extend(f.statuses)
        if f.channel_id is not None:
            clauses.append("m.channel_id = ?")
            args.append(f.channel_id)
        if f.tag:
            clauses.append("EXISTS (SELECT 1 FROM json_each(m.tags) WHERE value = ?)")
            args.append(f.tag.lower())
        if f.min_priority is not None:
            clauses.append("m.priority >= ?")
            args.append(f.min_priority)
        if f.since is not None:
            clauses.append("m.received_at >= ?")
            args.append(f.since)
        if f.until is not None:
            clauses.append("m.received_at < ?")
            args.append(f.until)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args

    _ORDER: ClassVar[dict[Sort, str]] = {
        Sort.NEWEST: "m.received_at DESC, m.id DESC",
        Sort.OLDEST: "m.received_at ASC, m.id ASC",
        Sort.PRIORITY: "m.priority DESC, m.received_at ASC, m.id ASC",
    }
    _REVERSED: ClassVar[dict[Sort, str]] = {
        Sort.NEWEST: "m.received_at ASC, m.id ASC",
        Sort.OLDEST: "m.received_at DESC, m.id DESC",
        Sort.PRIORITY: "m.priority ASC, m.received_at DESC, m.id DESC",
    }

    def _me_id(self) -> int | None:
        value = self.get_state("user_id")
        return int(value) if value is not None else None

    def count(self, f: QueueFilter, now: float | None = None, *, cap: int = SEARCH_CAP) -> int:
        """The number of rows under ``f``; for a text search at most ``cap`` (a search walks its
        matches newest first and stops there: "1,000+" costs the same for 100 or 100k)."""
        t = now if now is not None else self.clock()
        if fts_query(f.text) is not None:
            return self._search_count(f, t, cap)
        where, args = self._where(f, self._me_id(), t)
        sql = f"SELECT count(*) FROM mentions m{where}"
        return int(self.conn.execute(sql, args).fetchone()[0])

    # --- text search: a walk of the search index in key order (see client_schema, m005) ------

    def _segments(self, f: QueueFilter) -> list[tuple[int | None, bool]]:
        """The walks a search is made of, in order: (priority level or None, newest first?)."""
        if f.sort is Sort.NEWEST:
            return [(None, True)]
        if f.sort is Sort.OLDEST:
            return [(None, False)]
        lowest = max(f.min_priority or 0, 0)
        return [(level, False) for level in range(max(_PRIORITIES.values()), lowest - 1, -1)]

    def _search(self, f: QueueFilter, now: float) -> _Search:
        """What every walk of a search shares, worked out once per call: the words' query (its
        term lookups), the facets of the filters, and the filters checked on each row."""
        me = self._me_id()
        query = self._word_query(f.text)
        assert query is not None
        groups: list[list[str]] = []
        if f.view is View.UNCLAIMED:
            groups.append(["sopen", "sclaimed"])
        elif f.view is View.MINE:
            groups.append([f"h{me if me is not None else 0}"])
        elif f.view is View.ANSWERED:
            groups.append(["sanswered"])
        if f.statuses:
            groups.append([f"s{status}" for status in f.statuses])
        if f.channel_id is not None:
            groups.append([f"c{f.channel_id}"])
        if f.min_priority is not None and f.min_priority > 0:
            groups.append([f"p{p}" for p in range(f.min_priority, 10)])
        if f.tag:
            groups.append([f"t{f.tag.lower()}"])
        match = " AND ".join(
            [query, *("(" + " OR ".join(_facet(t) for t in group) + ")" for group in groups)]
        )
        # the facets only shorten the walk: every filter is checked on the row as well
        where, args = self._where(dataclasses.replace(f, text=""), me, now)
        clauses = [where.removeprefix(" WHERE ")] if where else []
        if f.since is not None:
            clauses.append("f.rowid >= ?")
            args.append(search_key(f.since, 0))
        if f.until is not None:
            clauses.append("f.rowid < ?")
            args.append(search_key(f.until, 0) + _ID_MASK + 1)
        return _Search(match, clauses, args)

    def _walk_total(self, sql: str, args: list[Any], cap: int) -> int:
        """How many rows a walk yields, at most ``cap``. An exact answer is remembered until
        the store changes: the first page of a search that has fewer rows than a page has
        already walked all of them, so its count costs nothing."""
        key = self._walk_key(sql, args)
        known = self._walk_totals.get(key)
        if known is not None:
            return min(known, cap)
        n = int(
            self.conn.execute(f"SELECT count(*) FROM ({sql} LIMIT ?)", [*args, cap]).fetchone()[0]
        )
        if n < cap:
            self._remember_total(key, n)
        return n

    def _walk_key(self, sql: str, args: list[Any]) -> tuple[Any, ...]:
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        return (version, self._writes, sql, *args)

    def _remember_total(self, key: tuple[Any, ...], n: int) -> None:
        if len(self._walk_totals) > 64:
            self._walk_totals.clear()
        self._walk_totals[key] = n

    def _search_count(self, f: QueueFilter, now: float, cap: int) -> int:
        search = self._search(f, now)
        total = 0
        for level, _newest in self._segments(f):
            if total >= cap:
                break
            sql, args = search.walk(level)
            total += self._walk_total(sql, args, cap - total)
        return total

    def _search_ids(self, f: QueueFilter, now: float, offset: int, limit: int) -> list[int]:
        search = self._search(f, now)
        ids: list[int] = []
        for level, newest in self._segments(f):
            if len(ids) >= limit:
                break
            sql, args = search.walk(level)
            if offset:
                skipped = self._walk_total(sql, args, offset + 1)
                if skipped <= offset:
                    offset -= skipped
                    continue
            order = "DESC" if newest else "ASC"
            wanted = limit - len(ids)
            found = [
                r[0]
                for r in self.conn.execute(
                    f"{sql} ORDER BY f.rowid {order} LIMIT ? OFFSET ?", [*args, wanted, offset]
                )
            ]
            if len(found) < wanted:  # walked to the end: the count is known
                self._remember_total(self._walk_key(sql, args), offset + len(found))
            ids.extend(found)
            offset = 0
        return ids

    def _search_position(self, f: QueueFilter, now: float, mention_id: int, cap: int) -> int | None:
        row = self.conn.execute(
            f"SELECT {KEY_SQL}, m.priority FROM mentions m WHERE m.id = ?", (mention_id,)
        ).fetchone()
        if row is None:
            return None
        key, priority = row[0], row[1]
        search = self._search(f, now)
        sql, args = search.walk(None, "f.rowid = ?", (key,))
        if self.conn.execute(sql, args).fetchone() is None:
            return None
        position = 0
        for level, newest in self._segments(f):
            if level is not None and level < priority:
                break
            same = level is None or level == priority
            extra = (f"f.rowid {'>' if newest else '<'} ?", (key,)) if same else ("", ())
            sql, args = search.walk(level, *extra)
            position += self._walk_total(sql, args, cap - position)
            if position >= cap:
                return None
        return position

    def view_counts(self, now: float | None = None) -> dict[View, int]:
        t = now if now is not None else self.clock()
        return {view: self.count(QueueFilter(view=view), t) for view in View}

    def rows(
        self,
        f: QueueFilter,
        offset: int,
        limit: int,
        now: float | None = None,
        *,
        total: int | None = None,
    ) -> list[QueueRow]:
        """Rows ``offset .. offset + limit`` of the view. With ``total`` (the view's count), a
        page in the second half is read from the other end: OFFSET walks every row it skips,
        so the end of a 1M-row queue costs as little as its start."""
        t = now if now is not None else self.clock()
        if fts_query(f.text) is not None:
            return self._rows_by_id(self._search_ids(f, t, offset, limit))
        where, args = self._where(f, self._me_id(), t)
        order = self._ORDER[f.sort]
        if total is not None and offset > total // 2:
            end = min(offset + limit, total)
            if end <= offset:
                return []
            order, offset, limit = self._REVERSED[f.sort], total - end, end - offset
        # Pick the page by key first, then join: sorting keys is cheap, sorting whole rows
        # (with their text) for a 100k-row view is not.
        ids = [
            r[0]
            for r in self.conn.execute(
                f"SELECT m.id FROM mentions m{where} ORDER BY {order} LIMIT ? OFFSET ?",
                [*args, limit, offset],
            )
        ]
        if order is not self._ORDER[f.sort]:
            ids.reverse()
        return self._rows_by_id(ids)

    def _rows_by_id(self, ids: list[int]) -> list[QueueRow]:
        """The queue rows of these mentions, in this order."""
        if not ids:
            return []
        sql = (
            " SELECT m.id, m.received_at, m.status, m.priority, m.tags, m.text, m.claim_agent_id,"
            " m.lease_expires_local, m.replied_at, c.handle, c.name,"
            " COALESCE(NULLIF(ch.handle, ''), ch.name) AS channel,"
            " u.display_name AS holder, un.mention_id IS NOT NULL AS unread"
            " FROM mentions m"
            " LEFT JOIN contacts c ON c.id = m.contact_id"
            " LEFT JOIN channels ch ON ch.id = m.channel_id"
            " LEFT JOIN users u ON u.id = m.claim_agent_id"
            " LEFT JOIN unread un ON un.mention_id = m.id"
            f" WHERE m.id IN ({marks(ids)})"
        )
        found: dict[int, QueueRow] = {}
        for r in self.conn.execute(sql, ids):
            found[r["id"]] = QueueRow(
                id=r["id"],
                received_at=r["received_at"],
                status=r["status"],
                priority=r["priority"],
                tags=tuple(json.loads(r["tags"])),
                text=r["text"],
                author=r["name"] or r["handle"] or "?",
                channel=r["channel"] or "",
                holder_id=r["claim_agent_id"],
                holder=r["holder"],
                lease_expires_local=r["lease_expires_local"],
                unread=bool(r["unread"]),
                replied=r["replied_at"] is not None,
            )
        return [found[i] for i in ids if i in found]

    def position(
        self, f: QueueFilter, mention_id: int, now: float | None = None, *, cap: int = SEARCH_CAP
    ) -> int | None:
        """The row number of ``mention_id`` under ``f`` (to keep a selection), or None; for a
        text search None as well if it is ``cap`` rows or more down."""
        t = now if now is not None else self.clock()
        if fts_query(f.text) is not None:
            return self._search_position(f, t, mention_id, cap)
        where, args = self._where(f, self._me_id(), t)
        row = self.conn.execute(
            "SELECT received_at, priority FROM mentions WHERE id = ?", (mention_id,)
        ).fetchone()
        if row is None:
            return None
        inside = self.conn.execute(
            f"SELECT 1 FROM mentions m{where}{' AND' if where else ' WHERE'} m.id = ?",
            [*args, mention_id],
        ).fetchone()
        if inside is None:
            return None
        rec, prio = row["received_at"], row["priority"]
        before = {
            Sort.NEWEST: ("(m.received_at > ? OR (m.received_at = ? AND m.id > ?))",
                          [rec, rec, mention_id]),
            Sort.OLDEST: ("(m.received_at < ? OR (m.received_at = ? AND m.id < ?))",
                          [rec, rec, mention_id]),
            Sort.PRIORITY: ("(m.priority > ? OR (m.priority = ? AND (m.received_at < ?"
                            " OR (m.received_at = ? AND m.id < ?))))",
                            [prio, prio, rec, rec, mention_id]),
        }[f.sort]  # fmt: skip
        sql = f"SELECT count(*) FROM mentions m{where}{' AND' if where else ' WHERE'} {before[0]}"
        return int(self.conn.execute(sql, [*args, *before[1]]).fetchone()[0])

    def detail(self, mention_id: int) -> MentionDetail | None:
        r = self.conn.execute(
            "SELECT m.*, c.handle, c.name, c.followers, c.platform, ch.name AS channel, ch.brand,"
            " ch.char_limit, ch.can_reply, ch.can_attach, ch.attach_max_bytes,"
            " ch.kind AS channel_kind, ch.reply_window_s, ch.window_templates,"
            " u.display_name AS holder"
            " FROM mentions m LEFT JOIN contacts c ON c.id = m.contact_id"
            " LEFT JOIN channels ch ON ch.id = m.channel_id"
            " LEFT JOIN users u ON u.id = m.claim_agent_id WHERE m.id = ?",
            (mention_id,),
        ).fetchone()
        if r is None:
            return None
        return MentionDetail(
            id=r["id"],
            text=r["text"],
            status=r["status"],
            priority=r["priority"],
            tags=tuple(json.loads(r["tags"])),
            received_at=r["received_at"],
            created_at=r["created_at"],
            url=r["url"],
            language=r["language"],
            channel_id=r["channel_id"],
            channel=r["channel"] or "",
            brand=r["brand"] or "",
            char_limit=r["char_limit"],
            contact_id=r["contact_id"],
            handle=r["handle"] or "?",
            name=r["name"],
            followers=r["followers"],
            holder_id=r["claim_agent_id"],
            holder=r["holder"],
            claim_epoch=r["claim_epoch"],
            lease_expires_local=r["lease_expires_local"],
            claimed_since_local=r["claimed_since_local"],
            can_reply=r["can_reply"] is None or bool(r["can_reply"]),
            channel_kind=r["channel_kind"] or "",
            can_attach=bool(r["can_attach"]),
            attach_max_bytes=r["attach_max_bytes"],
            author=self.author_context(r) if r["contact_id"] is not None else AuthorContext(),
            window_until_local=r["window_until_local"],
            window_from_local=r["window_from_local"],
            private_reply=bool(r["private_reply"]),
            reply_window_s=r["reply_window_s"],
            window_templates=bool(r["window_templates"]),
        )

    #: the author's conversations (threads): when begun, last written, what became of them.
    #: Each query walks the author's mentions by ``mentions_contact`` (contact_id, created_at):
    #: as many rows as the author has mentions, whatever the size of the store.
    _CONVERSATIONS_SQL = (
        "SELECT COALESCE(thread_id, id) AS conv, MIN(created_at) AS started,"
        " MAX(created_at) AS last, COUNT(*) AS n,"
        " SUM(status IN ('open', 'claimed')) AS open_n, SUM(status = 'answered') AS answered_n,"
        " SUM(status = 'spam') AS spam_n"
        " FROM mentions WHERE contact_id = ? GROUP BY conv"
    )
    _OPEN_SQL = (
        "SELECT id, created_at, status, text FROM mentions INDEXED BY mentions_contact"
        " WHERE contact_id = ? AND id != ? AND status IN ('open', 'claimed')"
        " ORDER BY created_at DESC LIMIT ?"
    )
    _TAGS_SQL = (
        "SELECT j.value AS tag, COUNT(*) AS n FROM mentions m, json_each(m.tags) j"
        " WHERE m.contact_id = ? AND m.id != ? AND m.tags != '[]'"
        " GROUP BY j.value ORDER BY n DESC, j.value LIMIT ?"
    )

    def author_context(self, mention: sqlite3.Row) -> AuthorContext:
        """The author of ``mention`` (a row of :meth:`detail`): their earlier conversations
        and how they ended, their other open mentions, the tags of their other mentions."""
        contact, mention_id = mention["contact_id"], mention["id"]
        conv = mention["thread_id"] or mention_id
        rows = self.conn.execute(self._CONVERSATIONS_SQL, (contact,)).fetchall()
        # earlier = begun before this mention's conversation began
        started = min([r["started"] for r in rows if r["conv"] == conv] or [mention["created_at"]])
        outcome = {"resolved": 0, "spam": 0, "answered": 0}
        last: float | None = None
        open_count = -int(mention["status"] in ("open", "claimed"))  # not this one itself
        for r in rows:
            open_count += r["open_n"]
            if r["conv"] == conv or r["open_n"] or r["started"] >= started:
                continue
            kind = (
                "answered" if r["answered_n"] else "spam" if r["spam_n"] == r["n"] else "resolved"
            )
            outcome[kind] += 1
            last = r["last"] if last is None else max(last, r["last"])
        opens = tuple(
            OtherMention(r["id"], r["created_at"], r["status"], r["text"])
            for r in self.conn.execute(self._OPEN_SQL, (contact, mention_id, OPEN_SHOWN))
        )
        tags = tuple(
            r["tag"]
            for r in self.conn.execute(self._TAGS_SQL, (contact, mention_id, AUTHOR_TAGS))
            if isinstance(r["tag"], str)
        )
        return AuthorContext(
            platform=mention["platform"] or "",
            earlier=sum(outcome.values()),
            resolved=outcome["resolved"],
            spam=outcome["spam"],
            answered=outcome["answered"],
            last_earlier_at=last,
            open_count=open_count,
            open_mentions=opens,
            tags=tags,
        )

    def conversation(self, mention_id: int) -> list[ConversationItem]:
        """The author's whole history with the team, across threads: oldest first."""
        row = self.conn.execute(
            "SELECT contact_id FROM mentions WHERE id = ?", (mention_id,)
        ).fetchone()
        if row is None:
            return []
        if row["contact_id"] is None:
            ids = [mention_id]
        else:
            ids = [
                r[0]
                for r in self.conn.execute(
                    "SELECT id FROM mentions WHERE contact_id = ?", (row["contact_id"],)
                )
            ]
        marks = ",".join("?" * len(ids))
        items: list[ConversationItem] = []
        for r in self.conn.execute(
            "SELECT m.id, m.created_at, m.text, m.status, c.handle, c.name FROM mentions m"
            f" LEFT JOIN contacts c ON c.id = m.contact_id WHERE m.id IN ({marks})",
            ids,
        ):
            items.append(
                ConversationItem(
                    "mention",
                    str(r["id"]),
                    r["id"],
                    r["created_at"],
                    r["name"] or r["handle"] or "?",
                    r["text"],
                    state=r["status"],
                    current=r["id"] == mention_id,
                )
            )
        shown_ops: set[str] = set()
        for r in self.conn.execute(
            "SELECT r.*, u.display_name FROM replies r LEFT JOIN users u ON u.id = r.agent_id"
            f" WHERE r.mention_id IN ({marks})",
            ids,
        ):
            shown_ops.add(r["id"])
            items.append(
                ConversationItem(
                    "reply",
                    r["id"],
                    r["mention_id"],
                    r["accepted_at"],
                    r["display_name"] or "?",
                    r["body"],
                    state=r["delivery_state"],
                    detail=r["delivery_error"] or "",
                    current=r["mention_id"] == mention_id,
                    receipt=r["platform_status"] or "",
                    private=bool(r["private"]),
                )
            )
        for r in self.conn.execute(
            "SELECT n.*, u.display_name FROM notes n LEFT JOIN users u ON u.id = n.agent_id"
            f" WHERE n.mention_id IN ({marks})",
            ids,
        ):
            shown_ops.add(r["id"])
            items.append(
                ConversationItem(
                    "note",
                    r["id"],
                    r["mention_id"],
                    r["created_at"],
                    r["display_name"] or "?",
                    r["body"],
                    current=r["mention_id"] == mention_id,
                )
            )
        me = self.me()
        for r in self.conn.execute(
            "SELECT * FROM outbox WHERE type IN ('reply', 'note') AND state != 'dismissed'"
            f" AND mention_id IN ({marks})",
            ids,
        ):
            if r["op_id"] in shown_ops:
                continue  # the server's copy is here already
            payload = json.loads(r["payload"])
            result = json.loads(r["result"]) if r["result"] else {}
            attached = json.loads(r["media"]) if r["media"] else []
            items.append(
                ConversationItem(
                    "outbox", r["op_id"], r["mention_id"], r["created_at"],
                    me.display_name if me else "me", payload.get("body", ""),
                    state=r["state"], detail=result.get("message", "") if result else "",
                    current=r["mention_id"] == mention_id,
                    media=tuple(MediaItem.from_wire(m) for m in attached),
                )
            )  # fmt: skip
        items = self._with_media(items)
        items.sort(key=lambda i: (i.at, i.kind != "mention"))
        return items

    def media_of(self, owner: str, owner_id: str) -> tuple[MediaItem, ...]:
        rows = self.conn.execute(
            f"SELECT {', '.join(_MEDIA_COLUMNS)} FROM media WHERE owner = ? AND owner_id = ?"
            " ORDER BY position",
            (owner, owner_id),
        ).fetchall()
        return tuple(MediaItem(*row) for row in rows)

    def _with_media(self, items: list[ConversationItem]) -> list[ConversationItem]:
        """The items with the files their mention or reply carries (one query per 500)."""
        owners = [(i.kind, i.id) for i in items if i.kind in ("mention", "reply")]
        found: dict[tuple[str, str], list[MediaItem]] = {}
        for kind in ("mention", "reply"):
            ids = [owner_id for k, owner_id in owners if k == kind]
            for part in chunks(ids):
                for row in self.conn.execute(
                    f"SELECT owner_id, {', '.join(_MEDIA_COLUMNS)} FROM media"
                    f" WHERE owner = ? AND owner_id IN ({marks(part)}) ORDER BY owner_id, position",
                    [kind, *part],
                ):
                    found.setdefault((kind, row[0]), []).append(MediaItem(*tuple(row)[1:]))
        return [
            dataclasses.replace(i, media=tuple(found[(i.kind, i.id)]))
            if (i.kind, i.id) in found
            else i
            for i in items
        ]

    def templates(self) -> list[Template]:
        rows = self.conn.execute(
            "SELECT * FROM templates WHERE archived = 0 ORDER BY title COLLATE NOCASE"
        ).fetchall()
        return [
            Template(
                r["id"],
                r["title"],
                r["body"],
                r["language"],
                r["shortcut"],
                tuple(json.loads(r["tags"])),
            )
            for r in rows
        ]

    def mark_read(self, mention_id: int) -> bool:
        with self.transaction() as conn:
            return bool(
                conn.execute("DELETE FROM unread WHERE mention_id = ?", (mention_id,)).rowcount
            )

    def unread_in(self, f: QueueFilter, ids: Sequence[int]) -> list[int]:
        """Which of ``ids`` are unread and inside the filter (for notifications); a text search
        is checked through the search index, like the queue itself."""
        if not ids:
            return []
        now = self.clock()
        found: list[int] = []
        for part in chunks(list(ids)):
            unread = f"m.id IN ({marks(part)}) AND m.id IN (SELECT mention_id FROM unread)"
            if fts_query(f.text) is not None:
                sql, args = self._search(f, now).walk(None, unread, tuple(part))
            else:
                where, args = self._where(f, self._me_id(), now)
                sql = f"SELECT m.id FROM mentions m{where}{' AND' if where else ' WHERE'} {unread}"
                args = [*args, *part]
            found.extend(r[0] for r in self.conn.execute(sql, args))
        return found

    def reply_states(self, reply_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Delivery state and error of these replies (their ids are the outbox op ids), for
        the ones the server has sent back already."""
        found: dict[str, tuple[str, str]] = {}
        for part in chunks(list(reply_ids)):
            for r in self.conn.execute(
                "SELECT id, delivery_state, delivery_error FROM replies"
                f" WHERE id IN ({marks(part)})",
                part,
            ):
                found[r[0]] = (r[1], r[2] or "")
        return found

    def people(self) -> list[tuple[int, str]]:
        """Accounts that can sign in (id, display name), for pickers like the audit filter."""
        return [
            (r[0], r[1])
            for r in self.conn.execute(
                "SELECT id, display_name FROM users WHERE can_login = 1"
                " ORDER BY display_name COLLATE NOCASE"
            )
        ]

    def channels(self) -> list[tuple[int, str]]:
        return [
            (r[0], r[1]) for r in self.conn.execute("SELECT id, name FROM channels ORDER BY name")
        ]
