"""What every part of the client store stands on: its one SQLite connection (opened and
migrated), its write transactions, the sync state and who is signed in.

The parts (:mod:`~webcare.client_store.applier`, :mod:`~webcare.client_store.outbox`,
:mod:`~webcare.client_store.search`, :mod:`~webcare.client_store.queries`,
:mod:`~webcare.client_store.detail`) are mixins of :class:`StoreCore`;
:class:`webcare.client_store.store.LocalStore` is made of them all.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from webcare.client_store.records import Me
from webcare.client_store.schema import SCRATCH_SQL, migrate
from webcare.storage.db import connect, in_transaction
from webcare.storage.files import private_dir


class StoreCore:
    """The client's SQLite store: its connection and state. Use it from one thread only."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        private_dir(path.parent)  # 0700 where it is created; the file itself: connect
        self.path = path
        self.clock = clock
        self.conn = connect(path, synchronous="FULL")
        migrate(self.conn)
        for statement in SCRATCH_SQL:
            self.conn.execute(statement)
        self._writes = 0  # transactions of this connection (see TextSearch._walk_key)

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        if in_transaction(self.conn):
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._writes += 1  # (other connections' commits show in PRAGMA data_version)
        try:
            yield self.conn
        except BaseException:
            if in_transaction(self.conn):
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # --- sync state -------------------------------------------------------------------------

    def get_state(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_state(self, key: str, value: str | int | None) -> None:
        with self.transaction() as conn:
            if value is None:
                conn.execute("DELETE FROM sync_state WHERE key = ?", (key,))
            else:
                conn.execute(
                    "INSERT INTO sync_state(key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, str(value)),
                )

    @property
    def cursor(self) -> int | None:
        value = self.get_state("cursor")
        return int(value) if value is not None else None

    @property
    def client_id(self) -> str:
        value = self.get_state("client_id")
        assert value is not None
        return value

    # --- who is signed in -------------------------------------------------------------------

    def me(self) -> Me | None:
        user_id = self.get_state("user_id")
        if user_id is None:
            return None
        row = self.conn.execute("SELECT * FROM users WHERE id = ?", (int(user_id),)).fetchone()
        if row is None:
            return None
        return Me(row["id"], row["username"], row["display_name"], row["signature"], row["role"])

    def _me_id(self) -> int | None:
        value = self.get_state("user_id")
        return int(value) if value is not None else None
