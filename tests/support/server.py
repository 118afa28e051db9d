"""A real team server on 127.0.0.1 (port 0) with a real SQLite file, for integration tests."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from webcare.channels.base import Author, Batch, ChannelInfo, IncomingMention
from webcare.domain.models import Role
from webcare.server.config import ServerConfig
from webcare.server.context import ServerContext
from webcare.server.run import ServerThread
from webcare.server.security import hash_password
from webcare.server.services import accounts, ingest

PASSWORD = "correct horse battery"
_HASH_CACHE: dict[str, str] = {}


def password_hash(password: str = PASSWORD) -> str:
    """A real argon2id hash, computed once per test session (hashing is slow by design)."""
    if password not in _HASH_CACHE:
        _HASH_CACHE[password] = hash_password(password)
    return _HASH_CACHE[password]


class FakeClock:
    """The server's clock, moved by the test (the server stamps every time with it)."""

    def __init__(self, start: float = 1_760_000_000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


class SourceAddressAdapter(HTTPAdapter):
    """Connections from a chosen local address: on Linux all of 127.0.0.0/8 reaches the
    loopback server, so ``127.0.0.2`` is a real, different client address."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


class Api:
    """A signed-in (or anonymous) HTTP session against the test server.

    ``source``: the local address to connect from (e.g. ``"127.0.0.2"``), so the server sees
    requests from different clients.
    """

    def __init__(self, base_url: str, token: str | None = None, source: str | None = None) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        if source is not None:
            self.session.mount("http://", SourceAddressAdapter(source))
        self.token = token
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.base_url + path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def close(self) -> None:
        self.session.close()


@dataclass
class TestServer:
    thread: ServerThread
    db_path: Path
    users: dict[str, int] = field(default_factory=dict)
    _next_source: int = 1
    _apis: list[Api] = field(default_factory=list)

    __test__ = False  # not a test class

    @property
    def url(self) -> str:
        return self.thread.url

    @property
    def ctx(self) -> ServerContext:
        ctx: ServerContext = self.thread.app.state.ctx
        return ctx

    def add_user(
        self,
        username: str,
        role: Role = Role.AGENT,
        *,
        name: str | None = None,
        signature: str | None = None,
    ) -> int:
        now = self.ctx.now()
        with self.ctx.db.write() as conn:
            user_id = accounts.insert_user(
                conn,
                username=username,
                display_name=name or username.capitalize(),
                signature=signature if signature is not None else f"^{username.capitalize()}",
                role=role,
                password_hash=password_hash(),
                now=now,
                actor_id=None,
            )
        self.users[username] = user_id
        return user_id

    def add_mentions(
        self,
        count: int = 1,
        *,
        brand: str = "Webcare",
        text: str = "Help, my internet is down",
        author: str = "jan",
        char_limit: int | None = 280,
        kind: str = "test",
    ) -> list[int]:
        """Mentions arriving through the real ingest path (as a connector would deliver them).

        ``kind`` is the channel's platform (how its replies are counted: ``mastodon``...).
        """
        now = self.ctx.now()
        start = self._next_source
        self._next_source += count
        batch = Batch(
            channel=ChannelInfo(
                kind=kind, name=f"@{brand} test", brand=brand, handle=f"@{brand}",
                char_limit=char_limit,
            ),
            mentions=[
                IncomingMention(
                    source_id=str(start + i),
                    author=Author(platform_user_id=author, handle=f"@{author}"),
                    text=text if count == 1 else f"{text} #{i}",
                    created_at=now - 60,
                )
                for i in range(count)
            ],
        )  # fmt: skip
        ingest.ingest(self.ctx.db, batch, now, history=False)
        with self.ctx.db.read() as conn:
            rows = conn.execute(
                "SELECT id FROM mentions WHERE CAST(source_id AS INTEGER) >= ?"
                " AND CAST(source_id AS INTEGER) < ? ORDER BY id",
                (start, start + count),
            ).fetchall()
        return [r[0] for r in rows]

    def anonymous(self, source: str | None = None) -> Api:
        api = Api(self.url, source=source)
        self._apis.append(api)
        return api

    def login(
        self,
        username: str,
        password: str = PASSWORD,
        *,
        source: str | None = None,
        device_id: str | None = None,
    ) -> Api:
        api = self.anonymous(source)
        body = {"username": username, "password": password}
        if device_id is not None:
            body["device_id"] = device_id
        r = api.post("/v1/auth/login", json=body)
        assert r.status_code == 200, r.text
        token = r.json()["token"]
        api.token = token
        api.session.headers["Authorization"] = f"Bearer {token}"
        return api

    def user(self, username: str, role: Role = Role.AGENT) -> Api:
        """Create the account and sign it in."""
        self.add_user(username, role)
        return self.login(username)

    def close(self) -> None:
        for api in self._apis:
            api.close()
        self.thread.stop()


@contextmanager
def running_server(tmp_path: Path, **config: Any) -> Iterator[TestServer]:
    db_path = tmp_path / "server.db"
    cfg = ServerConfig(db_path=db_path, **config)
    server = TestServer(ServerThread(cfg).start(), db_path)
    try:
        yield server
    finally:
        server.close()


def wait_until(predicate: Any, timeout: float = 5.0, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


@contextmanager
def server_process(
    db_path: Path,
    *,
    env: dict[str, str] | None = None,
    timeout: float = 15.0,
    prefix: Sequence[str] = (),
    extra_args: Sequence[str] = (),
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``webcare server`` on ``db_path`` as a process of its own (any free port), healthy;
    yields its URL and the process, and stops it with SIGINT (killed if it hangs).

    ``prefix`` runs it through another command that ends by ``exec``-ing it (a private mount
    namespace: :mod:`tests.support.small_fs`); ``extra_args`` are more server options."""
    proc = subprocess.Popen(
        [*prefix, sys.executable, "-m", "webcare", "server", "--db", str(db_path), "--port", "0",
         "--log-level", "warning", *extra_args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        assert match, line + (proc.stderr.read() if proc.stderr else "")
        url = match.group(1)
        assert wait_until(lambda: _healthy(url), timeout), "the server did not come up"
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()


def _healthy(url: str) -> bool:
    try:
        return requests.get(url + "/v1/health", timeout=1).status_code == 200
    except requests.ConnectionError:
        return False
