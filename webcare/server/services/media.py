"""Files that messages carry: refs stored at ingest, fetched later, checked, kept, served.

Life of an incoming file (a row of ``media``):

* ``pending``: written by ingest, in the mention's own transaction, from the connector's
  :class:`~webcare.channels.base.MediaRef`. A mention is never held back by its files.
* the channel runner fetches it with the channel's connector (its credentials), outside any
  transaction, and then records the outcome in a short one:
* ``stored``: the bytes are on the allow-list of the kind (sniffed, not the platform's word),
  within ``media_max_bytes``, and kept in the :class:`~webcare.storage.files.ContentStore`
  (``<db dir>/media/<sha256>``, one copy per content);
* ``refused``: too large (announced or measured) or of a type not allowed or not as claimed;
  ``error`` says why in words;
* ``failed``: the platform would not give it (gone, or still failing after
  :data:`MAX_ATTEMPTS` tries with backoff).

Every state change writes a change row for the mention, so clients see it. Uploads (images an
agent attaches to a reply) are rows without a mention, owned by their uploader, checked the
same way and idempotent by content.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from webcare.channels.base import MediaRef, OutgoingMedia
from webcare.domain import media as rules
from webcare.domain.errors import NotFoundError, ValidationError
from webcare.domain.wire import MediaRecord
from webcare.server import changes
from webcare.server.serialize import media_item as wire
from webcare.server.services import audit
from webcare.storage.db import Database
from webcare.storage.files import ContentStore

#: Tries before a file the platform keeps failing to give is marked failed.
MAX_ATTEMPTS = 8
#: First retry delay of a failed fetch (doubles per attempt, capped by the runner).
RETRY_BASE_S = 30.0
MAX_REF = 2000
MAX_FILENAME = 200
MAX_CAPTION = 1500


@dataclass(frozen=True)
class Pending:
    """A file to fetch: its row id, mention and what the connector said about it."""

    id: int
    mention_id: int
    attempts: int
    ref: MediaRef


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _clip(value: str | None, limit: int) -> str | None:
    """A caption as plain text without control characters (line breaks kept), cut to ``limit``."""
    if not isinstance(value, str):
        return None
    return _CONTROL.sub("", value).strip()[:limit] or None


def clean_filename(value: str | None) -> str | None:
    """A file name to show and to offer when saving: the last path part, one line, no control
    characters, at most :data:`MAX_FILENAME` characters."""
    if not isinstance(value, str):
        return None
    name = re.split(r"[\\/]", value)[-1]
    name = " ".join(_CONTROL.sub(" ", name.replace("\n", " ")).split()).strip(". ")
    return name[:MAX_FILENAME] or None


def add_refs(
    conn: sqlite3.Connection, mention_id: int, refs: Sequence[MediaRef], now: float
) -> int:
    """Store a new mention's files as ``pending`` (inside ingest's transaction)."""
    rows: list[tuple[Any, ...]] = []
    for position, ref in enumerate(refs):
        kind = ref.kind if ref.kind in rules.KINDS else "document"
        size = ref.size if isinstance(ref.size, int) and ref.size >= 0 else None
        usable = isinstance(ref.ref, str) and 0 < len(ref.ref) <= MAX_REF
        rows.append((
            mention_id, position, kind, ref.ref if usable else None,
            rules.normalize(ref.mime), size, clean_filename(ref.filename),
            _clip(ref.caption, MAX_CAPTION), "pending" if usable else "failed",
            None if usable else "The platform gave no way to fetch this file.", now, now, now,
        ))  # fmt: skip
    conn.executemany(
        "INSERT OR IGNORE INTO media(mention_id, position, kind, ref, claimed_mime, size,"
        " filename, caption, state, error, next_attempt_at, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return len(rows)


# --- fetching (the channel runner) ------------------------------------------------------------


def due_channels(conn: sqlite3.Connection, now: float) -> list[int]:
    """Channels with files waiting to be fetched now (enabled, with a connector)."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT m.channel_id FROM media md JOIN mentions m ON m.id = md.mention_id"
            " JOIN channels c ON c.id = m.channel_id WHERE md.state = 'pending'"
            " AND (md.next_attempt_at IS NULL OR md.next_attempt_at <= ?)"
            " AND c.connector IS NOT NULL AND c.enabled = 1",
            (now,),
        )
    ]


def next_due(db: Database, channel_id: int, now: float) -> Pending | None:
    """The oldest file of the channel that is due (nothing is marked: one job per channel)."""
    with db.read() as conn:
        row = conn.execute(
            "SELECT md.* FROM media md JOIN mentions m ON m.id = md.mention_id"
            " WHERE m.channel_id = ? AND md.state = 'pending'"
            " AND (md.next_attempt_at IS NULL OR md.next_attempt_at <= ?)"
            " ORDER BY md.next_attempt_at, md.id LIMIT 1",
            (channel_id, now),
        ).fetchone()
    if row is None:
        return None
    ref = MediaRef(
        kind=row["kind"],
        ref=row["ref"],
        mime=row["claimed_mime"],
        size=row["size"],
        filename=row["filename"],
        caption=row["caption"],
    )
    return Pending(row["id"], row["mention_id"], row["attempts"], ref)


def _settle(db: Database, media_id: int, now: float, **fields: Any) -> None:
    with db.write() as conn:
        row = conn.execute(
            "SELECT mention_id, state FROM media WHERE id = ?", (media_id,)
        ).fetchone()
        if row is None or row["state"] != "pending":
            return  # settled meanwhile (nothing else writes these rows, but be safe)
        sets = ", ".join(f"{name} = ?" for name in fields)
        conn.execute(
            f"UPDATE media SET {sets}, updated_at = ? WHERE id = ?",  # noqa: S608 - our names
            [*fields.values(), now, media_id],
        )
        changes.record(conn, "mention", row["mention_id"], now)
        state = fields.get("state")
        if state in ("refused", "failed"):
            audit.record(conn, now, None, f"media.{state}", "mention", row["mention_id"],
                         media_id=media_id, error=str(fields.get("error", ""))[:500])  # fmt: skip


def stored(db: Database, media_id: int, now: float, *, mime: str, size: int, digest: str) -> None:
    _settle(db, media_id, now, state="stored", mime=mime, size=size, sha256=digest, error=None,
            next_attempt_at=None)  # fmt: skip


def refused(
    db: Database, media_id: int, now: float, reason: rules.Refused, *, size: int | None = None
) -> None:
    fields: dict[str, Any] = {"state": "refused", "error": reason.message[:500],
                              "next_attempt_at": None}  # fmt: skip
    if size is not None:
        fields["size"] = size
    _settle(db, media_id, now, **fields)


def failed(db: Database, media_id: int, now: float, message: str) -> None:
    _settle(db, media_id, now, state="failed", error=message[:500], next_attempt_at=None)


def retry_later(db: Database, media_id: int, now: float, message: str, delay_s: float) -> None:
    """A transient failure: try again after ``delay_s`` (no change row: nothing to show)."""
    with db.write() as conn:
        conn.execute(
            "UPDATE media SET attempts = attempts + 1, error = ?, next_attempt_at = ?,"
            " updated_at = ? WHERE id = ? AND state = 'pending'",
            (message[:500], now + delay_s, now, media_id),
        )


def accept(
    store: ContentStore, kind: str, claimed: str | None, data: bytes, limit: int
) -> tuple[str, str]:
    """Check ``data`` (size, then type: :func:`webcare.domain.media.check`) and keep it in
    ``store``; returns (checked MIME type, SHA-256). Raises :class:`rules.Refused`."""
    if len(data) > limit:
        raise rules.too_large(len(data), limit)
    mime = rules.check(kind, claimed, data)
    return mime, store.put(data)


# --- serving and uploads ----------------------------------------------------------------------


def load_visible(conn: sqlite3.Connection, media_id: int, user_id: int) -> sqlite3.Row:
    """A file a signed-in person may fetch: any mention's, an upload of theirs, or an upload
    attached to a reply. Anything else is "not found" (no probing for others' uploads)."""
    row = conn.execute("SELECT * FROM media WHERE id = ?", (media_id,)).fetchone()
    if row is not None and row["uploaded_by"] is not None and row["uploaded_by"] != user_id:
        attached = conn.execute(
            "SELECT 1 FROM reply_media WHERE media_id = ? LIMIT 1", (media_id,)
        ).fetchone()
        if attached is None:
            row = None
    if row is None:
        raise NotFoundError(f"There is no file with id {media_id}.")
    found: sqlite3.Row = row
    return found


def upload(
    db: Database,
    store: ContentStore,
    user_id: int,
    data: bytes,
    *,
    claimed: str | None,
    filename: str | None,
    caption: str | None,
    limit: int,
    now: float,
) -> tuple[MediaRecord, bool]:
    """Keep an image an agent will attach to a reply; (its wire record, whether it is new).

    Idempotent by content: the same person uploading the same bytes again gets the same id
    (a retried upload after a lost answer makes no second copy). Raises
    :class:`ValidationError` for a file that is not an allowed image (the HTTP layer answers
    413 for size, 422 for type).
    """
    try:
        mime, digest = accept(store, "image", claimed, data, limit)
    except rules.Refused as exc:
        raise UploadRefused(exc.reason, exc.message) from exc
    with db.write() as conn:
        row = conn.execute(
            "SELECT * FROM media WHERE uploaded_by = ? AND sha256 = ?", (user_id, digest)
        ).fetchone()
        if row is not None:
            return wire(row), False
        cur = conn.execute(
            "INSERT INTO media(uploaded_by, kind, claimed_mime, mime, size, sha256, filename,"
            " caption, state, created_at, updated_at)"
            " VALUES (?, 'image', ?, ?, ?, ?, ?, ?, 'stored', ?, ?)",
            (user_id, rules.normalize(claimed), mime, len(data), digest,
             clean_filename(filename), _clip(caption, MAX_CAPTION), now, now),
        )  # fmt: skip
        media_id = int(cur.lastrowid or 0)
        audit.record(conn, now, user_id, "media.upload", "media", media_id, size=len(data),
                     mime=mime)  # fmt: skip
        row = conn.execute("SELECT * FROM media WHERE id = ?", (media_id,)).fetchone()
        return wire(row), True


class UploadRefused(ValidationError):
    """An upload that is too large (``reason`` ``too_large``) or not an allowed image."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message, title="File refused")
        self.reason = reason


def check_attachments(
    conn: sqlite3.Connection,
    user_id: int,
    media_ids: Sequence[int],
    max_bytes: int | None,
    *,
    types: frozenset[str] | None = None,
    platform: str = "this platform",
) -> str | None:
    """Why these uploads cannot go with a reply by ``user_id``, or ``None`` when they can.

    ``max_bytes`` and ``types``: what the platform takes (``None``: whatever the server
    keeps)."""
    if len(media_ids) > rules.MAX_ATTACHMENTS:
        return f"A reply can carry at most {rules.MAX_ATTACHMENTS} images."
    if len(set(media_ids)) != len(media_ids):
        return "The same image is attached twice."
    for media_id in media_ids:
        row = conn.execute("SELECT * FROM media WHERE id = ?", (media_id,)).fetchone()
        if row is None or row["uploaded_by"] != user_id:
            return f"Image {media_id} is not one you uploaded; attach it again."
        if row["state"] != "stored" or row["kind"] not in rules.ATTACHABLE:
            return f"Image {media_id} cannot be attached."
        if types is not None and row["mime"] not in types:
            names = sorted(rules.type_words(t).removeprefix("a ").removesuffix(" image")
                           for t in types)  # fmt: skip
            taken = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
            return (
                f"{row['filename'] or 'The image'} is {rules.type_words(row['mime'])};"
                f" {platform} takes {taken} images only."
            )
        if max_bytes is not None and (row["size"] or 0) > max_bytes:
            return (
                f"{row['filename'] or 'The image'} is {rules.size_words(row['size'])};"
                f" {platform} takes images up to {rules.size_words(max_bytes)}."
            )
    return None


def attach(conn: sqlite3.Connection, reply_id: str, media_ids: Sequence[int]) -> None:
    conn.executemany(
        "INSERT INTO reply_media(reply_id, position, media_id) VALUES (?, ?, ?)",
        [(reply_id, i, media_id) for i, media_id in enumerate(media_ids)],
    )


def outgoing(db: Database, store: ContentStore, reply_id: str) -> tuple[OutgoingMedia, ...]:
    """A reply's images with their bytes, for its connector. Raises ``FileNotFoundError``
    when a kept file has gone from the disk."""
    with db.read() as conn:
        rows = conn.execute(
            "SELECT md.* FROM reply_media rm JOIN media md ON md.id = rm.media_id"
            " WHERE rm.reply_id = ? ORDER BY rm.position",
            (reply_id,),
        ).fetchall()
    return tuple(
        OutgoingMedia(
            kind=row["kind"],
            mime=row["mime"],
            data=store.read(row["sha256"]),
            filename=row["filename"],
            caption=row["caption"],
        )
        for row in rows
    )
