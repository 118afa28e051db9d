"""Parsing the deliveries the receiver stored (``push_deliveries``), oldest first (see
:mod:`webcare.server.runner`)."""

from __future__ import annotations

import logging
import sqlite3

from webcare.channels.base import PushResult
from webcare.channels.errors import ChannelError
from webcare.server import changes
from webcare.server.runner.core import PUSHES_PER_JOB, RunnerBase
from webcare.server.services import audit, ingest, receipts

log = logging.getLogger("webcare.channels")


class Pushes(RunnerBase):
    """Parse a channel's stored pushes."""

    def process_pushes(self, channel_id: int) -> int:
        """Parse this channel's stored deliveries, oldest first; returns how many were done."""
        job = self._job_connector("push", channel_id, self._push_postponed)
        if job is None:
            return 0
        rt, connector = job
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
