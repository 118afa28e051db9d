"""Undo: taking back an agent's last status, snooze, tag or priority write.

**The rule** (ARCHITECTURE.md, "Undo"). Every accepted write that changes a mention's workflow
state (``set_status``, ``snooze``, ``unsnooze``, ``set_tags``, ``set_priority``) leaves an *undo
point* in the same transaction: the mention's state just before and just after it. An undo is an
ordinary outbox write of the inverse kind (so the client's own view of it — the snooze overlay,
the queue — works as for any write) that names the write it takes back in ``undoes``. The server
applies it only when

* the undo point exists, was left by **the same account**, for **the same mention**;
* it is not older than :data:`KEEP_S` (the client offers undo for a few seconds; the server's
  allowance is longer, so an undo queued offline still lands when it arrives soon after);
* the mention's state is still exactly what the write left (``after``): no one claimed it,
  reopened it, woke it, changed its tags or its priority meanwhile. The claim epoch is part of
  the state, so any claim or hand-over in between refuses the undo;

and then it restores ``before`` — the status, the claim as it was (the same epoch: a reply
queued under it stays valid; its lease renewed), the snooze, the tags, the priority — in the
write's own transaction, audited as ``mention.undo``. Otherwise the result is a rejection with
the reason (``changed``, ``not_found``), which the client shows; nothing is half-applied. An
undo point serves once.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from webcare.domain.models import ClaimState, MentionStatus, MutationType, RejectReason
from webcare.server import changes
from webcare.server.services import audit
from webcare.server.services.claims import store_state

#: How long (server time) a write can still be taken back.
KEEP_S = 15 * 60.0
#: The writes that leave an undo point.
UNDOABLE = frozenset(
    {
        MutationType.SET_STATUS,
        MutationType.SNOOZE,
        MutationType.UNSNOOZE,
        MutationType.SET_TAGS,
        MutationType.SET_PRIORITY,
    }
)
#: The part of a mention an undoable write changes, and an undo restores.
_FIELDS = (
    "status",
    "claim_agent_id",
    "claim_epoch",
    "lease_expires_at",
    "closed_at",
    "snoozed_until",
    "snooze_until_customer",
    "snoozed_by",
    "snoozed_at",
    "tags",
    "priority",
)
#: What must be unchanged for an undo to apply (the lease runs down on its own; closed_at and
#: snoozed_at follow status and snooze).
_COMPARED = (
    "status",
    "claim_agent_id",
    "claim_epoch",
    "snoozed_until",
    "snooze_until_customer",
    "tags",
    "priority",
)


def snapshot(row: sqlite3.Row) -> dict[str, Any]:
    return {name: row[name] for name in _FIELDS}


def remember(
    conn: sqlite3.Connection, user_id: int, op_id: str, before: sqlite3.Row, now: float
) -> None:
    """Leave the undo point of the write ``op_id`` just applied to ``before``'s mention."""
    after = conn.execute("SELECT * FROM mentions WHERE id = ?", (before["id"],)).fetchone()
    conn.execute("DELETE FROM undo_points WHERE created_at < ?", (now - KEEP_S,))
    conn.execute(
        "INSERT OR REPLACE INTO undo_points(op_id, user_id, mention_id, before, after,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (op_id, user_id, before["id"], json.dumps(snapshot(before)),
         json.dumps(snapshot(after)), now),
    )  # fmt: skip


def problem(
    conn: sqlite3.Connection, user_id: int, undoes: str, row: sqlite3.Row, now: float
) -> tuple[RejectReason, str] | tuple[None, dict[str, Any]]:
    """``(reason, words)`` why ``undoes`` cannot be taken back now, else ``(None, before)``."""
    point = conn.execute("SELECT * FROM undo_points WHERE op_id = ?", (undoes,)).fetchone()
    if (
        point is None
        or point["user_id"] != user_id
        or point["mention_id"] != row["id"]
        or point["created_at"] < now - KEEP_S
    ):
        return RejectReason.NOT_FOUND, "There is nothing of yours to undo on this mention any more."
    after = json.loads(point["after"])
    if any(after[name] != row[name] for name in _COMPARED):
        return RejectReason.CHANGED, "The mention changed since; nothing was undone."
    return None, json.loads(point["before"])


def restore(
    conn: sqlite3.Connection,
    user_id: int,
    undoes: str,
    row: sqlite3.Row,
    before: dict[str, Any],
    now: float,
    lease_s: float,
) -> MentionStatus:
    """Put ``row``'s mention back as ``before`` (checked by :func:`problem`); the status it
    has again."""
    status = MentionStatus(before["status"])
    holder = before["claim_agent_id"]
    live = holder is not None and status in (MentionStatus.CLAIMED, MentionStatus.ANSWERED)
    state = ClaimState(
        status=status,
        holder_id=holder if live else None,
        epoch=int(before["claim_epoch"]),
        lease_expires_at=max(before["lease_expires_at"] or 0.0, now + lease_s) if live else None,
    )
    store_state(conn, row["id"], state, now)
    conn.execute(
        "UPDATE mentions SET closed_at = ?, snoozed_until = ?, snooze_until_customer = ?,"
        " snoozed_by = ?, snoozed_at = ?, woken_at = NULL, tags = ?, priority = ?,"
        " updated_at = ? WHERE id = ?",
        (before["closed_at"], before["snoozed_until"], before["snooze_until_customer"],
         before["snoozed_by"], before["snoozed_at"], before["tags"], before["priority"], now,
         row["id"]),
    )  # fmt: skip
    conn.execute("DELETE FROM undo_points WHERE op_id = ?", (undoes,))
    changes.record(conn, "mention", row["id"], now)
    audit.record(
        conn, now, user_id, "mention.undo", "mention", row["id"],
        undoes=undoes, status=status.value, previous=row["status"],
    )  # fmt: skip
    return status
