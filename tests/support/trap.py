"""A loopback HTTP listener that records every request: the proof that untrusted markup shown by
the client (``<img src=…>``, ``background=…``) fetched nothing.

A pytest plugin (``pytest_plugins`` in tests/conftest.py): the ``trap`` fixture yields a running
:class:`Trap`; put ``trap.url`` into the markup, then assert ``trap.hits == []``.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest


@dataclass
class Trap:
    url: str = ""
    #: the paths requested, in order
    hits: list[str] = field(default_factory=list)


@pytest.fixture
def trap() -> Iterator[Trap]:
    found = Trap()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found.hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="trap"
    )
    thread.start()
    found.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield found
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)
