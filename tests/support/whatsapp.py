"""Shared test helpers."""

from __future__ import annotations

from typing import Any

from tests.support.connectors import build
from tests.support.fakes.whatsapp import PHONE_NUMBER_ID, WABA_ID, FakeWhatsApp
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


def connector(fake: FakeWhatsApp, clock: Clock) -> whatsapp.WhatsAppConnector:
    """The WhatsApp connector on ``fake``'s number and business account, as the registry
    builds it."""
    return build(
        whatsapp.WhatsAppConnector,
        INFO,
        {"phone_number_id": PHONE_NUMBER_ID, "waba_id": WABA_ID, "base_url": fake.base_url},
        {"access_token": fake.token, "app_secret": fake.app_secret, "verify_token": "v"},
        clock=clock,
    )
