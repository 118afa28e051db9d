"""Reading mentions: one mention with its conversation, and an author's whole history.

Each answer is read from one snapshot (one read transaction).
"""

from __future__ import annotations

from typing import Any

from webcare.domain.errors import NotFoundError
from webcare.server import serialize
from webcare.server.services import claims
from webcare.storage.db import Database


def detail(db: Database, mention_id: int, now: float) -> dict[str, Any]:
    """A mention with its author, replies and internal notes."""
    with db.read() as conn:
        row = claims.load_state(conn, mention_id)
        (mention,) = serialize.mentions(conn, [row], now)
        contact = (
            serialize.load_one(conn, "contact", row["contact_id"], now)
            if row["contact_id"] is not None
            else None
        )
        replies = serialize.replies(
            conn,
            conn.execute(
                "SELECT * FROM replies WHERE mention_id = ? ORDER BY accepted_at, id",
                (mention_id,),
            ).fetchall(),
            now,
        )
        notes = [
            serialize.note(r, now)
            for r in conn.execute(
                "SELECT * FROM notes WHERE mention_id = ? ORDER BY created_at, id", (mention_id,)
            )
        ]
    return {"mention": mention, "contact": contact, "replies": replies, "notes": notes}


def contact_history(db: Database, contact_id: int, now: float) -> dict[str, Any]:
    """An author with every mention of theirs (across threads and channels, oldest first) and
    the replies each got."""
    with db.read() as conn:
        contact = serialize.load_one(conn, "contact", contact_id, now)
        if contact is None:
            raise NotFoundError(f"There is no contact with id {contact_id}.")
        mentions = serialize.mentions(
            conn,
            conn.execute(
                "SELECT * FROM mentions WHERE contact_id = ? ORDER BY created_at, id", (contact_id,)
            ).fetchall(),
            now,
        )
        replies = serialize.replies(
            conn,
            conn.execute(
                "SELECT r.* FROM replies r JOIN mentions m ON m.id = r.mention_id"
                " WHERE m.contact_id = ? ORDER BY r.accepted_at, r.id",
                (contact_id,),
            ).fetchall(),
            now,
        )
    return {"contact": contact, "mentions": mentions, "replies": replies}
