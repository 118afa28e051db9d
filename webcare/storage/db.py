"""Opening SQLite the way Webcare needs it, and the transaction discipline around it.

* WAL journal, ``synchronous=FULL`` by default: a committed reply survives a power cut.
* One writer per process: :meth:`Database.write` takes a lock and ``BEGIN IMMEDIATE``, so commit
  order equals the order of ``changes.seq`` (AUTOINCREMENT) and claims are serialized.
* Readers get one connection per thread and read inside ``BEGIN`` ... ``COMMIT`` so that a page of
  results comes from one snapshot.
* The WAL is bounded (:data:`WAL_LIMIT_BYTES`): automatic checkpoints every
  :data:`WAL_AUTOCHECKPOINT_PAGES`, ``journal_size_limit``, and a truncating checkpoint when a
  write leaves it past :data:`WAL_TRUNCATE_AT_BYTES` or runs out of space (then again before
  each write until it succeeds), so its space comes back as soon as the disk has room.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence, Sized
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from webcare.storage.files import private_file

BUSY_TIMEOUT_MS = 10_000
#: The bound of the WAL file (bytes) with the small transactions of normal use; SQLite truncates
#: it to this size whenever it starts the log again (``journal_size_limit``).
WAL_LIMIT_BYTES = 1024 * 1024
#: Automatic (passive) checkpoint after a commit once the WAL holds this many pages: 512 KiB
#: with SQLite's 4 KiB pages. Afterwards the log starts again at its beginning.
WAL_AUTOCHECKPOINT_PAGES = 128
#: A write that leaves the WAL larger than this (readers kept the passive checkpoints from
#: finishing) runs a truncating checkpoint, so one more write cannot take it past the bound.
WAL_TRUNCATE_AT_BYTES = 768 * 1024
#: How long a truncating checkpoint waits for readers before it gives up (it runs under the
#: write lock), and how long writes then go without one before it is tried again.
CHECKPOINT_BUSY_MS = 200
CHECKPOINT_RETRY_S = 1.0
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
    conn.execute(f"PRAGMA journal_size_limit={WAL_LIMIT_BYTES}")
    conn.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
    return conn


def transient_reason(exc: BaseException) -> str | None:
    """Why a failed SQLite call may succeed later, else ``None``.

    ``"disk_full"`` (``SQLITE_FULL``), ``"busy"`` (another writer holds the lock) or ``"io"``
    (the file could not be read, written or opened).
    """
    if not isinstance(exc, sqlite3.OperationalError):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        reason = _TRANSIENT_CODES.get(code & 0xFF)
        if reason is not None:
            return reason
    text = str(exc).lower()  # raised by Python itself, or by an older SQLite: no code
    for words, reason in _TRANSIENT_TEXTS:
        if any(word in text for word in words):
            return reason
    return None


#: A transient reason in words, for the server's ``503`` messages.
TRANSIENT_CAUSE = {
    "busy": "The server is busy",
    "disk_full": "The server's disk is full",
    "io": "The server could not write to its database",
}


def out_of_space(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's "database or disk is full"."""
    return transient_reason(exc) == "disk_full"


_TRANSIENT_CODES = {
    sqlite3.SQLITE_FULL: "disk_full",
    sqlite3.SQLITE_BUSY: "busy",
    sqlite3.SQLITE_LOCKED: "busy",
    sqlite3.SQLITE_IOERR: "io",
    sqlite3.SQLITE_CANTOPEN: "io",
}
_TRANSIENT_TEXTS = (
    (("disk is full",), "disk_full"),
    (("locked", "busy"), "busy"),
    (("disk i/o", "unable to open"), "io"),
)


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
        self._wal_path = Path(f"{self.path}-wal")
        self._reclaim = False  # a write ran out of space: truncate the WAL before the next one
        self._checkpoint_busy_until = 0.0

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
            if self._reclaim:
                self.checkpoint()
            self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
                self._writer.execute("COMMIT")  # may fail too (disk full): then roll back
            except BaseException as exc:
                if in_transaction(self._writer):
                    self._writer.execute("ROLLBACK")
                if out_of_space(exc):
                    self._reclaim = True
                    self.checkpoint()
                raise
            if (
                self._wal_size() > WAL_TRUNCATE_AT_BYTES
                and time.monotonic() >= self._checkpoint_busy_until
            ):
                self.checkpoint()
        for listener in self._listeners:
            listener()

    def _wal_size(self) -> int:
        try:
            return os.stat(self._wal_path).st_size
        except OSError:
            return 0

    def checkpoint(self) -> bool:
        """Copy the WAL into the database and truncate it to zero bytes (``TRUNCATE``).

        Waits at most :data:`CHECKPOINT_BUSY_MS` for readers. Returns whether it completed; a
        full disk or a busy reader leaves the WAL as it is (tried again after a later write).
        """
        with self._write_lock:
            if in_transaction(self._writer):
                return False
            conn = self._writer
            try:
                conn.execute(f"PRAGMA busy_timeout={CHECKPOINT_BUSY_MS}")
                busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            except sqlite3.Error:
                return False  # e.g. no room yet to copy the WAL back into the database
            finally:
                conn.execute(f"PRAGMA busy_timeout={self._busy_timeout_ms}")
            if busy:
                self._checkpoint_busy_until = time.monotonic() + CHECKPOINT_RETRY_S
                return False
            self._reclaim = False
            return True

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
