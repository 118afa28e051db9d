"""Telegram: a bot's private chats and the group messages meant for it; replies quote the message.

The Bot API (core.telegram.org/bots/api) with the token @BotFather gave the bot. Every call is
``POST https://api.telegram.org/bot<token>/<method>`` with a JSON body; every answer is
``{"ok": true, "result": …}`` or ``{"ok": false, "error_code": …, "description": "…",
"parameters": {"retry_after": …, "migrate_to_chat_id": …}}``.

* **Who we are**: ``getMe`` once per connector (the bot's id and @username: a group message is
  for the bot when it mentions it or answers one of its messages).
* **Receiving, long polling** (the default): ``getUpdates`` with ``offset`` = the cursor,
  ``timeout`` = :data:`POLL_TIMEOUT_S` and ``allowed_updates`` = :data:`ALLOWED_UPDATES`. An
  update is confirmed only by the *next* call with a higher offset, and the cursor (the highest
  update id + 1) is stored in the same transaction as the mentions, so a crash neither loses
  nor repeats one: the unconfirmed updates come again, and what was stored is known by its id.
  A poll that waited returns ``more`` so the scheduler polls again at once (the wait is at
  Telegram); a stopping server interrupts the wait (:meth:`TelegramConnector.interrupt`).
  Telegram refuses ``getUpdates`` while a webhook is set (409), so a webhook left from webhook
  mode (or another tool) is removed with ``deleteWebhook`` first, keeping its pending updates.
  "If there are no new updates for at least a week, then identifier of the next update will be
  chosen randomly": a cursor older than :data:`STALE_CURSOR_S` is not sent as the offset.
* **Receiving, webhook mode** (``webhook`` on): ``setWebhook`` with the channel's address and a
  generated ``secret_token``; Telegram POSTs each update to ``/v1/hooks/{channel}`` with the
  ``X-Telegram-Bot-Api-Secret-Token`` header (:meth:`~TelegramConnector.authenticate_push`,
  :meth:`~TelegramConnector.parse_push`). A fetch then only checks ``getWebhookInfo``: the
  webhook is (re)registered and Telegram's ``last_error_message`` becomes the channel's error.
* **What becomes a mention**: a message in a private chat with the bot; in a group, a message
  that mentions the bot or answers one of its messages (every group message with
  ``all_group_messages``). Not: other bots, service messages (members joining, pins), a bare
  ``/start``, channel posts. An edited message changes nothing stored (the agent answered what
  was written); an edit of a message never stored (one that now mentions the bot) is taken.
  Captions count as text; media are named in the text ("[photo]") and listed by
  :func:`media_refs` for the server's media fetcher (:meth:`TelegramConnector.fetch_media`).
* **Replies**: ``sendMessage`` to the chat as plain text (no ``parse_mode``: nothing to escape)
  with ``reply_parameters: {message_id, allow_sending_without_reply: true}`` (Bot API 7.0),
  so it quotes the message answered and still goes out when that message was deleted. A reply
  with one image is ``sendPhoto`` (multipart: the file as ``photo``, the text as its
  ``caption``), with two to four ``sendMediaGroup`` (an album: ``InputMediaPhoto`` items naming
  their multipart parts ``attach://photo<n>``, the caption on the first), both with the same
  ``reply_parameters``. Telegram's photo limits (:func:`photo_problem`: 10 MB, width + height
  at most 10000, ratio at most 20) are checked before anything is sent; the caption's 1024
  characters when the team server accepts the reply (``SPEC.caption_limit``).
* **Exactly-once**: Telegram has no idempotency key and a bot cannot read back what it sent, so
  there is no lookup (``lookup="none"``). A reply whose answer never came back (the connection
  broke after the request went out, a proxy's error page) may or may not have been posted: it
  fails with "may have been posted" and is never resent by itself; so is one the server was
  killed in the middle of (``resend_unknown=False``). Telegram's own refusals (429, 400, 403,
  413, its 5xx) are known not to have posted anything and are retried or failed as usual. An
  album is one call, so the same holds for it; only "failed to send message #n" (Telegram sent
  part of an album) is "may have been posted" too.
"""

from __future__ import annotations

import hmac
import json
import mimetypes
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Self
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import ConnectTimeoutError

from webcare.channels.base import (
    Author,
    Batch,
    ChannelInfo,
    ConfigField,
    ConnectorBase,
    ConnectorSpec,
    Delivered,
    IncomingMention,
    MediaBlob,
    MediaRef,
    OutgoingMedia,
    OutgoingReply,
    PushResult,
)
from webcare.channels.errors import (
    AuthFailed,
    ChannelError,
    MalformedResponse,
    MediaTooLarge,
    NotConfigured,
    RateLimited,
    readable,
)
from webcare.channels.http import Http, platform_message
from webcare.channels.settings import Settings
from webcare.domain.media import IMAGES, image_size, size_words

API_URL = "https://api.telegram.org"
CHAR_LIMIT = 4096
#: How long one ``getUpdates`` waits at Telegram for something new (seconds).
POLL_TIMEOUT_S = 20
PAGE_LIMIT = 100
ALLOWED_UPDATES = ("message", "edited_message")
#: "For the moment, bots can download files of up to 20MB in size."
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
#: sendPhoto: "The photo must be at most 10 MB in size. The photo's width and height must not
#: exceed 10000 in total. Width and height ratio must be at most 20."
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_SIDES = 10_000
PHOTO_MAX_RATIO = 20
#: A caption: "0-1024 characters after entities parsing" (counted as the text is).
CAPTION_LIMIT = 1024
#: sendMediaGroup: "an array describing messages to be sent, must include 2-10 items".
ALBUM_MAX = 10
#: Telegram picks the next update id at random after a week without updates.
STALE_CURSOR_S = 6 * 24 * 3600.0
WEBHOOK_PORTS = (443, 80, 88, 8443)
MAX_TEXT = 20_000
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_TOKEN = re.compile(r"(\d+):[A-Za-z0-9_-]+")
_START = re.compile(r"/start(@\w+)?", re.IGNORECASE)
_SECRET_HEADER = "x-telegram-bot-api-secret-token"  # noqa: S105 - a header name

SPEC = ConnectorSpec(
    kind="telegram",
    label="Telegram",
    fields=(
        ConfigField(
            "bot_token",
            "Bot token",
            required=True,
            secret=True,
            help="From @BotFather (/newbot or /token), like 123456789:AAH…; env:NAME keeps it"
            " out of the database.",
        ),
        ConfigField(
            "allowed_chat_ids",
            "Only these chats",
            kind="list",
            help="Chat ids (a group's starts with -100); empty: every private chat and group"
            " the bot is in.",
        ),
        ConfigField(
            "all_group_messages",
            "Every group message",
            kind="bool",
            default=False,
            help="Take every message the bot sees in a group, not only those that mention it or"
            " answer it (turn the bot's privacy mode off with @BotFather /setprivacy).",
        ),
        ConfigField(
            "webhook",
            "Receive by webhook",
            kind="bool",
            default=False,
            help="Telegram posts each message to this server instead of Webcare asking (long"
            " polling); needs a public https address.",
        ),
        ConfigField(
            "webhook_url",
            "Webhook address",
            kind="url",
            help="The server's public https address + /v1/hooks/<channel id>, on port 443, 80,"
            " 88 or 8443.",
        ),
        ConfigField(
            "webhook_secret",
            "Webhook secret",
            secret=True,
            generate=True,
            help="Generated; Telegram sends it with every webhook call"
            " (X-Telegram-Bot-Api-Secret-Token).",
        ),
        ConfigField(
            "api_url",
            "Bot API server",
            kind="url",
            default=API_URL,
            help="https://api.telegram.org, or your own local Bot API server.",
        ),
    ),
    char_limit=CHAR_LIMIT,
    can_reply=True,
    lookup="none",
    default_interval_s=60.0,
    long_polls=True,
    resend_unknown=False,
    # webhook mode: Telegram posts to /v1/hooks/{channel} (refused unless it is switched on)
    receives_push=True,
    can_attach=True,  # sendPhoto, or sendMediaGroup for 2-4 (the server's most)
    attach_max_bytes=PHOTO_MAX_BYTES,
    caption_limit=CAPTION_LIMIT,
)


# --- the bot, media, small parsers -----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Bot:
    """Who the token belongs to (``getMe``)."""

    id: int
    username: str
    name: str = ""


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _text(value: Any, limit: int = 300) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()[:limit]


def parse_cursor(cursor: str | None) -> tuple[int | None, float | None]:
    """``"<offset>"`` or ``"<offset>@<when it moved, epoch s>"`` -> (offset, when)."""
    if not cursor or not cursor.strip():
        return None, None
    offset, _sep, when = cursor.strip().partition("@")
    try:
        number = int(offset)
    except ValueError:
        return None, None
    try:
        at = float(when) if when else None
    except ValueError:
        at = None
    return number, at


def make_cursor(offset: int, at: float) -> str:
    return f"{offset}@{int(at)}"


def full_name(user: Mapping[str, Any]) -> str:
    parts = [_text(user.get("first_name")), _text(user.get("last_name"))]
    return " ".join(p for p in parts if p) or _text(user.get("title")) or ""


def _utf16_slice(text: str, offset: int, length: int) -> str:
    """``text[offset:offset+length]`` in UTF-16 code units, as Telegram's entities count."""
    data = text.encode("utf-16-le", "surrogatepass")
    return data[2 * offset : 2 * (offset + length)].decode("utf-16-le", "replace")


def for_bot(message: Mapping[str, Any], bot: Bot) -> bool:
    """Whether a group message is meant for the bot: it mentions it or answers its message."""
    replied = message.get("reply_to_message")
    if isinstance(replied, dict):
        sender = replied.get("from")
        if isinstance(sender, dict) and _int(sender.get("id")) == bot.id:
            return True
    handle = "@" + bot.username.casefold() if bot.username else None
    for text_key, entities_key in (("text", "entities"), ("caption", "caption_entities")):
        text = message.get(text_key)
        entities = message.get(entities_key)
        if not isinstance(text, str):
            continue
        if isinstance(entities, list):
            for entity in entities:
                if not isinstance(entity, dict):
                    continue
                kind = entity.get("type")
                user = entity.get("user")
                if (
                    kind == "text_mention"
                    and isinstance(user, dict)
                    and _int(user.get("id")) == bot.id
                ):
                    return True
                offset, length = _int(entity.get("offset")), _int(entity.get("length"))
                if offset is None or length is None or handle is None:
                    continue
                word = _utf16_slice(text, offset, length).casefold()
                if kind == "mention" and word == handle:
                    return True
                if kind == "bot_command" and word.endswith(handle):
                    return True
        if handle and re.search(r"(?<![\w@])" + re.escape(handle) + r"(?!\w)", text.casefold()):
            return True
    return False


_STICKER_MIME = {"static": "image/webp", "animated": "application/x-tgsticker",
                 "video": "video/webm"}  # fmt: skip


def media_refs(message: Mapping[str, Any], max_bytes: int = MAX_DOWNLOAD_BYTES) -> list[MediaRef]:
    """The files of a message: the largest photo size that fits ``max_bytes``, a sticker, a
    voice note, audio, video (also round video notes and GIF animations) or a document, each
    with its ``file_id`` as the ref the team server fetches it by (:meth:`fetch_media`)."""
    refs: list[MediaRef] = []

    def add(kind: str, item: Any, mime: str | None, filename: str | None = None) -> None:
        if not isinstance(item, dict):
            return
        file_id = _text(item.get("file_id"), 500)
        if file_id is None:
            return
        refs.append(
            MediaRef(
                kind=kind,
                ref=file_id,
                mime=_text(item.get("mime_type"), 200) or mime,
                size=_int(item.get("file_size")),
                filename=_text(item.get("file_name"), 255) or filename,
            )
        )

    photo = message.get("photo")
    if isinstance(photo, list):
        sizes = [p for p in photo if isinstance(p, dict) and _text(p.get("file_id"), 500)]
        fitting = [p for p in sizes if (_int(p.get("file_size")) or 0) <= max_bytes]

        def area(p: dict[str, Any]) -> int:
            return (_int(p.get("width")) or 0) * (_int(p.get("height")) or 0)

        if fitting:
            add("image", max(fitting, key=lambda p: (area(p), _int(p.get("file_size")) or 0)),
                "image/jpeg")  # fmt: skip
        elif sizes:  # none fits: the smallest, which the fetcher refuses with its reason
            add("image", min(sizes, key=area), "image/jpeg")
    sticker = message.get("sticker")
    if isinstance(sticker, dict):
        shape = ("video" if sticker.get("is_video") else
                 "animated" if sticker.get("is_animated") else "static")  # fmt: skip
        add("sticker", sticker, _STICKER_MIME[shape])
    add("audio", message.get("voice"), "audio/ogg")
    add("audio", message.get("audio"), None)
    add("video", message.get("video"), "video/mp4")
    add("video", message.get("video_note"), "video/mp4")
    if isinstance(message.get("animation"), dict):
        add("video", message.get("animation"), "video/mp4")  # its ``document`` is the same file
    else:
        add("document", message.get("document"), None)
    return refs


def _duration(item: Any) -> str:
    seconds = _int(item.get("duration")) if isinstance(item, dict) else None
    return f" {seconds // 60}:{seconds % 60:02d}" if seconds is not None and seconds >= 0 else ""


def _markers(message: Mapping[str, Any]) -> list[str]:
    """What a message holds besides its text, in words: "[photo]", "[voice message 0:07]"."""
    out: list[str] = []
    if isinstance(message.get("photo"), list) and message["photo"]:
        out.append("[photo]")
    sticker = message.get("sticker")
    if isinstance(sticker, dict):
        emoji = _text(sticker.get("emoji"), 20)
        out.append(f"[sticker {emoji}]" if emoji else "[sticker]")
    if isinstance(message.get("voice"), dict):
        out.append(f"[voice message{_duration(message['voice'])}]")
    audio = message.get("audio")
    if isinstance(audio, dict):
        title = _text(audio.get("title"), 100) or _text(audio.get("file_name"), 100)
        out.append(f"[audio: {title}]" if title else "[audio]")
    if isinstance(message.get("video"), dict):
        out.append(f"[video{_duration(message['video'])}]")
    if isinstance(message.get("video_note"), dict):
        out.append(f"[video message{_duration(message['video_note'])}]")
    if isinstance(message.get("animation"), dict):
        out.append("[GIF]")
    elif isinstance(message.get("document"), dict):
        name = _text(message["document"].get("file_name"), 200)
        out.append(f"[document: {name}]" if name else "[document]")
    location = message.get("location")
    if isinstance(location, dict) and not isinstance(message.get("venue"), dict):
        lat, lon = location.get("latitude"), location.get("longitude")
        if isinstance(lat, int | float) and isinstance(lon, int | float):
            out.append(f"[location {lat:.5f}, {lon:.5f}]")
    venue = message.get("venue")
    if isinstance(venue, dict):
        place = ", ".join(p for p in (_text(venue.get("title")), _text(venue.get("address"))) if p)
        out.append(f"[place: {place}]" if place else "[place]")
    contact = message.get("contact")
    if isinstance(contact, dict):
        who = " ".join(p for p in (full_name(contact), _text(contact.get("phone_number"))) if p)
        out.append(f"[contact: {who}]" if who else "[contact]")
    poll = message.get("poll")
    if isinstance(poll, dict):
        question = _text(poll.get("question"))
        out.append(f"[poll: {question}]" if question else "[poll]")
    dice = message.get("dice")
    if isinstance(dice, dict):
        out.append(f"[{_text(dice.get('emoji'), 10) or 'dice'} {dice.get('value', '')}]".strip())
    return out


class Skip(Exception):
    """Not a mention: acknowledged and passed over, without a problem to report."""


def message_mention(
    message: Any,
    bot: Bot,
    *,
    allowed_chats: frozenset[int] | None = None,
    all_group_messages: bool = False,
    edited: bool = False,
) -> IncomingMention:
    """A Telegram message as a mention. Raises :class:`Skip` for what is not one and
    ``ValueError`` for a malformed message."""
    if not isinstance(message, dict):
        raise ValueError("the message is not an object")
    message_id = _int(message.get("message_id"))
    chat = message.get("chat")
    chat_id = _int(chat.get("id")) if isinstance(chat, dict) else None
    if message_id is None or chat_id is None or not isinstance(chat, dict):
        raise ValueError("the message has no message_id or chat id")
    chat_type = chat.get("type")
    if allowed_chats is not None and chat_id not in allowed_chats:
        raise Skip(f"chat {chat_id} is not one of this channel's chats")
    if chat_type == "channel":
        raise Skip("a channel post")
    sender = message.get("from")
    sender_chat = message.get("sender_chat")
    if (
        isinstance(sender, dict)
        and sender.get("is_bot") is True
        and not isinstance(sender_chat, dict)
    ):
        raise Skip("written by a bot")
    group = chat_type in ("group", "supergroup")
    if group and not all_group_messages and not for_bot(message, bot):
        raise Skip("a group message that is not for the bot")
    text = message.get("text")
    if text is None:
        text = message.get("caption")
    if text is not None and not isinstance(text, str):
        raise ValueError(f"message {chat_id}:{message_id}: the text is not text")
    text = (text or "").strip()
    if _START.fullmatch(text):
        raise Skip("the /start command")
    markers = _markers(message)
    if not text and not markers:
        raise Skip("a service message")
    if markers:
        text = (text + "\n" if text else "") + " ".join(markers)
    # who wrote it: a user, or a chat (an anonymous group admin, a channel speaking in a group)
    who = sender_chat if isinstance(sender_chat, dict) else sender
    if not isinstance(who, dict) or _int(who.get("id")) is None:
        raise ValueError(f"message {chat_id}:{message_id}: no sender")
    username = _text(who.get("username"), 64)
    name = full_name(who) or None
    handle = "@" + username if username else (name or str(who["id"]))
    date = _int(message.get("date"))
    if date is None or date <= 0:
        raise ValueError(f"message {chat_id}:{message_id}: date is not a time")
    meta = {"chat_id": str(chat_id), "message_id": str(message_id)}
    if isinstance(chat_type, str):
        meta["chat_type"] = chat_type
    title = _text(chat.get("title"), 200)
    if title and chat_type != "private":
        meta["chat_title"] = title
    language = _text(who.get("language_code"), 10)
    if language:
        meta["user_language"] = language  # the app's language, not necessarily the text's
    album = _text(message.get("media_group_id"), 100)
    if album:
        meta["media_group_id"] = album
    if edited:
        meta["edited"] = "1"
    public = _text(chat.get("username"), 64)
    replied = message.get("reply_to_message")
    parent = _int(replied.get("message_id")) if isinstance(replied, dict) else None
    return IncomingMention(
        source_id=f"{chat_id}:{message_id}",
        author=Author(platform_user_id=str(who["id"]), handle=handle, name=name),
        text=text[:MAX_TEXT],
        created_at=float(date),
        url=f"https://t.me/{public}/{message_id}" if public and chat_type != "private" else None,
        parent_source_id=f"{chat_id}:{parent}" if parent is not None else None,
        meta=meta,
        media=tuple(media_refs(message)),
    )


@dataclass
class Updates:
    """What a list of updates holds for the inbox."""

    mentions: list[IncomingMention]
    skipped: list[str]  # malformed updates, with their reason
    passed: int  # updates acknowledged without a mention (not for the bot, not a message)
    highest: int | None  # the highest update id seen


def read_updates(
    updates: Iterable[Any],
    bot: Bot,
    *,
    allowed_chats: frozenset[int] | None = None,
    all_group_messages: bool = False,
    after: int | None = None,
) -> Updates:
    """Updates (``getUpdates`` or a webhook body) as mentions; pure. ``after``: the cursor, so
    an update already confirmed is passed over even if a server sends it again."""
    result = Updates([], [], 0, None)
    seen: set[str] = set()
    for i, update in enumerate(updates):
        update_id = _int(update.get("update_id")) if isinstance(update, dict) else None
        if update_id is None:
            result.skipped.append(f"update {i}: no update_id")
            continue
        assert isinstance(update, dict)
        if result.highest is None or update_id > result.highest:
            result.highest = update_id
        if after is not None and update_id < after:
            continue
        kind = next((k for k in ("message", "edited_message") if k in update), None)
        if kind is None:
            result.passed += 1  # callback queries, member changes…: not for the inbox
            continue
        try:
            mention = message_mention(
                update[kind], bot, allowed_chats=allowed_chats,
                all_group_messages=all_group_messages, edited=kind == "edited_message",
            )  # fmt: skip
        except Skip:
            result.passed += 1
            continue
        except (ValueError, TypeError, OverflowError) as exc:
            result.skipped.append(f"update {update_id}: {exc}")
            continue
        if mention.source_id in seen:
            result.passed += 1  # an edit right behind its message: the first one counts
            continue
        seen.add(mention.source_id)
        result.mentions.append(mention)
    return result


def _guess_mime(file_path: str) -> str | None:
    extension = file_path.rsplit(".", 1)[-1].lower() if "." in file_path else ""
    known = {"oga": "audio/ogg", "ogg": "audio/ogg", "tgs": "application/x-tgsticker",
             "webp": "image/webp", "webm": "video/webm"}  # fmt: skip
    if not extension:
        return None
    return known.get(extension) or mimetypes.guess_type("x." + extension)[0]


def _maybe_sent(exc: requests.RequestException) -> bool:
    """Whether a request that failed this way may have reached Telegram (then its outcome is
    unknown); a connection that was never made cannot have posted anything."""
    if isinstance(exc, requests.ConnectTimeout | requests.exceptions.SSLError):
        return False
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return False
    if isinstance(exc, requests.ConnectionError):
        reason = exc.args[0] if exc.args else None
        inner = getattr(reason, "reason", reason)
        if isinstance(inner, ConnectTimeoutError):  # incl. NewConnectionError, name resolution
            return False
    return True


# --- the connector ---------------------------------------------------------------------------
class TelegramConnector(ConnectorBase):
    can_reply = True
    can_lookup = False

    @classmethod
    def from_settings(
        cls, info: ChannelInfo, settings: Settings, *, clock: Callable[[], float]
    ) -> Self:
        token = settings.text("bot_token")
        if not _TOKEN.fullmatch(token):
            raise NotConfigured(
                "The bot token does not look like one from @BotFather (digits, a colon, then"
                " letters, digits, - and _)."
            )
        api_url = (settings.text("api_url") or API_URL).rstrip("/")
        webhook_url: str | None = None
        webhook_secret: str | None = None
        if settings.flag("webhook"):
            webhook_url = settings.text("webhook_url")
            parts = urlsplit(webhook_url)
            if not webhook_url:
                raise NotConfigured(
                    "Webhook mode needs the webhook address (https://…/v1/hooks/…)."
                )
            if parts.scheme != "https" or not parts.hostname:
                raise NotConfigured("Telegram only calls https addresses: the webhook address"
                                    " must start with https://.")  # fmt: skip
            if (parts.port or 443) not in WEBHOOK_PORTS:
                raise NotConfigured("Telegram only calls webhooks on ports 443, 80, 88 and 8443.")
            webhook_secret = settings.text("webhook_secret")
            if not _SECRET_TOKEN.fullmatch(webhook_secret):
                raise NotConfigured(
                    "Webhook mode needs a webhook secret of 1 to 256 letters, digits, - and _."
                )
        return cls(
            info,
            token,
            api_url=api_url,
            allowed_chats=_chat_ids(settings.raw("allowed_chat_ids")),
            all_group_messages=settings.flag("all_group_messages"),
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            clock=clock,
        )

    def __init__(
        self,
        info: ChannelInfo,
        token: str,
        *,
        api_url: str = API_URL,
        allowed_chats: frozenset[int] | None = None,
        all_group_messages: bool = False,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        poll_timeout_s: int = POLL_TIMEOUT_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.info = info
        self.token = token
        self.allowed_chats = allowed_chats
        self.all_group_messages = all_group_messages
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.poll_timeout_s = poll_timeout_s
        self.clock = clock
        self.http = Http(api_url, platform="Telegram", clock=clock)
        self._bot: Bot | None = None
        self._webhook_checked = False  # polling: a webhook left over was looked for
        self._webhook_set = False  # webhook mode: registered by this connector
        self._health_at: float | None = None
        self._closing = threading.Event()
        self._waiting: threading.Event | None = None

    # --- calling the Bot API -----------------------------------------------------------------
    def _redact(self, text: str) -> str:
        return text.replace(self.token, "<bot token>") if self.token else text

    def _call(
        self,
        method: str,
        payload: Mapping[str, Any] | None = None,
        *,
        timeout: tuple[float, float] | None = None,
        posts: bool = False,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> Any:
        """One Bot API method; its ``result``, or a :class:`ChannelError` in words.

        ``posts``: the call creates something (``sendMessage``); when it may have reached
        Telegram but no Telegram answer came back, the error says "may have been posted" and
        is permanent, so that nothing is sent twice without an agent deciding.
        ``files``: uploads (name -> file name, bytes, type): the call goes as
        ``multipart/form-data``, its JSON-typed parameters as JSON text.
        """
        url = f"{self.http.base_url}/bot{self.token}/{method}"
        send: dict[str, Any] = {"json": dict(payload or {})}
        if files is not None:
            form = {k: v if isinstance(v, str) else json.dumps(v)
                    for k, v in (payload or {}).items()}  # fmt: skip
            send = {"data": form, "files": dict(files)}
        try:
            response = self.http.session.post(url, timeout=timeout or self.http.timeout, **send)
        except requests.RequestException as exc:
            words = readable(self._redact(str(exc)))
            if posts and _maybe_sent(exc):
                raise ChannelError(_UNKNOWN.format(what=words), permanent=True) from None
            if isinstance(exc, requests.Timeout):
                raise ChannelError(f"Telegram did not answer in time ({words}).") from None
            raise ChannelError(f"Could not reach Telegram: {words}") from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and body.get("ok") is True and "result" in body:
            return body["result"]
        if isinstance(body, dict) and body.get("ok") is False:
            raise self._refusal(method, response.status_code, body)
        # not Telegram's envelope: a proxy's error page, or something else in the way
        words = self._redact(platform_message(response))
        if response.status_code == 413:  # refused before it got anywhere: nothing was sent
            raise ChannelError(_TOO_LARGE.format(said=words), permanent=True, status=413)
        if posts:
            raise ChannelError(_UNKNOWN.format(what=words), permanent=True)
        if 200 <= response.status_code < 300:
            raise MalformedResponse(f"Telegram answered {method} with something unreadable.")
        raise ChannelError(f"Telegram could not be used ({words}).", status=response.status_code)

    def _refusal(self, method: str, status: int, body: Mapping[str, Any]) -> ChannelError:
        code = _int(body.get("error_code")) or status
        said = readable(self._redact(str(body.get("description") or f"HTTP {status}")))
        parameters = body.get("parameters")
        parameters = parameters if isinstance(parameters, dict) else {}
        lowered = said.casefold()
        if code == 429:
            wait = parameters.get("retry_after")
            seconds = float(wait) if isinstance(wait, int | float) and wait >= 0 else 30.0
            return RateLimited(
                f"Telegram asks us to wait {seconds:.0f} s ({said}).",
                retry_after_s=seconds,
                status=429,
            )
        if code == 401 or (code == 404 and lowered in ("not found", "not found:")):
            return AuthFailed(
                f"Telegram refused the bot token ({code} {said}): create a new one with"
                " @BotFather (/token) and set it in the channel's settings.",
                status=code,
            )
        if code == 409:
            if "webhook" in lowered:
                self._webhook_checked = False  # remove it again at the next fetch
                return ChannelError(
                    f"A webhook is set for this bot, so Telegram will not hand out updates"
                    f" ({said}). Webcare removes it at the next try; if it comes back, another"
                    " program uses this bot: give Webcare a bot of its own.",
                    status=409,
                )
            return ChannelError(
                f"Another program is reading this bot's updates ({said}). Only one may: stop"
                " the other one, or give Webcare a bot of its own.",
                status=409,
            )
        if code == 413:
            return ChannelError(_TOO_LARGE.format(said=said), permanent=True, status=413)
        migrated = _int(parameters.get("migrate_to_chat_id"))
        if migrated is not None:
            return _Migrated(said, migrated)
        if code == 403:
            reason = "Telegram will not deliver to this chat"
            if "blocked" in lowered:
                reason = "The customer blocked the bot, so Telegram will not deliver this reply"
            elif "deactivated" in lowered:
                reason = "The customer's Telegram account is deleted"
            elif "kicked" in lowered or "not a member" in lowered:
                reason = "The bot is no longer in this group"
            return ChannelError(f"{reason} ({said}).", permanent=True, status=403)
        if code == 400:
            if "failed to send message #" in lowered:  # an album went out in part
                return ChannelError(_PART.format(said=said), permanent=True, status=400)
            reason = f"Telegram refused {method}"
            if "chat not found" in lowered:
                reason = (
                    "Telegram does not know this chat: it was deleted, or the bot was never in it"
                )
            elif "message is too long" in lowered:
                reason = f"The reply is longer than Telegram's {CHAR_LIMIT} characters"
            elif "file is too big" in lowered and method == "getFile":
                reason = _too_big(0, MAX_DOWNLOAD_BYTES, known=False).removesuffix(".")
            elif "caption is too long" in lowered:
                reason = (
                    f"The reply is longer than the {CAPTION_LIMIT} characters Telegram"
                    " takes as an image's caption"
                )
            elif "photo_invalid_dimensions" in lowered:
                reason = f"{_DIMENSIONS}; resize the image and attach it again"
            elif "photo_save_file_invalid" in lowered or "file is too big" in lowered:
                reason = f"Telegram takes photos up to {size_words(PHOTO_MAX_BYTES)}"
            elif "image_process_failed" in lowered or "photo_ext_invalid" in lowered:
                reason = (
                    "Telegram could not read the image; save it as JPEG or PNG and attach it again"
                )
            return ChannelError(f"{reason} ({said}).", permanent=True, status=400)
        if code >= 500:
            return ChannelError(f"Telegram is having trouble ({code} {said}).", status=code)
        return ChannelError(f"Telegram refused {method} ({code} {said}).", permanent=True,
                            status=code)  # fmt: skip

    # --- who we are --------------------------------------------------------------------------
    def identity(self) -> Bot:
        """The bot (``getMe``), asked once per connector."""
        if self._bot is None:
            me = self._call("getMe")
            bot_id = _int(me.get("id")) if isinstance(me, dict) else None
            if bot_id is None or not isinstance(me, dict):
                raise MalformedResponse("Telegram did not say which bot the token is for.")
            self._bot = Bot(bot_id, _text(me.get("username"), 64) or "", full_name(me))
        return self._bot

    # --- receiving ---------------------------------------------------------------------------
    def fetch(self, cursor: str | None) -> list[Batch]:
        if self.webhook_url:
            return self._check_webhook()
        bot = self.identity()
        if not self._webhook_checked:
            info = self._call("getWebhookInfo")
            if isinstance(info, dict) and _text(info.get("url"), 2000):
                self._call("deleteWebhook", {"drop_pending_updates": False})
            self._webhook_checked = True
        offset, moved_at = parse_cursor(cursor)
        now = self.clock()
        params: dict[str, Any] = {
            "timeout": self.poll_timeout_s,
            "limit": PAGE_LIMIT,
            "allowed_updates": list(ALLOWED_UPDATES),
        }
        stale = moved_at is not None and now - moved_at > STALE_CURSOR_S
        if offset is not None and not stale:
            params["offset"] = offset
        started = time.monotonic()
        updates = self._poll(params)
        if updates is None:
            return []  # interrupted: nothing was confirmed, it all comes again
        waited = time.monotonic() - started
        if not isinstance(updates, list):
            raise MalformedResponse("Telegram's updates are not a list.")
        read = read_updates(
            updates, bot, allowed_chats=self.allowed_chats,
            all_group_messages=self.all_group_messages,
            after=offset if offset is not None and not stale else None,
        )  # fmt: skip
        next_cursor = None
        if read.highest is not None and (offset is None or stale or read.highest + 1 > offset):
            next_cursor = make_cursor(read.highest + 1, now)
        read.mentions.sort(key=lambda m: m.created_at)
        return [
            Batch(
                channel=self.info,
                mentions=read.mentions,
                cursor=next_cursor,
                skipped=read.skipped,
                # the wait is at Telegram: ask again at once, unless it did not wait at all
                more=bool(updates) or waited >= 1.0,
            )
        ]

    def _poll(self, params: Mapping[str, Any]) -> Any:
        """``getUpdates``, given up when :meth:`interrupt` is called (``None`` then)."""
        if self._closing.is_set():
            return None
        box: dict[str, Any] = {}
        wake = threading.Event()
        timeout = (5.0, float(self.poll_timeout_s) + 15.0)

        def run() -> None:
            try:
                box["result"] = self._call("getUpdates", params, timeout=timeout)
            except BaseException as exc:  # handed to the waiting thread
                box["error"] = exc
            finally:
                wake.set()

        self._waiting = wake
        threading.Thread(target=run, name="telegram-getUpdates", daemon=True).start()
        wake.wait()
        self._waiting = None
        if "error" in box:
            raise box["error"]
        if "result" not in box:
            return None  # interrupted; the request is left to end on its own
        return box["result"]

    def interrupt(self) -> None:
        self._closing.set()
        waiting = self._waiting
        if waiting is not None:
            waiting.set()

    def _check_webhook(self) -> list[Batch]:
        """Webhook mode: registered with Telegram, and Telegram's delivery errors shown."""
        self.identity()
        now = self.clock()
        info = self._call("getWebhookInfo")
        if not isinstance(info, dict):
            raise MalformedResponse("Telegram's webhook info is not an object.")
        registered = info.get("url") == self.webhook_url and info.get("allowed_updates") in (
            None, list(ALLOWED_UPDATES),
        )  # fmt: skip
        if not self._webhook_set or not registered:
            self._call(
                "setWebhook",
                {
                    "url": self.webhook_url,
                    "secret_token": self.webhook_secret,
                    "allowed_updates": list(ALLOWED_UPDATES),
                    "drop_pending_updates": False,
                },
            )
            self._webhook_set = True
            self._health_at = now
            return [Batch(channel=self.info)]
        since = self._health_at if self._health_at is not None else now - 600
        self._health_at = now
        error_at = _int(info.get("last_error_date"))
        if error_at is not None and error_at >= since - 1:
            said = readable(self._redact(str(info.get("last_error_message") or "an error")))
            pending = _int(info.get("pending_update_count")) or 0
            raise ChannelError(
                f"Telegram cannot deliver to the webhook {self.webhook_url} ({said}); {pending}"
                " update(s) are waiting. Check that the address is reachable from the internet"
                " over https, or switch webhook mode off."
            )
        return [Batch(channel=self.info)]

    def authenticate_push(self, headers: Mapping[str, str], body: bytes) -> bool:
        """Telegram's webhook call carries our secret token in a header (it signs nothing)."""
        if not self.webhook_url or not self.webhook_secret:
            return False
        given = headers.get("X-Telegram-Bot-Api-Secret-Token")
        if given is None:
            given = next((v for k, v in headers.items() if k.lower() == _SECRET_HEADER), None)
        if given is None:
            return False
        return hmac.compare_digest(given.encode(), self.webhook_secret.encode())

    def parse_push(self, body: bytes) -> PushResult:
        """One webhook call (one Update) as a batch; raises ``ValueError`` if it is not JSON.

        Pure apart from the bot's identity, asked once (``getMe``) for group messages."""
        return parse_update_body(
            self.info, body, self.identity(), allowed_chats=self.allowed_chats,
            all_group_messages=self.all_group_messages,
        )  # fmt: skip

    # --- replying ----------------------------------------------------------------------------
    def deliver(self, reply: OutgoingReply) -> Delivered:
        """The reply as one call: ``sendMessage``, ``sendPhoto`` (one image) or
        ``sendMediaGroup`` (two or more: one album, whose first message is the reply's id)."""
        chat_id, message_id = reply_target(reply)
        quote = {"message_id": message_id, "allow_sending_without_reply": True}
        method, payload, files = "sendMessage", {"chat_id": chat_id, "text": reply.text}, None
        if reply.media:
            method, payload, files = photo_request(reply)
            payload = {"chat_id": chat_id, **payload}
        payload["reply_parameters"] = quote
        try:
            sent = self._call(method, payload, posts=True, files=files)
        except _Migrated as moved:  # a group became a supergroup: its new id, once
            payload["chat_id"] = moved.chat_id
            sent = self._call(method, payload, posts=True, files=files)
        if method == "sendMediaGroup":
            sent = sent[0] if isinstance(sent, list) and sent else None
        if not isinstance(sent, dict) or _int(sent.get("message_id")) is None:
            raise ChannelError(
                _UNKNOWN.format(what="Telegram's answer named no message"), permanent=True
            )
        chat = sent.get("chat")
        sent_chat = _int(chat.get("id")) if isinstance(chat, dict) else None
        date = _int(sent.get("date"))
        return Delivered(
            platform_post_id=f"{sent_chat if sent_chat is not None else payload['chat_id']}"
            f":{sent['message_id']}",
            posted_at=float(date) if date else None,
        )

    # --- media -------------------------------------------------------------------------------
    def fetch_media(self, ref: MediaRef, *, max_bytes: int = MAX_DOWNLOAD_BYTES) -> MediaBlob:
        """A file of a message by its ``file_id`` (``getFile``, then the download URL with the
        bot token in it, which never leaves the server). Over the server's ``max_bytes``:
        :class:`MediaTooLarge`; over Telegram's 20 MB for bots: a permanent error that says so
        (Telegram will not hand it out)."""
        limit = min(max_bytes, MAX_DOWNLOAD_BYTES)
        info = self._call("getFile", {"file_id": ref.ref})
        path = _text(info.get("file_path"), 1000) if isinstance(info, dict) else None
        size = _int(info.get("file_size")) if isinstance(info, dict) else None
        if size is not None and size > limit:
            raise _too_large(size, limit)
        if path is None:
            raise MalformedResponse("Telegram did not say where the file is (no file_path).")
        url = f"{self.http.base_url}/file/bot{self.token}/{path}"
        try:
            with self.http.session.get(url, stream=True, timeout=self.http.timeout) as response:
                if response.status_code != 200:
                    words = self._redact(platform_message(response))
                    raise ChannelError(
                        f"Telegram would not hand out the file ({words}).",
                        permanent=response.status_code in (400, 403, 404),
                        status=response.status_code,
                    )
                chunks: list[bytes] = []
                total = 0
                for chunk in response.iter_content(64 * 1024):
                    total += len(chunk)
                    if total > limit:
                        raise _too_large(None, limit)
                    chunks.append(chunk)
        except requests.RequestException as exc:
            words = readable(self._redact(str(exc)))
            raise ChannelError(f"Could not download the file from Telegram: {words}") from None
        # the type the file's extension says (never the header: Telegram sends octet-stream);
        # the team server prefers the message's own word and checks either against the bytes
        return MediaBlob(b"".join(chunks), _guess_mime(path))

    def close(self) -> None:
        self.interrupt()
        self.http.close()


class _Migrated(ChannelError):
    """The group was upgraded to a supergroup: Telegram names its new chat id."""

    def __init__(self, said: str, chat_id: int) -> None:
        super().__init__(f"The group moved to a new chat ({said}).", permanent=True, status=400)
        self.chat_id = chat_id


_UNKNOWN = (
    "May have been posted: the connection broke before Telegram answered ({what}), and Telegram"
    " offers no way to check whether the reply arrived, so it is not sent again by itself. Look"
    " in the chat; if the reply is not there, try delivering it again."
)
_PART = (
    "May have been posted in part: Telegram sent some of the album's images and then refused"
    " one ({said}), so the reply is not sent again by itself. Look in the chat, and send what"
    " is missing."
)
_TOO_LARGE = (
    "Telegram refused the upload as too large ({said}): it takes photos up to 10 MB; attach a"
    " smaller image."
)
_DIMENSIONS = (
    f"Telegram takes a photo whose width and height add up to at most {PHOTO_MAX_SIDES} pixels,"
    f" one side at most {PHOTO_MAX_RATIO} times the other"
)


def photo_problem(position: int, media: OutgoingMedia) -> str | None:
    """Why Telegram would refuse this image as a photo (its documented limits), or ``None``."""
    which = f"Image {position} ({media.filename})" if media.filename else f"Image {position}"
    if media.kind != "image" or media.mime not in IMAGES:
        return f"{which} is not an image Telegram can send as a photo."
    if len(media.data) > PHOTO_MAX_BYTES:
        return (
            f"{which} is {size_words(len(media.data))}; Telegram takes photos up to"
            f" {size_words(PHOTO_MAX_BYTES)}."
        )
    size = image_size(media.data)
    if size is not None:
        width, height = size
        if (
            width < 1
            or height < 1
            or width + height > PHOTO_MAX_SIDES
            or max(width, height) > PHOTO_MAX_RATIO * min(width, height)
        ):
            return f"{which} is {width}×{height} pixels; {_DIMENSIONS}."
    return None


def photo_request(
    reply: OutgoingReply,
) -> tuple[str, dict[str, Any], dict[str, tuple[str, bytes, str]]]:
    """The method, parameters and uploads that send ``reply``'s images with its text as the
    caption; raises a permanent :class:`ChannelError` for an image Telegram would refuse
    (before anything is sent, so no album goes out in part)."""
    if len(reply.media) > ALBUM_MAX:
        raise ChannelError(f"Telegram sends at most {ALBUM_MAX} images in one album.",
                           permanent=True)  # fmt: skip
    for n, media in enumerate(reply.media, start=1):
        problem = photo_problem(n, media)
        if problem is not None:
            raise ChannelError(problem, permanent=True)
    files = {
        f"photo{n}": (
            media.filename or f"photo{n}{mimetypes.guess_extension(media.mime) or ''}",
            media.data,
            media.mime,
        )
        for n, media in enumerate(reply.media)
    }
    if len(reply.media) == 1:
        ((_name, file),) = files.items()
        return "sendPhoto", {"caption": reply.text}, {"photo": file}
    album: list[dict[str, Any]] = [{"type": "photo", "media": f"attach://{name}"} for name in files]
    album[0]["caption"] = reply.text
    return "sendMediaGroup", {"media": album}, files


def _too_large(size: int | None, limit: int) -> ChannelError:
    """The error for a file over ``limit``: the server's own (:class:`MediaTooLarge`, refused
    like any platform's file) or Telegram's 20 MB for bots (it will not hand the file out)."""
    words = _too_big(size if size is not None else limit + 1, limit, known=size is not None)
    if limit < MAX_DOWNLOAD_BYTES:
        return MediaTooLarge(words, size=size)
    return ChannelError(words, permanent=True)


def _too_big(size: int, limit: int, *, known: bool = True) -> str:
    """Why a file is not fetched: over Telegram's 20 MB for bots, or over the server's limit."""
    if limit >= MAX_DOWNLOAD_BYTES:
        what = f"{size / 1_048_576:.1f} MB" if known else "over 20 MB"
        return (
            f"The file is {what}; a Telegram bot may download at most 20 MB, so it is not"
            " shown here. Open it in Telegram."
        )
    what = f"{_size(size)}, more than" if known else "over"
    return f"The file is {what} {_size(limit)}, the most this server takes; open it in Telegram."


def _size(n: int) -> str:
    if n >= 1_048_576:
        return f"{n / 1_048_576:.1f} MB"
    return f"{n / 1024:.0f} KB" if n >= 10_240 else f"{n} bytes"


def reply_target(reply: OutgoingReply) -> tuple[int, int]:
    """The chat and the message a reply answers: from the mention's meta, else its id."""
    chat = reply.mention_meta.get("chat_id")
    message = reply.mention_meta.get("message_id")
    if not chat or not message:
        chat, _sep, message = reply.mention_source_id.rpartition(":")
    try:
        return int(chat), int(message)
    except ValueError:
        raise ChannelError(
            "This mention does not name a Telegram chat and message"
            f" ({reply.mention_source_id!r}).",
            permanent=True,
        ) from None


def parse_update_body(
    info: ChannelInfo,
    body: bytes,
    bot: Bot,
    *,
    allowed_chats: frozenset[int] | None = None,
    all_group_messages: bool = False,
) -> PushResult:
    """A webhook call's body (one Update) as a batch; pure. Not JSON: ``ValueError``."""
    try:
        update = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"The webhook call is not JSON: {exc}") from None
    updates = update if isinstance(update, list) else [update]
    read = read_updates(updates, bot, allowed_chats=allowed_chats,
                        all_group_messages=all_group_messages)  # fmt: skip
    # the polling cursor is not moved: webhook calls may come in any order
    return PushResult(batches=[Batch(channel=info, mentions=read.mentions, skipped=read.skipped)])


def _chat_ids(values: Any) -> frozenset[int] | None:
    if not values:
        return None
    items = values if isinstance(values, list) else str(values).replace("\n", ",").split(",")
    ids: set[int] = set()
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        try:
            ids.add(int(text))
        except ValueError:
            raise NotConfigured(
                f"Only these chats: {text!r} is not a chat id (a number; a group's starts with"
                " -100)."
            ) from None
    return frozenset(ids) or None
