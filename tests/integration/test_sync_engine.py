"""The sync engine against a real server: bootstrap, feed, outbox exactly-once, resync."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.client import HeadlessClient
from tests.support.server import TestServer
from webcare.client_store.records import QueueFilter, View
from webcare.domain.errors import ValidationError
from webcare.domain.wire import BootstrapPage
from webcare.net.errors import OfflineError
from webcare.server import changes


@pytest.fixture
def eva(server: TestServer, tmp_path: Path) -> Iterator[HeadlessClient]:
    server.add_user("eva")
    client = HeadlessClient(server.url, "eva", tmp_path / "eva.db")
    yield client
    client.close()


def replies_on_server(server: TestServer) -> list[tuple[str, int, str]]:
    with server.ctx.db.read() as conn:
        return [tuple(r) for r in conn.execute("SELECT id, mention_id, body FROM replies")]


def test_bootstrap_in_pages_then_live_changes(server: TestServer, eva: HeadlessClient) -> None:
    mids = server.add_mentions(23)
    progress: list[tuple[int, int]] = []
    eva.engine.bootstrap(lambda done, total: progress.append((done, total)))
    assert eva.store.count(QueueFilter(View.ALL)) == 23
    assert progress[-1] == (24, 24)  # 23 mentions + 1 contact, in pages of 7
    tom = server.user("tom")
    tom.post(f"/v1/mentions/{mids[0]}/claim")
    result = eva.engine.pull(wait=5)
    assert mids[0] in result.summary.mention_ids
    row = eva.store.detail(mids[0])
    assert row is not None
    assert row.holder == "Tom"


def test_interrupted_bootstrap_resumes(server: TestServer, eva: HeadlessClient) -> None:
    server.add_mentions(30)
    calls = {"n": 0}
    real_page = eva.api.bootstrap_page

    def flaky(entity: str, after: int = 0, limit: int = 1000) -> BootstrapPage:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OfflineError("Cannot reach the team server (test).")
        return real_page(entity, after=after, limit=limit)

    eva.api.bootstrap_page = flaky  # type: ignore[method-assign]  # a fault put into the real client
    with pytest.raises(OfflineError):
        eva.engine.bootstrap()
    assert eva.store.cursor is None
    partial = eva.store.count(QueueFilter(View.ALL))
    assert 0 < partial < 30
    eva.engine.bootstrap()
    assert eva.store.count(QueueFilter(View.ALL)) == 30
    assert eva.store.cursor is not None


def test_outbox_reply_is_delivered_once_even_if_the_ack_is_lost(
    server: TestServer, eva: HeadlessClient
) -> None:
    (mid,) = server.add_mentions(1)
    eva.engine.catch_up()
    epoch = eva.api.claim(mid)["mention"]["claim_epoch"]
    entry = eva.store.enqueue("reply", mid, {"body": "Hoi! ^Eva", "claim_epoch": epoch})
    # the request reached the server and was applied, but the answer never came back
    eva.api.post_mutations(eva.store.client_id, [entry.wire()])
    assert eva.store.outbox_counts()["queued"] == 1
    results = eva.engine.push_all()
    assert [r["outcome"] for r in results] == ["accepted"]
    assert results[0]["replayed"] is True
    assert eva.store.outbox_counts() == {"queued": 0, "rejected": 0}
    assert replies_on_server(server) == [(entry.op_id, mid, "Hoi! ^Eva")]


def test_rejected_reply_keeps_its_text(server: TestServer, eva: HeadlessClient) -> None:
    (mid,) = server.add_mentions(1)
    tom = server.user("tom")
    eva.engine.catch_up()
    epoch = eva.api.claim(mid)["mention"]["claim_epoch"]
    eva.api.release(mid)
    tom.post(f"/v1/mentions/{mid}/claim")
    eva.store.enqueue("reply", mid, {"body": "Te laat ^Eva", "claim_epoch": epoch})
    (result,) = eva.engine.push_all()
    assert result["reason"] == "claim_lost"
    (kept,) = eva.store.rejected()
    assert kept.payload["body"] == "Te laat ^Eva"
    outbox = [i for i in eva.store.conversation(mid) if i.kind == "outbox"]
    assert [(i.state, i.text) for i in outbox] == [("rejected", "Te laat ^Eva")]
    assert replies_on_server(server) == []


def test_seq_conflict_registers_a_new_client_and_loses_nothing(
    server: TestServer, eva: HeadlessClient, tmp_path: Path
) -> None:
    m1, m2 = server.add_mentions(2)
    eva.engine.catch_up()
    e1 = eva.api.claim(m1)["mention"]["claim_epoch"]
    first = eva.store.enqueue("reply", m1, {"body": "Eerste ^Eva", "claim_epoch": e1})
    eva.engine.push_all()
    # the local store is restored from a backup taken before that write was acknowledged
    eva.store.conn.execute("DELETE FROM outbox WHERE op_id = ?", (first.op_id,))
    e2 = eva.api.claim(m2)["mention"]["claim_epoch"]
    second = eva.store.enqueue("reply", m2, {"body": "Tweede ^Eva", "claim_epoch": e2})
    assert second.client_seq == 1  # the same number the server already has for "Eerste"
    old_client = eva.store.client_id
    eva.engine.push_all()
    assert eva.store.client_id != old_client
    assert sorted(r[2] for r in replies_on_server(server)) == ["Eerste ^Eva", "Tweede ^Eva"]
    assert eva.store.outbox_counts()["queued"] == 0


def test_compacted_log_makes_the_client_resync_and_keep_its_outbox(
    server: TestServer, eva: HeadlessClient
) -> None:
    (mid,) = server.add_mentions(1)
    eva.engine.catch_up()
    cursor = eva.store.cursor
    assert cursor is not None
    eva.store.enqueue("note", mid, {"body": "bewaren"})
    server.add_mentions(2)
    with server.ctx.db.write() as conn:
        changes.compact(conn, changes.max_seq(conn))
    result = eva.engine.pull()
    assert result.resynced
    assert eva.store.count(QueueFilter(View.ALL)) == 3
    assert eva.store.outbox_counts()["queued"] == 1


def test_malformed_page_does_not_move_the_cursor(server: TestServer, eva: HeadlessClient) -> None:
    server.add_mentions(1)
    eva.engine.catch_up()
    cursor = eva.store.cursor
    real = eva.api.changes
    # a malformed page put into the real client (mypy rejects replacing a method)
    eva.api.changes = lambda *a, **k: {"db_id": "x", "changes": "garbage", "cursor": 999}  # type: ignore[method-assign,assignment]
    with pytest.raises(ValidationError):
        eva.engine.pull()
    assert eva.store.cursor == cursor
    eva.api.changes = real  # type: ignore[method-assign]  # the real method back
    eva.engine.pull()
    assert eva.store.cursor == cursor
