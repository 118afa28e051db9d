"""X (Twitter) through the X API v2: the brand account's mentions in, replies out.

Reading: ``GET /2/users/:id/mentions`` with ``since_id`` = the cursor, newest first, following
``meta.next_token`` for at most ``max_pages`` pages per fetch. The cursor only moves to the
newest id once every page down to the old cursor is in the batch. When the page cap (or the rate
limit) stops us earlier, the cursor becomes a small JSON object ``{"since", "until", "top"}``:
the next fetch reads the gap between the old cursor (``since_id``) and the oldest tweet already
read (``until_id``), and only when that gap is empty does the cursor become ``top``, the newest
id seen. No tweet is ever skipped, whatever the cap.

Writing: ``POST /2/tweets`` with ``reply.in_reply_to_tweet_id``. X has no idempotency key, so a
retry is made exactly-once by :meth:`TwitterConnector.lookup`: it searches the brand's own
tweets newer than the mention (``GET /2/users/:id/tweets``) for a reply to the same tweet with
the same text. X answers 403 "duplicate content" when the same text is posted twice; that is
treated as "maybe posted already" and settled by the same lookup.

Media: ``expansions=attachments.media_keys`` with ``media.fields`` brings each tweet's photos,
videos and GIFs in ``includes.media``: a photo is fetched from its ``url``, a video or GIF from
its best MP4 variant (the highest ``bit_rate``), without our token (X's media CDN is public and
another host). Replies with images are not supported (``can_attach`` is off): the v2 media
upload needs scopes and a flow Webcare does not use yet.

Authentication: an OAuth 2.0 user-context access token (scopes ``tweet.read tweet.write
users.read``) sent as ``Authorization: Bearer``. An app-only bearer token can read mentions but
cannot post.
"""

from __future__ import annotations

import html
import json
import re
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Self

from webcare.channels.base import (
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
)
from webcare.channels.errors import ChannelError, MalformedResponse, NotConfigured
from webcare.channels.http import Http
from webcare.channels.settings import Settings
from webcare.domain.timeutil import parse_iso

TWEET_LIMIT = 280
DEFAULT_API_BASE = "https://api.x.com"
#: Pages of 100 mentions read per fetch; the scheduler fetches again at once when more wait.
MAX_PAGES = 5
#: Pages of the brand's own timeline searched by :meth:`TwitterConnector.lookup`.
LOOKUP_PAGES = 5
#: A "duplicate content" refusal this soon after the reply was accepted may be our own earlier
#: attempt not yet visible in the timeline: retried. Later, it is a real duplicate: permanent.
DUPLICATE_GRACE_S = 600.0
_TWITTER_EPOCH_MS = 1288834974657
_ID = re.compile(r"[0-9]{1,25}")
_URL = re.compile(r"https?://\S+")
_TWEET_FIELDS = "created_at,conversation_id,in_reply_to_user_id,referenced_tweets,lang,author_id"
_MEDIA_FIELDS = "url,preview_image_url,type,alt_text,variants,width,height"
_MEDIA_KINDS = {"photo": "image", "video": "video", "animated_gif": "video"}
MAX_MEDIA = 4
_NO_LANGUAGE = {"und", "zxx", "qme", "qht", "qam", "qct", "qst"}

SPEC = ConnectorSpec(
    kind="twitter",
    label="X (Twitter)",
    fields=(
        ConfigField(
            "api_base",
            "API address",
            default=DEFAULT_API_BASE,
            kind="url",
            help="Leave as is unless you use a proxy.",
        ),
        ConfigField(
            "user_id",
            "Account id",
            help="The brand account's numeric id; found with the token when left empty.",
        ),
        ConfigField(
            "bearer_token",
            "Access token",
            required=True,
            secret=True,
            help="OAuth 2.0 user-context token with tweet.read, tweet.write and users.read.",
        ),
    ),
    char_limit=TWEET_LIMIT,
    can_reply=True,
    lookup="search",
    default_interval_s=60.0,
)


@dataclass(frozen=True, slots=True)
class _Progress:
    """Where a fetch resumes: ``since`` < unread ids < ``until``; ``top`` = newest id read."""

    since: str | None = None
    until: str | None = None
    top: str | None = None

    def encode(self) -> str | None:
        if self.until is None:
            return self.top or self.since
        return json.dumps({"since": self.since, "until": self.until, "top": self.top})


def _valid_id(value: Any) -> str | None:
    return value if isinstance(value, str) and _ID.fullmatch(value) else None


def _newer(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if int(a) >= int(b) else b


def _older(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if int(a) <= int(b) else b


def parse_cursor(cursor: str | None) -> _Progress:
    """A plain tweet id, or the JSON progress of an unfinished backlog; ``ValueError`` else."""
    if cursor is None or not cursor.strip():
        return _Progress()
    cursor = cursor.strip()
    if _ID.fullmatch(cursor):
        return _Progress(since=cursor)
    data = json.loads(cursor)
    if not isinstance(data, dict):
        raise ValueError("cursor is not an object")
    values = {key: data.get(key) for key in ("since", "until", "top")}
    for key, value in values.items():
        if value is not None and _valid_id(value) is None:
            raise ValueError(f"cursor {key} is not a tweet id")
    return _Progress(since=values["since"], until=values["until"], top=values["top"])


def snowflake_time(tweet_id: str) -> float:
    """When X made this id (ids are Snowflakes: milliseconds since 2010-11-04 in the top bits)."""
    return ((int(tweet_id) >> 22) + _TWITTER_EPOCH_MS) / 1000.0


def _parse_time(value: Any, tweet_id: str) -> float:
    try:
        return parse_iso(value)
    except ValueError:
        return snowflake_time(tweet_id)


def comparable(text: str) -> str:
    """Tweet text as X stores it, made comparable with what we sent.

    X HTML-escapes ``&<>`` in returned text and wraps every link in a t.co link, so entities are
    unescaped, links reduced to a placeholder, and whitespace and Unicode form normalised.
    """
    text = unicodedata.normalize("NFC", html.unescape(text))
    text = _URL.sub("<link>", text)
    return " ".join(text.split())


def _replied_to(tweet: Mapping[str, Any]) -> str | None:
    refs = tweet.get("referenced_tweets")
    if not isinstance(refs, list):
        return None
    for ref in refs:
        if isinstance(ref, dict) and ref.get("type") == "replied_to":
            return _valid_id(ref.get("id"))
    return None


def _attached(
    tweet: Mapping[str, Any], media: Mapping[str, Mapping[str, Any]]
) -> tuple[MediaRef, ...]:
    """The tweet's photos, videos and GIFs (from ``includes.media``) as refs to their URLs."""
    attachments = tweet.get("attachments")
    keys = attachments.get("media_keys") if isinstance(attachments, dict) else None
    found: list[MediaRef] = []
    for key in keys if isinstance(keys, list) else []:
        item = media.get(key) if isinstance(key, str) else None
        kind = _MEDIA_KINDS.get(str(item.get("type"))) if item is not None else None
        if item is None or kind is None or len(found) >= MAX_MEDIA:
            continue
        url, mime = item.get("url"), None
        if kind == "video":
            variants = [
                v for v in item.get("variants") or []
                if isinstance(v, dict) and v.get("content_type") == "video/mp4"
                and isinstance(v.get("url"), str)
            ]  # fmt: skip
            best = max(variants, key=lambda v: v.get("bit_rate") or 0, default=None)
            url, mime = (best["url"], "video/mp4") if best is not None else (None, None)
        if (
            not isinstance(url, str)
            or not url.startswith(("https://", "http://"))
            or len(url) > 2000
        ):
            continue
        alt = item.get("alt_text")
        found.append(MediaRef(kind, url, mime, caption=alt.strip() or None
                              if isinstance(alt, str) else None))  # fmt: skip
    return tuple(found)


class TwitterConnector(ConnectorBase):
    can_reply = True
    can_lookup = True

    @classmethod
    def from_settings(
        cls, info: ChannelInfo, settings: Settings, *, clock: Callable[[], float]
    ) -> Self:
        return cls(
            info,
            token=settings.text("bearer_token"),
            api_base=settings.text("api_base") or DEFAULT_API_BASE,
            user_id=settings.text("user_id") or None,
            clock=clock,
        )

    def __init__(
        self,
        info: ChannelInfo,
        *,
        token: str,
        api_base: str = DEFAULT_API_BASE,
        user_id: str | None = None,
        clock: Callable[[], float] = time.time,
        max_pages: int = MAX_PAGES,
        timeout: tuple[float, float] | None = None,
    ) -> None:
        if not token:
            raise NotConfigured("The X access token is not set for this channel.")
        if user_id is not None and _valid_id(user_id) is None:
            raise NotConfigured(f"The X account id {user_id!r} is not a number.")
        self.info = info
        self.clock = clock
        self.max_pages = max(1, max_pages)
        self.user_id = user_id
        self.username = info.handle.lstrip("@") or None
        extra: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
        self.http = Http(
            api_base or DEFAULT_API_BASE,
            platform="X",
            headers={"Authorization": f"Bearer {token}"},
            clock=clock,
            **extra,
        )

    def close(self) -> None:
        self.http.close()

    # --- identity ---------------------------------------------------------------------------
    def _me(self) -> str:
        if self.user_id is not None:
            return self.user_id
        body = self.http.json("GET", "/2/users/me")
        data = body.get("data") if isinstance(body, dict) else None
        user_id = _valid_id(data.get("id")) if isinstance(data, dict) else None
        if user_id is None or not isinstance(data, dict):
            raise MalformedResponse("X answered /2/users/me without an account id.")
        username = data.get("username")
        if isinstance(username, str) and username and self.username is None:
            self.username = username
        self.user_id = user_id
        return user_id

    def _status_url(self, tweet_id: str) -> str:
        if self.username:
            return f"https://x.com/{self.username}/status/{tweet_id}"
        return f"https://x.com/i/web/status/{tweet_id}"

    # --- reading ----------------------------------------------------------------------------
    def fetch(self, cursor: str | None) -> list[Batch]:
        skipped: list[str] = []
        try:
            progress = parse_cursor(cursor)
        except ValueError as exc:
            skipped.append(f"Unreadable cursor {cursor!r} ({exc}); reading from the newest.")
            progress = _Progress()
        user_id = self._me()
        mentions: list[IncomingMention] = []
        seen: set[str] = set()
        top = progress.top
        oldest: str | None = None  # the oldest id read in this fetch
        token: str | None = None
        finished = False
        failed = False
        wait_s: float | None = None
        for page in range(self.max_pages):
            params: dict[str, str] = {
                "max_results": "100",
                "tweet.fields": _TWEET_FIELDS + ",attachments",
                "expansions": "author_id,attachments.media_keys",
                "user.fields": "username,name,public_metrics",
                "media.fields": _MEDIA_FIELDS,
            }
            if progress.since:
                params["since_id"] = progress.since
            if progress.until:
                params["until_id"] = progress.until
            if token:
                params["pagination_token"] = token
            try:
                body = self.http.json("GET", f"/2/users/{user_id}/mentions", params=params)
            except ChannelError as exc:
                if page == 0:
                    raise
                # Keep what the earlier pages brought; the rest is read next time.
                skipped.append(f"Stopped after {page} page(s): {exc.message}")
                wait_s = exc.retry_after_s
                failed = True
                break
            wait_s = self.http.last_wait_s
            if not isinstance(body, dict):
                raise MalformedResponse("X answered the mentions request with no JSON object.")
            meta = body.get("meta")
            if not isinstance(meta, dict):
                meta = {}
            page_oldest, page_newest = self._read_page(body, user_id, mentions, seen, skipped)
            top = _newer(top, _newer(_valid_id(meta.get("newest_id")), page_newest))
            oldest = _older(oldest, _older(_valid_id(meta.get("oldest_id")), page_oldest))
            next_token = meta.get("next_token")
            if not isinstance(next_token, str) or not next_token:
                finished = True
                break
            token = next_token
            if wait_s is not None:  # quota spent: the next page would be refused
                break
        if finished:
            new = _Progress(since=_newer(top, progress.since))
        else:
            # Everything newer than ``oldest`` is in this batch; the gap below it comes next.
            new = _Progress(since=progress.since, until=_older(oldest, progress.until), top=top)
        mentions.sort(key=lambda m: int(m.source_id))
        return [
            Batch(
                channel=self.info,
                mentions=mentions,
                cursor=new.encode(),
                skipped=skipped,
                more=not finished and not failed and oldest is not None,
                wait_s=wait_s,
            )
        ]

    def _read_page(
        self,
        body: Mapping[str, Any],
        user_id: str,
        out: list[IncomingMention],
        seen: set[str],
        skipped: list[str],
    ) -> tuple[str | None, str | None]:
        """Map one page into ``out``; return its (oldest, newest) tweet ids."""
        data = body.get("data", [])
        if not isinstance(data, list):
            skipped.append("X answered a page whose data is not a list.")
            return None, None
        users: dict[str, Mapping[str, Any]] = {}
        includes = body.get("includes")
        raw_users = includes.get("users") if isinstance(includes, dict) else None
        for user in raw_users if isinstance(raw_users, list) else []:
            if isinstance(user, dict) and isinstance(user.get("id"), str):
                users[user["id"]] = user
        media: dict[str, Mapping[str, Any]] = {}
        raw_media = includes.get("media") if isinstance(includes, dict) else None
        for item in raw_media if isinstance(raw_media, list) else []:
            if isinstance(item, dict) and isinstance(item.get("media_key"), str):
                media[item["media_key"]] = item
        oldest: str | None = None
        newest: str | None = None
        for index, tweet in enumerate(data):
            tweet_id = _valid_id(tweet.get("id")) if isinstance(tweet, dict) else None
            if tweet_id is not None:
                oldest = _older(oldest, tweet_id)
                newest = _newer(newest, tweet_id)
            try:
                mention = self._mention(tweet, users, user_id, media)
            except ValueError as exc:
                where = f"tweet {tweet_id}" if tweet_id else f"entry {index}"
                skipped.append(f"Skipped {where}: {exc}")
                continue
            if mention is not None and mention.source_id not in seen:
                seen.add(mention.source_id)
                out.append(mention)
        return oldest, newest

    def _mention(
        self,
        tweet: Any,
        users: Mapping[str, Mapping[str, Any]],
        user_id: str,
        media: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> IncomingMention | None:
        if not isinstance(tweet, dict):
            raise ValueError("not an object")
        tweet_id = _valid_id(tweet.get("id"))
        if tweet_id is None:
            raise ValueError(f"no valid id ({tweet.get('id')!r})")
        text = tweet.get("text")
        if not isinstance(text, str):
            raise ValueError("no text")
        author_id = tweet.get("author_id")
        if not isinstance(author_id, str) or not author_id:
            raise ValueError("no author_id")
        if author_id == user_id:
            return None  # the brand's own tweet mentioning itself: not a customer's mention
        user = users.get(author_id, {})
        username = user.get("username") if isinstance(user.get("username"), str) else None
        name = user.get("name") if isinstance(user.get("name"), str) else None
        metrics = user.get("public_metrics")
        followers = metrics.get("followers_count") if isinstance(metrics, dict) else None
        if not isinstance(followers, int) or isinstance(followers, bool) or followers < 0:
            followers = None
        lang = tweet.get("lang")
        language = lang if isinstance(lang, str) and lang and lang not in _NO_LANGUAGE else None
        conversation = tweet.get("conversation_id")
        meta = {"conversation_id": conversation} if isinstance(conversation, str) else {}
        return IncomingMention(
            source_id=tweet_id,
            author=Author(
                platform_user_id=author_id,
                handle=f"@{username}" if username else "",
                name=name,
                followers=followers,
            ),
            text=html.unescape(text),
            created_at=_parse_time(tweet.get("created_at"), tweet_id),
            url=(
                f"https://x.com/{username}/status/{tweet_id}"
                if username
                else f"https://x.com/i/web/status/{tweet_id}"
            ),
            parent_source_id=_replied_to(tweet),
            language=language,
            meta=meta,
            media=_attached(tweet, media or {}),
        )

    def fetch_media(self, ref: MediaRef, *, max_bytes: int) -> MediaBlob:
        return self.http.download(ref.ref, max_bytes=max_bytes)

    # --- writing ----------------------------------------------------------------------------
    def deliver(self, reply: OutgoingReply) -> Delivered:
        if _valid_id(reply.mention_source_id) is None:
            raise ChannelError(
                f"Cannot answer {reply.mention_source_id!r} on X: not a tweet id.", permanent=True
            )
        if not reply.text.strip():
            raise ChannelError("An empty reply cannot be posted on X.", permanent=True)
        payload = {"text": reply.text, "reply": {"in_reply_to_tweet_id": reply.mention_source_id}}
        try:
            body = self.http.json("POST", "/2/tweets", json=payload)
        except ChannelError as exc:
            if exc.status != 403 or "duplicate" not in exc.message.lower():
                raise
            found = self.lookup(reply)
            if found is not None:
                return found
            recent = self.clock() - reply.accepted_at < DUPLICATE_GRACE_S
            raise ChannelError(
                "X refused the reply as duplicate content, and no earlier reply with this text"
                " to this tweet was found"
                + ("; trying again shortly." if recent else ": reword it and send again."),
                permanent=not recent,
                retry_after_s=30.0 if recent else None,
                status=403,
            ) from exc
        data = body.get("data") if isinstance(body, dict) else None
        tweet_id = _valid_id(data.get("id")) if isinstance(data, dict) else None
        if tweet_id is None:
            # Posted (2xx) but unreadable: a retry finds it through lookup.
            raise MalformedResponse("X accepted the reply but did not say its tweet id.")
        return Delivered(platform_post_id=tweet_id, url=self._status_url(tweet_id))

    def lookup(self, reply: OutgoingReply) -> Delivered | None:
        if _valid_id(reply.mention_source_id) is None:
            return None
        user_id = self._me()
        wanted = comparable(reply.text)
        token: str | None = None
        for _ in range(LOOKUP_PAGES):
            params = {
                "since_id": reply.mention_source_id,
                "max_results": "100",
                "tweet.fields": "referenced_tweets,created_at",
            }
            if token:
                params["pagination_token"] = token
            body = self.http.json("GET", f"/2/users/{user_id}/tweets", params=params)
            if not isinstance(body, dict):
                raise MalformedResponse("X answered the timeline request with no JSON object.")
            data = body.get("data", [])
            for tweet in data if isinstance(data, list) else []:
                if not isinstance(tweet, dict):
                    continue
                tweet_id = _valid_id(tweet.get("id"))
                text = tweet.get("text")
                if (
                    tweet_id is not None
                    and isinstance(text, str)
                    and _replied_to(tweet) == reply.mention_source_id
                    and comparable(text) == wanted
                ):
                    created = tweet.get("created_at")
                    return Delivered(
                        platform_post_id=tweet_id,
                        posted_at=_parse_time(created, tweet_id) if created else None,
                        url=self._status_url(tweet_id),
                    )
            meta = body.get("meta")
            next_token = meta.get("next_token") if isinstance(meta, dict) else None
            if not isinstance(next_token, str) or not next_token:
                return None
            token = next_token
        return None
