"""Accounts, sign-in and tokens."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from webcare.domain.errors import NotFoundError, ValidationError
from webcare.domain.models import MentionStatus, Role
from webcare.domain.wire import Presence, PresenceRecord, UserRecord
from webcare.server import changes, serialize
from webcare.server.presence import ONLINE_S
from webcare.server.security import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    hash_token,
    needs_rehash,
    new_token,
    verify_password,
)
from webcare.server.services import audit
from webcare.storage.db import Database

USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}\Z")
MAX_NAME = 100
MAX_SIGNATURE = 40


@dataclass(frozen=True, slots=True)
class AuthUser:
    """The signed-in account behind a request."""

    id: int
    username: str
    display_name: str
    signature: str
    role: Role
    token_id: int


def normalize_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME_RE.match(name):
        raise ValidationError(
            "A username is 1-64 characters: letters, digits, '.', '_' or '-',"
            " starting with a letter or digit."
        )
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(f"A password may be at most {MAX_PASSWORD_LENGTH} characters.")


def _check_profile(display_name: str, signature: str) -> tuple[str, str]:
    display_name = display_name.strip()
    signature = signature.strip()
    if not display_name or len(display_name) > MAX_NAME:
        raise ValidationError(f"A display name is 1-{MAX_NAME} characters.")
    if len(signature) > MAX_SIGNATURE:
        raise ValidationError(f"A signature is at most {MAX_SIGNATURE} characters, e.g. ^Eva.")
    return display_name, signature


def _profile_changes(
    row: sqlite3.Row, display_name: str | None, signature: str | None
) -> dict[str, Any]:
    """The checked display name and signature that differ from ``row`` (``None``: unchanged)."""
    new_name, new_sig = _check_profile(
        display_name if display_name is not None else row["display_name"],
        signature if signature is not None else row["signature"],
    )
    changed: dict[str, Any] = {}
    if new_name != row["display_name"]:
        changed["display_name"] = new_name
    if new_sig != row["signature"]:
        changed["signature"] = new_sig
    return changed


def insert_user(
    conn: sqlite3.Connection,
    *,
    username: str,
    display_name: str,
    signature: str,
    role: Role,
    password_hash: str | None,
    now: float,
    actor_id: int | None,
    brand: str | None = None,
) -> int:
    """Insert an account inside an open write transaction (also used by importers)."""
    name = normalize_username(username)
    display_name, signature = _check_profile(display_name, signature)
    exists = conn.execute("SELECT 1 FROM users WHERE username = ?", (name,)).fetchone()
    if exists:
        raise ValidationError(f"The username '{name}' is already taken.")
    cur = conn.execute(
        "INSERT INTO users(username, display_name, signature, role, password_hash, brand,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (name, display_name, signature, role.value, password_hash, brand, now, now),
    )
    user_id = int(cur.lastrowid or 0)
    changes.record(conn, "user", user_id, now)
    audit.record(
        conn, now, actor_id, "user.create", "user", user_id, username=name, role=role.value
    )
    return user_id


def create_user(
    db: Database,
    *,
    username: str,
    display_name: str,
    signature: str,
    role: Role,
    password: str | None,
    now: float,
    actor_id: int | None = None,
) -> int:
    """Create an account. ``password=None`` makes an account that cannot sign in."""
    if password is not None:
        check_password(password)
    pw_hash = hash_password(password) if password is not None else None  # slow: outside the lock
    with db.write() as conn:
        return insert_user(
            conn,
            username=username,
            display_name=display_name,
            signature=signature,
            role=role,
            password_hash=pw_hash,
            now=now,
            actor_id=actor_id,
        )


def authenticate(db: Database, username: str, password: str, now: float) -> int | None:
    """The user id when the password is right and the account is enabled, else None."""
    try:
        name = normalize_username(username)
    except ValidationError:
        verify_password(None, password)
        return None
    with db.read() as conn:
        row = conn.execute(
            "SELECT id, password_hash, disabled FROM users WHERE username = ?", (name,)
        ).fetchone()
    if row is None:
        verify_password(None, password)
        return None
    if not verify_password(row["password_hash"], password) or row["disabled"]:
        return None
    if needs_rehash(row["password_hash"]):
        new_hash = hash_password(password)
        with db.write() as conn:
            conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (new_hash, row["id"]))
    return int(row["id"])


def issue_token(db: Database, user_id: int, now: float, ttl_s: float, label: str) -> str:
    token = new_token()
    with db.write() as conn:
        conn.execute(
            "INSERT INTO tokens(token_hash, user_id, label, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (hash_token(token), user_id, label[:200], now, now + ttl_s),
        )
        audit.record(conn, now, user_id, "auth.login", "user", user_id, label=label[:200])
    return token


def resolve_token(db: Database, token: str, now: float) -> AuthUser | None:
    """The account behind a live token: not expired, not revoked, account not disabled."""
    with db.read() as conn:
        row = conn.execute(
            "SELECT t.id AS token_id, u.id, u.username, u.display_name, u.signature, u.role"
            " FROM tokens t JOIN users u ON u.id = t.user_id"
            " WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ?"
            " AND u.disabled = 0",
            (hash_token(token), now),
        ).fetchone()
    if row is None:
        return None
    return AuthUser(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        signature=row["signature"],
        role=Role(row["role"]),
        token_id=row["token_id"],
    )


def revoke_token(db: Database, user: AuthUser, now: float) -> None:
    with db.write() as conn:
        conn.execute(
            "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            (now, user.token_id),
        )
        audit.record(conn, now, user.id, "auth.logout", "user", user.id)


def get_user(conn: sqlite3.Connection, user_id: int, now: float) -> UserRecord:
    data = serialize.load_one(conn, "user", user_id, now)
    if data is None:
        raise NotFoundError(f"There is no account with id {user_id}.")
    return data


AVAILABILITY = ("available", "away")


def update_profile(
    db: Database,
    user: AuthUser,
    *,
    now: float,
    display_name: str | None = None,
    signature: str | None = None,
    availability: str | None = None,
) -> UserRecord:
    """Change one's own name, signature or availability (any role; nothing else, nobody else)."""
    if availability is not None and availability not in AVAILABILITY:
        raise ValidationError("Availability is 'available' or 'away'.")
    with db.write() as conn:
        row = conn.execute("SELECT * FROM users WHERE id = ?", (user.id,)).fetchone()
        if row is None:
            raise NotFoundError(f"There is no account with id {user.id}.")
        changed = _profile_changes(row, display_name, signature)
        if availability is not None and availability != row["availability"]:
            changed["availability"] = availability
        if changed:
            sets = ", ".join(f"{column} = ?" for column in changed)
            conn.execute(
                f"UPDATE users SET {sets}, updated_at = ? WHERE id = ?",  # noqa: S608
                (*changed.values(), now, user.id),
            )
            changes.record(conn, "user", user.id, now)
            audit.record(conn, now, user.id, "user.update", "user", user.id, via="self", **changed)
        return get_user(conn, user.id, now)


def _release_all_claims(
    conn: sqlite3.Connection, user_id: int, now: float, actor: int | None
) -> int:
    rows = conn.execute(
        "SELECT id, replied_at, status FROM mentions WHERE claim_agent_id = ?"
        " AND status NOT IN ('closed', 'spam')",
        (user_id,),
    ).fetchall()
    for row in rows:
        status = row["status"]
        if status == MentionStatus.CLAIMED.value:
            status = "answered" if row["replied_at"] is not None else "open"
        conn.execute(
            "UPDATE mentions SET claim_agent_id = NULL, lease_expires_at = NULL, status = ?,"
            " updated_at = ? WHERE id = ?",
            (status, now, row["id"]),
        )
        changes.record(conn, "mention", row["id"], now)
        audit.record(conn, now, actor, "claim.release", "mention", row["id"], reason="disabled")
    return len(rows)


def update_user(
    db: Database,
    user_id: int,
    *,
    actor: AuthUser | None,
    now: float,
    display_name: str | None = None,
    signature: str | None = None,
    role: Role | None = None,
    disabled: bool | None = None,
    password: str | None = None,
) -> UserRecord:
    """Change an account. Disabling revokes its tokens and releases its claims at once.

    ``actor=None`` is the command line on the server machine (whoever holds the database file).
    """
    actor_id = actor.id if actor is not None else None
    if password is not None:
        check_password(password)
    pw_hash = hash_password(password) if password is not None else None
    with db.write() as conn:
        row = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"There is no account with id {user_id}.")
        if user_id == actor_id and (disabled or (role is not None and role is not Role.ADMIN)):
            raise ValidationError("You cannot disable yourself or take away your own admin role.")
        changed = _profile_changes(row, display_name, signature)
        if role is not None and role.value != row["role"]:
            changed["role"] = role.value
        if disabled is not None and int(disabled) != row["disabled"]:
            changed["disabled"] = int(disabled)
        if pw_hash is not None:
            changed["password_hash"] = pw_hash
        if changed:
            sets = ", ".join(f"{column} = ?" for column in changed)
            conn.execute(
                f"UPDATE users SET {sets}, updated_at = ? WHERE id = ?",  # noqa: S608
                (*changed.values(), now, user_id),
            )
            changes.record(conn, "user", user_id, now)
            detail = {k: v for k, v in changed.items() if k != "password_hash"}
            if "password_hash" in changed:
                detail["password"] = "reset"  # noqa: S105 - an audit note, not a password
            if actor is None:
                detail["via"] = "cli"
            audit.record(conn, now, actor_id, "user.update", "user", user_id, **detail)
        if changed.get("disabled") == 1 or "password_hash" in changed:
            # Signed out everywhere, except the session that changed its own password.
            conn.execute(
                "UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL"
                " AND id != ?",
                (now, user_id, actor.token_id if actor is not None else -1),
            )
        if changed.get("disabled") == 1:
            _release_all_claims(conn, user_id, now, actor_id)
        return get_user(conn, user_id, now)


def account_rows(db: Database) -> list[dict[str, Any]]:
    """Every account as the command line lists it: team accounts first, then the imported
    brand agents by brand; ``can_login`` says whether it has a password."""
    with db.read() as conn:
        return [
            dict(r)
            for r in conn.execute(
                "SELECT id, username, display_name, signature, role, disabled, brand,"
                " password_hash IS NOT NULL AS can_login FROM users ORDER BY brand IS NOT NULL,"
                " brand, username"
            )
        ]


def id_of(db: Database, username: str) -> int | None:
    """The id of the account with this user name (as typed: case and spaces do not count)."""
    with db.read() as conn:
        row = conn.execute(
            "SELECT id FROM users WHERE username = ?", (username.strip().lower(),)
        ).fetchone()
    return int(row["id"]) if row is not None else None


def presence(db: Database, last_seen: dict[int, float], now: float) -> list[PresenceRecord]:
    """Every account that can take mentions (enabled, can sign in) and whether it is here:
    ``online`` (its client was heard from within ``ONLINE_S``), ``away`` (heard from, but it
    said so in its preferences) or ``offline``. Sorted by name."""
    with db.read() as conn:
        rows = conn.execute(
            "SELECT id, display_name, role, availability FROM users WHERE disabled = 0"
            " AND password_hash IS NOT NULL ORDER BY display_name COLLATE NOCASE, id"
        ).fetchall()
    out: list[PresenceRecord] = []
    for r in rows:
        seen = last_seen.get(r["id"])
        ago = None if seen is None else round(max(0.0, now - seen), 1)
        here = ago is not None and ago <= ONLINE_S
        state: Presence = (
            "offline" if not here else "away" if r["availability"] == "away" else "online"
        )
        out.append(
            {
                "user_id": r["id"],
                "display_name": r["display_name"],
                "role": r["role"],
                "presence": state,
                "seen_s": ago,
            }
        )
    return out
