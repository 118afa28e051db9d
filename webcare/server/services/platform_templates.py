"""The platform's approved message templates of a channel (WhatsApp), for the composer.

Outside WhatsApp's 24 hours only an approved template reaches the customer, so the composer
offers them (``GET /v1/channels/{id}/platform-templates``). They are read through the
channel's connector (``Connector.message_templates``: ``GET /{waba-id}/message_templates``),
kept :data:`KEEP_S` per channel (Meta's management API allows a few hundred calls an hour per
account) and read again after that, when the channel's settings changed, or when an agent asks
(at most once per :data:`REFRESH_EVERY_S`). When Meta cannot be reached the last list is still
given, with the error.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from webcare.channels import registry
from webcare.channels.base import PlatformTemplate, TemplateList
from webcare.channels.errors import ChannelError
from webcare.domain.errors import NotFoundError, ValidationError
from webcare.domain.timeutil import iso
from webcare.server.services.channels import runtime
from webcare.storage.db import Database

log = logging.getLogger("webcare.channels")

KEEP_S = 600.0
REFRESH_EVERY_S = 30.0


@dataclass
class _Entry:
    version: float  # the channel's settings it was read with (``updated_at``)
    templates: TemplateList = field(default_factory=TemplateList)
    read_at: float | None = None  # the last successful read
    tried_at: float | None = None  # the last attempt
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def template_json(t: PlatformTemplate) -> dict[str, Any]:
    return {
        "name": t.name,
        "language": t.language,
        "category": t.category,
        "header": t.header,
        "body": t.body,
        "footer": t.footer,
        "buttons": list(t.buttons),
        "parameters": [{"name": n, "example": e} for n, e in t.parameters],
    }


class PlatformTemplates:
    """Approved templates per channel, read through its connector; one per server."""

    def __init__(self, db: Database, clock: Callable[[], float]) -> None:
        self.db = db
        self.clock = clock
        self._lock = threading.Lock()
        self._entries: dict[int, _Entry] = {}

    def get(self, channel_id: int, *, refresh: bool = False) -> dict[str, Any]:
        """``{available, templates, unsupported, fetched_at, error}`` for the channel."""
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM channels WHERE id = ?", (channel_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"There is no channel with id {channel_id}.")
            kind = row["connector"]
            try:
                available = kind is not None and registry.spec(kind).window_templates
            except ValidationError:
                available = False
            if not available:
                return {"available": False, "templates": [], "unsupported": [],
                        "fetched_at": None, "error": None}  # fmt: skip
            version = float(row["updated_at"] or 0.0)
            try:
                rt = runtime(conn, row)
            except ChannelError as exc:
                return {"available": True, "templates": [], "unsupported": [],
                        "fetched_at": None, "error": exc.message}  # fmt: skip
        with self._lock:
            entry = self._entries.get(channel_id)
            if entry is None or entry.version != version:
                entry = _Entry(version)
                self._entries[channel_id] = entry
        with entry.lock:  # one read of the platform per channel at a time
            now = self.clock()
            since_try = None if entry.tried_at is None else now - entry.tried_at
            stale = entry.read_at is None or now - entry.read_at >= KEEP_S
            if since_try is None or (since_try >= REFRESH_EVERY_S and (stale or refresh)):
                self._read(entry, rt, now)
            return self._json(entry)

    def _read(self, entry: _Entry, rt: Any, now: float) -> None:
        entry.tried_at = now
        try:
            connector = registry.create(rt.connector, rt.info, rt.config, rt.secrets,
                                        clock=self.clock)  # fmt: skip
        except ChannelError as exc:
            entry.error = exc.message
            return
        try:
            entry.templates = connector.message_templates()
            entry.read_at = now
            entry.error = None
        except ChannelError as exc:  # the last list stays, with the error
            log.warning("channel %s: templates could not be read: %s", rt.id, exc.message)
            entry.error = exc.message
        finally:
            close = getattr(connector, "close", None)
            if callable(close):
                close()

    @staticmethod
    def _json(entry: _Entry) -> dict[str, Any]:
        return {
            "available": True,
            "templates": [template_json(t) for t in entry.templates.templates],
            "unsupported": [
                {"name": name, "language": language, "reason": why}
                for name, language, why in entry.templates.unsupported
            ],
            "fetched_at": iso(entry.read_at) if entry.read_at is not None else None,
            "error": entry.error,
        }
