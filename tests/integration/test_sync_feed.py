"""Bootstrap pages and the change feed: cursors, paging, long-poll wake-up, 410."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from tests.support.sample import SAMPLE_EXIT
from tests.support.server import Api, TestServer
from webcare.server import changes


def pull_all(api: Api, since: int) -> tuple[list[dict[str, Any]], int]:
    out: list[dict[str, Any]] = []
    while True:
        page = api.get("/v1/changes", params={"since": since, "limit": 7}).json()
        out.extend(page["changes"])
        since = page["cursor"]
        if not page["has_more"]:
            return out, since


def test_bootstrap_pages_then_changes_give_the_full_state(server: TestServer) -> None:
    server.add_mentions(25)
    eva = server.user("eva")
    boot = eva.get("/v1/bootstrap").json()
    assert boot["me"]["username"] == "eva"
    assert boot["counts"]["mentions"] == 25
    assert boot["lease_s"] == 900
    assert "password_hash" not in str(boot)

    mentions: list[dict[str, Any]] = []
    after = 0
    while True:
        page = eva.get("/v1/bootstrap/mentions", params={"after": after, "limit": 10}).json()
        mentions.extend(page["items"])
        if page["next_after"] is None:
            break
        after = page["next_after"]
    assert len(mentions) == 25
    assert len({m["id"] for m in mentions}) == 25

    # a change after the bootstrap cursor arrives through the feed
    mid = mentions[0]["id"]
    eva.post(f"/v1/mentions/{mid}/claim")
    feed, cursor = pull_all(eva, boot["cursor"])
    assert [(c["entity"], c["id"]) for c in feed] == [("mention", str(mid))]
    assert feed[0]["data"]["status"] == "claimed"
    assert cursor > boot["cursor"]


def test_feed_pages_follow_the_log_and_send_current_state(server: TestServer) -> None:
    ids = server.add_mentions(10)
    eva = server.user("eva")
    for mid in ids[:3]:
        eva.post(f"/v1/mentions/{mid}/claim")
        eva.post(f"/v1/mentions/{mid}/release")
    feed, cursor = pull_all(eva, 0)
    with server.ctx.db.read() as conn:
        head = changes.max_seq(conn)
    assert cursor == head
    seqs = [c["seq"] for c in feed]
    assert seqs == sorted(seqs)
    latest = {}
    for c in feed:
        latest[(c["entity"], c["id"])] = c["data"]
    for mid in ids[:3]:
        assert latest[("mention", str(mid))]["status"] == "open"
        assert latest[("mention", str(mid))]["claim_epoch"] == 1
    assert {k for k in latest if k[0] == "mention"} == {("mention", str(m)) for m in ids}


def test_long_poll_wakes_up_when_another_agent_claims(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva, tom = server.user("eva"), server.user("tom")
    cursor = eva.get("/v1/bootstrap").json()["cursor"]
    got: dict[str, Any] = {}

    def poll() -> None:
        t0 = time.monotonic()
        r = eva.get("/v1/changes", params={"since": cursor, "wait": 20})
        got["elapsed"] = time.monotonic() - t0
        got["body"] = r.json()

    t = threading.Thread(target=poll)
    t.start()
    time.sleep(0.5)  # the poll is waiting now
    claimed_at = time.monotonic()
    assert tom.post(f"/v1/mentions/{mid}/claim").status_code == 200
    t.join(10)
    assert not t.is_alive()
    assert 0.4 < got["elapsed"] < 5
    assert time.monotonic() - claimed_at < 2
    change = got["body"]["changes"][0]
    assert change["entity"] == "mention"
    assert change["data"]["claim_agent_id"] == server.users["tom"]


def test_long_poll_returns_empty_after_wait(server: TestServer) -> None:
    eva = server.user("eva")
    cursor = eva.get("/v1/bootstrap").json()["cursor"]
    t0 = time.monotonic()
    page = eva.get("/v1/changes", params={"since": cursor, "wait": 0.6}).json()
    assert 0.5 < time.monotonic() - t0 < 5
    assert page["changes"] == []
    assert page["cursor"] == cursor


def test_cursor_from_the_future_or_compacted_is_410(server: TestServer) -> None:
    server.add_mentions(3)
    eva = server.user("eva")
    head = eva.get("/v1/bootstrap").json()["cursor"]
    r = eva.get("/v1/changes", params={"since": head + 100})
    assert r.status_code == 410
    assert r.json()["error"] == "cursor_ahead"
    with server.ctx.db.write() as conn:
        changes.compact(conn, head - 1)
    r = eva.get("/v1/changes", params={"since": 0})
    assert r.status_code == 410
    assert r.json()["error"] == "cursor_expired"
    assert "bootstrap again" in r.json()["message"]
    assert eva.get("/v1/changes", params={"since": head - 1}).status_code == 200


def test_import_by_another_process_wakes_long_polls(server: TestServer, tmp_path: Path) -> None:
    eva = server.user("eva")
    cursor = eva.get("/v1/bootstrap").json()["cursor"]
    got: dict[str, Any] = {}

    def poll() -> None:
        got["body"] = eva.get("/v1/changes", params={"since": cursor, "wait": 25}).json()

    t = threading.Thread(target=poll)
    t.start()
    time.sleep(0.3)
    sample = Path(__file__).parents[2] / "webcare" / "data" / "twcs_sample.csv"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "webcare",
            "import",
            "twcs",
            str(sample),
            "--db",
            str(server.db_path),
        ],
        check=False,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == SAMPLE_EXIT, done.stderr
    t.join(20)
    assert not t.is_alive()
    assert got["body"]["changes"], "the long-poll did not see the other process's import"


def test_deleted_entities_arrive_as_delete(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    cursor = eva.get("/v1/bootstrap").json()["cursor"]
    now = server.ctx.now()
    with server.ctx.db.write() as conn:
        conn.execute("DELETE FROM mentions WHERE id = ?", (mid,))
        changes.record(conn, "mention", mid, now, op="delete")
    page = eva.get("/v1/changes", params={"since": cursor}).json()
    assert page["changes"] == [
        {"seq": page["cursor"], "entity": "mention", "id": str(mid), "op": "delete", "data": None}
    ]
