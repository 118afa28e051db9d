"""Bluesky: mentions and replies come in as notifications, replies go out as post records.

AT Protocol XRPC (docs.bsky.app) with an app password:

* session: ``com.atproto.server.createSession`` gives an access and a refresh token. When the
  PDS answers ``ExpiredToken`` we call ``refreshSession`` once (with the refresh token); if that
  fails too, we log in again.
* fetch: ``app.bsky.notification.listNotifications`` pages back in time (newest first, opaque
  ``cursor``). Only ``mention`` and ``reply`` are kept. Our stored cursor is a high-water mark,
  ``{"t": <newest indexedAt>, "u": [<uris at that time>]}``; we page back until we pass it, at
  most :data:`MAX_PAGES` pages per call. When that cap is hit the cursor also remembers where
  to go on (``"page"``) and the mark to adopt once caught up (``"nt"``/``"nu"``), so nothing in
  between is lost. The very first fetch (no cursor) takes only the newest page. Followers come
  from ``app.bsky.actor.getProfiles`` (25 per call), best effort.
* deliver: ``com.atproto.repo.createRecord`` with our own record key: a TID derived from the
  reply's ``accepted_at`` (microseconds) and a 10-bit clock id hashed from the reply id. A retry
  uses the same key, so it can never make a second post; ``lookup`` reads the record back with
  ``com.atproto.repo.getRecord``.

Bluesky limits a post's text to 300 graphemes and 3000 UTF-8 bytes (the ``app.bsky.feed.post``
lexicon); :func:`webcare.domain.textlength.measure` counts both, for the team server (which
refuses a longer reply) and here (nothing too long is ever sent).

Media: a post's ``app.bsky.embed.images`` (and ``video``, and the media of
``recordWithMedia``) become :class:`MediaRef` records whose ref is ``<author did>/<blob cid>``,
fetched with ``com.atproto.sync.getBlob`` from the channel's service (which serves the blobs
of the accounts it hosts or relays; a post by an account on another PDS may answer
``BlobNotFound``, and the file is then marked failed). A reply's images are uploaded with
``com.atproto.repo.uploadBlob`` (at most 1,000,000 bytes each, the lexicon's limit) and
embedded as ``app.bsky.embed.images`` with their alt text; a retry uploads again (unused blobs
are dropped by the PDS) under the same record key, so the post is still made once.

A record key that is taken already is "look the post up": the reference PDS answers 500, newer
ones 400 ``RecordAlreadyExists`` and others 400 ``InvalidRequest`` "Record already exists";
every such answer is settled by ``getRecord``, and a post found there is the delivered one.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any, Self
from urllib.parse import urlencode

import requests

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
from webcare.channels.errors import AuthFailed, ChannelError, MalformedResponse, NotConfigured
from webcare.channels.http import Http
from webcare.channels.settings import Settings
from webcare.domain import textlength
from webcare.domain.timeutil import iso, parse_iso

CHAR_LIMIT = 300
PAGE_LIMIT = 50
MAX_PAGES = 5
PROFILES_PER_CALL = 25
MAX_TEXT = 20_000
MAX_MARK_URIS = 20
POST = "app.bsky.feed.post"
REASONS = frozenset({"mention", "reply"})
#: What a PDS may answer when a record key is taken (the reference PDS still answers 500):
#: ``RecordAlreadyExists`` is the error the createRecord lexicon names; others say it in words.
ALREADY_EXISTS = frozenset({"RecordAlreadyExists", "AlreadyExists", "DuplicateCreate"})
#: An error whose message says so (``InvalidRequest`` "Record already exists: ...").
_SAYS_EXISTS = re.compile(r"already\s+exists?|duplicate\s+(record|key|rkey)", re.IGNORECASE)
EXPIRED = "ExpiredToken"
#: app.bsky.embed.images: at most 4 images of at most 1,000,000 bytes each.
IMAGE_MAX_BYTES = 1_000_000
MAX_MEDIA = 4

SPEC = ConnectorSpec(
    kind="bluesky",
    label="Bluesky",
    fields=(
        ConfigField(
            "service_url",
            "Service URL",
            default="https://bsky.social",
            kind="url",
            help="The account's PDS; https://bsky.social for accounts made on bsky.app.",
        ),
        ConfigField(
            "identifier", "Handle", required=True, help="The brand's handle, e.g. brand.bsky.social"
        ),
        ConfigField(
            "app_password",
            "App password",
            required=True,
            secret=True,
            help="Settings > Privacy and security > App passwords (never the account password).",
        ),
    ),
    char_limit=CHAR_LIMIT,
    can_reply=True,
    lookup="exact",
    default_interval_s=60.0,
    can_attach=True,
    attach_max_bytes=IMAGE_MAX_BYTES,
)


# --- text ------------------------------------------------------------------------------------
_URL = re.compile(r"https?://[^\s<>\"']+")


def link_facets(text: str) -> list[dict[str, Any]]:
    """Facets that make the URLs in ``text`` links (byte offsets in UTF-8, as Bluesky wants)."""
    facets: list[dict[str, Any]] = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?)]}")
        start = len(text[: match.start()].encode())
        facets.append(
            {
                "index": {"byteStart": start, "byteEnd": start + len(url.encode())},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}],
            }
        )
    return facets


# --- record keys -----------------------------------------------------------------------------
_S32 = "234567abcdefghijklmnopqrstuvwxyz"
_TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


def tid(micros: int, clock_id: int) -> str:
    """A TID: 13 base32-sortable characters of ``micros << 10 | clock_id`` (top bit zero)."""
    if not 0 <= micros < 2**53 or not 0 <= clock_id < 1024:
        raise ValueError("a TID holds 53 bits of microseconds and a 10-bit clock id")
    value = (micros << 10) | clock_id
    chars = []
    for _ in range(13):
        chars.append(_S32[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def reply_rkey(reply: OutgoingReply) -> str:
    """The record key of ``reply``'s post: the same for every attempt to deliver it.

    Microseconds of ``accepted_at`` (fixed when the team server accepted the reply) and a clock
    id from a hash of our reply id, so two replies accepted in the same microsecond still
    differ (unless their 10-bit hashes collide too). Without ``accepted_at`` the time part comes
    from the hash as well, placed before 2020 so it never claims a future time.
    """
    digest = hashlib.sha256(reply.reference.encode()).digest()
    clock_id = int.from_bytes(digest[:2], "big") & 0x3FF
    if reply.accepted_at > 0:
        micros = round(reply.accepted_at * 1_000_000)
    else:
        micros = int.from_bytes(digest[2:10], "big") % 1_577_836_800_000_000
    return tid(micros, clock_id)


# --- parsing ---------------------------------------------------------------------------------
def _str(value: Any, what: str, limit: int = 3000) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} is missing")
    if len(value) > limit:
        raise ValueError(f"{what} is too long")
    return value


def _opt_str(value: Any, limit: int = 300) -> str | None:
    return value[:limit] if isinstance(value, str) and value.strip() else None


def post_url(handle: str, uri: str) -> str:
    return f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}"


def _blob_ref(blob: Any) -> tuple[str, str | None, int | None] | None:
    """(cid, mime, size) of a blob (``{"$type": "blob", "ref": {"$link": cid}, ...}``, or the
    legacy ``{"cid": ..., "mimeType": ...}``); None when it is not one."""
    if not isinstance(blob, dict):
        return None
    ref = blob.get("ref")
    cid = ref.get("$link") if isinstance(ref, dict) else blob.get("cid")
    if not isinstance(cid, str) or not re.fullmatch(r"[A-Za-z0-9]{8,200}", cid):
        return None
    mime = blob.get("mimeType")
    size = blob.get("size")
    return (
        cid,
        mime if isinstance(mime, str) else None,
        size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None,
    )


def _embedded_media(did: str, embed: Any) -> tuple[MediaRef, ...]:
    """The images and video of a post's ``embed`` as refs (``<did>/<cid>``)."""
    if not isinstance(embed, dict):
        return ()
    kind = embed.get("$type")
    if kind == "app.bsky.embed.recordWithMedia":
        return _embedded_media(did, embed.get("media"))
    found: list[MediaRef] = []
    if kind == "app.bsky.embed.images":
        images = embed.get("images")
        for image in images if isinstance(images, list) else []:
            blob = _blob_ref(image.get("image")) if isinstance(image, dict) else None
            if blob is not None and len(found) < MAX_MEDIA:
                alt = image.get("alt")
                found.append(MediaRef("image", f"{did}/{blob[0]}", blob[1], blob[2],
                                      caption=_opt_str(alt, 2000)))  # fmt: skip
    elif kind == "app.bsky.embed.video":
        blob = _blob_ref(embed.get("video"))
        if blob is not None:
            found.append(MediaRef("video", f"{did}/{blob[0]}", blob[1], blob[2],
                                  caption=_opt_str(embed.get("alt"), 2000)))  # fmt: skip
    return tuple(found)


def _mention(entry: dict[str, Any]) -> IncomingMention:
    uri = _str(entry.get("uri"), "uri", 500)
    if not uri.startswith("at://") or f"/{POST}/" not in uri:
        raise ValueError(f"{uri} is not a post")
    cid = _str(entry.get("cid"), f"{uri}: cid", 200)
    author = entry.get("author")
    if not isinstance(author, dict):
        raise ValueError(f"{uri}: no author")
    did = _str(author.get("did"), f"{uri}: author.did", 200)
    handle = _str(author.get("handle"), f"{uri}: author.handle", 300).lstrip("@")
    record = entry.get("record")
    if not isinstance(record, dict):
        raise ValueError(f"{uri}: no record")
    text = record.get("text", "")
    if not isinstance(text, str):
        raise ValueError(f"{uri}: record.text is not text")
    try:
        created_at = parse_iso(record.get("createdAt"))
    except (ValueError, TypeError, OverflowError):
        try:  # createdAt is written by the poster's app; indexedAt by the service
            created_at = parse_iso(entry.get("indexedAt"))
        except (ValueError, TypeError, OverflowError) as exc:
            raise ValueError(f"{uri}: no usable createdAt or indexedAt") from exc
    parent_uri: str | None = None
    root_uri, root_cid = uri, cid
    reply = record.get("reply")
    if reply is not None:
        if not isinstance(reply, dict):
            raise ValueError(f"{uri}: record.reply is not an object")
        parent, root = reply.get("parent"), reply.get("root")
        if not isinstance(parent, dict) or not isinstance(root, dict):
            raise ValueError(f"{uri}: record.reply lacks parent or root")
        parent_uri = _str(parent.get("uri"), f"{uri}: reply.parent.uri", 500)
        root_uri = _str(root.get("uri"), f"{uri}: reply.root.uri", 500)
        root_cid = _str(root.get("cid"), f"{uri}: reply.root.cid", 200)
    langs = record.get("langs")
    language = _opt_str(langs[0], 20) if isinstance(langs, list) and langs else None
    return IncomingMention(
        source_id=uri,
        author=Author(
            platform_user_id=did,
            handle="@" + handle,
            name=_opt_str(author.get("displayName")),
        ),
        text=text[:MAX_TEXT],
        created_at=created_at,
        url=post_url(handle, uri),
        parent_source_id=parent_uri,
        language=language,
        meta={"cid": cid, "root_uri": root_uri, "root_cid": root_cid},
        media=_embedded_media(did, record.get("embed")),
    )


@dataclass(frozen=True, slots=True)
class Mark:
    """How far we have read: the newest ``indexedAt`` and the uris seen at exactly that time."""

    t: str
    uris: tuple[str, ...]

    @property
    def epoch(self) -> float:
        return parse_iso(self.t)

    def covers(self, epoch: float, uri: str) -> bool:
        """Whether a notification at ``epoch`` with ``uri`` was read before."""
        mine = self.epoch
        return epoch < mine or (epoch == mine and uri in self.uris)

    def taking(self, raw: str, epoch: float, uri: str) -> Mark:
        """This mark moved up to include a notification (if it is newer)."""
        mine = self.epoch
        if epoch > mine:
            return Mark(raw, (uri,))
        if epoch == mine and uri not in self.uris:
            return Mark(self.t, (*self.uris, uri)[-MAX_MARK_URIS:])
        return self


@dataclass(frozen=True, slots=True)
class Cursor:
    mark: Mark | None
    page: str | None = None  # catching up: where the platform's paging goes on
    next_mark: Mark | None = None  # catching up: the mark to adopt when done

    def dump(self) -> str | None:
        if self.mark is None:
            return None
        data: dict[str, Any] = {"t": self.mark.t, "u": list(self.mark.uris)}
        if self.page is not None and self.next_mark is not None:
            data.update(page=self.page, nt=self.next_mark.t, nu=list(self.next_mark.uris))
        return json.dumps(data, separators=(",", ":"))


def _load_mark(t: Any, u: Any) -> Mark | None:
    if not isinstance(t, str) or not isinstance(u, list):
        return None
    try:
        parse_iso(t)
    except (ValueError, TypeError, OverflowError):
        return None
    return Mark(t, tuple(x for x in u if isinstance(x, str)))


def load_cursor(cursor: str | None) -> Cursor:
    """Our stored cursor; anything unreadable counts as a first fetch."""
    if not cursor:
        return Cursor(None)
    try:
        data = json.loads(cursor)
    except ValueError:
        return Cursor(None)
    if not isinstance(data, dict):
        return Cursor(None)
    mark = _load_mark(data.get("t"), data.get("u"))
    page = data.get("page")
    next_mark = _load_mark(data.get("nt"), data.get("nu"))
    if mark is None or not isinstance(page, str) or next_mark is None:
        return Cursor(mark)
    return Cursor(mark, page, next_mark)


# --- the connector ---------------------------------------------------------------------------
class _XrpcError(Exception):
    """A ChannelError whose XRPC error name the caller asked to handle itself."""

    def __init__(self, code: str, cause: ChannelError) -> None:
        super().__init__(cause.message)
        self.code = code
        self.cause = cause


@dataclass(slots=True)
class _Session:
    access: str
    refresh: str
    did: str
    handle: str


def _xrpc_code(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    code = body.get("error") if isinstance(body, dict) else None
    return code if isinstance(code, str) else ""


class BlueskyConnector(ConnectorBase):
    can_reply = True
    can_lookup = True

    @classmethod
    def from_settings(
        cls, info: ChannelInfo, settings: Settings, *, clock: Callable[[], float]
    ) -> Self:
        service_url = settings.url("service_url") or "https://bsky.social"
        identifier, password = settings.text("identifier"), settings.text("app_password")
        if not identifier:
            raise NotConfigured("Handle is not set for this channel.")
        if not password:
            raise NotConfigured("App password is not set for this channel.")
        return cls(info, service_url, identifier, password, clock=clock)

    def __init__(
        self,
        info: ChannelInfo,
        service_url: str,
        identifier: str,
        password: str,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.info = info
        self.identifier = identifier.strip().lstrip("@")
        self._password = password
        self.clock = clock
        self.http = Http(service_url, platform="Bluesky", clock=clock)
        self.session: _Session | None = None
        self._waits: list[float] = []

    # --- XRPC and the session --------------------------------------------------------------
    def _send(
        self,
        method: str,
        nsid: str,
        *,
        token: str | None,
        handled: Collection[str] = (),
        extra_headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        codes: list[str] = []

        def remember(response: requests.Response, *args: Any, **kw: Any) -> None:
            if response.status_code >= 400:
                codes.append(_xrpc_code(response))

        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers.update(extra_headers or {})
        try:
            return self.http.json(
                method, f"/xrpc/{nsid}", headers=headers, hooks={"response": remember}, **kwargs
            )
        except ChannelError as exc:
            code = codes[-1] if codes else ""
            if code and code in handled:
                raise _XrpcError(code, exc) from exc
            if code in {EXPIRED, "InvalidToken"}:
                raise AuthFailed(exc.message, status=exc.status) from exc
            raise
        finally:
            if self.http.last_wait_s is not None:
                self._waits.append(self.http.last_wait_s)

    def _take_session(self, data: Any) -> _Session:
        if not isinstance(data, dict):
            raise MalformedResponse("Bluesky answered the login with something that is no object.")
        try:
            session = _Session(
                access=_str(data.get("accessJwt"), "accessJwt", 10_000),
                refresh=_str(data.get("refreshJwt"), "refreshJwt", 10_000),
                did=_str(data.get("did"), "did", 300),
                handle=str(_opt_str(data.get("handle")) or self.identifier),
            )
        except ValueError as exc:
            raise MalformedResponse(f"Bluesky's session lacks a field: {exc}.") from exc
        self.session = session
        return session

    def login(self) -> _Session:
        """A session: the current one, else a new one (``createSession``)."""
        if self.session is not None:
            return self.session
        data = self._send(
            "POST",
            "com.atproto.server.createSession",
            token=None,
            json={"identifier": self.identifier, "password": self._password},
        )
        return self._take_session(data)

    def _renew(self, expired: _Session) -> _Session:
        """After ``ExpiredToken``: refresh once; if the refresh token is no good, log in again."""
        if self.session is not None and self.session.access != expired.access:
            return self.session  # someone else renewed it meanwhile
        try:
            data = self._send(
                "POST",
                "com.atproto.server.refreshSession",
                token=expired.refresh,
                handled={EXPIRED, "InvalidToken", "AuthenticationRequired", "AccountTakedown"},
            )
            return self._take_session(data)
        except (_XrpcError, AuthFailed):
            self.session = None
        return self.login()

    def call(self, method: str, nsid: str, *, handled: Collection[str] = (), **kwargs: Any) -> Any:
        """An authenticated XRPC call; an expired access token is renewed once."""
        session = self.login()
        try:
            return self._send(
                method, nsid, token=session.access, handled={*handled, EXPIRED}, **kwargs
            )
        except _XrpcError as err:
            if err.code != EXPIRED:
                raise
        session = self._renew(session)
        return self._send(method, nsid, token=session.access, handled=handled, **kwargs)

    # --- fetch -------------------------------------------------------------------------------
    def fetch(self, cursor: str | None) -> list[Batch]:
        self._waits = []
        state = load_cursor(cursor)
        stop = state.mark
        top = state.next_mark  # catching up: the newest was seen already
        page_cursor = state.page
        found: dict[str, IncomingMention] = {}
        skipped: list[str] = []
        passed = False
        for page_no in range(1, MAX_PAGES + 1):
            params: dict[str, str] = {"limit": str(PAGE_LIMIT)}
            if page_cursor:
                params["cursor"] = page_cursor
            data = self.call("GET", "app.bsky.notification.listNotifications", params=params)
            entries = data.get("notifications") if isinstance(data, dict) else None
            if not isinstance(entries, list):
                raise MalformedResponse("Bluesky's notifications are not a list.")
            for i, entry in enumerate(entries):
                if not isinstance(entry, dict):
                    skipped.append(f"page {page_no}, entry {i + 1}: not an object")
                    continue
                uri, raw_time = entry.get("uri"), entry.get("indexedAt")
                try:
                    epoch = parse_iso(raw_time)
                    if not isinstance(uri, str) or not uri:
                        raise ValueError("no uri")
                except (ValueError, TypeError, OverflowError) as exc:
                    skipped.append(
                        f"page {page_no}, entry {i + 1}: no usable uri or indexedAt ({exc})"
                    )
                    continue
                assert isinstance(raw_time, str)
                if stop is not None and stop.covers(epoch, uri):
                    passed = True
                    break
                top = Mark(raw_time, (uri,)) if top is None else top.taking(raw_time, epoch, uri)
                if entry.get("reason") not in REASONS or uri in found:
                    continue
                try:
                    found[uri] = _mention(entry)
                except (ValueError, TypeError, OverflowError) as exc:
                    skipped.append(f"notification {uri}: {exc}")
            next_page = data.get("cursor")
            if passed or stop is None or not entries or not isinstance(next_page, str):
                passed = True  # read back to the mark, or to the end, or the first run
                break
            page_cursor = next_page
        mentions = self._with_followers(list(found.values()))
        mentions.sort(key=lambda m: m.created_at)
        new = Cursor(top or stop) if passed else Cursor(stop, page_cursor, top)
        return [
            Batch(
                channel=self.info,
                mentions=mentions,
                cursor=new.dump(),
                skipped=skipped,
                more=not passed,
                wait_s=max(self._waits) if self._waits else None,
            )
        ]

    def _with_followers(self, mentions: list[IncomingMention]) -> list[IncomingMention]:
        """Follower counts from ``getProfiles``; when that fails the mentions go without."""
        dids = list(dict.fromkeys(m.author.platform_user_id for m in mentions))
        followers: dict[str, int] = {}
        for start in range(0, len(dids), PROFILES_PER_CALL):
            chunk = dids[start : start + PROFILES_PER_CALL]
            try:
                data = self.call("GET", "app.bsky.actor.getProfiles", params={"actors": chunk})
            except ChannelError:
                continue
            profiles = data.get("profiles") if isinstance(data, dict) else None
            for profile in profiles if isinstance(profiles, list) else []:
                if not isinstance(profile, dict):
                    continue
                did, count = profile.get("did"), profile.get("followersCount")
                if isinstance(did, str) and isinstance(count, int) and not isinstance(count, bool):
                    followers[did] = max(0, count)
        return [
            replace(m, author=replace(m.author, followers=followers[m.author.platform_user_id]))
            if m.author.platform_user_id in followers
            else m
            for m in mentions
        ]

    # --- deliver -----------------------------------------------------------------------------
    def _reply_refs(self, reply: OutgoingReply) -> dict[str, Any]:
        parent_uri = reply.mention_source_id
        parent_cid = reply.mention_meta.get("cid")
        root_uri = reply.mention_meta.get("root_uri")
        root_cid = reply.mention_meta.get("root_cid")
        if not parent_cid or not root_uri or not root_cid:
            # not fetched by us (imported): ask the AppView for the post
            data = self.call("GET", "app.bsky.feed.getPosts", params={"uris": [parent_uri]})
            posts = data.get("posts") if isinstance(data, dict) else None
            post = posts[0] if isinstance(posts, list) and posts else None
            if not isinstance(post, dict) or not isinstance(post.get("cid"), str):
                raise ChannelError(
                    f"Bluesky does not know the post {parent_uri} (deleted?).", permanent=True
                )
            parent_cid = str(post["cid"])
            record = post.get("record")
            thread = record.get("reply") if isinstance(record, dict) else None
            root = thread.get("root") if isinstance(thread, dict) else None
            if isinstance(root, dict) and isinstance(root.get("uri"), str):
                root_uri, root_cid = str(root["uri"]), str(root.get("cid") or "")
            else:
                root_uri, root_cid = parent_uri, parent_cid
        return {
            "root": {"uri": root_uri, "cid": root_cid},
            "parent": {"uri": parent_uri, "cid": parent_cid},
        }

    def deliver(self, reply: OutgoingReply) -> Delivered:
        problem = textlength.measure("bluesky", reply.text, limit=CHAR_LIMIT).problem()
        if problem is not None:
            raise ChannelError(problem, permanent=True)
        session = self.login()
        rkey = reply_rkey(reply)
        now = self.clock()
        record: dict[str, Any] = {
            "$type": POST,
            "text": reply.text,
            "createdAt": iso(now),
            "reply": self._reply_refs(reply),
        }
        facets = link_facets(reply.text)
        if facets:
            record["facets"] = facets
        if reply.media:
            record["embed"] = {
                "$type": "app.bsky.embed.images",
                "images": [{"alt": item.caption or "", "image": self._upload(item)}
                           for item in reply.media[:MAX_MEDIA]],
            }  # fmt: skip
        body = {"repo": session.did, "collection": POST, "rkey": rkey, "record": record}
        try:
            data = self.call(
                "POST", "com.atproto.repo.createRecord", json=body, handled=ALREADY_EXISTS
            )
        except _XrpcError as err:  # the key is taken: an earlier attempt got through
            return self._existing(reply, err.cause)
        except ChannelError as exc:
            if exc.status is not None and exc.status < 500 and _SAYS_EXISTS.search(exc.message):
                return self._existing(reply, exc)  # 400 InvalidRequest "Record already exists"
            if exc.status is None or exc.status < 500:
                raise
            # the reference PDS answers 500 when the record exists; look before retrying
            try:
                found = self.lookup(reply)
            except ChannelError:
                found = None
            if found is not None:
                return found
            raise
        uri = data.get("uri") if isinstance(data, dict) else None
        if not isinstance(uri, str) or not uri:
            raise MalformedResponse("Bluesky did not answer with the new post's uri.")
        return Delivered(platform_post_id=uri, posted_at=now, url=post_url(session.handle, uri))

    def _upload(self, item: Any) -> dict[str, Any]:
        """Upload one image (``com.atproto.repo.uploadBlob``); the blob to embed."""
        if len(item.data) > IMAGE_MAX_BYTES:
            raise ChannelError(
                f"Bluesky takes images up to {IMAGE_MAX_BYTES:,} bytes; this one has"
                f" {len(item.data):,}.",
                permanent=True,
            )
        data = self.call("POST", "com.atproto.repo.uploadBlob", data=item.data,
                         extra_headers={"Content-Type": item.mime})  # fmt: skip
        blob = data.get("blob") if isinstance(data, dict) else None
        if _blob_ref(blob) is None:
            raise MalformedResponse("Bluesky did not answer the upload with a blob.")
        assert isinstance(blob, dict)
        return blob

    def fetch_media(self, ref: MediaRef, *, max_bytes: int) -> MediaBlob:
        did, _, cid = ref.ref.rpartition("/")
        if not did.startswith("did:") or not cid:
            raise ChannelError(f"{ref.ref!r} does not name a Bluesky blob.", permanent=True)
        query = urlencode({"did": did, "cid": cid})
        try:
            return self.http.download(
                f"/xrpc/com.atproto.sync.getBlob?{query}", max_bytes=max_bytes
            )
        except ChannelError as exc:
            if exc.status in (400, 404):  # BlobNotFound, RepoNotFound: not coming back
                raise ChannelError(exc.message, permanent=True, status=exc.status) from exc
            raise

    def _existing(self, reply: OutgoingReply, refusal: ChannelError) -> Delivered:
        """The PDS says the reply's record exists: that post is the delivered one.

        When ``getRecord`` cannot show it yet (a replica behind the primary), the delivery is
        retried, and the retry looks it up first; it is never a permanent failure, since the
        post is there.
        """
        found = self.lookup(reply)
        if found is not None:
            return found
        raise ChannelError(
            "Bluesky says this reply's post exists already but cannot show it yet"
            f" ({refusal.message.rstrip('.')}); looking again shortly.",
            retry_after_s=30.0,
            status=refusal.status,
        ) from refusal

    def lookup(self, reply: OutgoingReply) -> Delivered | None:
        session = self.login()
        params = {"repo": session.did, "collection": POST, "rkey": reply_rkey(reply)}
        try:
            data = self.call(
                "GET", "com.atproto.repo.getRecord", params=params, handled={"RecordNotFound"}
            )
        except _XrpcError:
            return None
        uri = data.get("uri") if isinstance(data, dict) else None
        if not isinstance(uri, str) or not uri:
            raise MalformedResponse("Bluesky answered getRecord without a uri.")
        value = data.get("value")
        try:
            posted_at: float | None = parse_iso(
                value.get("createdAt") if isinstance(value, dict) else None
            )
        except (ValueError, TypeError, OverflowError):
            posted_at = None
        return Delivered(
            platform_post_id=uri, posted_at=posted_at, url=post_url(session.handle, uri)
        )

    def close(self) -> None:
        self.http.close()
