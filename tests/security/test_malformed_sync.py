"""Malformed sync payloads, both ways.

Server: truncated JSON, wrong types, invalid UTF-8, huge bodies and 10 000-write batches get a
4xx with a message (never a 5xx), and the memory of a real server *process* (``webcare server``
in a subprocess, RSS read from /proc) stays bounded while it refuses them.

Client: a change page it cannot read (served by a local fake server) raises a Webcare error,
never anything else, and leaves the cursor and the store as they were; the pull loop lives on.
"""

from __future__ import annotations

import http.server
import json
import re
import shutil
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import pytest
import requests

from tests.security.common import RoleTokens, rounds
from tests.support.server import (
    PASSWORD,
    TestServer,
    password_hash,
    running_server,
    server_process,
    wait_until,
)
from webcare.client_store.store import LocalStore
from webcare.domain.errors import WebcareError
from webcare.domain.models import Role
from webcare.net.agent_api import ApiClient
from webcare.server.services import accounts
from webcare.storage.server_schema import open_server_db
from webcare.sync.engine import SyncEngine
from webcare.sync.loops import Backoff, SyncStatus, pull_loop

JSON = {"content-type": "application/json"}
LIMIT = 1024 * 1024


def _note(seq: int) -> dict[str, Any]:
    return {
        "client_seq": seq,
        "op_id": f"op-{seq:08d}",
        "type": "note",
        "mention_id": 1,
        "body": "x",
    }


def _batch(count: int) -> bytes:
    return json.dumps(
        {"client_id": "client-1", "mutations": [_note(i + 1) for i in range(count)]},
        separators=(",", ":"),
    ).encode()


BODIES: dict[str, tuple[bytes, set[int]]] = {
    "truncated": (_batch(3)[:-7], {400}),
    "truncated in a string": (b'{"client_id": "abc', {400}),
    "invalid utf-8": (b'{"client_id": "\xc3\x28\xa0\xa1", "mutations": []}', {400}),
    "utf-16": ('{"client_id": "client-1", "mutations": []}'.encode("utf-16"), {400, 422}),
    "wrong types": (b'{"client_id": ["x"], "mutations": {"a": 1}}', {422}),
    "mutation wrong types": (
        b'{"client_id": "client-1", "mutations": [{"client_seq": "1", "op_id": 5,'
        b' "type": ["note"], "mention_id": {}, "body": 7}]}',
        {422},
    ),
    "null": (b"null", {422}),
    "string": (b'"mutations"', {422}),
    "10 000 writes under the size limit": (_batch(10_000), {413, 422}),
    "10 000 writes with long bodies": (
        json.dumps(
            {
                "client_id": "client-1",
                "mutations": [{**_note(i + 1), "body": "y" * 200} for i in range(10_000)],
            }
        ).encode(),
        {413},
    ),
    "a 5 MiB body": (b'{"client_id": "' + b"a" * (5 * LIMIT) + b'"}', {413}),
    "a huge number": (
        b'{"client_id": "client-1", "mutations": [{"client_seq": 1' + b"0" * 5000 + b"}]}",
        {400, 422},
    ),
}


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestServer]:
    with running_server(tmp_path_factory.mktemp("malformed"), channels=False) as server:
        server.add_mentions(1)
        RoleTokens(server).create()
        yield server


@pytest.mark.parametrize("name", list(BODIES))
def test_malformed_outbox_posts_are_4xx_with_a_message(shared: TestServer, name: str) -> None:
    body, statuses = BODIES[name]
    eva = shared.anonymous()
    eva.session.headers["Authorization"] = f"Bearer {RoleTokens(shared).token('agent')}"
    r = eva.post("/v1/mutations", data=body, headers=JSON)
    assert r.status_code in statuses, (name, r.status_code, r.text[:300])
    assert r.json()["message"]
    with shared.ctx.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 0


def test_streamed_huge_body_without_length_is_413(shared: TestServer) -> None:
    eva = shared.anonymous()
    eva.session.headers["Authorization"] = f"Bearer {RoleTokens(shared).token('agent')}"

    def chunks() -> Iterator[bytes]:
        yield b'{"client_id": "'
        for _ in range(40):
            yield b"z" * 65536

    r = eva.post("/v1/mutations", data=chunks(), headers=JSON)
    assert r.status_code == 413
    assert r.json()["error"] == "body_too_large"


# --- server memory, measured on a real server process ---------------------------------------


def _rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    assert match
    return int(match.group(1))


@contextmanager
def team_server(tmp_path: Path) -> Iterator[tuple[str, str, subprocess.Popen[str]]]:
    db_path = tmp_path / "team.db"
    db = open_server_db(db_path)
    try:
        with db.write() as conn:
            user_id = accounts.insert_user(
                conn,
                username="eva",
                display_name="Eva",
                signature="^Eva",
                role=Role.AGENT,
                password_hash=password_hash(),
                now=time.time(),
                actor_id=None,
            )
        token = accounts.issue_token(db, user_id, time.time(), 3600, "memory test")
    finally:
        db.close()
    with server_process(db_path) as (url, proc):
        yield url, token, proc


def test_server_memory_stays_bounded_under_malformed_floods(tmp_path: Path) -> None:
    with team_server(tmp_path) as (url, token, proc):
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        session.headers.update(JSON)

        def flood(times: int) -> Counter[int]:
            seen: Counter[int] = Counter()
            for _ in range(times):
                for body, _statuses in BODIES.values():
                    r = session.post(url + "/v1/mutations", data=body, timeout=60)
                    seen[r.status_code] += 1
            return seen

        flood(1)  # warm up: imports, caches, the first connections
        before = _rss_kib(proc.pid)
        seen = flood(rounds(3, 20))
        after = _rss_kib(proc.pid)
        session.close()
        assert all(400 <= status < 500 for status in seen), seen
        growth_mib = (after - before) / 1024
        print(
            f"server RSS {before / 1024:.1f} MiB -> {after / 1024:.1f} MiB"
            f" after {sum(seen.values())} malformed posts {dict(seen)}"
        )
        assert growth_mib < 40, (before, after)


# --- the client: malformed change pages -----------------------------------------------------


class _FakeFeed(http.server.BaseHTTPRequestHandler):
    body: ClassVar[bytes] = b""
    hits: ClassVar[int] = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def fake_feed() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeFeed)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-feed"
    )
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def synced_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A local store bootstrapped once from a real server (mentions, users, a cursor)."""
    tmp_path = tmp_path_factory.mktemp("synced")
    with running_server(tmp_path / "srv", channels=False) as server:
        server.add_mentions(3, text="Storing!")
        server.add_user("eva")
        store = LocalStore(tmp_path / "client.db")
        try:
            with ApiClient(server.url) as api:
                api.login("eva", PASSWORD)
                SyncEngine(api, lambda fn: fn(store)).catch_up()
            db_id = store.get_state("db_id")
            assert db_id is not None and store.cursor is not None
        finally:
            store.close()
    return tmp_path / "client.db", db_id


@pytest.fixture
def synced_store(synced_file: tuple[Path, str], tmp_path: Path) -> Iterator[tuple[LocalStore, str]]:
    """A fresh copy of that store for each test."""
    path, db_id = synced_file
    shutil.copy(path, tmp_path / "client.db")
    store = LocalStore(tmp_path / "client.db")
    try:
        yield store, db_id
    finally:
        store.close()


def _mention(**changes: Any) -> dict[str, Any]:
    base = {
        "id": 1,
        "channel_id": 1,
        "source_id": "1",
        "contact_id": None,
        "text": "hacked",
        "created_at": "2026-01-01T00:00:00.000Z",
        "received_at": "2026-01-01T00:00:00.000Z",
        "status": "open",
        "priority": 1,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not ...}


def _page(db_id: str, changes: Any, **extra: Any) -> dict[str, Any]:
    return {
        "db_id": db_id,
        "changes": changes,
        "cursor": 999,
        "has_more": False,
        "head": 999,
        **extra,
    }


def _upsert(entity: str, data: Any, id_: Any = "1") -> dict[str, Any]:
    return {"seq": 999, "entity": entity, "id": id_, "op": "upsert", "data": data}


PageFn = Callable[[str], bytes]
PAGES: dict[str, PageFn] = {
    "truncated json": lambda d: json.dumps(_page(d, [_upsert("mention", _mention())])).encode()[
        :-20
    ],
    "not json": lambda d: b"<html>proxy error</html>",
    "a list": lambda d: b"[]",
    "changes not a list": lambda d: json.dumps(_page(d, {"a": 1})).encode(),
    "cursor a string": lambda d: json.dumps(_page(d, [], cursor="999")).encode(),
    "cursor true": lambda d: json.dumps(_page(d, [], cursor=True)).encode(),
    "cursor negative": lambda d: json.dumps(_page(d, [], cursor=-5)).encode(),
    "has_more missing": lambda d: json.dumps(
        {k: v for k, v in _page(d, []).items() if k != "has_more"}
    ).encode(),
    "change without entity": lambda d: json.dumps(
        _page(d, [{"id": "1", "op": "upsert", "data": _mention()}])
    ).encode(),
    "change without id": lambda d: json.dumps(
        _page(d, [{"entity": "mention", "op": "delete", "data": None}])
    ).encode(),
    "unknown op": lambda d: json.dumps(
        _page(d, [{**_upsert("mention", _mention()), "op": "drop"}])
    ).encode(),
    "data a list": lambda d: json.dumps(_page(d, [_upsert("mention", [1, 2])])).encode(),
    "mention missing text": lambda d: json.dumps(
        _page(d, [_upsert("mention", _mention(text=...))])
    ).encode(),
    "mention id a string": lambda d: json.dumps(
        _page(d, [_upsert("mention", _mention(id="abc"))])
    ).encode(),
    "mention date a number": lambda d: json.dumps(
        _page(d, [_upsert("mention", _mention(created_at=5))])
    ).encode(),
    "mention text an object": lambda d: json.dumps(
        _page(d, [_upsert("mention", _mention(text={"a": 1}))])
    ).encode(),
    "mention id beyond 64 bits": lambda d: json.dumps(
        _page(d, [_upsert("mention", _mention(id=2**70))])
    ).encode(),
    "reply missing mention": lambda d: json.dumps(
        _page(d, [_upsert("reply", {"id": "op-1", "body": "x"})])
    ).encode(),
    "user with null name": lambda d: json.dumps(
        _page(
            d,
            [
                _upsert(
                    "user",
                    {
                        "id": 1,
                        "username": None,
                        "display_name": None,
                        "signature": "",
                        "role": "agent",
                        "disabled": False,
                    },
                )
            ],
        )
    ).encode(),
    "good change then a bad one": lambda d: json.dumps(
        _page(
            d,
            [
                _upsert("mention", _mention(id=2, text="overwritten")),
                _upsert("mention", _mention(text=...)),
            ],
        )
    ).encode(),
}


def _snapshot(store: LocalStore) -> tuple[int | None, list[Any]]:
    rows = store.conn.execute("SELECT id, text, status FROM mentions ORDER BY id").fetchall()
    return store.cursor, [tuple(r) for r in rows]


@pytest.mark.parametrize("name", list(PAGES))
def test_a_malformed_change_page_moves_nothing(
    synced_store: tuple[LocalStore, str], fake_feed: str, name: str
) -> None:
    store, db_id = synced_store
    before = _snapshot(store)
    _FakeFeed.body = PAGES[name](db_id)
    with ApiClient(fake_feed, token="wct_test") as api:
        engine = SyncEngine(api, lambda fn: fn(store))
        with pytest.raises(WebcareError) as caught:
            engine.pull()
    assert caught.value.message
    assert _snapshot(store) == before


def test_an_unknown_entity_kind_is_skipped_without_crashing(
    synced_store: tuple[LocalStore, str], fake_feed: str
) -> None:
    # Documented forward compatibility (client_store/applier.py): a newer server's entity is
    # ignored, the rest of the page applies and the cursor moves, so an older client keeps syncing.
    store, db_id = synced_store
    _FakeFeed.body = json.dumps(
        _page(
            db_id,
            [
                _upsert("gadget", {"id": 1, "x": "<b>"}),
                _upsert("mention", _mention(id=1, text="new text")),
            ],
        )
    ).encode()
    with ApiClient(fake_feed, token="wct_test") as api:
        SyncEngine(api, lambda fn: fn(store)).pull()
    assert store.cursor == 999
    assert store.conn.execute("SELECT text FROM mentions WHERE id = 1").fetchone()[0] == "new text"


def test_the_pull_loop_survives_malformed_pages(
    synced_store: tuple[LocalStore, str], fake_feed: str
) -> None:
    store, db_id = synced_store
    cursor = store.cursor
    _FakeFeed.body = PAGES["mention missing text"](db_id)
    _FakeFeed.hits = 0
    statuses: list[SyncStatus] = []
    stop = threading.Event()
    lock = threading.Lock()

    def run_db(fn: Callable[[LocalStore], Any]) -> Any:
        with lock:
            return fn(store)

    with ApiClient(fake_feed, token="wct_test") as api:
        engine = SyncEngine(api, run_db)
        thread = threading.Thread(
            target=pull_loop,
            args=(engine, stop, lambda *_a: None, statuses.append),
            kwargs={"wait_s": 0.0, "backoff": Backoff(base_s=0.01, cap_s=0.05)},
            name="security-pull-loop",
        )
        thread.start()
        try:
            assert wait_until(lambda: _FakeFeed.hits >= 3, 10)
            assert thread.is_alive()  # the loop retries with backoff instead of dying
        finally:
            stop.set()
            thread.join(10)
    assert not thread.is_alive()
    assert statuses and not statuses[-1].online
    assert "cannot read" in statuses[-1].message
    assert store.cursor == cursor
