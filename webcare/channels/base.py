"""What every channel connector hands the team server, and the protocol it implements.

A connector knows one platform. It turns the platform's data into these plain records; the team
server (``webcare.server.services.ingest``) stores them, deduplicated by the platform's id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from webcare.domain.signatures import Signature


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    """Identity of a channel: one brand account on one platform."""

    kind: str  # platform: twitter, mastodon, bluesky, email, rss, webhook
    name: str  # unique, human readable: "@VirginTrains on Twitter"
    brand: str
    handle: str = ""
    char_limit: int | None = None


@dataclass(frozen=True, slots=True)
class Author:
    platform_user_id: str
    handle: str
    name: str | None = None
    followers: int | None = None


@dataclass(frozen=True, slots=True)
class IncomingMention:
    """A post that mentions the brand."""

    source_id: str
    author: Author
    text: str
    created_at: float  # the platform's post time (epoch seconds, UTC)
    url: str | None = None
    parent_source_id: str | None = None  # the post it answers, if any
    language: str | None = None


@dataclass(frozen=True, slots=True)
class IncomingReply:
    """A reply the brand already posted on the platform (history, or posted outside Webcare)."""

    source_id: str
    in_reply_to_source_id: str
    text: str
    created_at: float
    signature: Signature | None


@dataclass(frozen=True)
class Batch:
    """What one fetch returned for one channel, and the cursor to continue from."""

    channel: ChannelInfo
    mentions: list[IncomingMention] = field(default_factory=list)
    replies: list[IncomingReply] = field(default_factory=list)
    cursor: str | None = None
    skipped: list[str] = field(default_factory=list)  # human-readable reasons


class Connector(Protocol):
    """Fetch new mentions since a cursor. (Delivery and lookup arrive with live connectors.)"""

    def fetch(self, cursor: str | None) -> list[Batch]:
        """Everything new after ``cursor``, grouped per channel."""
        ...
