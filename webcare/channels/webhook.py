"""The signed webhook: any other source pushes mentions to ``POST /v1/ingest/{channel}``.

Signing (both directions): ``X-Webcare-Timestamp: <unix seconds>`` and
``X-Webcare-Signature: sha256=<hex HMAC-SHA256 over "<timestamp>.<raw body>">`` with the
channel's signing secret. The payload::

    {"mentions": [{"id": "abc", "text": "...", "created_at": "2026-11-20T10:00:00Z",
                   "author": {"id": "42", "handle": "@jan", "name": "Jan", "followers": 120},
                   "url": "https://...", "in_reply_to": "xyz", "language": "nl"}]}

``created_at`` is ISO 8601 (no offset = UTC) or unix seconds, from 2000-01-01 to a day after
the server's clock; an entry outside that is skipped with its reason (a request none of whose
entries can be taken is a 422). The timestamp header is whole seconds, digits only.

Replies: when ``reply_url`` is set, each reply is POSTed there, signed the same way, with an
``Idempotency-Key`` (our reply id) header; the receiver answers 2xx with ``{"id": "..."}``.
Without ``reply_url`` the channel is listen-only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from typing import Any, Self

from webcare.channels.base import (
    Author,
    Batch,
    ChannelInfo,
    ConfigField,
    ConnectorBase,
    ConnectorSpec,
    Delivered,
    IncomingMention,
    OutgoingReply,
)
from webcare.channels.errors import ChannelError, MalformedResponse
from webcare.channels.http import Http
from webcare.channels.settings import Settings
from webcare.domain.errors import ValidationError
from webcare.domain.timeutil import check_platform_time, parse_iso

MAX_MENTIONS = 500
MAX_TEXT = 20_000

SPEC = ConnectorSpec(
    kind="webhook",
    label="Signed webhook",
    fields=(
        ConfigField(
            "reply_url",
            "Reply URL",
            kind="url",
            help="Where replies are POSTed (signed); empty = listen-only.",
        ),
        ConfigField(
            "signing_secret",
            "Signing secret",
            secret=True,
            help="Generated when the channel is made; shown once.",
            generate=True,
        ),
    ),
    char_limit=None,
    can_reply=True,
    lookup="none",
    polls=False,
)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of ``<timestamp>.<body>``."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, now: float) -> dict[str, str]:
    stamp = str(int(now))
    return {
        "X-Webcare-Timestamp": stamp,
        "X-Webcare-Signature": "sha256=" + sign(secret, stamp, body),
        "Content-Type": "application/json",
    }


def _time(value: Any, now: float) -> float:
    if isinstance(value, str):
        try:
            value = parse_iso(value.strip())
        except ValueError:
            raise ValueError(f"created_at {value[:40]!r} is not an ISO 8601 time") from None
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("created_at must be an ISO 8601 time or unix seconds")
    try:
        return check_platform_time(value, now)
    except ValueError as exc:
        raise ValueError(f"created_at {exc}") from None


def _text(value: Any, what: str, limit: int = 200, *, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise ValueError(f"{what} is required")
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"{what} must be text")
    if len(value) > limit:
        raise ValueError(f"{what} is longer than {limit} characters")
    return value


def _required(value: Any, what: str, limit: int = 200) -> str:
    text = _text(value, what, limit, required=True)
    assert text is not None
    return text


def _mention(raw: Any, now: float) -> IncomingMention:
    if not isinstance(raw, dict):
        raise ValueError("an entry must be an object")
    source_id = _required(raw.get("id"), "id")
    text = _required(raw.get("text"), "text", MAX_TEXT)
    author = raw.get("author")
    if not isinstance(author, dict):
        raise ValueError("author must be an object")
    handle = _required(author.get("handle"), "author.handle")
    followers = author.get("followers")
    if followers is not None and (
        isinstance(followers, bool) or not isinstance(followers, int) or followers < 0
    ):
        raise ValueError("author.followers must be a whole number")
    return IncomingMention(
        source_id=source_id,
        author=Author(
            platform_user_id=_text(author.get("id"), "author.id") or handle,
            handle=handle,
            name=_text(author.get("name"), "author.name"),
            followers=followers,
        ),
        text=text,
        created_at=_time(raw.get("created_at"), now),
        url=_text(raw.get("url"), "url", 2000),
        parent_source_id=_text(raw.get("in_reply_to"), "in_reply_to"),
        language=_text(raw.get("language"), "language", 10),
    )


def parse_payload(info: ChannelInfo, payload: Any, now: float) -> Batch:
    """The pushed mentions; a wrong entry is skipped with its reason, a wrong shape is a 422,
    and so is a request none of whose entries can be taken (each with its reason)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("mentions"), list):
        raise ValidationError('The body must be {"mentions": [...]}.')
    entries = payload["mentions"]
    if len(entries) > MAX_MENTIONS:
        raise ValidationError(f"At most {MAX_MENTIONS} mentions per request.")
    mentions: list[IncomingMention] = []
    skipped: list[str] = []
    for i, raw in enumerate(entries):
        try:
            mentions.append(_mention(raw, now))
        except (ValueError, TypeError, OverflowError) as exc:
            skipped.append(f"mentions[{i}]: {exc}")
    if entries and not mentions:
        shown = "; ".join(skipped[:5]) + ("; …" if len(skipped) > 5 else "")
        raise ValidationError(f"No mention could be taken: {shown}")
    return Batch(channel=info, mentions=mentions, skipped=skipped)


class WebhookConnector(ConnectorBase):
    can_lookup = False

    @classmethod
    def from_settings(
        cls, info: ChannelInfo, settings: Settings, *, clock: Callable[[], float]
    ) -> Self:
        return cls(info, settings.text("reply_url"), settings.text("signing_secret"), clock)

    def __init__(
        self, info: ChannelInfo, reply_url: str, secret: str, clock: Callable[[], float]
    ) -> None:
        self.info = info
        self.reply_url = reply_url
        self.secret = secret
        self.clock = clock
        self.can_reply = bool(reply_url)
        self.http = Http(reply_url or "http://127.0.0.1", platform="the webhook receiver",
                         clock=clock)  # fmt: skip

    def fetch(self, cursor: str | None) -> list[Batch]:
        return []  # push only

    def deliver(self, reply: OutgoingReply) -> Delivered:
        if not self.reply_url:
            raise ChannelError("This webhook channel has no reply URL: it is listen-only.",
                               permanent=True)  # fmt: skip
        body = json.dumps(
            {
                "reference": reply.reference,
                "in_reply_to": reply.mention_source_id,
                "to": reply.author_handle,
                "text": reply.text,
            }
        ).encode()
        headers = {
            **signed_headers(self.secret, body, self.clock()),
            "Idempotency-Key": reply.reference,
        }
        answer = self.http.json("POST", self.reply_url, data=body, headers=headers)
        post_id = answer.get("id") if isinstance(answer, dict) else None
        if not isinstance(post_id, str | int) or isinstance(post_id, bool):
            raise MalformedResponse('The webhook receiver must answer {"id": "..."}.')
        return Delivered(platform_post_id=str(post_id), posted_at=self.clock())

    def close(self) -> None:
        self.http.close()


def can_reply(config: Mapping[str, Any]) -> bool:
    return bool(config.get("reply_url"))
