"""A fake Mastodon server for the connector tests: real HTTP on 127.0.0.1, documented shapes.

:class:`FakePlatform` is the shared part (also used by the Bluesky fake): a
``ThreadingHTTPServer`` on a free port in its own thread, started and stopped as a context
manager (the server thread and every request thread are joined on exit), a log of the requests,
failures injected for the next N requests, and "lost acks" (the write happens, then the
connection is closed without an answer).

:class:`FakeMastodon` reproduces what the connector uses of the Mastodon REST API
(docs.joinmastodon.org): bearer-token auth (401 ``{"error": "The access token is invalid"}``),
``GET /api/v1/notifications`` with ``types[]``, ``limit``, ``max_id``, ``min_id`` and
``since_id`` and a ``Link`` header, ``verify_credentials``, an account's statuses,
``POST /api/v2/media`` (multipart upload, 202 while "processing" when asked) and
``GET /api/v1/media/:id``, files served like a CDN at ``/system/media_attachments/...`` (no
token needed; the tokens sent there are logged), ``POST /api/v1/statuses`` with
``Idempotency-Key`` and ``media_ids`` (same key, same status, no new post; the text
held to the limit as ``StatusLengthValidator`` counts: graphemes, a URL as 23, a remote mention
without its domain, 422 "Text character limit of 500 exceeded" past it) and the
``X-RateLimit-*`` headers (reset as an ISO 8601 time) on every answer.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

import regex

from tests.support.fakes import multipart


def iso(epoch: float) -> str:
    """``2024-05-01T10:00:00.000Z``, as Mastodon and Bluesky write times."""
    text = datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


@dataclass
class Response:
    status: int = 200
    body: Any = None  # JSON-able, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Streamed:
    """A body sent without Content-Length (a reader must stop by itself)."""

    data: bytes
    content_type: str = "application/octet-stream"


@dataclass
class Failure:
    status: int
    body: Any
    headers: dict[str, str]
    path: str | None  # only requests whose path contains this
    close: bool  # close the connection without an answer


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # request threads are joined by server_close()
    block_on_close = True
    platform: FakePlatform


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection: no stale keep-alive sockets
    server: _Server
    timeout = 5

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet tests

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=url.path,
            query=parse_qs(url.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        response = self.server.platform.answer(request)
        if response is None:
            self.close_connection = True  # lost ack: nothing is written back
            return
        if isinstance(response.body, bytes):
            payload = response.body
            content_type = "text/plain; charset=utf-8"
        elif isinstance(response.body, Streamed):  # no Content-Length: read until closed
            self.send_response(response.status)
            for name, value in {"Content-Type": response.body.content_type,
                                **response.headers}.items():  # fmt: skip
                self.send_header(name, value)
            self.end_headers()
            sent = 0
            try:
                while sent < len(response.body.data):
                    self.wfile.write(response.body.data[sent : sent + 65536])
                    sent += 65536
            except (BrokenPipeError, ConnectionResetError):
                pass  # the reader stopped at its limit
            self.close_connection = True
            return
        else:
            payload = json.dumps(response.body).encode()
            content_type = "application/json; charset=utf-8"
        self.send_response(response.status)
        headers = {"Content-Type": content_type, **response.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class FakePlatform:
    """A platform on ``http://127.0.0.1:<port>``; subclasses implement :meth:`route`."""

    name = "fake"

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.requests: list[Request] = []
        self._failures: list[Failure] = []
        self._lost_acks = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle --------------------------------------------------------------------------
    def __enter__(self) -> Self:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.platform = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-{self.name}",
            daemon=True,
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()  # joins the request threads
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "use the fake as a context manager"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # --- test controls -----------------------------------------------------------------------
    def fail_next(
        self,
        count: int = 1,
        status: int = 500,
        *,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        path: str | None = None,
        close: bool = False,
    ) -> None:
        """Answer the next ``count`` requests (to ``path``, if given) with this instead."""
        with self.lock:
            for _ in range(count):
                self._failures.append(Failure(status, body, dict(headers or {}), path, close))

    def lose_next_ack(self, count: int = 1) -> None:
        """The next ``count`` writes are done, then the connection closes without an answer."""
        with self.lock:
            self._lost_acks += count

    def take_lost_ack(self) -> bool:
        with self.lock:
            if self._lost_acks > 0:
                self._lost_acks -= 1
                return True
            return False

    def calls(self, path_part: str, method: str | None = None) -> list[Request]:
        with self.lock:
            return [
                r
                for r in self.requests
                if path_part in r.path and (method is None or r.method == method)
            ]

    # --- serving -----------------------------------------------------------------------------
    def answer(self, request: Request) -> Response | None:
        with self.lock:
            self.requests.append(request)
            failure = next(
                (f for f in self._failures if f.path is None or f.path in request.path), None
            )
            if failure is not None:
                self._failures.remove(failure)
                if failure.close:
                    return None
                return Response(
                    failure.status,
                    failure.body if failure.body is not None else self.error_body(failure.status),
                    {**self.rate_headers(), **failure.headers},
                )
            response = self.route(request)
            if response is not None:
                response.headers = {**self.rate_headers(), **response.headers}
            return response

    def route(self, request: Request) -> Response | None:
        raise NotImplementedError

    def rate_headers(self) -> dict[str, str]:
        return {}

    def error_body(self, status: int) -> Any:
        return {"error": f"Error {status}"}


# --- Mastodon --------------------------------------------------------------------------------
VISIBILITIES = ("public", "unlisted", "private", "direct")
_MENTION = re.compile(r"(?<![\w@/])@([\w.-]+)(?:@([\w.-]+\.[\w-]+))?")
_URL = re.compile(r"https?://[^\s/]+\.[^\s/]+\S*?(?=[.,;:!?]*(?:\s|$))")
_COUNTED_MENTION = re.compile(r"(?<![=/\w])@(\w+(?:[.-]+\w+)*)@[\w.-]*\w")


class FakeMastodon(FakePlatform):
    """One Mastodon instance with the brand's account ``@brand`` and a token for it."""

    name = "mastodon"
    domain = "social.example"

    def __init__(
        self,
        token: str = "brand-token",
        *,
        clock: Callable[[], float] = time.time,
        char_limit: int = 500,
    ) -> None:
        super().__init__(clock)
        self.token = token
        self.char_limit = char_limit
        self.account: dict[str, Any] = {
            "id": "1001",
            "username": "brand",
            "acct": "brand",
            "display_name": "Brand",
            "followers_count": 5000,
            "url": f"https://{self.domain}/@brand",
        }
        #: Notifications, oldest first, by position (any JSON value, to test malformed ones).
        self.notifications: list[tuple[int, Any]] = []
        #: Statuses by id (customers' and the brand's).
        self.statuses: dict[str, dict[str, Any]] = {}
        #: What the brand posted through the API, in order.
        self.posted: list[dict[str, Any]] = []
        self.idempotency: dict[str, str] = {}
        self.rate_limit = 300
        self.rate_remaining = 299
        self.rate_reset_in = 300.0
        # notification ids cross from 5 to 6 digits: "100000" sorts before "99999" as text
        self._next_notification = 99_990
        self._next_status = 110_000_000_000_000_000
        self._next_account = 2000
        #: Files served like the instance's CDN: path -> (bytes, Content-Type, announce length).
        self.files: dict[str, tuple[bytes, str, bool]] = {}
        #: The Authorization header of every file download (None: none was sent).
        self.file_auth: list[str | None] = []
        #: Images uploaded through /api/v2/media, by id.
        self.uploads: dict[str, dict[str, Any]] = {}
        #: Answer uploads with 202 and "processing" for this many GET /api/v1/media polls.
        self.processing_polls = 0
        self._next_media = 500

    # --- test controls -----------------------------------------------------------------------
    def _status_id(self) -> str:
        self._next_status += 1
        return str(self._next_status)

    def _notification_id(self) -> str:
        self._next_notification += 1
        return str(self._next_notification)

    def add_mention(
        self,
        content: str,
        *,
        acct: str = "jan@other.example",
        display_name: str = "Jan",
        followers: int = 120,
        in_reply_to_id: str | None = None,
        language: str | None = "nl",
        visibility: str = "public",
        created_at: float | None = None,
        account_id: str | None = None,
        media: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A customer's status (``content`` is HTML) that mentions the brand; its notification.

        ``media``: its ``media_attachments`` (see :meth:`attachment`)."""
        with self.lock:
            self._next_account += 1
            username = acct.split("@", maxsplit=1)[0]
            account = {
                "id": account_id or str(self._next_account),
                "username": username,
                "acct": acct,
                "display_name": display_name,
                "followers_count": followers,
                "url": f"https://{acct.split('@')[1] if '@' in acct else self.domain}/@{username}",
            }
            status_id = self._status_id()
            when = self.clock() if created_at is None else created_at
            status: dict[str, Any] = {
                "id": status_id,
                "created_at": iso(when),
                "in_reply_to_id": in_reply_to_id,
                "visibility": visibility,
                "language": language,
                "uri": f"https://{self.domain}/users/{username}/statuses/{status_id}",
                "url": f"https://{self.domain}/@{acct}/{status_id}",
                "content": content,
                "spoiler_text": "",
                "media_attachments": list(media or []),
                "account": account,
                "mentions": [{"id": self.account["id"], "acct": "brand"}],
            }
            self.statuses[status_id] = status
            notification_id = self._notification_id()
            notification: dict[str, Any] = {
                "id": notification_id,
                "type": "mention",
                "created_at": iso(when),
                "account": account,
                "status": status,
            }
            self.notifications.append((int(notification_id), notification))
            return notification

    def add_file(
        self, name: str, data: bytes, content_type: str, *, announce_length: bool = True
    ) -> str:
        """Serve ``data`` as ``Content-Type`` at a CDN-like path; returns its URL."""
        path = f"/system/media_attachments/files/{name}"
        with self.lock:
            self.files[path] = (data, content_type, announce_length)
        return self.base_url + path

    def attachment(
        self, kind: str, url: str, *, description: str | None = None, media_id: str | None = None
    ) -> dict[str, Any]:
        """A ``media_attachments`` entry as Mastodon writes it."""
        with self.lock:
            self._next_media += 1
            return {
                "id": media_id or str(self._next_media),
                "type": kind,
                "url": url,
                "preview_url": url,
                "remote_url": None,
                "description": description,
                "blurhash": "UeKUpFxuo~R%0nW;WCnhF6RjaJt757oJodS$",
                "meta": {"original": {"width": 640, "height": 480}},
            }

    def add_notification(self, entry: Any, *, with_id: bool = True) -> Any:
        """Any notification as it is (a favourite, a malformed one, not even an object...).

        It is served at the next position; a dict gets that position as its ``id`` unless it
        has one or ``with_id`` is false.
        """
        with self.lock:
            position = self._notification_id()
            if with_id and isinstance(entry, dict) and "id" not in entry:
                entry = {"id": position, **entry}
            self.notifications.append((int(position), entry))
            return entry

    def rate_limit_next(self, reset_in: float, *, path: str | None = None) -> None:
        """The next request is throttled the way Mastodon does it (429, X-RateLimit-*)."""
        self.fail_next(
            1,
            429,
            body={"error": "Too many requests"},
            headers={
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": iso(self.clock() + reset_in),
            },
            path=path,
        )

    # --- serving -----------------------------------------------------------------------------
    def rate_headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.rate_limit),
            "X-RateLimit-Remaining": str(self.rate_remaining),
            "X-RateLimit-Reset": iso(self.clock() + self.rate_reset_in),
        }

    def error_body(self, status: int) -> Any:
        if status >= 500:
            return b"<html><body><h1>We're sorry, but something went wrong.</h1></body></html>"
        return {"error": f"Error {status}"}

    def route(self, request: Request) -> Response | None:
        path = request.path
        if request.method == "GET" and path in self.files:  # the CDN: no token needed
            data, content_type, announce = self.files[path]
            self.file_auth.append(request.headers.get("authorization"))
            if not announce:
                return Response(200, Streamed(data, content_type))
            return Response(200, data, {"Content-Type": content_type})
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return Response(401, {"error": "The access token is invalid"})
        if request.method == "POST" and path == "/api/v2/media":
            return self._upload(request)
        match = re.fullmatch(r"/api/v1/media/([^/]+)", path)
        if request.method == "GET" and match:
            return self._media(match.group(1))
        if request.method == "GET" and path == "/api/v1/notifications":
            return self._notifications(request)
        if request.method == "GET" and path == "/api/v1/accounts/verify_credentials":
            return Response(200, {**self.account, "source": {"privacy": "public"}})
        match = re.fullmatch(r"/api/v1/accounts/([^/]+)/statuses", path)
        if request.method == "GET" and match:
            return self._account_statuses(request, match.group(1))
        if request.method == "POST" and path == "/api/v1/statuses":
            return self._post_status(request)
        return Response(404, {"error": "Record not found"})

    def _link(self, path: str, page: list[Any], ids: list[int]) -> dict[str, str]:
        if not page:
            return {}
        base = f"{self.base_url}{path}"
        older = f'<{base}?max_id={min(ids)}>; rel="next"'
        newer = f'<{base}?min_id={max(ids)}>; rel="prev"'
        return {"Link": f"{older}, {newer}"}

    def _page(
        self, request: Request, numbered: list[tuple[int, Any]]
    ) -> tuple[list[Any], list[int]] | Response:
        """Mastodon's paging: newest first; ``min_id`` gives the page right after it."""
        try:
            limit = int(request.param("limit") or 40)
            max_id = request.param("max_id")
            min_id = request.param("min_id")
            since_id = request.param("since_id")
            bounds = [int(x) if x else None for x in (max_id, min_id, since_id)]
        except ValueError:
            return Response(400, {"error": "Invalid parameter"})
        limit = max(1, min(limit, 80))
        upper, lower_min, lower_since = bounds
        numbered.sort(key=lambda pair: pair[0])
        if upper is not None:
            numbered = [p for p in numbered if p[0] < upper]
        if lower_min is not None:
            chosen = [p for p in numbered if p[0] > lower_min][:limit]  # right after min_id
        else:
            if lower_since is not None:
                numbered = [p for p in numbered if p[0] > lower_since]
            chosen = numbered[-limit:]  # the newest
        chosen.reverse()  # always newest first
        return [item for _, item in chosen], [n for n, _ in chosen]

    def _notifications(self, request: Request) -> Response:
        types = request.query.get("types[]", []) + request.query.get("types", [])
        excluded = request.query.get("exclude_types[]", [])
        with self.lock:
            items: list[tuple[int, Any]] = []
            for position, entry in self.notifications:
                kind = entry.get("type") if isinstance(entry, dict) else None
                if isinstance(entry, dict) and ((types and kind not in types) or kind in excluded):
                    continue
                items.append((position, entry))
            paged = self._page(request, items)
        if isinstance(paged, Response):
            return paged
        page, ids = paged
        return Response(200, page, self._link("/api/v1/notifications", page, ids))

    def _account_statuses(self, request: Request, account_id: str) -> Response:
        if account_id != self.account["id"]:
            return Response(404, {"error": "Record not found"})
        with self.lock:
            paged = self._page(request, [(int(s["id"]), s) for s in self.posted])
        if isinstance(paged, Response):
            return paged
        page, ids = paged
        return Response(200, page, self._link(request.path, page, ids))

    def _upload(self, request: Request) -> Response:
        """``POST /api/v2/media``: multipart ``file`` (+ ``description``)."""
        fields = multipart.form_parts(request.headers.get("content-type", ""), request.body)
        if "file" not in fields:
            return Response(422, {"error": "Validation failed: File can't be blank"})
        upload = fields["file"]
        data, filename, content_type = upload.data, upload.filename, upload.content_type
        description = fields["description"].text if "description" in fields else ""
        with self.lock:
            self._next_media += 1
            media_id = str(self._next_media)
            url = self.add_file(f"upload-{media_id}-{filename or 'file'}", data, content_type)
            entry: dict[str, Any] = {
                "id": media_id, "type": "image", "url": url, "preview_url": url,
                "remote_url": None, "description": description or None, "blurhash": None,
                "meta": {}, "_bytes": data, "_polls": self.processing_polls,
            }  # fmt: skip
            self.uploads[media_id] = entry
            if entry["_polls"]:
                return Response(202, {**self._public(entry), "url": None})
            return Response(200, self._public(entry))

    @staticmethod
    def _public(entry: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in entry.items() if not k.startswith("_")}

    def _media(self, media_id: str) -> Response:
        with self.lock:
            entry = self.uploads.get(media_id)
            if entry is None:
                return Response(404, {"error": "Record not found"})
            if entry["_polls"] > 0:
                entry["_polls"] -= 1
                return Response(206, {**self._public(entry), "url": None})
            return Response(200, self._public(entry))

    def _form(self, request: Request) -> dict[str, Any]:
        if "json" in request.headers.get("content-type", ""):
            data = request.json()
            return data if isinstance(data, dict) else {}
        form = parse_qs(request.body.decode("utf-8", "replace"))
        return {k: v[0] for k, v in form.items()}

    def render(self, text: str) -> str:
        """Mastodon's HTML for a status text: mentions as links, line breaks as ``<br />``."""

        def link(match: re.Match[str]) -> str:
            user, domain = match.group(1), match.group(2) or self.domain
            return (
                f'<span class="h-card" translate="no"><a href="https://{domain}/@{user}"'
                f' class="u-url mention">@<span>{html.escape(user)}</span></a></span>'
            )

        paragraphs = []
        for block in re.split(r"\n{2,}", text):
            escaped = html.escape(block, quote=False)
            paragraphs.append("<p>" + _MENTION.sub(link, escaped).replace("\n", "<br />") + "</p>")
        return "".join(paragraphs)

    @staticmethod
    def length(text: str) -> int:
        """StatusLengthValidator: grapheme clusters, a URL as 23, ``@user@domain`` as ``@user``."""
        text = _URL.sub("x" * 23, text)
        text = _COUNTED_MENTION.sub(r"@\1", text)
        return len(regex.findall(r"\X", text))

    def _post_status(self, request: Request) -> Response | None:
        form = self._form(request)
        text = form.get("status")
        key = request.headers.get("idempotency-key")
        with self.lock:
            if key and key in self.idempotency:
                return Response(200, self.statuses[self.idempotency[key]])
            if not isinstance(text, str) or not text.strip():
                return Response(422, {"error": "Validation failed: Text can't be blank"})
            if self.length(text) > self.char_limit:
                message = f"Validation failed: Text character limit of {self.char_limit} exceeded"
                return Response(422, {"error": message})
            visibility = form.get("visibility") or "public"
            if visibility not in VISIBILITIES:
                return Response(
                    422, {"error": "Validation failed: Visibility is not included in the list"}
                )
            in_reply_to = form.get("in_reply_to_id")
            if in_reply_to and str(in_reply_to) not in self.statuses:
                return Response(
                    404,
                    {"error": "The post you are trying to reply to does not appear to exist."},
                )
            media_ids = form.get("media_ids") or []
            if not isinstance(media_ids, list) or any(str(m) not in self.uploads
                                                      for m in media_ids):  # fmt: skip
                return Response(422, {"error": "Validation failed: Media ids are invalid"})
            if any(self.uploads[str(m)]["_polls"] > 0 for m in media_ids):
                return Response(422, {"error": "Cannot attach files that have not finished"
                                               " processing. Try again in a moment!"})  # fmt: skip
            status_id = self._status_id()
            status: dict[str, Any] = {
                "id": status_id,
                "created_at": iso(self.clock()),
                "in_reply_to_id": str(in_reply_to) if in_reply_to else None,
                "visibility": visibility,
                "language": "en",
                "uri": f"https://{self.domain}/users/brand/statuses/{status_id}",
                "url": f"https://{self.domain}/@brand/{status_id}",
                "content": self.render(text),
                "spoiler_text": "",
                "media_attachments": [self._public(self.uploads[str(m)]) for m in media_ids],
                "account": self.account,
            }
            self.statuses[status_id] = status
            self.posted.append(status)
            if key:
                self.idempotency[key] = status_id
            if self.take_lost_ack():
                return None
            return Response(200, status)
