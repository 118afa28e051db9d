"""A local web server serving RSS and Atom documents, with conditional GET, for the RSS tests.

Each document gets a strong ``ETag`` (a hash of its bytes) and a ``Last-Modified`` date;
``If-None-Match`` / ``If-Modified-Since`` that still match are answered ``304 Not Modified``, as
RFC 9110 says (``If-None-Match`` wins when both are sent). A path can be made to fail with any
status, and any bytes can be served (malformed XML, an XML bomb).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from xml.sax.saxutils import escape

RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


@dataclass
class Document:
    body: bytes
    content_type: str
    modified: float
    etag: bool = True  # send validators
    status: int = 200  # anything else: fail with this status


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    summary: str
    link: str
    author: str | None = None
    published: float = 1_700_000_000.0


def rss(title: str, entries: list[Entry]) -> bytes:
    """An RSS 2.0 document (descriptions as escaped HTML, as feeds usually do)."""
    items = []
    for e in entries:
        author = f"<dc:creator>{escape(e.author)}</dc:creator>" if e.author is not None else ""
        items.append(
            f"<item><title>{escape(e.title)}</title><link>{escape(e.link)}</link>"
            f'<guid isPermaLink="false">{escape(e.id)}</guid>'
            f"<description>{escape(e.summary)}</description>"
            f"<pubDate>{formatdate(e.published, usegmt=True)}</pubDate>{author}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{escape(title)}</title><link>https://news.example/</link>"
        f"<description>News</description>{''.join(items)}</channel></rss>"
    ).encode()


def atom(title: str, entries: list[Entry]) -> bytes:
    """An Atom 1.0 document (summaries as ``type="html"``)."""
    parts = []
    for e in entries:
        author = f"<author><name>{escape(e.author)}</name></author>" if e.author is not None else ""
        stamp = _rfc3339(e.published)
        parts.append(
            f"<entry><id>{escape(e.id)}</id><title>{escape(e.title)}</title>"
            f'<link rel="alternate" href="{escape(e.link)}"/>'
            f"<published>{stamp}</published><updated>{stamp}</updated>{author}"
            f'<summary type="html">{escape(e.summary)}</summary></entry>'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>"
        f"<updated>{_rfc3339(1_700_000_000.0)}</updated>{''.join(parts)}</feed>"
    ).encode()


def _rfc3339(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FeedServer:
    """Serves documents by path; use as a context manager (joins its thread on exit)."""

    def __init__(self) -> None:
        self.documents: dict[str, Document] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, lower-cased headers)
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.feeds = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-feeds"
        )

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def put(
        self,
        path: str,
        body: bytes,
        content_type: str = RSS_TYPE,
        *,
        modified: float = 1_700_000_000.0,
        validators: bool = True,
    ) -> str:
        """Serve ``body`` at ``path``; returns the full URL."""
        with self._lock:
            self.documents[path] = Document(body, content_type, modified, validators)
        return self.url(path)

    def fail(self, path: str, status: int) -> str:
        with self._lock:
            document = self.documents.get(path) or Document(b"", "text/plain", 0.0)
            document.status = status
            self.documents[path] = document
        return self.url(path)

    def hits(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]

    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.requests.append((path, headers))
            document = self.documents.get(path)
        if document is None:
            return 404, {"Content-Type": "text/plain"}, b"Not Found"
        if document.status != 200:
            return document.status, {"Content-Type": "text/plain"}, b"Something went wrong"
        reply: dict[str, str] = {"Content-Type": document.content_type}
        if not document.etag:
            return 200, reply, document.body
        etag = '"' + hashlib.sha256(document.body).hexdigest()[:20] + '"'
        reply["ETag"] = etag
        reply["Last-Modified"] = formatdate(document.modified, usegmt=True)
        if "if-none-match" in headers:
            candidates = [t.strip() for t in headers["if-none-match"].split(",")]
            if etag in candidates or "*" in candidates:
                return 304, reply, b""
        elif "if-modified-since" in headers:
            try:
                since = parsedate_to_datetime(headers["if-modified-since"]).timestamp()
            except (TypeError, ValueError):
                since = None
            if since is not None and int(document.modified) <= since:
                return 304, reply, b""
        return 200, reply, document.body


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins the request threads
    block_on_close = True
    feeds: FeedServer


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 5

    def do_GET(self) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, reply, body = self.server.feeds.answer(self.path, headers)
        self.send_response(status)
        for name, value in reply.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass
