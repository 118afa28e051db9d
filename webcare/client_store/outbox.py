"""The outbox: the agent's writes (a reply, a note, a status) are committed here first and
delivered later by the sender, exactly once (client id and sequence number, op id); the
server's verdicts settle them.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Sequence

from webcare.client_store.core import StoreCore
from webcare.client_store.records import Json, OutboxEntry
from webcare.faults import crash_point


class Outbox(StoreCore):
    """The local outbox's writes and reads."""

    def enqueue(
        self, type_: str, mention_id: int, payload: Json, media: Sequence[Json] = ()
    ) -> OutboxEntry:
        """Commit a write locally first; the sender delivers it later, exactly once.

        ``media``: the records of the uploaded images a reply carries (its payload names them
        in ``media_ids``), kept with it to show in its bubble while it waits."""
        with self.transaction() as conn:
            client_id = self.client_id
            (last,) = conn.execute(
                "SELECT COALESCE(MAX(client_seq), 0) FROM outbox WHERE client_id = ?",
                (client_id,),
            ).fetchone()
            op_id = f"op-{uuid.uuid4().hex}"
            cur = conn.execute(
                "INSERT INTO outbox(client_id, client_seq, op_id, type, mention_id, payload,"
                " state, created_at, media) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)",
                (client_id, last + 1, op_id, type_, mention_id, json.dumps(payload),
                 self.clock(), json.dumps(list(media)) if media else None),
            )  # fmt: skip
            entry_id = int(cur.lastrowid or 0)
            crash_point("outbox.before_commit")
        crash_point("outbox.after_commit")
        entry = self.outbox_entry(entry_id)
        assert entry is not None
        return entry

    def enqueue_many(self, writes: Sequence[tuple[str, int, Json]]) -> list[str]:
        """Commit several writes (``(type, mention_id, payload)``, in order) in one local
        transaction — all or none; their op ids."""
        op_ids: list[str] = []
        with self.transaction() as conn:
            client_id = self.client_id
            (last,) = conn.execute(
                "SELECT COALESCE(MAX(client_seq), 0) FROM outbox WHERE client_id = ?",
                (client_id,),
            ).fetchone()
            now = self.clock()
            rows = []
            for seq, (type_, mention_id, payload) in enumerate(writes, start=last + 1):
                op_id = f"op-{uuid.uuid4().hex}"
                op_ids.append(op_id)
                rows.append((client_id, seq, op_id, type_, mention_id, json.dumps(payload), now))
            conn.executemany(
                "INSERT INTO outbox(client_id, client_seq, op_id, type, mention_id, payload,"
                " state, created_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?)",
                rows,
            )
            crash_point("outbox.before_commit")
        crash_point("outbox.after_commit")
        return op_ids

    def _entry(self, row: sqlite3.Row) -> OutboxEntry:
        return OutboxEntry(
            id=row["id"],
            client_id=row["client_id"],
            client_seq=row["client_seq"],
            op_id=row["op_id"],
            type=row["type"],
            mention_id=row["mention_id"],
            payload=json.loads(row["payload"]),
            state=row["state"],
            result=json.loads(row["result"]) if row["result"] else None,
            attempts=row["attempts"],
        )

    def outbox_entry(self, entry_id: int) -> OutboxEntry | None:
        row = self.conn.execute("SELECT * FROM outbox WHERE id = ?", (entry_id,)).fetchone()
        return self._entry(row) if row else None

    def unsent(self, limit: int = 50) -> list[OutboxEntry]:
        """Queued writes of the current client id, in order."""
        rows = self.conn.execute(
            "SELECT * FROM outbox WHERE state = 'queued' AND client_id = ?"
            " ORDER BY client_seq LIMIT ?",
            (self.client_id, limit),
        ).fetchall()
        return [self._entry(r) for r in rows]

    def note_attempt(self, entries: Iterable[OutboxEntry], error: str | None) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                [(error, e.id) for e in entries],
            )

    def apply_results(self, results: Iterable[Json]) -> int:
        """Record the server's verdicts. Returns how many writes were settled."""
        count = 0
        with self.transaction() as conn:
            for result in results:
                state = "accepted" if result.get("outcome") == "accepted" else "rejected"
                count += conn.execute(
                    "UPDATE outbox SET state = ?, result = ?, last_error = NULL"
                    " WHERE op_id = ? AND state = 'queued'",
                    (state, json.dumps(result), result["op_id"]),
                ).rowcount
            crash_point("push.ack_before_commit")
        return count

    def requeue_after(self, last_seq: int) -> None:
        """The server lost writes after ``last_seq`` (restored from a backup): send them again."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET state = 'queued' WHERE client_id = ? AND client_seq > ?"
                " AND state IN ('accepted', 'rejected')",
                (self.client_id, last_seq),
            )

    def new_client_id(self) -> str:
        """Register anew: queued writes are renumbered 1, 2, 3 … under a fresh client id.

        Their op ids stay, so anything the server already applied is not applied twice.
        """
        new_id = f"c-{uuid.uuid4().hex}"
        with self.transaction() as conn:
            queued = conn.execute(
                "SELECT id FROM outbox WHERE state = 'queued' ORDER BY client_seq, id"
            ).fetchall()
            for seq, row in enumerate(queued, start=1):
                conn.execute(
                    "UPDATE outbox SET client_id = ?, client_seq = ? WHERE id = ?",
                    (new_id, seq, row["id"]),
                )
            conn.execute("UPDATE sync_state SET value = ? WHERE key = 'client_id'", (new_id,))
        return new_id

    def dismiss(self, op_id: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET state = 'dismissed' WHERE op_id = ? AND state = 'rejected'",
                (op_id,),
            )

    def outbox_counts(self) -> dict[str, int]:
        rows = self.conn.execute(
            "SELECT state, count(*) FROM outbox WHERE state IN ('queued', 'rejected')"
            " GROUP BY state"
        ).fetchall()
        counts = {"queued": 0, "rejected": 0}
        counts.update({r[0]: r[1] for r in rows})
        return counts

    def rejected(self) -> list[OutboxEntry]:
        rows = self.conn.execute(
            "SELECT * FROM outbox WHERE state = 'rejected' ORDER BY id"
        ).fetchall()
        return [self._entry(r) for r in rows]
