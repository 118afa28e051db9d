"""The scheduler: one loop thread decides what is due and a small pool runs the jobs (see
:mod:`webcare.server.runner`)."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from webcare.channels import registry
from webcare.domain import media as media_rules
from webcare.server import changes
from webcare.server.runner.actions import Actions
from webcare.server.runner.core import (
    DELIVERY_BASE_S,
    LONG_POLL_WORKERS,
    PRUNE_EVERY_S,
    PUSH_KEEP_S,
    Cached,
)
from webcare.server.runner.delivery import UNCERTAIN, Delivery, unknown_outcome_label
from webcare.server.runner.fetching import Fetching
from webcare.server.runner.media_jobs import MediaJobs
from webcare.server.runner.pushes import Pushes
from webcare.server.services import audit, media, receipts
from webcare.storage.db import Database
from webcare.storage.files import ContentStore

log = logging.getLogger("webcare.channels")


class ChannelRunner(Fetching, Delivery, MediaJobs, Pushes, Actions):
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
        self._cache: dict[tuple[str, int], Cached] = {}
        self._thread: threading.Thread | None = None
        self._pruned_at = 0.0

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
                label = unknown_outcome_label(row["connector"])
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
