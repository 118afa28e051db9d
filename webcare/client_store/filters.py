"""A queue filter's view and filters as SQL on ``mentions m``: what both the plain queue
queries (:mod:`~webcare.client_store.queries`) and the text search's walks
(:mod:`~webcare.client_store.search`) check on every row.
"""

from __future__ import annotations

from typing import Any

from webcare.client_store.records import QueueFilter, View

# --- snoozed mentions -----------------------------------------------------------------------
#
# A mention is snoozed as the server's record says, unless this computer has a snooze or an
# unsnooze of it still pending in the outbox (queued: written offline, or not sent yet; or
# accepted while the change feed has not brought the mention since, ``mirrored = 0``): then
# the last of those decides, so a snooze takes the mention out of the queue at once, as the
# agent sees it, and does not flicker back before the feed has it; a refused one (the entry
# settles as rejected) brings it back. Each is one uncorrelated subquery over the few sleeping
# mentions (the partial index of m011) and the pending writes, computed once per statement.

#: the last pending snooze or unsnooze write of each mention
_LATEST_SNOOZE_WRITE = (
    "SELECT max(id) FROM outbox WHERE type IN ('snooze', 'unsnooze')"
    " AND (state = 'queued' OR (state = 'accepted' AND mirrored = 0)) GROUP BY mention_id"
)
#: the mentions whose last queued write is a snooze / an unsnooze
QUEUED_SNOOZE = (
    f"SELECT mention_id FROM outbox WHERE id IN ({_LATEST_SNOOZE_WRITE}) AND type = 'snooze'"
)
QUEUED_UNSNOOZE = (
    f"SELECT mention_id FROM outbox WHERE id IN ({_LATEST_SNOOZE_WRITE}) AND type = 'unsnooze'"
)
#: the ids of the snoozed mentions, the queued writes applied
SNOOZED_IDS = (
    "SELECT id FROM mentions WHERE snoozed_until IS NOT NULL OR snooze_until_customer = 1"
    f" UNION {QUEUED_SNOOZE} EXCEPT {QUEUED_UNSNOOZE}"
)
#: the last pending snooze or unsnooze write of each mention, with its payload (to show it)
QUEUED_SNOOZE_WRITES = (
    "SELECT mention_id, type, payload, state = 'queued' AS unsent FROM outbox"
    f" WHERE id IN ({_LATEST_SNOOZE_WRITE})"
)


def filter_where(
    f: QueueFilter, me: int | None, now: float, *, snoozed: bool = True
) -> tuple[str, list[Any]]:
    """The view and filters of ``f`` as a WHERE clause on ``mentions m`` (or ``""``), and its
    arguments. Not its words: a text search walks the search index, and checks these too.

    Snoozed mentions are in the Snoozed view only; ``snoozed=False`` leaves that condition out
    (a count subtracts the snoozed ones instead, ``QueueQueries.count``)."""
    live = "(m.claim_agent_id IS NOT NULL AND COALESCE(m.lease_expires_local, 0) > ?)"
    clauses: list[str] = []
    args: list[Any] = []
    if f.view is View.UNCLAIMED:
        # "status IN" (not "status = 'open' OR ..."): one index range per status, walked in
        # received order, so the first page stops after 200 rows instead of sorting 100k
        clauses.append(f"m.status IN ('open', 'claimed') AND (m.status = 'open' OR NOT {live})")
        args.append(now)
    elif f.view is View.MINE:
        clauses.append(f"(m.claim_agent_id = ? AND {live} AND m.status NOT IN ('closed', 'spam'))")
        args.extend([me if me is not None else -1, now])
    elif f.view is View.ANSWERED:
        clauses.append("m.status = 'answered'")
    if f.view is View.SNOOZED:
        clauses.append(f"m.id IN ({SNOOZED_IDS})")
    elif snoozed:
        clauses.append(f"m.id NOT IN ({SNOOZED_IDS})")
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
