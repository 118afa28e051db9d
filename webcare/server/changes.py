"""The change log: every write appends ``changes`` rows in its own transaction.

Clients sync by cursor (``seq``), never by time. A change row only names the entity; the feed
sends the entity's state at read time, so applying a page is idempotent and a page never carries
a stale version of something changed later in the same page.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from webcare.domain.wire import ChangeRecord, EntityRecord, SavedViewRecord
from webcare.server import serialize

ENTITIES = ("mention", "contact", "reply", "note", "template", "user", "channel", "view")


def record(
    conn: sqlite3.Connection, entity: str, entity_id: int | str, now: float, op: str = "upsert"
) -> None:
    """Append one change row. Call inside the write transaction that made the change."""
    assert entity in ENTITIES, entity
    conn.execute(
        "INSERT INTO changes(entity, entity_id, op, at) VALUES (?, ?, ?, ?)",
        (entity, str(entity_id), op, now),
    )


def record_many(
    conn: sqlite3.Connection, entity: str, ids: Iterable[int | str], now: float
) -> None:
    assert entity in ENTITIES, entity
    conn.executemany(
        "INSERT INTO changes(entity, entity_id, op, at) VALUES (?, ?, 'upsert', ?)",
        ((entity, str(i), now) for i in ids),
    )


def max_seq(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'changes'").fetchone()
    return int(row[0]) if row else 0


def floor(conn: sqlite3.Connection) -> int:
    """Cursors below this were compacted away: such a client must bootstrap again."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'changes_floor'").fetchone()
    return int(row[0]) if row else 0


def db_id(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = 'db_id'").fetchone()
    return str(row[0]) if row else ""


class CursorInvalid(Exception):
    """The client's cursor is older than the retained log, or newer than the log itself."""

    def __init__(self, reason: str, floor: int, head: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.floor = floor
        self.head = head


@dataclass(frozen=True)
class Page:
    changes: list[ChangeRecord]
    cursor: int
    has_more: bool
    head: int


def read_page(
    conn: sqlite3.Connection, since: int, limit: int, now: float, viewer: int | None = None
) -> Page:
    """Read one page of changes after ``since``, as ``viewer`` may see them. Call inside one
    read transaction. Another account's personal saved view goes out as a deletion: nothing of
    it leaves the server, and a view that was published and is personal again leaves the
    other clients' stores."""
    low, head = floor(conn), max_seq(conn)
    if since < low:
        raise CursorInvalid("cursor_expired", low, head)
    if since > head:
        raise CursorInvalid("cursor_ahead", low, head)
    rows = conn.execute(
        "SELECT seq, entity, entity_id, op FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
        (since, limit),
    ).fetchall()
    latest: dict[tuple[str, str], tuple[int, str]] = {}
    for seq, entity, entity_id, op in rows:
        latest[(entity, entity_id)] = (seq, op)
    wanted: dict[str, list[str]] = {}
    for (entity, entity_id), (_seq, op) in latest.items():
        if op == "upsert":
            wanted.setdefault(entity, []).append(entity_id)
    loaded: dict[str, dict[str, EntityRecord]] = {
        entity: serialize.load(conn, entity, ids, now) for entity, ids in wanted.items()
    }
    out: list[tuple[int, ChangeRecord]] = []
    for (entity, entity_id), (seq, op) in latest.items():
        data = loaded.get(entity, {}).get(entity_id) if op == "upsert" else None
        if (
            entity == "view"
            and data is not None
            and not serialize.visible_to(cast("SavedViewRecord", data), viewer)
        ):
            data = None
        item: ChangeRecord = {
            "seq": seq,
            "entity": entity,
            "id": entity_id,
            "op": "upsert" if data is not None else "delete",
            "data": data,
        }
        out.append((seq, item))
    out.sort(key=lambda pair: pair[0])
    cursor = rows[-1][0] if rows else since
    return Page([item for _seq, item in out], cursor, len(rows) == limit, head)


def compact(conn: sqlite3.Connection, keep_after: int) -> int:
    """Forget change rows up to ``keep_after``; cursors older than that get ``410``."""
    deleted = conn.execute("DELETE FROM changes WHERE seq <= ?", (keep_after,)).rowcount
    conn.execute(
        "UPDATE meta SET value = ? WHERE key = 'changes_floor' AND CAST(value AS INTEGER) < ?",
        (str(keep_after), keep_after),
    )
    return int(deleted)
