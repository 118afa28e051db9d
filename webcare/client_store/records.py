"""The client store's records: what the window reads (queue rows, a mention's detail, its
author and conversation, templates), the outbox's entries and what a sync step changed.

Plain frozen dataclasses, no I/O: the store's parts build them from rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum

from webcare.domain.media import MAX_ATTACHMENTS
from webcare.domain.search_syntax import parse_search
from webcare.domain.wire import Json

__all__ = ["Json"]  # re-exported: the store's callers name it from here


class View(StrEnum):
    UNCLAIMED = "unclaimed"
    MINE = "mine"
    ALL = "all"
    ANSWERED = "answered"
    #: snoozed mentions, with their wake times (out of the other views until they wake)
    SNOOZED = "snoozed"


class Sort(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"
    PRIORITY = "priority"


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue shows: a view, an optional search and filters."""

    view: View = View.UNCLAIMED
    text: str = ""
    statuses: tuple[str, ...] = ()
    channel_id: int | None = None
    tag: str | None = None
    min_priority: int | None = None
    since: float | None = None
    until: float | None = None
    sort: Sort = Sort.NEWEST


def build_filter(
    view: View,
    search: str,
    *,
    status: str = "",
    channel_id: int | None = None,
    min_priority: int | None = None,
    sort: Sort = Sort.NEWEST,
) -> tuple[QueueFilter, tuple[str, ...]]:
    """The queue filter of a view, the search box's text and the filter boxes (the window's and
    a saved view's alike), and what of the search could not be read."""
    parsed = parse_search(search)
    priorities = [p for p in (min_priority, parsed.min_priority) if p is not None]
    return QueueFilter(
        view=view,
        text=parsed.text,
        statuses=(status,) if status else (),
        channel_id=channel_id,
        tag=parsed.tag,
        min_priority=max(priorities) if priorities else None,
        since=parsed.since,
        until=parsed.until,
        sort=sort,
    ), parsed.problems


@dataclass(frozen=True, slots=True)
class SavedView:
    """A saved view as the server last sent it (the local store keeps it for offline use)."""

    id: int
    owner_id: int
    name: str
    base: str
    search: str
    status: str
    channel_id: int | None
    min_priority: int | None
    sort: str
    published: bool
    #: who owns it (for a team view: who saved it)
    owner: str = ""

    @property
    def view(self) -> View:
        try:
            return View(self.base)
        except ValueError:  # a newer server's base view: the widest there is
            return View.ALL

    @property
    def sort_order(self) -> Sort:
        try:
            return Sort(self.sort)
        except ValueError:  # a newer server's sort order
            return Sort.NEWEST

    def queue_filter(self) -> QueueFilter:
        """What the queue shows for it: the same filter the window builds from its boxes."""
        return build_filter(
            self.view, self.search, status=self.status, channel_id=self.channel_id,
            min_priority=self.min_priority, sort=self.sort_order,
        )[0]  # fmt: skip


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One line of the queue, everything the table shows (no further I/O needed)."""

    id: int
    received_at: float
    status: str
    priority: int
    tags: tuple[str, ...]
    text: str
    author: str
    channel: str
    holder_id: int | None
    holder: str | None
    lease_expires_local: float | None
    unread: bool
    replied: bool
    #: snoozed until this time (the server's, shown on the local clock) ...
    snoozed_until: float | None = None
    #: ... or until the customer writes again
    snooze_until_customer: bool = False

    @property
    def snoozed(self) -> bool:
        return self.snoozed_until is not None or self.snooze_until_customer

    def live_claim(self, now: float) -> bool:
        return self.holder_id is not None and (self.lease_expires_local or 0) > now

    def effective_status(self, now: float) -> str:
        if self.status == "claimed" and not self.live_claim(now):
            return "answered" if self.replied else "open"
        return self.status


@dataclass(frozen=True, slots=True)
class MediaItem:
    """A file of a mention, or an image attached to a reply (the server's ``media`` record).

    ``state``: ``pending`` (the server is fetching it), ``stored`` (it can be downloaded from
    our server), ``refused`` or ``failed`` (``error`` says why, in the server's words).
    """

    id: int
    kind: str  # image | sticker | audio | video | document
    mime: str | None
    size: int | None
    filename: str | None
    caption: str | None
    state: str
    error: str | None = None

    @classmethod
    def from_wire(cls, d: Json) -> MediaItem:
        return cls(
            id=int(d["id"]), kind=str(d.get("kind") or "document"), mime=d.get("mime"),
            size=d.get("size"), filename=d.get("filename"), caption=d.get("caption"),
            state=str(d.get("state") or "pending"), error=d.get("error"),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class ConversationItem:
    """One message in an author's history: their mention, our reply, a note, or a queued write."""

    kind: str  # mention | reply | note | outbox
    id: str
    mention_id: int
    at: float
    author: str
    text: str
    state: str = ""  # a mention's status, a reply's delivery state, or the outbox state
    detail: str = ""  # e.g. why an outbox entry was rejected
    current: bool = False  # belongs to the selected mention
    media: tuple[MediaItem, ...] = ()  # a mention's files, a reply's images
    receipt: str = ""  # a posted reply: what the platform says of it (delivered / read)
    private: bool = False  # a reply sent as a private message (to a comment's author)
    handover_to: str = ""  # a note that handed the mention over: the colleague's name
    channel: str = ""  # a mention of a merged contact's history: the channel it came in on


@dataclass(frozen=True, slots=True)
class HandedOver:
    """A mention a colleague has just handed to me (for the notification)."""

    mention_id: int
    by: str  # the colleague's display name
    handle: str  # the mention's author
    text: str


@dataclass(frozen=True, slots=True)
class OtherMention:
    """Another open mention of the same author (for "go to it")."""

    id: int
    created_at: float  # when the author wrote it
    status: str
    text: str


@dataclass(frozen=True, slots=True)
class AuthorContext:
    """What the team knows of a mention's author, from the local mirror.

    A *conversation* is a thread (``thread_id``, else the mention alone); times are when the
    author wrote (``created_at``). Earlier conversations
    are the author's other threads begun before this mention's, none of whose mentions is
    still open; their outcome is ``answered`` if any mention in it is answered (replied, not
    closed), ``spam`` if all are spam, else ``resolved``. Open means open or claimed: what the
    queue shows as "Open" (answered ones are counted as earlier conversations instead).
    """

    platform: str = ""
    earlier: int = 0
    resolved: int = 0
    spam: int = 0
    answered: int = 0
    last_earlier_at: float | None = None
    open_count: int = 0  # the author's other open mentions
    open_mentions: tuple[OtherMention, ...] = ()  # the newest of them (at most OPEN_SHOWN)
    tags: tuple[str, ...] = ()  # tags of the author's other mentions, most used first
    #: a merged contact: the person's other contacts, as "handle (platform)", in id order
    also: tuple[str, ...] = ()


OPEN_SHOWN = 5
AUTHOR_TAGS = 6


@dataclass(frozen=True, slots=True)
class PlatformActionState:
    """The latest action on the platform for a mention (hiding a comment marked spam)."""

    action: str  # "hide" | "unhide"
    state: str  # "queued" | "sending" | "done" | "failed"
    error: str | None = None

    @classmethod
    def from_json(cls, raw: str | None) -> PlatformActionState | None:
        """The stored record, or None when there is none (or it cannot be read)."""
        if not raw:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(value, dict) or not isinstance(value.get("action"), str):
            return None
        error = value.get("error")
        return cls(str(value["action"]), str(value.get("state") or "queued"),
                   error if isinstance(error, str) else None)  # fmt: skip


@dataclass(frozen=True, slots=True)
class MentionDetail:
    id: int
    text: str
    status: str
    priority: int
    tags: tuple[str, ...]
    received_at: float
    created_at: float
    url: str | None
    language: str | None
    channel_id: int
    channel: str
    brand: str
    char_limit: int | None
    contact_id: int | None
    handle: str
    name: str | None
    followers: int | None
    holder_id: int | None
    holder: str | None
    claim_epoch: int
    lease_expires_local: float | None
    claimed_since_local: float | None = None
    can_reply: bool = True  # False on listen-only channels (RSS, a webhook without reply URL)
    channel_kind: str = ""
    can_attach: bool = False  # replies on the channel may carry images
    attach_max_bytes: int | None = None  # the largest the platform takes (None: no own limit)
    author: AuthorContext = field(default_factory=AuthorContext)
    #: the messaging window's end on the local clock (Messenger, WhatsApp); None: no window
    window_until_local: float | None = None
    window_from_local: float | None = None  # the customer's last message, which it runs from
    reply_window_s: float | None = None  # the channel's window (24 h)
    private_reply: bool = False  # a private reply is possible (a DM to the commenter)
    #: outside the window the platform still takes its approved templates (WhatsApp)
    window_templates: bool = False
    #: the latest action on the platform (a comment marked spam being hidden), if any
    platform_action: PlatformActionState | None = None
    #: how many images a reply to this mention may carry (its connector decides per mention:
    #: a Facebook comment one, Instagram none) and why none; None: as the channel says
    attach_limit: int | None = None
    attach_refusal: str | None = None
    private_attach_limit: int | None = None  # the same for a private reply
    private_attach_refusal: str | None = None

    def images_allowed(self, *, private: bool = False) -> tuple[int, str]:
        """How many images the reply may carry (0: none) and, when none, the platform's
        reason ("" when only the channel's setting says so)."""
        if private and self.private_attach_limit is not None:
            return self.private_attach_limit, self.private_attach_refusal or ""
        if self.attach_limit is not None:
            return self.attach_limit, self.attach_refusal or ""
        return (MAX_ATTACHMENTS if self.can_attach else 0), ""

    #: the holder's claim began with a hand-over by this colleague (name), at this server time
    handed_over_by: str | None = None
    handed_over_by_id: int | None = None
    handed_over_at: float | None = None
    #: snoozed until this time, or until the customer writes again; by whom (id and name)
    snoozed_until: float | None = None
    snooze_until_customer: bool = False
    snoozed_by: int | None = None
    snoozer: str | None = None
    #: the snooze (or unsnooze) is a write of this computer not yet sent (offline)
    snooze_queued: bool = False

    @property
    def snoozed(self) -> bool:
        return self.snoozed_until is not None or self.snooze_until_customer

    def window_left(self, now: float) -> float | None:
        """Seconds left to reply in the messaging window (0: closed); None: no window."""
        if self.window_until_local is None:
            return None
        return max(0.0, self.window_until_local - now)


@dataclass(frozen=True, slots=True)
class Template:
    id: int
    title: str
    body: str
    language: str
    shortcut: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Me:
    id: int
    username: str
    display_name: str
    signature: str
    role: str


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    id: int
    client_id: str
    client_seq: int
    op_id: str
    type: str
    mention_id: int
    payload: Json
    state: str
    result: Json | None
    attempts: int

    def wire(self) -> Json:
        return {
            **self.payload,
            "client_seq": self.client_seq,
            "op_id": self.op_id,
            "type": self.type,
            "mention_id": self.mention_id,
        }


@dataclass
class ChangeSummary:
    """What a sync step changed, so the window refreshes only what it must."""

    entities: set[str] = field(default_factory=set)
    mention_ids: set[int] = field(default_factory=set)
    new_mentions: list[int] = field(default_factory=list)
    #: mentions a colleague has just handed to me (announced, shown bold until read)
    handed_to_me: list[int] = field(default_factory=list)
    #: mentions I snoozed that the server woke (by their time or the customer's follow-up)
    woken: list[int] = field(default_factory=list)

    def merge(self, other: ChangeSummary) -> None:
        self.entities |= other.entities
        self.mention_ids |= other.mention_ids
        self.new_mentions.extend(other.new_mentions)
        self.handed_to_me.extend(other.handed_to_me)
        self.woken.extend(other.woken)

    def __bool__(self) -> bool:
        return bool(self.entities)
