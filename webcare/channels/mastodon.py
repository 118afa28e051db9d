r"""Mastodon: mentions of the brand account come in as notifications, replies go out as statuses.

The REST API (docs.joinmastodon.org) with a user access token (scopes ``read:notifications
read:statuses read:accounts write:statuses``):

* fetch: ``GET /api/v1/notifications?types[]=mention&limit=40&min_id=<cursor>``. ``min_id``
  returns the page right after the cursor (newest first inside the page); we follow on with the
  highest id of each page, at most :data:`MAX_PAGES` pages per call. The cursor is the highest
  notification id seen. Ids are numeric strings and are compared as numbers. The very first
  fetch (no cursor) takes only the newest page: the past is not imported.
* deliver: ``POST /api/v1/statuses`` with an ``Idempotency-Key`` (our reply id). Mastodon keeps
  the key for an hour: a retry in that hour gets the same status back instead of a new one.
* lookup (for retries after the key may have expired): our account's own statuses
  (``verify_credentials`` then ``/accounts/:id/statuses``), matched on ``in_reply_to_id`` and
  the same text (mentions aside, since Mastodon renders them as links).
* media: a status's ``media_attachments`` become :class:`MediaRef` records (``image``; ``gifv`` and
  ``video`` as video; ``audio``; ``unknown`` as a document) whose ref is the attachment's
  ``url`` (the instance's copy; ``remote_url`` when there is none), fetched with
  :meth:`Http.download` (our token only goes to the instance's own host). A reply's images are
  uploaded first (``POST /api/v2/media`` with their alt text; a 202 is polled at
  ``GET /api/v1/media/:id`` until processed), then named in ``media_ids[]``. A retry uploads
  again (Mastodon forgets unattached uploads), and the ``Idempotency-Key`` still gives the one
  status.

Status ``content`` is HTML; it is turned into plain text here and no markup is ever kept.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any, Self

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
from webcare.channels.errors import ChannelError, MalformedResponse, NotConfigured
from webcare.channels.http import Http
from webcare.channels.settings import Settings
from webcare.domain import textlength
from webcare.domain.timeutil import parse_iso

CHAR_LIMIT = 500
PAGE_LIMIT = 40
MAX_PAGES = 5
#: How many pages of our own statuses a lookup reads before it gives up (40 statuses each).
LOOKUP_PAGES = 3
MAX_TEXT = 20_000
MAX_MEDIA = 10  # attachments kept per status (Mastodon allows 4)
#: Mastodon's attachment types and the kinds Webcare shows them as.
MEDIA_KINDS = {"image": "image", "gifv": "video", "video": "video", "audio": "audio",
               "unknown": "document"}  # fmt: skip
#: How often an upload still processing (202) is looked at before the reply is retried later.
MEDIA_POLLS = 10
MEDIA_POLL_S = 0.5
VISIBILITIES = ("public", "unlisted", "private", "direct")  # from widest to narrowest

SPEC = ConnectorSpec(
    kind="mastodon",
    label="Mastodon",
    fields=(
        ConfigField(
            "base_url",
            "Server URL",
            required=True,
            kind="url",
            help="The brand account's instance, e.g. https://mastodon.social",
        ),
        ConfigField(
            "access_token",
            "Access token",
            required=True,
            secret=True,
            help="Preferences > Development > New application; scopes read:notifications,"
            " read:statuses, read:accounts, write:statuses (and write:media to attach images).",
        ),
        ConfigField(
            "visibility",
            "Reply visibility",
            default="unlisted",
            help="public, unlisted, private or direct; a reply is never more visible than"
            " the post it answers.",
        ),
    ),
    char_limit=CHAR_LIMIT,
    can_reply=True,
    lookup="search",
    default_interval_s=60.0,
    can_attach=True,
)


# --- HTML to text ----------------------------------------------------------------------------
class _TextExtractor(HTMLParser):
    """Collects the text of Mastodon's status HTML: ``<br>`` and ``<p>`` become line breaks."""

    _DROP = frozenset({"script", "style", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._DROP:
            self._dropping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in {"p", "div", "blockquote", "li", "pre"}:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._DROP:
            self._dropping = max(0, self._dropping - 1)
        elif tag in {"p", "div", "blockquote", "li", "pre"}:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self.parts.append(data)


def html_to_text(content: str) -> str:
    """Plain text of a status: paragraphs and line breaks kept, tags gone, entities decoded."""
    parser = _TextExtractor()
    parser.feed(content)
    parser.close()
    text = "".join(parser.parts).replace("\r\n", "\n").replace("\xa0", " ")
    # whatever survived as a literal tag (``&lt;b&gt;`` decoded) is text the author typed: keep
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


# --- small parsers ---------------------------------------------------------------------------
def _id(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip() and len(value) <= 64:
        return value.strip()
    return None


def newer(a: str, b: str) -> bool:
    """Whether Mastodon id ``a`` is after ``b`` (numerically when both are digits)."""
    if a.isdigit() and b.isdigit():
        return int(a) > int(b)
    return (len(a), a) > (len(b), b)


def _id_key(value: str) -> tuple[int, int, str]:
    return (0, int(value), "") if value.isdigit() else (1, len(value), value)


def _opt_text(value: Any, what: str, limit: int = 300) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"{what} is not text")
    return value[:limit]


def _mention(status: Any) -> IncomingMention:
    """A status (from a mention notification) as an :class:`IncomingMention`; ValueError if bad."""
    if not isinstance(status, dict):
        raise ValueError("the notification has no status")
    source_id = _id(status.get("id"))
    if source_id is None:
        raise ValueError("the status has no id")
    account = status.get("account")
    if not isinstance(account, dict):
        raise ValueError(f"status {source_id} has no account")
    account_id = _id(account.get("id"))
    acct = account.get("acct")
    if account_id is None or not isinstance(acct, str) or not acct.strip():
        raise ValueError(f"status {source_id}: the account has no id or acct")
    acct = acct.strip().lstrip("@")
    content = status.get("content")
    if content is None:
        content = ""
    if not isinstance(content, str):
        raise ValueError(f"status {source_id}: content is not text")
    text = html_to_text(content)
    spoiler = status.get("spoiler_text")
    if isinstance(spoiler, str) and spoiler.strip():
        text = f"[CW: {spoiler.strip()}]\n{text}"
    media = _media(status.get("media_attachments"))
    followers = account.get("followers_count")
    if isinstance(followers, bool) or not isinstance(followers, int) or followers < 0:
        followers = None
    name = account.get("display_name")
    visibility = status.get("visibility")
    meta = {"acct": acct}
    if isinstance(visibility, str) and visibility in VISIBILITIES:
        meta["visibility"] = visibility
    try:
        created_at = parse_iso(status.get("created_at"))
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValueError(f"status {source_id}: created_at is not an ISO 8601 time") from exc
    url = _opt_text(status.get("url"), "url", 2000) or _opt_text(status.get("uri"), "uri", 2000)
    return IncomingMention(
        source_id=source_id,
        author=Author(
            platform_user_id=account_id,
            handle="@" + acct,
            name=(name.strip() or None) if isinstance(name, str) else None,
            followers=followers,
        ),
        text=text.strip()[:MAX_TEXT],
        created_at=created_at,
        url=url,
        parent_source_id=_id(status.get("in_reply_to_id")),
        language=_opt_text(status.get("language"), "language", 10),
        meta=meta,
        media=media,
    )


def _media(attachments: Any) -> tuple[MediaRef, ...]:
    """A status's ``media_attachments`` as refs (those without any address are left out)."""
    found: list[MediaRef] = []
    for item in attachments if isinstance(attachments, list) else []:
        if not isinstance(item, dict) or len(found) >= MAX_MEDIA:
            continue
        url = item.get("url") if isinstance(item.get("url"), str) else None
        url = url or (item.get("remote_url") if isinstance(item.get("remote_url"), str) else None)
        if not url or len(url) > 2000 or not url.startswith(("https://", "http://")):
            continue
        kind = MEDIA_KINDS.get(str(item.get("type")), "document")
        description = item.get("description")
        name = url.rsplit("?", 1)[0].rsplit("/", 1)[-1][:200] or None
        found.append(
            MediaRef(
                kind=kind,
                ref=url,
                filename=name,
                caption=description.strip()[:1500] or None
                if isinstance(description, str)
                else None,
            )
        )
    return tuple(found)


_MENTION = re.compile(r"(?<![\w@/])@[\w.-]+(?:@[\w.-]+)?", re.UNICODE)


def _comparable(text: str) -> str:
    """Text with mentions removed and spaces collapsed, for matching a posted status to ours."""
    return " ".join(_MENTION.sub(" ", text).split()).casefold()


def narrowest(configured: str, original: str | None) -> str:
    """The less visible of two visibilities: a reply never widens who sees the conversation."""
    if original not in VISIBILITIES:
        return configured
    return max(configured, str(original), key=VISIBILITIES.index)


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise MalformedResponse("Mastodon answered something that is not JSON.") from exc


# --- the connector ---------------------------------------------------------------------------
class MastodonConnector(ConnectorBase):
    can_reply = True
    can_lookup = True

    @classmethod
    def from_settings(
        cls, info: ChannelInfo, settings: Settings, *, clock: Callable[[], float]
    ) -> Self:
        base_url, token = settings.url("base_url"), settings.text("access_token")
        if not base_url:
            raise NotConfigured("Server URL is not set for this channel.")
        if not token:
            raise NotConfigured("Access token is not set for this channel.")
        visibility = (settings.text("visibility") or "unlisted").lower()
        if visibility not in VISIBILITIES:
            raise NotConfigured(f"Reply visibility must be one of {', '.join(VISIBILITIES)}.")
        return cls(info, base_url, token, visibility=visibility, clock=clock)

    def __init__(
        self,
        info: ChannelInfo,
        base_url: str,
        token: str,
        *,
        visibility: str = "unlisted",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.info = info
        self.visibility = visibility
        self.clock = clock
        self.http = Http(
            base_url, platform="Mastodon", clock=clock, headers={"Authorization": f"Bearer {token}"}
        )
        self._account_id: str | None = None

    # --- fetch ---------------------------------------------------------------------------
    def fetch(self, cursor: str | None) -> list[Batch]:
        cursor = cursor.strip() if cursor and cursor.strip() else None
        mentions_: list[IncomingMention] = []
        skipped: list[str] = []
        seen: set[str] = set()
        highest = cursor
        after = cursor
        more = False
        waits: list[float] = []
        for page_no in range(MAX_PAGES):
            params: list[tuple[str, str]] = [("types[]", "mention"), ("limit", str(PAGE_LIMIT))]
            if after is not None:
                params.append(("min_id", after))
            response = self.http.request("GET", "/api/v1/notifications", params=params)
            if self.http.last_wait_s is not None:
                waits.append(self.http.last_wait_s)
            page = _json(response)
            if not isinstance(page, list):
                raise MalformedResponse("Mastodon's notifications are not a list.")
            page_highest: str | None = None
            for i, entry in enumerate(page):
                nid = _id(entry.get("id")) if isinstance(entry, dict) else None
                if nid is None:
                    skipped.append(f"notification {i} of page {page_no + 1}: no id")
                    continue
                if page_highest is None or newer(nid, page_highest):
                    page_highest = nid
                if cursor is not None and not newer(nid, cursor):
                    continue  # already had it (a server that ignores min_id)
                assert isinstance(entry, dict)
                if entry.get("type") != "mention":
                    continue  # an old server that ignores types[]
                try:
                    mention = _mention(entry.get("status"))
                except (ValueError, TypeError, OverflowError) as exc:
                    skipped.append(f"notification {nid}: {exc}")
                    continue
                if mention.source_id not in seen:
                    seen.add(mention.source_id)
                    mentions_.append(mention)
            # the page's own Link says where the next newer page starts; ids may all be bad
            prev = response.links.get("prev", {}).get("url", "")
            match = re.search(r"[?&]min_id=([^&]+)", prev)
            if match and (page_highest is None or newer(match.group(1), page_highest)):
                page_highest = match.group(1)
            if page_highest is not None and (highest is None or newer(page_highest, highest)):
                highest = page_highest
            if cursor is None or len(page) < PAGE_LIMIT or page_highest is None:
                break  # first run takes the newest page only; a short page is the last one
            if after is not None and not newer(page_highest, after):
                break
            after = page_highest
            if page_no == MAX_PAGES - 1:
                more = True
        # oldest first; the same second is ordered by the (numeric) status id
        mentions_.sort(key=lambda m: (m.created_at, _id_key(m.source_id)))
        return [
            Batch(
                channel=self.info,
                mentions=mentions_,
                cursor=highest,
                skipped=skipped,
                more=more,
                wait_s=max(waits) if waits else None,
            )
        ]

    # --- deliver -------------------------------------------------------------------------
    def _status_text(self, reply: OutgoingReply) -> str:
        """The reply with ``@acct `` in front unless it mentions the author already.

        The team server counts this same text (``textlength.measure``) before it accepts a
        reply, so what it accepts fits.
        """
        handle = reply.mention_meta.get("acct") or reply.author_handle or ""
        return textlength.mastodon_status(reply.text, handle)

    def deliver(self, reply: OutgoingReply) -> Delivered:
        body: dict[str, Any] = {
            "status": self._status_text(reply),
            "in_reply_to_id": reply.mention_source_id,
            "visibility": narrowest(self.visibility, reply.mention_meta.get("visibility")),
        }
        if reply.media:
            body["media_ids"] = [self._upload(item) for item in reply.media]
        answer = self.http.json(
            "POST", "/api/v1/statuses", json=body, headers={"Idempotency-Key": reply.reference}
        )
        return self._delivered(answer)

    def _upload(self, item: Any) -> str:
        """Upload one image (``POST /api/v2/media``); its id once Mastodon has processed it."""
        form = {"description": item.caption} if item.caption else {}
        response = self.http.request(
            "POST",
            "/api/v2/media",
            files={"file": (item.filename or "image", item.data, item.mime)},
            data=form,
        )
        answer = _json(response)
        media_id = _id(answer.get("id")) if isinstance(answer, dict) else None
        if media_id is None:
            raise MalformedResponse("Mastodon did not answer the upload with a media id.")
        polls = 0
        while response.status_code == 202 or (isinstance(answer, dict) and not answer.get("url")):
            if polls >= MEDIA_POLLS:
                raise ChannelError("Mastodon is still processing the image; trying again soon.",
                                   retry_after_s=30.0)  # fmt: skip
            polls += 1
            time.sleep(MEDIA_POLL_S)
            response = self.http.request("GET", f"/api/v1/media/{media_id}")
            answer = _json(response)
            if response.status_code == 200 and isinstance(answer, dict) and answer.get("url"):
                break
        return media_id

    def fetch_media(self, ref: MediaRef, *, max_bytes: int) -> MediaBlob:
        return self.http.download(ref.ref, max_bytes=max_bytes)

    def _delivered(self, status: Any) -> Delivered:
        if not isinstance(status, dict) or _id(status.get("id")) is None:
            raise MalformedResponse("Mastodon did not answer with a status.")
        try:
            posted_at: float | None = parse_iso(status.get("created_at"))
        except (ValueError, TypeError, OverflowError):
            posted_at = None
        url = status.get("url")
        return Delivered(
            platform_post_id=str(_id(status.get("id"))),
            posted_at=posted_at,
            url=url if isinstance(url, str) and url else None,
        )

    # --- lookup --------------------------------------------------------------------------
    def account_id(self) -> str:
        if self._account_id is None:
            me = self.http.json("GET", "/api/v1/accounts/verify_credentials")
            account_id = _id(me.get("id")) if isinstance(me, dict) else None
            if account_id is None:
                raise MalformedResponse("Mastodon did not say which account the token is for.")
            self._account_id = account_id
        return self._account_id

    def lookup(self, reply: OutgoingReply) -> Delivered | None:
        account_id = self.account_id()
        wanted = _comparable(self._status_text(reply))
        # a status posted for this reply cannot be older than its acceptance (minus clock skew)
        oldest = reply.accepted_at - 600 if reply.accepted_at > 0 else None
        max_id: str | None = None
        for _ in range(LOOKUP_PAGES):
            params = {"limit": str(PAGE_LIMIT), "exclude_reblogs": "true"}
            if max_id is not None:
                params["max_id"] = max_id
            page = self.http.json("GET", f"/api/v1/accounts/{account_id}/statuses", params=params)
            if not isinstance(page, list):
                raise MalformedResponse("Mastodon's statuses are not a list.")
            if not page:
                return None
            too_old = False
            for status in page:
                if not isinstance(status, dict) or _id(status.get("id")) is None:
                    continue
                sid = str(_id(status.get("id")))
                if max_id is None or newer(max_id, sid):
                    max_id = sid
                if _id(status.get("in_reply_to_id")) == reply.mention_source_id:
                    content = status.get("content")
                    if isinstance(content, str) and _comparable(html_to_text(content)) == wanted:
                        return self._delivered(status)
                try:
                    created = parse_iso(status.get("created_at"))
                except (ValueError, TypeError, OverflowError):
                    continue
                if oldest is not None and created < oldest:
                    too_old = True
            if too_old or len(page) < PAGE_LIMIT:
                return None
        return None

    def close(self) -> None:
        self.http.close()
