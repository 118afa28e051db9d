"""Snoozes: a mention out of the queues until a time or until its customer writes again.

**The rule** (ARCHITECTURE.md, "Snooze"). A snooze is an outbox write (``snooze`` with
``until`` or ``until_customer``, ``unsnooze``), applied in the write's own transaction like a
status change: refused on a closed or spam mention, and while someone else holds a live claim
(a lead may); a wake time that has passed or lies more than a year ahead is a rejected result
with the reason (``domain.snooze.problem``), never a ``422`` of the batch, so a snooze queued
offline can never block the writes after it. **Snoozing releases the claim** (the epoch stays,
as with a release): the mention leaves every queue, nobody's lease runs out over it, and when
it wakes it is back in the queue for whoever takes it first — bold for the agent who snoozed it
(``snoozed_by`` is kept after waking, ``woken_at`` says when). It wakes when

* the sweeper (:func:`wake_due`, beside the lease sweeper) finds ``snoozed_until`` passed;
* the same customer writes again in the same thread, or in the same direct conversation
  (a messaging-window channel, a Telegram private chat), received after the snooze began
  (:func:`wake_on_followups`, in ingest's transaction; live mentions, not imported history);

and ends without waking (nobody's bold) when someone unsnoozes, claims, is assigned, or
resolves it (:func:`end`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from webcare.server import changes
from webcare.server.services import audit
from webcare.storage.db import Database, chunks, marks

#: A mention that is snoozed, as SQL on ``mentions`` (matches the partial index of m012).
SNOOZED = "(snoozed_until IS NOT NULL OR snooze_until_customer = 1)"


def is_snoozed(row: sqlite3.Row) -> bool:
    return row["snoozed_until"] is not None or bool(row["snooze_until_customer"])


def snooze(
    conn: sqlite3.Connection, actor_id: int, row: sqlite3.Row, until: float | None,
    until_customer: bool, now: float,
) -> None:  # fmt: skip
    """Snooze ``row`` (checked, and its claim released, by the caller): it sleeps until
    ``until`` or the customer's next message."""
    conn.execute(
        "UPDATE mentions SET snoozed_until = ?, snooze_until_customer = ?, snoozed_by = ?,"
        " snoozed_at = ?, woken_at = NULL, updated_at = ? WHERE id = ?",
        (None if until_customer else until, int(until_customer), actor_id, now, now, row["id"]),
    )
    changes.record(conn, "mention", row["id"], now)
    detail: dict[str, Any] = {"until_customer": True} if until_customer else {"until": until}
    audit.record(conn, now, actor_id, "mention.snooze", "mention", row["id"], **detail)


def end(
    conn: sqlite3.Connection, actor_id: int | None, row: sqlite3.Row, now: float, *, reason: str
) -> bool:
    """End ``row``'s snooze without waking it for anyone (unsnoozed, claimed, assigned,
    resolved): ``reason`` says which. False when it was not snoozed."""
    if not is_snoozed(row):
        return False
    conn.execute(
        "UPDATE mentions SET snoozed_until = NULL, snooze_until_customer = 0, snoozed_by = NULL,"
        " snoozed_at = NULL, woken_at = NULL, updated_at = ? WHERE id = ?",
        (now, row["id"]),
    )
    changes.record(conn, "mention", row["id"], now)
    audit.record(
        conn, now, actor_id, "mention.unsnooze", "mention", row["id"],
        reason=reason, snoozed_by=row["snoozed_by"],
    )  # fmt: skip
    return True


def end_if_snoozed(
    conn: sqlite3.Connection, actor_id: int | None, mention_id: int, now: float, *, reason: str
) -> None:
    row = conn.execute(
        f"SELECT id, snoozed_until, snooze_until_customer, snoozed_by FROM mentions"  # noqa: S608 - a fixed clause
        f" WHERE id = ? AND {SNOOZED}",
        (mention_id,),
    ).fetchone()
    if row is not None:
        end(conn, actor_id, row, now, reason=reason)


def _wake(conn: sqlite3.Connection, rows: Iterable[sqlite3.Row], now: float, reason: str,
          **detail: Any) -> int:  # fmt: skip
    count = 0
    for row in rows:
        conn.execute(
            "UPDATE mentions SET snoozed_until = NULL, snooze_until_customer = 0, woken_at = ?,"
            " updated_at = ? WHERE id = ?",
            (now, now, row["id"]),
        )
        changes.record(conn, "mention", row["id"], now)
        audit.record(
            conn, now, None, "snooze.wake", "mention", row["id"],
            reason=reason, snoozed_by=row["snoozed_by"], **detail,
        )  # fmt: skip
        count += 1
    return count


def wake_due(db: Database, now: float) -> int:
    """The sweeper: wake every mention whose wake time has come (a change row each, so every
    client sees it come back)."""
    with db.read() as conn:
        due = conn.execute(
            "SELECT 1 FROM mentions WHERE snoozed_until IS NOT NULL AND snoozed_until <= ? LIMIT 1",
            (now,),
        ).fetchone()
    if due is None:
        return 0
    with db.write() as conn:
        rows = conn.execute(
            "SELECT id, snoozed_by FROM mentions WHERE snoozed_until IS NOT NULL"
            " AND snoozed_until <= ? ORDER BY snoozed_until, id",
            (now,),
        ).fetchall()
        return _wake(conn, rows, now, "time")


def _direct(meta: str | None) -> bool:
    """A direct conversation (a message, not a post): a messaging-window channel's message
    (Messenger, Instagram DM, WhatsApp) or a Telegram private chat."""
    if not meta or meta == "{}":
        return False
    try:
        parsed = json.loads(meta)
    except ValueError:
        return False
    if not isinstance(parsed, dict):
        return False
    return bool(parsed.get("window")) or parsed.get("chat_type") == "private"


def wake_on_followups(
    conn: sqlite3.Connection, channel_id: int, mention_ids: Sequence[int], now: float
) -> int:
    """New mentions ``mention_ids`` arrived on ``channel_id`` (ingest's transaction, after
    they are linked into threads): wake the snoozed mentions of the same customer in the same
    thread or direct conversation that were snoozed before the new one was received."""
    if not mention_ids:
        return 0
    if conn.execute(f"SELECT 1 FROM mentions WHERE {SNOOZED} LIMIT 1").fetchone() is None:  # noqa: S608
        return 0  # the common case: nothing sleeps, nothing to look up
    fresh: list[sqlite3.Row] = []
    for part in chunks(list(mention_ids)):
        fresh.extend(
            conn.execute(
                "SELECT id, contact_id, COALESCE(thread_id, id) AS conv, meta, received_at"  # noqa: S608
                f" FROM mentions WHERE id IN ({marks(part)}) AND contact_id IS NOT NULL",
                part,
            )
        )
    contacts = sorted({r["contact_id"] for r in fresh})
    sleeping: dict[int, list[sqlite3.Row]] = {}
    for part in chunks(contacts):
        for row in conn.execute(
            "SELECT id, contact_id, COALESCE(thread_id, id) AS conv, meta, snoozed_at, snoozed_by"  # noqa: S608
            f" FROM mentions WHERE {SNOOZED} AND contact_id IN ({marks(part)})"
            " AND channel_id = ?",
            [*part, channel_id],
        ):
            sleeping.setdefault(row["contact_id"], []).append(row)
    woken: dict[int, tuple[sqlite3.Row, int]] = {}
    for new in fresh:
        for row in sleeping.get(new["contact_id"], ()):
            if row["id"] == new["id"] or row["id"] in woken:
                continue
            if (row["snoozed_at"] or 0) > new["received_at"]:
                continue  # written before the snooze (history arriving late)
            if row["conv"] == new["conv"] or (_direct(row["meta"]) and _direct(new["meta"])):
                woken[row["id"]] = (row, new["id"])
    count = 0
    for row, by in woken.values():
        count += _wake(conn, [row], now, "customer", by_mention=by)
    return count
