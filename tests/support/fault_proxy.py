"""A faulty network between real clients and the test server, and clients that sync through it.

:class:`FaultProxy` listens on 127.0.0.1 (port 0) and forwards HTTP/1.1 requests to the server,
one request per connection (it asks the server to close after answering). Per request it draws,
from a seeded schedule, one of:

* ``drop``: close the connection before forwarding anything (the server never sees the request);
* ``lose``: forward the request, read the server's whole answer, then close without answering
  (the server did the work; the client cannot know);
* ``dup``: send the request to the server twice at once, on two connections, and answer with one
  of the two responses (the server must treat the copy as a replay);
* ``delay``: wait a little before forwarding;
* ``pass``: forward as is.

``down`` refuses everything (the server looks unreachable); ``calm`` stops the faults.

:class:`SyncedClient` is one agent's client as the app runs it: the real ``LocalStore``,
``SyncEngine`` and ``ApiClient``, the store used from one DB thread only, and optionally the real
pull and push loops of :mod:`webcare.sync.loops` on their own threads.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import json
import random
import socket
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from webcare.client_store.mirror import MIRROR_TABLES
from webcare.client_store.store import LocalStore
from webcare.net.agent_api import ApiClient
from webcare.sync.engine import PushResult, SyncEngine
from webcare.sync.loops import Backoff, SyncStatus, pull_loop, push_loop

T = TypeVar("T")

_MAX_HEAD = 64 * 1024


class Fault(enum.StrEnum):
    PASS = "pass"
    DROP = "drop"
    LOSE = "lose"
    DUP = "dup"
    DELAY = "delay"


@dataclass
class FaultSchedule:
    """Which fault each request gets: seeded draws (one RNG, under the proxy's lock)."""

    seed: int
    drop: float = 0.0
    lose: float = 0.0
    dup: float = 0.0
    delay: float = 0.0
    max_delay_s: float = 0.2
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        assert self.drop + self.lose + self.dup + self.delay <= 1.0

    def draw(self) -> Fault:
        x = self.rng.random()
        for fault, p in (
            (Fault.DROP, self.drop),
            (Fault.LOSE, self.lose),
            (Fault.DUP, self.dup),
            (Fault.DELAY, self.delay),
        ):
            if x < p:
                return fault
            x -= p
        return Fault.PASS


class FaultProxy:
    """An HTTP/1.1 proxy on 127.0.0.1 that breaks requests on a seeded schedule."""

    def __init__(
        self,
        upstream_port: int,
        schedule: FaultSchedule | None = None,
        *,
        upstream_timeout_s: float = 60.0,
        paths: tuple[str, ...] = ("/",),
    ) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.schedule = schedule or FaultSchedule(seed=0)
        self.upstream_timeout_s = upstream_timeout_s
        #: only requests whose path starts with one of these get faults
        self.paths = paths
        self.stats: Counter[str] = Counter()
        self.upstream_requests: Counter[str] = Counter()  # "METHOD /path" -> sent to the server
        self._lock = threading.Lock()
        self._forced: list[Fault] = []
        self._faulty = True
        self._down = False
        self._stopped = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._threads: set[threading.Thread] = set()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self._listener.settimeout(0.1)  # accept() wakes up to see stop (close does not wake it)
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._acceptor = threading.Thread(target=self._accept, name="fault-proxy-accept")

    # --- control ----------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        self._acceptor.start()
        return self

    def calm(self) -> None:
        """No more faults (forced ones included): every request passes from now on."""
        with self._lock:
            self._faulty = False
            self._forced.clear()

    def storm(self, schedule: FaultSchedule | None = None) -> None:
        with self._lock:
            if schedule is not None:
                self.schedule = schedule
            self._faulty = True

    def set_down(self, down: bool) -> None:
        """Down: every connection is closed at once (the server looks unreachable)."""
        with self._lock:
            self._down = down

    def force(self, *faults: Fault) -> None:
        """The next requests (that match ``paths``) get these faults, in order."""
        with self._lock:
            self._forced.extend(faults)

    def stop(self, timeout: float = 10.0) -> None:
        self._stopped.set()
        try:
            self._listener.close()
        finally:
            with self._lock:
                sockets = list(self._sockets)
            for sock in sockets:
                _close(sock)
            if self._acceptor.is_alive():
                self._acceptor.join(timeout)
            deadline = time.monotonic() + timeout
            while True:
                with self._lock:
                    threads = list(self._threads)
                    sockets = list(self._sockets)
                for sock in sockets:
                    _close(sock)
                if not threads or time.monotonic() > deadline:
                    break
                for t in threads:
                    t.join(0.2)
            assert not threads, f"proxy threads still running: {len(threads)}"

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # --- serving ----------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                conn, _addr = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            with self._lock:
                if self._down or self._stopped.is_set():
                    self.stats["refused"] += 1
                    _close(conn)
                    continue
                self._sockets.add(conn)
                t = threading.Thread(target=self._serve, args=(conn,), name="fault-proxy-conn")
                self._threads.add(t)
            t.start()

    def _decide(self, path: str) -> Fault:
        with self._lock:
            if not self._faulty or not path.startswith(self.paths):
                return Fault.PASS
            if self._forced:
                return self._forced.pop(0)
            return self.schedule.draw()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(self.upstream_timeout_s)
            request = _read_request(conn)
            if request is None:
                return
            method, path = _request_line(request)
            fault = self._decide(path)
            with self._lock:
                self.stats[fault.value] += 1
            if fault is Fault.DROP:
                return
            if fault is Fault.DELAY:
                with self._lock:
                    delay = self.schedule.rng.uniform(0, self.schedule.max_delay_s)
                if self._stopped.wait(delay):
                    return
            if fault is Fault.DUP:
                responses: list[bytes | None] = [None, None]

                def send(i: int) -> None:
                    responses[i] = self._forward(request, method, path)

                twins = [
                    threading.Thread(target=send, args=(i,), name="fault-proxy-dup")
                    for i in range(2)
                ]
                for t in twins:
                    t.start()
                for t in twins:
                    t.join(self.upstream_timeout_s + 5)
                with self._lock:
                    pick = self.schedule.rng.randrange(2)
                response = responses[pick] or responses[1 - pick]
            else:
                response = self._forward(request, method, path)
            if response is None or fault is Fault.LOSE:
                return
            conn.sendall(response)
        except OSError:
            pass
        finally:
            _close(conn)
            with self._lock:
                self._sockets.discard(conn)
                self._threads.discard(threading.current_thread())

    def _forward(self, request: bytes, method: str, path: str) -> bytes | None:
        """Send one request to the server on a new connection; its whole answer, or None."""
        if self._stopped.is_set():
            return None
        up = socket.create_connection(self.upstream, timeout=self.upstream_timeout_s)
        with self._lock:
            self._sockets.add(up)
            self.upstream_requests[f"{method} {path.split('?', maxsplit=1)[0]}"] += 1
        try:
            up.sendall(request)
            chunks: list[bytes] = []
            while True:
                data = up.recv(65536)
                if not data:
                    break
                chunks.append(data)
            return b"".join(chunks) or None
        except OSError:
            return None
        finally:
            _close(up)
            with self._lock:
                self._sockets.discard(up)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def _read_request(conn: socket.socket) -> bytes | None:
    """One whole request (headers + Content-Length body), rewritten to ``Connection: close``."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        data = conn.recv(65536)
        if not data:
            return None
        buf += data
        if len(buf) > _MAX_HEAD:
            return None
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    kept = [lines[0]]
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        key = name.strip().lower()
        if key == b"content-length":
            length = int(value.strip())
        if key in (b"connection", b"keep-alive"):
            continue
        if key == b"transfer-encoding":
            return None  # the client under test never streams request bodies
        kept.append(line)
    kept.append(b"Connection: close")
    while len(body) < length:
        data = conn.recv(65536)
        if not data:
            return None
        body += data
    return b"\r\n".join(kept) + b"\r\n\r\n" + body[:length]


def _request_line(request: bytes) -> tuple[str, str]:
    parts = request.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
    return parts[0], parts[1] if len(parts) > 1 else "/"


# --- a client as the app runs it ------------------------------------------------------------


class SyncedClient:
    """The real client pieces with the store on one DB thread, like the app's TaskRunner.

    ``token`` comes from the server (no password round trip per test); ``api_url`` may be the
    server or a :class:`FaultProxy` in front of it.
    """

    def __init__(
        self,
        api_url: str,
        token: str,
        username: str,
        user_id: int,
        path: Path,
        *,
        read_timeout: float = 10.0,
    ) -> None:
        self.username = username
        self.user_id = user_id
        self.api = ApiClient(api_url, token=token, connect_timeout=2.0, read_timeout=read_timeout)
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"webcare-db-{username}")
        self.store: LocalStore = self._db.submit(LocalStore, path).result()
        self.engine = SyncEngine(self.api, self.run_db, page_size=7, push_batch=5)
        self.stop_event = threading.Event()
        self.wake = threading.Event()
        self.pushed: list[PushResult] = []
        self.statuses: list[SyncStatus] = []
        self.loop_errors: list[BaseException] = []
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def run_db(self, fn: Callable[[LocalStore], T]) -> T:
        return self._db.submit(fn, self.store).result()

    # --- the two loops ----------------------------------------------------------------------

    def start_loops(self, seed: int, *, wait_s: float = 0.5, cap_s: float = 0.4) -> None:
        self.stop_event.clear()

        def guarded(target: Callable[[], None]) -> Callable[[], None]:
            def run() -> None:
                try:
                    target()
                except BaseException as exc:
                    with self._lock:
                        self.loop_errors.append(exc)

            return run

        def on_pushed(result: PushResult) -> None:
            with self._lock:
                self.pushed.append(result)

        def on_status(status: SyncStatus) -> None:
            with self._lock:
                self.statuses.append(status)

        pull = guarded(
            lambda: pull_loop(
                self.engine, self.stop_event, lambda _s, _r: None, on_status, wait_s=wait_s,
                backoff=Backoff(base_s=0.05, cap_s=cap_s, rng=random.Random(seed)),
            )
        )  # fmt: skip
        push = guarded(
            lambda: push_loop(
                self.engine, self.stop_event, self.wake, on_pushed, on_status, idle_s=5.0,
                backoff=Backoff(base_s=0.05, cap_s=cap_s, rng=random.Random(seed + 1)),
            )
        )  # fmt: skip
        self._threads = [
            threading.Thread(target=pull, name=f"webcare-pull-{self.username}"),
            threading.Thread(target=push, name=f"webcare-push-{self.username}"),
        ]
        for t in self._threads:
            t.start()

    def stop_loops(self, timeout: float = 15.0) -> None:
        self.stop_event.set()
        self.wake.set()
        for t in self._threads:
            t.join(timeout)
        alive = [t.name for t in self._threads if t.is_alive()]
        self._threads = []
        assert not alive, f"sync loops did not stop: {alive}"

    # --- writes -----------------------------------------------------------------------------

    def enqueue(self, type_: str, mention_id: int, payload: dict[str, Any]) -> str:
        """Commit a write locally and wake the sender (what the window does); its op id."""
        entry = self.run_db(lambda s: s.enqueue(type_, mention_id, payload))
        self.wake.set()
        return entry.op_id

    def outbox(self) -> list[dict[str, Any]]:
        def read(s: LocalStore) -> list[dict[str, Any]]:
            rows = s.conn.execute(
                "SELECT op_id, type, mention_id, payload, state, result FROM outbox ORDER BY id"
            ).fetchall()
            return [
                {
                    "op_id": r["op_id"],
                    "type": r["type"],
                    "mention_id": r["mention_id"],
                    "payload": json.loads(r["payload"]),
                    "state": r["state"],
                    "result": json.loads(r["result"]) if r["result"] else None,
                }
                for r in rows
            ]

        return self.run_db(read)

    def queued(self) -> int:
        return self.run_db(lambda s: s.outbox_counts()["queued"])

    def cursor(self) -> int | None:
        return self.run_db(lambda s: s.cursor)

    def digests(self) -> dict[str, tuple[int, str]]:
        return self.run_db(lambda s: mirror_digests(s.conn))

    def close(self) -> None:
        if self._threads:
            self.stop_loops()
        try:
            self.run_db(lambda s: s.close())
        finally:
            self._db.shutdown(wait=True)
            self.api.close()


def mirror_digests(conn: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    """Per mirror table: (rows, sha256 of the rows in id order).

    Columns ending in ``_local`` are left out: they hold this machine's clock (a lease's local
    expiry), which differs per client by design.
    """
    out: dict[str, tuple[int, str]] = {}
    for table in MIRROR_TABLES:
        cols = [
            r[1]
            for r in conn.execute(f"PRAGMA table_info({table})").fetchall()
            if not str(r[1]).endswith("_local")
        ]
        rows = conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY id").fetchall()
        digest = hashlib.sha256()
        for row in rows:
            digest.update(json.dumps(list(row), sort_keys=True, default=str).encode())
            digest.update(b"\n")
        out[table] = (len(rows), digest.hexdigest())
    return out


def server_digests(api_url: str, token: str, path: Path) -> dict[str, tuple[int, str]]:
    """The server's state as a fresh client gets it from ``/v1/bootstrap``, digested alike."""
    api = ApiClient(api_url, token=token)
    store = LocalStore(path)
    try:
        SyncEngine(api, lambda fn: fn(store), page_size=500).bootstrap()
        return mirror_digests(store.conn)
    finally:
        store.close()
        api.close()
