"""A fake Instagram API with Facebook Login (graph.facebook.com, a Page token) and its webhooks,
on 127.0.0.1: the Instagram endpoints added to the fake Graph API (tests/support/fakes/graph.py,
whose token handling, errors, throttling, usage headers, paging and webhook sender it keeps).

It follows what /work/notes/platforms.md (section 2) collected from Meta's documentation:

* **The account** ``IG_USER_ID`` (``@webcarebv``), a professional account linked to the Page
  ``PAGE_ID``; the Page token reaches both (``/me`` is the Page).
* **Reads**: ``/{ig-media-id}`` (the account's own), ``/{ig-user-id}/media`` (newest first,
  ``comments.limit(n){…}`` inline, each top-level comment with its ``replies``),
  ``/{ig-media-id}/comments``, ``/{ig-comment-id}/replies``,
  ``/{ig-user-id}?fields=mentioned_comment.comment_id(…){…}`` and
  ``mentioned_media.media_id(…){…}`` (an @mention on someone else's media: only the documented
  fields; the commenter of a mentioned comment is not among them), ``/me/conversations?
  platform=instagram`` (``user_id`` filter), the User Profile API ``/{igsid}?fields=name,
  username,follower_count``, ``/app``. Times as ``2026-11-20T08:01:44+0000``.
* **Writes**: ``POST /{ig-comment-id}/replies`` (only on the account's own media; a reply to a
  reply goes to the top-level comment; not on a hidden comment; at most :data:`COMMENT_LIMIT`
  characters), ``POST /{ig-user-id}/mentions`` (``media_id`` and optional ``comment_id``),
  ``POST /{ig-comment-id}?hide=true|false``, ``POST /me/messages`` (a DM to an IGSID: at most
  1000 UTF-8 bytes, refused with 10/2018278 more than 24 h after the customer's last message
  unless ``HUMAN_AGENT`` is approved and within 7 days; a private reply with
  ``recipient.comment_id``: once per comment (10900), within 7 days), ``/me/subscribed_apps``.
* **Webhooks** (object ``instagram``, ``entry[].id`` the account): ``comments`` (``id``,
  ``from{id,username}``, ``media{id,media_product_type}``, ``parent_id`` on replies, ``text``;
  entry ``time`` in seconds; the account's own replies come back too, ``from`` being the
  account's own Instagram-scoped id and username), ``mentions`` (only ``comment_id`` and
  ``media_id``, or ``media_id`` alone for a caption), ``messages`` in ``messaging[]`` (times in
  milliseconds; the account's own messages echoed with ``is_echo``, without our ``metadata``:
  Meta does not say Instagram echoes it), ``messaging_seen`` (``read.mid``: the message seen).
  Escaped and signed as Meta does, batched, retried; no delivery receipts (Instagram has none).
* **Files** of DMs (``attachment``): "privacy-aware" signed addresses
  ``/ig_messaging_cdn/?asset_id=…&signature=…`` as on ``lookaside.fbsbx.com``, served without a
  token; the webhook carries ``attachments[{type, payload: {url}}]``, the Conversations API
  ``attachments{mime_type, name, size, image_data{url} | video_data{url} | file_url}``.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.support.fakes.graph import (
    APP_ID,
    PAGE_ID,
    Attachment,
    Conversation,
    FakeGraph,
    Message,
    error,
    graph_time,
)
from tests.support.fakes.mastodon import Request, Response

IG_USER_ID = "17841405726653026"
USERNAME = "webcarebv"
#: The id Instagram puts in ``from`` of the account's own comments in webhooks (scoped, not
#: the account id: the ``self_ig_scoped_id`` of Meta's webhook reference).
SELF_SCOPED_ID = "6841100000000000"
COMMENT_LIMIT = 2200
MESSAGE_LIMIT_BYTES = 1000
WINDOW_S = 24 * 3600.0
HUMAN_AGENT_S = 7 * 24 * 3600.0
PRIVATE_REPLY_S = 7 * 24 * 3600.0


@dataclass
class IgUser:
    igsid: str
    username: str
    name: str
    followers: int = 120


@dataclass
class Media:
    id: str
    caption: str
    created: float
    owner: dict[str, str]  # {"id", "username"}
    comments_enabled: bool = True
    product: str = "FEED"

    @property
    def permalink(self) -> str:
        return f"https://www.instagram.com/p/{base64.urlsafe_b64encode(self.id.encode()).decode()[:11]}/"


@dataclass
class IgComment:
    id: str
    media_id: str
    parent_id: str | None  # the top-level comment of a reply
    text: str
    created: float
    author: dict[str, str]  # {"id", "username"}
    hidden: bool = False
    deleted: bool = False


@dataclass
class Mentioned:
    """An @mention of the account on someone else's media (in a comment, or in the caption)."""

    media_id: str
    comment_id: str | None
    at: float
    answers: list[str] = field(default_factory=list)  # our comment ids under it


class FakeInstagram(FakeGraph):
    """The Instagram professional account ``@webcarebv`` (linked to the Page), its media,
    comments, @mentions elsewhere and DMs, and the Meta app that pushes its webhooks."""

    name = "instagram"

    def __init__(
        self,
        token: str = "page-token",
        app_secret: str = "app_secret_123",
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(token, app_secret, clock=clock)
        self.account = {"id": IG_USER_ID, "username": USERNAME, "name": "Webcare BV"}
        self.media: dict[str, Media] = {}
        self.ig_comments: dict[str, IgComment] = {}
        self.ig_users: dict[str, IgUser] = {}  # by igsid
        self.dm: dict[str, Conversation] = {}  # by igsid
        self.mentioned: dict[str, Mentioned] = {}  # comment id (or media id for a caption)
        self.our_comments: list[IgComment] = []  # what the account commented through the API
        self.ig_private_replies: dict[str, str] = {}  # comment id -> mid
        self.dms_sent: list[dict[str, Any]] = []  # Send API bodies of DMs and private replies
        #: Outside the window Meta answers 10 with this subcode (2534022 is also seen for IG).
        self.window_subcode = 2018278
        #: Whether the account's own replies come back as ``comments`` webhooks.
        self.echo_own_comments = True
        self._captured: list[bytes] | None = None
        self._ig_ids = itertools.count(17_873_440_459_141_021)
        self._igsids = itertools.count(6_841_100_000_000_001)

    # --- ids ---------------------------------------------------------------------------------
    def _ig_id(self) -> str:
        return str(next(self._ig_ids))

    def _ig_mid(self) -> str:
        raw = f"ig_message_mid:{IG_USER_ID}:{next(self._ig_ids)}".encode()
        return base64.b64encode(raw).decode().rstrip("=")

    # --- customers and their actions --------------------------------------------------------
    def ig_user(self, username: str = "jan_devries", name: str = "Jan de Vries") -> IgUser:
        with self.lock:
            for u in self.ig_users.values():
                if u.username == username:
                    return u
            person = IgUser(str(next(self._igsids)), username, name)
            self.ig_users[person.igsid] = person
            return person

    def add_media(
        self, caption: str, *, by: IgUser | None = None, created_at: float | None = None
    ) -> Media:
        """A post: the account's own (``by`` None), or someone else's (for @mentions)."""
        with self.lock:
            when = self.clock() if created_at is None else created_at
            owner = (
                {"id": IG_USER_ID, "username": USERNAME}
                if by is None
                else {"id": by.igsid, "username": by.username}
            )
            media = Media(str(next(self._ig_ids) + 44_722_000_000_000), caption, when, owner)
            self.media[media.id] = media
            return media

    def comment(
        self,
        target: Media | IgComment,
        text: str,
        *,
        by: IgUser | None = None,
        created_at: float | None = None,
    ) -> IgComment:
        """A customer's comment on the account's post, or a reply to a comment (pushed as a
        ``comments`` change)."""
        with self.lock:
            when = self.clock() if created_at is None else created_at
            person = by or self.ig_user()
            made = self._new_ig_comment(target, text, when, {"id": person.igsid,
                                                         "username": person.username})  # fmt: skip
        if self.media[made.media_id].owner["id"] == IG_USER_ID:
            self.emit_ig({"field": "comments", "value": self.comment_value(made)}, when)
        return made

    def mention_in_comment(
        self, media: Media, text: str, *, by: IgUser | None = None, created_at: float | None = None
    ) -> IgComment:
        """Someone @mentions the account in a comment on someone else's post (a ``mentions``
        change with the ids only)."""
        with self.lock:
            when = self.clock() if created_at is None else created_at
            person = by or self.ig_user()
            made = self._new_ig_comment(media, text, when, {"id": person.igsid,
                                                        "username": person.username})  # fmt: skip
            self.mentioned[made.id] = Mentioned(media.id, made.id, when)
        self.emit_ig(
            {"field": "mentions", "value": {"comment_id": made.id, "media_id": media.id}}, when
        )
        return made

    def mention_in_caption(self, media: Media) -> None:
        """Someone's post @mentions the account in its caption (a ``mentions`` change with the
        media id only)."""
        with self.lock:
            self.mentioned[media.id] = Mentioned(media.id, None, media.created)
        self.emit_ig({"field": "mentions", "value": {"media_id": media.id}}, media.created)

    def dm_in(
        self,
        text: str | None,
        *,
        by: IgUser | None = None,
        created_at: float | None = None,
        attachments: list[Attachment | dict[str, Any]] | None = None,
    ) -> Message:
        """A customer's DM to the account (pushed as a ``messages`` event). ``attachments``:
        files on the fake CDN (:meth:`attachment`), or a webhook's attachment as it is (a
        share, a story mention…)."""
        files = [a for a in attachments or [] if isinstance(a, Attachment)]
        with self.lock:
            when = self.clock() if created_at is None else created_at
            person = by or self.ig_user()
            message = Message(
                self._ig_mid(),
                when,
                {"id": person.igsid, "username": person.username},
                {"id": IG_USER_ID, "username": USERNAME},
                text or "",
                attachments=files,
            )
            self._dm(person.igsid).messages.append(message)
        body: dict[str, Any] = {"mid": message.mid}
        if text:
            body["text"] = text
        if attachments:
            body["attachments"] = [
                a.webhook() if isinstance(a, Attachment) else a for a in attachments
            ]
        self.emit_ig_messaging(
            {
                "sender": {"id": person.igsid},
                "recipient": {"id": IG_USER_ID},
                "timestamp": int(when * 1000),
                "message": body,
            },
            when,
        )
        return message

    def seen(self, person: IgUser, at: float | None = None) -> None:
        """The customer saw the account's last message (``messaging_seen``: its mid)."""
        when = self.clock() if at is None else at
        with self.lock:
            ours = [m for m in self._dm(person.igsid).messages if m.sender["id"] == IG_USER_ID]
        if not ours:
            return
        self.emit_ig_messaging(
            {
                "sender": {"id": person.igsid},
                "recipient": {"id": IG_USER_ID},
                "timestamp": int(when * 1000),
                "read": {"mid": ours[-1].mid},
            },
            when,
        )

    # --- webhooks ----------------------------------------------------------------------------
    def capture(self) -> list[bytes]:
        """Keep the webhook bodies made from now on (escaped and signed as sent) in the list
        returned, in order, instead of POSTing them."""
        with self.lock:
            self._captured = []
            self.push = True
            return self._captured

    def send_raw(self, body: bytes) -> None:
        with self.lock:
            if self._captured is not None:
                self._captured.append(body)
                return
        super().send_raw(body)

    def emit_ig(self, change: dict[str, Any], when: float) -> None:
        self.emit_entry({"id": IG_USER_ID, "time": int(when), "changes": [change]})

    def emit_ig_messaging(self, event: dict[str, Any], when: float) -> None:
        self.emit_entry({"id": IG_USER_ID, "time": int(when * 1000), "messaging": [event]})

    def emit_entry(self, entry: dict[str, Any]) -> None:
        with self.lock:
            if self._batch is not None:
                self._batch.append(entry)
                return
        if self.push:
            self.send_payload({"object": "instagram", "entry": [entry]})

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Webhook events made inside go out as one delivery (several entries)."""
        with self.lock:
            self._batch = []
        try:
            yield
        finally:
            with self.lock:
                entries, self._batch = self._batch or [], None
            if entries:
                self.send_payload({"object": "instagram", "entry": entries})

    def comment_value(self, c: IgComment) -> dict[str, Any]:
        """The value of the ``comments`` change that announces ``c``."""
        media = self.media[c.media_id]
        value: dict[str, Any] = {
            "from": dict(c.author),
            "media": {"id": media.id, "media_product_type": media.product},
            "id": c.id,
            "text": c.text,
        }
        if c.parent_id:
            value["parent_id"] = c.parent_id
        return value

    def usage_headers(
        self, *, full: bool = False, regain_minutes: int | None = None
    ) -> dict[str, str]:
        usage = {k: (100 if full else v) for k, v in self.usage.items()}
        regain = self.regain_minutes if regain_minutes is None else regain_minutes
        buc = {IG_USER_ID: [{"type": "instagram", **usage,
                             "estimated_time_to_regain_access": regain}]}  # fmt: skip
        return {"X-App-Usage": json.dumps(usage), "X-Business-Use-Case-Usage": json.dumps(buc)}

    # --- files -------------------------------------------------------------------------------
    def _file_address(
        self, asset: str, kind: str, content_type: str, name: str | None
    ) -> tuple[str, str]:
        signed = f"asset_id={asset}&signature={secrets.token_urlsafe(24)}"
        return f"asset:{asset}", f"{self.base_url}/ig_messaging_cdn/?{signed}"

    def _file_key(self, request: Request) -> str:
        if request.path == "/ig_messaging_cdn/":
            return f"asset:{request.param('asset_id')}"
        return request.path

    # --- state -------------------------------------------------------------------------------
    def _dm(self, igsid: str) -> Conversation:
        if igsid not in self.dm:
            self.dm[igsid] = Conversation(f"aWdfZG1fY29udjo{next(self._ig_ids)}", igsid)
        return self.dm[igsid]

    def _new_ig_comment(
        self, target: Media | IgComment, text: str, when: float, author: dict[str, str]
    ) -> IgComment:
        if isinstance(target, Media):
            media_id, parent = target.id, None
        else:
            media_id, parent = target.media_id, target.parent_id or target.id  # two levels
        made = IgComment(self._ig_id(), media_id, parent, text, when, dict(author))
        self.ig_comments[made.id] = made
        return made

    # --- serving -----------------------------------------------------------------------------
    def _ig_comment_json(self, c: IgComment, fields: str = "") -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": c.id,
            "text": c.text,
            "timestamp": graph_time(c.created),
            "username": c.author["username"],
            "from": dict(c.author),
            "hidden": c.hidden,
            "like_count": 0,
            "media": {"id": c.media_id},
        }
        if c.parent_id:
            out["parent_id"] = c.parent_id
        if "replies" in fields and c.parent_id is None:
            replies = self._replies_of(c.id)
            out["replies"] = {"data": [self._ig_comment_json(r) for r in replies]}
        return out

    def _top_comments(self, media_id: str) -> list[IgComment]:
        found = [
            c
            for c in self.ig_comments.values()
            if c.media_id == media_id and c.parent_id is None and not c.deleted
        ]
        found.sort(key=lambda c: (c.created, c.id), reverse=True)  # newest first
        return found

    def _replies_of(self, comment_id: str) -> list[IgComment]:
        found = [
            c for c in self.ig_comments.values() if c.parent_id == comment_id and not c.deleted
        ]
        found.sort(key=lambda c: (c.created, c.id))  # oldest first, as the app shows them
        return found

    def _media_json(self, m: Media, fields: str, request: Request) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": m.id,
            "caption": m.caption,
            "media_type": "IMAGE",
            "media_product_type": m.product,
            "permalink": m.permalink,
            "timestamp": graph_time(m.created),
            "username": m.owner["username"],
            "comments_count": len(self._top_comments(m.id)),
            "like_count": 0,
        }
        if "comments" in fields:
            match = re.search(r"comments[^{]*?limit\((\d+)\)", fields)
            inline = int(match.group(1)) if match else 25
            comments = self._top_comments(m.id)
            edge: dict[str, Any] = {
                "data": [self._ig_comment_json(c, fields) for c in comments[:inline]],
                "paging": {"cursors": {"before": "MA==", "after": "MQ=="}},
            }
            if len(comments) > inline:
                query = {"fields": "id,text,timestamp,username,from,parent_id,hidden,replies{id,"
                         "text,timestamp,username,from,parent_id}", "limit": str(inline),
                         "after": base64.b64encode(str(inline).encode()).decode()}  # fmt: skip
                edge["paging"]["next"] = f"{self.base_url}/v25.0/{m.id}/comments?" + "&".join(
                    f"{k}={v}" for k, v in query.items()
                )
            out["comments"] = edge
        return out

    def _missing(self, what: str) -> Response:
        return error(
            100,
            f"Unsupported get request. Object with ID '{what}' does not exist, cannot be loaded"
            " due to missing permissions, or does not support this operation",
            33,
            kind="GraphMethodException",
        )

    def _get(self, request: Request, parts: list[str], params: dict[str, Any]) -> Response:
        fields = str(params.get("fields") or "")
        if parts == ["app"]:
            return Response(200, {"id": str(APP_ID), "name": "Webcare", "link": "https://x"})
        if parts and parts[0] == "me":
            parts = [PAGE_ID, *parts[1:]]
        if parts == [PAGE_ID, "conversations"]:
            return self._ig_conversations(request, params)
        if parts == [IG_USER_ID, "media"]:
            media = sorted(
                (m for m in self.media.values() if m.owner["id"] == IG_USER_ID),
                key=lambda m: (m.created, m.id),
                reverse=True,
            )
            return self._paged(request, params, [self._media_json(m, fields, request)
                                                 for m in media], limit=25)  # fmt: skip
        if parts == [IG_USER_ID]:
            return self._account(fields)
        if len(parts) == 1 and parts[0] in self.media:
            found = self.media[parts[0]]
            if found.owner["id"] != IG_USER_ID:
                return self._missing(parts[0])  # someone else's: only mentioned_media
            return Response(200, self._media_json(found, fields, request))
        if len(parts) == 2 and parts[1] == "comments":
            post = self.media.get(parts[0])
            if post is None or post.owner["id"] != IG_USER_ID:
                return self._missing(parts[0])
            items = [self._ig_comment_json(c, fields) for c in self._top_comments(post.id)]
            return self._paged(request, params, items)
        if len(parts) == 2 and parts[1] == "replies":
            parent = self.ig_comments.get(parts[0])
            if parent is None or parent.deleted:
                return self._missing(parts[0])
            if self.media[parent.media_id].owner["id"] != IG_USER_ID:
                return self._missing(parts[0])  # a mentioned comment: only mentioned_comment
            items = [self._ig_comment_json(c) for c in self._replies_of(parent.id)]
            return self._paged(request, params, items)
        if len(parts) == 1 and parts[0] in self.ig_users:
            person = self.ig_users[parts[0]]
            profile = {"name": person.name, "username": person.username,
                       "follower_count": person.followers, "id": person.igsid}  # fmt: skip
            return Response(200, profile)
        return super()._get(request, parts, params)

    def _account(self, fields: str) -> Response:
        out: dict[str, Any] = {"id": IG_USER_ID}
        comment = re.search(r"mentioned_comment\.comment_id\(([^)]*)\)", fields)
        media = re.search(r"mentioned_media\.media_id\(([^)]*)\)", fields)
        if comment:
            found = self.mentioned.get(comment.group(1))
            made = self.ig_comments.get(comment.group(1))
            if found is None or made is None or made.deleted:
                return self._missing(comment.group(1))
            m = self.media[made.media_id]
            if not m.comments_enabled:
                return error(
                    100, "(#100) Comments are disabled on the media of this mentioned comment."
                )
            value: dict[str, Any] = {
                "id": made.id,
                "text": made.text,
                "timestamp": graph_time(made.created),
                "like_count": 0,
                "media": {"id": m.id, "permalink": m.permalink, "username": m.owner["username"]},
            }
            if "replies" in fields:
                replies = self._replies_of(made.parent_id or made.id)
                value["replies"] = {"data": [self._ig_comment_json(c) for c in replies]}
            out["mentioned_comment"] = value
            return Response(200, out)
        if media:
            mentioned = self.mentioned.get(media.group(1))
            m2 = self.media.get(media.group(1))
            if mentioned is None or m2 is None:
                return self._missing(media.group(1))
            value = {
                "id": m2.id,
                "caption": m2.caption,
                "media_type": "IMAGE",
                "permalink": m2.permalink,
                "timestamp": graph_time(m2.created),
                "username": m2.owner["username"],
                "comments_count": len(self._top_comments(m2.id)),
            }
            if "comments" in fields:
                value["comments"] = {
                    "data": [self._ig_comment_json(c) for c in self._top_comments(m2.id)]
                }
            out["mentioned_media"] = value
            return Response(200, out)
        for name in ("username", "name", "followers_count"):
            if name in fields:
                out[name] = {"username": USERNAME, "name": "Webcare BV",
                             "followers_count": 12_000}[name]  # fmt: skip
        return Response(200, out)

    def _ig_message_json(self, m: Message) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": m.mid,
            "created_time": graph_time(m.created),
            "from": dict(m.sender),
            "to": {"data": [dict(m.to)]},
            "message": m.text,
        }
        if m.attachments:
            out["attachments"] = {"data": [a.rest() for a in m.attachments]}
        return out

    def _ig_conversations(self, request: Request, params: dict[str, Any]) -> Response:
        if params.get("platform") != "instagram":
            return super()._get(request, [PAGE_ID, "conversations"], params)
        convs = list(self.dm.values())
        if params.get("user_id"):
            convs = [c for c in convs if c.psid == params["user_id"]]
        convs.sort(key=lambda c: c.updated, reverse=True)
        match = re.search(r"messages[^{]*?limit\((\d+)\)", str(params.get("fields") or ""))
        inline = int(match.group(1)) if match else 25
        items = []
        for c in convs:
            person = self.ig_users[c.psid]
            newest = sorted(c.messages, key=lambda m: m.created, reverse=True)[:inline]
            items.append(
                {
                    "id": c.id,
                    "updated_time": graph_time(c.updated),
                    "participants": {"data": [{"username": person.username, "id": person.igsid},
                                              {"username": USERNAME, "id": IG_USER_ID}]},
                    "messages": {"data": [self._ig_message_json(m) for m in newest]},
                }
            )  # fmt: skip
        return self._paged(request, params, items)

    def _post(self, request: Request, parts: list[str], params: dict[str, Any]) -> Response | None:
        if parts and parts[0] == "me":
            parts = [PAGE_ID, *parts[1:]]
        if parts == [PAGE_ID, "messages"] and self._is_instagram_send(params):
            return self._ig_send(params)
        if len(parts) == 2 and parts[1] == "replies":
            return self._reply(parts[0], params)
        if parts == [IG_USER_ID, "mentions"]:
            return self._mention_reply(params)
        if len(parts) == 1 and "hide" in params:
            return self._ig_hide(parts[0], str(params["hide"]).lower() == "true")
        return super()._post(request, parts, params)

    def _is_instagram_send(self, params: dict[str, Any]) -> bool:
        recipient = params.get("recipient")
        if not isinstance(recipient, dict):
            return False
        return str(recipient.get("id")) in self.ig_users or recipient.get("comment_id") in (
            self.ig_comments
        )

    def _check_comment_text(self, params: dict[str, Any]) -> tuple[str | None, Response | None]:
        text = params.get("message")
        if not isinstance(text, str) or not text.strip():
            return None, error(100, "(#100) The parameter message is required")
        if len(text) > COMMENT_LIMIT:
            return None, error(100, f"(#100) The comment is too long (at most {COMMENT_LIMIT}).")
        return text, None

    def _ours(self, target: Media | IgComment, text: str) -> IgComment:
        now = self.clock()
        made = self._new_ig_comment(target, text, now, {"id": SELF_SCOPED_ID, "username": USERNAME})
        self.our_comments.append(made)
        if self.echo_own_comments and self.media[made.media_id].owner["id"] == IG_USER_ID:
            self.emit_ig({"field": "comments", "value": self.comment_value(made)}, now)
        return made

    def _reply(self, comment_id: str, params: dict[str, Any]) -> Response | None:
        target = self.ig_comments.get(comment_id)
        if target is None or target.deleted:
            return error(
                100,
                f"Unsupported post request. Object with ID '{comment_id}' does not exist,"
                " cannot be loaded due to missing permissions, or does not support this"
                " operation",
                33,
                kind="GraphMethodException",
            )
        if self.media[target.media_id].owner["id"] != IG_USER_ID:
            return error(10, "(#10) Application does not have permission for this action")
        if target.hidden:
            return error(100, "(#100) You cannot reply to a hidden comment.")
        text, problem = self._check_comment_text(params)
        if problem is not None or text is None:
            return problem
        made = self._ours(target, text)
        if self.take_lost_ack():
            return None
        return Response(200, {"id": made.id})

    def _mention_reply(self, params: dict[str, Any]) -> Response | None:
        media_id = str(params.get("media_id") or "")
        comment_id = params.get("comment_id")
        key = str(comment_id) if comment_id else media_id
        mentioned = self.mentioned.get(key)
        if mentioned is None or mentioned.media_id != media_id:
            return error(100, "(#100) The account was not mentioned there.", 33)
        text, problem = self._check_comment_text(params)
        if problem is not None or text is None:
            return problem
        target: Media | IgComment = (
            self.ig_comments[str(comment_id)] if comment_id else self.media[media_id]
        )
        made = self._ours(target, text)
        mentioned.answers.append(made.id)
        if self.take_lost_ack():
            return None
        return Response(200, {"id": made.id})

    def _ig_hide(self, comment_id: str, hidden: bool) -> Response:
        target = self.ig_comments.get(comment_id)
        if target is None or target.deleted:
            return error(100, f"(#100) Object with ID '{comment_id}' does not exist", 33)
        if self.media[target.media_id].owner["id"] != IG_USER_ID:
            return error(10, "(#10) Application does not have permission for this action")
        if target.author.get("username") == USERNAME:
            return error(100, "(#100) The account's own comments cannot be hidden")
        target.hidden = hidden
        return Response(200, {"success": True})

    def _ig_send(self, params: dict[str, Any]) -> Response | None:
        recipient = params["recipient"]
        message = params.get("message")
        if not isinstance(message, dict):
            return error(100, "(#100) param message must be an object")
        text = message.get("text")
        if not isinstance(text, str) or not text:
            return error(100, "(#100) Message text is required")
        if len(text.encode("utf-8")) > MESSAGE_LIMIT_BYTES:
            return error(100, "(#100) Message text must be UTF-8 and 1000 bytes or less")
        now = self.clock()
        target = recipient.get("comment_id")
        if target is not None:  # a private reply to a comment
            comment = self.ig_comments[target]
            if comment.author.get("username") == USERNAME:
                return error(10903, "(#10903) This user can't reply to this activity")
            if target in self.ig_private_replies:
                return error(10900, "(#10900) Activity already replied to")
            if now - comment.created > PRIVATE_REPLY_S:
                return error(10, "(#10) This message is sent outside of allowed window.")
            igsid = comment.author["id"]
        else:
            igsid = str(recipient["id"])
            kind = params.get("messaging_type")
            if kind not in (None, "RESPONSE", "UPDATE", "MESSAGE_TAG"):
                return error(100, "(#100) param messaging_type is not valid")
            last_in = max(
                (m.created for m in self._dm(igsid).messages if m.sender["id"] == igsid),
                default=None,
            )
            if kind == "MESSAGE_TAG":
                if params.get("tag") != "HUMAN_AGENT" or not self.human_agent_approved:
                    return error(
                        100,
                        "(#100) Cannot tag messages with 'HUMAN_AGENT' without prior approval.",
                        2018276,
                    )
                if last_in is None or now - last_in > HUMAN_AGENT_S:
                    return error(10, "(#10) This message is sent outside of allowed window.",
                                 self.window_subcode)  # fmt: skip
            elif last_in is None or now - last_in > WINDOW_S:
                return error(10, "(#10) This message is sent outside of allowed window.",
                             self.window_subcode)  # fmt: skip
        person = self.ig_users[igsid]
        mid = self._ig_mid()
        sent = Message(
            mid,
            now,
            {"id": IG_USER_ID, "username": USERNAME},
            {"id": person.igsid, "username": person.username},
            text,
        )
        self._dm(igsid).messages.append(sent)
        if target is not None:
            self.ig_private_replies[target] = mid
        self.dms_sent.append(
            {
                "recipient": recipient,
                "message": message,
                "messaging_type": params.get("messaging_type"),
                "mid": mid,
            }
        )
        self.emit_ig_messaging(
            {
                "sender": {"id": IG_USER_ID},
                "recipient": {"id": igsid},
                "timestamp": int(now * 1000),
                "message": {"mid": mid, "text": text, "is_echo": True},
            },
            now,
        )
        if self.take_lost_ack():
            return None
        return Response(200, {"recipient_id": igsid, "message_id": mid})
