"""Shared test helpers."""

from __future__ import annotations

from typing import Any

from tests.support.fakes.whatsapp import FakeWhatsApp
from webcare.channels import whatsapp
from webcare.channels.base import ChannelInfo, IncomingMention, OutgoingReply

INFO = ChannelInfo(kind="whatsapp", name="Webcare BV on WhatsApp", brand="Webcare")


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


# --- the connector against the fake --------------------------------------------------------------


def captured(fake: FakeWhatsApp) -> list[bytes]:
    """The webhook bodies the fake makes from now on, in order (pushed or not)."""
    bodies: list[bytes] = []

    def keep(body: bytes) -> None:
        bodies.append(body)

    fake.send_raw = keep  # type: ignore[method-assign]
    fake.push = True
    return bodies


def mention_of(wa: whatsapp.WhatsAppConnector, body: bytes) -> IncomingMention:
    [mention] = wa.parse_push(body).batches[0].mentions
    return mention


def reply_for(m: IncomingMention, text: str = "", **fields: Any) -> OutgoingReply:
    return OutgoingReply(
        reference=fields.pop("reference", "op-1"),
        text=text,
        mention_source_id=m.source_id,
        author_handle=m.author.handle,
        accepted_at=NOW,
        mention_meta=dict(m.meta),
        **fields,
    )


NOW = 1_790_000_000.0
