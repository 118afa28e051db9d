"""A write that fails transiently part-way through a request: the 503 tells the truth.

Each write of an outbox batch is its own transaction, so a batch can stop after some of them
were committed. Here another connection takes SQLite's write lock (as another process would)
right after the server's first commit, so the next write runs into ``database is locked``: the
``503`` must carry the results of what was applied, the client must record them as done and
send only the rest; and no ``503`` may say "nothing was changed" when something was.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type

from tests.support.client import HeadlessClient
from tests.support.outbox import claimed, count, reply, send
from tests.support.server import PASSWORD, TestServer, running_server, wait_until
from webcare.domain.models import Role
from webcare.server.services import accounts
from webcare.sync.engine import PushInterrupted, PushResult
from webcare.sync.loops import Backoff, SyncStatus, push_loop


class LockAfterCommits:
    """A commit listener: after the server's ``n``-th commit from now, another connection takes
    the write lock and keeps it until :meth:`release`."""

    def __init__(self, server: TestServer) -> None:
        self.blocker = sqlite3.connect(
            server.db_path, isolation_level=None, check_same_thread=False
        )
        self.left = 0
        self.locked = threading.Event()
        server.ctx.db.add_commit_listener(self)

    def arm(self, commits: int) -> None:
        self.left = commits

    def __call__(self) -> None:
        if self.left > 0:
            self.left -= 1
            if self.left == 0:
                self.blocker.execute("BEGIN IMMEDIATE")
                self.locked.set()

    def release(self) -> None:
        if self.locked.is_set():
            self.blocker.execute("ROLLBACK")
            self.locked.clear()

    def close(self) -> None:
        self.release()
        self.blocker.close()


@pytest.fixture
def busy_server(tmp_path: Path) -> Iterator[tuple[TestServer, LockAfterCommits]]:
    with running_server(tmp_path, busy_timeout_ms=200) as server:
        lock = LockAfterCommits(server)
        try:
            yield server, lock
        finally:
            lock.close()


def test_a_batch_stopped_part_way_answers_503_with_the_applied_results(
    busy_server: tuple[TestServer, LockAfterCommits],
) -> None:
    server, lock = busy_server
    mids = server.add_mentions(3)
    eva = server.user("eva")
    batch = [
        reply(i + 1, m, claimed(server, eva, m), body=f"Reply {i} ^Eva") for i, m in enumerate(mids)
    ]

    lock.arm(1)
    try:
        r = send(eva, *batch)
    finally:
        lock.release()
    assert r.status_code == 503
    assert r.headers["Retry-After"] == "1"
    body = r.json()
    assert body["error"] == "unavailable"
    assert body["message"] == (
        "The server is busy: 1 of 3 writes were applied; the rest were not. Try again shortly."
    )
    assert [(x["client_seq"], x["outcome"], x["entity_id"]) for x in body["results"]] == [
        (1, "accepted", "op-00000001")
    ]
    assert count(server, "SELECT count(*) FROM replies") == 1
    assert eva.get("/v1/clients/client-0001").json()["last_seq"] == 1

    # the whole batch again: the first is replayed, not repeated
    r = send(eva, *batch)
    assert r.status_code == 200
    results = r.json()["results"]
    assert [bool(x.get("replayed")) for x in results] == [True, False, False]
    assert [x["outcome"] for x in results] == ["accepted"] * 3
    assert count(server, "SELECT count(*) FROM replies") == 3


def test_a_batch_stopped_before_its_first_write_says_nothing_was_changed(
    busy_server: tuple[TestServer, LockAfterCommits],
) -> None:
    server, lock = busy_server
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    epoch = claimed(server, eva, mid)
    lock.blocker.execute("BEGIN IMMEDIATE")
    lock.locked.set()
    try:
        r = send(eva, reply(1, mid, epoch), reply(2, mid, epoch))
    finally:
        lock.release()
    assert r.status_code == 503
    assert r.json()["results"] == []
    assert r.json()["message"] == "The server is busy; nothing was changed. Try again shortly."
    assert count(server, "SELECT count(*) FROM replies") == 0


def test_client_records_what_a_503_says_was_applied_and_sends_only_the_rest(
    busy_server: tuple[TestServer, LockAfterCommits], tmp_path: Path
) -> None:
    server, lock = busy_server
    mids = server.add_mentions(3)
    server.add_user("eva")
    eva = HeadlessClient(server.url, "eva", tmp_path / "eva.db")
    try:
        entries = []
        for i, mid in enumerate(mids):
            epoch = eva.api.claim(mid)["mention"]["claim_epoch"]
            entries.append(
                eva.store.enqueue("reply", mid, {"body": f"Reply {i} ^Eva", "claim_epoch": epoch})
            )
        lock.arm(1)
        try:
            with pytest.raises(PushInterrupted) as failed:
                eva.engine.push()
        finally:
            lock.release()
        pushed = failed.value.pushed
        assert (pushed.sent, pushed.settled) == (3, 1)
        assert [r["op_id"] for r in pushed.results] == [entries[0].op_id]
        assert failed.value.retry_after_s == 1.0
        rows = {
            r["op_id"]: (r["state"], r["attempts"], r["last_error"])
            for r in eva.store.conn.execute("SELECT op_id, state, attempts, last_error FROM outbox")
        }
        assert rows[entries[0].op_id] == ("accepted", 0, None)  # as if it came in a 200
        for entry in entries[1:]:
            state, attempts, error = rows[entry.op_id]
            assert (state, attempts) == ("queued", 1)
            assert "1 of 3 writes were applied" in error

        again = eva.engine.push()
        assert (again.sent, again.settled) == (2, 2)  # only the rest is sent
        assert not any(r.get("replayed") for r in again.results)
        with server.ctx.db.read() as conn:
            bodies = sorted(r[0] for r in conn.execute("SELECT body FROM replies"))
        assert bodies == ["Reply 0 ^Eva", "Reply 1 ^Eva", "Reply 2 ^Eva"]
    finally:
        eva.close()


def test_push_loop_reports_the_applied_writes_of_a_503_before_backing_off(
    busy_server: tuple[TestServer, LockAfterCommits], tmp_path: Path
) -> None:
    server, lock = busy_server
    mids = server.add_mentions(2)
    server.add_user("eva")
    eva = HeadlessClient(server.url, "eva", tmp_path / "eva.db")
    pushed: list[PushResult] = []
    statuses: list[SyncStatus] = []
    stop, wake = threading.Event(), threading.Event()
    thread = threading.Thread(
        target=push_loop,
        args=(eva.engine, stop, wake, pushed.append, statuses.append),
        kwargs={"idle_s": 30.0, "backoff": Backoff(base_s=0.05, cap_s=0.2)},
    )
    try:
        for mid in mids:
            epoch = eva.api.claim(mid)["mention"]["claim_epoch"]
            eva.store.enqueue("reply", mid, {"body": f"Reply {mid} ^Eva", "claim_epoch": epoch})
        lock.arm(1)
        thread.start()
        wake.set()
        assert wait_until(lambda: any(not s.online for s in statuses), 10)
        assert [p.settled for p in pushed] == [1]  # reported although the push failed
        assert "1 of 2 writes were applied" in statuses[-1].message
        lock.release()
        assert wait_until(lambda: sum(p.settled for p in pushed) == 2, 10)  # the retry
    finally:
        stop.set()
        wake.set()
        thread.join(10)
        lock.release()
        eva.close()
    assert count(server, "SELECT count(*) FROM replies") == 2


def test_a_sign_in_that_saved_part_of_its_work_does_not_say_nothing_changed(
    busy_server: tuple[TestServer, LockAfterCommits],
) -> None:
    # Sibling: a sign-in is several writes when the stored hash has old parameters (the
    # throttle's attempt, the rehash, the throttle's success, the token). One failing after the
    # rehash must not claim the earlier ones did not happen.
    server, lock = busy_server
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1, type=Type.ID)
    old_hash = old.hash(PASSWORD)
    with server.ctx.db.write() as conn:
        accounts.insert_user(
            conn, username="eva", display_name="Eva", signature="^Eva", role=Role.AGENT,
            password_hash=old_hash, now=server.ctx.now(), actor_id=None,
        )  # fmt: skip
    lock.arm(2)  # the attempt and the rehash commit; the next write meets the lock
    try:
        r = server.anonymous().post(
            "/v1/auth/login", json={"username": "eva", "password": PASSWORD}
        )
    finally:
        lock.release()
    assert r.status_code == 503
    message = r.json()["message"]
    assert "nothing was changed" not in message
    assert message.startswith("The server is busy; part of this request was saved")
    with server.ctx.db.read() as conn:
        stored = conn.execute("SELECT password_hash FROM users WHERE username = 'eva'").fetchone()
    assert stored[0] != old_hash  # the rehash was indeed saved
    assert server.login("eva").token  # and signing in again works
