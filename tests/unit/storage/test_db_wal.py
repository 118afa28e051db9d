"""``Database``: the WAL stays bounded, and a failed COMMIT never leaves a transaction open."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from webcare.storage.db import (
    CHECKPOINT_RETRY_S,
    WAL_LIMIT_BYTES,
    Database,
    out_of_space,
    transient_reason,
)

ROW = 20_000  # bytes per row: a few pages per write, like a reply with its change rows


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "t.db")
    with database.write() as conn:
        conn.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, data BLOB)")
    yield database
    database.close()


def wal_size(db: Database) -> int:
    path = Path(f"{db.path}-wal")
    return path.stat().st_size if path.exists() else 0


def test_wal_stays_below_the_bound_while_writing_many_times_its_size(db: Database) -> None:
    largest = 0
    for _ in range(400):  # ~8 MB written through the WAL
        with db.write() as conn:
            conn.execute("INSERT INTO t(data) VALUES (randomblob(?))", (ROW,))
        with db.read() as conn:  # readers too, as in the server
            conn.execute("SELECT count(*) FROM t").fetchone()
        largest = max(largest, wal_size(db))
    assert 400 * ROW > 6 * WAL_LIMIT_BYTES
    assert largest <= WAL_LIMIT_BYTES


def test_a_wal_grown_behind_a_long_reader_is_truncated_once_the_reader_ends(
    db: Database,
) -> None:
    with closing(sqlite3.connect(db.path, isolation_level=None)) as reader:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM t").fetchone()  # holds an old snapshot
        for _ in range(80):
            with db.write() as conn:
                conn.execute("INSERT INTO t(data) VALUES (randomblob(?))", (ROW,))
        grown = wal_size(db)
        assert grown > WAL_LIMIT_BYTES  # no checkpoint can pass the reader's snapshot
        reader.execute("COMMIT")
    time.sleep(CHECKPOINT_RETRY_S + 0.05)  # the busy checkpoint is not retried at once
    with db.write() as conn:
        conn.execute("INSERT INTO t(data) VALUES (randomblob(?))", (ROW,))
    assert wal_size(db) == 0  # truncated: the space is back
    with db.read() as conn:
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 81


def test_a_failed_commit_rolls_back_and_the_next_write_commits(db: Database) -> None:
    # A deferred foreign key fails at COMMIT and SQLite keeps the transaction open; a disk
    # that fills up at COMMIT does the same. The writer must not stay inside it, or every
    # later write would silently join a transaction that never commits.
    with db.write() as conn:
        conn.execute("CREATE TABLE parent(id INTEGER PRIMARY KEY)")
        conn.execute(
            "CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER"
            " REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)"
        )
    with pytest.raises(sqlite3.IntegrityError), db.write() as conn:
        conn.execute("INSERT INTO child(parent_id) VALUES (42)")
    with db.write() as conn:
        conn.execute("INSERT INTO t(data) VALUES (x'00')")
    with closing(sqlite3.connect(db.path)) as other:  # committed, seen from outside
        assert other.execute("SELECT count(*) FROM t").fetchone()[0] == 1
        assert other.execute("SELECT count(*) FROM child").fetchone()[0] == 0


def test_transient_sqlite_errors_are_told_apart(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    with closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("CREATE TABLE t(x)")
        holder.execute("BEGIN IMMEDIATE")
        with (
            closing(sqlite3.connect(path, timeout=0)) as other,
            pytest.raises(sqlite3.OperationalError) as busy,
        ):
            other.execute("INSERT INTO t VALUES (1)")
        holder.execute("ROLLBACK")
    assert transient_reason(busy.value) == "busy"
    assert not out_of_space(busy.value)
    assert transient_reason(sqlite3.OperationalError("database or disk is full")) == "disk_full"
    assert transient_reason(sqlite3.OperationalError("no such table: x")) is None
    assert transient_reason(sqlite3.IntegrityError("UNIQUE constraint failed")) is None
