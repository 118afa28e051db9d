"""Opening SQLite the way Webcare needs it, and the transaction discipline around it.

* WAL journal, ``synchronous=FULL`` by default: a committed reply survives a power cut.
* One writer per process: :meth:`Database.write` takes a lock and ``BEGIN IMMEDIATE``, so commit
  order equals the order of ``changes.seq`` (AUTOINCREMENT) and claims are serialized.
* Readers get one connection per thread and read inside ``BEGIN`` ... ``COMMIT`` so that a page of
  results comes from one snapshot.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence, Sized
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from webcare.storage.files import private_file

BUSY_TIMEOUT_MS = 10_000
T = TypeVar("T")


def connect(
    path: str | Path, *, synchronous: str = "FULL", busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> sqlite3.Connection:
    """Open ``path`` in autocommit mode (we issue BEGIN ourselves) with Webcare's PRAGMAs."""
    if synchronous not in ("OFF", "NORMAL", "FULL", "EXTRA"):
        raise ValueError(f"bad synchronous level {synchronous!r}")
    private_file(path)  # owner-only (0600) whatever the umask: it holds the team's data
    conn = sqlite3.connect(
        str(path), isolation_level=None, check_same_thread=False, timeout=busy_timeout_ms / 1000
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


CommitListener = Callable[[], None]


IN_CHUNK = 500  # bound parameters per IN (...) query


def chunks(values: Sequence[T]) -> Iterator[list[T]]:
    """``values`` in lists of at most ``IN_CHUNK``, for ``IN (...)`` queries."""
    for start in range(0, len(values), IN_CHUNK):
        yield list(values[start : start + IN_CHUNK])


def marks(values: Sized) -> str:
    """``?,?,?``: one placeholder per value."""
    return ",".join("?" * len(values))


def in_transaction(conn: sqlite3.Connection) -> bool:
    """Whether ``conn`` has an open transaction (a call, so type checkers do not narrow it)."""
    return conn.in_transaction


class Database:
    """A SQLite file shared by many threads: one serialized writer, per-thread readers."""

    def __init__(
        self, path: str | Path, *, synchronous: str = "FULL", busy_timeout_ms: int = BUSY_TIMEOUT_MS
    ) -> None:
        self.path = Path(path)
        self._synchronous = synchronous
        self._busy_timeout_ms = busy_timeout_ms
        self._writer = connect(self.path, synchronous=synchronous, busy_timeout_ms=busy_timeout_ms)
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._listeners: list[CommitListener] = []
        self._closed = False

    def add_commit_listener(self, listener: CommitListener) -> None:
        """Call ``listener`` (on the writing thread) after every committed write transaction."""
        self._listeners.append(listener)

    @contextmanager
    def schema_writer(self) -> Iterator[sqlite3.Connection]:
        """The writer connection under the write lock but outside a transaction (migrations)."""
        with self._write_lock:
            yield self._writer

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A serialized ``BEGIN IMMEDIATE`` transaction; commits on success, rolls back on error.

        Re-entrant on the same thread: a nested call joins the outer transaction.
        """
        with self._write_lock:
            if in_transaction(self._writer):
                yield self._writer
                return
            self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                if in_transaction(self._writer):
                    self._writer.execute("ROLLBACK")
                raise
            self._writer.execute("COMMIT")
        for listener in self._listeners:
            listener()

    def _reader(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self._closed:
                raise sqlite3.ProgrammingError("database is closed")
            conn = connect(
                self.path, synchronous=self._synchronous, busy_timeout_ms=self._busy_timeout_ms
            )
            conn.execute("PRAGMA query_only=ON")
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction on this thread's own connection: every query sees one snapshot."""
        conn = self._reader()
        if in_transaction(conn):  # nested read on the same thread: same snapshot
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            if in_transaction(conn):
                conn.execute("COMMIT")

    def close(self) -> None:
        self._closed = True
        with self._readers_lock:
            readers, self._readers = self._readers, []
        for conn in readers:
            with contextlib.suppress(sqlite3.ProgrammingError):  # its thread closed it already
                conn.close()
        with self._write_lock:
            self._writer.close()
