"""A local stand-in for the X API v2, as documented, for the connector tests.

Endpoints: ``GET /2/users/me``, ``GET /2/users/:id/mentions``, ``GET /2/users/:id/tweets``
(``since_id``, ``until_id``, ``max_results`` 5..100, ``pagination_token``, ``meta`` with
``result_count``/``newest_id``/``oldest_id``/``next_token``, ``includes.users`` for
``expansions=author_id``) and ``POST /2/tweets``. Errors use X's problem shape
(``{"title", "detail", "type", "status"}``), rate limits the ``x-rate-limit-*`` headers.

Test controls: :meth:`FakeX.add_mention`, :meth:`FakeX.add_raw`, :attr:`FakeX.posted`,
:meth:`FakeX.fail_next`, :meth:`FakeX.lose_next_ack`, :meth:`FakeX.set_quota`.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

BRAND_ID = "1000"
BRAND_USERNAME = "AcmeCare"
TOKEN = "user-context-token"
_EPOCH_MS = 1288834974657
_LINK = re.compile(r"https?://\S+")
DUPLICATE = "You are not allowed to create a Tweet with duplicate content."


def snowflake(epoch_s: float, seq: int = 0) -> str:
    """A tweet id made the way X makes them, from a time (so ids sort by time)."""
    return str(((int(epoch_s * 1000) - _EPOCH_MS) << 22) | (seq & 0x3FFFFF))


def iso(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class User:
    id: str
    username: str
    name: str
    followers: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "name": self.name,
            "public_metrics": {
                "followers_count": self.followers,
                "following_count": 1,
                "tweet_count": 10,
                "listed_count": 0,
            },
        }


@dataclass
class Tweet:
    id: str
    author_id: str
    text: str
    created_at: float
    in_reply_to: str | None = None
    lang: str = "en"
    conversation_id: str | None = None
    raw: dict[str, Any] | None = None  # served as is (a malformed entry)
    #: X media objects (``media_key``, ``type``, ``url`` or ``variants``...) it carries.
    media: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        if self.raw is not None:
            return self.raw
        # X serves text with &, < and > escaped, and every link wrapped in a t.co link.
        served = html.escape(_LINK.sub("https://t.co/AbCdEf123", self.text), quote=False)
        data: dict[str, Any] = {
            "id": self.id,
            "text": served,
            "author_id": self.author_id,
            "created_at": iso(self.created_at),
            "conversation_id": self.conversation_id or self.id,
            "lang": self.lang,
            "edit_history_tweet_ids": [self.id],
        }
        if self.media:
            data["attachments"] = {"media_keys": [m["media_key"] for m in self.media]}
        if self.in_reply_to:
            data["referenced_tweets"] = [{"type": "replied_to", "id": self.in_reply_to}]
            data["in_reply_to_user_id"] = BRAND_ID
        return data


@dataclass
class Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def problem(status: int, title: str, detail: str) -> dict[str, Any]:
    return {"title": title, "detail": detail, "type": "about:blank", "status": status}


class FakeX:
    """The fake server; use as a context manager (it stops and joins its thread on exit)."""

    def __init__(self, clock_start: float = 1_700_000_000.0) -> None:
        self.now = clock_start  # the time stamped on new tweets
        self.token = TOKEN
        self.brand = User(BRAND_ID, BRAND_USERNAME, "Acme Care", 5000)
        self.users: dict[str, User] = {BRAND_ID: self.brand}
        self.mentions: list[Tweet] = []
        self.posted: list[Tweet] = []  # the brand's own tweets (replies)
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.failures: list[Failure | None] = []  # None: answer that request normally
        self.lose_acks = 0
        self.visible_delay = 0  # timeline requests that do not show new posts yet
        self.quota_limit = 75
        self.quota_remaining: int | None = None  # None: never runs out
        self.quota_reset = int(clock_start) + 900
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-x"
        )

    # --- lifecycle --------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeX:
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

    # --- test controls ----------------------------------------------------------------------
    def add_user(self, username: str, name: str | None = None, followers: int = 10) -> User:
        with self._lock:
            user = User(str(2000 + len(self.users)), username, name or username, followers)
            self.users[user.id] = user
            return user

    def _next_id(self) -> str:
        self.now += 1.0
        return snowflake(self.now, next(self._seq))

    def add_mention(
        self,
        text: str,
        author: User,
        *,
        in_reply_to: str | None = None,
        lang: str = "en",
        media: list[dict[str, Any]] | None = None,
    ) -> Tweet:
        """``media``: X media objects; expanded in ``includes.media`` when asked for."""
        with self._lock:
            tweet = Tweet(self._next_id(), author.id, text, self.now, in_reply_to, lang)
            tweet.media = list(media or [])
            self.mentions.append(tweet)
            return tweet

    def add_raw(self, raw: dict[str, Any]) -> Tweet:
        """A mention served exactly as ``raw`` (``"id"`` filled in when absent), placed in the
        timeline as if it were the newest tweet."""
        with self._lock:
            tweet_id = self._next_id()
            tweet = Tweet(tweet_id, "", "", self.now, raw={"id": tweet_id, **raw})
            self.mentions.append(tweet)
            return tweet

    def fail_next(
        self,
        count: int,
        status: int,
        detail: str = "Service Unavailable",
        headers: dict[str, str] | None = None,
        *,
        after: int = 0,
    ) -> None:
        """Answer ``count`` requests with ``status`` (a problem body), after ``after`` good ones."""
        with self._lock:
            self.failures.extend([None] * after)
            for _ in range(count):
                self.failures.append(
                    Failure(status, problem(status, detail, detail), dict(headers or {}))
                )

    def lose_next_ack(self) -> None:
        """Store the next posted tweet, then drop the connection without answering."""
        with self._lock:
            self.lose_acks += 1

    def set_quota(self, remaining: int | None, reset: int | None = None) -> None:
        with self._lock:
            self.quota_remaining = remaining
            if reset is not None:
                self.quota_reset = reset

    def paths(self) -> list[str]:
        return [path for _method, path, _query in self.requests]

    # --- the API ----------------------------------------------------------------------------
    def handle(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, Any] | None, dict[str, str]]:
        """Returns (status, JSON body or None to drop the connection, extra headers)."""
        with self._lock:
            self.requests.append((method, path, query))
            if headers.get("authorization") != f"Bearer {self.token}":
                return 401, problem(401, "Unauthorized", "Unauthorized"), {}
            failure = self.failures.pop(0) if self.failures else None
            if failure is not None:
                return failure.status, failure.body, failure.headers
            limit_headers: dict[str, str] = {}
            if self.quota_remaining is not None:
                if self.quota_remaining <= 0:
                    too_many = problem(429, "Too Many Requests", "Too Many Requests")
                    return 429, too_many, self._limit_headers()
                self.quota_remaining -= 1
                limit_headers = self._limit_headers()
            status, payload = self._route(method, path, query, body)
            return status, payload, limit_headers

    def _limit_headers(self) -> dict[str, str]:
        return {
            "x-rate-limit-limit": str(self.quota_limit),
            "x-rate-limit-remaining": str(self.quota_remaining),
            "x-rate-limit-reset": str(self.quota_reset),
        }

    def _route(
        self, method: str, path: str, query: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, Any] | None]:
        parts = path.strip("/").split("/")
        if method == "GET" and parts == ["2", "users", "me"]:
            me = self.brand.as_json()
            del me["public_metrics"]
            return 200, {"data": me}
        if method == "GET" and len(parts) == 4 and parts[:2] == ["2", "users"]:
            if parts[2] not in self.users:
                return 404, problem(404, "Not Found Error", f"Could not find user {parts[2]}.")
            if parts[3] == "mentions":
                return self._timeline(self.mentions, query, expand=True)
            if parts[3] == "tweets" and parts[2] == BRAND_ID:
                if self.visible_delay > 0:
                    self.visible_delay -= 1
                    return self._timeline([], query, expand=False)
                return self._timeline(self.posted, query, expand=False)
        if method == "POST" and parts == ["2", "tweets"]:
            return self._post(body)
        return 404, problem(404, "Not Found", f"No route {method} {path}")

    def _timeline(
        self, tweets: list[Tweet], query: dict[str, str], *, expand: bool
    ) -> tuple[int, dict[str, Any]]:
        try:
            max_results = int(query.get("max_results", "10"))
        except ValueError:
            max_results = 0
        if not 5 <= max_results <= 100:
            error = {
                "parameters": {"max_results": [query.get("max_results")]},
                "message": "The `max_results` query parameter value is not between 5 and 100",
            }
            return 400, {
                "errors": [error],
                "title": "Invalid Request",
                "detail": "One or more parameters to your request was invalid.",
                "type": "https://api.twitter.com/2/problems/invalid-request",
            }
        since = int(query.get("since_id", "0") or 0)
        until = int(query["until_id"]) if query.get("until_id") else None
        token = query.get("pagination_token")
        below = int(token.removeprefix("page-")) if token else None
        chosen = sorted(
            (
                t
                for t in tweets
                if int(t.id) > since
                and (until is None or int(t.id) < until)
                and (below is None or int(t.id) < below)
            ),
            key=lambda t: int(t.id),
            reverse=True,
        )
        page, rest = chosen[:max_results], chosen[max_results:]
        if not page:
            return 200, {"meta": {"result_count": 0}}
        meta: dict[str, Any] = {
            "result_count": len(page),
            "newest_id": page[0].id,
            "oldest_id": page[-1].id,
        }
        if rest:
            meta["next_token"] = f"page-{page[-1].id}"
        result: dict[str, Any] = {"data": [t.as_json() for t in page], "meta": meta}
        if expand:
            ids = [t.author_id for t in page if t.raw is None]
            result["includes"] = {
                "users": [self.users[i].as_json() for i in dict.fromkeys(ids) if i in self.users]
            }
            media = [m for t in page if t.raw is None for m in t.media]
            if media and "attachments.media_keys" in query.get("expansions", ""):
                result["includes"]["media"] = media
        return 200, result

    def _post(self, body: bytes) -> tuple[int, dict[str, Any] | None]:
        try:
            payload = json.loads(body)
        except ValueError:
            return 400, problem(400, "Invalid Request", "Request body is not valid JSON.")
        text = payload.get("text") if isinstance(payload, dict) else None
        if not isinstance(text, str) or not text:
            return 400, problem(400, "Invalid Request", "text is required.")
        if any(t.text == text for t in self.posted):
            return 403, problem(403, "Forbidden", DUPLICATE)
        reply = payload.get("reply")
        in_reply_to = reply.get("in_reply_to_tweet_id") if isinstance(reply, dict) else None
        tweet = Tweet(self._next_id(), BRAND_ID, text, self.now, in_reply_to)
        self.posted.append(tweet)
        if self.lose_acks > 0:
            self.lose_acks -= 1
            return 201, None
        return 201, {"data": {"id": tweet.id, "text": text, "edit_history_tweet_ids": [tweet.id]}}


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins the request threads
    block_on_close = True
    fake: FakeX


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 5  # a silent client cannot hold a request thread (and so the shutdown) for long

    def _serve(self) -> None:
        split = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, payload, extra = self.server.fake.handle(
            self.command, split.path, query, headers, body
        )
        if payload is None:  # the lost acknowledgement
            self.close_connection = True
            return
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        pass
