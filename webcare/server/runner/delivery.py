"""Delivery: each accepted reply is marked ``sending`` (durably) before the platform is called,
then ``sent`` with the platform's post id, or back to ``queued`` with a backoff, or ``failed``
with the platform's words when a retry cannot help (see :mod:`webcare.server.runner`)."""

from __future__ import annotations

import dataclasses
import json
import logging

from webcare.channels import registry
from webcare.channels.base import Delivered, OutgoingReply
from webcare.channels.errors import AuthFailed, ChannelError
from webcare.domain.timeutil import check_platform_time
from webcare.server import changes
from webcare.server.runner.core import (
    DELIVERIES_PER_JOB,
    MAX_DELIVERY_ATTEMPTS,
    RunnerBase,
    backoff,
)
from webcare.server.services import audit, media, receipts

log = logging.getLogger("webcare.channels")


#: The reply of a crash where the platform has no way to tell whether it arrived.
UNCERTAIN = (
    "May have been posted: the server stopped while posting this reply to {platform}, and"
    " {platform} offers no way to check whether it arrived, so it was not sent again. Look in"
    " the chat; if the reply is not there, try delivering it again."
)


def unknown_outcome_label(kind: str | None) -> str | None:
    """The platform's name when a reply of unknown outcome must not be resent by itself."""
    if kind is None:
        return None
    try:
        spec = registry.spec(kind)
    except Exception:  # an unknown connector: its fetch reports it; keep the old behaviour
        return None
    return None if spec.resend_unknown else spec.label


class _MissingMedia(Exception):
    """A reply's attached file cannot be read from the media directory."""

    def __init__(self, reply: OutgoingReply, message: str) -> None:
        super().__init__(message)
        self.reply = reply
        self.message = message


def _platform_template(raw: str | None) -> dict[str, object] | None:
    """A reply's platform template (WhatsApp), as stored at acceptance."""
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class Delivery(RunnerBase):
    """Delivering accepted replies: one at a time per channel, looked up before a retry."""

    def deliver(self, channel_id: int) -> int:
        """Deliver this channel's due replies in the order they were accepted; returns # sent."""
        job = self._job_connector("deliver", channel_id, self._postpone_channel)
        if job is None:
            return 0
        _rt, connector = job
        sent = 0
        for _ in range(DELIVERIES_PER_JOB):
            if self._stop.is_set():
                break
            try:
                claimed = self._claim_next(channel_id)
            except _MissingMedia as missing:
                self._delivery_failed(missing.reply.reference,
                                      ChannelError(missing.message, permanent=True))  # fmt: skip
                continue
            if claimed is None:
                break
            out, attempts_before = claimed
            try:
                found = (
                    connector.lookup(out) if attempts_before > 0 and connector.can_lookup else None
                )
                delivered = found or connector.deliver(out)
            except AuthFailed as exc:
                # the platform refuses our credentials (Graph 190: the token expired or was
                # revoked): no reply can go until an admin replaces them, so none is failed;
                # they wait, and the channel shows what the admin must do
                self._waits_for_admin(channel_id, out.reference, exc)
                break
            except ChannelError as exc:
                self._delivery_failed(out.reference, exc)
                if not exc.permanent:
                    break  # the platform is unwell or limiting us: the rest waits too
                continue
            except Exception as exc:  # a connector bug must not lose the reply
                log.error("channel %s: delivery crashed", channel_id, exc_info=exc)
                self._delivery_failed(
                    out.reference, ChannelError(f"Internal error: {type(exc).__name__}: {exc}")
                )
                break
            self._delivered(out.reference, delivered, found is not None)
            sent += 1
        return sent

    def _claim_next(self, channel_id: int) -> tuple[OutgoingReply, int] | None:
        now = self.clock()
        with self.db.write() as conn:
            row = conn.execute(
                "SELECT r.id, r.body, r.accepted_at, r.delivery_attempts, r.private, m.source_id,"
                " m.text, m.url, m.meta, ct.handle, r.platform_template FROM replies r"
                " JOIN mentions m ON m.id = r.mention_id"
                " LEFT JOIN contacts ct ON ct.id = m.contact_id"
                " WHERE m.channel_id = ? AND r.delivery_state = 'queued'"
                " AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= ?)"
                " ORDER BY r.accepted_at, r.id LIMIT 1",
                (channel_id, now),
            ).fetchone()
            if row is None:
                return None
            conn.execute(
                "UPDATE replies SET delivery_state = 'sending',"
                " delivery_attempts = delivery_attempts + 1 WHERE id = ?",
                (row["id"],),
            )
            changes.record(conn, "reply", row["id"], now)
        try:
            meta = json.loads(row["meta"] or "{}")
        except ValueError:
            meta = {}
        out = OutgoingReply(
            reference=row["id"],
            text=row["body"],
            mention_source_id=row["source_id"],
            author_handle=row["handle"] or "",
            accepted_at=row["accepted_at"],
            mention_text=row["text"],
            mention_url=row["url"],
            mention_meta={str(k): str(v) for k, v in meta.items()}
            if isinstance(meta, dict)
            else {},
            private=bool(row["private"]),
            attempt=int(row["delivery_attempts"]),
            platform_template=_platform_template(row["platform_template"]),
        )
        if self.media_store is not None:
            try:
                attached = media.outgoing(self.db, self.media_store, row["id"])
            except (OSError, ValueError) as exc:
                raise _MissingMedia(
                    out, f"An attached image is missing on the server ({exc})."
                ) from exc
            if attached:
                out = dataclasses.replace(out, media=attached)
        return out, int(row["delivery_attempts"])

    def _delivered(self, reply_id: str, delivered: Delivered, found: bool) -> None:
        now = self.clock()
        posted_at = now
        if delivered.posted_at is not None:  # the platform's time, if it is believable
            try:
                posted_at = check_platform_time(delivered.posted_at, now)
            except ValueError as exc:
                log.warning("reply %s: the platform's post time %s; ours is used", reply_id, exc)
        with self.db.write() as conn:
            state = conn.execute(
                "SELECT delivery_state, platform_post_id FROM replies WHERE id = ?", (reply_id,)
            ).fetchone()
            if state is not None and state["delivery_state"] == "sent":
                # the platform's echo got here first (services/receipts): it is recorded
                if state["platform_post_id"] != delivered.platform_post_id:
                    log.warning("reply %s: posted as %s, echoed as %s", reply_id,
                                delivered.platform_post_id, state["platform_post_id"])  # fmt: skip
                return
            conn.execute(
                "UPDATE replies SET delivery_state = 'sent', platform_post_id = ?,"
                " posted_at = ?, posted_url = ?, delivery_error = NULL, next_attempt_at = NULL"
                " WHERE id = ?",
                (delivered.platform_post_id, posted_at, delivered.url, reply_id),
            )
            changes.record(conn, "reply", reply_id, now)
            audit.record(conn, now, None, "reply.delivered", "reply", reply_id,
                         post_id=delivered.platform_post_id, found_by_lookup=found)  # fmt: skip
            receipts.apply_pending(conn, reply_id, delivered.platform_post_id, now)

    def _delivery_failed(self, reply_id: str, exc: ChannelError) -> None:
        now = self.clock()
        with self.db.write() as conn:
            row = conn.execute(
                "SELECT delivery_attempts, delivery_state FROM replies WHERE id = ?", (reply_id,)
            ).fetchone()
            if row is not None and row["delivery_state"] != "sending":
                return  # the platform's echo recorded it as posted meanwhile: keep that
            attempts = int(row[0]) if row else 1
            final = exc.permanent or attempts >= MAX_DELIVERY_ATTEMPTS
            if final:
                conn.execute(
                    "UPDATE replies SET delivery_state = 'failed', delivery_error = ?,"
                    " next_attempt_at = NULL WHERE id = ?",
                    (exc.message[:2000], reply_id),
                )
                audit.record(conn, now, None, "reply.delivery_failed", "reply", reply_id,
                             error=exc.message[:500], attempts=attempts)  # fmt: skip
            else:
                delay = backoff(attempts, self.delivery_base_s)
                if exc.retry_after_s is not None:
                    delay = max(delay, exc.retry_after_s)
                conn.execute(
                    "UPDATE replies SET delivery_state = 'queued', delivery_error = ?,"
                    " next_attempt_at = ? WHERE id = ?",
                    (exc.message[:2000], now + delay, reply_id),
                )
            changes.record(conn, "reply", reply_id, now)
        log.warning("reply %s not delivered (%s): %s", reply_id, "final" if final else "retry",
                    exc.message)  # fmt: skip

    def _waits_for_admin(self, channel_id: int, reply_id: str, exc: ChannelError) -> None:
        now = self.clock()
        with self.db.write() as conn:
            conn.execute(
                "UPDATE replies SET delivery_state = 'queued' WHERE id = ?"
                " AND delivery_state = 'sending'",
                (reply_id,),
            )
            changes.record(conn, "reply", reply_id, now)
            current = conn.execute(
                "SELECT last_error FROM channels WHERE id = ?", (channel_id,)
            ).fetchone()
            if current is not None and current["last_error"] != exc.message[:2000]:
                conn.execute(
                    "UPDATE channels SET last_error = ?, last_error_at = ? WHERE id = ?",
                    (exc.message[:2000], now, channel_id),
                )
                changes.record(conn, "channel", channel_id, now)
                audit.record(conn, now, None, "channel.error", "channel", channel_id,
                             error=exc.message[:500])  # fmt: skip
        log.warning("channel %s: replies wait for an admin: %s", channel_id, exc.message)
        self._postpone_channel(channel_id, exc)

    def _postpone_channel(self, channel_id: int, exc: ChannelError) -> None:
        """The connector cannot even start (not configured): its replies wait, with the reason."""
        now = self.clock()
        with self.db.write() as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT r.id FROM replies r JOIN mentions m ON m.id = r.mention_id"
                    " WHERE m.channel_id = ? AND r.delivery_state = 'queued'",
                    (channel_id,),
                )
            ]
            for reply_id in ids:
                conn.execute(
                    "UPDATE replies SET delivery_error = ?, next_attempt_at = ? WHERE id = ?",
                    (exc.message[:2000], now + 300.0, reply_id),
                )
                changes.record(conn, "reply", reply_id, now)
