"""Listening to RSS 2.0 and Atom feeds: news items and blog posts that name the brand.

Listen-only: nothing can be posted back. Every feed is read with a conditional GET (``ETag`` /
``Last-Modified``; 304 means nothing new) and parsed with ``defusedxml`` (no entity expansion,
no external entities: an XML bomb is refused, not expanded). Items whose title or summary
contain one of the brand keywords as a whole word (any case) become mentions; with no keywords,
every item does.

The cursor is a small JSON object, per feed URL: the validators of the last answer and the last
``SEEN_PER_FEED`` item ids (hashed), so an item is returned once even when the feed has no
validators. A feed that fails (HTTP error, not XML, an XML bomb, too large) is reported in
``Batch.skipped`` and keeps its state; the other feeds' items still come. Only when every feed
fails does :meth:`RssConnector.fetch` raise.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import xml.etree.ElementTree as ET  # only for types and ParseError: parsing is defused
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any, Self
from urllib.parse import urljoin, urlsplit

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from webcare.channels.base import (
    Author,
    Batch,
    ChannelInfo,
    ConfigField,
    ConnectorBase,
    ConnectorSpec,
    Delivered,
    IncomingMention,
    OutgoingReply,
)
from webcare.channels.errors import ChannelError, NotConfigured, RateLimited
from webcare.channels.http import Http
from webcare.channels.settings import Settings

SEEN_PER_FEED = 500
MAX_FEED_BYTES = 5 * 1024 * 1024
MAX_TEXT = 2000
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
)
ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"

SPEC = ConnectorSpec(
    kind="rss",
    label="RSS / Atom feeds",
    fields=(
        ConfigField(
            "feed_urls",
            "Feed addresses",
            required=True,
            kind="list",
            help="One or more RSS 2.0 or Atom feed URLs.",
        ),
        ConfigField(
            "keywords",
            "Brand keywords",
            kind="list",
            default=[],
            help="Only items naming one of these (whole word, any case); empty: every item.",
        ),
    ),
    char_limit=None,
    can_reply=False,
    lookup="none",
    default_interval_s=900.0,
)


# --- text ------------------------------------------------------------------------------------
class _TextOnly(HTMLParser):
    _SKIP = frozenset({"script", "style", "head", "title", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        else:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        else:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def plain_text(markup: str, limit: int = MAX_TEXT) -> str:
    """HTML (or plain text) as one line of plain text: tags dropped, entities decoded."""
    parser = _TextOnly()
    parser.feed(markup)
    parser.close()
    text = " ".join("".join(parser.parts).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def keyword_pattern(keywords: Iterable[str]) -> re.Pattern[str] | None:
    """Whole-word, case-insensitive match of any keyword; ``None`` when there are none."""
    words = sorted({k.strip() for k in keywords if k.strip()}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in re.split(r"[,\n]", value) if v.strip()]
    if isinstance(value, Sequence):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


# --- parsing ---------------------------------------------------------------------------------
@dataclass
class Item:
    source_id: str
    title: str
    summary: str
    link: str | None
    author: str | None
    published: float | None


@dataclass
class Feed:
    title: str
    items: list[Item] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _text(element: ET.Element | None) -> str:
    if element is None:
        return ""
    return "".join(element.itertext()).strip()


def _first(parent: ET.Element, *tags: str) -> ET.Element | None:
    for tag in tags:
        found = parent.find(tag)
        if found is not None:
            return found
    return None


def _time(*values: str) -> float | None:
    for raw in values:
        value = raw.strip()
        if not value:
            continue
        try:
            return parsedate_to_datetime(value).timestamp()  # RFC 822 (RSS)
        except (TypeError, ValueError, IndexError):
            pass
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()  # RFC 3339
        except ValueError:
            continue
    return None


def _link(value: str, base: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    url = urljoin(base, value)
    return url if urlsplit(url).scheme in {"http", "https"} else None


def _atom_text(element: ET.Element | None) -> str:
    """An Atom text construct: ``type="text"`` as is, ``html`` and ``xhtml`` as markup."""
    if element is None:
        return ""
    if element.get("type") == "xhtml":
        return " ".join(" ".join(element.itertext()).split())
    return _text(element)


def _item_id(guid: str, link: str | None, feed_url: str) -> str | None:
    """The platform id: a guid that is globally unique as it is (a URL, ``urn:``, ``tag:``),
    else the guid made unique with the feed's address; the link when there is no guid."""
    guid = guid.strip()
    if guid:
        return guid if ":" in guid else f"{feed_url}#{guid}"
    return link


def _rss_item(node: ET.Element, feed_url: str) -> Item:
    link = _link(_text(_first(node, "link", f"{RSS1}link")), feed_url)
    guid = _text(node.find("guid")) or (node.get(f"{RDF}about") or "")
    source_id = _item_id(guid, link, feed_url)
    if source_id is None:
        raise ValueError("no guid and no link")
    title = plain_text(_text(_first(node, "title", f"{RSS1}title")))
    summary = _text(_first(node, "description", f"{RSS1}description", f"{CONTENT}encoded"))
    author = _text(_first(node, f"{DC}creator", "author"))
    # RSS <author> is an e-mail address, often "jane@example.com (Jane Doe)"
    named = re.fullmatch(r"\s*\S+@\S+\s*\((.+)\)\s*", author)
    if named:
        author = named.group(1).strip()
    published = _time(_text(node.find("pubDate")), _text(node.find(f"{DC}date")))
    return Item(source_id, title, plain_text(summary), link, author or None, published)


def _atom_entry(node: ET.Element, feed_url: str) -> Item:
    link: str | None = None
    for candidate in node.findall(f"{ATOM}link"):
        if candidate.get("rel", "alternate") == "alternate":
            link = _link(candidate.get("href", ""), feed_url)
            if link:
                break
    source_id = _item_id(_text(node.find(f"{ATOM}id")), link, feed_url)
    if source_id is None:
        raise ValueError("no id and no link")
    title = plain_text(_atom_text(node.find(f"{ATOM}title")))
    summary = _atom_text(_first(node, f"{ATOM}summary", f"{ATOM}content"))
    author = _text(node.find(f"{ATOM}author/{ATOM}name"))
    published = _time(_text(node.find(f"{ATOM}published")), _text(node.find(f"{ATOM}updated")))
    return Item(source_id, title, plain_text(summary), link, author or None, published)


def parse_feed(data: bytes, feed_url: str) -> Feed:
    """RSS 2.0, RSS 1.0 (RDF) or Atom 1.0; ``ValueError`` when it is none of them (or unsafe)."""
    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException as exc:
        raise ValueError(f"refused unsafe XML ({type(exc).__name__})") from exc
    except ET.ParseError as exc:
        raise ValueError(f"not well-formed XML ({exc})") from exc
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise ValueError("an RSS document without a channel")
        nodes, title = channel.findall("item"), _text(channel.find("title"))
        read = _rss_item
    elif root.tag == f"{RDF}RDF":
        nodes = root.findall(f"{RSS1}item")
        title = _text(root.find(f"{RSS1}channel/{RSS1}title"))
        read = _rss_item
    elif root.tag == f"{ATOM}feed":
        nodes, title = root.findall(f"{ATOM}entry"), _atom_text(root.find(f"{ATOM}title"))
        read = _atom_entry
    else:
        raise ValueError(f"not an RSS or Atom feed (root element {root.tag!r})")
    feed = Feed(title=plain_text(title, 200))
    for index, node in enumerate(nodes):
        try:
            feed.items.append(read(node, feed_url))
        except ValueError as exc:
            feed.skipped.append(f"{feed_url}: skipped item {index + 1}: {exc}")
    return feed


# --- the connector ---------------------------------------------------------------------------
def _digest(source_id: str) -> str:
    return hashlib.sha256(source_id.encode()).hexdigest()[:16]


@dataclass
class FeedState:
    etag: str | None = None
    modified: str | None = None
    seen: list[str] = field(default_factory=list)  # digests, newest first

    def as_json(self) -> dict[str, Any]:
        return {"etag": self.etag, "modified": self.modified, "seen": self.seen}


def parse_cursor(cursor: str | None) -> dict[str, FeedState]:
    if not cursor:
        return {}
    data = json.loads(cursor)
    feeds = data.get("feeds") if isinstance(data, dict) else None
    if not isinstance(feeds, dict):
        raise ValueError("no feeds in the cursor")
    states: dict[str, FeedState] = {}
    for url, raw in feeds.items():
        if not isinstance(raw, dict):
            continue
        etag, modified, seen = raw.get("etag"), raw.get("modified"), raw.get("seen")
        states[str(url)] = FeedState(
            etag=etag if isinstance(etag, str) else None,
            modified=modified if isinstance(modified, str) else None,
            seen=[s for s in seen if isinstance(s, str)] if isinstance(seen, list) else [],
        )
    return states


class RssConnector(ConnectorBase):
    can_reply = False
    can_lookup = False

    @classmethod
    def from_settings(
        cls, info: ChannelInfo, settings: Settings, *, clock: Callable[[], float]
    ) -> Self:
        return cls(
            info,
            _as_list(settings.raw("feed_urls")),
            _as_list(settings.raw("keywords")),
            clock=clock,
        )

    def __init__(
        self,
        info: ChannelInfo,
        feed_urls: Sequence[str],
        keywords: Sequence[str] = (),
        *,
        clock: Callable[[], float] = time.time,
        timeout: tuple[float, float] | None = None,
        max_bytes: int = MAX_FEED_BYTES,
    ) -> None:
        if not feed_urls:
            raise NotConfigured("No feed addresses are set for this channel.")
        self.info = info
        self.feed_urls = list(dict.fromkeys(feed_urls))
        self.keywords = keyword_pattern(keywords)
        self.clock = clock
        self.max_bytes = max_bytes
        extra: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
        self.http = Http("", platform="The feed", clock=clock, **extra)

    def close(self) -> None:
        self.http.close()

    def deliver(self, reply: OutgoingReply) -> Delivered:
        raise ChannelError(
            "RSS channels are listen-only: replies cannot be posted.", permanent=True
        )

    def fetch(self, cursor: str | None) -> list[Batch]:
        skipped: list[str] = []
        try:
            states = parse_cursor(cursor)
        except ValueError as exc:
            skipped.append(f"Unreadable cursor ({exc}); every feed is read afresh.")
            states = {}
        mentions: list[IncomingMention] = []
        failures: list[ChannelError] = []
        new_states: dict[str, FeedState] = {}
        for url in self.feed_urls:
            state = states.get(url, FeedState())
            try:
                new_states[url] = self._read(url, state, mentions, skipped)
            except ChannelError as exc:
                failures.append(exc)
                skipped.append(f"{url}: {exc.message}")
                new_states[url] = state
        if failures and len(failures) == len(self.feed_urls):
            reasons = "; ".join(skipped[-len(failures) :])
            waits = [e.retry_after_s for e in failures if e.retry_after_s is not None]
            error = (
                RateLimited if all(isinstance(e, RateLimited) for e in failures) else ChannelError
            )
            raise error(
                f"No feed could be read: {reasons}",
                permanent=all(e.permanent for e in failures),
                retry_after_s=max(waits) if waits else None,
            )
        mentions.sort(key=lambda m: m.created_at)
        new_cursor = json.dumps(
            {"feeds": {url: s.as_json() for url, s in new_states.items()}}, separators=(",", ":")
        )
        return [Batch(channel=self.info, mentions=mentions, cursor=new_cursor, skipped=skipped)]

    def _download(self, url: str, state: FeedState) -> tuple[bytes | None, str | None, str | None]:
        """The document (``None`` when not modified) and its ETag and Last-Modified."""
        if urlsplit(url).scheme not in {"http", "https"}:
            raise ChannelError("not an http(s) address.", permanent=True)
        headers = {"Accept": ACCEPT}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.modified:
            headers["If-Modified-Since"] = state.modified
        try:
            response = self.http.request("GET", url, headers=headers, stream=True)
        except ChannelError as exc:
            if exc.status == 304:
                return None, state.etag, state.modified
            raise
        with response:
            if response.status_code == 204:
                return b"", None, None
            chunks: list[bytes] = []
            size = 0
            try:
                for chunk in response.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise ChannelError(
                            f"the feed is larger than {self.max_bytes // 1024} KiB.",
                            permanent=True,
                        )
                    chunks.append(chunk)
            except OSError as exc:  # requests' read errors are OSErrors too
                raise ChannelError(f"the feed could not be read to the end ({exc}).") from exc
            return (
                b"".join(chunks),
                response.headers.get("ETag"),
                response.headers.get("Last-Modified"),
            )

    def _read(
        self,
        url: str,
        state: FeedState,
        out: list[IncomingMention],
        skipped: list[str],
    ) -> FeedState:
        data, etag, modified = self._download(url, state)
        if data is None:
            return state
        try:
            feed = parse_feed(data, url)
        except ValueError as exc:
            raise ChannelError(f"{exc}.") from exc
        skipped.extend(feed.skipped)
        seen = set(state.seen)
        current: list[str] = []
        now = self.clock()
        meta = {"feed_url": url, "feed_title": feed.title} if feed.title else {"feed_url": url}
        for item in feed.items:
            digest = _digest(item.source_id)
            current.append(digest)
            if digest in seen:
                continue
            seen.add(digest)
            text = "\n\n".join(part for part in (item.title, item.summary) if part)
            if not text:
                skipped.append(f"{url}: skipped {item.source_id}: no title and no summary")
                continue
            if self.keywords is not None and not self.keywords.search(
                f"{item.title}\n{item.summary}"
            ):
                continue
            who = item.author or feed.title or (urlsplit(url).hostname or url)
            out.append(
                IncomingMention(
                    source_id=item.source_id,
                    author=Author(
                        platform_user_id=f"{url}#{item.author}" if item.author else url,
                        handle=who,
                        name=who,
                    ),
                    text=text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1].rstrip() + "…",
                    created_at=item.published if item.published is not None else now,
                    url=item.link,
                    meta=meta,
                )
            )
        keep = max(SEEN_PER_FEED, len(current))
        current_set = set(current)
        remembered = list(dict.fromkeys(current)) + [d for d in state.seen if d not in current_set]
        return FeedState(etag=etag, modified=modified, seen=remembered[:keep])
