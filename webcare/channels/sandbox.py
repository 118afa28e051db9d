"""A practice channel: replies are "posted" to nowhere, and marked sent at once.

For training new agents and for ``webcare demo``: the whole path (claim, reply, outbox, server
delivery) runs for real; only the last hop is a no-op. The platform id is derived from our
reference, so a retry finds the earlier "post" and never counts twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

from webcare.channels.base import (
    Batch,
    ChannelInfo,
    ConfigField,
    ConnectorBase,
    ConnectorSpec,
    Delivered,
    OutgoingReply,
)
from webcare.channels.settings import Settings

SPEC = ConnectorSpec(
    kind="sandbox",
    label="Practice (sandbox)",
    fields=(
        ConfigField("note", "Note", help="Replies go nowhere; use it to practise.", default=""),
    ),
    char_limit=None,
    can_reply=True,
    lookup="exact",
    default_interval_s=3600.0,
)


class SandboxConnector(ConnectorBase):
    can_reply = True
    can_lookup = True

    @classmethod
    def from_settings(
        cls, info: ChannelInfo, settings: Settings, *, clock: Callable[[], float]
    ) -> Self:
        return cls(info, clock)

    def __init__(self, info: ChannelInfo, clock: Callable[[], float]) -> None:
        self.info = info
        self.clock = clock

    def fetch(self, cursor: str | None) -> list[Batch]:
        return [Batch(channel=self.info, cursor=cursor)]

    def deliver(self, reply: OutgoingReply) -> Delivered:
        return Delivered(platform_post_id=f"sandbox-{reply.reference}", posted_at=self.clock())

    def lookup(self, reply: OutgoingReply) -> Delivered | None:
        return None
