"""The team server's FastAPI application: composition, error mapping, background tasks."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, MutableMapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from webcare import __version__
from webcare.domain import errors
from webcare.domain import media as media_rules
from webcare.server import changes
from webcare.server.config import ServerConfig
from webcare.server.context import ServerContext
from webcare.server.routers import (
    auth,
    channels,
    contacts,
    hooks,
    media,
    mentions,
    misc,
    platform_templates,
    reports,
    saved_views,
    settings,
    sync,
    templates,
    users,
)
from webcare.server.routers import mutations as mutations_router
from webcare.server.runner import ChannelRunner
from webcare.server.schemas import ErrorOut
from webcare.server.services import claims, snooze
from webcare.server.services.mutations import BatchInterrupted, OutboxConflict
from webcare.storage.db import TRANSIENT_CAUSE, transient_reason
from webcare.storage.server_schema import open_server_db

log = logging.getLogger("webcare.server")
#: Image uploads: raw bytes (not JSON), up to ``media_max_bytes``.
UPLOAD_PATH = "/v1/media"
HOOKS_PREFIX = "/v1/hooks/"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with 413, whether announced or streamed.

    ``per_path``: other limits for some paths (an image upload may be larger than JSON),
    ``prefixes``: for all paths under a prefix (the push receiver's larger one), and
    ``messages``: what a refusal on such a path says (an agent reads it: "The file is over the
    25 MB limit.", not a count of bytes)."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        per_path: dict[str, int] | None = None,
        messages: dict[str, str] | None = None,
        prefixes: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.per_path = dict(per_path or {})
        self.messages = dict(messages or {})
        self.prefixes = dict(prefixes or {})

    async def _reply(self, send: Send, status: int, error: str, message: str) -> None:
        await _send_error(send, status, error, message)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        limit = self.per_path.get(path, self.max_bytes)
        for prefix, own in self.prefixes.items():
            if path.startswith(prefix):
                limit = own
        too_large_words = self.messages.get(path, f"The request body exceeds {limit} bytes.")
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                if not value.isdigit():
                    await self._reply(send, 400, "bad_request", "Invalid Content-Length header.")
                    return
                if int(value) > limit:
                    await self._reply(send, 413, "body_too_large", too_large_words)
                    return
        seen = 0
        too_large = False
        replaced = False

        async def limited_receive() -> Message:
            nonlocal seen, too_large
            if too_large:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # Frameworks turn errors while reading the body into their own 400;
                    # we stop the body here and answer 413 in place of whatever follows.
                    too_large = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal replaced
            if not too_large:
                await send(message)
                return
            if message["type"] == "http.response.start" and not replaced:
                replaced = True
                await self._reply(send, 413, "body_too_large", too_large_words)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not too_large:
                raise
        if too_large and not replaced:
            await self._reply(send, 413, "body_too_large", too_large_words)


#: The write transactions committed while serving the current request (one counter each).
_request_commits: ContextVar[list[int] | None] = ContextVar("webcare_request_commits", default=None)


def _count_commit() -> None:
    """Commit listener: counts commits of the request being served on this thread (if any)."""
    counter = _request_commits.get()
    if counter is not None:
        counter[0] += 1


class CommitCountMiddleware:
    """Give each HTTP request a commit counter, so an error answer can tell whether the request
    changed anything before it failed (a sync route runs in a worker thread with a copy of this
    context: the same counter)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _request_commits.set([0])
        try:
            await self.app(scope, receive, send)
        finally:
            _request_commits.reset(token)


#: How deep a request body may nest arrays and objects. Our deepest body (priority rules) nests
#: four levels; a parser or serializer recursing through 900 would crash the request.
MAX_JSON_DEPTH = 32
# a JSON string, or an unterminated one up to the end (atomic groups: linear, no backtracking)
_JSON_STRING = re.compile(rb'"(?>[^"\\]*)(?>\\.[^"\\]*)*(?:"|\Z)', re.DOTALL)
_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[]{}")
_SQUARE = bytes.maketrans(b"{}", b"[]")


def json_depth_problem(body: bytes, limit: int = MAX_JSON_DEPTH) -> str | None:
    """Why ``body`` must not reach a JSON parser, or ``None``: arrays and objects nested more
    than ``limit`` deep, or brackets that do not pair up (no JSON has them).

    A cheap scan before parsing, with no recursion: strings are cut out, the brackets that
    remain are paired up innermost first, one level per pass, at most ``limit`` passes.
    """
    if b"[" not in body and b"{" not in body:
        return None
    skeleton = _JSON_STRING.sub(b"", body).translate(_SQUARE, _NOT_BRACKETS)
    for _level in range(limit):
        if not skeleton:
            return None
        inner = skeleton.replace(b"[]", b"")
        if len(inner) == len(skeleton):
            return "The request body is not valid JSON: its brackets do not pair up."
        skeleton = inner
    if skeleton:
        return f"The request body nests arrays and objects more than {limit} levels deep."
    return None


async def _send_error(send: Send, status: int, error: str, message: str) -> None:
    body = JSONResponse({"error": error, "message": message}, status_code=status).body
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class JsonDepthMiddleware:
    """Refuse request bodies nested deeper than ``max_depth`` with 400, before any parser sees
    them: FastAPI's, pydantic's and the webhook's alike."""

    def __init__(
        self,
        app: ASGIApp,
        max_depth: int = MAX_JSON_DEPTH,
        skip: tuple[str, ...] = (),
        skip_prefixes: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.max_depth = max_depth
        self.skip = frozenset(skip)  # paths whose bodies are not JSON (a file upload)
        #: Path prefixes whose bodies are not scanned: the push receiver stores a delivery
        #: before anything parses it (and must not answer an unsigned one differently).
        self.skip_prefixes = skip_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("POST", "PUT", "PATCH", "DELETE")
            or scope.get("path") in self.skip
        ):
            await self.app(scope, receive, send)
            return
        if self.skip_prefixes and str(scope.get("path", "")).startswith(self.skip_prefixes):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # gone, or stopped by the body limit (which answers 413)
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problem = json_depth_problem(body, self.max_depth)
        if problem is not None:
            await _send_error(send, 400, "malformed_json", problem)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


#: What any route can answer, documented once for ``/openapi.json`` (``{"error", "message"}``).
EVERY_ROUTE: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut,
          "description": "Malformed JSON, invalid UTF-8, nested too deep, bad Content-Length"},
    413: {"model": ErrorOut, "description": "The request body is over the limit"},
    503: {"model": ErrorOut,
          "description": "The database is busy; nothing was changed (see Retry-After)"},
}  # fmt: skip
#: What every route that needs a token (or, for the webhook, a signature) can answer.
SIGNED_IN: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut,
          "description": "No, an expired or a revoked token; a disabled account"},
}  # fmt: skip


def _error(status: int, error: str, message: str, **extra: Any) -> JSONResponse:
    headers = extra.pop("headers", None)
    return JSONResponse(
        {"error": error, "message": message, **extra}, status_code=status, headers=headers
    )


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(errors.WebcareError)
    async def webcare_error(_request: Request, exc: errors.WebcareError) -> JSONResponse:
        if isinstance(exc, errors.AuthError):
            return _error(401, "unauthorized", exc.message, headers={"WWW-Authenticate": "Bearer"})
        if isinstance(exc, errors.PermissionDenied):
            return _error(403, "forbidden", exc.message)
        if isinstance(exc, errors.NotFoundError):
            return _error(404, "not_found", exc.message)
        if isinstance(exc, errors.ClaimConflict):
            return _error(
                409,
                "claimed",
                exc.message,
                holder={"id": exc.holder_id, "display_name": exc.holder_name},
                lease_remaining_s=exc.lease_remaining_s,
            )
        if isinstance(exc, errors.VersionConflict):
            return _error(
                412,
                "version_conflict",
                exc.message,
                current_version=exc.current_version,
                current=exc.current,
                headers={"ETag": f'"{exc.current_version}"'},
            )
        if isinstance(exc, BatchInterrupted):
            log.warning("outbox batch stopped after %d of %d writes: %s", len(exc.results),
                        exc.total, exc.__cause__)  # fmt: skip
            return _error(
                503,
                "unavailable",
                exc.message,
                results=exc.results,
                headers={"Retry-After": str(max(1, round(exc.retry_after_s)))},
            )
        if isinstance(exc, OutboxConflict):
            return _error(409, exc.code, exc.message, last_seq=exc.last_seq, results=exc.results)
        if isinstance(exc, errors.ConflictError):
            return _error(409, "conflict", exc.message)
        if isinstance(exc, errors.ValidationError):
            if isinstance(exc, errors.PreconditionRequired):
                return _error(428, "precondition_required", exc.message)
            return _error(422, "invalid", exc.message)
        if isinstance(exc, errors.TransientError):
            return _error(
                503,
                "unavailable",
                exc.message,
                headers={"Retry-After": str(max(1, round(exc.retry_after_s)))},
            )
        return _error(400, "error", exc.message)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = exc.errors()
        if any(p.get("type") == "json_invalid" for p in problems):
            return _error(400, "malformed_json", "The request body is not valid JSON.")
        parts = []
        for p in problems[:5]:
            where = ".".join(str(x) for x in p.get("loc", ()) if x != "body") or "body"
            parts.append(f"{where}: {p.get('msg', 'invalid')}")
        detail = [
            {"loc": list(p.get("loc", ())), "msg": p.get("msg", ""), "type": p.get("type", "")}
            for p in problems[:20]
        ]
        return _error(422, "invalid_request", "; ".join(parts) or "Invalid request.", detail=detail)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        names = {404: "not_found", 405: "method_not_allowed", 400: "bad_request"}
        message = str(exc.detail)
        if exc.status_code == 400 and "parsing the body" in message:
            return _error(400, "malformed_json", "The request body is not valid UTF-8 JSON.")
        return _error(
            exc.status_code,
            names.get(exc.status_code, "http_error"),
            message,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(sqlite3.OperationalError)
    async def sqlite_error(_request: Request, exc: sqlite3.OperationalError) -> JSONResponse:
        reason = transient_reason(exc)
        if reason is not None:
            log.warning("transient database error: %s", exc)
            counter = _request_commits.get()
            if counter is not None and counter[0] > 0:  # an earlier transaction of it committed
                outcome = "part of this request was saved before it failed. Check what was saved"
                outcome += " before you try again."
            else:
                outcome = "nothing was changed. Try again shortly."
            return _error(
                503,
                "unavailable",
                f"{TRANSIENT_CAUSE[reason]}; {outcome}",
                headers={"Retry-After": "1" if reason == "busy" else "2"},
            )
        log.exception("database error")
        return _error(500, "internal", "Internal server error.")

    @app.exception_handler(UnicodeError)
    async def unicode_error(_request: Request, _exc: UnicodeError) -> JSONResponse:
        return _error(422, "invalid_text", "The request contains text that is not valid Unicode.")

    @app.exception_handler(Exception)
    async def internal_error(_request: Request, _exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return _error(500, "internal", "Internal server error.")


async def every(
    interval: float, work: Callable[[], Any], name: str, stopping: asyncio.Event
) -> None:
    """Run ``work`` in a worker thread every ``interval`` seconds until ``stopping`` is set.

    A run in progress is never cancelled: cancelling the wait would leave its thread using
    the database while the server closes it (a crash at shutdown), so the server sets
    ``stopping`` and waits for this to return."""
    while not stopping.is_set():
        try:
            await asyncio.wait_for(stopping.wait(), interval)
            return
        except TimeoutError:
            pass
        try:
            await run_in_threadpool(work)
        except Exception:
            log.exception("background task %s failed; retrying", name)


def create_app(config: ServerConfig) -> FastAPI:
    """Build the team server. Opens (creating and migrating) the database at once."""
    db = open_server_db(
        config.db_path, synchronous=config.synchronous, busy_timeout_ms=config.busy_timeout_ms
    )
    ctx = ServerContext(config=config, db=db)
    db.add_commit_listener(ctx.notifier.notify_threadsafe)
    db.add_commit_listener(_count_commit)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        ctx.notifier.bind(asyncio.get_running_loop())
        last_head = -1

        def watch_external() -> None:
            # Writes by another process (a CLI import) do not pass our commit listener.
            nonlocal last_head
            with db.read() as conn:
                head = changes.max_seq(conn)
            if head != last_head:
                last_head = head
                ctx.notifier.notify_threadsafe()

        stopping = asyncio.Event()
        tasks = [
            asyncio.create_task(
                every(
                    config.effective_sweep_interval_s,
                    lambda: claims.sweep_expired(db, ctx.now()),
                    "lease sweep",
                    stopping,
                )
            ),
            asyncio.create_task(
                every(
                    config.effective_sweep_interval_s,
                    lambda: snooze.wake_due(db, ctx.now()),
                    "snooze wake",
                    stopping,
                )
            ),
            asyncio.create_task(every(config.external_poll_s, watch_external, "watch", stopping)),
        ]
        if config.channels:
            ctx.runner = ChannelRunner(
                db, ctx.now, tick_s=config.channel_tick_s, delivery_base_s=config.delivery_base_s,
                media_store=ctx.media, media_max_bytes=config.media_max_bytes,
                media_retry_base_s=config.media_retry_base_s,
            )  # fmt: skip
            db.add_commit_listener(ctx.runner.wake)
            await run_in_threadpool(ctx.runner.start)
        try:
            yield
        finally:
            ctx.closing = True
            if ctx.runner is not None:
                await run_in_threadpool(ctx.runner.stop)
            stopping.set()  # a sweep under way finishes before the database is closed
            await asyncio.gather(*tasks, return_exceptions=True)
            ctx.notifier.unbind()
            db.close()

    app = FastAPI(
        title="Webcare team server",
        version=__version__,
        description="The shared queue, claims, outbox and change feed of a Webcare team.",
        lifespan=lifespan,
        responses=EVERY_ROUTE,
    )
    app.state.ctx = ctx
    _install_error_handlers(app)
    for module in (auth, sync, mentions, mutations_router, templates, users, reports, settings,
                   channels, media, contacts, saved_views):  # fmt: skip
        app.include_router(module.router, responses=SIGNED_IN)
    app.include_router(misc.router)  # health needs no token; its other route says 401 itself
    app.include_router(hooks.router)  # the platform signs each delivery
    app.include_router(mentions.contacts_router, responses=SIGNED_IN)
    app.include_router(platform_templates.router, responses=SIGNED_IN)
    app.add_middleware(JsonDepthMiddleware, skip=(UPLOAD_PATH,), skip_prefixes=(HOOKS_PREFIX,))
    # outside the depth scan, so an oversized body is refused before it is read whole
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=config.max_body_bytes,
        per_path={UPLOAD_PATH: max(config.media_max_bytes, config.max_body_bytes)},
        messages={UPLOAD_PATH: media_rules.too_large(None, config.media_max_bytes).message},
        prefixes={HOOKS_PREFIX: config.push_max_body_bytes},
    )
    app.add_middleware(CommitCountMiddleware)
    return app


def begin_shutdown(app: FastAPI) -> None:
    """Wake long-polls so a stopping server does not wait for them (call from any thread)."""
    ctx: ServerContext = app.state.ctx
    ctx.closing = True
    ctx.notifier.notify_threadsafe()
