"""The push receiver: deliveries a platform pushes to ``/v1/hooks/{channel}``.

Generic over platforms: the channel's connector says whether a request is the platform's
(``authenticate_push``: Meta's ``X-Hub-Signature-256``, Telegram's secret-token header) and
answers the subscription handshake (``verify_subscription``). An authenticated delivery is
stored as it came (``push_deliveries``, state ``queued``) in one transaction before the platform
hears 200; the channel runner parses it later (``ChannelRunner.process_pushes``), so a delivery
is never lost to a crash or a parser bug, and the platform is answered in milliseconds.

Until a request is authenticated nothing about the channel shows: a channel that does not
exist, has no push connector or is not configured is answered exactly like a wrong signature
(the same status and words, after an HMAC of the body as costly as the real one). A run of
:data:`SIGNATURE_STREAK` failures in a row on a real channel becomes the channel's ``push_error``
(an admin sees it in the Channels tab: usually a wrong app secret, and Meta disables a
subscription that keeps failing); it is written at most once a minute, and cleared by the next
good delivery.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from webcare.channels import graph, registry
from webcare.channels.base import Connector
from webcare.channels.errors import ChannelError
from webcare.domain.errors import ValidationError
from webcare.domain.timeutil import iso
from webcare.server import changes
from webcare.server.services import audit
from webcare.server.services.channels import runtime
from webcare.storage.db import Database

log = logging.getLogger("webcare.channels")

#: Failed signatures in a row before the channel shows an error.
SIGNATURE_STREAK = 3
#: The streak's error is rewritten (with its new count) at most this often.
STREAK_WRITE_EVERY_S = 60.0
#: How a signature streak's error begins (a good delivery clears only this kind).
SIGNATURE_ERROR = "Webhook deliveries are refused:"
_DUMMY_SECRET = secrets.token_hex(32)


@dataclass
class _Streak:
    count: int = 0
    written_at: float = 0.0


class PushReceiver:
    """Stores authenticated deliveries; one per server, shared by the request threads."""

    def __init__(self, db: Database, clock: Callable[[], float]) -> None:
        self.db = db
        self.clock = clock
        self._lock = threading.Lock()
        self._cache: dict[int, tuple[float, Connector]] = {}
        self._streaks: dict[int, _Streak] = {}

    def _now(self) -> float:
        return self.clock()

    def _connector(self, channel_id: int | None) -> Connector | None:
        """The push connector of a channel, or ``None`` (no such channel, no push, no setup)."""
        if channel_id is None:
            return None
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM channels WHERE id = ?", (channel_id,)).fetchone()
            if row is None or row["connector"] is None:
                return None
            try:
                if not registry.spec(row["connector"]).receives_push:
                    return None
            except ValidationError:
                return None
            with self._lock:
                cached = self._cache.get(channel_id)
            if cached is not None and cached[0] == row["updated_at"]:
                return cached[1]
            try:
                rt = runtime(conn, row)
            except ChannelError as exc:
                log.warning("channel %s cannot receive pushes: %s", channel_id, exc.message)
                return None
        try:
            connector = registry.create(rt.connector, rt.info, rt.config, rt.secrets,
                                        clock=self._now)  # fmt: skip
        except ChannelError as exc:
            log.warning("channel %s cannot receive pushes: %s", channel_id, exc.message)
            return None
        with self._lock:
            self._cache[channel_id] = (row["updated_at"], connector)
        return connector

    def verify(self, channel_id: int | None, params: Mapping[str, str]) -> str | None:
        """The subscription handshake: what to echo, or ``None`` (403, alike for all)."""
        connector = self._connector(channel_id)
        if connector is None:
            graph.challenge(params, _DUMMY_SECRET)
            return None
        return connector.verify_subscription(params)

    def receive(self, channel_id: int | None, headers: Mapping[str, str], body: bytes) -> bool:
        """Store one delivery if it is the platform's; whether it was (else: 401, alike)."""
        connector = self._connector(channel_id)
        if connector is None or channel_id is None:
            graph.signature_ok(_DUMMY_SECRET, headers.get("x-hub-signature-256"), body)
            return False
        if not connector.authenticate_push(headers, body):
            self._refused(channel_id)
            return False
        now = self._now()
        with self._lock:
            streak = self._streaks.pop(channel_id, None)
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO push_deliveries(channel_id, received_at, body) VALUES (?, ?, ?)",
                (channel_id, now, body),
            )
            conn.execute("UPDATE channels SET push_last_at = ? WHERE id = ?", (now, channel_id))
            error = conn.execute(
                "SELECT push_error FROM channels WHERE id = ?", (channel_id,)
            ).fetchone()[0]
            if isinstance(error, str) and error.startswith(SIGNATURE_ERROR):
                conn.execute(
                    "UPDATE channels SET push_error = NULL, push_error_at = NULL WHERE id = ?",
                    (channel_id,),
                )
                changes.record(conn, "channel", channel_id, now)
                audit.record(conn, now, None, "channel.push_recovered", "channel", channel_id,
                             refused_before=streak.count if streak else None)  # fmt: skip
        return True

    def _refused(self, channel_id: int) -> None:
        now = self._now()
        with self._lock:
            streak = self._streaks.setdefault(channel_id, _Streak())
            streak.count += 1
            due = streak.count >= SIGNATURE_STREAK and (
                now - streak.written_at >= STREAK_WRITE_EVERY_S
            )
            if due:
                streak.written_at = now
            count = streak.count
        log.warning("channel %s: a push with a wrong or missing signature (%d in a row)",
                    channel_id, count)  # fmt: skip
        if not due:
            return
        message = (
            f"{SIGNATURE_ERROR} {count} in a row had a wrong or missing signature (the last at"
            f" {iso(now)}). Check that the channel's app secret is the platform app's secret;"
            " Meta switches off a subscription whose deliveries keep failing."
        )
        try:
            with self.db.write() as conn:
                conn.execute(
                    "UPDATE channels SET push_error = ?, push_error_at = ? WHERE id = ?",
                    (message, now, channel_id),
                )
                changes.record(conn, "channel", channel_id, now)
                audit.record(conn, now, None, "channel.push_refused", "channel", channel_id,
                             in_a_row=count)  # fmt: skip
        except sqlite3.Error:
            log.exception("channel %s: could not record the refused pushes", channel_id)
