"""The team server's channel scheduler and delivery outbox.

One loop thread decides what is due; a small pool runs the connector calls, so one slow or
failing platform never holds up the others. Per channel, at most one fetch and one delivery job
run at a time (each with its own connector instance).

Fetching: a channel is fetched when ``next_fetch_at`` has come. Its mentions, the new cursor and
its health are written in one transaction, so the cursor moves if and only if the mentions are
committed. Errors back off exponentially (with jitter, capped at an hour) or as long as the
platform asked; the last error is kept for admins. A fetch still running with the settings of
before an admin changed them (``updated_at``, the runtime's version) keeps its mentions but
writes no cursor, schedule or error: the new settings are fetched at once, from their own start.

Delivery: each accepted reply is marked ``sending`` (durably) before the platform is called,
then ``sent`` with the platform's post id, or back to ``queued`` with a backoff, or ``failed``
with the platform's words when a retry cannot help. A reply found ``sending`` at start-up was
interrupted by a crash: it is queued again, and because it has been attempted before, the
connector first looks it up by our reference, so it is not posted twice where the platform
allows a lookup (and the platform's idempotency key covers the rest where it offers one). Where
the platform has neither (``ConnectorSpec.resend_unknown`` false: Telegram), such a reply is
marked failed with "may have been posted" instead: an agent looks in the chat and retries only
if it is not there, so the customer is never answered twice by the server on its own.

Long polls (``ConnectorSpec.long_polls``: Telegram's ``getUpdates``) wait at the platform until
something arrives; they run on a pool of their own so they never hold up other channels, and
:meth:`ChannelRunner.stop` interrupts them (nothing is lost: an unconfirmed update comes again).

Media: the files a mention carries wait as ``pending`` rows (written by ingest); a third job
per channel fetches them with the channel's connector, one at a time and outside any
transaction, checks size and type (``services/media.py``), keeps the file and records the
outcome. A transient failure is retried with backoff; one job per channel at a time.

Pushes: deliveries the receiver stored (``push_deliveries``) are parsed here, oldest first,
each marked ``done`` in the same transaction as the mentions and receipts it brought (a crash
in between leaves it ``queued``, and parsing it again changes nothing); one that cannot be read
is marked ``failed`` with its reason and becomes the channel's ``push_error``.

Platform actions (``platform_actions``: hide a comment marked spam) go out like replies: in
order, retried with backoff, ``failed`` with the platform's words when a retry cannot help.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import random
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from webcare.channels import registry
from webcare.channels.base import Connector, Delivered, OutgoingReply, PushResult
from webcare.channels.errors import AuthFailed, ChannelError, MediaTooLarge, NotConfigured
from webcare.domain import media as media_rules
from webcare.domain.timeutil import check_platform_time
from webcare.server import changes
from webcare.server.services import audit, ingest, media, receipts
from webcare.server.services.channels import ChannelRuntime, runtime
from webcare.storage.db import Database
from webcare.storage.files import ContentStore

log = logging.getLogger("webcare.channels")

MAX_BACKOFF_S = 3600.0
MAX_DELIVERY_ATTEMPTS = 12
DELIVERY_BASE_S = 15.0
DELIVERIES_PER_JOB = 20
MEDIA_PER_JOB = 20
PUSHES_PER_JOB = 50
ACTIONS_PER_JOB = 20
MAX_ACTION_ATTEMPTS = 8
#: Parsed pushes are kept this long (for an admin to look at), then deleted.
PUSH_KEEP_S = 7 * 24 * 3600.0
PRUNE_EVERY_S = 3600.0
#: How many long-polling channels can wait at their platform at the same time.
LONG_POLL_WORKERS = 32


#: The reply of a crash where the platform has no way to tell whether it arrived.
UNCERTAIN = (
    "May have been posted: the server stopped while posting this reply to {platform}, and"
    " {platform} offers no way to check whether it arrived, so it was not sent again. Look in"
    " the chat; if the reply is not there, try delivering it again."
)


def _unknown_outcome_label(kind: str | None) -> str | None:
    """The platform's name when a reply of unknown outcome must not be resent by itself."""
    if kind is None:
        return None
    try:
        spec = registry.spec(kind)
    except Exception:  # an unknown connector: its fetch reports it; keep the old behaviour
        return None
    return None if spec.resend_unknown else spec.label


def backoff(failures: int, base_s: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter: between half and all of ``base * 2**(n-1)``, capped."""
    ceiling = min(MAX_BACKOFF_S, base_s * 2 ** max(0, min(failures - 1, 20)))
    return (rng or random).uniform(ceiling / 2, ceiling)


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


@dataclass
class _Cached:
    version: float
    connector: Connector


class ChannelRunner:
    """Fetch every configured channel on its schedule; deliver accepted replies."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], float],
        *,
        tick_s: float = 1.0,
        workers: int = 4,
        delivery_base_s: float = DELIVERY_BASE_S,
        media_store: ContentStore | None = None,
        media_max_bytes: int = media_rules.DEFAULT_MAX_BYTES,
        media_retry_base_s: float = media.RETRY_BASE_S,
    ) -> None:
        self.db = db
        self.clock = clock
        self.tick_s = tick_s
        self.delivery_base_s = delivery_base_s
        self.media_store = media_store
        self.media_max_bytes = media_max_bytes
        self.media_retry_base_s = media_retry_base_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="ThreadPoolExecutor-channels")
        #: Fetches that wait at the platform (long polls): one thread each, apart from the rest.
        self._long_pool = ThreadPoolExecutor(
            LONG_POLL_WORKERS, thread_name_prefix="ThreadPoolExecutor-longpoll"
        )
        self._lock = threading.Lock()
        self._busy: set[tuple[str, int]] = set()
        self._cache: dict[tuple[str, int], _Cached] = {}
        self._thread: threading.Thread | None = None
        self._pruned_at = 0.0

    # --- life cycle ------------------------------------------------------------------------
    def start(self) -> ChannelRunner:
        self.recover()
        self._thread = threading.Thread(target=self._loop, name="webcare-channels", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        for cached in list(self._cache.values()):  # a long poll gives up its wait
            interrupt = getattr(cached.connector, "interrupt", None)
            if callable(interrupt):
                interrupt()
        self._long_pool.shutdown(wait=True, cancel_futures=True)
        self._pool.shutdown(wait=True, cancel_futures=True)
        for cached in self._cache.values():
            close = getattr(cached.connector, "close", None)
            if callable(close):
                close()
        self._cache.clear()

    def wake(self) -> None:
        """Look for due work now (called after every commit: a reply may have been accepted)."""
        self._wake.set()

    def recover(self) -> int:
        """Settle what a crash left ``sending``: queued again (looked up before a retry), or,
        where the platform cannot tell whether it arrived, failed with "may have been posted"."""
        now = self.clock()
        uncertain = 0
        with self.db.write() as conn:
            rows = conn.execute(
                "SELECT r.id, c.connector FROM replies r JOIN mentions m ON m.id = r.mention_id"
                " JOIN channels c ON c.id = m.channel_id WHERE r.delivery_state = 'sending'"
            ).fetchall()
            for row in rows:
                label = _unknown_outcome_label(row["connector"])
                if label is None:
                    conn.execute(
                        "UPDATE replies SET delivery_state = 'queued', next_attempt_at = ?"
                        " WHERE id = ?",
                        (now, row["id"]),
                    )
                else:
                    uncertain += 1
                    conn.execute(
                        "UPDATE replies SET delivery_state = 'failed', delivery_error = ?,"
                        " next_attempt_at = NULL WHERE id = ?",
                        (UNCERTAIN.format(platform=label), row["id"]),
                    )
                    audit.record(conn, now, None, "reply.uncertain", "reply", row["id"])
                changes.record(conn, "reply", row["id"], now)
            # a platform action (hide) is idempotent on the platform: simply done again
            conn.execute("UPDATE platform_actions SET state = 'queued' WHERE state = 'sending'")
            # pushes sent while the server was away are retried by the platform only for a
            # while (Meta: hours, then it gives up): a push channel catches up by a poll at once
            pushed = [
                r["id"]
                for r in conn.execute(
                    "SELECT id, connector FROM channels WHERE connector IS NOT NULL"
                    " AND enabled = 1 AND failures = 0"
                )
                if registry.receives_push(r["connector"]) and registry.polls(r["connector"])
            ]
            for part in (pushed[i : i + 500] for i in range(0, len(pushed), 500)):
                conn.execute(
                    f"UPDATE channels SET next_fetch_at = ? WHERE id IN ({','.join('?' * len(part))})",  # noqa: E501, S608
                    [now, *part],
                )
        if rows:
            log.warning(
                "%d replies were being sent when the server stopped; %d re-queued, %d left for"
                " an agent to check (the platform cannot tell whether they arrived)",
                len(rows), len(rows) - uncertain, uncertain,
            )  # fmt: skip
        return len(rows)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except sqlite3.Error:
                log.exception("channel scheduler: database error; trying again")
            self._wake.wait(self.tick_s)
            self._wake.clear()

    # --- scheduling ------------------------------------------------------------------------
    def run_once(self) -> None:
        """Start every job that is due and not already running."""
        now = self.clock()
        with self.db.read() as conn:
            fetch_due = [
                (r["id"], r["connector"])
                for r in conn.execute(
                    "SELECT id, connector FROM channels WHERE connector IS NOT NULL"
                    " AND enabled = 1 AND (next_fetch_at IS NULL OR next_fetch_at <= ?)",
                    (now,),
                )
            ]
            deliver_due = [
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT m.channel_id FROM replies r"
                    " JOIN mentions m ON m.id = r.mention_id"
                    " JOIN channels c ON c.id = m.channel_id"
                    " WHERE r.delivery_state = 'queued' AND c.connector IS NOT NULL"
                    " AND c.enabled = 1 AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= ?)",
                    (now,),
                )
            ]
            media_due = media.due_channels(conn, now) if self.media_store is not None else []
            push_due = [
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT p.channel_id FROM push_deliveries p"
                    " JOIN channels c ON c.id = p.channel_id WHERE p.state = 'queued'"
                    " AND c.connector IS NOT NULL AND c.enabled = 1"
                    " AND (p.next_attempt_at IS NULL OR p.next_attempt_at <= ?)",
                    (now,),
                )
            ]
            action_due = [
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT m.channel_id FROM platform_actions a"
                    " JOIN mentions m ON m.id = a.mention_id JOIN channels c ON c.id = m.channel_id"
                    " WHERE a.state = 'queued' AND c.connector IS NOT NULL AND c.enabled = 1"
                    " AND (a.next_attempt_at IS NULL OR a.next_attempt_at <= ?)",
                    (now,),
                )
            ]
        for channel_id, kind in fetch_due:
            try:
                spec = registry.spec(kind)
                polls, long_polls = spec.polls, spec.long_polls
            except Exception:  # an unknown connector is reported by the fetch
                polls, long_polls = True, False
            if polls:
                pool = self._long_pool if long_polls else self._pool
                self._submit("fetch", channel_id, self.fetch, pool)
        for channel_id in push_due:
            self._submit("push", channel_id, self.process_pushes)
        for channel_id in deliver_due:
            self._submit("deliver", channel_id, self.deliver)
        for channel_id in media_due:
            self._submit("media", channel_id, self.fetch_media)
        for channel_id in action_due:
            self._submit("moderate", channel_id, self.moderate)
        if now - self._pruned_at >= PRUNE_EVERY_S:
            self._pruned_at = now
            self.prune(now)

    def _submit(
        self,
        job: str,
        channel_id: int,
        fn: Callable[[int], object],
        pool: ThreadPoolExecutor | None = None,
    ) -> None:
        key = (job, channel_id)
        with self._lock:
            if key in self._busy or self._stop.is_set():
                return
            self._busy.add(key)

        def run() -> None:
            try:
                fn(channel_id)
            except Exception:
                log.exception("channel %s: %s job failed", channel_id, job)
            finally:
                with self._lock:
                    self._busy.discard(key)
                self._wake.set()

        try:
            (pool or self._pool).submit(run)
        except RuntimeError:  # shutting down
            with self._lock:
                self._busy.discard(key)

    def _connector(self, purpose: str, rt: ChannelRuntime) -> Connector:
        key = (purpose, rt.id)
        cached = self._cache.get(key)
        if cached is not None and cached.version == rt.version:
            return cached.connector
        if cached is not None:
            close = getattr(cached.connector, "close", None)
            if callable(close):
                close()
        connector = registry.create(rt.connector, rt.info, rt.config, rt.secrets, clock=self.clock)
        self._cache[key] = _Cached(rt.version, connector)
        return connector

    def _runtime(self, channel_id: int) -> tuple[sqlite3.Row, ChannelRuntime] | None:
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM channels WHERE id = ?", (channel_id,)).fetchone()
            if row is None or row["connector"] is None:
                return None
            return row, runtime(conn, row)

    # --- fetching --------------------------------------------------------------------------
    def fetch(self, channel_id: int) -> ingest.IngestStats | None:
        """Fetch one channel once, store what came, and plan the next fetch."""
        row: sqlite3.Row | None = None
        try:
            loaded = self._runtime(channel_id)
            if loaded is None:
                return None
            row, rt = loaded
            connector = self._connector("fetch", rt)
            batches = connector.fetch(row["cursor"])
        except Exception as exc:  # every failure is recorded for the admin
            self._fetch_failed(channel_id, row, exc)
            return None
        total = ingest.IngestStats()
        now = self.clock()
        version = rt.version
        for i, batch in enumerate(batches):
            last = i == len(batches) - 1
            delay = 0.0 if batch.more else rt.interval_s
            if batch.wait_s is not None:
                delay = max(delay, batch.wait_s)

            def then(conn: sqlite3.Connection, stats: ingest.IngestStats, *, last: bool = last,
                     cursor: str | None = batch.cursor, delay: float = delay) -> None:  # fmt: skip
                current = conn.execute(
                    "SELECT last_error, updated_at FROM channels WHERE id = ?", (channel_id,)
                ).fetchone()
                if current is None:
                    return
                if current["updated_at"] != version:  # changed while this fetch ran: see above
                    conn.execute(
                        "UPDATE channels SET last_fetch_at = ?,"
                        " fetched_total = fetched_total + ? WHERE id = ?",
                        (now, stats.mentions_new, channel_id),
                    )
                    return
                had_error = current["last_error"]
                conn.execute(
                    "UPDATE channels SET cursor = COALESCE(?, cursor), last_fetch_at = ?,"
                    " fetched_total = fetched_total + ?, failures = 0, last_error = NULL,"
                    " last_error_at = NULL, next_fetch_at = CASE WHEN ? THEN ? ELSE next_fetch_at"
                    " END WHERE id = ?",
                    (cursor, now, stats.mentions_new, last, now + delay, channel_id),
                )
                if had_error is not None:
                    changes.record(conn, "channel", channel_id, now)
                    audit.record(conn, now, None, "channel.recovered", "channel", channel_id)

            same = batch.channel.name == rt.info.name
            stats = ingest.ingest(
                self.db, batch, now, history=False, channel_id=channel_id if same else None,
                then=then,
            )  # fmt: skip
            total.add(stats)
            if stats.problems:
                log.info("channel %s skipped: %s", channel_id, "; ".join(stats.problems[:5]))
        if not batches:
            with self.db.write() as conn:
                conn.execute(
                    "UPDATE channels SET next_fetch_at = ?, last_fetch_at = ? WHERE id = ?"
                    " AND updated_at = ?",
                    (now + rt.interval_s, now, channel_id, version),
                )
        return total

    def _fetch_failed(self, channel_id: int, row: sqlite3.Row | None, exc: Exception) -> None:
        """Record the failure and back off — unless the settings it failed with have been
        changed meanwhile (``row`` is the channel as the fetch read it): the new ones are
        tried at once, not after the old ones' backoff."""
        now = self.clock()
        if isinstance(exc, ChannelError):
            message = exc.message
            log.warning("channel %s: %s", channel_id, message)
        else:
            message = f"Internal error in the connector: {type(exc).__name__}: {exc}"
            log.error("channel %s: connector crashed", channel_id, exc_info=exc)
        with self.db.write() as conn:
            current = conn.execute(
                "SELECT failures, last_error, interval_s, connector, updated_at FROM channels"
                " WHERE id = ?",
                (channel_id,),
            ).fetchone()
            if current is None:
                return
            if row is not None and current["updated_at"] != row["updated_at"]:
                log.info("channel %s: settings changed during the failed fetch", channel_id)
                return
            failures = current["failures"] + 1
            interval = current["interval_s"] or 60.0
            if isinstance(exc, NotConfigured):
                delay = max(interval, 300.0)
            elif isinstance(exc, ChannelError) and exc.retry_after_s is not None:
                delay = max(exc.retry_after_s, 1.0)
            else:
                delay = min(MAX_BACKOFF_S, max(backoff(failures, interval), 5.0))
            conn.execute(
                "UPDATE channels SET failures = ?, last_error = ?, last_error_at = ?,"
                " next_fetch_at = ? WHERE id = ?",
                (failures, message[:2000], now, now + delay, channel_id),
            )
            if current["last_error"] != message[:2000]:
                changes.record(conn, "channel", channel_id, now)
                audit.record(conn, now, None, "channel.error", "channel", channel_id,
                             error=message[:500], retry_in_s=round(delay))  # fmt: skip

    # --- media -----------------------------------------------------------------------------
    def fetch_media(self, channel_id: int) -> int:
        """Fetch the channel's due files, one by one; returns how many were settled."""
        store = self.media_store
        loaded = self._runtime(channel_id)
        if store is None or loaded is None:
            return 0
        _row, rt = loaded
        limit = self.media_max_bytes
        settled = 0
        try:
            connector = self._connector("media", rt)
        except ChannelError as exc:  # not configured: the fetch job reports it to the admin
            log.info("channel %s: media wait, the connector cannot start: %s", channel_id, exc)
            return 0
        for _ in range(MEDIA_PER_JOB):
            if self._stop.is_set():
                break
            item = media.next_due(self.db, channel_id, self.clock())
            if item is None:
                break
            ref = item.ref
            if ref.size is not None and ref.size > limit:  # announced too large: not fetched
                media.refused(
                    self.db, item.id, self.clock(), media_rules.too_large(ref.size, limit)
                )
                settled += 1
                continue
            try:
                blob = connector.fetch_media(ref, max_bytes=limit)
            except MediaTooLarge as exc:
                media.refused(self.db, item.id, self.clock(),
                              media_rules.too_large(exc.size, limit), size=exc.size)  # fmt: skip
                settled += 1
                continue
            except ChannelError as exc:
                if exc.permanent or item.attempts + 1 >= media.MAX_ATTEMPTS:
                    media.failed(self.db, item.id, self.clock(), exc.message)
                    settled += 1
                    continue
                self._media_later(item, exc.message, exc.retry_after_s)
                break  # the platform is unwell or limiting us: the rest waits too
            except Exception as exc:  # a connector bug must not stop the others
                log.error("channel %s: media fetch crashed", channel_id, exc_info=exc)
                self._media_later(item, f"Internal error: {type(exc).__name__}: {exc}", None)
                break
            now = self.clock()
            try:
                mime, digest = media.accept(store, ref.kind, ref.mime or blob.mime, blob.data,
                                            limit)  # fmt: skip
            except media_rules.Refused as refusal:
                media.refused(self.db, item.id, now, refusal, size=len(blob.data))
            else:
                media.stored(self.db, item.id, now, mime=mime, size=len(blob.data), digest=digest)
            settled += 1
        return settled

    def _media_later(self, item: media.Pending, message: str, wait_s: float | None) -> None:
        delay = backoff(item.attempts + 1, self.media_retry_base_s)
        if wait_s is not None:
            delay = max(delay, wait_s)
        media.retry_later(self.db, item.id, self.clock(), message, delay)
        log.warning("media %s not fetched (retry in %.0f s): %s", item.id, delay, message)

    # --- delivery --------------------------------------------------------------------------
    def deliver(self, channel_id: int) -> int:
        """Deliver this channel's due replies in the order they were accepted; returns # sent."""
        loaded = self._runtime(channel_id)
        if loaded is None:
            return 0
        _row, rt = loaded
        try:
            connector = self._connector("deliver", rt)
        except ChannelError as exc:
            self._postpone_channel(channel_id, exc)
            return 0
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

    # --- pushes ----------------------------------------------------------------------------
    def process_pushes(self, channel_id: int) -> int:
        """Parse this channel's stored deliveries, oldest first; returns how many were done."""
        loaded = self._runtime(channel_id)
        if loaded is None:
            return 0
        _row, rt = loaded
        try:
            connector = self._connector("push", rt)
        except ChannelError as exc:
            self._push_postponed(channel_id, exc)
            return 0
        done = 0
        for _ in range(PUSHES_PER_JOB):
            if self._stop.is_set():
                break
            with self.db.read() as conn:
                row = conn.execute(
                    "SELECT id, body, attempts FROM push_deliveries WHERE channel_id = ?"
                    " AND state = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
                    " ORDER BY id LIMIT 1",
                    (channel_id, self.clock()),
                ).fetchone()
            if row is None:
                break
            delivery_id = int(row["id"])
            try:
                result = connector.parse_push(bytes(row["body"]))
            except ValueError as exc:
                self._push_failed(channel_id, delivery_id, f"It could not be read: {exc}.")
                continue
            except Exception as exc:  # a parser bug: kept, with the reason, for the admin
                log.error("channel %s: parsing delivery %s crashed", channel_id, delivery_id,
                          exc_info=exc)  # fmt: skip
                self._push_failed(
                    channel_id, delivery_id, f"Internal error in the connector: {exc!r}"
                )
                continue
            try:
                result = connector.complete_push(result)
            except Exception:  # what it could not add stays out; the delivery still counts
                log.exception("channel %s: completing delivery %s failed", channel_id,
                              delivery_id)  # fmt: skip
            self._store_push(channel_id, rt.info.name, delivery_id, result)
            done += 1
        return done

    def _store_push(self, channel_id: int, name: str, delivery_id: int, result: PushResult) -> None:
        """The delivery's mentions, receipts and ``done`` mark, committed together (the last
        batch's transaction carries the mark: a crash before it leaves the delivery queued)."""
        now = self.clock()
        batches = [b for b in result.batches if b.mentions or b.replies]

        def finish(conn: sqlite3.Connection, _stats: ingest.IngestStats | None = None) -> None:
            receipts.apply(conn, channel_id, result.receipts, now)
            conn.execute(
                "UPDATE push_deliveries SET state = 'done', done_at = ?, attempts = attempts + 1,"
                " error = NULL WHERE id = ?",
                (now, delivery_id),
            )
            error = conn.execute(
                "SELECT push_error FROM channels WHERE id = ?", (channel_id,)
            ).fetchone()
            if (
                error is not None
                and error[0]
                and not str(error[0]).startswith("Webhook deliveries are refused:")
            ):
                conn.execute(
                    "UPDATE channels SET push_error = NULL, push_error_at = NULL WHERE id = ?",
                    (channel_id,),
                )
                changes.record(conn, "channel", channel_id, now)

        if not batches:
            with self.db.write() as conn:
                finish(conn)
        for i, batch in enumerate(batches):
            last = i == len(batches) - 1
            same = batch.channel.name == name
            stats = ingest.ingest(
                self.db, batch, now, history=False, channel_id=channel_id if same else None,
                then=finish if last else None,
            )  # fmt: skip
            problems = [*result.skipped, *stats.problems] if last else stats.problems
            if problems:
                log.info("channel %s delivery %s skipped: %s", channel_id, delivery_id,
                         "; ".join(problems[:5]))  # fmt: skip
        if not batches and result.skipped:
            log.info("channel %s delivery %s skipped: %s", channel_id, delivery_id,
                     "; ".join(result.skipped[:5]))  # fmt: skip

    def _push_failed(self, channel_id: int, delivery_id: int, reason: str) -> None:
        now = self.clock()
        message = f"A webhook delivery (#{delivery_id}) was kept but not used. {reason}"[:2000]
        with self.db.write() as conn:
            conn.execute(
                "UPDATE push_deliveries SET state = 'failed', error = ?, attempts = attempts + 1,"
                " done_at = ? WHERE id = ?",
                (reason[:2000], now, delivery_id),
            )
            conn.execute(
                "UPDATE channels SET push_error = ?, push_error_at = ? WHERE id = ?",
                (message, now, channel_id),
            )
            changes.record(conn, "channel", channel_id, now)
            audit.record(conn, now, None, "channel.push_failed", "channel", channel_id,
                         delivery=delivery_id, error=reason[:500])  # fmt: skip
        log.warning("channel %s: %s", channel_id, message)

    def _push_postponed(self, channel_id: int, exc: ChannelError) -> None:
        """The connector cannot be built (not configured): the deliveries wait, unparsed."""
        now = self.clock()
        with self.db.write() as conn:
            conn.execute(
                "UPDATE push_deliveries SET next_attempt_at = ? WHERE channel_id = ?"
                " AND state = 'queued'",
                (now + 300.0, channel_id),
            )

    # --- platform actions ------------------------------------------------------------------
    def moderate(self, channel_id: int) -> int:
        """Carry out this channel's queued platform actions (hide a spam comment) in order."""
        loaded = self._runtime(channel_id)
        if loaded is None:
            return 0
        _row, rt = loaded
        try:
            connector = self._connector("moderate", rt)
        except ChannelError:
            return 0
        done = 0
        for _ in range(ACTIONS_PER_JOB):
            if self._stop.is_set():
                break
            now = self.clock()
            with self.db.write() as conn:
                row = conn.execute(
                    "SELECT a.id, a.action, a.mention_id, m.source_id, m.meta"
                    " FROM platform_actions a JOIN mentions m ON m.id = a.mention_id"
                    " WHERE m.channel_id = ? AND a.state = 'queued'"
                    " AND (a.next_attempt_at IS NULL OR a.next_attempt_at <= ?)"
                    " ORDER BY a.id LIMIT 1",
                    (channel_id, now),
                ).fetchone()
                if row is None:
                    break
                conn.execute(
                    "UPDATE platform_actions SET state = 'sending', attempts = attempts + 1"
                    " WHERE id = ?",
                    (row["id"],),
                )
            try:
                meta = json.loads(row["meta"] or "{}")
            except ValueError:
                meta = {}
            try:
                connector.moderate(
                    row["source_id"], {str(k): str(v) for k, v in meta.items()}, row["action"]
                )
            except ChannelError as exc:
                self._action_done(row, exc)
                if not exc.permanent:
                    break
                continue
            except Exception as exc:
                log.error("channel %s: moderation crashed", channel_id, exc_info=exc)
                self._action_done(row, ChannelError(f"Internal error: {exc!r}"))
                break
            self._action_done(row, None)
            done += 1
        return done

    def _action_done(self, row: sqlite3.Row, exc: ChannelError | None) -> None:
        now = self.clock()
        with self.db.write() as conn:
            attempts = conn.execute(
                "SELECT attempts FROM platform_actions WHERE id = ?", (row["id"],)
            ).fetchone()[0]
            if exc is None:
                state, error, retry_at = "done", None, None
            elif exc.permanent or attempts >= MAX_ACTION_ATTEMPTS:
                state, error, retry_at = "failed", exc.message[:2000], None
            else:
                delay = backoff(attempts, self.delivery_base_s)
                if exc.retry_after_s is not None:
                    delay = max(delay, exc.retry_after_s)
                state, error, retry_at = "queued", exc.message[:2000], now + delay
            conn.execute(
                "UPDATE platform_actions SET state = ?, error = ?, next_attempt_at = ?,"
                " done_at = ? WHERE id = ?",
                (state, error, retry_at, now if state in ("done", "failed") else None, row["id"]),
            )
            latest = conn.execute(
                "SELECT MAX(id) FROM platform_actions WHERE mention_id = ?", (row["mention_id"],)
            ).fetchone()[0]
            if latest == row["id"]:
                conn.execute(
                    "UPDATE mentions SET platform_action = ?, updated_at = ? WHERE id = ?",
                    (json.dumps({"action": row["action"], "state": state, "error": error}),
                     now, row["mention_id"]),
                )  # fmt: skip
                changes.record(conn, "mention", row["mention_id"], now)
            if state != "queued":
                action = f"mention.platform_{row['action']}"
                audit.record(conn, now, None, action, "mention", row["mention_id"],
                             state=state, error=error and error[:500])  # fmt: skip

    # --- housekeeping ----------------------------------------------------------------------
    def prune(self, now: float) -> None:
        """Delete parsed deliveries and unmatched receipts older than a week."""
        try:
            with self.db.write() as conn:
                conn.execute(
                    "DELETE FROM push_deliveries WHERE state = 'done' AND received_at < ?",
                    (now - PUSH_KEEP_S,),
                )
                receipts.prune(conn, now)
        except sqlite3.Error:
            log.exception("could not prune old pushes")
