"""What every channel connector hands the team server, and the protocol it implements.

A connector knows one platform. It turns the platform's data into these plain records; the team
server (``webcare.server.services.ingest``) stores them, deduplicated by the platform's id.

The protocol is three calls (see :class:`Connector`): fetch what is new since a cursor, deliver a
reply, and look a delivered reply up by our own reference so that a retry after a crash never
posts twice where the platform allows such a lookup. A fourth, :meth:`Connector.fetch_media`,
downloads a file a mention carries (:class:`MediaRef`) with the channel's credentials; the team
server calls it later, off the transaction that stored the mention, and checks what comes back.

Connectors of platforms that *push* (Meta's webhooks, Telegram's ``setWebhook``) also implement
the push hooks of :class:`ConnectorBase`: ``verify_subscription`` (the platform's GET handshake),
``authenticate_push`` (the signature of one delivery) and ``parse_push`` (one stored delivery
as :class:`Batch`es and :class:`Receipt`s). The team server's receiver (``/v1/hooks/{channel}``)
stores each authenticated delivery before it answers; the channel runner parses it later.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, Self

from webcare.channels.errors import ChannelError
from webcare.domain.signatures import Signature

if TYPE_CHECKING:
    from webcare.channels.settings import Settings


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
class MediaRef:
    """A file attached to an incoming post: a photo, sticker, voice note, video or document.

    A connector fills what the platform says; the team server stores the ref (never shown to
    clients), fetches the file through :meth:`Connector.fetch_media` with the channel's
    credentials, and checks its type and size itself (the bytes decide, not ``mime``).

    * ``kind``: ``image`` | ``sticker`` | ``audio`` (voice notes too) | ``video`` | ``document``
      (:data:`webcare.domain.media.KINDS`); the allow-list of types follows from it.
    * ``ref``: what :meth:`Connector.fetch_media` needs to find the file again: the platform's
      media id, or a URL the platform gave (at most 2000 characters). Opaque to the server.
    * ``mime``: the type the platform claims, if it says (checked against the bytes).
    * ``size``: the size in bytes the platform claims, if it says: a file announced over the
      limit is refused without downloading it.
    * ``filename``: the name the sender gave the file, if any (shown on the file chip).
    * ``caption``: the alt text or caption, if any (shown with it; plain text).
    """

    kind: str
    ref: str
    mime: str | None = None
    size: int | None = None
    filename: str | None = None
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class MediaBlob:
    """A downloaded file: its bytes and the type the platform sent with them (if any)."""

    data: bytes
    mime: str | None = None


@dataclass(frozen=True, slots=True)
class OutgoingMedia:
    """An image attached to a reply (uploaded by its author, checked by the team server)."""

    kind: str  # "image"
    mime: str  # the checked type (image/jpeg, image/png, image/gif, image/webp)
    data: bytes
    filename: str | None = None
    caption: str | None = None  # alt text


@dataclass(frozen=True, slots=True)
class AttachRule:
    """How many images a reply to one mention may carry (``limit``; 0: none) and, when none,
    why in words (``reason``: "Instagram comment replies are text only.").

    A connector decides it per mention (its module's ``attach_rule(meta, private)``: a comment,
    a Messenger message and a private reply differ); without one, the channel's ``SPEC`` says
    (:func:`webcare.channels.registry.attach_rule`). The team server refuses a reply over it
    when it accepts it, and the mention's wire record carries it for the composer.
    """

    limit: int
    reason: str = ""
    #: The reply named for a refusal over the limit ("A Facebook comment reply": "… can carry
    #: one image.").
    what: str = ""


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
    #: What the connector needs later to answer this post (a Bluesky cid and thread root, an
    #: e-mail's Message-ID, References and Subject...). Stored with the mention, never shown.
    meta: Mapping[str, str] = field(default_factory=dict)
    #: The files the post carries, in the platform's order (see :class:`MediaRef`).
    media: tuple[MediaRef, ...] = ()


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
    #: True when the platform has more right now: the scheduler fetches again at once.
    more: bool = False
    #: The platform asked us to wait this long before the next call (rate limit nearly spent).
    wait_s: float | None = None


#: How far a reply has come on the platform; a status only ever moves forward in this order.
RECEIPT_ORDER = {"sent": 1, "delivered": 2, "read": 3}
RECEIPT_STATUSES = (*RECEIPT_ORDER, "failed")


@dataclass(frozen=True, slots=True)
class Receipt:
    """A platform's word on one of our replies: sent, delivered, read or failed.

    It names the reply by the platform's post id, or by our reference where the platform echoes
    it (Messenger ``metadata``, WhatsApp ``biz_opaque_callback_data``), or — a *watermark* — by
    ``recipient``: every reply to that platform user posted at or before ``at`` (Messenger's
    delivery and read events name no message, only a time).
    """

    platform_post_id: str | None
    reference: str | None  # our reply id, where the platform echoes it back
    status: str  # 'sent' | 'delivered' | 'read' | 'failed'
    at: float  # the platform's time of the event (epoch seconds)
    error: str | None = None  # the platform's words, for "failed"
    recipient: str | None = None  # the customer's platform user id, for a watermark


@dataclass(frozen=True)
class PushResult:
    """What one delivery pushed to ``/v1/hooks/{channel}`` holds (``parse_push``): what to
    store, and the receipts it carried."""

    batches: list[Batch] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)
    #: Entries that could not be read, with the reason (ignored kinds are not listed).
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class OutgoingReply:
    """A reply accepted by the team server, to be posted on the platform."""

    reference: str  # our reply id: stable across retries, used as idempotency key / lookup key
    text: str  # exactly what to post (the agent's signature is already in it)
    mention_source_id: str  # the platform's id of the post being answered
    author_handle: str  # who wrote that post (an @handle, or an e-mail address)
    accepted_at: float = 0.0  # when the team server accepted it (stable across retries)
    mention_text: str = ""
    mention_url: str | None = None
    mention_meta: Mapping[str, str] = field(default_factory=dict)
    #: Images to attach (only for connectors whose ``SPEC.can_attach``), in order.
    media: tuple[OutgoingMedia, ...] = ()
    #: The agent chose a private answer (a Facebook/Instagram private reply to a comment).
    private: bool = False
    #: How many times delivery was attempted before this attempt (0: the first).
    attempt: int = 0
    #: An approved platform template to send instead of ``text`` (WhatsApp, outside the 24 h
    #: window): ``{"name", "language", "parameters": [{"name", "text"}]}``; ``text`` is then
    #: the template as the customer will read it (what the conversation shows).
    platform_template: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Delivered:
    """Where the platform put a reply."""

    platform_post_id: str
    posted_at: float | None = None  # the platform's time, when it says; else the server's
    url: str | None = None


@dataclass(frozen=True, slots=True)
class PlatformTemplate:
    """A message template the platform approved (WhatsApp): the only kind of message it lets
    a business send once the customer's 24 hours are over.

    ``body`` has the platform's placeholders (``{{1}}`` or ``{{first_name}}``); ``parameters``
    names them in the order the platform wants them (``"1"``, ``"2"`` for positional ones), each
    with the example the template was approved with.
    """

    name: str
    language: str
    category: str
    body: str
    parameters: tuple[tuple[str, str], ...] = ()  # (name, example)
    header: str = ""
    footer: str = ""
    buttons: tuple[str, ...] = ()  # the buttons' labels (quick replies, links, a phone number)


@dataclass(frozen=True)
class TemplateList:
    """The approved templates that can be sent from here, and those that cannot (with why)."""

    templates: list[PlatformTemplate] = field(default_factory=list)
    unsupported: list[tuple[str, str, str]] = field(default_factory=list)  # name, language, why


class Connector(Protocol):
    """One platform account (or one import source)."""

    #: Whether replies can be posted at all (RSS listening and CSV import cannot).
    can_reply: bool
    #: Whether :meth:`lookup` can find a reply we may have posted before a crash.
    can_lookup: bool

    def fetch(self, cursor: str | None) -> list[Batch]:
        """Everything new after ``cursor``, grouped per channel (one batch for live channels).

        Raises :class:`webcare.channels.errors.ChannelError` when the platform cannot be read;
        a malformed single entry is skipped and reported in ``Batch.skipped`` instead.
        """
        ...

    def deliver(self, reply: OutgoingReply) -> Delivered:
        """Post ``reply``; raises ``ChannelError`` (``permanent`` when a retry cannot help)."""
        ...

    def lookup(self, reply: OutgoingReply) -> Delivered | None:
        """Find ``reply`` if an earlier attempt posted it; ``None`` when it is not there."""
        ...

    def fetch_media(self, ref: MediaRef, *, max_bytes: int) -> MediaBlob:
        """Download the file ``ref`` names, with the channel's credentials.

        Never reads more than ``max_bytes`` (+1) bytes: a larger file raises
        :class:`webcare.channels.errors.MediaTooLarge` (with its size when known). Other
        failures raise ``ChannelError`` (``permanent`` when the file is gone for good). The
        caller checks the type of what comes back.
        """
        ...

    # optional (defaults in ConnectorBase): pushes and platform actions
    def verify_subscription(self, params: Mapping[str, str]) -> str | None: ...

    def authenticate_push(self, headers: Mapping[str, str], body: bytes) -> bool: ...

    def parse_push(self, body: bytes) -> PushResult: ...

    def complete_push(self, result: PushResult) -> PushResult: ...

    def moderate(self, source_id: str, meta: Mapping[str, str], action: str) -> None: ...

    def message_templates(self) -> TemplateList: ...


class ConnectorBase:
    """Defaults for connectors: replies allowed, no lookup, no pushes, no media, no moderation."""

    can_reply = True
    can_lookup = False

    @classmethod
    def from_settings(
        cls, info: ChannelInfo, settings: Settings, *, clock: Callable[[], float]
    ) -> Self:
        """Build the connector for a channel from its settings (the registry calls this;
        :class:`~webcare.channels.settings.Settings` has already refused a missing required
        one). Raises :class:`~webcare.channels.errors.NotConfigured` for a value it cannot
        use."""
        raise NotImplementedError

    def fetch(self, cursor: str | None) -> list[Batch]:
        raise NotImplementedError

    def deliver(self, reply: OutgoingReply) -> Delivered:
        raise ChannelError("This channel cannot post replies.", permanent=True)

    def lookup(self, reply: OutgoingReply) -> Delivered | None:
        return None

    # --- pushes to /v1/hooks/{channel} (platforms that call us) ------------------------------
    def verify_subscription(self, params: Mapping[str, str]) -> str | None:
        """The platform's subscription handshake (a GET): the text to echo, or ``None`` (403)."""
        return None

    def authenticate_push(self, headers: Mapping[str, str], body: bytes) -> bool:
        """Whether one delivery really comes from the platform (checked before storing it).

        Must take the same time whatever is wrong with it (constant-time comparison).
        """
        return False

    def parse_push(self, body: bytes) -> PushResult:
        """One stored delivery as batches and receipts. Pure (no network): it may run again
        after a crash. An entry that cannot be read is skipped with its reason, an event kind
        the connector does not use is ignored; raises ``ValueError`` only when the delivery as
        a whole cannot be read (not JSON, not the platform's envelope)."""
        raise ChannelError("This channel does not take pushed deliveries.", permanent=True)

    def complete_push(self, result: PushResult) -> PushResult:
        """Fill in what a push leaves out (an author's name) with calls to the platform.

        Runs before the delivery is stored; must never raise (what it cannot find stays out).
        """
        return result

    def interrupt(self) -> None:
        """Give up a call that may wait long (a long poll): the server is stopping."""

    def fetch_media(self, ref: MediaRef, *, max_bytes: int) -> MediaBlob:
        raise ChannelError("This channel cannot download media.", permanent=True)

    # --- platform actions ------------------------------------------------------------------
    def moderate(self, source_id: str, meta: Mapping[str, str], action: str) -> None:
        """Carry out ``action`` ("hide", "unhide") on the platform for this post."""
        raise ChannelError(f"This channel cannot {action} posts.", permanent=True)

    # --- platform templates ----------------------------------------------------------------
    def message_templates(self) -> TemplateList:
        """The platform's approved message templates (``ConnectorSpec.window_templates``)."""
        raise ChannelError("This channel has no message templates.", permanent=True)


@dataclass(frozen=True, slots=True)
class ConfigField:
    """One setting an admin fills in for a channel (the client builds its form from these)."""

    name: str
    label: str
    required: bool = False
    secret: bool = False  # write-only: stored apart from the config, never sent back
    default: Any = None
    help: str = ""
    kind: str = "text"  # text | int | bool | list (comma separated) | url
    #: A secret the server makes when the channel is added unless the admin gives one (shown
    #: once, e.g. to copy into the platform's settings).
    generate: bool = False


@dataclass(frozen=True)
class ConnectorSpec:
    """What the registry knows about one kind of connector."""

    kind: str
    label: str
    fields: tuple[ConfigField, ...]
    char_limit: int | None
    can_reply: bool
    lookup: str  # how retries stay exactly-once: "exact", "idempotency-key", "search", "none"
    default_interval_s: float = 60.0
    polls: bool = True  # False for push-only sources (the signed webhook)
    #: A fetch waits at the platform until something arrives (a long poll): it runs on a pool
    #: of its own, so it never holds up the other channels' fetches and deliveries.
    long_polls: bool = False
    #: Whether a reply whose outcome is unknown (the server stopped while posting it) is posted
    #: again by itself. False where the platform has no idempotency key and no lookup: posting
    #: again could answer the customer twice, so the reply is marked failed with "may have
    #: been posted" and an agent looks and decides.
    resend_unknown: bool = True
    #: Whether a reply may carry images (``OutgoingReply.media``); others are refused when the
    #: team server accepts the reply, with a clear message.
    can_attach: bool = False
    #: The largest image the platform takes (Bluesky: 1,000,000 bytes); None: the server's.
    attach_max_bytes: int | None = None
    #: How many images one reply may carry when fewer than the server's
    #: (:data:`webcare.domain.media.MAX_ATTACHMENTS`): WhatsApp sends one per message.
    attach_max_count: int | None = None
    #: The image types the platform takes, when fewer than the server's (WhatsApp: JPEG, PNG).
    attach_types: frozenset[str] | None = None
    #: With images the text goes as their caption, which may be shorter than a text message
    #: (Telegram, WhatsApp: 1024), counted as ``domain.textlength`` counts the channel's text.
    caption_limit: int | None = None
    #: The platform pushes to ``/v1/hooks/{channel}`` (the connector has the push hooks).
    receives_push: bool = False
    #: Messaging window (Messenger, Instagram DMs, WhatsApp: 24 h): a reply to a *windowed*
    #: mention (``meta["window"]``) is only possible this long after the customer's last
    #: message in that conversation. ``None``: no window.
    reply_window_s: float | None = None
    #: The rule in words, for the refusal ("Messenger only accepts a reply within 24 hours of
    #: the customer's last message.").
    window_rule: str = ""
    #: How long after a comment a private reply to it is possible (``None``: no private replies).
    private_reply_window_s: float | None = None
    #: Where the conversation goes on once a comment had its one private reply, in words for
    #: the refusal ("Answer publicly, or in Messenger once the customer writes back.").
    private_followup: str = "in a direct message"
    #: What marking a mention as spam does on the platform ("hide"), for mentions whose meta
    #: says they can be (``meta["moderate"]``).
    moderation: tuple[str, ...] = ()
    #: Outside the messaging window the platform still takes its approved templates
    #: (WhatsApp): a reply that is one (``OutgoingReply.platform_template``) is accepted then.
    window_templates: bool = False
