"""What a client syncs from: the bootstrap (cursor, small entities, counts), its keyset pages
of the big entities, and pages of the change feed. Each is read from one snapshot."""

from __future__ import annotations

from typing import Any

from webcare.domain.timeutil import iso
from webcare.server import changes, serialize
from webcare.server.services import accounts, saved_views
from webcare.storage.db import Database

#: the big entities, paged from ``/v1/bootstrap/{entity}``: their table -> serializer entity
PAGED = {"mentions": "mention", "contacts": "contact", "replies": "reply", "notes": "note"}


def bootstrap(db: Database, user_id: int, now: float, *, lease_s: float) -> dict[str, Any]:
    """The cursor to sync from, the small entities and the counts of the big ones."""
    with db.read() as conn:
        counts = {
            name: conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]  # noqa: S608
            for name in PAGED
        }
        return {
            "db_id": changes.db_id(conn),
            "cursor": changes.max_seq(conn),
            "server_time": iso(now),
            "lease_s": lease_s,
            "me": accounts.get_user(conn, user_id, now),
            "users": serialize.all_of(conn, "user", now),
            "channels": serialize.all_of(conn, "channel", now),
            "templates": serialize.all_of(conn, "template", now),
            "views": saved_views.visible(conn, user_id, now),
            "counts": counts,
        }


def bootstrap_page(db: Database, entity: str, after: int, limit: int, now: float) -> dict[str, Any]:
    """One keyset page of a big entity (``PAGED``), in storage order."""
    with db.read() as conn:
        items, nxt = serialize.page(conn, PAGED[entity], after, limit, now)
    return {"items": items, "next_after": nxt}


def changes_page(
    db: Database, since: int, limit: int, now: float, viewer: int | None = None
) -> dict[str, Any]:
    """The changes after cursor ``since`` as ``viewer`` may see them (another account's personal
    saved view is a deletion); raises ``changes.CursorInvalid`` for a cursor that cannot be
    served."""
    with db.read() as conn:
        page = changes.read_page(conn, since, limit, now, viewer)
        return {
            "db_id": changes.db_id(conn),
            "changes": page.changes,
            "cursor": page.cursor,
            "has_more": page.has_more,
            "head": page.head,
        }
