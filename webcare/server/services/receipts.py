"""Delivery receipts: what a platform says became of a reply we posted.

``replies.platform_status`` only moves forward: ``sent`` < ``delivered`` < ``read``; a late
"delivered" after "read", or a receipt delivered twice, changes nothing. ``failed`` (WhatsApp
131047: outside the window) is taken while the reply is no further than ``sent``: the reply
becomes ``failed`` with the platform's words, which the agent sees and can act on.

A receipt names its reply by the platform's post id, by our reference (the reply id, where the
platform echoes it: Messenger ``metadata``, WhatsApp ``biz_opaque_callback_data``), or as a
watermark (every reply to that customer posted at or before the time). An *echo* — "sent" with
our reference and the post id — of a reply we had not recorded as posted yet (a crash or a lost
answer after the platform took it) records it as posted, so it is never posted twice.

A receipt for a post id or reference that matches no reply yet (it came before our own commit)
waits in ``push_receipts`` and is applied when the reply is recorded as sent; so does a
``failed`` for a reply still being sent (WhatsApp accepts a send, then reports 131047, and the
status can arrive before the answer).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from webcare.channels.base import RECEIPT_ORDER, RECEIPT_STATUSES, Receipt
from webcare.server import changes
from webcare.server.services import audit

#: Receipts waiting for their reply are kept this long.
PENDING_KEEP_S = 7 * 24 * 3600.0

_REPLY = (
    "SELECT r.id, r.delivery_state, r.delivery_attempts, r.platform_post_id, r.platform_status"
    " FROM replies r JOIN mentions m ON m.id = r.mention_id WHERE m.channel_id = ?"
)


_WATERMARK = (
    "SELECT r.id, r.delivery_state, r.delivery_attempts, r.platform_post_id, r.platform_status"
    " FROM replies r JOIN mentions m ON m.id = r.mention_id JOIN contacts c ON c.id = m.contact_id"
    " WHERE m.channel_id = ? AND c.platform_user_id = ? AND r.delivery_state = 'sent'"
    " AND r.posted_at <= ? AND json_extract(m.meta, '$.window') IS NOT NULL"
)


def _rank(status: str | None) -> int:
    return RECEIPT_ORDER.get(status or "", 0)


def _apply_to(conn: sqlite3.Connection, row: sqlite3.Row, r: Receipt, now: float) -> bool:
    """Apply ``r`` to one reply; whether anything changed."""
    reply_id = row["id"]
    if r.status == "failed":
        if row["delivery_state"] != "sent" or _rank(row["platform_status"]) > RECEIPT_ORDER["sent"]:
            return False
        words = (r.error or "The platform reports that the reply was not delivered.")[:2000]
        conn.execute(
            "UPDATE replies SET delivery_state = 'failed', delivery_error = ?,"
            " platform_status = 'failed', platform_status_at = ? WHERE id = ?",
            (words, r.at, reply_id),
        )
        audit.record(conn, now, None, "reply.platform_failed", "reply", reply_id,
                     error=words[:500])  # fmt: skip
        return True
    if row["platform_status"] == "failed" or _rank(r.status) <= _rank(row["platform_status"]):
        return False
    echo = r.reference is not None and r.platform_post_id is not None
    if row["delivery_state"] != "sent":
        # the platform has it, we had not recorded it (a crash or a lost answer after the
        # platform took it): recorded now, so it is never posted again
        if not echo or row["delivery_attempts"] < 1 or row["delivery_state"] == "imported":
            return False
        conn.execute(
            "UPDATE replies SET delivery_state = 'sent', platform_post_id = ?, posted_at = ?,"
            " delivery_error = NULL, next_attempt_at = NULL WHERE id = ?",
            (r.platform_post_id, r.at, reply_id),
        )
        audit.record(conn, now, None, "reply.delivered", "reply", reply_id,
                     post_id=r.platform_post_id, found_by_echo=True)  # fmt: skip
    elif echo and (
        not row["platform_post_id"] or str(row["platform_post_id"]).startswith("unknown:")
    ):
        # a reply recorded without the platform's id (a private reply Meta called "already
        # sent") gets it from the echo, and the platform's time
        conn.execute(
            "UPDATE replies SET platform_post_id = ?, posted_at = ? WHERE id = ?",
            (r.platform_post_id, r.at, reply_id),
        )
    elif echo and row["platform_post_id"] == r.platform_post_id:
        # the platform's own time of our post: watermarks (Messenger's delivered/read "up to")
        # are compared with it, on the platform's clock
        conn.execute("UPDATE replies SET posted_at = ? WHERE id = ?", (r.at, reply_id))
    conn.execute(
        "UPDATE replies SET platform_status = ?, platform_status_at = ? WHERE id = ?",
        (r.status, r.at, reply_id),
    )
    return True


def _wait(conn: sqlite3.Connection, channel_id: int, r: Receipt, now: float) -> None:
    conn.execute(
        "INSERT INTO push_receipts(channel_id, platform_post_id, reference, status, at,"
        " error, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (channel_id, r.platform_post_id, r.reference, r.status, r.at, r.error, now),
    )


def apply(
    conn: sqlite3.Connection, channel_id: int, receipts: Iterable[Receipt], now: float
) -> int:
    """Apply receipts of one channel (in the caller's transaction); returns replies changed."""
    changed: set[str] = set()
    for r in receipts:
        if r.status not in RECEIPT_STATUSES:
            continue
        if r.recipient is not None and r.reference is None and r.platform_post_id is None:
            rows = conn.execute(_WATERMARK, (channel_id, r.recipient, r.at)).fetchall()
        elif r.reference is not None:
            rows = conn.execute(_REPLY + " AND r.id = ?", (channel_id, r.reference)).fetchall()
        elif r.platform_post_id is not None:
            rows = conn.execute(
                _REPLY + " AND r.platform_post_id = ?", (channel_id, r.platform_post_id)
            ).fetchall()
        else:
            continue
        if not rows and (r.reference is not None or r.platform_post_id is not None):
            _wait(conn, channel_id, r, now)
            continue
        for row in rows:
            if _apply_to(conn, row, r, now):
                changed.add(row["id"])
            elif r.status == "failed" and row["delivery_state"] in ("queued", "sending"):
                # the platform's refusal came before our own commit (WhatsApp answers a send,
                # then reports 131047): it waits for the reply to be recorded as sent
                _wait(conn, channel_id, r, now)
    for reply_id in sorted(changed):
        changes.record(conn, "reply", reply_id, now)
    return len(changed)


def apply_pending(
    conn: sqlite3.Connection, reply_id: str, platform_post_id: str, now: float
) -> int:
    """The receipts that came before ``reply_id`` was recorded as sent (same transaction)."""
    row = conn.execute(
        "SELECT m.channel_id FROM replies r JOIN mentions m ON m.id = r.mention_id WHERE r.id = ?",
        (reply_id,),
    ).fetchone()
    if row is None:
        return 0
    channel_id = int(row[0])
    waiting = conn.execute(
        "SELECT * FROM push_receipts WHERE channel_id = ? AND (platform_post_id = ?"
        " OR reference = ?) ORDER BY at, id",
        (channel_id, platform_post_id, reply_id),
    ).fetchall()
    if not waiting:
        return 0
    conn.execute(
        f"DELETE FROM push_receipts WHERE id IN ({','.join('?' * len(waiting))})",  # noqa: S608
        [w["id"] for w in waiting],
    )
    return apply(
        conn,
        channel_id,
        [
            Receipt(
                status=w["status"],
                at=w["at"],
                platform_post_id=platform_post_id,
                reference=None,
                error=w["error"],
            )
            for w in waiting
        ],
        now,
    )


def prune(conn: sqlite3.Connection, now: float) -> int:
    """Forget receipts that waited too long for their reply."""
    cur = conn.execute("DELETE FROM push_receipts WHERE received_at < ?", (now - PENDING_KEEP_S,))
    return cur.rowcount
