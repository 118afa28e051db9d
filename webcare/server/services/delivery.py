"""A failed delivery tried again: the reply goes back to the delivery outbox.

The scheduler (``server/runner/``) picks it up and, as for every reply attempted
before, looks it up on the platform before it posts it again.
"""

from __future__ import annotations

from webcare.domain.errors import ConflictError, NotFoundError, PermissionDenied
from webcare.domain.models import Role
from webcare.domain.wire import ReplyRecord
from webcare.server import changes, serialize
from webcare.server.services import audit
from webcare.server.services.accounts import AuthUser
from webcare.storage.db import Database


def retry(db: Database, user: AuthUser, reply_id: str, now: float) -> ReplyRecord:
    """Queue a ``failed`` reply again (its author, or a lead); the reply as it is now."""
    with db.write() as conn:
        row = conn.execute(
            "SELECT agent_id, delivery_state FROM replies WHERE id = ?", (reply_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError("There is no such reply.")
        if row["agent_id"] != user.id and not user.role.at_least(Role.LEAD):
            raise PermissionDenied("Only the reply's author or a lead can retry its delivery.")
        if row["delivery_state"] != "failed":
            raise ConflictError(f"This reply is {row['delivery_state']}, not failed.")
        conn.execute(
            "UPDATE replies SET delivery_state = 'queued', next_attempt_at = ? WHERE id = ?",
            (now, reply_id),
        )
        changes.record(conn, "reply", reply_id, now)
        audit.record(conn, now, user.id, "reply.retry", "reply", reply_id)
        data = serialize.load_one(conn, "reply", reply_id, now)
    assert data is not None
    return data
