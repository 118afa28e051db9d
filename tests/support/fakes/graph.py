"""A fake Meta Graph API (Facebook Page + Messenger) and its webhook sender, on 127.0.0.1.

It follows the documented payloads and errors collected in /work/notes/platforms.md:

* **Requests**: an optional version prefix (``/v25.0/…`` or none); the token as
  ``?access_token=``, a form field or ``Authorization: Bearer``; bodies as JSON, form fields
  (objects JSON-encoded inside, as in Meta's examples) or the query string.
* **Errors**: ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``: an
  unknown token → 190; a token put in a mode → 190/463 (expired), 460, 458, 467 …; throttling
  → 4 / 17 / 32 / 613 / 80001 with the usage headers (``X-App-Usage``,
  ``X-Business-Use-Case-Usage`` with ``estimated_time_to_regain_access`` in minutes) on every
  answer; a deleted target → 100/33; a comment over 8000 or a message over 2000 characters →
  100; a Messenger ``RESPONSE`` outside 24 h of the customer's last message → 10/2018278;
  ``HUMAN_AGENT`` without approval → 100/2018276; a blocked person → 551/1545041; a second
  private reply to a comment → 10900; one after 7 days → 10.
* **Reads**: ``/{page}/feed`` (posts updated since ``since``, newest first, each with its
  comments inline newest first, paged by ``paging.next``; optionally a first page that is empty
  but has a next), ``/{object}/comments`` (``filter=toplevel|stream``), ``/{page}/conversations``
  (``user_id`` filter, messages newest first), ``/{psid}?fields=name``; times as
  ``2026-11-20T08:01:44+0000``.
* **Writes**: comments (a reply to a reply lands in the top-level comment's thread), hide /
  unhide (``is_hidden``), private replies and Messenger messages (``metadata`` echoed),
  ``subscribed_apps``.
* **Uploads** (``multipart/form-data``, read with :func:`tests.support.fakes.multipart.form_parts`):
  a comment's photo as the ``source`` file (``message`` then optional; JPEG, PNG, GIF, BMP or
  TIFF by its bytes, at most 10 MB, else 324 "Missing or invalid image file" / 100), kept on
  the comment (:attr:`Comment.photo`); a Messenger attachment as ``filedata`` with ``message``
  ``{attachment: {type: image, payload: {is_reusable}}}`` (text *or* attachment, never both;
  at most 25 MB; an image whose bytes are not JPEG, PNG or GIF → 100/2018047 "Upload
  attachment failure"), kept in the conversation as an image message (``attachments{
  image_data}``) and echoed with its ``metadata``. :attr:`FakeGraph.sent_messages` has every
  Messenger message in order (``upload``: the file's bytes and type).
* **Files** (:meth:`FakeGraph.attachment`): a message's attachment is a signed address on the
  fake's CDN paths (Messenger ``/v/t1.15752-9/<id>_n.<ext>?_nc_cat=…&oh=…&oe=…``, Instagram
  ``/ig_messaging_cdn/?asset_id=…&signature=…``), served without a token, with its
  ``Content-Type`` and (unless told otherwise) ``Content-Length``; an expired one answers 403
  "URL signature expired" as the CDN does. The webhook carries ``{type, payload: {url}}``, the
  Conversations API ``attachments{id, mime_type, name, size, image_data{url} | video_data{url}
  | file_url}``.
* **Webhooks**: the customer's comments and messages, the Page's own comments (``from`` is the
  Page), message echoes (with our ``metadata``), delivery and read watermarks, and hide events
  are POSTed to :attr:`FakeGraph.webhook_url` as Meta sends them: escaped JSON (``ensure_ascii``
  plus ``\\/``, ``\\u003C``, ``\\u0025``, ``\\u0040``) signed ``X-Hub-Signature-256`` over those
  exact bytes, times in seconds (feed) or milliseconds (messaging), several entries per delivery
  when batched, retried with growing delays while the receiver is down or answers non-2xx.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import itertools
import json
import queue
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlencode

import filetype
import requests

from tests.support.fakes.mastodon import FakePlatform, Request, Response, Streamed
from tests.support.fakes.multipart import Part, form_parts

PAGE_ID = "102938475610293"
APP_ID = 1517776481860111
COMMENT_LIMIT = 8000
MESSAGE_LIMIT = 2000
WINDOW_S = 24 * 3600.0
PRIVATE_REPLY_S = 7 * 24 * 3600.0
#: A Page photo (a comment's ``source``): 10 MB, of these types (by the bytes).
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff"})
#: A Messenger attachment: 25 MB; an ``image`` attachment one of these.
ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024
MESSENGER_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif"})
_VERSION = re.compile(r"^/v\d+\.\d+(?=/)")


def graph_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def meta_json(payload: Any) -> bytes:
    """JSON escaped the way Meta escapes webhook bodies before signing them."""
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    for char, escaped in (("/", "\\/"), ("<", "\\u003C"), ("%", "\\u0025"), ("@", "\\u0040")):
        text = text.replace(char, escaped)
    return text.encode("ascii")


def sign(app_secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def error(
    code: int,
    message: str,
    subcode: int | None = None,
    *,
    status: int = 400,
    kind: str = "OAuthException",
) -> Response:
    body: dict[str, Any] = {
        "message": message,
        "type": kind,
        "code": code,
        "fbtrace_id": secrets.token_urlsafe(8),
    }
    if subcode is not None:
        body["error_subcode"] = subcode
    return Response(status, {"error": body})


@dataclass
class Attachment:
    """A file sent with a message, kept on the fake CDN."""

    kind: str  # the webhook's type: image | video | audio | file | sticker
    url: str
    content_type: str
    data: bytes
    name: str | None = None
    announce: bool = True  # send Content-Length
    expired: bool = False

    def webhook(self) -> dict[str, Any]:
        return {"type": self.kind, "payload": {"url": self.url}}

    def rest(self) -> dict[str, Any]:
        """As the Conversations API lists it (``attachments{…}`` of a message)."""
        out: dict[str, Any] = {
            "id": hashlib.sha1(self.url.encode()).hexdigest()[:15],
            "mime_type": self.content_type,
            "size": len(self.data),
        }
        if self.name:
            out["name"] = self.name
        if self.kind in ("image", "sticker"):
            out["image_data"] = {"url": self.url, "preview_url": self.url, "width": 640,
                                 "height": 480}  # fmt: skip
        elif self.kind == "video":
            out["video_data"] = {"url": self.url, "preview_url": self.url, "width": 640,
                                 "height": 480, "length": 7}  # fmt: skip
        else:
            out["file_url"] = self.url
        return out


@dataclass
class User:
    uid: str  # the id in comments (app-scoped)
    psid: str  # the id in Messenger (page-scoped)
    name: str
    blocked: bool = False


@dataclass
class Comment:
    id: str
    post_id: str
    parent_id: str | None  # the top-level comment of a reply; None for a top-level one
    message: str
    created: float
    author: dict[str, str]
    hidden: bool = False
    deleted: bool = False
    photo: Attachment | None = None


@dataclass
class Post:
    id: str
    message: str
    created: float
    updated: float
    author: dict[str, str]


@dataclass
class Message:
    mid: str
    created: float
    sender: dict[str, str]
    to: dict[str, str]
    text: str
    metadata: str | None = None
    attachments: list[Attachment] = field(default_factory=list)


@dataclass
class Conversation:
    id: str
    psid: str
    messages: list[Message] = field(default_factory=list)  # oldest first

    @property
    def updated(self) -> float:
        return max((m.created for m in self.messages), default=0.0)


@dataclass
class Sent:
    """One webhook delivery attempt."""

    body: bytes
    status: int | None  # None: the receiver could not be reached


class FakeGraph(FakePlatform):
    """One Page (``PAGE_ID``, "Webcare BV") with a Page token, its posts, comments and
    Messenger conversations, and the Meta app that pushes its webhooks."""

    name = "graph"

    def __init__(
        self,
        token: str = "page-token",
        app_secret: str = "app_secret_123",
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(clock)
        self.token = token
        self.app_secret = app_secret
        self.page = {"id": PAGE_ID, "name": "Webcare BV"}
        self.posts: dict[str, Post] = {}
        self.comments: dict[str, Comment] = {}
        self.conversations: dict[str, Conversation] = {}  # by psid
        self.users: dict[str, User] = {}  # by uid and by psid
        self.private_replies: dict[str, str] = {}  # comment or post id -> mid
        self.sent_messages: list[dict[str, Any]] = []  # what the Page sent (Send API bodies)
        self.page_comments: list[Comment] = []  # what the Page commented
        self.subscribed_fields: list[str] = []
        #: token -> (code, subcode): this token is dead in that way (190/463 expired …)
        self.token_errors: dict[str, tuple[int, int | None]] = {}
        self.human_agent_approved = False
        self.usage = {"call_count": 5, "total_cputime": 3, "total_time": 4}
        self.regain_minutes = 0
        self.empty_first_feed_page = False
        self.page_size = 100  # the most Meta gives per page (a smaller one: long backlogs)
        #: Webhooks: where, and whether customer actions are pushed at once.
        self.webhook_url: str | None = None
        self.push = True
        self.retry_delays: tuple[float, ...] = (0.0, 0.3, 1.0, 2.0, 4.0, 8.0)
        self.deliveries: list[Sent] = []
        self._outgoing: queue.Queue[bytes | None] = queue.Queue()
        self._pending = 0
        self._sender: threading.Thread | None = None
        self._batch: list[dict[str, Any]] | None = None
        #: The fake CDN: files by address key (see :meth:`_file_key`), and who asked for them.
        self.files: dict[str, Attachment] = {}
        self.file_requests: list[Request] = []
        self._assets = itertools.count(18_139_494_541_428_835)
        self._ids = itertools.count(1_213_590_066_982_748)
        self._users = itertools.count(7_300_000_000_000_001)

    # --- life cycle --------------------------------------------------------------------------
    def __enter__(self) -> Self:
        super().__enter__()
        self._sender = threading.Thread(
            target=self._send_loop, name="fake-meta-webhooks", daemon=True
        )
        self._sender.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._outgoing.put(None)
        if self._sender is not None:
            self._sender.join(timeout=30)
        super().__exit__(exc_type, exc, tb)

    # --- ids ---------------------------------------------------------------------------------
    def _id(self) -> str:
        return str(next(self._ids))

    def _mid(self) -> str:
        return "m_" + base64.urlsafe_b64encode(secrets.token_bytes(18)).decode().rstrip("=")

    # --- customers ---------------------------------------------------------------------------
    def user(self, name: str = "Jan de Vries") -> User:
        with self.lock:
            for u in self.users.values():
                if u.name == name:
                    return u
            uid = str(next(self._users))
            person = User(uid=uid, psid=str(int(uid) + 92_015_648_120_393), name=name)
            self.users[person.uid] = person
            self.users[person.psid] = person
            return person

    def add_post(
        self, message: str, *, by: User | None = None, created_at: float | None = None
    ) -> Post:
        """A post on the Page: the Page's own (``by`` None) or a visitor's (pushed)."""
        with self.lock:
            when = self.clock() if created_at is None else created_at
            author = self.page if by is None else {"id": by.uid, "name": by.name}
            post = Post(f"{PAGE_ID}_{self._id()}", message, when, when, dict(author))
            self.posts[post.id] = post
        if by is not None:
            self.emit_entry(
                self._feed_entry(
                    {
                        "from": post.author,
                        "post_id": post.id,
                        "is_hidden": False,
                        "message": message,
                        "created_time": int(when),
                        "item": "status",
                        "verb": "add",
                        "published": 1,
                    },
                    when,
                )
            )
        return post

    def add_comment(
        self,
        target: Post | Comment | str,
        message: str,
        *,
        by: User | None = None,
        created_at: float | None = None,
        photo: str | Attachment | None = None,
    ) -> Comment:
        """A customer's comment on a post or an answer to a comment (pushed as a feed change),
        with a photo (a file on the fake CDN, or just an address for the webhook)."""
        target_id = target if isinstance(target, str) else target.id
        with self.lock:
            when = self.clock() if created_at is None else created_at
            person = by or self.user()
            comment = self._new_comment(
                target_id, message, when, {"id": person.uid, "name": person.name}
            )
            assert comment is not None, f"no such post or comment {target_id}"
        value = self._comment_value(comment)
        if isinstance(photo, Attachment):
            comment.photo = photo
            value["photo"] = photo.url
        elif photo:
            value["photo"] = photo
        self.emit_entry(self._feed_entry(value, when))
        return comment

    def add_message(
        self,
        text: str,
        *,
        by: User | None = None,
        created_at: float | None = None,
        attachments: list[Attachment] | None = None,
    ) -> Message:
        """A customer's Messenger message to the Page (pushed as a messaging event)."""
        with self.lock:
            when = self.clock() if created_at is None else created_at
            person = by or self.user()
            message = Message(
                self._mid(),
                when,
                {"id": person.psid, "name": person.name, "email": f"{person.psid}@facebook.com"},
                dict(self.page),
                text,
                attachments=list(attachments or []),
            )
            self._conversation(person.psid).messages.append(message)
        body: dict[str, Any] = {"mid": message.mid}
        if text:
            body["text"] = text
        if attachments:
            body["attachments"] = [a.webhook() for a in attachments]
        self.emit_entry(
            self._messaging_entry(
                {
                    "sender": {"id": person.psid},
                    "recipient": {"id": PAGE_ID},
                    "timestamp": int(when * 1000),
                    "message": body,
                },
                when,
            )
        )
        return message

    # --- files -------------------------------------------------------------------------------
    def attachment(
        self,
        kind: str,
        data: bytes,
        content_type: str,
        *,
        name: str | None = None,
        announce: bool = True,
    ) -> Attachment:
        """A file on the fake CDN, to send with a message (``add_message`` / ``dm_in``)."""
        with self.lock:
            asset = str(next(self._assets))
            key, url = self._file_address(asset, kind, content_type, name)
            made = Attachment(kind, url, content_type, data, name, announce)
            self.files[key] = made
            return made

    def _file_address(
        self, asset: str, kind: str, content_type: str, name: str | None
    ) -> tuple[str, str]:
        """Messenger's: ``scontent``/``cdn.fbsbx.com``-like paths with the file's name."""
        ext = content_type.partition(";")[0].rpartition("/")[2].replace("jpeg", "jpg")
        path = f"/v/t1.15752-9/{asset}_n.{ext}"
        if kind == "file" and name:
            path = f"/v/t59.2708-21/{asset}_n.{ext}/{name}"
        signed = f"_nc_cat=10{asset[-1]}&_nc_sid=5f2048&oh=00_{secrets.token_hex(8)}&oe=6A1F2C3D"
        return path, f"{self.base_url}{path}?{signed}"

    def _file_key(self, request: Request) -> str:
        return request.path

    def expire_files(self) -> None:
        """Every file's signed address has expired (the CDN answers 403)."""
        with self.lock:
            for f in self.files.values():
                f.expired = True

    def _serve_file(self, request: Request) -> Response | None:
        """A GET of a file's address (no token needed), or ``None`` when it is not one."""
        if request.method != "GET":
            return None
        with self.lock:
            found = self.files.get(self._file_key(request))
            if found is None:
                return None
            self.file_requests.append(request)
        if found.expired:
            return Response(403, b"URL signature expired", {"Content-Type": "text/plain"})
        if not found.announce:
            return Response(200, Streamed(found.data, found.content_type))
        return Response(200, found.data, {"Content-Type": found.content_type})

    def deliver_receipt(self, person: User, at: float | None = None) -> None:
        """The customer's Messenger got the Page's messages (a watermark, with the mids)."""
        when = self.clock() if at is None else at
        with self.lock:
            mids = [
                m.mid
                for m in self._conversation(person.psid).messages
                if m.sender["id"] == PAGE_ID and m.created <= when
            ]
        self.emit_entry(
            self._messaging_entry(
                {
                    "sender": {"id": person.psid},
                    "recipient": {"id": PAGE_ID},
                    "delivery": {"mids": mids, "watermark": int(when * 1000)},
                },
                when,
            )
        )

    def read_receipt(self, person: User, at: float | None = None) -> None:
        """The customer read everything the Page sent up to ``at`` (a watermark)."""
        when = self.clock() if at is None else at
        self.emit_entry(
            self._messaging_entry(
                {
                    "sender": {"id": person.psid},
                    "recipient": {"id": PAGE_ID},
                    "timestamp": int(when * 1000),
                    "read": {"watermark": int(when * 1000)},
                },
                when,
            )
        )

    def block(self, person: User) -> None:
        person.blocked = True

    # --- controls ----------------------------------------------------------------------------
    def expire_token(self, subcode: int | None = 463, token: str | None = None) -> None:
        self.token_errors[token or self.token] = (190, subcode)

    def throttle_next(
        self, code: int = 4, *, count: int = 1, regain_minutes: int = 0, path: str | None = None
    ) -> None:
        """The next ``count`` requests hit a rate limit (4 app, 17 user, 32 page, 613 custom,
        80001 Pages BUC), with the usage headers at 100 %."""
        words = {
            4: "(#4) Application request limit reached",
            17: "(#17) User request limit reached",
            32: "(#32) Page request limit reached",
            613: "(#613) Calls to this API have exceeded the rate limit.",
            80001: "(#80001) There have been too many calls to this Page account.",
        }
        body = error(code, words.get(code, f"(#{code}) rate limit")).body
        headers = self.usage_headers(full=True, regain_minutes=regain_minutes)
        self.fail_next(count, 400, body=body, headers=headers, path=path)

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Webhook events made inside go out as one delivery (several entries)."""
        with self.lock:
            self._batch = []
        try:
            yield
        finally:
            with self.lock:
                entries, self._batch = self._batch or [], None
            if entries:
                self.send_payload({"object": "page", "entry": entries})

    # --- webhooks ----------------------------------------------------------------------------
    def _feed_entry(self, value: dict[str, Any], when: float) -> dict[str, Any]:
        return {"id": PAGE_ID, "time": int(when), "changes": [{"field": "feed", "value": value}]}

    def _messaging_entry(self, event: dict[str, Any], when: float) -> dict[str, Any]:
        return {"id": PAGE_ID, "time": int(when * 1000), "messaging": [event]}

    def _comment_value(self, c: Comment) -> dict[str, Any]:
        post = self.posts[c.post_id]
        return {
            "from": dict(c.author),
            "post": {
                "status_type": "added_photos",
                "is_published": True,
                "updated_time": graph_time(post.updated),
                "permalink_url": f"https://www.facebook.com/{post.id}",
                "promotion_status": "inactive",
                "id": post.id,
            },
            "message": c.message,
            "post_id": c.post_id,
            "comment_id": c.id,
            "created_time": int(c.created),
            "item": "comment",
            "parent_id": c.parent_id or c.post_id,
            "verb": "add",
        }

    def emit_entry(self, entry: dict[str, Any]) -> None:
        with self.lock:
            if self._batch is not None:
                self._batch.append(entry)
                return
        if self.push:
            self.send_payload({"object": "page", "entry": [entry]})

    def send_payload(self, payload: Any) -> None:
        """Queue one delivery (escaped and signed as Meta does); sent, and retried, in the
        background."""
        self.send_raw(meta_json(payload))

    def send_raw(self, body: bytes) -> None:
        with self.lock:
            self._pending += 1
        self._outgoing.put(body)

    def post_now(self, body: bytes, *, signature: str | None = "good") -> requests.Response:
        """POST one delivery at once, with a good, wrong (``"bad"``) or no (``None``) signature
        or the given header value; no retries."""
        assert self.webhook_url, "set webhook_url first"
        headers = {"Content-Type": "application/json"}
        if signature == "good":
            headers["X-Hub-Signature-256"] = sign(self.app_secret, body)
        elif signature == "bad":
            headers["X-Hub-Signature-256"] = sign("not the app secret", body)
        elif signature is not None:
            headers["X-Hub-Signature-256"] = signature
        return requests.post(self.webhook_url, data=body, headers=headers, timeout=20)

    def _send_loop(self) -> None:
        while True:
            body = self._outgoing.get()
            if body is None:
                return
            for delay in self.retry_delays:
                time.sleep(delay)
                try:
                    status: int | None = self.post_now(body).status_code
                except requests.RequestException:
                    status = None
                with self.lock:
                    self.deliveries.append(Sent(body, status))
                if status is not None and 200 <= status < 300:
                    break
            with self.lock:
                self._pending -= 1

    def wait_webhooks(self, timeout: float = 20.0) -> bool:
        """Wait until every queued delivery was answered 2xx or given up."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self._pending == 0:
                    return True
            time.sleep(0.02)
        return False

    # --- serving -----------------------------------------------------------------------------
    def usage_headers(
        self, *, full: bool = False, regain_minutes: int | None = None
    ) -> dict[str, str]:
        usage = {k: (100 if full else v) for k, v in self.usage.items()}
        regain = self.regain_minutes if regain_minutes is None else regain_minutes
        buc = {PAGE_ID: [{"type": "pages", **usage, "estimated_time_to_regain_access": regain}]}
        return {"X-App-Usage": json.dumps(usage), "X-Business-Use-Case-Usage": json.dumps(buc)}

    def rate_headers(self) -> dict[str, str]:
        return self.usage_headers()

    def error_body(self, status: int) -> Any:
        if status >= 500:
            return error(
                2,
                "An unexpected error has occurred. Please retry your request later.",
                status=status,
            ).body
        return error(1, "An unknown error occurred", status=status).body

    def _params(self, request: Request) -> dict[str, Any]:
        params: dict[str, Any] = {k: v[0] for k, v in request.query.items()}
        content_type = request.headers.get("content-type", "")
        parts = form_parts(content_type, request.body) if request.body else {}
        if parts:  # an upload: the files under their names (Part), the rest as form fields
            for name, part in parts.items():
                field_value: Any = part if part.filename is not None else part.text
                if isinstance(field_value, str) and field_value[:1] in "{[":
                    with contextlib.suppress(ValueError):
                        field_value = json.loads(field_value)
                params[name] = field_value
        elif request.body and "json" in content_type:
            data = request.json()
            if isinstance(data, dict):
                params.update(data)
        elif request.body:
            for k, v in parse_qs(
                request.body.decode("utf-8", "replace"), keep_blank_values=True
            ).items():
                value: Any = v[0]
                if value[:1] in "{[":
                    try:
                        value = json.loads(value)
                    except ValueError:
                        # Meta's docs write recipient={'id':'PSID'}
                        with contextlib.suppress(ValueError):
                            value = json.loads(value.replace("'", '"'))
                params[k] = value
        return params

    def route(self, request: Request) -> Response | None:
        served = self._serve_file(request)
        if served is not None:
            return served
        params = self._params(request)
        token = params.pop("access_token", None)
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[7:].strip()
        if token in self.token_errors:
            code, subcode = self.token_errors[token]
            words = {
                463: "Error validating access token: Session has expired on Thursday,"
                " 03-Dec-26 10:00:00 PST. The current time is Thursday, 03-Dec-26"
                " 11:00:00 PST.",
                460: "Error validating access token: The session has been invalidated"
                " because the user changed their password.",
                458: "Error validating access token: The user has not authorized"
                " application 1517776481860111.",
                467: "Error validating access token: The session is invalid because the"
                " user logged out.",
            }
            return error(code, words.get(subcode or 0, "Invalid OAuth access token."), subcode)
        if token != self.token:
            return error(190, "Invalid OAuth access token - Cannot parse access token")
        path = _VERSION.sub("", request.path)
        parts = [p for p in path.split("/") if p]
        with self.lock:
            if request.method == "GET":
                return self._get(request, parts, params)
            if request.method == "POST":
                return self._post(request, parts, params)
        return error(100, "Unsupported request method")

    # --- reads -------------------------------------------------------------------------------
    def _next(self, request: Request, params: dict[str, Any], after: int) -> str:
        query = {k: v for k, v in params.items() if isinstance(v, str)}
        query["after"] = base64.b64encode(str(after).encode()).decode()
        return f"{self.base_url}{request.path}?{urlencode(query)}"

    @staticmethod
    def _offset(params: dict[str, Any]) -> int:
        raw = params.get("after")
        if not raw:
            return 0
        try:
            return int(base64.b64decode(str(raw)).decode())
        except ValueError:
            return 0

    def _paged(
        self, request: Request, params: dict[str, Any], items: list[Any], limit: int | None = None
    ) -> Response:
        try:
            size = min(int(params.get("limit") or limit or self.page_size), self.page_size)
        except ValueError:
            return error(100, "(#100) Param limit must be a number")
        start = self._offset(params)
        chunk = items[start : start + size]
        body: dict[str, Any] = {
            "data": chunk,
            "paging": {
                "cursors": {
                    "before": base64.b64encode(str(start).encode()).decode(),
                    "after": base64.b64encode(str(start + len(chunk)).encode()).decode(),
                }
            },
        }
        if start + size < len(items):
            body["paging"]["next"] = self._next(request, params, start + size)
        return Response(200, body)

    def _comment_json(self, c: Comment) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": c.id,
            "message": c.message,
            "created_time": graph_time(c.created),
            "from": dict(c.author),
            "is_hidden": c.hidden,
            "permalink_url": f"https://www.facebook.com/{c.id}",
        }
        if c.parent_id:
            out["parent"] = {"id": c.parent_id}
        if c.photo is not None:
            out["attachment"] = {
                "type": "photo",
                "media": {"image": {"src": c.photo.url, "height": 480, "width": 640}},
                "url": f"https://www.facebook.com/photo.php?fbid={c.id.split('_')[-1]}",
            }
        return out

    def _comments_of(self, object_id: str, stream: bool) -> list[Comment]:
        return [
            c
            for c in self.comments.values()
            if not c.deleted
            and (
                (c.post_id == object_id and (stream or c.parent_id is None))
                or c.parent_id == object_id
            )
        ]

    def _get(self, request: Request, parts: list[str], params: dict[str, Any]) -> Response:
        if parts == [PAGE_ID, "feed"]:
            return self._feed(request, params)
        if parts == [PAGE_ID, "conversations"]:
            return self._conversations(request, params)
        if len(parts) == 2 and parts[1] == "comments":
            target = parts[0]
            if target not in self.posts and target not in self.comments:
                return error(
                    100,
                    f"Unsupported get request. Object with ID '{target}' does not exist",
                    33,
                    kind="GraphMethodException",
                )
            found = self._comments_of(target, params.get("filter") == "stream")
            newest = params.get("order") == "reverse_chronological"
            found.sort(key=lambda c: (c.created, c.id), reverse=newest)
            return self._paged(request, params, [self._comment_json(c) for c in found])
        if parts == [PAGE_ID, "subscribed_apps"]:
            return Response(
                200,
                {
                    "data": [
                        {
                            "id": str(APP_ID),
                            "name": "Webcare",
                            "subscribed_fields": self.subscribed_fields,
                        }
                    ]
                },
            )
        if len(parts) == 1 and parts[0] in self.users:
            person = self.users[parts[0]]
            return Response(200, {"name": person.name, "id": parts[0]})
        return error(
            100,
            f"Unsupported get request. Object with ID '{'/'.join(parts)}' does not exist",
            33,
            kind="GraphMethodException",
        )

    def _feed(self, request: Request, params: dict[str, Any]) -> Response:
        since = float(params.get("since") or 0)
        posts = sorted(
            (p for p in self.posts.values() if p.updated >= since),
            key=lambda p: (p.updated, p.id),
            reverse=True,
        )
        match = re.search(r"comments[^{]*?limit\((\d+)\)", str(params.get("fields") or ""))
        inline = int(match.group(1)) if match else 25
        items = []
        for p in posts:
            comments = sorted(
                self._comments_of(p.id, True), key=lambda c: (c.created, c.id), reverse=True
            )
            edge: dict[str, Any] = {
                "data": [self._comment_json(c) for c in comments[:inline]],
                "paging": {"cursors": {"before": "MA==", "after": "MQ=="}},
                "summary": {"order": "reverse_chronological", "total_count": len(comments)},
            }
            if len(comments) > inline:
                query = {
                    "filter": "stream",
                    "order": "reverse_chronological",
                    "limit": str(inline),
                    "after": base64.b64encode(str(inline).encode()).decode(),
                }
                edge["paging"]["next"] = f"{self.base_url}/v25.0/{p.id}/comments?{urlencode(query)}"
            items.append(
                {
                    "id": p.id,
                    "message": p.message,
                    "created_time": graph_time(p.created),
                    "updated_time": graph_time(p.updated),
                    "from": dict(p.author),
                    "permalink_url": f"https://www.facebook.com/{p.id}",
                    "comments": edge,
                }
            )
        if self.empty_first_feed_page and not params.get("after"):
            return Response(
                200, {"data": [], "paging": {"next": self._next(request, params, 0) + "&started=1"}}
            )
        return self._paged(request, params, items)

    def _message_json(self, m: Message) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": m.mid,
            "created_time": graph_time(m.created),
            "from": dict(m.sender),
            "to": {"data": [dict(m.to)]},
            "message": m.text,
        }
        if m.attachments:
            out["attachments"] = {"data": [a.rest() for a in m.attachments]}
        return out

    def _conversations(self, request: Request, params: dict[str, Any]) -> Response:
        if params.get("platform", "messenger") != "messenger":
            return error(100, "(#100) platform must be messenger or instagram")
        convs = list(self.conversations.values())
        if params.get("user_id"):
            convs = [c for c in convs if c.psid == params["user_id"]]
        convs.sort(key=lambda c: c.updated, reverse=True)
        match = re.search(r"messages[^{]*?limit\((\d+)\)", str(params.get("fields") or ""))
        inline = int(match.group(1)) if match else 25
        items = []
        for c in convs:
            person = self.users[c.psid]
            newest = sorted(c.messages, key=lambda m: m.created, reverse=True)[:inline]
            items.append(
                {
                    "id": c.id,
                    "updated_time": graph_time(c.updated),
                    "participants": {
                        "data": [
                            {
                                "name": person.name,
                                "email": f"{person.psid}@facebook.com",
                                "id": person.psid,
                            },
                            {
                                "name": self.page["name"],
                                "email": f"{PAGE_ID}@facebook.com",
                                "id": PAGE_ID,
                            },
                        ]
                    },
                    "messages": {"data": [self._message_json(m) for m in newest]},
                }
            )
        return self._paged(request, params, items)

    # --- writes ------------------------------------------------------------------------------
    def _conversation(self, psid: str) -> Conversation:
        if psid not in self.conversations:
            self.conversations[psid] = Conversation(f"t_{self._id()}", psid)
        return self.conversations[psid]

    def _new_comment(
        self, target_id: str, message: str, when: float, author: dict[str, str]
    ) -> Comment | None:
        if target_id in self.posts:
            post_id, parent = target_id, None
        elif target_id in self.comments and not self.comments[target_id].deleted:
            target = self.comments[target_id]
            post_id, parent = target.post_id, target.parent_id or target.id  # two levels only
        else:
            return None
        suffix = post_id.split("_", 1)[-1]
        comment = Comment(f"{suffix}_{self._id()}", post_id, parent, message, when, dict(author))
        self.comments[comment.id] = comment
        self.posts[post_id].updated = when
        return comment

    def _post(self, request: Request, parts: list[str], params: dict[str, Any]) -> Response | None:
        if parts == [PAGE_ID, "messages"]:
            return self._send(params)
        if parts == [PAGE_ID, "subscribed_apps"]:
            fields = str(params.get("subscribed_fields") or "")
            self.subscribed_fields = [f for f in fields.split(",") if f]
            return Response(200, {"success": True})
        if len(parts) == 2 and parts[1] == "comments":
            return self._comment(parts[0], params)
        if len(parts) == 1 and "is_hidden" in params:
            return self._hide(parts[0], str(params["is_hidden"]).lower() == "true")
        return error(100, "Unsupported post request.", 33, kind="GraphMethodException")

    def _comment(self, target_id: str, params: dict[str, Any]) -> Response | None:
        text = params.get("message")
        source = params.get("source")
        photo: Attachment | None = None
        if isinstance(source, Part):  # a photo comment: "source", the image as form data
            mime = filetype.guess_mime(source.data)
            if mime not in PHOTO_TYPES:
                return error(324, "(#324) Missing or invalid image file")
            if len(source.data) > PHOTO_MAX_BYTES:
                return error(100, "(#100) The photo is larger than 10 MB.")
            photo = self._stored_image(source.data, mime)
            text = text if isinstance(text, str) else ""
        elif not isinstance(text, str) or not text.strip():
            return error(
                100, "(#100) One of attachment_url, attachment_id, message or source must be"
                " provided"
            )  # fmt: skip
        assert isinstance(text, str)
        if len(text) > COMMENT_LIMIT:
            return error(100, f"(#100) The comment is too long (at most {COMMENT_LIMIT}).")
        now = self.clock()
        comment = self._new_comment(target_id, text, now, dict(self.page))
        if comment is None:
            return error(
                100,
                f"Unsupported post request. Object with ID '{target_id}' does not"
                " exist, cannot be loaded due to missing permissions, or does"
                " not support this operation",
                33,
                kind="GraphMethodException",
            )
        comment.photo = photo
        self.page_comments.append(comment)
        self.emit_entry(self._feed_entry(self._comment_value(comment), now))
        if self.take_lost_ack():
            return None
        return Response(200, {"id": comment.id})

    def _hide(self, comment_id: str, hidden: bool) -> Response:
        comment = self.comments.get(comment_id)
        if comment is None or comment.deleted:
            return error(
                100,
                f"Unsupported post request. Object with ID '{comment_id}' does not exist",
                33,
                kind="GraphMethodException",
            )
        if comment.author.get("id") == PAGE_ID:
            return error(100, "(#100) The Page's own comments cannot be hidden")
        comment.hidden = hidden
        now = self.clock()
        self.emit_entry(
            self._feed_entry(
                {
                    "item": "comment",
                    "verb": "hide" if hidden else "unhide",
                    "comment_id": comment.id,
                    "post_id": comment.post_id,
                    "parent_id": comment.parent_id or comment.post_id,
                    "created_time": int(now),
                    "message": comment.message,
                },
                now,
            )
        )
        return Response(200, {"success": True})

    def _stored_image(self, data: bytes, mime: str) -> Attachment:
        """An image the Page sent, on the fake CDN (listed as a message's ``image_data``)."""
        asset = str(next(self._assets))
        key, url = self._file_address(asset, "image", mime, None)
        made = Attachment("image", url, mime, data)
        self.files[key] = made
        return made

    @staticmethod
    def _attachment_refusal(attachment: Any, upload: Any) -> Response | None:
        """Why the Send API refuses this attachment (``None``: it takes it)."""
        if not isinstance(attachment, dict) or not isinstance(attachment.get("payload"), dict):
            return error(100, "(#100) param message[attachment][payload] must be an object")
        kind = attachment.get("type")
        if kind not in ("image", "audio", "video", "file", "template"):
            return error(100, "(#100) param message[attachment][type] must be one of {image,"
                         " audio, video, file, template}")  # fmt: skip
        if not isinstance(upload, Part):
            if attachment["payload"].get("url") or attachment["payload"].get("attachment_id"):
                return error(100, "(#100) This fake takes uploads only (filedata)")
            return error(100, "(#100) Upload attachment failure: no filedata", 2018047)
        if len(upload.data) > ATTACHMENT_MAX_BYTES:
            return error(100, "(#100) Upload attachment failure: the file is over 25 MB", 2018047)
        if kind == "image" and filetype.guess_mime(upload.data) not in MESSENGER_IMAGE_TYPES:
            return error(100, "(#100) Upload attachment failure", 2018047)
        if kind != "image":
            return error(100, "(#100) This fake sends images only")
        return None

    def _send(self, params: dict[str, Any]) -> Response | None:
        recipient = params.get("recipient")
        message = params.get("message")
        if not isinstance(recipient, dict) or not isinstance(message, dict):
            return error(100, "(#100) param recipient and message must be objects")
        text = message.get("text")
        attachment = message.get("attachment")
        upload = params.get("filedata")
        image: Attachment | None = None
        if attachment is not None:
            if text is not None:
                return error(100, "(#100) Only one of text or attachment can be set")
            refused = self._attachment_refusal(attachment, upload)
            if refused is not None:
                return refused
            assert isinstance(upload, Part)
            image = self._stored_image(upload.data, str(filetype.guess_mime(upload.data)))
            text = ""
        elif not isinstance(text, str) or not text:
            return error(100, "(#100) Message text is required")
        assert isinstance(text, str)
        if len(text) > MESSAGE_LIMIT:
            return error(
                100,
                "(#100) Length of param message[text] must be less than or equal"
                f" to {MESSAGE_LIMIT}",
            )
        metadata = message.get("metadata")
        if metadata is not None and (not isinstance(metadata, str) or len(metadata) > 1000):
            return error(100, "(#100) metadata must be a string of at most 1000 characters")
        now = self.clock()
        target = recipient.get("comment_id") or recipient.get("post_id")
        if target is not None:  # a private reply
            thing = self.comments.get(target) or self.posts.get(target)
            if thing is None or getattr(thing, "deleted", False):
                return error(100, f"(#100) No matching object for {target}", 33)
            if thing.author.get("id") == PAGE_ID:
                return error(10903, "(#10903) This user can't reply to this activity")
            if target in self.private_replies:
                return error(10900, "(#10900) Activity already replied to")
            if now - thing.created > PRIVATE_REPLY_S:
                return error(10, "(#10) This message is sent outside of allowed window.")
            person = self.users[thing.author["id"]]
            self.private_replies[target] = ""
        else:
            psid = recipient.get("id")
            person_or_none = self.users.get(str(psid))
            if person_or_none is None:
                return error(100, "(#100) No matching user found", 2018001)
            person = person_or_none
            if person.blocked:
                return error(551, "(#551) This person isn't available right now.", 1545041)
            kind = params.get("messaging_type")
            if kind not in ("RESPONSE", "UPDATE", "MESSAGE_TAG"):
                return error(
                    100,
                    "(#100) param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}",
                )
            last_in = max(
                (
                    m.created
                    for m in self._conversation(person.psid).messages
                    if m.sender["id"] == person.psid
                ),
                default=None,
            )
            if kind == "MESSAGE_TAG":
                if params.get("tag") != "HUMAN_AGENT" or not self.human_agent_approved:
                    return error(
                        100,
                        "(#100) Cannot tag messages with 'HUMAN_AGENT' without prior approval.",
                        2018276,
                    )
                if last_in is None or now - last_in > 7 * 24 * 3600:
                    return error(
                        10, "(#10) This message is sent outside of allowed window.", 2018278
                    )
            elif last_in is None or now - last_in > WINDOW_S:
                return error(10, "(#10) This message is sent outside of allowed window.", 2018278)
        mid = self._mid()
        sent = Message(
            mid,
            now,
            dict(self.page),
            {"id": person.psid, "name": person.name},
            text,
            metadata if isinstance(metadata, str) else None,
            [image] if image is not None else [],
        )
        self._conversation(person.psid).messages.append(sent)
        if target is not None:
            self.private_replies[target] = mid
        self.sent_messages.append(
            {
                "recipient": recipient,
                "message": message,
                "messaging_type": params.get("messaging_type"),
                "mid": mid,
                "upload": (image.data, image.content_type) if image is not None else None,
            }
        )
        echo: dict[str, Any] = {"mid": mid, "is_echo": True, "app_id": APP_ID}
        if image is not None:
            echo["attachments"] = [image.webhook()]
        else:
            echo["text"] = text
        if isinstance(metadata, str):
            echo["metadata"] = metadata
        self.emit_entry(
            self._messaging_entry(
                {
                    "sender": {"id": PAGE_ID},
                    "recipient": {"id": person.psid},
                    "timestamp": int(now * 1000),
                    "message": echo,
                },
                now,
            )
        )
        if self.take_lost_ack():
            return None
        return Response(200, {"recipient_id": person.psid, "message_id": mid})
