"""Channels as admins configure them: which connector, its settings, its secrets, its schedule.

Secrets (tokens, passwords, webhook keys) are stored apart from the config in
``channel_secrets`` and never leave the server. An admin may also give ``env:NAME`` as a secret's
value: then only the name is stored and the value is read from the server's environment when
the connector starts, so the secret never touches the database at all.
"""

from __future__ import annotations

import json
import logging
import os
import secrets as pysecrets
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from webcare.channels import registry
from webcare.channels.base import ChannelInfo, ConfigField
from webcare.channels.errors import NotConfigured
from webcare.domain.errors import ConflictError, NotFoundError, ValidationError
from webcare.server import changes
from webcare.server.services import audit
from webcare.storage.db import Database

MIN_INTERVAL_S = 15.0
MAX_INTERVAL_S = 24 * 3600.0
ENV_PREFIX = "env:"
log = logging.getLogger("webcare.server")


@dataclass(frozen=True)
class ChannelRuntime:
    """Everything needed to build a channel's connector."""

    id: int
    connector: str
    info: ChannelInfo
    config: dict[str, Any]
    secrets: dict[str, str]
    interval_s: float
    version: float  # updated_at: a new value means the connector must be rebuilt


def spec_json(kind: str) -> dict[str, Any]:
    spec = registry.spec(kind)
    return {
        "kind": spec.kind,
        "label": spec.label,
        "char_limit": spec.char_limit,
        "can_reply": spec.can_reply,
        "can_attach": spec.can_attach,
        "lookup": spec.lookup,
        "resend_unknown": spec.resend_unknown,
        "default_interval_s": spec.default_interval_s,
        "receives_push": spec.receives_push,
        "reply_window_s": spec.reply_window_s,
        "private_replies": spec.private_reply_window_s is not None,
        "window_templates": spec.window_templates,
        "fields": [
            {
                "name": f.name,
                "label": f.label,
                "required": f.required,
                "secret": f.secret,
                "default": f.default,
                "help": f.help,
                "kind": f.kind,
                "generate": f.generate,
            }
            for f in spec.fields
        ],
    }


def _clean_value(f: ConfigField, value: Any) -> Any:
    what = f"{f.label} ({f.name})"
    if value is None:
        return None
    if f.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(f"{what} must be a whole number.")
        return value
    if f.kind == "bool":
        if not isinstance(value, bool):
            raise ValidationError(f"{what} must be true or false.")
        return value
    if f.kind == "list":
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # ``--set ids=-1001234`` reads as a number
        if isinstance(value, list):
            value = [v if isinstance(v, bool) or not isinstance(v, int) else str(v) for v in value]
        if isinstance(value, str):
            value = [v.strip() for v in value.replace("\n", ",").split(",")]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(f"{what} must be a list of texts.")
        items = [v.strip() for v in value if v.strip()]
        if len(items) > 200 or any(len(v) > 2000 for v in items):
            raise ValidationError(f"{what}: at most 200 entries.")
        if f.name.endswith("urls"):
            for item in items:
                _check_url(what, item)
        return items
    if isinstance(value, int) and not isinstance(value, bool) and f.kind == "text":
        # a numeric id (a Page ID, a phone number id) typed as a number: `--set page_id=1029…`
        # reads it as JSON, and a JSON client may send it so; its digits are the text
        value = str(value)
    if not isinstance(value, str):
        raise ValidationError(f"{what} must be text.")
    value = value.strip()
    if len(value) > 2000:
        raise ValidationError(f"{what} is too long.")
    if f.kind == "url" and value:
        _check_url(what, value)
    return value


def _check_url(what: str, value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(f"{what}: {value!r} is not an http(s) address.")


def _validate(
    kind: str, config: Mapping[str, Any], secrets: Mapping[str, str | None]
) -> tuple[dict[str, Any], dict[str, str | None]]:
    fields = {f.name: f for f in registry.spec(kind).fields}
    clean: dict[str, Any] = {}
    for name, value in config.items():
        f = fields.get(name)
        if f is None or f.secret:
            known = ", ".join(n for n, x in fields.items() if not x.secret) or "none"
            raise ValidationError(f"Unknown setting {name!r} for {kind}; known: {known}.")
        clean[name] = _clean_value(f, value)
    secret_values: dict[str, str | None] = {}
    for name, value in secrets.items():
        f = fields.get(name)
        if f is None or not f.secret:
            known = ", ".join(n for n, x in fields.items() if x.secret) or "none"
            raise ValidationError(f"Unknown secret {name!r} for {kind}; known: {known}.")
        if value is not None and (not isinstance(value, str) or len(value) > 8000):
            raise ValidationError(f"{f.label} must be text.")
        secret_values[name] = value or None
    return clean, secret_values


def _interval(value: float | None, kind: str) -> float:
    interval = registry.spec(kind).default_interval_s if value is None else float(value)
    if not MIN_INTERVAL_S <= interval <= MAX_INTERVAL_S:
        raise ValidationError(
            f"The fetch interval must be between {MIN_INTERVAL_S:.0f} s and 24 h."
        )
    return interval


def _store_secrets(
    conn: sqlite3.Connection, channel_id: int, secrets: Mapping[str, str | None]
) -> None:
    for name, value in secrets.items():
        if value is None:
            conn.execute(
                "DELETE FROM channel_secrets WHERE channel_id = ? AND name = ?", (channel_id, name)
            )
        else:
            conn.execute(
                "INSERT INTO channel_secrets(channel_id, name, value) VALUES (?, ?, ?)"
                " ON CONFLICT(channel_id, name) DO UPDATE SET value = excluded.value",
                (channel_id, name, value),
            )


def create(
    db: Database,
    actor_id: int | None,
    *,
    connector: str,
    name: str,
    brand: str,
    handle: str,
    config: Mapping[str, Any],
    secrets: Mapping[str, str | None],
    interval_s: float | None,
    enabled: bool,
    now: float,
) -> tuple[int, dict[str, str]]:
    """Add a channel; returns its id and any secret generated for it (shown to the admin once)."""
    spec = registry.spec(connector)
    clean, secret_values = _validate(connector, config, secrets)
    interval = _interval(interval_s, connector)
    generated: dict[str, str] = {}
    for f in spec.fields:
        if f.secret and f.generate and not secret_values.get(f.name):
            # URL-safe base64: letters, digits, "-" and "_" (what Telegram's secret_token allows)
            generated[f.name] = pysecrets.token_urlsafe(32)
            secret_values[f.name] = generated[f.name]
    with db.write() as conn:
        if conn.execute("SELECT 1 FROM channels WHERE name = ?", (name,)).fetchone():
            raise ConflictError(f"There is already a channel called {name!r}.")
        cur = conn.execute(
            "INSERT INTO channels(kind, name, brand, handle, enabled, char_limit, config,"
            " connector, interval_s, next_fetch_at, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (spec.kind, name, brand, handle,
             int(enabled), spec.char_limit, json.dumps(clean, sort_keys=True), connector,
             interval, now, now, now),
        )  # fmt: skip
        channel_id = int(cur.lastrowid or 0)
        _store_secrets(conn, channel_id, secret_values)
        changes.record(conn, "channel", channel_id, now)
        secret_names = sorted(k for k, v in secret_values.items() if v)
        audit.record(conn, now, actor_id, "channel.create", "channel", channel_id,
                     name=name, connector=connector, secrets=secret_names)  # fmt: skip
    return channel_id, generated


def update(
    db: Database,
    actor_id: int | None,
    channel_id: int,
    *,
    now: float,
    enabled: bool | None = None,
    name: str | None = None,
    brand: str | None = None,
    handle: str | None = None,
    connector: str | None = None,
    config: Mapping[str, Any] | None = None,
    secrets: Mapping[str, str | None] | None = None,
    interval_s: float | None = None,
) -> None:
    """Change what was given; a changed connector, config or secret restarts fetching now (a
    new connector from the start: no cursor, its own default interval unless one is given)."""
    with db.write() as conn:
        row = conn.execute("SELECT * FROM channels WHERE id = ?", (channel_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"There is no channel with id {channel_id}.")
        kind = connector or row["connector"]
        sets: dict[str, Any] = {}
        what: dict[str, Any] = {}
        if enabled is not None and bool(row["enabled"]) != enabled:
            sets["enabled"] = int(enabled)
            what["enabled"] = enabled
        for column, value in (("name", name), ("brand", brand), ("handle", handle)):
            if value is not None and value != row[column]:
                if (
                    column == "name"
                    and conn.execute(
                        "SELECT 1 FROM channels WHERE name = ? AND id != ?", (value, channel_id)
                    ).fetchone()
                ):
                    raise ConflictError(f"There is already a channel called {value!r}.")
                sets[column] = value
                what[column] = value
        if (config is not None or secrets is not None or connector is not None) and kind is None:
            raise ValidationError("Choose a connector for this channel first.")
        if connector is not None and connector != row["connector"]:
            spec = registry.spec(connector)
            sets["connector"] = connector
            # the platform decides how a reply is counted (textlength) and against what limit
            sets["kind"] = spec.kind
            sets["char_limit"] = spec.char_limit
            # nothing of the old connector carries over: its cursor means nothing to the new
            # one, and its fetch interval was its own default unless one is given here
            sets["cursor"] = None
            sets["interval_s"] = spec.default_interval_s
            what["connector"] = connector
        if config is not None:
            merged = {**json.loads(row["config"] or "{}"), **config}
            if connector is not None and connector != row["connector"]:
                merged = dict(config)
            clean, _ = _validate(kind, merged, {})
            sets["config"] = json.dumps(clean, sort_keys=True)
            what["config"] = sorted(config)
        if secrets is not None:
            _, secret_values = _validate(kind, {}, secrets)
            _store_secrets(conn, channel_id, secret_values)
            what["secrets"] = sorted(secret_values)
        if interval_s is not None:
            sets["interval_s"] = _interval(interval_s, kind or "sandbox")
            what["interval_s"] = sets["interval_s"]
        if not what:
            return
        if {"config", "secrets", "connector", "enabled"} & what.keys():
            sets.update(next_fetch_at=now, failures=0)  # try the new settings at once
            # replies that waited for the admin (a dead token, a missing setting) go at once too
            conn.execute(
                "UPDATE replies SET next_attempt_at = ? WHERE delivery_state = 'queued'"
                " AND next_attempt_at > ? AND mention_id IN"
                " (SELECT id FROM mentions WHERE channel_id = ?)",
                (now, now, channel_id),
            )
        sets["updated_at"] = now
        assignments = ", ".join(f"{column} = ?" for column in sets)
        conn.execute(
            f"UPDATE channels SET {assignments} WHERE id = ?",  # noqa: S608 - fixed column names
            (*sets.values(), channel_id),
        )
        changes.record(conn, "channel", channel_id, now)
        audit.record(conn, now, actor_id, "channel.update", "channel", channel_id, **what)


def fetch_now(db: Database, actor_id: int | None, channel_id: int, now: float) -> None:
    with db.write() as conn:
        cur = conn.execute(
            "UPDATE channels SET next_fetch_at = ? WHERE id = ? AND connector IS NOT NULL",
            (now, channel_id),
        )
        if cur.rowcount == 0:
            raise NotFoundError(f"Channel {channel_id} does not exist or has no connector.")
        audit.record(conn, now, actor_id, "channel.fetch_now", "channel", channel_id)


def config_of(conn: sqlite3.Connection, channel_id: int) -> dict[str, Any]:
    """An admin's view of the settings: config values, and which secrets are set (not them)."""
    row = conn.execute(
        "SELECT connector, config, interval_s FROM channels WHERE id = ?", (channel_id,)
    ).fetchone()
    if row is None:
        raise NotFoundError(f"There is no channel with id {channel_id}.")
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM channel_secrets WHERE channel_id = ? ORDER BY name", (channel_id,)
        )
    ]
    return {
        "connector": row["connector"],
        "config": json.loads(row["config"] or "{}"),
        "secrets_set": names,
        "interval_s": row["interval_s"],
    }


def resolve_secret(value: str) -> str:
    if value.startswith(ENV_PREFIX):
        name = value[len(ENV_PREFIX) :]
        resolved = os.environ.get(name)
        if not resolved:
            raise NotConfigured(f"The environment variable {name} is not set on the server.")
        return resolved
    return value


def info_of(row: sqlite3.Row) -> ChannelInfo:
    return ChannelInfo(
        kind=row["kind"],
        name=row["name"],
        brand=row["brand"],
        handle=row["handle"],
        char_limit=row["char_limit"],
    )


def runtime(conn: sqlite3.Connection, row: sqlite3.Row) -> ChannelRuntime:
    """What the scheduler needs to build this channel's connector (secrets resolved)."""
    raw = {
        r["name"]: r["value"]
        for r in conn.execute(
            "SELECT name, value FROM channel_secrets WHERE channel_id = ?", (row["id"],)
        )
    }
    config = json.loads(row["config"] or "{}")
    fields = {f.name: f for f in registry.spec(row["connector"]).fields}
    for name, f in fields.items():
        if not f.secret and name not in config and f.default is not None:
            config[name] = f.default
    return ChannelRuntime(
        id=row["id"],
        connector=row["connector"],
        info=info_of(row),
        config=config,
        secrets={name: resolve_secret(value) for name, value in raw.items()},
        interval_s=row["interval_s"] or registry.spec(row["connector"]).default_interval_s,
        version=row["updated_at"],
    )


def secret(conn: sqlite3.Connection, channel_id: int, name: str) -> str | None:
    row = conn.execute(
        "SELECT value FROM channel_secrets WHERE channel_id = ? AND name = ?", (channel_id, name)
    ).fetchone()
    return resolve_secret(row[0]) if row else None


def webhook_signing(db: Database, channel_id: int) -> tuple[sqlite3.Row | None, str | None]:
    """A webhook channel's row and signing secret, either ``None`` when there is none.

    Both are looked up for a channel that does not exist too, so that it takes as long."""
    with db.read() as conn:
        row = conn.execute(
            "SELECT * FROM channels WHERE id = ? AND connector = 'webhook'", (channel_id,)
        ).fetchone()
        try:
            found = secret(conn, channel_id, "signing_secret")
        except NotConfigured as exc:
            log.warning("webhook channel %s: %s", channel_id, exc.message)
            found = None
    return row, found
