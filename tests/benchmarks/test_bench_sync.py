"""Issue 6, benchmark 2: initial sync of a year of mentions into a fresh client store.

The real path: a team server database filled through ``ingest``, served by a ``webcare server``
process of its own (uvicorn, as a team runs it: the server and the client do not share one
Python interpreter), then a client's ``SyncEngine.bootstrap`` over HTTP with the app's page size
into a real ``LocalStore``. Baseline: the same rows written locally with one ``executemany`` per
table into a fresh client store (same schema and PRAGMAs) and indexed for search.

Figure: bare time / sync time. Target ≥ 0.3.
"""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.benchmarks.common import record, scaled, timed
from tests.benchmarks.synth import batches
from tests.support.server import TestServer, running_server, server_process
from webcare.client_store.schema import rebuild_search
from webcare.client_store.store import LocalStore
from webcare.net.agent_api import ApiClient
from webcare.server.services import accounts
from webcare.server.services.ingest import ingest
from webcare.sync.engine import SyncEngine

NOW = 1_767_312_000.0  # 2026-01-02: after the synthetic year (2025), as an import would be
BIG = (("mentions", "id"), ("contacts", "id"), ("replies", "id"))


def _server_hits(db_path: Path, word: str) -> int:
    """The server's mentions with ``word`` in their text, by an FTS5 index (the client's
    tokenizer) built here of the server's texts: the server keeps none of its own (m010)."""
    with (
        closing(sqlite3.connect(db_path)) as server,
        closing(sqlite3.connect(":memory:")) as scratch,
    ):
        scratch.execute(
            "CREATE VIRTUAL TABLE texts USING fts5(text, tokenize='unicode61 remove_diacritics 2')"
        )
        scratch.executemany(
            "INSERT INTO texts(text) VALUES (?)", server.execute("SELECT text FROM mentions")
        )
        hits: int = scratch.execute(
            "SELECT count(*) FROM texts WHERE texts MATCH ?", (word,)
        ).fetchone()[0]
        return hits


@dataclass(frozen=True)
class SyncRun:
    seconds: float
    bare_seconds: float
    counts: dict[str, int]
    pages: int


def fill_server(server: TestServer, n: int) -> dict[str, int]:
    """Ingest ``n`` synthetic mentions as an import would; returns the server's row counts."""
    for batch in batches(n):
        ingest(server.ctx.db, batch, NOW, history=True)
    with server.ctx.db.read() as conn:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table, _key in BIG
        }


def token_for(server: TestServer, username: str) -> str:
    """A real token for a new agent, issued without paying argon2 for a sign-in."""
    user_id = server.add_user(username)
    return accounts.issue_token(server.ctx.db, user_id, server.ctx.now(), 3600, "bench")


def run_sync(n: int, directory: Path, *, page_size: int = 2000) -> SyncRun:
    """Bootstrap a fresh client from a server holding ``n`` mentions, then the bare baseline."""
    with running_server(directory, channels=False) as filler:
        expected = fill_server(filler, n)
        token = token_for(filler, "reader")
        db_path = filler.db_path
    with server_process(db_path, timeout=30) as (url, _proc):
        api = ApiClient(url, token=token)
        store = LocalStore(directory / "client.db")
        pages = 0
        try:
            engine = SyncEngine(api, lambda fn: fn(store), page_size=page_size)

            def progress(_done: int, _total: int) -> None:
                nonlocal pages
                pages += 1

            seconds, _ = timed(lambda: engine.bootstrap(progress))
            counts = {
                table: store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table, _key in BIG
            }
            assert counts == expected, (counts, expected)
            assert store.cursor is not None
            assert engine.pull(0.0).summary.entities == set()  # nothing left to fetch
            hits = store.conn.execute(  # the client's index also holds replies and authors
                "SELECT count(*) FROM search WHERE search MATCH 'text : refund'"
            ).fetchone()[0]
            assert hits == _server_hits(db_path, "refund")
            bare_seconds = _bare(store, directory / "bare.db")
        finally:
            store.close()
            api.close()
    return SyncRun(seconds, bare_seconds, counts, pages)


def _bare(source: LocalStore, path: Path) -> float:
    """Write the synced rows into a fresh client store with one executemany per table, and
    index them for search."""
    rows = {
        table: source.conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
        for table, _key in BIG
    }
    plain = {table: [tuple(r) for r in table_rows] for table, table_rows in rows.items()}
    target = LocalStore(path)
    try:

        def work() -> None:
            with target.transaction() as conn:
                for table, table_rows in plain.items():
                    if not table_rows:
                        continue
                    marks = ", ".join("?" * len(table_rows[0]))
                    conn.executemany(f"INSERT INTO {table} VALUES ({marks})", table_rows)
                # searchable, like the synced rows (before m005 the store's triggers did this
                # row by row inside the executemany)
                rebuild_search(conn)

        seconds, _ = timed(work)
        for table, table_rows in plain.items():
            count = target.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert count == len(table_rows)
        return seconds
    finally:
        target.close()


@pytest.mark.timeout(600)
def test_initial_sync_vs_bare_insert() -> None:
    n = scaled(100_000)
    with tempfile.TemporaryDirectory(prefix="webcare-bench-") as d:
        run = run_sync(n, Path(d))
    ratio = run.bare_seconds / run.seconds
    record(
        "Initial sync (client)",
        f"{ratio:.2f} of bare insert",
        "≥ 0.3",
        ratio >= 0.3,
        mentions=run.counts["mentions"],
        contacts=run.counts["contacts"],
        replies=run.counts["replies"],
        sync_s=round(run.seconds, 2),
        bare_s=round(run.bare_seconds, 2),
        pages=run.pages,
        mentions_per_s=round(run.counts["mentions"] / run.seconds),
    )
