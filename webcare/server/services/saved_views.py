"""Saved views (``/v1/views``): an account's personal views, and the team's published ones.

Anyone may save, change and delete their own personal views. Publishing a view to the team,
and changing or deleting a published one, needs the lead role (the audit log records each).
Another account's personal view does not exist for a caller (``404``, never its name).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from webcare.domain.errors import NotFoundError, PermissionDenied, ValidationError
from webcare.domain.models import Role
from webcare.domain.saved_views import MAX_PERSONAL, MAX_PUBLISHED, SavedViewFields
from webcare.domain.wire import SavedViewRecord
from webcare.server import changes, serialize
from webcare.server.services import audit
from webcare.server.services.accounts import AuthUser
from webcare.storage.db import Database

_FIELDS = ("name", "base", "search", "status", "channel_id", "min_priority", "sort")
_NULLABLE = ("channel_id", "min_priority")


def visible(conn: sqlite3.Connection, user_id: int, now: float) -> list[SavedViewRecord]:
    """The views ``user_id`` sees: the published ones and their own, in id order."""
    rows = conn.execute(
        "SELECT * FROM saved_views WHERE published = 1 OR owner_id = ? ORDER BY id", (user_id,)
    ).fetchall()
    return [serialize.saved_view(row, now) for row in rows]


def list_for(db: Database, user: AuthUser, now: float) -> list[SavedViewRecord]:
    with db.read() as conn:
        return visible(conn, user.id, now)


def _load(conn: sqlite3.Connection, user: AuthUser, view_id: int, now: float) -> SavedViewRecord:
    view = serialize.load_one(conn, "view", view_id, now)
    if view is None or not serialize.visible_to(view, user.id):
        raise NotFoundError(f"There is no saved view with id {view_id}.")
    return view


def _may_change(user: AuthUser, view: SavedViewRecord) -> None:
    if view["published"] and not user.role.at_least(Role.LEAD):
        raise PermissionDenied(
            f"'{view['name']}' is the team's view: only a lead or an admin changes it."
            " Copy it to your own views to change the copy."
        )


def _check_name(
    conn: sqlite3.Connection,
    name: str,
    owner_id: int,
    published: bool,
    view_id: int | None,
) -> None:
    mine = conn.execute(
        "SELECT 1 FROM saved_views WHERE owner_id = ? AND name = ? COLLATE NOCASE AND id IS NOT ?",
        (owner_id, name, view_id),
    ).fetchone()
    if mine is not None:
        raise ValidationError(f"There is a view called '{name}' already; choose another name.")
    if published:
        team = conn.execute(
            "SELECT 1 FROM saved_views WHERE published = 1 AND name = ? COLLATE NOCASE"
            " AND id IS NOT ?",
            (name, view_id),
        ).fetchone()
        if team is not None:
            raise ValidationError(
                f"The team has a view called '{name}' already; choose another name."
            )


def _check_room(conn: sqlite3.Connection, owner_id: int, published: bool) -> None:
    if published:
        n = conn.execute("SELECT count(*) FROM saved_views WHERE published = 1").fetchone()[0]
        if n >= MAX_PUBLISHED:
            raise ValidationError(
                f"The team has {MAX_PUBLISHED} views, the most it may have: delete one first."
            )
        return
    n = conn.execute(
        "SELECT count(*) FROM saved_views WHERE owner_id = ? AND published = 0", (owner_id,)
    ).fetchone()[0]
    if n >= MAX_PERSONAL:
        raise ValidationError(
            f"You have {MAX_PERSONAL} views of your own, the most there may be: delete one first."
        )


def _check_channel(conn: sqlite3.Connection, channel_id: int | None) -> None:
    if channel_id is not None and (
        conn.execute("SELECT 1 FROM channels WHERE id = ?", (channel_id,)).fetchone() is None
    ):
        raise ValidationError(f"There is no channel with id {channel_id}.")


def _audit(
    conn: sqlite3.Connection, now: float, actor: AuthUser, action: str, view: SavedViewRecord
) -> None:
    audit.record(conn, now, actor.id, action, "view", view["id"], name=view["name"],
                 owner_id=view["owner_id"])  # fmt: skip


def insert(
    conn: sqlite3.Connection,
    owner_id: int,
    fields: SavedViewFields,
    published: bool,
    now: float,
) -> int:
    """Store a checked view of ``owner_id`` (inside a write transaction); its id."""
    _check_name(conn, fields.name, owner_id, published, None)
    _check_room(conn, owner_id, published)
    _check_channel(conn, fields.channel_id)
    cur = conn.execute(
        "INSERT INTO saved_views(owner_id, name, base, search, status, channel_id,"
        " min_priority, sort, published, created_at, updated_at, updated_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (owner_id, fields.name, fields.base, fields.search, fields.status, fields.channel_id,
         fields.min_priority, fields.sort, int(published), now, now, owner_id),
    )  # fmt: skip
    view_id = int(cur.lastrowid or 0)
    changes.record(conn, "view", view_id, now)
    if published:
        view = serialize.load_one(conn, "view", view_id, now)
        assert view is not None
        audit.record(conn, now, owner_id, "view.publish", "view", view_id, name=view["name"],
                     owner_id=owner_id)  # fmt: skip
    return view_id


def create(
    db: Database, user: AuthUser, fields: SavedViewFields, published: bool, now: float
) -> SavedViewRecord:
    if published and not user.role.at_least(Role.LEAD):
        raise PermissionDenied("Only a lead or an admin publishes a view to the team.")
    with db.write() as conn:
        view_id = insert(conn, user.id, fields, published, now)
        return _load(conn, user, view_id, now)


def update(
    db: Database, user: AuthUser, view_id: int, patch: dict[str, Any], now: float
) -> SavedViewRecord:
    """Change a view's fields (those in ``patch``) and whether it is published."""
    with db.write() as conn:
        current = _load(conn, user, view_id, now)
        _may_change(user, current)
        publish = patch.get("published")
        published = current["published"] if publish is None else bool(publish)
        if published != current["published"] and not user.role.at_least(Role.LEAD):
            raise PermissionDenied("Only a lead or an admin publishes a view to the team.")
        # a text field sent as null stays as it is; the channel and priority filters clear
        was: dict[str, Any] = dict(current)
        values = {
            key: was[key] if patch.get(key) is None and key not in _NULLABLE
            else patch.get(key, was[key])
            for key in _FIELDS
        }  # fmt: skip
        fields = SavedViewFields.create(**values)
        owner = current["owner_id"]
        _check_name(conn, fields.name, owner, published, view_id)
        if published != current["published"]:
            _check_room(conn, owner, published)
        if fields.channel_id != current["channel_id"]:
            _check_channel(conn, fields.channel_id)
        conn.execute(
            "UPDATE saved_views SET name = ?, base = ?, search = ?, status = ?, channel_id = ?,"
            " min_priority = ?, sort = ?, published = ?, updated_at = ?, updated_by = ?"
            " WHERE id = ?",
            (fields.name, fields.base, fields.search, fields.status, fields.channel_id,
             fields.min_priority, fields.sort, int(published), now, user.id, view_id),
        )  # fmt: skip
        changes.record(conn, "view", view_id, now)
        after = serialize.load_one(conn, "view", view_id, now)
        assert after is not None
        if published != current["published"]:
            _audit(conn, now, user, "view.publish" if published else "view.unpublish", after)
        elif published:
            _audit(conn, now, user, "view.update", after)
        return after


def delete(db: Database, user: AuthUser, view_id: int, now: float) -> None:
    with db.write() as conn:
        current = _load(conn, user, view_id, now)
        _may_change(user, current)
        conn.execute("DELETE FROM saved_views WHERE id = ?", (view_id,))
        changes.record(conn, "view", view_id, now, op="delete")
        if current["published"]:
            _audit(conn, now, user, "view.delete", current)
