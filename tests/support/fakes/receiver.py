"""A webhook receiver on 127.0.0.1: where a webhook channel POSTs its replies.

It checks the signature like a real receiver would, keeps every post it accepted, and honours
the Idempotency-Key (a second POST with the same key returns the first post's id). Tests can
queue failures (a status and body for the next requests) or make it "lose" the answer: the post
is stored, then the connection is closed without a response, as if the network dropped it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Receiver:
    secret: str = ""
    posts: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0
    failures: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    lose_answers: int = 0
    by_key: dict[str, str] = field(default_factory=dict)
    bad_signatures: int = 0
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, status: int, body: dict[str, Any] | None = None, times: int = 1) -> None:
        with self.lock:
            self.failures.extend([(status, body or {"error": "failure"})] * times)


def _handler(state: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            stamp = self.headers.get("X-Webcare-Timestamp", "")
            mac = hmac.new(state.secret.encode(), stamp.encode() + b"." + raw, hashlib.sha256)
            with state.lock:
                state.requests += 1
                if self.headers.get("X-Webcare-Signature") != "sha256=" + mac.hexdigest():
                    state.bad_signatures += 1
                    self._answer(401, {"error": "bad signature"})
                    return
                if state.failures:
                    status, body = state.failures.pop(0)
                    self._answer(status, body)
                    return
                key = self.headers.get("Idempotency-Key", "")
                if key and key in state.by_key:
                    self._answer(200, {"id": state.by_key[key]})
                    return
                post = json.loads(raw)
                post_id = f"post-{len(state.posts) + 1}"
                state.posts.append({**post, "id": post_id, "key": key})
                if key:
                    state.by_key[key] = post_id
                if state.lose_answers:
                    state.lose_answers -= 1
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
            self._answer(201, {"id": post_id})

    return Handler


@contextmanager
def receiver(secret: str = "") -> Iterator[Receiver]:
    state = Receiver(secret=secret)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/replies"
    thread = threading.Thread(
        target=server.serve_forever, name="ThreadPoolExecutor-receiver", daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
