"""Reading mentions: one mention with its conversation, and an author's whole history.

Each answer is read from one snapshot (one read transaction).
"""

from __future__ import annotations

from typing import Any

from webcare.domain.errors import NotFoundError
from webcare.server import serialize
from webcare.server.services import claims, contacts
from webcare.storage.db import Database, marks


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
    the replies each got. A merged contact's history is the whole group's (``merged``: the
    other contacts of the same person); each mention keeps its own ``contact_id``."""
    with db.read() as conn:
        contact = serialize.load_one(conn, "contact", contact_id, now)
        if contact is None:
            raise NotFoundError(f"There is no contact with id {contact_id}.")
        group = contacts.group_ids(conn, contact_id)
        ids = marks(group)
        mentions = serialize.mentions(
            conn,
            conn.execute(
                f"SELECT * FROM mentions WHERE contact_id IN ({ids})"  # noqa: S608
                " ORDER BY created_at, id",
                group,
            ).fetchall(),
            now,
        )
        replies = serialize.replies(
            conn,
            conn.execute(
                f"SELECT r.* FROM replies r JOIN mentions m ON m.id = r.mention_id WHERE m.contact_id IN ({ids}) ORDER BY r.accepted_at, r.id",  # noqa: E501, S608
                group,
            ).fetchall(),
            now,
        )
        merged = [
            c for i in group if i != contact_id
            if (c := serialize.load_one(conn, "contact", i, now)) is not None
        ]  # fmt: skip
    return {"contact": contact, "merged": merged, "mentions": mentions, "replies": replies}
