"""Rows to wire JSON, one function per entity, shared by the change feed, bootstrap and routers.

Only what a team member may see leaves the server: no password hashes, no channel secrets,
no tokens. Lease times leave as ``lease_remaining_s`` (clients never compare clocks with us).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, Literal, cast, overload

from webcare.channels import registry
from webcare.domain.claims import effective_status
from webcare.domain.models import ClaimState, MentionStatus
from webcare.domain.timeutil import PORTABLE_MIN, iso, portable
from webcare.domain.wire import (
    AttachRuleRecord,
    ChannelRecord,
    ContactRecord,
    EntityRecord,
    MediaRecord,
    MentionRecord,
    NoteRecord,
    ReplyRecord,
    SavedViewRecord,
    TemplateRecord,
    UserRecord,
)
from webcare.storage.db import chunks, marks

log = logging.getLogger("webcare.server")


def _iso(row: sqlite3.Row, column: str) -> str | None:
    """A stored time on the wire. One that no client could read (``1e300`` in an old database)
    goes out clamped into the range every client can format, with a warning in the log: one
    bad row must never stop the feed for everyone."""
    value = row[column]
    if value is None:
        return None
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    sent = PORTABLE_MIN if number is None else portable(float(number))
    if number is None or sent != number:
        log.warning(
            "%s of row %s is out of range (%r); sent as %s",
            column, row["id"], value, iso(sent),
        )  # fmt: skip
    return iso(sent)


def claim_state(row: sqlite3.Row) -> ClaimState:
    return ClaimState(
        status=MentionStatus(row["status"]),
        holder_id=row["claim_agent_id"],
        epoch=row["claim_epoch"],
        lease_expires_at=row["lease_expires_at"],
        replied=row["replied_at"] is not None,
    )


def media_item(row: sqlite3.Row) -> MediaRecord:
    """A file as clients see it (``media`` of a mention or a reply): never the platform's ref,
    never where it is kept. ``mime`` is what the bytes are once stored, else what the platform
    said; ``error`` says in words why a file is refused or failed."""
    return {
        "id": row["id"],
        "kind": row["kind"],
        "mime": row["mime"] or row["claimed_mime"],
        "size": row["size"],
        "filename": row["filename"],
        "caption": row["caption"],
        "state": row["state"],
        "error": row["error"] if row["state"] in ("refused", "failed") else None,
    }


def media_of_mentions(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[MediaRecord]]:
    """The files of these mentions, in the platform's order."""
    out: dict[int, list[MediaRecord]] = {}
    for part in chunks(list(dict.fromkeys(ids))):
        sql = (
            f"SELECT * FROM media WHERE mention_id IN ({marks(part)}) ORDER BY mention_id, position"  # noqa: S608
        )
        for row in conn.execute(sql, part):
            out.setdefault(row["mention_id"], []).append(media_item(row))
    return out


def media_of_replies(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, list[MediaRecord]]:
    """The images attached to these replies, in order."""
    out: dict[str, list[MediaRecord]] = {}
    for part in chunks(list(dict.fromkeys(ids))):
        sql = (
            "SELECT rm.reply_id, md.* FROM reply_media rm JOIN media md ON md.id = rm.media_id"  # noqa: S608
            f" WHERE rm.reply_id IN ({marks(part)}) ORDER BY rm.reply_id, rm.position"
        )
        for row in conn.execute(sql, part):
            out.setdefault(row["reply_id"], []).append(media_item(row))
    return out


def attach_rules(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, AttachRuleRecord]:
    """How many images a reply to each of these mentions may carry, as the connector decides
    from the mention (``registry.attach_rule``), publicly and privately, with the reason."""
    out: dict[int, AttachRuleRecord] = {}
    for part in chunks(list(dict.fromkeys(ids))):
        sql = (
            "SELECT m.id, m.meta, c.connector FROM mentions m"  # noqa: S608
            f" JOIN channels c ON c.id = m.channel_id WHERE m.id IN ({marks(part)})"
        )
        for row in conn.execute(sql, part):
            parsed = _json_or_none(row["meta"])
            meta = parsed if isinstance(parsed, dict) else {}
            # the reason goes out where the connector decides per mention (the platform's
            # rule in words); a channel without images is the client's to word
            own = registry.has_attach_rule(row["connector"])
            public = registry.attach_rule(row["connector"], meta)
            item: AttachRuleRecord = {
                "attach_limit": public.limit,
                "attach_refusal": public.reason if own and public.limit == 0 else None,
            }
            if meta.get("private_reply") == "yes":
                private = registry.attach_rule(row["connector"], meta, private=True)
                item["private_attach_limit"] = private.limit
                item["private_attach_refusal"] = (
                    private.reason if own and private.limit == 0 else None
                )
            out[row["id"]] = item
    return out


def with_media(conn: sqlite3.Connection, entity: str, items: Sequence[EntityRecord]) -> None:
    """Give serialized mentions and replies their ``media`` (one query per 500 items), and
    mentions how many images a reply to them may carry (:func:`attach_rules`)."""
    if entity == "mention":
        mentions_ = cast("Sequence[MentionRecord]", items)
        ids = [m["id"] for m in mentions_]
        found_m = media_of_mentions(conn, ids)
        rules = attach_rules(conn, ids)
        for m in mentions_:
            m["media"] = found_m.get(m["id"], [])
            rule = rules.get(m["id"], {})
            m["attach_limit"] = rule.get("attach_limit", 0)
            m["attach_refusal"] = rule.get("attach_refusal")
            m["private_attach_limit"] = rule.get("private_attach_limit", 0)
            m["private_attach_refusal"] = rule.get("private_attach_refusal")
    elif entity == "reply":
        replies_ = cast("Sequence[ReplyRecord]", items)
        found_r = media_of_replies(conn, [r["id"] for r in replies_])
        for r in replies_:
            r["media"] = found_r.get(r["id"], [])


def mentions(
    conn: sqlite3.Connection, rows: Sequence[sqlite3.Row], now: float
) -> list[MentionRecord]:
    """Mention rows on the wire, with their files."""
    items = [mention(row, now) for row in rows]
    with_media(conn, "mention", items)
    return items


def replies(conn: sqlite3.Connection, rows: Sequence[sqlite3.Row], now: float) -> list[ReplyRecord]:
    """Reply rows on the wire, with their images."""
    items = [reply(row, now) for row in rows]
    with_media(conn, "reply", items)
    return items


def _json_or_none(value: Any) -> Any:
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def _private_reply(meta: str | None) -> bool:
    if not meta or '"private_reply"' not in meta:  # the common case, without parsing
        return False
    parsed = _json_or_none(meta)
    return isinstance(parsed, dict) and parsed.get("private_reply") == "yes"


def window_remaining(row: sqlite3.Row, now: float) -> float | None:
    """Seconds left to reply in the messaging window (0: closed), ``None``: no window."""
    until = row["window_until"]
    if until is None:
        return None
    return round(max(0.0, float(until) - now), 1)


def mention(row: sqlite3.Row, now: float) -> MentionRecord:
    """A mention without its ``media`` (:func:`mentions` adds them)."""
    state = claim_state(row)
    remaining = state.lease_remaining(now)
    # a hand-over counts while the claim it began goes on (same holder, same epoch): not once
    # the mention is released, closed or taken by someone else
    handed = (
        row["handed_over_by"] is not None
        and state.holder_id is not None
        and row["handover_epoch"] == state.epoch
    )
    return {
        "id": row["id"],
        "channel_id": row["channel_id"],
        "source_id": row["source_id"],
        "contact_id": row["contact_id"],
        "text": row["text"],
        "url": row["url"],
        "language": row["language"],
        "parent_mention_id": row["parent_mention_id"],
        "thread_id": row["thread_id"],
        "created_at": _iso(row, "created_at"),
        "received_at": _iso(row, "received_at"),
        "status": effective_status(state, now).value,
        "priority": row["priority"],
        "tags": json.loads(row["tags"]),
        "claim_agent_id": row["claim_agent_id"],
        "claim_epoch": row["claim_epoch"],
        "lease_remaining_s": round(remaining, 3) if remaining > 0 else None,
        "claimed_for_s": round(now - row["claimed_at"], 3)
        if remaining > 0 and row["claimed_at"] is not None
        else None,
        "replied_at": _iso(row, "replied_at"),
        "closed_at": _iso(row, "closed_at"),
        "updated_at": _iso(row, "updated_at"),
        # messaging window (Messenger, WhatsApp: 24 h after the customer's last message), on
        # the server's clock like the lease: None = no window, 0 = closed
        "reply_window_remaining_s": window_remaining(row, now),
        # how long ago the customer last wrote in it (what the window runs from)
        "reply_window_since_s": None
        if row["window_from"] is None
        else round(max(0.0, now - float(row["window_from"])), 1),
        # the connector allows a private reply to it (Facebook/Instagram: a DM to the commenter)
        "private_reply": _private_reply(row["meta"]),
        # the latest platform action (hide a spam comment): {action, state, error} or None
        "platform_action": _json_or_none(row["platform_action"]),
        # the current claim began with a hand-over (the colleague's "Eva handed this to you")
        "handed_over_by": row["handed_over_by"] if handed else None,
        "handed_over_at": _iso(row, "handed_over_at") if handed else None,
        # a snooze: until a time, or until the customer writes again; who snoozed it (kept
        # after it woke: ``woken_at``, so it comes back bold for them)
        "snoozed_until": _iso(row, "snoozed_until"),
        "snooze_until_customer": bool(row["snooze_until_customer"]),
        "snoozed_by": row["snoozed_by"],
        "woken_at": _iso(row, "woken_at"),
    }


def contact(row: sqlite3.Row, _now: float) -> ContactRecord:
    return {
        "id": row["id"],
        "platform": row["platform"],
        "platform_user_id": row["platform_user_id"],
        "handle": row["handle"],
        "name": row["name"],
        "followers": row["followers"],
        "merged_into": row["merged_into"],
    }


def reply(row: sqlite3.Row, _now: float) -> ReplyRecord:
    return {
        "id": row["id"],
        "mention_id": row["mention_id"],
        "agent_id": row["agent_id"],
        "body": row["body"],
        "template_id": row["template_id"],
        "accepted_at": _iso(row, "accepted_at"),
        "posted_at": _iso(row, "posted_at"),
        "delivery_state": row["delivery_state"],
        "delivery_error": row["delivery_error"],
        "platform_post_id": row["platform_post_id"],
        "posted_url": row["posted_url"],
        "delivery_attempts": row["delivery_attempts"],
        "automatic": bool(row["automatic"]),
        "private": bool(row["private"]),
        # what the platform says became of it: None | sent | delivered | read | failed
        "platform_status": row["platform_status"],
        "platform_status_at": _iso(row, "platform_status_at"),
        # an approved platform template (WhatsApp): {name, language, parameters} or None
        "platform_template": _json_or_none(row["platform_template"]),
    }


def note(row: sqlite3.Row, _now: float) -> NoteRecord:
    return {
        "id": row["id"],
        "mention_id": row["mention_id"],
        "agent_id": row["agent_id"],
        "body": row["body"],
        "created_at": _iso(row, "created_at"),
        "handover_to": row["handover_to"],
    }


def template(row: sqlite3.Row, _now: float) -> TemplateRecord:
    return {
        "id": row["id"],
        "title": row["title"],
        "body": row["body"],
        "language": row["language"],
        "shortcut": row["shortcut"],
        "tags": json.loads(row["tags"]),
        "version": row["version"],
        "archived": bool(row["archived"]),
        "updated_by": row["updated_by"],
        "updated_at": _iso(row, "updated_at"),
    }


def saved_view(row: sqlite3.Row, _now: float) -> SavedViewRecord:
    return {
        "id": row["id"],
        "owner_id": row["owner_id"],
        "name": row["name"],
        "base": row["base"],
        "search": row["search"],
        "status": row["status"],
        "channel_id": row["channel_id"],
        "min_priority": row["min_priority"],
        "sort": row["sort"],
        "published": bool(row["published"]),
        "updated_by": row["updated_by"],
        "updated_at": _iso(row, "updated_at"),
    }


def visible_to(view: SavedViewRecord, user_id: int | None) -> bool:
    """A published view is everyone's; a personal one only its owner's."""
    return view["published"] or view["owner_id"] == user_id


def user(row: sqlite3.Row, _now: float) -> UserRecord:
    return {
        "id": row["id"],
        "username": row["username"],
        "display_name": row["display_name"],
        "signature": row["signature"],
        "role": row["role"],
        "disabled": bool(row["disabled"]),
        "brand": row["brand"],
        "can_login": row["password_hash"] is not None,
        "availability": row["availability"],
    }


def _reply_window_s(connector: str | None) -> float | None:
    if connector is None or connector not in registry.MODULES:
        return None
    return registry.spec(connector).reply_window_s


def _window_templates(connector: str | None) -> bool:
    if connector is None or connector not in registry.MODULES:
        return False
    return registry.spec(connector).window_templates


def channel(row: sqlite3.Row, now: float) -> ChannelRecord:
    connector = row["connector"]
    polls = registry.polls(connector)
    next_fetch = row["next_fetch_at"] if polls and row["enabled"] else None
    if next_fetch is not None:
        next_fetch = portable(float(next_fetch))
    try:
        config = json.loads(row["config"] or "{}")
    except ValueError:
        config = {}
    return {
        "id": row["id"],
        "kind": row["kind"],
        "name": row["name"],
        "brand": row["brand"],
        "handle": row["handle"],
        "enabled": bool(row["enabled"]),
        "char_limit": row["char_limit"],
        "last_fetch_at": _iso(row, "last_fetch_at"),
        # the fetch's error, else the push receiver's (a run of bad signatures, a delivery
        # that could not be read): what the Channels tab shows
        "last_error": row["last_error"] or row["push_error"],
        "last_error_at": _iso(row, "last_error_at")
        if row["last_error"]
        else _iso(row, "push_error_at"),
        "push_error": row["push_error"],
        "push_last_at": _iso(row, "push_last_at"),
        "hook_path": f"/v1/hooks/{row['id']}" if registry.receives_push(connector) else None,
        "connector": connector,
        "can_reply": registry.can_reply(connector, config),
        "can_attach": registry.can_attach(connector),
        "attach_max_bytes": registry.attach_max_bytes(connector),
        # the platform's messaging window (Messenger, WhatsApp: 24 h), for the composer
        "reply_window_s": _reply_window_s(connector),
        # outside the window the platform still takes its approved templates (WhatsApp)
        "window_templates": _window_templates(connector),
        "interval_s": row["interval_s"],
        "next_fetch_at": _iso(row, "next_fetch_at") if next_fetch is not None else None,
        "next_fetch_in_s": round(max(0.0, next_fetch - now), 1) if next_fetch else None,
        "polls": polls,
        "failures": row["failures"],
        "fetched_total": row["fetched_total"],
    }


# entity -> (table, serializer); every table's key column is ``id``
_TABLES: dict[str, tuple[str, Callable[[sqlite3.Row, float], EntityRecord]]] = {
    "mention": ("mentions", mention),
    "contact": ("contacts", contact),
    "reply": ("replies", reply),
    "note": ("notes", note),
    "template": ("templates", template),
    "user": ("users", user),
    "channel": ("channels", channel),
    "view": ("saved_views", saved_view),
}

_CHUNK = 500


def load(
    conn: sqlite3.Connection, entity: str, ids: Sequence[str], now: float
) -> dict[str, EntityRecord]:
    """Load entities by id (as strings, as the change log stores them)."""
    table, fn = _TABLES[entity]
    out: dict[str, EntityRecord] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        sql = f"SELECT * FROM {table} WHERE id IN ({marks(chunk)})"  # noqa: S608 - names are ours
        items = [fn(row, now) for row in conn.execute(sql, list(chunk))]
        with_media(conn, entity, items)
        for item in items:
            out[str(item["id"])] = item
    return out


@overload
def load_one(
    conn: sqlite3.Connection, entity: Literal["user"], entity_id: int | str, now: float
) -> UserRecord | None: ...
@overload
def load_one(
    conn: sqlite3.Connection, entity: Literal["channel"], entity_id: int | str, now: float
) -> ChannelRecord | None: ...
@overload
def load_one(
    conn: sqlite3.Connection, entity: Literal["template"], entity_id: int | str, now: float
) -> TemplateRecord | None: ...
@overload
def load_one(
    conn: sqlite3.Connection, entity: Literal["view"], entity_id: int | str, now: float
) -> SavedViewRecord | None: ...
@overload
def load_one(
    conn: sqlite3.Connection, entity: Literal["contact"], entity_id: int | str, now: float
) -> ContactRecord | None: ...
@overload
def load_one(
    conn: sqlite3.Connection, entity: Literal["reply"], entity_id: int | str, now: float
) -> ReplyRecord | None: ...
@overload
def load_one(
    conn: sqlite3.Connection, entity: str, entity_id: int | str, now: float
) -> EntityRecord | None: ...
def load_one(
    conn: sqlite3.Connection, entity: str, entity_id: int | str, now: float
) -> EntityRecord | None:
    return load(conn, entity, [str(entity_id)], now).get(str(entity_id))


def page(
    conn: sqlite3.Connection, entity: str, after: int, limit: int, now: float
) -> tuple[list[EntityRecord], int | None]:
    """A keyset page of all rows of ``entity`` by rowid, for bootstrap."""
    table, fn = _TABLES[entity]
    sql = f"SELECT rowid AS _rowid, * FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT ?"  # noqa: S608
    rows = conn.execute(sql, (after, limit)).fetchall()
    items = [fn(row, now) for row in rows]
    with_media(conn, entity, items)
    nxt = rows[-1]["_rowid"] if len(rows) == limit else None
    return items, nxt


@overload
def all_of(conn: sqlite3.Connection, entity: Literal["user"], now: float) -> list[UserRecord]: ...
@overload
def all_of(
    conn: sqlite3.Connection, entity: Literal["channel"], now: float
) -> list[ChannelRecord]: ...
@overload
def all_of(
    conn: sqlite3.Connection, entity: Literal["template"], now: float
) -> list[TemplateRecord]: ...
def all_of(conn: sqlite3.Connection, entity: str, now: float) -> list[Any]:
    """Every row of a small entity (users, channels, templates), in id order."""
    table, fn = _TABLES[entity]
    items = [fn(row, now) for row in conn.execute(f"SELECT * FROM {table} ORDER BY id")]  # noqa: S608
    with_media(conn, entity, items)
    return items
