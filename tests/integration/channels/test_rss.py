"""The RSS / Atom connector against a local feed server."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.fakes.feeds import ATOM_TYPE, Entry, FeedServer, atom, rss
from webcare.channels import registry
from webcare.channels.base import ChannelInfo, OutgoingReply
from webcare.channels.errors import ChannelError, NotConfigured
from webcare.channels.rss import SPEC, RssConnector, parse_feed, plain_text

NOW = 1_700_100_000.0
INFO = ChannelInfo(kind="rss", name="Acme in the news", brand="Acme")
T1 = 1_700_000_000.0
T2 = 1_700_003_600.0

Factory = Callable[..., RssConnector]

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title></channel></rss>
"""


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


@pytest.fixture
def connect() -> Iterator[Factory]:
    made: list[RssConnector] = []

    def make(urls: list[str], keywords: list[str] | None = None, **kw: Any) -> RssConnector:
        connector = RssConnector(
            INFO,
            urls,
            keywords or [],
            clock=lambda: NOW,
            timeout=(1.0, 1.0),
            **kw,
        )
        made.append(connector)
        return connector

    yield make
    for connector in made:
        connector.close()


NEWS = [
    Entry(
        "item-1",
        "Acme trains late again",
        "<p>Commuters on <b>Acme</b> lines waited &amp; waited.</p><script>x()</script>",
        "https://news.example/1",
        "Jane Doe",
        T1,
    ),
    Entry(
        "https://news.example/2",
        "Acme opens a shop",
        "Plain text.",
        "https://news.example/2",
        None,
        T2,
    ),
]


def test_rss_items_are_mapped(feeds: FeedServer, connect: Factory) -> None:
    url = feeds.put("/news.rss", rss("Daily News", NEWS))
    [batch] = connect([url]).fetch(None)
    assert batch.skipped == []
    assert batch.more is False
    first, second = batch.mentions
    assert first.source_id == f"{url}#item-1"  # a bare guid is made unique with the feed URL
    assert first.text == "Acme trains late again\n\nCommuters on Acme lines waited & waited."
    assert first.author.handle == "Jane Doe"
    assert first.author.name == "Jane Doe"
    assert first.author.platform_user_id == f"{url}#Jane Doe"
    assert first.created_at == T1
    assert first.url == "https://news.example/1"
    assert first.meta == {"feed_url": url, "feed_title": "Daily News"}
    assert second.source_id == "https://news.example/2"
    assert second.text == "Acme opens a shop\n\nPlain text."
    assert second.author.handle == "Daily News"  # no author: the feed's title
    assert second.author.platform_user_id == url
    assert second.created_at == T2
    assert feeds.hits("/news.rss")[0]["accept"].startswith("application/rss+xml")


def test_atom_entries_are_mapped(feeds: FeedServer, connect: Factory) -> None:
    entries = [
        Entry("tag:news.example,2024:1", "Acme &lt;3", "<em>Great</em> service", "/a/1", "Sam", T1)
    ]
    url = feeds.put("/news.atom", atom("Blog", entries), ATOM_TYPE)
    [batch] = connect([url]).fetch(None)
    [mention] = batch.mentions
    assert mention.source_id == "tag:news.example,2024:1"
    assert mention.text == "Acme <3\n\nGreat service"
    assert mention.url == feeds.url("/a/1")  # relative links resolved against the feed
    assert mention.author.handle == "Sam"
    assert mention.created_at == T1


def test_atom_xhtml_and_updated_only() -> None:
    doc = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">T</title>
    <entry><id>urn:x:1</id><title type="html">A &amp;amp; B</title>
    <link rel="enclosure" href="https://cdn.example/a.mp3"/>
    <link href="https://blog.example/a"/>
    <updated>2023-11-14T22:13:20+00:00</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <b>there</b></p>
    </div></content></entry>
    <entry><title>no id, no link</title></entry></feed>"""
    feed = parse_feed(doc, "https://blog.example/feed")
    [item] = feed.items
    assert (item.source_id, item.title, item.summary) == ("urn:x:1", "A & B", "Hello there")
    assert item.link == "https://blog.example/a"
    assert item.published == 1_700_000_000.0
    assert feed.skipped == ["https://blog.example/feed: skipped item 2: no id and no link"]


def test_rss_1_rdf_is_read() -> None:
    doc = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
      xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <channel rdf:about="https://x.example/"><title>Old</title></channel>
      <item rdf:about="https://x.example/1"><title>One</title><link>https://x.example/1</link>
      <dc:creator>Kim</dc:creator><dc:date>2023-11-14T22:13:20Z</dc:date></item></rdf:RDF>"""
    feed = parse_feed(doc, "https://x.example/rss")
    assert feed.title == "Old"
    [item] = feed.items
    assert (item.source_id, item.author, item.published) == ("https://x.example/1", "Kim", T1)


def test_conditional_get_304_means_nothing_new(feeds: FeedServer, connect: Factory) -> None:
    url = feeds.put("/news.rss", rss("Daily News", NEWS))
    connector = connect([url])
    [first] = connector.fetch(None)
    assert len(first.mentions) == 2
    [second] = connector.fetch(first.cursor)
    sent = feeds.hits("/news.rss")[-1]
    assert sent["if-none-match"].startswith('"')
    assert sent["if-modified-since"] == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert second.mentions == []
    assert second.skipped == []
    assert second.cursor == first.cursor


def test_items_seen_before_are_not_returned_again(feeds: FeedServer, connect: Factory) -> None:
    url = feeds.put("/plain.rss", rss("Daily News", NEWS[:1]), validators=False)
    connector = connect([url])
    [first] = connector.fetch(None)
    assert [m.source_id for m in first.mentions] == [f"{url}#item-1"]
    feeds.put("/plain.rss", rss("Daily News", NEWS), validators=False)
    [second] = connector.fetch(first.cursor)
    assert [m.source_id for m in second.mentions] == ["https://news.example/2"]
    assert "if-none-match" not in feeds.hits("/plain.rss")[-1]
    assert second.cursor is not None
    state = json.loads(second.cursor)["feeds"][url]
    assert (state["etag"], state["modified"], len(state["seen"])) == (None, None, 2)


def test_keywords_match_whole_words_in_any_case(feeds: FeedServer, connect: Factory) -> None:
    entries = [
        Entry("1", "ACME trains late", "", "https://n.example/1"),
        Entry("2", "Acmeville fair", "Fun for all", "https://n.example/2"),
        Entry("3", "Shop review", "We love acme care!", "https://n.example/3"),
        Entry("4", "Weather", "Rain", "https://n.example/4"),
        Entry("5", "C&A sale", "", "https://n.example/5"),
    ]
    url = feeds.put("/k.rss", rss("N", entries))
    connector = connect([url], ["acme", "Acme Care", "C&A"])
    [batch] = connector.fetch(None)
    assert [m.source_id.rsplit("#", 1)[1] for m in batch.mentions] == ["1", "3", "5"]
    assert batch.mentions[0].text == "ACME trains late"
    feeds.put("/k.rss", rss("N", entries), validators=False)
    [again] = connector.fetch(batch.cursor)
    assert again.mentions == []  # filtered items count as seen too


def test_one_broken_feed_does_not_block_the_others(feeds: FeedServer, connect: Factory) -> None:
    good = feeds.put("/good.rss", rss("Daily News", NEWS))
    down = feeds.fail("/down.rss", 500)
    broken = feeds.put("/broken.rss", b"<rss><channel><item>")
    missing = feeds.url("/missing.rss")
    connector = connect([down, good, broken, missing])
    [batch] = connector.fetch(None)
    assert len(batch.mentions) == 2
    assert batch.skipped == [
        f"{down}: The feed refused the request (HTTP 500: Something went wrong).",
        f"{broken}: not well-formed XML (no element found: line 1, column 20).",
        f"{missing}: The feed refused the request (HTTP 404: Not Found).",
    ]
    assert batch.cursor is not None
    states = json.loads(batch.cursor)["feeds"]
    assert states[down] == {"etag": None, "modified": None, "seen": []}
    assert len(states[good]["seen"]) == 2


def test_every_feed_failing_raises_with_the_reasons(feeds: FeedServer, connect: Factory) -> None:
    gone = feeds.fail("/gone.rss", 410)
    missing = feeds.url("/missing.rss")
    with pytest.raises(ChannelError) as permanent:
        connect([gone, missing]).fetch(None)
    assert permanent.value.message == (
        f"No feed could be read: {gone}: The feed refused the request (HTTP 410: Something went"
        f" wrong).; {missing}: The feed refused the request (HTTP 404: Not Found)."
    )
    assert permanent.value.permanent is True
    busy = feeds.fail("/busy.rss", 503)
    with pytest.raises(ChannelError) as temporary:
        connect([busy, gone]).fetch(None)
    assert temporary.value.permanent is False


def test_xml_bomb_is_refused_quickly(feeds: FeedServer, connect: Factory) -> None:
    bomb = feeds.put("/bomb.rss", BOMB)
    good = feeds.put("/good.rss", rss("Daily News", NEWS))
    started = time.monotonic()
    [batch] = connect([bomb, good]).fetch(None)
    assert time.monotonic() - started < 1.0
    assert len(batch.mentions) == 2
    assert batch.skipped == [f"{bomb}: refused unsafe XML (EntitiesForbidden)."]


def test_external_entities_are_refused() -> None:
    xxe = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
    <rss><channel><title>&x;</title></channel></rss>"""
    with pytest.raises(ValueError, match="refused unsafe XML"):
        parse_feed(xxe, "https://x.example/feed")


def test_wrong_documents_and_items(feeds: FeedServer, connect: Factory) -> None:
    html_page = feeds.put("/page.html", b"<html><body>hi</body></html>", "text/html")
    odd = feeds.put(
        "/odd.rss",
        b"<rss><channel><title>Odd</title><item><title>no link</title></item>"
        b"<item><guid>g1</guid></item>"
        b"<item><guid>g2</guid><title>Acme</title><pubDate>yesterday</pubDate></item>"
        b"</channel></rss>",
    )
    [batch] = connect([html_page, odd]).fetch(None)
    [mention] = batch.mentions
    assert mention.source_id == f"{odd}#g2"
    assert mention.created_at == NOW  # an unreadable date: the time it was read
    assert mention.url is None
    assert batch.skipped == [
        f"{html_page}: not an RSS or Atom feed (root element 'html').",
        f"{odd}: skipped item 1: no guid and no link",
        f"{odd}: skipped {odd}#g1: no title and no summary",
    ]


def test_long_text_is_capped_and_large_feeds_refused(feeds: FeedServer, connect: Factory) -> None:
    long = Entry("l", "Acme", "word " * 1000, "https://n.example/l")
    url = feeds.put("/long.rss", rss("N", [long]))
    [batch] = connect([url]).fetch(None)
    text = batch.mentions[0].text
    assert len(text) == 2000
    assert text.startswith("Acme\n\nword word")
    assert text.endswith("…")
    with pytest.raises(ChannelError, match="larger than 1 KiB"):
        connect([url], max_bytes=1024).fetch(None)


def test_unreadable_cursor_reads_afresh(feeds: FeedServer, connect: Factory) -> None:
    url = feeds.put("/news.rss", rss("Daily News", NEWS))
    [batch] = connect([url]).fetch("[1, 2]")
    assert len(batch.mentions) == 2
    assert batch.skipped == [
        "Unreadable cursor (no feeds in the cursor); every feed is read afresh."
    ]


def test_listen_only_and_configuration() -> None:
    assert registry.spec("rss") is SPEC
    assert (SPEC.can_reply, SPEC.lookup, SPEC.char_limit) == (False, "none", None)
    connector = registry.create(
        "rss", INFO, {"feed_urls": "https://a.example/f, https://b.example/g", "keywords": ""}, {}
    )
    assert isinstance(connector, RssConnector)
    try:
        assert connector.feed_urls == ["https://a.example/f", "https://b.example/g"]
        assert connector.keywords is None
        assert connector.can_reply is False
        with pytest.raises(ChannelError, match="listen-only") as caught:
            connector.deliver(OutgoingReply("r", "hi", "x", "@a"))
        assert caught.value.permanent is True
    finally:
        connector.close()
    with pytest.raises(NotConfigured, match="Feed addresses is not set"):
        registry.create("rss", INFO, {"feed_urls": []}, {})


def test_plain_text() -> None:
    assert plain_text("<p>a&nbsp;&amp;\n <i>b</i></p><style>p{}</style>c") == "a & b c"
    assert plain_text("x" * 10, limit=5) == "xxxx…"
