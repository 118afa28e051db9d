"""The wire records: the JSON objects the team server sends and the client reads.

One definition for both sides. The server builds them (``webcare.server.serialize``) and the
client reads them (the API client, the sync, the client store), so mypy sees a renamed or
retyped field on both sides at once. Times are ISO 8601 texts (``2026-12-04T09:30:00.000Z``),
ids are numbers except replies' and notes' (the client's op ids), and every field is always
present unless it is marked ``NotRequired``.

``Json`` is a JSON object whose shape is not one of these records (a request body, a report, a
server's answer the client only shows).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, NotRequired

# typing_extensions' TypedDict: pydantic (the server's OpenAPI) reads these on Python 3.11
from typing_extensions import TypedDict

Json = dict[str, Any]
#: Any of the records below, read generically (by an entity's name, as the change feed does).
AnyRecord = Mapping[str, Any]

MediaState = Literal["pending", "stored", "refused", "failed"]
DeliveryState = Literal["queued", "sending", "sent", "failed", "imported"]
PlatformStatus = Literal["sent", "delivered", "read", "failed"]
MediaKind = Literal["image", "sticker", "audio", "video", "document"]
RoleName = Literal["agent", "lead", "admin"]
Availability = Literal["available", "away"]


class MediaRecord(TypedDict):
    """A file of a mention, or an image attached to a reply: never the platform's ref, never
    where the server keeps it. ``mime`` is what the bytes are once stored, else what the
    platform said; ``error`` says why a file is refused or failed."""

    id: int
    kind: MediaKind
    mime: str | None
    size: int | None
    filename: str | None
    caption: str | None
    state: MediaState
    error: str | None


class PlatformAction(TypedDict):
    """The latest action on the platform for a mention (hiding a comment marked spam)."""

    action: str  # hide | unhide
    state: str  # queued | sending | done | failed
    error: str | None


class MentionRecord(TypedDict):
    id: int
    channel_id: int
    source_id: str
    contact_id: int | None
    text: str
    url: str | None
    language: str | None
    parent_mention_id: int | None
    thread_id: int | None
    created_at: str | None
    received_at: str | None
    status: str  # open | claimed | answered | closed | spam (the lease applied)
    priority: int
    tags: list[str]
    claim_agent_id: int | None
    claim_epoch: int
    #: seconds left on the claim by the server's clock (clients never compare clocks)
    lease_remaining_s: float | None
    claimed_for_s: float | None
    replied_at: str | None
    closed_at: str | None
    updated_at: str | None
    #: messaging window (Messenger, WhatsApp: 24 h after the customer's last message), on the
    #: server's clock like the lease: None = no window, 0 = closed
    reply_window_remaining_s: float | None
    #: how long ago the customer last wrote in it (what the window runs from)
    reply_window_since_s: float | None
    #: the connector allows a private reply to it (a DM to a Facebook/Instagram commenter)
    private_reply: bool
    platform_action: PlatformAction | None
    #: the current claim began with a hand-over by this account (None: it did not), and when
    handed_over_by: int | None
    handed_over_at: str | None
    #: snoozed: out of the queues until this time (the server wakes it) ...
    snoozed_until: str | None
    #: ... or until the customer writes again in the thread or conversation
    snooze_until_customer: bool
    #: who snoozed it; kept after it wakes (``woken_at``): it comes back bold for them
    snoozed_by: int | None
    woken_at: str | None
    #: added by ``serialize.mentions`` / the change feed; absent on a bare row
    media: NotRequired[list[MediaRecord]]
    #: how many images a reply to it may carry (its connector decides per mention: a Facebook
    #: comment one, Instagram none) and, where the connector decides, why none; the same for a
    #: private reply — added with ``media``
    attach_limit: NotRequired[int]
    attach_refusal: NotRequired[str | None]
    private_attach_limit: NotRequired[int]
    private_attach_refusal: NotRequired[str | None]


class AttachRuleRecord(TypedDict, total=False):
    """A mention's image rule as :func:`webcare.server.serialize.attach_rules` reads it."""

    attach_limit: int
    attach_refusal: str | None
    private_attach_limit: int
    private_attach_refusal: str | None


class ContactRecord(TypedDict):
    id: int
    platform: str
    platform_user_id: str
    handle: str
    name: str | None
    followers: int | None
    #: merged by a lead into this contact (the same person); None when not merged. A group is
    #: one level deep: the contact named here is never merged itself
    merged_into: int | None


class PlatformTemplateParameter(TypedDict):
    name: str
    text: str


class PlatformTemplateUse(TypedDict):
    """An approved platform template a reply is sent as (WhatsApp, outside the window)."""

    name: str
    language: str
    parameters: list[PlatformTemplateParameter]


class ReplyRecord(TypedDict):
    id: str
    mention_id: int
    agent_id: int
    body: str
    template_id: int | None
    accepted_at: str | None
    posted_at: str | None
    delivery_state: DeliveryState
    delivery_error: str | None
    platform_post_id: str | None
    posted_url: str | None
    delivery_attempts: int
    automatic: bool
    private: bool
    #: what the platform says became of it
    platform_status: PlatformStatus | None
    platform_status_at: str | None
    platform_template: PlatformTemplateUse | None
    media: NotRequired[list[MediaRecord]]


class NoteRecord(TypedDict):
    id: str
    mention_id: int
    agent_id: int
    body: str
    created_at: str | None
    #: a hand-over's note: the colleague the mention was handed to (``body`` may be empty)
    handover_to: int | None


class TemplateRecord(TypedDict):
    id: int
    title: str
    body: str
    language: str
    shortcut: str
    tags: list[str]
    version: int
    archived: bool
    updated_by: int | None
    updated_at: str | None


class UserRecord(TypedDict):
    id: int
    username: str
    display_name: str
    signature: str
    role: RoleName
    disabled: bool
    brand: str | None
    can_login: bool
    availability: Availability


Presence = Literal["online", "away", "offline"]


class PresenceRecord(TypedDict):
    """A teammate who can take mentions (enabled, can sign in), and whether they are here:
    ``online`` (their client talked to the server within the last minute), ``away`` (connected
    but said so in their preferences) or ``offline``."""

    user_id: int
    display_name: str
    role: RoleName
    presence: Presence
    #: seconds since the server last heard from their client (None: not since it started)
    seen_s: float | None


class ChannelRecord(TypedDict):
    id: int
    kind: str
    name: str
    brand: str
    handle: str
    enabled: bool
    char_limit: int | None
    last_fetch_at: str | None
    #: the fetch's error, else the push receiver's: what the Channels tab shows
    last_error: str | None
    last_error_at: str | None
    push_error: str | None
    push_last_at: str | None
    hook_path: str | None
    connector: str | None
    can_reply: bool
    can_attach: bool
    attach_max_bytes: int | None
    #: the platform's messaging window (Messenger, WhatsApp: 24 h), for the composer
    reply_window_s: float | None
    #: outside the window the platform still takes its approved templates (WhatsApp)
    window_templates: bool
    interval_s: float | None
    next_fetch_at: str | None
    next_fetch_in_s: float | None
    polls: bool
    failures: int
    fetched_total: int


class SavedViewRecord(TypedDict):
    """A saved view (``/v1/views``, the feed's ``view``): a personal one goes only to its
    owner; a published one (``published``) to everyone, and only leads and admins change it."""

    id: int
    owner_id: int
    name: str
    #: the built-in view it starts from: unclaimed | mine | all | answered | snoozed
    base: str
    #: the search box's text: words and tag: since: until: prio: tokens
    search: str
    #: the status filter ("" any)
    status: str
    channel_id: int | None
    min_priority: int | None
    #: newest | oldest | priority
    sort: str
    published: bool
    updated_by: int | None
    updated_at: str | None


#: Every entity the change feed carries, and its record.
EntityRecord = (
    MentionRecord
    | ContactRecord
    | ReplyRecord
    | NoteRecord
    | TemplateRecord
    | UserRecord
    | ChannelRecord
    | SavedViewRecord
)
Entity = Literal["mention", "contact", "reply", "note", "template", "user", "channel", "view"]


class ChangeRecord(TypedDict):
    """One entry of the change feed: the entity's latest state, or its deletion."""

    seq: int
    entity: str  # an Entity
    id: str
    op: Literal["upsert", "delete"]
    data: EntityRecord | None


class ChangesPage(TypedDict):
    db_id: str
    changes: list[ChangeRecord]
    cursor: int
    has_more: bool
    head: int


class BootstrapRecord(TypedDict):
    db_id: str
    cursor: int
    server_time: str
    lease_s: float
    me: UserRecord
    users: list[UserRecord]
    channels: list[ChannelRecord]
    templates: list[TemplateRecord]
    #: the saved views this account sees (its own and the published ones)
    views: list[SavedViewRecord]
    counts: dict[str, int]


class BootstrapPage(TypedDict):
    items: list[Any]  # the records of the paged entity
    next_after: int | None
