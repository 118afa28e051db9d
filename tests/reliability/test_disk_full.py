"""The team server's disk runs full, and is freed again.

A real ``webcare server`` process keeps its database on a 2 MiB file system made for it alone
(a tmpfs, or an ext4 image, in a private mount namespace: :mod:`tests.support.small_fs`). A real
client (``SyncEngine`` with its own ``LocalStore``) pushes replies while a filler file takes the
rest of the disk, until a batch fails part-way. That ``503`` must carry the results of the
writes that were applied, the client must record them as done (so a retry does not send them
again), and once the filler is gone the server must give the WAL's space back and take pushes
within seconds: every reply on the server exactly once, nothing lost.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from tests.support.server import server_process
from tests.support.small_fs import SmallFs, find_small_fs
from webcare.channels.base import Author, Batch, ChannelInfo, IncomingMention
from webcare.client_store.store import LocalStore
from webcare.domain.errors import TransientError
from webcare.domain.models import Role
from webcare.net.agent_api import ApiClient
from webcare.net.errors import OutboxInterrupted
from webcare.server.services import accounts, ingest
from webcare.storage.db import WAL_LIMIT_BYTES
from webcare.storage.server_schema import open_server_db
from webcare.sync.engine import PushInterrupted, SyncEngine

DISK = 2 * 1024 * 1024
KINDS = ("tmpfs", "ext4 image")
BATCH = 10


@pytest.fixture(params=KINDS)
def small_fs(request: pytest.FixtureRequest, tmp_path: Path) -> SmallFs:
    """Each kind of small file system this machine allows (the first one at least)."""
    fs, reasons = find_small_fs(tmp_path / "fs", DISK, kinds=KINDS[KINDS.index(request.param) :])
    if fs is None:
        pytest.skip("cannot make a small file system here: " + "; ".join(reasons))
    if fs.kind != request.param:
        pytest.skip(f"{request.param} not possible here; tested on {fs.kind}")
    return fs


def _seed(db: Path, mentions: int) -> tuple[str, list[int]]:
    """An agent with a token and ``mentions`` mentions, before the server runs."""
    database = open_server_db(db)
    now = time.time()
    try:
        with database.write() as conn:
            user_id = accounts.insert_user(
                conn, username="eva", display_name="Eva", signature="^Eva", role=Role.AGENT,
                password_hash=None, now=now, actor_id=None,
            )  # fmt: skip
        token = accounts.issue_token(database, user_id, now, 86400.0, "disk test")
        batch = Batch(
            channel=ChannelInfo(kind="test", name="@Webcare test", brand="Webcare",
                                handle="@Webcare", char_limit=2000),
            mentions=[
                IncomingMention(
                    source_id=str(i + 1),
                    author=Author(platform_user_id=f"cust{i}", handle=f"@cust{i}"),
                    text=f"Help, my internet is down #{i}", created_at=now - 60,
                )
                for i in range(mentions)
            ],
        )  # fmt: skip
        ingest.ingest(database, batch, now, history=False)
        with database.read() as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM mentions ORDER BY id")]
        database.checkpoint()
    finally:
        database.close()
    # a compact file to copy onto the small disk: a new database holds the free pages of the
    # full-text index that m010 drops, and a write that reuses them fits on a "full" disk
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
    return token, ids


def _fill(filler: Path) -> None:
    """Append to ``filler`` until the disk has no room left."""
    fd = os.open(filler, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 512):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:  # a short write takes what fits; the next one fails
                continue
        os.fsync(fd)
    finally:
        os.close(fd)


def _free(path: Path) -> int:
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


@pytest.mark.timeout(240)
def test_full_disk_batch_reports_applied_writes_and_recovers(
    tmp_path: Path, small_fs: SmallFs
) -> None:
    seed = tmp_path / "seed.db"
    token, mention_ids = _seed(seed, mentions=12)
    db_inside = small_fs.mount_point / "team.db"
    with server_process(
        db_inside,
        prefix=small_fs.prefix((seed, db_inside)),
        extra_args=["--lease-seconds", "3600"],
        timeout=30,
    ) as (url, proc):
        disk = small_fs.view(proc.pid)
        wal = disk / "team.db-wal"
        api = ApiClient(url, token=token, connect_timeout=5, read_timeout=30)
        store = LocalStore(tmp_path / "eva.db")
        engine = SyncEngine(api, lambda fn: fn(store), push_batch=BATCH)
        bodies: dict[str, str] = {}  # op_id -> body
        try:
            engine.bootstrap()
            epochs = {m: api.claim(m)["mention"]["claim_epoch"] for m in mention_ids}

            def top_up() -> None:
                """Keep one batch of replies queued."""
                for _ in range(BATCH - len(store.unsent(BATCH))):
                    k = len(bodies)
                    mention_id = mention_ids[k % len(mention_ids)]
                    body = f"Reply {k}: we are looking into it {'.' * (k * 37 % 400)}!"
                    entry = store.enqueue(
                        "reply", mention_id, {"body": body, "claim_epoch": epochs[mention_id]}
                    )
                    bodies[entry.op_id] = body

            top_up()
            assert engine.push().settled == BATCH  # room enough at first
            filler = disk / "filler"
            _fill(filler)

            # Push until a batch fails part-way; free a little more room each time one fails
            # before its first write, fill up again when one fits entirely.
            partial: PushInterrupted | None = None
            step, failed, fitted = 16 * 1024, 0, 0
            for _ in range(60):
                top_up()
                try:
                    engine.push()
                except PushInterrupted as exc:
                    failed += 1
                    if exc.pushed.settled:
                        partial = exc
                        break
                    filler.write_bytes(b"\0" * max(0, _size(filler) - step))
                    step *= 2
                else:
                    fitted += 1
                    _fill(filler)
            assert partial is not None, f"no batch failed part-way ({failed} failed, {fitted} fit)"
            wal_full = _size(wal)

            # the 503 says truly what was applied, and carries their results
            cause = partial.__cause__
            assert isinstance(cause, OutboxInterrupted)
            applied = partial.pushed.results
            message = re.match(
                r"The server's disk is full: (\d+) of (\d+) writes were applied; the rest were"
                r" not\.",
                cause.message,
            )
            assert message, cause.message
            assert int(message.group(1)) == len(applied) == partial.pushed.settled
            assert int(message.group(2)) == BATCH
            assert all(r["outcome"] == "accepted" and r["entity"] == "reply" for r in applied)
            # ... and the client recorded them exactly as if they had come in a 200
            states = dict(store.conn.execute("SELECT op_id, state FROM outbox"))
            assert all(states[r["op_id"]] == "accepted" for r in applied)
            queued = [e.op_id for e in store.unsent(100)]
            assert len(queued) == BATCH - len(applied)
            assert not set(queued) & {r["op_id"] for r in applied}

            # while the disk stays full, retries fail and say nothing was changed
            for _ in range(3):
                with pytest.raises(TransientError) as retry:
                    engine.push()
                assert "nothing was changed" in retry.value.message, retry.value.message
            assert [e.op_id for e in store.unsent(100)] == queued

            # free the disk: the server recovers by itself within seconds
            filler.unlink()
            freed_at = time.monotonic()
            while store.unsent(1):
                assert time.monotonic() - freed_at < 10, "the server did not recover in 10 s"
                try:
                    engine.push()
                except TransientError:
                    time.sleep(0.1)
            recovered_s = time.monotonic() - freed_at
            wal_recovered = _size(wal)

            # and goes on taking pushes with a bounded WAL; its space came back (a truncating
            # checkpoint that met a reader at the first push is done at one of the next)
            wal_max = 0
            for _ in range(6):
                top_up()
                assert engine.push().settled == BATCH
                wal_max = max(wal_max, _size(wal))
                wal_recovered = min(wal_recovered, _size(wal))
            assert wal_recovered < wal_full
            assert wal_recovered <= WAL_LIMIT_BYTES
            assert wal_max <= WAL_LIMIT_BYTES
            free_after = _free(disk)
            assert dict(store.conn.execute("SELECT state, count(*) FROM outbox GROUP BY 1")) == {
                "accepted": len(bodies)
            }

            # the server has every reply exactly once: nothing lost, nothing doubled
            reference = LocalStore(tmp_path / "reference.db")
            try:
                SyncEngine(api, lambda fn: fn(reference)).bootstrap()
                served = Counter(
                    body for (body,) in reference.conn.execute("SELECT body FROM replies")
                )
                ids = dict(reference.conn.execute("SELECT id, body FROM replies"))
            finally:
                reference.close()
            assert [b for b, n in served.items() if n > 1] == []
            assert sorted(served) == sorted(bodies.values())
            assert ids == bodies
            # (SQLite resolves /proc/<pid>/root to our own root: check a copy; nothing writes now)
            copy = tmp_path / "copy"
            copy.mkdir()
            for name in ("team.db", "team.db-wal"):
                if (disk / name).exists():
                    shutil.copyfile(disk / name, copy / name)
            with closing(sqlite3.connect(copy / "team.db")) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                assert conn.execute("SELECT count(*) FROM replies").fetchone() == (len(bodies),)
            print(
                f"\n{small_fs.kind} of {DISK // 1024} KiB: {failed} failed pushes before one"
                f" failed part-way ({len(applied)} of {BATCH} applied), {fitted} fitted;"
                f" WAL {wal_full // 1024} KiB when full, {wal_recovered // 1024} KiB after"
                f" recovering in {recovered_s:.2f} s, at most {wal_max // 1024} KiB after;"
                f" {free_after // 1024} KiB free; {len(bodies)} replies, each once"
            )
        finally:
            store.close()
            api.close()
