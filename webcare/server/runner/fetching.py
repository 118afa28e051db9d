"""Fetching a channel: its mentions, the new cursor and its health in one transaction, errors
backed off (see :mod:`webcare.server.runner`)."""

from __future__ import annotations

import logging
import sqlite3

from webcare.channels.errors import ChannelError, NotConfigured
from webcare.server import changes
from webcare.server.runner.core import MAX_BACKOFF_S, RunnerBase, backoff
from webcare.server.services import audit, ingest

log = logging.getLogger("webcare.channels")


class Fetching(RunnerBase):
    """Fetch a channel when it is due."""

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
