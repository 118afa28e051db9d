"""Facebook Page: comments on the Page's posts, visitor posts, and Messenger conversations.

The Graph API (``webcare.channels.graph``) with a Page access token (permissions
``pages_read_engagement``, ``pages_read_user_content``, ``pages_manage_engagement``,
``pages_messaging``, ``pages_manage_metadata``; the token's owner has the MODERATE and MESSAGING
tasks on the Page).

**Live path: webhooks** to ``/v1/hooks/{channel}`` (fields ``feed``, ``messages``,
``message_echoes``, ``message_deliveries``, ``message_reads``), signed with the app secret
(``X-Hub-Signature-256``), batched (``entry`` x ``changes`` / ``entry`` x ``messaging``):

* ``feed`` ``item: comment, verb: add`` → a mention (``comment_id``; ``parent_id`` is the post
  for a top-level comment, the parent comment for a reply, so replies thread under it). A visitor
  post (``item: post|status|photo|video``) → a mention. The Page's own comments (``from.id`` is
  the Page) and edits, removals, hides and reactions are ignored. Times are Unix seconds.
* ``messaging`` ``message`` → a mention (``mid``), windowed (``meta["window"]``: Messenger's 24 h);
  ``is_echo`` with our ``metadata`` (``webcare:<reply id>``) → a "sent" receipt that also finds a
  reply whose answer we lost; ``delivery`` (``mids`` and a watermark) and ``read`` (a
  watermark) → receipts. Reactions, postbacks and the rest are ignored. Times are milliseconds.
* Messenger payloads carry no names: :meth:`complete_push` asks the Graph for the sender's name
  (``GET /{psid}?fields=name``) before the delivery is stored.

**Catch-up: polling** (``fetch``), for what came while the server was away. The cursor is the
time of the last complete round; each round reads everything updated since then (minus
:data:`OVERLAP_S` for clock skew), newest first, following ``paging.next``:
``/{page}/feed?fields=…,comments.filter(stream).order(reverse_chronological){…}&since=…`` and
``/{page}/conversations?platform=messenger&fields=…,messages{…}``. A round that hits the page cap
stores where it stopped (the next page's address, without the token) and goes on at once. What
both paths bring is stored once: the webhook's ids are the REST ids (``UNIQUE(channel, id)``).
The first round looks back :data:`FIRST_LOOKBACK_S` (a day: conversations that can still be
answered inside the Messenger window).

**Replies** (``deliver``):

* a comment or visitor post, publicly: ``POST /{comment-id}/comments`` (Facebook keeps two
  levels: an answer to a reply lands in the top-level comment's thread);
* privately (the agent chose it): ``POST /{page}/messages`` with ``recipient: {comment_id}``
  (or ``post_id``), one per comment, within 7 days;
* a Messenger message: ``POST /{page}/messages`` with ``messaging_type: RESPONSE`` and
  ``metadata: webcare:<reply id>``; outside the 24 h window Meta refuses (10/2018278) and so
  does the team server before the agent types.

**Images** (:func:`attach_rule`, per mention): a public comment reply carries one, as the
multipart ``source`` file of the same ``/{comment-id}/comments`` request; a Messenger reply up
to four, each an attachment message (``{type: image, payload: {is_reusable: false}}`` with the
file as ``filedata``) after the text, since a Messenger message is text *or* one attachment; a
private reply none (Meta allows one message). JPEG, PNG or GIF, at most :data:`IMAGE_MAX_BYTES`.

**Exactly once** (Graph has no idempotency key): after a crash between Meta's answer and our
commit, a retry first looks the reply up (``lookup``): a comment among the Page's own comments
under the same parent with the same text, posted after the reply was accepted; a Messenger
message in the customer's conversation the same way (and the ``message_echoes`` webhook carries
our reference, which records the reply even before a retry). A Messenger reply with images
is several messages: only the last carries ``webcare:<reply id>`` (the others
``webcare:<reply id>#<n>``, whose echo records nothing), and a retry reads the conversation for
the parts already there — the text, then the Page's image messages right after it — and sends
only the rest (:meth:`FacebookConnector._parts_sent`). A private reply cannot be looked
up, but Meta refuses a second one (10900, "already replied"): on a retry that means ours went
out, and it is recorded as sent (its message id comes with the echo).

**Spam**: marking a comment spam hides it (``POST /{comment-id}`` ``is_hidden=true``); taking
the mark off shows it again.

**Media**: a Messenger message's files (``message.attachments[]`` of type ``image``, ``video``,
``audio``, ``file``, stickers as images; by catch-up ``attachments{image_data{url} |
video_data{url} | file_url}``) and a comment's photo or video (the webhook's ``photo`` /
``video``; by catch-up ``attachment{type, media{image{src}}}`` of a photo or sticker) become
:class:`MediaRef` records whose ref is the signed address on Meta's CDN (no token, it
expires). The team server fetches each soon after the mention is stored (:meth:`fetch_media`,
:meth:`graph.Graph.fetch_file`: Meta's CDN hosts only, never with the token) and checks type
and size. Templates, locations and shared links stay a note in the text.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import Any, Self
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from webcare.channels import graph
from webcare.channels.base import (
    AttachRule,
    Author,
    Batch,
    ChannelInfo,
    ConfigField,
    ConnectorBase,
    ConnectorSpec,
    Delivered,
    IncomingMention,
    MediaBlob,
    MediaRef,
    OutgoingMedia,
    OutgoingReply,
    PushResult,
    Receipt,
)
from webcare.channels.errors import ChannelError, MalformedResponse
from webcare.channels.graph import (
    AlreadyReplied,
    Graph,
    GraphError,
    OutsideWindow,
    edge,
    epoch_ms,
    epoch_seconds,
    graph_id,
    parse_time,
)
from webcare.channels.settings import Settings
from webcare.domain.media import MAX_ATTACHMENTS

CHAR_LIMIT = 2000  # Messenger's Send API (comments take more; one limit fits every reply)
MAX_TEXT = 20_000
WINDOW_S = 24 * 3600.0
PRIVATE_REPLY_WINDOW_S = 7 * 24 * 3600.0
#: A catch-up round reads from the last round's time minus this (clocks differ).
OVERLAP_S = 600.0
#: The first round looks back this far.
FIRST_LOOKBACK_S = 24 * 3600.0
#: Pages one round reads per stream before it stops and goes on at once (``Batch.more``).
MAX_PAGES = 8
#: Pages of one post's comments a round reads (newest first) before the rest waits.
MAX_COMMENT_PAGES = 4
#: Our reference in a Messenger message's ``metadata`` (echoed back by Meta).
METADATA_PREFIX = "webcare:"
#: A reply sent as several Messenger messages (text, then each image) carries the plain
#: reference only on its last; the earlier ones carry ``webcare:<reply id>#<part>``, whose echo
#: records nothing (the reply is not sent until its last part is).
PART_MARK = "#"
#: The largest image Webcare sends: a Page's photos (a comment's) take 10 MB, Messenger's
#: attachments 25 MB; one limit fits both.
IMAGE_MAX_BYTES = 10_000_000
#: What Facebook's photos and Messenger's image attachments both take (BMP and TIFF, which
#: photos also take, are not among the images Webcare accepts).
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif"})
#: A lookup accepts a post this long before the reply was accepted (clocks differ).
LOOKUP_SKEW_S = 600.0
#: How often the Page's webhook subscription is renewed (Meta drops one that kept failing).
SUBSCRIBE_EVERY_S = 6 * 3600.0
SUBSCRIBED_FIELDS = "feed,messages,message_echoes,message_deliveries,message_reads"

COMMENT_FIELDS = (
    "id,message,created_time,from,parent{id},permalink_url,attachment{type,media{image{src}},url}"
)
FEED_FIELDS = (
    "id,message,created_time,updated_time,from,permalink_url,"
    f"comments.filter(stream).order(reverse_chronological).limit(50){{{COMMENT_FIELDS}}}"
)
MESSAGE_FIELDS = (
    "id,created_time,from,to,message,"
    "attachments{mime_type,name,size,image_data{url},video_data{url},file_url}"
)
CONVERSATION_FIELDS = f"id,updated_time,messages.limit(25){{{MESSAGE_FIELDS}}}"

SPEC = ConnectorSpec(
    kind="facebook",
    label="Facebook Page",
    fields=(
        ConfigField(
            "page_id",
            "Page ID",
            required=True,
            help="The Page's numeric id (Meta Business Suite > Settings > Page info, or the"
            " Page's About > Page transparency).",
        ),
        ConfigField(
            "page_access_token",
            "Page access token",
            required=True,
            secret=True,
            help="A Page token of the Meta app with pages_messaging, pages_manage_engagement,"
            " pages_read_engagement, pages_read_user_content and pages_manage_metadata. A"
            " system user's token (Business settings) does not expire.",
        ),
        graph.APP_SECRET_FIELD,
        graph.verify_token_field("Webhooks settings (object Page)"),
        *graph.API_FIELDS,
    ),
    char_limit=CHAR_LIMIT,
    can_reply=True,
    lookup="search",
    default_interval_s=300.0,
    receives_push=True,
    reply_window_s=WINDOW_S,
    window_rule="Messenger only accepts a reply within 24 hours of the customer's last message.",
    private_reply_window_s=PRIVATE_REPLY_WINDOW_S,
    private_followup="in Messenger",
    moderation=("hide",),
    can_attach=True,
    attach_max_bytes=IMAGE_MAX_BYTES,
    attach_types=IMAGE_TYPES,
)

UNANSWERABLE = "This Facebook mention cannot be answered from Webcare."
PRIVATE_TEXT_ONLY = (
    "A private reply is one Messenger message, and Messenger cannot put text and an image in"
    " one message: answer publicly to send the image, or in Messenger once the customer writes"
    " back."
)


def attach_rule(meta: Mapping[str, str], private: bool) -> AttachRule:
    """Images a reply may carry: a comment (or visitor post) answered publicly one (Graph's
    ``source``), a Messenger message up to the server's limit (each its own message after the
    text), a private reply none (Meta allows it one message, and a message is text *or* one
    attachment)."""
    kind = meta.get("kind")
    if kind == "message":
        return AttachRule(MAX_ATTACHMENTS, what="A Messenger reply")
    if kind in ("comment", "post"):
        if private:
            return AttachRule(0, PRIVATE_TEXT_ONLY, what="A private reply")
        what = "A Facebook comment reply" if kind == "comment" else "A reply to a Facebook post"
        return AttachRule(1, what=what)
    return AttachRule(0, UNANSWERABLE)


def _text(value: Any, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{what} is not text")
    return value


def _comparable(text: str) -> str:
    return " ".join(text.split())


def _without_token(url: str) -> str:
    """A ``paging.next`` address fit to keep in the cursor: the token taken out."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k != "access_token"]  # fmt: skip
    return urlunsplit(parts._replace(query=urlencode(query)))


def _attachment_note(kind: Any) -> str:
    words = {"image": "image", "video": "video", "audio": "voice message", "file": "file",
             "sticker": "sticker", "location": "location"}  # fmt: skip
    return f"[{words.get(kind, 'attachment') if isinstance(kind, str) else 'attachment'}]"


def _comment_photo(attachment: Mapping[str, Any]) -> tuple[MediaRef, ...]:
    """A comment's photo or sticker (REST ``attachment{type, media{image{src}}}``) as a ref; a
    video's or a link's picture is only a preview, not the file, and is left out."""
    if attachment.get("type") not in ("photo", "sticker"):
        return ()
    media = attachment.get("media")
    image = media.get("image") if isinstance(media, dict) else None
    src = image.get("src") if isinstance(image, dict) else None
    if not isinstance(src, str) or not src.startswith(("https://", "http://")) or len(src) > 2000:
        return ()
    return (MediaRef("image", src),)


class FacebookConnector(ConnectorBase):
    can_reply = True
    can_lookup = True

    @classmethod
    def from_settings(
        cls, info: ChannelInfo, settings: Settings, *, clock: Callable[[], float]
    ) -> Self:
        version, base_url = graph.api_settings(settings)
        return cls(
            info,
            page_id=settings.text("page_id"),
            token=settings.text("page_access_token"),
            app_secret=settings.text("app_secret"),
            verify_token=settings.text("verify_token"),
            base_url=base_url,
            version=version,
            clock=clock,
        )

    def __init__(
        self,
        info: ChannelInfo,
        *,
        page_id: str,
        token: str,
        app_secret: str,
        verify_token: str,
        base_url: str = graph.DEFAULT_BASE_URL,
        version: str = graph.DEFAULT_VERSION,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.info = info
        self.page_id = page_id
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.clock = clock
        self.graph = Graph(token, base_url=base_url, version=version, platform="Facebook",
                           clock=clock)  # fmt: skip
        self._names: dict[str, str | None] = {}

    # --- webhooks --------------------------------------------------------------------------
    def verify_subscription(self, params: Mapping[str, str]) -> str | None:
        return graph.challenge(params, self.verify_token)

    def authenticate_push(self, headers: Mapping[str, str], body: bytes) -> bool:
        return graph.signature_ok(self.app_secret, headers.get("x-hub-signature-256"), body)

    def parse_push(self, body: bytes) -> PushResult:
        entries = graph.load_push(body, "page")
        mentions: list[IncomingMention] = []
        receipts: list[Receipt] = []
        skipped: list[str] = []
        for n, entry in enumerate(entries):
            page = graph_id(entry.get("id"))
            if page != self.page_id:
                skipped.append(f"entry {n}: for page {page}, not this channel's")
                continue
            changes = entry.get("changes")
            for i, change in enumerate(changes if isinstance(changes, list) else []):
                if not isinstance(change, dict) or change.get("field") != "feed":
                    continue  # fields we do not use
                try:
                    mention = self._feed_item(change.get("value"))
                except (ValueError, TypeError, OverflowError) as exc:
                    skipped.append(f"entry {n} change {i}: {exc}")
                    continue
                if mention is not None:
                    mentions.append(mention)
            events = entry.get("messaging")
            for i, event in enumerate(events if isinstance(events, list) else []):
                try:
                    self._messaging(event, mentions, receipts)
                except (ValueError, TypeError, OverflowError, AttributeError) as exc:
                    skipped.append(f"entry {n} messaging {i}: {exc}")
        batches = [Batch(channel=self.info, mentions=mentions)] if mentions else []
        return PushResult(batches=batches, receipts=receipts, skipped=skipped)

    def _author(self, sender: Any, what: str) -> Author:
        if not isinstance(sender, dict):
            raise ValueError(f"{what} has no author")
        uid = graph_id(sender.get("id"))
        if uid is None:
            raise ValueError(f"{what} has no author id")
        name = sender.get("name")
        name = name.strip()[:200] if isinstance(name, str) and name.strip() else None
        return Author(platform_user_id=uid, handle=name or uid, name=name)

    def _feed_item(self, value: Any) -> IncomingMention | None:
        """A ``feed`` change as a mention (a comment or visitor post that was added), or
        ``None`` for what we do not keep (edits, removals, reactions, the Page's own posts)."""
        if not isinstance(value, dict):
            raise ValueError("the change has no value")
        if value.get("verb") != "add":
            return None
        item = value.get("item")
        sender = value.get("from")
        if sender is None and "sender_id" in value:  # older payloads
            sender = {"id": value.get("sender_id"), "name": value.get("sender_name")}
        if isinstance(sender, dict) and graph_id(sender.get("id")) == self.page_id:
            return None  # the Page's own comment or post (our replies among them)
        text = _text(value.get("message"), "message")
        files: list[MediaRef] = []
        for kind in ("photo", "video"):
            if value.get(kind):
                text = f"{text}\n[{kind}]".strip()
                url = value.get(kind)
                if isinstance(url, str) and url.startswith(("https://", "http://")):
                    files.append(MediaRef("image" if kind == "photo" else "video", url[:2000]))
        created = epoch_seconds(value.get("created_time"))
        if item == "comment":
            cid = graph_id(value.get("comment_id"))
            if cid is None:
                raise ValueError("a comment without comment_id")
            post = graph_id(value.get("post_id"))
            parent = graph_id(value.get("parent_id")) or post
            return replace(self._comment_mention(cid, self._author(sender, f"comment {cid}"),
                                                 text, created, post, parent),
                           media=tuple(files))  # fmt: skip
        if item in ("post", "status", "photo", "video", "share"):
            pid = graph_id(value.get("post_id"))
            if pid is None:
                raise ValueError(f"a {item} without post_id")
            link = value.get("link") if isinstance(value.get("link"), str) else None
            return replace(self._post_mention(pid, self._author(sender, f"post {pid}"), text,
                                              created, link), media=tuple(files))  # fmt: skip
        return None

    def _comment_mention(
        self, cid: str, author: Author, text: str, created: float, post: str | None,
        parent: str | None,
    ) -> IncomingMention:  # fmt: skip
        top = parent if parent is not None and parent != post else cid
        meta = {"kind": "comment", "top": top, "private_reply": "yes", "moderate": "hide"}
        if post is not None:
            meta["post"] = post
        return IncomingMention(
            source_id=cid,
            author=author,
            text=text.strip()[:MAX_TEXT],
            created_at=created,
            url=f"https://www.facebook.com/{cid}",
            parent_source_id=parent,
            meta=meta,
        )

    def _post_mention(
        self, pid: str, author: Author, text: str, created: float, url: str | None
    ) -> IncomingMention:
        return IncomingMention(
            source_id=pid,
            author=author,
            text=text.strip()[:MAX_TEXT],
            created_at=created,
            url=url or f"https://www.facebook.com/{pid}",
            meta={"kind": "post", "private_reply": "yes"},
        )

    def _message_mention(
        self, mid: str, psid: str, name: str | None, message: Mapping[str, Any], created: float
    ) -> IncomingMention | None:
        text = _text(message.get("text", message.get("message")), "message text")
        attachments = message.get("attachments")
        if isinstance(attachments, dict):  # REST: {"data": [...]}
            attachments = attachments.get("data")
        for a in attachments if isinstance(attachments, list) else []:
            if isinstance(a, dict):
                kind = a.get("type") or str(a.get("mime_type") or "").split("/")[0] or None
                text = f"{text}\n{_attachment_note(kind)}".strip()
        if message.get("sticker_id") and "[sticker]" not in text:
            text = f"{text}\n[sticker]".strip()
        if not text:
            return None  # nothing an agent could read (an unsupported message)
        reply_to = message.get("reply_to")
        parent = graph_id(reply_to.get("mid")) if isinstance(reply_to, dict) else None
        return IncomingMention(
            source_id=mid,
            author=Author(platform_user_id=psid, handle=name or psid, name=name),
            text=text[:MAX_TEXT],
            created_at=created,
            parent_source_id=parent,
            meta={"kind": "message", "psid": psid, "window": "messaging"},
            media=graph.attachment_refs(message.get("attachments")),
        )

    def _messaging(
        self, event: Any, mentions: list[IncomingMention], receipts: list[Receipt]
    ) -> None:
        if not isinstance(event, dict):
            raise ValueError("not an object")
        sender = graph_id((event.get("sender") or {}).get("id"))
        ts = event.get("timestamp")
        message = event.get("message")
        if isinstance(message, dict):
            mid = graph_id(message.get("mid"))
            if mid is None:
                raise ValueError("a message without mid")
            at = epoch_ms(ts)
            if message.get("is_echo"):
                metadata = message.get("metadata")
                if isinstance(metadata, str) and metadata.startswith(METADATA_PREFIX):
                    ours = metadata[len(METADATA_PREFIX) :]
                    if PART_MARK not in ours:  # a part before the last: the reply is not sent
                        receipts.append(Receipt(mid, ours, "sent", at))
                return  # our own message (or one sent in Meta's inbox): not a mention
            if message.get("is_deleted") or sender is None or sender == self.page_id:
                return
            mention = self._message_mention(mid, sender, None, message, at)
            if mention is not None:
                mentions.append(mention)
            return
        delivery = event.get("delivery")
        if isinstance(delivery, dict) and sender is not None:
            watermark = epoch_ms(delivery.get("watermark", ts))
            mids = delivery.get("mids")
            for mid in mids if isinstance(mids, list) else []:
                if graph_id(mid) is not None:
                    receipts.append(Receipt(graph_id(mid), None, "delivered", watermark))
            receipts.append(Receipt(None, None, "delivered", watermark, recipient=sender))
            return
        read = event.get("read")
        if isinstance(read, dict) and sender is not None:
            receipts.append(
                Receipt(None, None, "read", epoch_ms(read.get("watermark", ts)), recipient=sender)
            )
        # reactions, postbacks, referrals, opt-ins, handovers: acknowledged, not used

    def complete_push(self, result: PushResult) -> PushResult:
        """Messenger webhooks carry only a PSID: the sender's name, asked once per person."""
        changed = False
        batches = []
        for batch in result.batches:
            mentions = []
            for m in batch.mentions:
                named = m
                if m.meta.get("kind") == "message" and m.author.name is None:
                    name = self._name(m.author.platform_user_id)
                    if name is not None:
                        named = replace(m, author=replace(m.author, handle=name, name=name))
                        changed = True
                mentions.append(named)
            batches.append(replace(batch, mentions=mentions))
        return replace(result, batches=batches) if changed else result

    def _name(self, psid: str) -> str | None:
        if psid not in self._names:
            try:
                person = self.graph.object("GET", f"/{psid}", params={"fields": "name"})
            except ChannelError:
                return None  # asked again next time
            name = person.get("name")
            self._names[psid] = name.strip()[:200] if isinstance(name, str) and name else None
        return self._names[psid]

    # --- catch-up --------------------------------------------------------------------------
    def fetch(self, cursor: str | None) -> list[Batch]:
        now = self.clock()
        state: dict[str, Any] = {}
        if cursor:
            try:
                loaded = json.loads(cursor)
                state = loaded if isinstance(loaded, dict) else {}
            except ValueError:
                state = {}
        since = state.get("since")
        since = float(since) if isinstance(since, int | float) else now - FIRST_LOOKBACK_S
        started = state.get("started")
        started = float(started) if isinstance(started, int | float) else now
        floor = since - OVERLAP_S
        mentions: list[IncomingMention] = []
        skipped: list[str] = []
        resume: dict[str, str] = {}
        waits: list[float] = []
        for stream, reader in (
            ("feed", self._read_feed),
            ("conversations", self._read_conversations),
        ):
            start = state.get(f"resume_{stream}")
            if stream in state.get("finished", []):
                continue
            rest = reader(floor, start if isinstance(start, str) else None, mentions, skipped)
            if self.graph.last_wait_s is not None:
                waits.append(self.graph.last_wait_s)
            if rest is not None:
                resume[stream] = rest
        subscribed = state.get("subscribed_at")
        subscribed = float(subscribed) if isinstance(subscribed, int | float) else 0.0
        if now - subscribed >= SUBSCRIBE_EVERY_S:
            problem = self.subscribe()
            if problem is None:
                subscribed = now
            else:
                skipped.append(problem)
        if resume:
            finished = [s for s in ("feed", "conversations") if s not in resume]
            next_state: dict[str, Any] = {
                "since": since, "started": started, "finished": finished,
                "subscribed_at": subscribed,
            }  # fmt: skip
            next_state.update({f"resume_{k}": v for k, v in resume.items()})
        else:
            next_state = {"since": started, "subscribed_at": subscribed}
        mentions.sort(key=lambda m: (m.created_at, m.source_id))
        return [
            Batch(
                channel=self.info,
                mentions=mentions,
                cursor=json.dumps(next_state, sort_keys=True),
                skipped=skipped,
                more=bool(resume),
                wait_s=max(waits) if waits else None,
            )
        ]

    # --- media -----------------------------------------------------------------------------
    def fetch_media(self, ref: MediaRef, *, max_bytes: int) -> MediaBlob:
        return self.graph.fetch_file(ref.ref, max_bytes=max_bytes)

    def _pages(
        self, path: str, params: Mapping[str, str], start: str | None
    ) -> Iterator[tuple[list[Any], str | None]]:
        """Pages of a read (from ``start``, a stored next address, if given) with the address
        of the page after each, at most :data:`MAX_PAGES`."""
        url: str = start or path
        query: Mapping[str, str] | None = None if start else params
        for _ in range(MAX_PAGES):
            page = self.graph.object("GET", url, params=query)
            data = page.get("data")
            if not isinstance(data, list):
                raise MalformedResponse("Facebook answered a page without data.")
            nxt = graph.next_page(page)
            yield data, nxt
            if nxt is None:
                return
            url, query = nxt, None

    def _read_feed(
        self, floor: float, start: str | None, mentions: list[IncomingMention], skipped: list[str]
    ) -> str | None:
        """Posts updated since ``floor`` with their comments; the next page's address when
        the round stopped at the page cap, else ``None``."""
        params = {"fields": FEED_FIELDS, "since": str(int(floor)), "limit": "25"}
        last_next: str | None = None
        pages = 0
        for data, nxt in self._pages(f"/{self.page_id}/feed", params, start):
            pages += 1
            for post in data:
                try:
                    self._read_post(post, floor, mentions, skipped)
                except (ValueError, TypeError, OverflowError) as exc:
                    pid = post.get("id") if isinstance(post, dict) else None
                    skipped.append(f"post {pid}: {exc}")
            last_next = nxt
        return _without_token(last_next) if last_next and pages >= MAX_PAGES else None

    def _read_post(
        self, post: Any, floor: float, mentions: list[IncomingMention], skipped: list[str]
    ) -> None:
        if not isinstance(post, dict):
            raise ValueError("not an object")
        pid = graph_id(post.get("id"))
        if pid is None:
            raise ValueError("no id")
        sender = post.get("from")
        own = isinstance(sender, dict) and graph_id(sender.get("id")) == self.page_id
        if not own:
            created = parse_time(post.get("created_time"))
            if created >= floor:
                url = post.get("permalink_url")
                mentions.append(self._post_mention(
                    pid, self._author(sender, f"post {pid}"),
                    _text(post.get("message"), "message"), created,
                    url if isinstance(url, str) else None,
                ))  # fmt: skip
        comments = post.get("comments")
        data = edge(post, "comments")
        nxt = graph.next_page(comments)
        for _ in range(MAX_COMMENT_PAGES):
            oldest: float | None = None
            for comment in data:
                try:
                    created = self._read_comment(comment, pid, floor, mentions)
                except (ValueError, TypeError, OverflowError) as exc:
                    cid = comment.get("id") if isinstance(comment, dict) else None
                    skipped.append(f"comment {cid}: {exc}")
                    continue
                oldest = created if oldest is None else min(oldest, created)
            if nxt is None or (oldest is not None and oldest < floor):
                return  # newest first: the rest is older than the round
            page = self.graph.object("GET", nxt)
            data = edge({"comments": page}, "comments")
            nxt = graph.next_page(page)

    def _read_comment(
        self, comment: Any, post: str, floor: float, mentions: list[IncomingMention]
    ) -> float:
        if not isinstance(comment, dict):
            raise ValueError("not an object")
        cid = graph_id(comment.get("id"))
        if cid is None:
            raise ValueError("no id")
        created = parse_time(comment.get("created_time"))
        sender = comment.get("from")
        if created < floor or (isinstance(sender, dict)
                               and graph_id(sender.get("id")) == self.page_id):  # fmt: skip
            return created
        parent_obj = comment.get("parent")
        parent = graph_id(parent_obj.get("id")) if isinstance(parent_obj, dict) else None
        text = _text(comment.get("message"), "message")
        attachment = comment.get("attachment")
        files: tuple[MediaRef, ...] = ()
        if isinstance(attachment, dict):
            kind = attachment.get("type")
            text = f"{text}\n[{'photo' if kind == 'photo' else kind or 'attachment'}]".strip()
            files = _comment_photo(attachment)
        mention = self._comment_mention(cid, self._author(sender, f"comment {cid}"), text,
                                        created, post, parent or post)  # fmt: skip
        mentions.append(replace(mention, media=files))
        return created

    def _read_conversations(
        self, floor: float, start: str | None, mentions: list[IncomingMention], skipped: list[str]
    ) -> str | None:
        params = {"platform": "messenger", "fields": CONVERSATION_FIELDS, "limit": "25"}
        pages = 0
        last_next: str | None = None
        for data, nxt in self._pages(f"/{self.page_id}/conversations", params, start):
            pages += 1
            last_next = nxt
            stop = False
            for conv in data:
                try:
                    updated = parse_time(conv.get("updated_time")) if isinstance(conv, dict) else 0
                except (ValueError, TypeError, OverflowError):
                    updated = floor
                if updated < floor:
                    stop = True  # newest first: the rest did not change in this round
                    break
                for message in edge(conv, "messages"):
                    try:
                        mention = self._read_message(message, floor)
                    except (ValueError, TypeError, OverflowError) as exc:
                        mid = message.get("id") if isinstance(message, dict) else None
                        skipped.append(f"message {mid}: {exc}")
                        continue
                    if mention is not None:
                        mentions.append(mention)
            if stop:
                return None
        return _without_token(last_next) if last_next and pages >= MAX_PAGES else None

    def _read_message(self, message: Any, floor: float) -> IncomingMention | None:
        if not isinstance(message, dict):
            raise ValueError("not an object")
        mid = graph_id(message.get("id"))
        if mid is None:
            raise ValueError("no id")
        created = parse_time(message.get("created_time"))
        sender = message.get("from")
        if not isinstance(sender, dict) or graph_id(sender.get("id")) is None:
            raise ValueError(f"message {mid} has no sender")
        psid = str(graph_id(sender.get("id")))
        if created < floor or psid == self.page_id:
            return None
        name = sender.get("name")
        name = name.strip()[:200] if isinstance(name, str) and name.strip() else None
        if name is not None:
            self._names.setdefault(psid, name)
        return self._message_mention(mid, psid, name, message, created)

    def subscribe(self) -> str | None:
        """(Re)subscribe the app to the Page's webhook fields; a problem in words, or None."""
        try:
            answer = self.graph.object(
                "POST", f"/{self.page_id}/subscribed_apps",
                data={"subscribed_fields": SUBSCRIBED_FIELDS},
            )  # fmt: skip
        except ChannelError as exc:
            return f"Could not subscribe the Page's webhooks: {exc.message}"
        if answer.get("success") is not True:
            return "Facebook did not confirm the Page's webhook subscription."
        return None

    # --- deliver ---------------------------------------------------------------------------
    def deliver(self, reply: OutgoingReply) -> Delivered:
        meta = reply.mention_meta
        kind = meta.get("kind")
        if kind == "message":
            return self._send_message(reply, meta.get("psid") or "")
        if kind not in ("comment", "post"):
            raise ChannelError("Facebook: this mention has no Facebook kind; it cannot be"
                               " answered from here.", permanent=True)  # fmt: skip
        if reply.private:
            if reply.media:
                raise ChannelError(f"Facebook: {PRIVATE_TEXT_ONLY}", permanent=True)
            return self._private_reply(reply, kind)
        if len(reply.media) > 1:
            raise ChannelError("Facebook: a comment reply can carry one image.", permanent=True)
        # one request, the image as the multipart ``source`` file: the lookup by text finds it
        files = {"source": _upload(reply.media[0])} if reply.media else None
        answer = self.graph.object(
            "POST", f"/{reply.mention_source_id}/comments", data={"message": reply.text},
            files=files,
        )  # fmt: skip
        post_id = graph_id(answer.get("id"))
        if post_id is None:
            raise MalformedResponse("Facebook did not say which comment it made.")
        return Delivered(platform_post_id=post_id, url=f"https://www.facebook.com/{post_id}")

    def _send_message(self, reply: OutgoingReply, psid: str) -> Delivered:
        """A Messenger reply: its text, then each image as a message of its own (Messenger
        takes text *or* one attachment per message). Only the last part carries our plain
        reference; a retry first reads which parts the conversation has (:meth:`_parts_sent`)
        and sends only the rest, so no part goes twice and none is left out."""
        if not psid:
            raise ChannelError("Facebook: this message has no sender to answer.", permanent=True)
        total = 1 + len(reply.media)
        sent = self._parts_sent(reply, psid, self._conversation(psid)) if (
            reply.attempt > 0 and reply.media) else []  # fmt: skip
        mid = sent[-1] if sent else ""
        for part in range(len(sent), total):
            metadata = METADATA_PREFIX + reply.reference
            if part < total - 1:
                metadata += f"{PART_MARK}{part}"
            mid = self._send_part(reply, psid, part, metadata)
        return Delivered(platform_post_id=mid)

    def _send_part(self, reply: OutgoingReply, psid: str, part: int, metadata: str) -> str:
        """Part 0 is the text (JSON), part n the n-th image (multipart ``filedata``)."""
        try:
            if part == 0:
                body = {"recipient": {"id": psid}, "messaging_type": "RESPONSE",
                        "message": {"text": reply.text, "metadata": metadata}}  # fmt: skip
                answer = self.graph.object("POST", f"/{self.page_id}/messages", json=body)
            else:
                message = {"attachment": {"type": "image", "payload": {"is_reusable": False}},
                           "metadata": metadata}  # fmt: skip
                form = {"recipient": json.dumps({"id": psid}), "messaging_type": "RESPONSE",
                        "message": json.dumps(message)}  # fmt: skip
                answer = self.graph.object(
                    "POST", f"/{self.page_id}/messages", data=form,
                    files={"filedata": _upload(reply.media[part - 1])},
                )  # fmt: skip
        except OutsideWindow as exc:
            raise ChannelError(
                "Messenger refused the reply: the customer's last message is more than 24"
                f" hours old (Meta's messaging window). {exc.message}",
                permanent=True, status=exc.status,
            ) from exc  # fmt: skip
        mid = graph_id(answer.get("message_id"))
        if mid is None:
            raise MalformedResponse("Facebook did not say which message it sent.")
        return mid

    def _private_reply(self, reply: OutgoingReply, kind: str) -> Delivered:
        target = "comment_id" if kind == "comment" else "post_id"
        body = {
            "recipient": {target: reply.mention_source_id},
            "message": {"text": reply.text, "metadata": METADATA_PREFIX + reply.reference},
        }
        try:
            answer = self.graph.object("POST", f"/{self.page_id}/messages", json=body)
        except AlreadyReplied as exc:
            if reply.attempt > 0:
                # an earlier attempt of ours went out (Meta takes one private reply per
                # comment): recorded as sent; the echo brings the message id
                return Delivered(
                    platform_post_id=f"unknown:private-reply:{reply.mention_source_id}"
                )
            raise ChannelError(
                "Facebook already has a private reply to this comment (sent on Facebook or by"
                " another tool) and allows only one: answer publicly, or in Messenger once the"
                f" customer writes back. {exc.message}",
                permanent=True, status=exc.status,
            ) from exc  # fmt: skip
        except GraphError as exc:
            if exc.code != 10:  # 10 (with or without 2018278): the 7 days are over
                raise
            raise ChannelError(
                "Facebook refused the private reply: it is only possible within 7 days of the"
                f" comment. {exc.message}",
                permanent=True, status=exc.status,
            ) from exc  # fmt: skip
        mid = graph_id(answer.get("message_id"))
        if mid is None:
            raise MalformedResponse("Facebook did not say which message it sent.")
        return Delivered(platform_post_id=mid)

    # --- lookup ----------------------------------------------------------------------------
    def lookup(self, reply: OutgoingReply) -> Delivered | None:
        meta = reply.mention_meta
        oldest = reply.accepted_at - LOOKUP_SKEW_S if reply.accepted_at > 0 else None
        wanted = _comparable(reply.text)
        if meta.get("kind") == "message":
            psid = meta.get("psid") or ""
            if reply.media and psid:
                # text and images: posted only when every part is there (else deliver sends
                # the rest)
                parts = self._parts_sent(reply, psid, self._conversation(psid))
                return Delivered(parts[-1]) if len(parts) == 1 + len(reply.media) else None
            return self._find_message(psid, wanted, oldest)
        if reply.private or meta.get("kind") not in ("comment", "post"):
            return None  # a private reply: a second one is refused by Meta (see deliver)
        # Facebook answers a reply in the top-level comment's thread
        parents = [reply.mention_source_id]
        top = meta.get("top")
        if top and top not in parents:
            parents.append(top)
        for parent in parents:
            found = self._find_comment(parent, wanted, oldest)
            if found is not None:
                return found
        return None

    def _find_comment(self, parent: str, wanted: str, oldest: float | None) -> Delivered | None:
        params = {"fields": "id,message,created_time,from", "order": "reverse_chronological",
                  "filter": "toplevel", "limit": "50"}  # fmt: skip
        for data, _nxt in self._pages(f"/{parent}/comments", params, None):
            too_old = False
            for comment in data:
                if not isinstance(comment, dict):
                    continue
                sender = comment.get("from")
                try:
                    created = parse_time(comment.get("created_time"))
                except (ValueError, TypeError, OverflowError):
                    continue
                if oldest is not None and created < oldest:
                    too_old = True
                    continue
                mine = isinstance(sender, dict) and graph_id(sender.get("id")) == self.page_id
                text = comment.get("message")
                cid = graph_id(comment.get("id"))
                if mine and cid and isinstance(text, str) and _comparable(text) == wanted:
                    return Delivered(cid, posted_at=created, url=f"https://www.facebook.com/{cid}")
            if too_old:
                return None
        return None

    def _conversation(self, psid: str) -> list[tuple[str, float, bool, str, bool]]:
        """The customer's conversation, newest first, as (mid, time, ours, text, has an
        image): the last 25 messages."""
        params = {"platform": "messenger", "user_id": psid,
                  "fields": f"id,messages.limit(25){{{MESSAGE_FIELDS}}}"}  # fmt: skip
        answer = self.graph.object("GET", f"/{self.page_id}/conversations", params=params)
        conversations = answer.get("data")
        out: list[tuple[str, float, bool, str, bool]] = []
        for conv in conversations if isinstance(conversations, list) else []:
            for message in edge(conv, "messages"):
                if not isinstance(message, dict):
                    continue
                sender = message.get("from")
                try:
                    created = parse_time(message.get("created_time"))
                except (ValueError, TypeError, OverflowError):
                    continue
                mid = graph_id(message.get("id"))
                if mid is None:
                    continue
                mine = isinstance(sender, dict) and graph_id(sender.get("id")) == self.page_id
                text = message.get("message")
                image = any(r.kind == "image" for r in graph.attachment_refs(
                    message.get("attachments")))  # fmt: skip
                out.append((mid, created, mine, text if isinstance(text, str) else "", image))
        return out

    def _parts_sent(
        self, reply: OutgoingReply, psid: str, messages: list[tuple[str, float, bool, str, bool]]
    ) -> list[str]:
        """The mids of the parts of ``reply`` the conversation already has, in order: its text
        (the Page's, same text, not before it was accepted), then the Page's image messages
        right after it, one per image (the channel sends one reply at a time, so they are
        this reply's; one sent by hand from Meta's inbox in those seconds would count too)."""
        oldest = reply.accepted_at - LOOKUP_SKEW_S if reply.accepted_at > 0 else None
        wanted = _comparable(reply.text)
        chronological = list(reversed(messages))
        start = None
        for i, (_mid, created, mine, text, _image) in enumerate(chronological):
            if mine and text and _comparable(text) == wanted and (
                    oldest is None or created >= oldest):  # fmt: skip
                start = i  # the newest such (an older one answered something else)
        if start is None:
            return []
        found = [chronological[start][0]]
        for mid, _created, mine, text, image in chronological[start + 1 :]:
            if len(found) > len(reply.media):
                break
            if not mine:
                continue  # the customer wrote in between
            if text or not image:
                break  # another message of the Page's: the images did not come after it
            found.append(mid)
        return found

    def _find_message(self, psid: str, wanted: str, oldest: float | None) -> Delivered | None:
        if not psid:
            return None
        for mid, created, mine, text, _image in self._conversation(psid):
            if (mine and text and _comparable(text) == wanted
                    and (oldest is None or created >= oldest)):  # fmt: skip
                return Delivered(mid, posted_at=created)
        return None

    # --- platform actions ------------------------------------------------------------------
    def moderate(self, source_id: str, meta: Mapping[str, str], action: str) -> None:
        if action not in ("hide", "unhide") or meta.get("kind") != "comment":
            raise ChannelError(f"Facebook: only comments can be hidden, not this {action}.",
                               permanent=True)  # fmt: skip
        answer = self.graph.object(
            "POST", f"/{source_id}", data={"is_hidden": "true" if action == "hide" else "false"}
        )
        if answer.get("success") is not True:
            done = "hidden" if action == "hide" else "shown again"
            raise MalformedResponse(f"Facebook did not confirm that the comment was {done}.")

    def close(self) -> None:
        self.graph.close()


def _upload(image: OutgoingMedia) -> tuple[str, bytes, str]:
    """An image as a multipart file: its name in ASCII (Meta's attachment uploads do not take
    other characters in a name) with the extension of its checked type, its bytes and that
    type."""
    ext = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif"}.get(image.mime, "bin")
    stem = (image.filename or "image").rsplit(".", 1)[0]
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_")[:100] or "image"
    return f"{stem}.{ext}", image.data, image.mime
