"""Domain vocabulary: roles, statuses, priorities and the immutable records built on them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum


class Role(StrEnum):
    """What an account may do. Ordered by power: agent < lead < admin."""

    AGENT = "agent"
    LEAD = "lead"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _ROLE_RANK[self]

    def at_least(self, other: Role) -> bool:
        """True when this role has every power of ``other``."""
        return self.rank >= other.rank


_ROLE_RANK = {Role.AGENT: 0, Role.LEAD: 1, Role.ADMIN: 2}


class MentionStatus(StrEnum):
    """Life cycle of a mention in the shared queue."""

    OPEN = "open"
    CLAIMED = "claimed"
    ANSWERED = "answered"
    CLOSED = "closed"
    SPAM = "spam"

    @property
    def is_final(self) -> bool:
        """Closed and spam mentions cannot be claimed or answered until reopened."""
        return self in (MentionStatus.CLOSED, MentionStatus.SPAM)


class Priority(IntEnum):
    """Triage priority; higher is more urgent."""

    LOW = 0
    NORMAL = 1
    HIGH = 2
    URGENT = 3


class DeliveryState(StrEnum):
    """Where an accepted reply is on its way to the platform."""

    QUEUED = "queued"  # accepted by the team server, not yet handed to the platform
    SENDING = "sending"  # handed to the connector; outcome unknown until looked up
    SENT = "sent"  # the platform confirmed it (platform_post_id known)
    FAILED = "failed"  # the platform refused it permanently
    IMPORTED = "imported"  # history imported from the platform: it was posted there already


class MutationType(StrEnum):
    """Kinds of writes a client sends through its outbox."""

    REPLY = "reply"
    NOTE = "note"
    SET_STATUS = "set_status"
    SET_TAGS = "set_tags"
    SET_PRIORITY = "set_priority"
    SNOOZE = "snooze"  # out of the queues until a time or the customer's next message
    UNSNOOZE = "unsnooze"


class MutationOutcome(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class RejectReason(StrEnum):
    """Why the server permanently refused an outbox write. The text stays with the client."""

    CLAIM_LOST = "claim_lost"
    NOT_CLAIMED = "not_claimed"
    MENTION_CLOSED = "mention_closed"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    TOO_LONG = "too_long"
    FORBIDDEN = "forbidden"
    OUTSIDE_WINDOW = "outside_window"  # the platform's messaging window has closed
    CHANGED = "changed"  # an undo: the mention changed since the write it takes back


@dataclass(frozen=True, slots=True)
class Agent:
    """A person (or imported brand signature) who answers mentions."""

    id: int
    username: str
    display_name: str
    signature: str
    role: Role
    disabled: bool = False


@dataclass(frozen=True, slots=True)
class Contact:
    """The author of a mention on a platform."""

    id: int
    platform: str
    platform_user_id: str
    handle: str
    name: str | None = None
    followers: int | None = None


@dataclass(frozen=True, slots=True)
class ClaimState:
    """The claim-relevant part of a mention, as stored by the server.

    ``lease_expires_at`` is a server timestamp (seconds since the epoch); clients never compare it
    with their own clock, they get ``lease_remaining_s`` instead.
    """

    status: MentionStatus
    holder_id: int | None
    epoch: int
    lease_expires_at: float | None
    replied: bool = False

    def lease_remaining(self, now: float) -> float:
        if self.holder_id is None or self.lease_expires_at is None:
            return 0.0
        return max(0.0, self.lease_expires_at - now)

    def held_by_other(self, agent_id: int, now: float) -> bool:
        return (
            self.holder_id is not None
            and self.holder_id != agent_id
            and self.lease_remaining(now) > 0
        )


@dataclass(frozen=True, slots=True)
class TemplateContext:
    """Values a reply template may refer to as ``{{name}}``."""

    customer_name: str = ""
    customer_handle: str = ""
    agent_name: str = ""
    agent_signature: str = ""
    brand: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, str]:
        values = {
            "customer_name": self.customer_name or self.customer_handle,
            "customer_handle": self.customer_handle,
            "agent_name": self.agent_name,
            "agent_signature": self.agent_signature,
            "brand": self.brand,
        }
        values.update(self.extra)
        return values
