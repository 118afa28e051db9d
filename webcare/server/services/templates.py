"""Canned answers. Writes need the admin role and the version the editor started from."""

from __future__ import annotations

import json
import sqlite3

from webcare.domain.errors import NotFoundError, ValidationError, VersionConflict
from webcare.domain.templates import TemplateFields, ask_fields
from webcare.domain.wire import TemplateRecord
from webcare.server import changes, serialize
from webcare.server.services import audit, settings
from webcare.server.services.accounts import AuthUser
from webcare.storage.db import Database


def _current(conn: sqlite3.Connection, template_id: int, now: float) -> TemplateRecord:
    data = serialize.load_one(conn, "template", template_id, now)
    if data is None:
        raise NotFoundError(f"There is no template with id {template_id}.")
    return data


def _check_shortcut(conn: sqlite3.Connection, shortcut: str, template_id: int | None) -> None:
    if not shortcut:
        return
    row = conn.execute(
        "SELECT id, title FROM templates WHERE shortcut = ? AND archived = 0 AND id IS NOT ?",
        (shortcut, template_id),
    ).fetchone()
    if row is not None:
        raise ValidationError(f"The shortcut '{shortcut}' is already used by '{row['title']}'.")


def _check_auto_ack(conn: sqlite3.Connection, fields: TemplateFields, template_id: int) -> None:
    """The out-of-hours acknowledgement goes out with nobody to fill in an ``{{ask:…}}``."""
    ack = settings.auto_ack(conn)
    asks = ask_fields(fields.body)
    if asks and ack.enabled and ack.template_id == template_id:
        raise ValidationError(
            "This template is the out-of-hours acknowledgement, which is sent automatically:"
            " nobody can fill in " + ", ".join(a.placeholder for a in asks) + ". Keep it"
            " without {{ask:…}}, or choose another acknowledgement in Settings first."
        )


def insert(
    conn: sqlite3.Connection, fields: TemplateFields, actor_id: int | None, now: float
) -> int:
    _check_shortcut(conn, fields.shortcut, None)
    cur = conn.execute(
        "INSERT INTO templates(title, body, language, shortcut, tags, created_by, updated_by,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (fields.title, fields.body, fields.language, fields.shortcut, json.dumps(fields.tags),
         actor_id, actor_id, now, now),
    )  # fmt: skip
    template_id = int(cur.lastrowid or 0)
    changes.record(conn, "template", template_id, now)
    audit.record(conn, now, actor_id, "template.create", "template", template_id,
                 title=fields.title)  # fmt: skip
    return template_id


def create(db: Database, actor: AuthUser, fields: TemplateFields, now: float) -> TemplateRecord:
    with db.write() as conn:
        template_id = insert(conn, fields, actor.id, now)
        return _current(conn, template_id, now)


def update(
    db: Database,
    actor: AuthUser,
    template_id: int,
    fields: TemplateFields,
    if_match: int,
    now: float,
) -> TemplateRecord:
    """Replace a template's fields. Raises :class:`VersionConflict` when ``if_match`` is stale."""
    with db.write() as conn:
        current = _current(conn, template_id, now)
        if current["version"] != if_match:
            raise VersionConflict(
                f"'{current['title']}' was changed by someone else (now version"
                f" {current['version']}, you edited version {if_match}).",
                current_version=current["version"],
                current=current,
            )
        _check_shortcut(conn, fields.shortcut, template_id)
        _check_auto_ack(conn, fields, template_id)
        conn.execute(
            "UPDATE templates SET title = ?, body = ?, language = ?, shortcut = ?, tags = ?,"
            " version = version + 1, updated_by = ?, updated_at = ? WHERE id = ?",
            (fields.title, fields.body, fields.language, fields.shortcut, json.dumps(fields.tags),
             actor.id, now, template_id),
        )  # fmt: skip
        changes.record(conn, "template", template_id, now)
        audit.record(conn, now, actor.id, "template.update", "template", template_id,
                     version=if_match + 1, title=fields.title)  # fmt: skip
        return _current(conn, template_id, now)


def set_archived(
    db: Database, actor: AuthUser, template_id: int, archived: bool, if_match: int, now: float
) -> TemplateRecord:
    with db.write() as conn:
        current = _current(conn, template_id, now)
        if current["version"] != if_match:
            raise VersionConflict(
                f"'{current['title']}' was changed by someone else.",
                current_version=current["version"],
                current=current,
            )
        if not archived:
            _check_shortcut(conn, current["shortcut"], template_id)
        conn.execute(
            "UPDATE templates SET archived = ?, version = version + 1, updated_by = ?,"
            " updated_at = ? WHERE id = ?",
            (int(archived), actor.id, now, template_id),
        )
        changes.record(conn, "template", template_id, now)
        action = "template.archive" if archived else "template.restore"
        audit.record(conn, now, actor.id, action, "template", template_id)
        return _current(conn, template_id, now)


def get(db: Database, template_id: int, now: float) -> TemplateRecord:
    with db.read() as conn:
        return _current(conn, template_id, now)


def list_all(db: Database, now: float, *, include_archived: bool) -> list[TemplateRecord]:
    with db.read() as conn:
        items = serialize.all_of(conn, "template", now)
    return [t for t in items if include_archived or not t["archived"]]
