"""The audit trail: who did what to which entity, when. Written in the same transaction."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from webcare.domain.timeutil import iso
from webcare.storage.db import chunks, marks


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
        "SELECT a.*, u.username AS actor_username, u.display_name AS actor_name FROM audit a"  # noqa: S608 - only fixed names are interpolated
        " LEFT JOIN users u ON u.id = a.actor_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY a.id DESC LIMIT ?"
    )
    args.append(limit)
    entries = [
        {
            "id": row["id"],
            "at": iso(row["at"]),
            "actor_id": row["actor_id"],
            "actor_username": row["actor_username"],
            "actor_name": row["actor_name"],
            "action": row["action"],
            "entity": row["entity"],
            "entity_id": row["entity_id"],
            "detail": json.loads(row["detail"]),
        }
        for row in conn.execute(sql, args)
    ]
    _label(conn, entries)
    return entries


#: detail fields that hold a user id (claims: who held it, who it went to)
USER_FIELDS = ("holder", "previous_holder", "to", "snoozed_by", "owner_id")


def _label(conn: sqlite3.Connection, entries: list[dict[str, Any]]) -> None:
    """Say what each entry is about in words a lead reads: ``entity_label`` (the mention's
    @handle, the account's or channel's name, the template's title, the saved view's name as
    it was then), ``mention_id`` when it
    is about a mention (a reply's too) and ``names``: the people its detail refers to by id.

    Resolved here, over the whole server database, so entries about mentions or accounts a
    client never synced still read well; a few IN queries per page.
    """
    ids: dict[str, set[Any]] = {"mention": set(), "user": set(), "template": set(),
                                "channel": set(), "reply": set(), "contact": set()}  # fmt: skip
    for e in entries:
        kind, key = e["entity"], e["entity_id"]
        if kind in ("mention", "user", "template", "channel", "contact") and str(key).isdigit():
            ids[kind].add(int(key))
        elif kind == "reply":
            ids["reply"].add(str(key))
        ids["user"].update(_user_refs(e))
    reply_mentions = _lookup(
        conn, "SELECT id, mention_id FROM replies WHERE id IN ({})", ids["reply"]
    )
    ids["mention"].update(int(m) for m in reply_mentions.values())
    mentions = _rows(
        conn,
        "SELECT m.id, c.handle, m.text FROM mentions m"
        " LEFT JOIN contacts c ON c.id = m.contact_id WHERE m.id IN ({})",
        ids["mention"],
    )
    users = _lookup(conn, "SELECT id, display_name FROM users WHERE id IN ({})", ids["user"])
    templates = _lookup(conn, "SELECT id, title FROM templates WHERE id IN ({})", ids["template"])
    channels = _lookup(conn, "SELECT id, name FROM channels WHERE id IN ({})", ids["channel"])
    contacts = {
        key: f"@{str(handle).lstrip('@')}" if handle else None
        for key, handle in _lookup(
            conn, "SELECT id, handle FROM contacts WHERE id IN ({})", ids["contact"]
        ).items()
    }
    for e in entries:
        kind, key = e["entity"], e["entity_id"]
        mention_id: int | None = None
        if kind == "mention" and str(key).isdigit():
            mention_id = int(key)
        elif kind == "reply" and key in reply_mentions:
            mention_id = int(reply_mentions[key])
        label: str | None = None
        text: str | None = None
        if mention_id is not None and mention_id in mentions:
            handle, text = mentions[mention_id]
            label = f"@{str(handle).lstrip('@')}" if handle else None
            text = str(text or "")[:200]
        elif kind == "view" and isinstance(e["detail"], dict):
            label = str(e["detail"].get("name") or "") or None  # kept: a deleted view too
        elif str(key).isdigit():
            named = {"user": users, "template": templates, "channel": channels,
                     "contact": contacts}  # fmt: skip
            label = named.get(kind, {}).get(int(key))
        e["entity_label"] = label
        e["entity_text"] = text
        e["mention_id"] = mention_id
        e["names"] = {str(u): users[u] for u in sorted(_user_refs(e)) if u in users}


def _user_refs(entry: dict[str, Any]) -> set[int]:
    detail = entry["detail"] if isinstance(entry["detail"], dict) else {}
    refs = {detail.get(k) for k in USER_FIELDS}
    return {int(v) for v in refs if isinstance(v, int) and not isinstance(v, bool)}


def _rows(conn: sqlite3.Connection, sql: str, keys: set[Any]) -> dict[Any, tuple[Any, Any]]:
    found: dict[Any, tuple[Any, Any]] = {}
    for part in chunks(sorted(keys)):
        for row in conn.execute(sql.format(marks(part)), part):
            found[row[0]] = (row[1], row[2])
    return found


def _lookup(conn: sqlite3.Connection, sql: str, keys: set[Any]) -> dict[Any, Any]:
    found: dict[Any, Any] = {}
    for part in chunks(sorted(keys)):
        for row in conn.execute(sql.format(marks(part)), part):
            found[row[0]] = row[1]
    return found
