"""The audit trail: who did what to which entity, when. Written in the same transaction."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from webcare.domain.timeutil import iso


def record(
    conn: sqlite3.Connection,
    now: float,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: int | str,
    **detail: Any,
) -> None:
    conn.execute(
        "INSERT INTO audit(at, actor_id, action, entity, entity_id, detail)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (now, actor_id, action, entity, str(entity_id), json.dumps(detail, sort_keys=True)),
    )


def query(
    conn: sqlite3.Connection,
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    before_id: int | None = None,
    since: float | None = None,
    until: float | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Newest first, keyset-paged by ``before_id``; ``since``/``until`` bound the time."""
    where: list[str] = []
    args: list[Any] = []
    for column, value in (
        ("a.entity", entity),
        ("a.entity_id", entity_id),
        ("a.actor_id", actor_id),
        ("a.action", action),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    if before_id is not None:
        where.append("a.id < ?")
        args.append(before_id)
    if since is not None:
        where.append("a.at >= ?")
        args.append(since)
    if until is not None:
        where.append("a.at < ?")
        args.append(until)
    sql = (
        "SELECT a.*, u.username AS actor_username FROM audit a"  # noqa: S608 - only fixed names are interpolated
        " LEFT JOIN users u ON u.id = a.actor_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY a.id DESC LIMIT ?"
    )
    args.append(limit)
    return [
        {
            "id": row["id"],
            "at": iso(row["at"]),
            "actor_id": row["actor_id"],
            "actor_username": row["actor_username"],
            "action": row["action"],
            "entity": row["entity"],
            "entity_id": row["entity_id"],
            "detail": json.loads(row["detail"]),
        }
        for row in conn.execute(sql, args)
    ]
