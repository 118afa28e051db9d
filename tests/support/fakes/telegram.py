"""A fake Telegram Bot API for the connector tests: real HTTP on 127.0.0.1, documented shapes.

It follows the Bot API (core.telegram.org/bots/api) as the platform notes for issue 15 record
it: ``/bot<token>/<method>`` (method names case-insensitive; parameters in the query string,
a form or JSON, JSON-typed fields such as ``allowed_updates`` as JSON text in a form), the
``{"ok": true, "result": …}`` / ``{"ok": false, "error_code", "description", "parameters"}``
envelope, and:

* ``getUpdates``: ``offset`` confirms every update below it ("An update is considered confirmed
  as soon as getUpdates is called with an offset higher than its update_id"; a negative offset
  counts from the end and forgets the rest), ``limit`` 1-100, ``timeout`` a real long poll that
  waits until an update comes, ``allowed_updates`` kept until changed, updates kept 24 hours,
  409 while a webhook is set, and a newer ``getUpdates`` ends a waiting older one with 409
  "terminated by other getUpdates request";
* ``getMe``, ``sendMessage`` (``reply_parameters`` with ``allow_sending_without_reply``, or the
  older ``reply_to_message_id``; 1-4096 characters counted as tdlib counts them, code points of
  the trimmed text; 400 chat not found / message is too long / message to be replied not found
  / message text is empty; 403 bot was blocked by the user; 400 with
  ``parameters.migrate_to_chat_id`` for a group that became a supergroup);
* ``sendPhoto`` and ``sendMediaGroup`` with their files as ``multipart/form-data``
  (:func:`~tests.support.fakes.multipart.form_parts`; an album's ``InputMediaPhoto`` items name
  their parts ``attach://<name>``, 2-10 of them, else 400 "too much messages to send as an
  album" / "media must include 2-10 items"; a part that is not there: "can't parse InputMedia:
  media not found"), the photo limits of the Bot API (10 MB: 400 ``PHOTO_SAVE_FILE_INVALID``;
  width + height at most 10000 and a ratio of at most 20: 400 ``PHOTO_INVALID_DIMENSIONS``;
  bytes that are no image: 400 ``IMAGE_PROCESS_FAILED``), the caption's 0-1024 characters (400
  "message caption is too long") and a request over 50 MB refused with 413 "Request Entity Too
  Large" (:attr:`FakeTelegram.max_request_bytes`). What was sent is kept in
  :attr:`FakeTelegram.sent` (an album as one message each, with its ``media_group_id``) and
  the photos' bytes in :attr:`FakeTelegram.files`; :attr:`FakeTelegram.album_fails_at` sends an
  album in part and answers "failed to send message #n", as Telegram does;
* ``getFile`` (400 "file is too big" over 20 MB) and ``/file/bot<token>/<file_path>``, whose
  ``Content-Type`` is as unreliable as Telegram's (``application/octet-stream`` by default);
* ``setWebhook`` (https only, ports 443/80/88/8443, ``secret_token`` 1-256 of ``A-Za-z0-9_-``),
  ``deleteWebhook`` (``drop_pending_updates``), ``getWebhookInfo`` (``pending_update_count``,
  ``last_error_date``, ``last_error_message``) and :meth:`FakeTelegram.push_webhook`, which
  POSTs pending updates one per call with the ``X-Telegram-Bot-Api-Secret-Token`` header;
* 401 ``Unauthorized`` for a wrong token, 404 ``Not Found`` for a token that is not one or an
  unknown method, 429 ``Too Many Requests: retry after N`` with ``parameters.retry_after``
  (:meth:`FakeTelegram.flood_next`), and a lost answer (the message is sent, the connection
  closes without a response: :meth:`~FakePlatform.lose_next_ack`).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs

import requests

from tests.support.fakes.mastodon import FakePlatform, Request, Response
from tests.support.fakes.multipart import Part, form_parts, is_multipart

TOKEN = "7012345678:AAHfakeTokenForWebcareTests_0123456789"
BOT_ID = 7012345678
BOT_USERNAME = "webcare_test_bot"
RETENTION_S = 24 * 3600.0
MAX_DOWNLOAD = 20 * 1024 * 1024
#: sendPhoto: "The photo must be at most 10 MB in size. The photo's width and height must not
#: exceed 10000 in total. Width and height ratio must be at most 20."
PHOTO_MAX = 10 * 1024 * 1024
CAPTION_MAX = 1024
#: "Post the file using multipart/form-data … 10 MB max size for photos, 50 MB for other files."
MAX_REQUEST = 50 * 1024 * 1024
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_METHOD = re.compile(r"/bot([^/]*)/([A-Za-z]+)")
_FILE = re.compile(r"/file/bot([^/]*)/(.+)")


def ok(result: Any, description: str | None = None) -> Response:
    body: dict[str, Any] = {"ok": True, "result": result}
    if description:
        body["description"] = description
    return Response(200, body)


def error(code: int, description: str, parameters: dict[str, Any] | None = None) -> Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Response(code, body)


@dataclass
class _Poll(Response):
    """A ``getUpdates`` that must wait for updates outside the fake's lock."""

    offset: int | None = None
    limit: int = 100
    timeout: float = 0.0
    generation: int = 0


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    content_type: str = "application/octet-stream"
    size: int | None = None  # what getFile says (defaults to the data's length)
    report_size: bool = True  # File.file_size is optional: getFile may not say it


@dataclass
class Chat:
    id: int
    type: str  # private | group | supergroup | channel
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    blocked: bool = False  # private: the user blocked the bot
    migrated_to: int | None = None  # group: upgraded to this supergroup
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_message_id: int = 4700

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


class FakeTelegram(FakePlatform):
    """One bot (``@webcare_test_bot``) and the chats people write to it in."""

    name = "telegram"

    def __init__(self, token: str = TOKEN, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(clock)
        self.token = token
        self.bot: dict[str, Any] = {
            "id": int(token.split(":", maxsplit=1)[0]),
            "is_bot": True,
            "first_name": "Webcare",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.chats: dict[int, Chat] = {}
        #: Unconfirmed updates, oldest first: (update_id, stored at, update).
        self.updates: list[tuple[int, float, dict[str, Any]]] = []
        self.next_update_id = 815_234_001
        self.allowed_updates: list[str] | None = None  # None: all but the opt-in kinds
        self.sent: list[dict[str, Any]] = []  # what the bot sent (sendMessage), in order
        self.files: dict[str, StoredFile] = {}
        #: A request body larger than this is refused with 413 before it is read.
        self.max_request_bytes = MAX_REQUEST
        #: The next album is sent up to this item (1-based), which Telegram then refuses.
        self.album_fails_at: int | None = None
        self._next_album = 13_579_000_000_000_000
        self.webhook: dict[str, Any] = {}  # url, secret_token, allowed_updates, max_connections
        self.webhook_error: tuple[int, str] | None = None  # last_error_date, last_error_message
        self._arrived = threading.Condition(self.lock)
        self._generation = 0
        self._closing = False
        self._next_user = 512_345_678
        self._next_file = 0

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with self.lock:
            self._closing = True
            self._arrived.notify_all()  # waiting long polls end, so their threads can be joined
        super().__exit__(exc_type, exc, tb)

    # --- test controls -----------------------------------------------------------------------
    def user(
        self,
        first_name: str = "Jan",
        last_name: str | None = "de Vries",
        username: str | None = "jandevries",
        *,
        user_id: int | None = None,
        language_code: str | None = "nl",
    ) -> dict[str, Any]:
        with self.lock:
            if user_id is None:
                self._next_user += 1
                user_id = self._next_user
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name is not None:
            user["last_name"] = last_name
        if username is not None:
            user["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        return user

    def private_chat(self, user: dict[str, Any]) -> Chat:
        with self.lock:
            chat = self.chats.get(user["id"])
            if chat is None:
                chat = Chat(
                    id=user["id"],
                    type="private",
                    username=user.get("username"),
                    first_name=user.get("first_name"),
                    last_name=user.get("last_name"),
                )
                self.chats[chat.id] = chat
            return chat

    def group(
        self,
        chat_id: int = -1001234567890,
        title: str = "KPN Klanten",
        *,
        username: str | None = None,
    ) -> Chat:
        with self.lock:
            chat = self.chats.get(chat_id)
            if chat is None:
                kind = "supergroup" if str(chat_id).startswith("-100") else "group"
                chat = Chat(id=chat_id, type=kind, title=title, username=username)
                self.chats[chat_id] = chat
            return chat

    def add_update(self, update: dict[str, Any], *, kind: str | None = None) -> dict[str, Any]:
        """Any update as it is (gets the next ``update_id`` unless it has one)."""
        with self.lock:
            if "update_id" not in update:
                update = {"update_id": self.next_update_id, **update}
            self.next_update_id = max(self.next_update_id, int(update["update_id"]) + 1)
            kind = kind or next((k for k in update if k != "update_id"), "")
            if self.allowed_updates and kind not in self.allowed_updates:
                return update  # Telegram does not even keep what the bot did not ask for
            self.updates.append((int(update["update_id"]), self.clock(), update))
            self._arrived.notify_all()
            return update

    def message(
        self,
        text: str | None = "Waar blijft mijn pakket?",
        *,
        sender: dict[str, Any] | None = None,
        chat: Chat | None = None,
        reply_to: dict[str, Any] | None = None,
        date: float | None = None,
        entities: list[dict[str, Any]] | None = None,
        edited_of: dict[str, Any] | None = None,
        **content: Any,
    ) -> dict[str, Any]:
        """A message from ``sender`` (a new user) in ``chat`` (their private chat), as an update.

        ``content``: media and the like as Telegram sends them (``photo=[…]``, ``caption=…``).
        ``edited_of``: an earlier message, edited to this text (an ``edited_message`` update).
        """
        with self.lock:
            sender = sender or self.user()
            chat = chat or self.private_chat(sender)
            when = int(self.clock() if date is None else date)
            if edited_of is not None:
                message = {**edited_of, "edit_date": when}
                message.pop("entities", None)
                if text is not None:
                    message["text"] = text
                chat.messages[message["message_id"]] = message
                self.add_update({"edited_message": message})
                return message
            chat.next_message_id += 1
            message = {
                "message_id": chat.next_message_id,
                "from": sender,
                "chat": chat.json(),
                "date": when,
            }
            if text is not None:
                message["text"] = text
            if entities:
                message["entities"] = entities
            if reply_to is not None:
                message["reply_to_message"] = reply_to
            message.update(content)
            chat.messages[message["message_id"]] = message
            self.add_update({"message": message})
            return message

    def posted(self, chat: Chat, text: str) -> dict[str, Any]:
        """A message the bot sent earlier (bots get no updates for their own messages)."""
        with self.lock:
            chat.next_message_id += 1
            message: dict[str, Any] = {
                "message_id": chat.next_message_id,
                "from": {k: self.bot[k] for k in ("id", "is_bot", "first_name", "username")},
                "chat": chat.json(),
                "date": int(self.clock()),
                "text": text,
            }
            chat.messages[message["message_id"]] = message
            return message

    def mention_in_group(self, text: str, chat: Chat, sender: dict[str, Any]) -> dict[str, Any]:
        """A group message whose ``@webcare_test_bot`` is marked as a mention entity."""
        start = text.index("@" + BOT_USERNAME)
        offset = len(text[:start].encode("utf-16-le")) // 2
        entity = {"type": "mention", "offset": offset, "length": len(BOT_USERNAME) + 1}
        return self.message(text, sender=sender, chat=chat, entities=[entity])

    def add_file(
        self,
        data: bytes,
        file_path: str,
        *,
        content_type: str = "application/octet-stream",
        size: int | None = None,
    ) -> StoredFile:
        with self.lock:
            self._next_file += 1
            file_id = f"AgACAgQAAxkBAAI{self._next_file:06d}"
            stored = StoredFile(file_id, f"AQAD{self._next_file:04d}", file_path, data,
                                content_type, size)  # fmt: skip
            self.files[file_id] = stored
            return stored

    def photo_sizes(self, *sizes: tuple[int, int, int]) -> list[dict[str, Any]]:
        """PhotoSize objects (width, height, bytes), each a stored JPEG-ish file."""
        out = []
        for width, height, size in sizes:
            stored = self.add_file(b"\xff\xd8\xff\xe0" + b"\0" * 16, f"photos/file_{width}.jpg",
                                   size=size)  # fmt: skip
            out.append({"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                        "file_size": size, "width": width, "height": height})  # fmt: skip
        return out

    def flood_next(self, retry_after: int, *, method: str | None = None) -> None:
        """The next call (to ``method``) hits flood control: 429 with ``retry_after``."""
        self.fail_next(
            1,
            429,
            body={
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            },
            path=f"/{method}" if method else None,
        )

    def pending_ids(self) -> list[int]:
        with self.lock:
            return [uid for uid, _at, _u in self.updates]

    # --- the webhook sender ------------------------------------------------------------------
    def push_webhook(self, *, timeout: float = 10.0) -> int:
        """POST every pending update to the webhook, one per call, as Telegram does; stops at
        the first failure and records it in ``getWebhookInfo``. Returns how many were taken."""
        taken = 0
        while True:
            with self.lock:
                url = self.webhook.get("url")
                if not url or not self.updates:
                    return taken
                update_id, _at, update = self.updates[0]
                secret = self.webhook.get("secret_token")
            headers = {"Content-Type": "application/json"}
            if secret:
                headers["X-Telegram-Bot-Api-Secret-Token"] = secret
            try:
                answer = requests.post(url, data=json.dumps(update), headers=headers,
                                       timeout=timeout)  # fmt: skip
                failure = (
                    None
                    if 200 <= answer.status_code < 300
                    else f"Wrong response from the webhook: {answer.status_code} {answer.reason}"
                )
            except requests.RequestException as exc:
                failure = f"Connection failed: {type(exc).__name__}"
            with self.lock:
                if failure is not None:
                    self.webhook_error = (int(self.clock()), failure)
                    return taken
                self.updates = [u for u in self.updates if u[0] != update_id]
                taken += 1

    # --- serving -----------------------------------------------------------------------------
    def error_body(self, status: int) -> Any:
        if status >= 500:
            return b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
        return {"ok": False, "error_code": status, "description": f"Error {status}"}

    def answer(self, request: Request) -> Response | None:
        response = super().answer(request)
        if isinstance(response, _Poll):
            return self._wait(response)
        return response

    def route(self, request: Request) -> Response | None:
        file = _FILE.fullmatch(request.path)
        if file and request.method == "GET":
            return self._download(file.group(1), file.group(2))
        match = _METHOD.fullmatch(request.path)
        if match is None:
            return error(404, "Not Found")
        token, method = match.group(1), match.group(2).lower()
        if not re.fullmatch(r"\d+:[A-Za-z0-9_-]+", token):
            return error(404, "Not Found")
        if token != self.token:
            return error(401, "Unauthorized")
        if len(request.body) > self.max_request_bytes:
            return error(413, "Request Entity Too Large")
        params = self._params(request)
        if params is None:
            return error(400, "Bad Request: can't parse JSON object")
        handler = {
            "getme": lambda p: ok(self.bot),
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "sendphoto": self._send_photo,
            "sendmediagroup": self._send_media_group,
            "getfile": self._get_file,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._webhook_info,
        }.get(method)
        if handler is None:
            return error(404, "Not Found")
        return handler(params)

    def _params(self, request: Request) -> dict[str, Any] | None:
        params: dict[str, Any] = {k: v[0] for k, v in request.query.items()}
        content_type = request.headers.get("content-type", "")
        if "json" in content_type and request.body:
            data = request.json()
            if not isinstance(data, dict):
                return None
            params.update(data)
        elif is_multipart(content_type):  # uploads: files stay Parts, fields become text
            for name, part in form_parts(content_type, request.body).items():
                params[name] = part if part.filename is not None else part.text
        elif request.body:
            form = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
            params.update({k: v[0] for k, v in form.items()})
        return params

    @staticmethod
    def _json_field(value: Any) -> Any:
        """A JSON-typed parameter: as JSON in a JSON body, as JSON text in a form or query."""
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    @staticmethod
    def _number(value: Any) -> int | None:
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        return None

    def _expire(self) -> None:
        cutoff = self.clock() - RETENTION_S
        self.updates = [u for u in self.updates if u[1] >= cutoff]

    def _get_updates(self, params: dict[str, Any]) -> Response:
        if self.webhook.get("url"):
            return error(409, "Conflict: can't use getUpdates method while webhook is active;"
                              " use deleteWebhook to delete the webhook first")  # fmt: skip
        offset = self._number(params.get("offset")) if "offset" in params else None
        limit = self._number(params.get("limit")) if "limit" in params else 100
        timeout = self._number(params.get("timeout")) if "timeout" in params else 0
        if (offset is None and "offset" in params) or limit is None or timeout is None:
            return error(400, "Bad Request: wrong parameter")
        if "allowed_updates" in params:
            allowed = self._json_field(params["allowed_updates"])
            if not isinstance(allowed, list):
                return error(400, "Bad Request: can't parse allowed updates")
            self.allowed_updates = [str(a) for a in allowed] or None
        self._expire()
        if offset is not None and offset < 0:
            keep = self.updates[offset:] if -offset <= len(self.updates) else self.updates
            self.updates = list(keep)
            offset = None
        elif offset is not None:
            self.updates = [u for u in self.updates if u[0] >= offset]  # confirmed
        self._generation += 1
        self._arrived.notify_all()  # an older poll still waiting is terminated
        return _Poll(offset=offset, limit=max(1, min(limit, 100)), timeout=max(0, timeout),
                     generation=self._generation)  # fmt: skip

    def _wait(self, poll: _Poll) -> Response:
        deadline = time.monotonic() + poll.timeout
        with self.lock:
            while True:
                if poll.generation != self._generation:
                    return error(409, "Conflict: terminated by other getUpdates request; make"
                                      " sure that only one bot instance is running")  # fmt: skip
                if self.updates or self._closing:
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._arrived.wait(left)
            return ok([u for _id, _at, u in self.updates[: poll.limit]])

    def _chat(self, value: Any) -> Chat | None:
        chat_id = self._number(value)
        if chat_id is None and isinstance(value, str) and value.startswith("@"):
            return next((c for c in self.chats.values() if c.username == value[1:]), None)
        return self.chats.get(chat_id) if chat_id is not None else None

    def _target(self, params: dict[str, Any]) -> Chat | Response:
        """The chat a send goes to, or Telegram's refusal."""
        chat = self._chat(params.get("chat_id"))
        if chat is None:
            return error(400, "Bad Request: chat not found")
        if chat.migrated_to is not None:
            return error(400, "Bad Request: group chat was upgraded to a supergroup chat",
                         {"migrate_to_chat_id": chat.migrated_to})  # fmt: skip
        if chat.blocked:
            return error(403, "Forbidden: bot was blocked by the user")
        return chat

    def _send_message(self, params: dict[str, Any]) -> Response | None:
        chat = self._target(params)
        if isinstance(chat, Response):
            return chat
        text = params.get("text")
        if not isinstance(text, str) or not text.strip(" \t\r\n"):
            return error(400, "Bad Request: message text is empty")
        text = text.strip(" \t\r\n")
        if len(text) > 4096:  # tdlib: utf8_length, code points
            return error(400, "Bad Request: message is too long")
        replied = self._replied(chat, params)
        if isinstance(replied, Response):
            return replied
        message = self._new_message(chat, replied)
        message["text"] = text
        chat.messages[message["message_id"]] = message
        self.sent.append(message)
        if self.take_lost_ack():
            return None
        return ok(message)

    def _replied(self, chat: Chat, params: dict[str, Any]) -> dict[str, Any] | Response | None:
        """The message a send answers (``None``: none, or gone and allowed), or the refusal."""
        reply = self._json_field(params.get("reply_parameters"))
        target: int | None = None
        allow_without = False
        if isinstance(reply, dict):
            target = self._number(reply.get("message_id"))
            allow_without = reply.get("allow_sending_without_reply") in (True, "true")
            if target is None:
                return error(400, "Bad Request: invalid reply parameters")
        elif params.get("reply_to_message_id") is not None:  # before Bot API 7.0
            target = self._number(params.get("reply_to_message_id"))
            allow_without = params.get("allow_sending_without_reply") in (True, "true")
        replied = chat.messages.get(target) if target is not None else None
        if target is not None and replied is None and not allow_without:
            return error(400, "Bad Request: message to be replied not found")
        return replied

    def _new_message(self, chat: Chat, replied: dict[str, Any] | None) -> dict[str, Any]:
        chat.next_message_id += 1
        message: dict[str, Any] = {
            "message_id": chat.next_message_id,
            "from": {k: self.bot[k] for k in ("id", "is_bot", "first_name", "username")},
            "chat": chat.json(),
            "date": int(self.clock()),
        }
        if replied is not None:
            message["reply_to_message"] = replied
        return message

    @staticmethod
    def _caption(value: Any) -> str | Response:
        caption = value.strip(" \t\r\n") if isinstance(value, str) else ""
        if len(caption) > CAPTION_MAX:  # "0-1024 characters after entities parsing"
            return error(400, "Bad Request: message caption is too long")
        return caption

    def _photo(self, value: Any) -> tuple[bytes, int, int] | Response:
        """An uploaded photo checked as the Bot API does: (bytes, width, height)."""
        if isinstance(value, str):
            stored = self.files.get(value)
            if stored is None:
                return error(400, "Bad Request: wrong file identifier/HTTP URL specified")
            data = stored.data
        elif isinstance(value, Part):
            data = value.data
        else:
            return error(400, "Bad Request: there is no photo in the request")
        if len(data) > PHOTO_MAX:
            return error(400, "Bad Request: PHOTO_SAVE_FILE_INVALID")
        if not data.startswith(_IMAGE_MAGIC) and data[8:12] != b"WEBP":
            return error(400, "Bad Request: IMAGE_PROCESS_FAILED")
        width, height = _dimensions(data)
        if width + height > 10_000 or max(width, height) > 20 * max(1, min(width, height)):
            return error(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        return data, width, height

    def _photo_message(
        self, chat: Chat, replied: dict[str, Any] | None, photo: tuple[bytes, int, int],
        caption: str,
    ) -> dict[str, Any]:  # fmt: skip
        data, width, height = photo
        stored = self.add_file(data, f"photos/file_{self._next_file + 1}.jpg")
        message = self._new_message(chat, replied)
        message["photo"] = [{"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                             "file_size": len(data), "width": width, "height": height}]  # fmt: skip
        if caption:
            message["caption"] = caption
        chat.messages[message["message_id"]] = message
        self.sent.append(message)
        return message

    def _send_photo(self, params: dict[str, Any]) -> Response | None:
        chat = self._target(params)
        if isinstance(chat, Response):
            return chat
        photo = self._photo(params.get("photo"))
        if isinstance(photo, Response):
            return photo
        caption = self._caption(params.get("caption"))
        if isinstance(caption, Response):
            return caption
        replied = self._replied(chat, params)
        if isinstance(replied, Response):
            return replied
        message = self._photo_message(chat, replied, photo, caption)
        if self.take_lost_ack():
            return None
        return ok(message)

    def _send_media_group(self, params: dict[str, Any]) -> Response | None:
        chat = self._target(params)
        if isinstance(chat, Response):
            return chat
        items = self._json_field(params.get("media"))
        if not isinstance(items, list):
            return error(400, "Bad Request: can't parse media JSON object")
        if len(items) > 10:
            return error(400, "Bad Request: too much messages to send as an album")
        if len(items) < 2:
            return error(400, "Bad Request: media must include 2-10 items")
        album: list[tuple[tuple[bytes, int, int], str]] = []
        for item in items:
            if not isinstance(item, dict) or item.get("type") != "photo":
                return error(400, "Bad Request: can't parse InputMedia: unsupported type")
            media = item.get("media")
            if isinstance(media, str) and media.startswith("attach://"):
                media = params.get(media.removeprefix("attach://"))
                if not isinstance(media, Part):
                    return error(400, "Bad Request: can't parse InputMedia: media not found")
            photo = self._photo(media)
            if isinstance(photo, Response):
                return photo
            caption = self._caption(item.get("caption"))
            if isinstance(caption, Response):
                return caption
            album.append((photo, caption))
        replied = self._replied(chat, params)
        if isinstance(replied, Response):
            return replied
        self._next_album += 1
        sent: list[dict[str, Any]] = []
        for n, (photo, caption) in enumerate(album, start=1):
            if self.album_fails_at is not None and n >= self.album_fails_at:
                self.album_fails_at = None
                return error(400, f"Bad Request: failed to send message #{n} with the error"
                                  ' message "PHOTO_SAVE_FILE_INVALID"')  # fmt: skip
            message = self._photo_message(chat, replied, photo, caption)
            message["media_group_id"] = str(self._next_album)
            sent.append(message)
        if self.take_lost_ack():
            return None
        return ok(sent)

    def _get_file(self, params: dict[str, Any]) -> Response:
        stored = self.files.get(str(params.get("file_id") or ""))
        if stored is None:
            return error(400, "Bad Request: invalid file_id")
        size = stored.size if stored.size is not None else len(stored.data)
        if size > MAX_DOWNLOAD:
            return error(400, "Bad Request: file is too big")
        result: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_path": stored.file_path,
        }
        if stored.report_size:
            result["file_size"] = size
        return ok(result)

    def _download(self, token: str, path: str) -> Response:
        if token != self.token:
            return error(404, "Not Found")
        stored = next((f for f in self.files.values() if f.file_path == path), None)
        if stored is None:
            return error(404, "Not Found")
        return Response(200, stored.data, {"Content-Type": stored.content_type})

    def _set_webhook(self, params: dict[str, Any]) -> Response:
        url = str(params.get("url") or "")
        if not url:  # an empty url removes the webhook
            return self._delete_webhook(params)
        if not url.startswith("https://"):
            return error(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        port_match = re.match(r"https://[^/:]+(?::(\d+))?", url)
        port = int(port_match.group(1)) if port_match and port_match.group(1) else 443
        if port not in (443, 80, 88, 8443):
            return error(400, "Bad Request: bad webhook: Webhook can be set up only on ports 80,"
                              " 88, 443 or 8443")  # fmt: skip
        secret = params.get("secret_token")
        if secret is not None and not _SECRET.fullmatch(str(secret)):
            return error(400, "Bad Request: bad webhook: secret token contains unallowed"
                              " characters")  # fmt: skip
        allowed = self._json_field(params.get("allowed_updates"))
        same = self.webhook.get("url") == url and self.webhook.get("secret_token") == secret
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": self._number(params.get("max_connections")) or 40,
        }
        if isinstance(allowed, list):
            self.allowed_updates = [str(a) for a in allowed] or None
        if params.get("drop_pending_updates") in (True, "true"):
            self.updates = []
        self.webhook_error = None
        return ok(True, "Webhook is already set" if same else "Webhook was set")

    def _delete_webhook(self, params: dict[str, Any]) -> Response:
        had = bool(self.webhook.get("url"))
        self.webhook = {}
        if params.get("drop_pending_updates") in (True, "true"):
            self.updates = []
        return ok(True, "Webhook was deleted" if had else "Webhook is already deleted")

    def _webhook_info(self, params: dict[str, Any]) -> Response:
        self._expire()
        info: dict[str, Any] = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }
        if self.webhook.get("url"):
            info["max_connections"] = self.webhook["max_connections"]
            if self.allowed_updates:
                info["allowed_updates"] = self.allowed_updates
        if self.webhook_error is not None:
            info["last_error_date"], info["last_error_message"] = self.webhook_error
        return ok(info)


def _dimensions(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR or a GIF's screen (others: a size that passes)."""
    if data.startswith(b"\x89PNG") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data.startswith(b"GIF8") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    return 640, 480
