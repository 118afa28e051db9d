"""Instagram (a professional account): comments on the account's posts, @mentions of it on
other people's posts, and direct messages.

The *Instagram API with Facebook Login* on the Graph API (``graph.facebook.com``,
``webcare.channels.graph``) with the access token of the Facebook Page linked to the account
(permissions ``instagram_basic``, ``instagram_manage_comments``, ``instagram_manage_messages``,
``pages_manage_metadata``, ``pages_read_engagement``, ``pages_show_list``; the token's owner has
the MODERATE and MESSAGING tasks on the Page). With that token ``/me`` is the Page: DMs go
through ``/me/messages`` and ``/me/conversations?platform=instagram``; media, comments and
@mentions through ``/{ig-user-id}``. (The *Instagram Login* setup, ``graph.instagram.com``
with an Instagram user token, is not supported: it has no ``mentions`` webhook.)

**Live path: webhooks** (object ``instagram``, routed by ``entry[].id``: the account id), to
``/v1/hooks/{channel}``, signed with the app secret (``X-Hub-Signature-256``), batched:

* ``comments`` (and ``live_comments``) → a mention (``id``, also ``comment_id`` as one of Meta's
  examples has it; ``parent_id`` on a reply threads it under the comment it answers). There is
  no time in the change: the entry's ``time`` (seconds) stands for it. The account's own
  comments — our replies come back too, with the account's *Instagram-scoped* id in ``from``,
  not its account id — are recognised by id or username and ignored.
* ``mentions`` → a mention of someone else's comment (``comment_id``, ``media_id``) or caption
  (``media_id`` only). The change carries no text and no author: :meth:`complete_push` asks
  ``/{ig-user-id}?fields=mentioned_comment.comment_id(…){…}`` or ``mentioned_media.media_id(…)
  {…}`` before the delivery is stored. Meta does not give the *commenter* of a mentioned comment
  (not among ``mentioned_comment``'s fields), so that author is "Instagram user"; a caption's
  author is the post's ``username``. If Instagram does not answer, the mention is kept with a
  note instead of its text (and the ids, so it can still be answered).
* ``messages`` in ``messaging[]`` → a mention (``mid``), windowed (``meta["window"]``: 24 h from
  the customer's last message); Instagram has no separate echo field: our own messages come in
  ``messages`` with ``is_echo`` and become a "sent" receipt, never a mention. Times are
  milliseconds. The sender's name, username and followers come from the User Profile API
  (``GET /{igsid}?fields=name,username,follower_count``) in :meth:`complete_push`.
* ``messaging_seen`` (``read.mid``, the message seen) → a "read" receipt for that reply, and for
  every earlier reply to that customer. Instagram sends no delivery receipts.
* Reactions, postbacks, referrals, deleted and unsupported messages: acknowledged, not used.

**Catch-up: polling** (``fetch``), for what came while the server was away: the comments (with
their replies) on the account's :data:`MEDIA_PAGES` x 25 newest posts
(``/{ig-user-id}/media?fields=…,comments.limit(50){…,replies{…}}``; older posts' comments
come only by webhook), and the DM conversations updated since the last round
(``/me/conversations?platform=instagram``), newest first, following ``paging.next``. The ids
are the webhooks' ids, so what both bring is stored once. Instagram has no list of @mentions:
one missed by the webhooks (Meta retries a failed delivery for hours) cannot be caught up.
Every six hours the app's subscription to the Page is checked (``/me/subscribed_apps``; Meta
drops an app whose webhooks kept failing) and renewed when it is gone.

**Replies** (``deliver``):

* a comment on the account's post: ``POST /{ig-comment-id}/replies`` on the *top-level*
  comment (Instagram keeps two levels, and takes a reply only on a top-level comment);
* privately (the agent chose it): ``POST /me/messages`` with ``recipient: {comment_id}``, once
  per comment, within 7 days;
* an @mention: ``POST /{ig-user-id}/mentions`` with ``media_id`` and ``comment_id`` (a comment
  mention) or ``media_id`` alone (a caption mention: a comment on that post);
* a DM: ``POST /me/messages`` with ``messaging_type: RESPONSE``; outside the 24 h window Meta
  refuses (10 / 2018278, or 2534022) and so does the team server before the agent types.
  Replies are held to 1000 characters and 1000 UTF-8 bytes (Meta's DM limit; comments take
  2200, one limit fits every reply).

Replies are **text only** (:func:`attach_rule`): Instagram's comment replies and @mention
answers take no media, a private reply is text, and a DM takes an image only as
``payload.url``, a public address Meta fetches, which Webcare does not have; the team server
refuses an image at acceptance and the mention's record says why before the agent types.

**Exactly once** (Graph has no idempotency key, and Meta does not say Instagram echoes the Send
API's ``metadata``): a retry after a crash between Instagram's answer and our commit first looks
the reply up (``lookup``) and records what it finds instead of posting again:

* a comment reply among the top-level comment's ``/replies``, by the account (its id or
  username), with the same text, posted at most :data:`LOOKUP_SKEW_S` before the reply was
  accepted;
* an @mention answer the same way among the replies of ``mentioned_comment`` (or the comments of
  ``mentioned_media``); if Instagram cannot be asked, the reply fails with that reason rather
  than risk a second post (the agent decides);
* a DM among the account's messages in the customer's conversation
  (``/me/conversations?platform=instagram&user_id={igsid}``), same text, same time rule;
* a private reply cannot be looked up, but Meta refuses a second one (10900): on a retry that
  means ours went out, and it is recorded as sent.

Two identical texts to the same comment or customer within those minutes count as one.

**Spam**: marking a comment on the account's post spam hides it (``POST /{ig-comment-id}``
``hide=true``); taking the mark off shows it again. Comments elsewhere cannot be hidden.

**Media**: a DM's attachments are named in the text ("[image]", "[voice message]"), and its
files — ``image``, ``video``, ``audio`` and ``file`` (``message.attachments[].payload.url``;
by catch-up ``attachments{image_data{url} | video_data{url} | file_url}``) — become
:class:`MediaRef` records whose ref is that address on Meta's CDN (``lookaside.fbsbx.com``:
signed, "privacy-aware", no token, it expires). The team server fetches each soon after the
mention is stored (:meth:`InstagramConnector.fetch_media`, :meth:`graph.Graph.fetch_file`:
those hosts only, never with the token) and checks its type and size. Shared posts, reels,
story mentions and story replies are someone's own content on Instagram, not a file sent to
us: they stay a note. Instagram comments carry no media (text only), so comment mentions
have none.
"""

from __future__ import annotations

import json
import logging
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
    OutgoingReply,
    PushResult,
    Receipt,
)
from webcare.channels.errors import ChannelError, MalformedResponse, NotConfigured
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

log = logging.getLogger("webcare.channels")

#: Meta's DM limit (1000 UTF-8 bytes, "less than 1000 characters"); comments take 2200.
CHAR_LIMIT = 1000
MAX_TEXT = 20_000
WINDOW_S = 24 * 3600.0
PRIVATE_REPLY_WINDOW_S = 7 * 24 * 3600.0
#: A catch-up round reads from the last round's time minus this (clocks differ).
OVERLAP_S = 600.0
#: The first round looks back this far.
FIRST_LOOKBACK_S = 24 * 3600.0
#: Pages (of 25) of the account's newest posts whose comments a round reads.
MEDIA_PAGES = 2
#: Pages of one post's comments a round reads.
MAX_COMMENT_PAGES = 4
#: Pages of conversations one round reads before it stops and goes on at once.
MAX_PAGES = 8
#: A lookup accepts a post this long before the reply was accepted (clocks differ).
LOOKUP_SKEW_S = 600.0
#: How often the app's subscription to the Page is checked.
SUBSCRIBE_EVERY_S = 6 * 3600.0
#: Meta asks for the Page's subscription to "any page webhook field" for Instagram webhooks.
SUBSCRIBED_FIELDS = "messages"

COMMENT_FIELDS = "id,text,timestamp,username,from,parent_id,hidden"
MEDIA_FIELDS = (
    "id,caption,permalink,timestamp,comments_count,"
    f"comments.limit(50){{{COMMENT_FIELDS},replies{{{COMMENT_FIELDS}}}}}"
)
MESSAGE_FIELDS = (
    "id,created_time,from,to,message,"
    "attachments{mime_type,name,size,image_data{url},video_data{url},file_url}"
)
CONVERSATION_FIELDS = f"id,updated_time,messages.limit(25){{{MESSAGE_FIELDS}}}"
#: The fields Meta documents for a mentioned comment (the commenter is not among them).
MENTIONED_COMMENT_FIELDS = "id,text,timestamp,like_count,media{id,permalink,username}"
MENTIONED_MEDIA_FIELDS = "id,caption,media_type,permalink,timestamp,username,comments_count"
PROFILE_FIELDS = "name,username,follower_count"

UNKNOWN_AUTHOR = "Instagram user"
PENDING_COMMENT = "[An @mention of the account in a comment; Instagram's notification has no text]"
PENDING_CAPTION = (
    "[An @mention of the account in a post's caption; Instagram's notification has no text]"
)

SPEC = ConnectorSpec(
    kind="instagram",
    label="Instagram",
    fields=(
        ConfigField(
            "ig_user_id",
            "Instagram account ID",
            required=True,
            help="The professional account's id (17 digits, 1784…): in the Graph API Explorer,"
            " GET /{page-id}?fields=instagram_business_account with the Page token.",
        ),
        ConfigField(
            "page_access_token",
            "Page access token",
            required=True,
            secret=True,
            help="A token of the Facebook Page linked to the Instagram account, from the Meta"
            " app with instagram_basic, instagram_manage_comments, instagram_manage_messages,"
            " pages_manage_metadata, pages_read_engagement and pages_show_list. A system"
            " user's token (Business settings) does not expire.",
        ),
        graph.APP_SECRET_FIELD,
        graph.verify_token_field(
            "Webhooks settings (object Instagram: comments, mentions, messages, messaging_seen)"
        ),
        *graph.API_FIELDS,
    ),
    char_limit=CHAR_LIMIT,
    can_reply=True,
    lookup="search",
    default_interval_s=300.0,
    receives_push=True,
    reply_window_s=WINDOW_S,
    window_rule="Instagram only accepts a reply to a direct message within 24 hours of the"
    " customer's last message.",
    private_reply_window_s=PRIVATE_REPLY_WINDOW_S,
    private_followup="in a direct message",
    moderation=("hide",),
)

DM_NO_IMAGES = (
    "Instagram takes a direct message's image only from a public web address, which Webcare"
    " does not have: send the text here, and the image from the Instagram app."
)


PRIVATE_NO_IMAGES = "An Instagram private reply is text only."
COMMENT_NO_IMAGES = "Instagram comment replies are text only."


def attach_rule(meta: Mapping[str, str], private: bool) -> AttachRule:
    """No Instagram reply carries images from Webcare: comment replies and @mention answers are
    text only (the comments API has no media), a private reply too, and a DM's image must be
    a public URL (``payload.url``) that Meta fetches, which Webcare does not have."""
    if meta.get("kind") == "message":
        return AttachRule(0, DM_NO_IMAGES)
    if private:
        return AttachRule(0, PRIVATE_NO_IMAGES)
    return AttachRule(0, COMMENT_NO_IMAGES)


#: What a DM attachment is called in the text, by Instagram's ``type``.
_ATTACHMENTS = {
    "image": "image",
    "video": "video",
    "audio": "voice message",
    "file": "file",
    "share": "shared post",
    "ig_post": "shared post",
    "story_mention": "mentioned you in their story",
    "ig_reel": "reel",
    "reel": "reel",
    "sticker": "sticker",
    "animated_image": "GIF",
}


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


def _entry_time(value: Any) -> float:
    """An entry's ``time``: seconds for ``changes``, milliseconds for ``messaging`` (told
    apart by size: 1e11 seconds is the year 5138)."""
    seconds = epoch_seconds(value)
    return seconds / 1000.0 if seconds > 1e11 else seconds


def attachment_notes(attachments: Any) -> list[str]:
    """``[image]``, ``[voice message]``… for a message's attachments: the webhook's list of
    ``{type, payload}`` or the Conversations API's ``{"data": [{image_data | video_data |
    file_url | mime_type}]}``."""
    if isinstance(attachments, dict):
        attachments = attachments.get("data")
    notes = []
    seen_post = False
    for a in attachments if isinstance(attachments, list) else []:
        if not isinstance(a, dict):
            continue
        kind = a.get("type")
        if kind in ("share", "ig_post"):  # since November 2025 a shared post comes as both
            if seen_post:
                continue
            seen_post = True
        if not isinstance(kind, str):
            if "image_data" in a:
                kind = "image"
            elif "video_data" in a:
                kind = "video"
            else:
                major = str(a.get("mime_type") or "").split("/")[0] or None
                kind = "file" if "file_url" in a and major != "audio" else major
        notes.append(f"[{_ATTACHMENTS.get(kind, 'attachment') if kind else 'attachment'}]")
    return notes


class InstagramConnector(ConnectorBase):
    can_reply = True
    can_lookup = True

    @classmethod
    def from_settings(
        cls, info: ChannelInfo, settings: Settings, *, clock: Callable[[], float]
    ) -> Self:
        ig_user_id = settings.text("ig_user_id")
        if not ig_user_id.isdigit():
            raise NotConfigured(
                "Instagram account ID must be the account's numeric id (1784…), not"
                f" {ig_user_id!r}."
            )
        version, base_url = graph.api_settings(settings)
        return cls(
            info,
            ig_user_id=ig_user_id,
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
        ig_user_id: str,
        token: str,
        app_secret: str,
        verify_token: str,
        base_url: str = graph.DEFAULT_BASE_URL,
        version: str = graph.DEFAULT_VERSION,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.info = info
        self.ig_user_id = ig_user_id
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.clock = clock
        self.graph = Graph(token, base_url=base_url, version=version, platform="Instagram",
                           clock=clock)  # fmt: skip
        #: The account's username (its own comments carry a scoped id, not the account id).
        self.username: str | None = None
        self._profiles: dict[str, dict[str, Any] | None] = {}
        self._permalinks: dict[str, str | None] = {}

    # --- who we are ------------------------------------------------------------------------
    def our_username(self) -> str | None:
        """The account's username, asked once (``None`` while Instagram does not say)."""
        if self.username is None:
            answer = self.graph.object("GET", f"/{self.ig_user_id}",
                                       params={"fields": "username"})  # fmt: skip
            name = answer.get("username")
            if isinstance(name, str) and name.strip():
                self.username = name.strip()
        return self.username

    def _is_us(self, sender: Any) -> bool:
        if not isinstance(sender, dict):
            return False
        if graph_id(sender.get("id")) == self.ig_user_id:
            return True
        name = sender.get("username")
        return bool(self.username and isinstance(name, str)
                    and name.strip().lower() == self.username.lower())  # fmt: skip

    # --- webhooks --------------------------------------------------------------------------
    def verify_subscription(self, params: Mapping[str, str]) -> str | None:
        return graph.challenge(params, self.verify_token)

    def authenticate_push(self, headers: Mapping[str, str], body: bytes) -> bool:
        return graph.signature_ok(self.app_secret, headers.get("x-hub-signature-256"), body)

    def parse_push(self, body: bytes) -> PushResult:
        entries = graph.load_push(body, "instagram")
        mentions: list[IncomingMention] = []
        receipts: list[Receipt] = []
        skipped: list[str] = []
        for n, entry in enumerate(entries):
            account = graph_id(entry.get("id"))
            if account != self.ig_user_id:
                skipped.append(f"entry {n}: for account {account}, not this channel's")
                continue
            changes = entry.get("changes")
            if not isinstance(changes, list) and "field" in entry:
                # the Instagram Login examples put field/value in the entry itself
                changes = [{"field": entry.get("field"), "value": entry.get("value")}]
            for i, change in enumerate(changes if isinstance(changes, list) else []):
                if not isinstance(change, dict):
                    continue
                try:
                    mention = self._change(change, entry.get("time"))
                except (ValueError, TypeError, OverflowError, AttributeError) as exc:
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

    def _change(self, change: Mapping[str, Any], entry_time: Any) -> IncomingMention | None:
        kind = change.get("field")
        if kind not in ("comments", "live_comments", "mentions"):
            return None  # fields we do not use (story_insights …)
        value = change.get("value")
        if not isinstance(value, dict):
            raise ValueError("the change has no value")
        at = _entry_time(entry_time) if entry_time is not None else self.clock()
        if kind == "mentions":
            return self._mention_change(value, at)
        cid = graph_id(value.get("id")) or graph_id(value.get("comment_id"))
        if cid is None:
            raise ValueError("a comment without id")
        sender = value.get("from")
        if self._is_us(sender):
            return None  # the account's own comment (our replies among them)
        media = value.get("media")
        media_id = graph_id(media.get("id")) if isinstance(media, dict) else None
        return self._comment_mention(
            cid, self._author(sender, f"comment {cid}"), _text(value.get("text"), "text"), at,
            media_id, graph_id(value.get("parent_id")), None,
        )  # fmt: skip

    def _mention_change(self, value: Mapping[str, Any], at: float) -> IncomingMention:
        media_id = graph_id(value.get("media_id"))
        if media_id is None:
            raise ValueError("a mention without media_id")
        comment_id = graph_id(value.get("comment_id"))
        if comment_id is not None:
            source, text = comment_id, PENDING_COMMENT
            meta = {"kind": "mention", "media": media_id, "comment": comment_id, "pending": "yes"}
        else:
            source, text = media_id, PENDING_CAPTION
            meta = {"kind": "caption", "media": media_id, "pending": "yes"}
        return IncomingMention(
            source_id=source,
            author=Author(platform_user_id=f"unknown:{source}", handle=UNKNOWN_AUTHOR),
            text=text,
            created_at=at,
            meta=meta,
        )

    def _author(self, sender: Any, what: str) -> Author:
        if not isinstance(sender, dict):
            raise ValueError(f"{what} has no author")
        uid = graph_id(sender.get("id"))
        if uid is None:
            raise ValueError(f"{what} has no author id")
        name = sender.get("username")
        handle = name.strip()[:200] if isinstance(name, str) and name.strip() else uid
        return Author(platform_user_id=uid, handle=handle)

    def _comment_mention(
        self, cid: str, author: Author, text: str, created: float, media: str | None,
        parent: str | None, url: str | None,
    ) -> IncomingMention:  # fmt: skip
        meta = {"kind": "comment", "top": parent or cid, "private_reply": "yes",
                "moderate": "hide"}  # fmt: skip
        if media is not None:
            meta["media"] = media
        return IncomingMention(
            source_id=cid,
            author=author,
            text=text.strip()[:MAX_TEXT],
            created_at=created,
            url=url,
            parent_source_id=parent or media,
            meta=meta,
        )

    def _message_mention(
        self, mid: str, igsid: str, handle: str | None, message: Mapping[str, Any],
        created: float,
    ) -> IncomingMention | None:  # fmt: skip
        text = _text(message.get("text", message.get("message")), "message text")
        notes = attachment_notes(message.get("attachments"))
        reply_to = message.get("reply_to")
        if isinstance(reply_to, dict) and isinstance(reply_to.get("story"), dict):
            notes.insert(0, "[reply to your story]")
        if not text and not notes and message.get("is_unsupported"):
            notes.append("[a message Instagram does not pass on]")
        text = "\n".join([t for t in (text.strip(), *notes) if t])
        if not text:
            return None
        parent = graph_id(reply_to.get("mid")) if isinstance(reply_to, dict) else None
        return IncomingMention(
            source_id=mid,
            author=Author(platform_user_id=igsid, handle=handle or igsid),
            text=text[:MAX_TEXT],
            created_at=created,
            parent_source_id=parent,
            meta={"kind": "message", "igsid": igsid, "window": "messaging"},
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
            if message.get("is_echo") or sender == self.ig_user_id:
                # our own message (sent by Webcare, or in the Instagram app): never a mention
                receipts.append(Receipt(mid, None, "sent", at))
                return
            if message.get("is_deleted") or sender is None:
                return
            mention = self._message_mention(mid, sender, None, message, at)
            if mention is not None:
                mentions.append(mention)
            return
        read = event.get("read")
        if isinstance(read, dict) and sender is not None and sender != self.ig_user_id:
            at = epoch_ms(ts if ts is not None else read.get("watermark"))
            seen = graph_id(read.get("mid"))
            if seen is not None:
                receipts.append(Receipt(seen, None, "read", at))
            # what was sent before the message seen was seen too
            receipts.append(Receipt(None, None, "read", at, recipient=sender))
        # reactions, postbacks, referrals, handovers: acknowledged, not used

    # --- completing a push -----------------------------------------------------------------
    def complete_push(self, result: PushResult) -> PushResult:
        """Fill in what Instagram's webhooks leave out: an @mention's text and author, a DM
        sender's name; and leave out the account's own comments that only its username
        gives away. Never raises: what Instagram does not answer stays as it came."""
        changed = False
        batches = []
        for batch in result.batches:
            mentions = []
            for m in batch.mentions:
                done = self._complete(m)
                changed = changed or done is not m
                if done is not None:
                    mentions.append(done)
            if mentions or batch.replies:
                batches.append(replace(batch, mentions=mentions))
        return replace(result, batches=batches) if changed else result

    def _complete(self, m: IncomingMention) -> IncomingMention | None:
        """``m`` filled in (a new record), as it was, or ``None`` for the account's own."""
        kind = m.meta.get("kind")
        try:
            if m.meta.get("pending"):
                return self._complete_mention(m)
            if kind == "message" and m.author.name is None:
                return self._named(m)
            if kind == "comment":
                if self._own_comment(m):
                    return None
                if m.url is None and m.meta.get("media"):
                    url = self._permalink(m.meta["media"])  # webhooks name only the post's id
                    return replace(m, url=url) if url else m
        except Exception:  # a push is never lost to a lookup
            log.exception("Instagram: completing %s failed", m.source_id)
        return m

    def _permalink(self, media_id: str) -> str | None:
        if media_id not in self._permalinks:
            try:
                media = self.graph.object("GET", f"/{media_id}", params={"fields": "permalink"})
            except ChannelError:
                return None  # asked again next time
            link = media.get("permalink")
            self._permalinks[media_id] = link if isinstance(link, str) else None
        return self._permalinks[media_id]

    def _own_comment(self, m: IncomingMention) -> bool:
        try:
            ours = self.our_username()
        except ChannelError:
            return False
        return bool(ours) and m.author.handle.lower() == str(ours).lower()

    def _named(self, m: IncomingMention) -> IncomingMention:
        profile = self._profile(m.author.platform_user_id)
        if not profile:
            return m
        username = profile.get("username")
        name = profile.get("name")
        followers = profile.get("follower_count")
        author = replace(
            m.author,
            handle=username.strip()[:200] if isinstance(username, str) and username.strip()
            else m.author.handle,
            name=name.strip()[:200] if isinstance(name, str) and name.strip() else None,
            followers=followers if isinstance(followers, int) and not isinstance(followers, bool)
            else None,
        )  # fmt: skip
        return replace(m, author=author)

    def _profile(self, igsid: str) -> dict[str, Any] | None:
        if igsid not in self._profiles:
            try:
                self._profiles[igsid] = self.graph.object(
                    "GET", f"/{igsid}", params={"fields": PROFILE_FIELDS}
                )
            except ChannelError:
                return None  # asked again next time
        return self._profiles[igsid]

    def _complete_mention(self, m: IncomingMention) -> IncomingMention:
        meta = {k: v for k, v in m.meta.items() if k != "pending"}
        try:
            if m.meta.get("kind") == "mention":
                return self._mentioned_comment(m, meta)
            return self._mentioned_media(m, meta)
        except (ChannelError, ValueError, TypeError, OverflowError) as exc:
            reason = exc.message if isinstance(exc, ChannelError) else str(exc)
            meta["incomplete"] = "yes"
            where = "a comment" if m.meta.get("kind") == "mention" else "a post's caption"
            text = (f"[An @mention of the account in {where}; Instagram did not give its text"
                    f" ({reason.rstrip('.')}). Open the post on Instagram.]")  # fmt: skip
            return replace(m, meta=meta, text=text)

    def _mentioned_comment(self, m: IncomingMention, meta: dict[str, str]) -> IncomingMention:
        field = f"mentioned_comment.comment_id({meta['comment']}){{{MENTIONED_COMMENT_FIELDS}}}"
        answer = self.graph.object("GET", f"/{self.ig_user_id}", params={"fields": field})
        comment = answer.get("mentioned_comment")
        if not isinstance(comment, dict):
            raise MalformedResponse("Instagram did not return the mentioned comment.")
        found = comment.get("media")
        media: dict[str, Any] = found if isinstance(found, dict) else {}
        url = media.get("permalink") if isinstance(media.get("permalink"), str) else None
        owner = media.get("username")
        ours = self.username or (self.our_username() if owner else None)
        if isinstance(owner, str) and ours and owner.lower() == ours.lower():
            # a comment on the account's own post that also @mentions it: a comment
            return self._comment_mention(
                m.source_id, replace(m.author), _text(comment.get("text"), "text"),
                parse_time(comment.get("timestamp")), meta.get("media"), None, url,
            )  # fmt: skip
        return replace(
            m,
            text=_text(comment.get("text"), "text").strip()[:MAX_TEXT] or m.text,
            created_at=parse_time(comment.get("timestamp")),
            url=url,
            meta={**meta, "owner": owner} if isinstance(owner, str) else meta,
        )

    def _mentioned_media(self, m: IncomingMention, meta: dict[str, str]) -> IncomingMention:
        field = f"mentioned_media.media_id({meta['media']}){{{MENTIONED_MEDIA_FIELDS}}}"
        answer = self.graph.object("GET", f"/{self.ig_user_id}", params={"fields": field})
        media = answer.get("mentioned_media")
        if not isinstance(media, dict):
            raise MalformedResponse("Instagram did not return the mentioned post.")
        owner = media.get("username")
        author = m.author
        if isinstance(owner, str) and owner.strip():
            author = Author(platform_user_id=owner.strip(), handle=owner.strip()[:200])
        url = media.get("permalink")
        return replace(
            m,
            author=author,
            text=_text(media.get("caption"), "caption").strip()[:MAX_TEXT] or m.text,
            created_at=parse_time(media.get("timestamp")),
            url=url if isinstance(url, str) else None,
            meta=meta,
        )

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
        self.our_username()
        mentions: list[IncomingMention] = []
        skipped: list[str] = []
        waits: list[float] = []
        resume = state.get("resume_conversations")
        if not isinstance(resume, str):
            self._read_media(floor, mentions, skipped)  # bounded: read again in a resumed round
            if self.graph.last_wait_s is not None:
                waits.append(self.graph.last_wait_s)
        rest = self._read_conversations(floor, resume if isinstance(resume, str) else None,
                                        mentions, skipped)  # fmt: skip
        if self.graph.last_wait_s is not None:
            waits.append(self.graph.last_wait_s)
        subscribed = state.get("subscribed_at")
        subscribed = float(subscribed) if isinstance(subscribed, int | float) else 0.0
        if now - subscribed >= SUBSCRIBE_EVERY_S:
            problem = self.subscribe()
            if problem is None:
                subscribed = now
            else:
                skipped.append(problem)
        if rest is not None:
            next_state: dict[str, Any] = {"since": since, "started": started,
                                          "subscribed_at": subscribed,
                                          "resume_conversations": rest}  # fmt: skip
        else:
            next_state = {"since": started, "subscribed_at": subscribed}
        mentions.sort(key=lambda m: (m.created_at, m.source_id))
        return [
            Batch(
                channel=self.info,
                mentions=mentions,
                cursor=json.dumps(next_state, sort_keys=True),
                skipped=skipped,
                more=rest is not None,
                wait_s=max(waits) if waits else None,
            )
        ]

    def _read_media(
        self, floor: float, mentions: list[IncomingMention], skipped: list[str]
    ) -> None:
        params = {"fields": MEDIA_FIELDS, "limit": "25"}
        for data in self.graph.pages(f"/{self.ig_user_id}/media", params, max_pages=MEDIA_PAGES):
            for media in data:
                try:
                    self._read_post(media, floor, mentions, skipped)
                except (ValueError, TypeError, OverflowError, AttributeError) as exc:
                    mid = media.get("id") if isinstance(media, dict) else None
                    skipped.append(f"post {mid}: {exc}")

    def _read_post(
        self, media: Any, floor: float, mentions: list[IncomingMention], skipped: list[str]
    ) -> None:
        if not isinstance(media, dict):
            raise ValueError("not an object")
        media_id = graph_id(media.get("id"))
        if media_id is None:
            raise ValueError("no id")
        url = media.get("permalink") if isinstance(media.get("permalink"), str) else None
        data = edge(media, "comments")
        nxt = graph.next_page(media.get("comments"))
        for _ in range(MAX_COMMENT_PAGES):
            for comment in data:
                try:
                    self._read_comment(comment, media_id, None, url, floor, mentions)
                    for answer in edge(comment, "replies"):
                        self._read_comment(answer, media_id, graph_id(comment.get("id")), url,
                                           floor, mentions)  # fmt: skip
                except (ValueError, TypeError, OverflowError, AttributeError) as exc:
                    cid = comment.get("id") if isinstance(comment, dict) else None
                    skipped.append(f"comment {cid}: {exc}")
            if nxt is None:
                return
            page = self.graph.object("GET", nxt)
            data = edge({"comments": page}, "comments")
            nxt = graph.next_page(page)

    def _read_comment(
        self, comment: Any, media_id: str, top: str | None, url: str | None, floor: float,
        mentions: list[IncomingMention],
    ) -> None:  # fmt: skip
        if not isinstance(comment, dict):
            raise ValueError("not an object")
        cid = graph_id(comment.get("id"))
        if cid is None:
            raise ValueError("no id")
        created = parse_time(comment.get("timestamp"))
        sender = comment.get("from")
        if not isinstance(sender, dict):  # older answers: only the username
            sender = {"id": None, "username": comment.get("username")}
        if created < floor or self._is_us(sender):
            return
        if graph_id(sender.get("id")) is None and isinstance(sender.get("username"), str):
            sender = {**sender, "id": sender["username"]}
        parent = graph_id(comment.get("parent_id")) or top
        mentions.append(self._comment_mention(
            cid, self._author(sender, f"comment {cid}"), _text(comment.get("text"), "text"),
            created, media_id, parent, url,
        ))  # fmt: skip

    def _pages(
        self, path: str, params: Mapping[str, str], start: str | None
    ) -> Iterator[tuple[list[Any], str | None]]:
        url: str = start or path
        query: Mapping[str, str] | None = None if start else params
        for _ in range(MAX_PAGES):
            page = self.graph.object("GET", url, params=query)
            data = page.get("data")
            if not isinstance(data, list):
                raise MalformedResponse("Instagram answered a page without data.")
            nxt = graph.next_page(page)
            yield data, nxt
            if nxt is None:
                return
            url, query = nxt, None

    def _read_conversations(
        self, floor: float, start: str | None, mentions: list[IncomingMention], skipped: list[str]
    ) -> str | None:
        params = {"platform": "instagram", "fields": CONVERSATION_FIELDS, "limit": "25"}
        pages = 0
        last_next: str | None = None
        for data, nxt in self._pages("/me/conversations", params, start):
            pages += 1
            last_next = nxt
            for conv in data:
                try:
                    updated = parse_time(conv.get("updated_time")) if isinstance(conv, dict) else 0
                except (ValueError, TypeError, OverflowError):
                    updated = floor
                if updated < floor:
                    return None  # newest first: the rest did not change in this round
                for message in edge(conv, "messages"):
                    try:
                        mention = self._read_message(message, floor)
                    except (ValueError, TypeError, OverflowError, AttributeError) as exc:
                        mid = message.get("id") if isinstance(message, dict) else None
                        skipped.append(f"message {mid}: {exc}")
                        continue
                    if mention is not None:
                        mentions.append(mention)
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
        igsid = str(graph_id(sender.get("id")))
        if created < floor or self._is_us(sender):
            return None
        name = sender.get("username")
        handle = name.strip()[:200] if isinstance(name, str) and name.strip() else None
        return self._message_mention(mid, igsid, handle, message, created)

    def subscribe(self) -> str | None:
        """Make sure the app is subscribed to the linked Page (Meta asks for it, and drops an
        app whose webhooks kept failing); a problem in words, or None."""
        try:
            app = graph_id(self.graph.object("GET", "/app", params={"fields": "id"}).get("id"))
            listed = self.graph.object("GET", "/me/subscribed_apps")
            data = listed.get("data")
            for item in data if isinstance(data, list) else []:
                if (isinstance(item, dict) and graph_id(item.get("id")) == app
                        and item.get("subscribed_fields")):  # fmt: skip
                    return None
            answer = self.graph.object("POST", "/me/subscribed_apps",
                                       data={"subscribed_fields": SUBSCRIBED_FIELDS})  # fmt: skip
        except ChannelError as exc:
            return f"Could not check the Instagram webhooks' subscription: {exc.message}"
        if answer.get("success") is not True:
            return "Instagram did not confirm the webhooks' subscription."
        return None

    # --- deliver ---------------------------------------------------------------------------
    def deliver(self, reply: OutgoingReply) -> Delivered:
        meta = reply.mention_meta
        kind = meta.get("kind")
        if kind == "message":
            return self._send_message(reply, meta.get("igsid") or "")
        if reply.private:
            if kind != "comment":
                raise ChannelError("Instagram takes a private reply only to a comment on the"
                                   " account's own post.", permanent=True)  # fmt: skip
            return self._private_reply(reply)
        if kind == "comment":
            target = meta.get("top") or reply.mention_source_id
            answer = self.graph.object("POST", f"/{target}/replies", data={"message": reply.text})
        elif kind in ("mention", "caption"):
            data = {"media_id": meta.get("media") or "", "message": reply.text}
            if kind == "mention":
                data["comment_id"] = meta.get("comment") or reply.mention_source_id
            answer = self.graph.object("POST", f"/{self.ig_user_id}/mentions", data=data)
        else:
            raise ChannelError("Instagram: this mention has no Instagram kind; it cannot be"
                               " answered from here.", permanent=True)  # fmt: skip
        post_id = graph_id(answer.get("id"))
        if post_id is None:
            raise MalformedResponse("Instagram did not say which comment it made.")
        return Delivered(platform_post_id=post_id, url=reply.mention_url)

    def _send_message(self, reply: OutgoingReply, igsid: str) -> Delivered:
        if not igsid:
            raise ChannelError("Instagram: this message has no sender to answer.", permanent=True)
        body = {"recipient": {"id": igsid}, "messaging_type": "RESPONSE",
                "message": {"text": reply.text}}  # fmt: skip
        try:
            answer = self.graph.object("POST", "/me/messages", json=body)
        except GraphError as exc:
            if not (isinstance(exc, OutsideWindow) or exc.code == 10):
                raise
            raise ChannelError(
                "Instagram refused the reply: the customer's last message is more than 24 hours"
                f" old (Meta's messaging window). {exc.message}",
                permanent=True, status=exc.status,
            ) from exc  # fmt: skip
        mid = graph_id(answer.get("message_id"))
        if mid is None:
            raise MalformedResponse("Instagram did not say which message it sent.")
        return Delivered(platform_post_id=mid)

    def _private_reply(self, reply: OutgoingReply) -> Delivered:
        body = {"recipient": {"comment_id": reply.mention_source_id},
                "message": {"text": reply.text}}  # fmt: skip
        try:
            answer = self.graph.object("POST", "/me/messages", json=body)
        except AlreadyReplied as exc:
            if reply.attempt > 0:
                # an earlier attempt of ours went out (one private reply per comment)
                return Delivered(
                    platform_post_id=f"unknown:private-reply:{reply.mention_source_id}"
                )
            raise ChannelError(
                "Instagram already has a private reply to this comment (sent in the app or by"
                " another tool) and allows only one: answer publicly, or in a direct message"
                f" once the customer writes back. {exc.message}",
                permanent=True, status=exc.status,
            ) from exc  # fmt: skip
        except GraphError as exc:
            if exc.code != 10:
                raise
            raise ChannelError(
                "Instagram refused the private reply: it is only possible within 7 days of the"
                f" comment. {exc.message}",
                permanent=True, status=exc.status,
            ) from exc  # fmt: skip
        mid = graph_id(answer.get("message_id"))
        if mid is None:
            raise MalformedResponse("Instagram did not say which message it sent.")
        return Delivered(platform_post_id=mid)

    # --- lookup ----------------------------------------------------------------------------
    def lookup(self, reply: OutgoingReply) -> Delivered | None:
        meta = reply.mention_meta
        kind = meta.get("kind")
        oldest = reply.accepted_at - LOOKUP_SKEW_S if reply.accepted_at > 0 else None
        wanted = _comparable(reply.text)
        if kind == "message":
            return self._find_message(meta.get("igsid") or "", wanted, oldest)
        if reply.private:
            return None  # a second private reply is refused by Meta (see deliver)
        self.our_username()
        if kind == "comment":
            target = meta.get("top") or reply.mention_source_id
            params = {"fields": "id,text,timestamp,username,from", "limit": "50"}
            candidates: list[Any] = []
            for data in self.graph.pages(f"/{target}/replies", params):
                candidates.extend(data)
            return self._match(candidates, wanted, oldest, reply.mention_url)
        if kind in ("mention", "caption"):
            try:
                return self._match(self._answers_to_mention(kind, meta, reply), wanted, oldest,
                                   reply.mention_url)  # fmt: skip
            except ChannelError as exc:
                if not exc.permanent:
                    raise
                raise ChannelError(
                    "Instagram could not be asked whether an earlier attempt of this reply went"
                    f" out ({exc.message}); it is not posted again. Check the post on Instagram"
                    " and answer again if it is not there.",
                    permanent=True, status=exc.status,
                ) from exc  # fmt: skip
        return None

    def _answers_to_mention(
        self, kind: str, meta: Mapping[str, str], reply: OutgoingReply
    ) -> list[Any]:
        inner = "{id,text,timestamp,username,from}"
        if kind == "mention":
            cid = meta.get("comment") or reply.mention_source_id
            field = f"mentioned_comment.comment_id({cid}){{id,replies{inner}}}"
            found = self.graph.object("GET", f"/{self.ig_user_id}", params={"fields": field})
            return edge(found.get("mentioned_comment"), "replies")
        field = f"mentioned_media.media_id({meta.get('media')}){{id,comments{inner}}}"
        found = self.graph.object("GET", f"/{self.ig_user_id}", params={"fields": field})
        return edge(found.get("mentioned_media"), "comments")

    def _match(
        self, comments: list[Any], wanted: str, oldest: float | None, url: str | None
    ) -> Delivered | None:
        for comment in comments:
            if not isinstance(comment, dict):
                continue
            sender = comment.get("from")
            if not isinstance(sender, dict):
                sender = {"username": comment.get("username")}
            try:
                created = parse_time(comment.get("timestamp"))
            except (ValueError, TypeError, OverflowError):
                continue
            text = comment.get("text")
            cid = graph_id(comment.get("id"))
            if (cid and self._is_us(sender) and isinstance(text, str)
                    and _comparable(text) == wanted
                    and (oldest is None or created >= oldest)):  # fmt: skip
                return Delivered(cid, posted_at=created, url=url)
        return None

    def _find_message(self, igsid: str, wanted: str, oldest: float | None) -> Delivered | None:
        if not igsid:
            return None
        params = {"platform": "instagram", "user_id": igsid,
                  "fields": f"id,messages.limit(25){{{MESSAGE_FIELDS}}}"}  # fmt: skip
        answer = self.graph.object("GET", "/me/conversations", params=params)
        conversations = answer.get("data")
        for conv in conversations if isinstance(conversations, list) else []:
            for message in edge(conv, "messages"):
                if not isinstance(message, dict):
                    continue
                try:
                    created = parse_time(message.get("created_time"))
                except (ValueError, TypeError, OverflowError):
                    continue
                text = message.get("message")
                mid = graph_id(message.get("id"))
                if (mid and self._is_us(message.get("from")) and isinstance(text, str)
                        and _comparable(text) == wanted
                        and (oldest is None or created >= oldest)):  # fmt: skip
                    return Delivered(mid, posted_at=created)
        return None

    # --- media -----------------------------------------------------------------------------
    def fetch_media(self, ref: MediaRef, *, max_bytes: int) -> MediaBlob:
        return self.graph.fetch_file(ref.ref, max_bytes=max_bytes)

    # --- platform actions ------------------------------------------------------------------
    def moderate(self, source_id: str, meta: Mapping[str, str], action: str) -> None:
        if action not in ("hide", "unhide") or meta.get("kind") != "comment":
            raise ChannelError(
                f"Instagram: only comments on the account's own posts can be hidden, not this"
                f" {action}.",
                permanent=True,
            )
        answer = self.graph.object(
            "POST", f"/{source_id}", data={"hide": "true" if action == "hide" else "false"}
        )
        if answer.get("success") is not True:
            done = "hidden" if action == "hide" else "shown again"
            raise MalformedResponse(f"Instagram did not confirm that the comment was {done}.")

    def close(self) -> None:
        self.graph.close()
