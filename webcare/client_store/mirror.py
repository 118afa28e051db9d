"""The mirror tables as the sync applier writes them: for each entity of the server's wire
records (``mention``, ``reply`` …) its table, its columns and the row a record becomes.

Times arrive as ISO 8601 and are stored as epoch seconds; durations the server measures on
its own clock (a lease, the messaging window) become moments on the local clock.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from webcare.domain.timeutil import parse_iso
from webcare.domain.wire import (
    ChannelRecord,
    ContactRecord,
    MentionRecord,
    NoteRecord,
    ReplyRecord,
    SavedViewRecord,
    TemplateRecord,
    UserRecord,
)


def _t(value: str | None) -> float | None:
    return parse_iso(value) if value else None


def _window_until(d: MentionRecord, now: float) -> float | None:
    """The messaging window's end on the local clock (the server says how long is left, on
    its clock, like the lease); ``None``: the mention has no window."""
    left = d.get("reply_window_remaining_s")
    if left is None:
        return None
    return now + max(0.0, float(left))


def _mention_row(d: MentionRecord, now: float) -> tuple[Any, ...]:
    lease = d.get("lease_remaining_s")
    claimed_for, since = d.get("claimed_for_s"), d.get("reply_window_since_s")
    return (
        d["id"], d["channel_id"], d["source_id"], d.get("contact_id"), d["text"], d.get("url"),
        d.get("language"), d.get("parent_mention_id"), d.get("thread_id"),
        parse_iso(d["created_at"]), parse_iso(d["received_at"]), d["status"], d["priority"],
        json.dumps(d.get("tags") or []), d.get("claim_agent_id"), d.get("claim_epoch", 0),
        now + lease if lease else None, _t(d.get("replied_at")), _t(d.get("closed_at")),
        _t(d.get("updated_at")),
        now - claimed_for if claimed_for is not None else None,
        _window_until(d, now),
        now - since if since is not None else None,
        int(bool(d.get("private_reply"))),
        json.dumps(action) if (action := d.get("platform_action")) is not None else None,
        d.get("attach_limit"), d.get("attach_refusal"), d.get("private_attach_limit"),
        d.get("private_attach_refusal"),
        d.get("handed_over_by"),
        _t(d.get("handed_over_at")),
        _t(d.get("snoozed_until")), int(bool(d.get("snooze_until_customer"))),
        d.get("snoozed_by"), _t(d.get("woken_at")),
    )  # fmt: skip


def _contact_row(d: ContactRecord, _now: float) -> tuple[Any, ...]:
    return (
        d["id"],
        d["platform"],
        d["platform_user_id"],
        d["handle"],
        d.get("name"),
        d.get("followers"),
        d.get("merged_into"),
    )


def _reply_row(d: ReplyRecord, _now: float) -> tuple[Any, ...]:
    return (
        d["id"],
        d["mention_id"],
        d["agent_id"],
        d["body"],
        d.get("template_id"),
        parse_iso(d["accepted_at"]),
        _t(d.get("posted_at")),
        d["delivery_state"],
        d.get("delivery_error"),
        d.get("platform_post_id"),
        d.get("posted_url"),
        d.get("platform_status"),
        _t(d.get("platform_status_at")),
        int(bool(d.get("private"))),
    )


def _note_row(d: NoteRecord, _now: float) -> tuple[Any, ...]:
    return (
        d["id"], d["mention_id"], d["agent_id"], d["body"], parse_iso(d["created_at"]),
        d.get("handover_to"),
    )  # fmt: skip


def _template_row(d: TemplateRecord, _now: float) -> tuple[Any, ...]:
    return (
        d["id"],
        d["title"],
        d["body"],
        d["language"],
        d["shortcut"],
        json.dumps(d.get("tags") or []),
        d["version"],
        int(d["archived"]),
        d.get("updated_by"),
        _t(d.get("updated_at")),
    )


def _view_row(d: SavedViewRecord, _now: float) -> tuple[Any, ...]:
    return (
        d["id"], d["owner_id"], d["name"], d["base"], d.get("search") or "",
        d.get("status") or "", d.get("channel_id"), d.get("min_priority"), d["sort"],
        int(bool(d["published"])), d.get("updated_by"), _t(d.get("updated_at")),
    )  # fmt: skip


def _user_row(d: UserRecord, _now: float) -> tuple[Any, ...]:
    return (
        d["id"],
        d["username"],
        d["display_name"],
        d["signature"],
        d["role"],
        int(d["disabled"]),
        d.get("brand"),
        int(d.get("can_login", True)),
    )


def _channel_row(d: ChannelRecord, _now: float) -> tuple[Any, ...]:
    return (
        d["id"],
        d["kind"],
        d["name"],
        d["brand"],
        d["handle"],
        int(d["enabled"]),
        d.get("char_limit"),
        _t(d.get("last_fetch_at")),
        d.get("last_error"),
        d.get("connector"),
        int(d.get("can_reply", True)),
        int(d.get("can_attach", False)),
        d.get("attach_max_bytes"),
        d.get("reply_window_s"),
        int(bool(d.get("window_templates"))),
    )


#: entity -> (table, columns, converter from the wire record to a row tuple). Each converter
#: takes its entity's record (``webcare.domain.wire``), so mypy checks the fields it reads.
TABLES: dict[str, tuple[str, tuple[str, ...], Callable[[Any, float], tuple[Any, ...]]]] = {
    "mention": (
        "mentions",
        ("id", "channel_id", "source_id", "contact_id", "text", "url", "language",
         "parent_mention_id", "thread_id", "created_at", "received_at", "status", "priority",
         "tags", "claim_agent_id", "claim_epoch", "lease_expires_local", "replied_at",
         "closed_at", "updated_at", "claimed_since_local", "window_until_local",
         "window_from_local", "private_reply", "platform_action", "attach_limit",
         "attach_refusal", "private_attach_limit", "private_attach_refusal", "handed_over_by",
         "handed_over_at", "snoozed_until", "snooze_until_customer", "snoozed_by",
         "snooze_woken_at"),
        _mention_row,
    ),
    "contact": (
        "contacts",
        ("id", "platform", "platform_user_id", "handle", "name", "followers", "merged_into"),
        _contact_row,
    ),
    "reply": (
        "replies",
        ("id", "mention_id", "agent_id", "body", "template_id", "accepted_at", "posted_at",
         "delivery_state", "delivery_error", "platform_post_id", "posted_url", "platform_status",
         "platform_status_at", "private"),
        _reply_row,
    ),
    "note": (
        "notes",
        ("id", "mention_id", "agent_id", "body", "created_at", "handover_to"),
        _note_row,
    ),
    "template": (
        "templates",
        ("id", "title", "body", "language", "shortcut", "tags", "version", "archived",
         "updated_by", "updated_at"),
        _template_row,
    ),
    "user": (
        "users",
        ("id", "username", "display_name", "signature", "role", "disabled", "brand", "can_login"),
        _user_row,
    ),
    "channel": (
        "channels",
        ("id", "kind", "name", "brand", "handle", "enabled", "char_limit", "last_fetch_at",
         "last_error", "connector", "can_reply", "can_attach", "attach_max_bytes",
         "reply_window_s", "window_templates"),
        _channel_row,
    ),
    "view": (
        "saved_views",
        ("id", "owner_id", "name", "base", "search", "status", "channel_id", "min_priority",
         "sort", "published", "updated_by", "updated_at"),
        _view_row,
    ),
}  # fmt: skip

UPSERTS = {
    entity: (
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        f" ON CONFLICT(id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id")
    )
    for entity, (table, cols, _fn) in TABLES.items()
}
MIRROR_TABLES = (*(table for table, _c, _f in TABLES.values()), "media")
#: the columns of a ``media`` row, in the order of the fields of ``MediaItem``
MEDIA_COLUMNS = ("id", "kind", "mime", "size", "filename", "caption", "state", "error")
