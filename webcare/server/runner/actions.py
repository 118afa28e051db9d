"""Platform actions (``platform_actions``: hide a comment marked spam), in order, retried with
backoff (see :mod:`webcare.server.runner`)."""

from __future__ import annotations

import json
import logging
import sqlite3

from webcare.channels.errors import ChannelError
from webcare.server import changes
from webcare.server.runner.core import ACTIONS_PER_JOB, MAX_ACTION_ATTEMPTS, RunnerBase, backoff
from webcare.server.services import audit

log = logging.getLogger("webcare.channels")


class Actions(RunnerBase):
    """Carry out a channel's queued platform actions."""

    def moderate(self, channel_id: int) -> int:
        """Carry out this channel's queued platform actions (hide a spam comment) in order."""
        job = self._job_connector("moderate", channel_id)
        if job is None:
            return 0
        _rt, connector = job
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
