"""A queue filter's view and filters as SQL on ``mentions m``: what both the plain queue
queries (:mod:`~webcare.client_store.queries`) and the text search's walks
(:mod:`~webcare.client_store.search`) check on every row.
"""

from __future__ import annotations

from typing import Any

from webcare.client_store.records import QueueFilter, View


def filter_where(f: QueueFilter, me: int | None, now: float) -> tuple[str, list[Any]]:
    """The view and filters of ``f`` as a WHERE clause on ``mentions m`` (or ``""``), and its
    arguments. Not its words: a text search walks the search index, and checks these too."""
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
