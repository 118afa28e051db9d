"""Shared test helpers."""

from __future__ import annotations

from typing import Any

from tests.support.connectors import build
from tests.support.fakes.bluesky import FakeBluesky
from webcare.channels import bluesky
from webcare.channels.base import ChannelInfo, OutgoingReply


def clock() -> float:
    return NOW


def make(fake: FakeBluesky, password: str | None = None) -> bluesky.BlueskyConnector:
    return build(
        bluesky.BlueskyConnector,
        INFO,
        {"service_url": fake.base_url, "identifier": fake.handle},
        {"app_password": password or fake.password},
        clock=clock,
    )


def reply_to(note: dict[str, Any], text: str, reference: str = "r-1") -> OutgoingReply:
    record = note["record"]
    root = (
        record["reply"]["root"] if "reply" in record else {"uri": note["uri"], "cid": note["cid"]}
    )
    return OutgoingReply(
        reference=reference,
        text=text,
        mention_source_id=note["uri"],
        author_handle="@" + note["author"]["handle"],
        accepted_at=NOW - 12.345678,
        mention_meta={"cid": note["cid"], "root_uri": root["uri"], "root_cid": root["cid"]},
    )


NOW = 1_760_000_000.0


INFO = ChannelInfo(kind="bluesky", name="@brand on Bluesky", brand="Brand", handle="@brand")
