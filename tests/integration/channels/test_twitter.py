"""The X connector against a local fake of the X API v2."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.fakes.twitter import BRAND_ID, TOKEN, FakeX, iso, snowflake
from webcare.channels import registry
from webcare.channels.base import ChannelInfo, IncomingMention, OutgoingReply
from webcare.channels.errors import AuthFailed, ChannelError, NotConfigured, RateLimited
from webcare.channels.twitter import SPEC, TwitterConnector, comparable, parse_cursor

NOW = 1_700_010_000.0
INFO = ChannelInfo(
    kind="twitter", name="@AcmeCare on X", brand="Acme", handle="@AcmeCare", char_limit=280
)

Factory = Callable[..., TwitterConnector]


@pytest.fixture
def fake() -> Iterator[FakeX]:
    with FakeX() as server:
        yield server


@pytest.fixture
def connect(fake: FakeX) -> Iterator[Factory]:
    made: list[TwitterConnector] = []

    def make(**kwargs: object) -> TwitterConnector:
        options: dict[str, Any] = {  # keywords of several types for TwitterConnector
            "token": TOKEN,
            "api_base": fake.url,
            "user_id": BRAND_ID,
            "clock": lambda: NOW,
            "timeout": (1.0, 1.0),
        }
        options.update(kwargs)
        connector = TwitterConnector(INFO, **options)
        made.append(connector)
        return connector

    yield make
    for connector in made:
        connector.close()


def _ids(mentions: list[IncomingMention]) -> list[str]:
    return [m.source_id for m in mentions]


def _reply(mention_id: str, text: str, accepted_at: float = NOW - 5) -> OutgoingReply:
    return OutgoingReply(
        reference="r-1",
        text=text,
        mention_source_id=mention_id,
        author_handle="@alice",
        accepted_at=accepted_at,
    )


# --- reading --------------------------------------------------------------------------------
def test_fetch_maps_a_mention_with_its_author(fake: FakeX) -> None:
    alice = fake.add_user("alice", "Alice A.", followers=42)
    first = fake.add_mention("@AcmeCare my train is late & cold", alice)
    second = fake.add_mention("@AcmeCare still waiting", alice, in_reply_to=first.id, lang="und")
    connector = registry.create(
        "twitter", INFO, {"api_base": fake.url}, {"bearer_token": TOKEN}, clock=lambda: NOW
    )
    try:
        [batch] = connector.fetch(None)
    finally:
        assert isinstance(connector, TwitterConnector)
        connector.close()

    assert fake.paths() == ["/2/users/me", f"/2/users/{BRAND_ID}/mentions"]
    query = fake.requests[1][2]
    assert query["max_results"] == "100"
    assert query["expansions"] == "author_id,attachments.media_keys"
    assert query["user.fields"] == "username,name,public_metrics"
    assert set(query["tweet.fields"].split(",")) >= {"created_at", "referenced_tweets", "lang"}
    assert "since_id" not in query
    assert batch.channel == INFO
    assert batch.skipped == []
    assert batch.more is False
    assert batch.wait_s is None
    assert batch.cursor == second.id
    one, two = batch.mentions
    assert one.source_id == first.id
    assert one.text == "@AcmeCare my train is late & cold"  # X's "&amp;" unescaped
    assert one.author.platform_user_id == alice.id
    assert one.author.handle == "@alice"
    assert one.author.name == "Alice A."
    assert one.author.followers == 42
    assert one.created_at == pytest.approx(first.created_at)
    assert one.url == f"https://x.com/alice/status/{first.id}"
    assert one.parent_source_id is None
    assert one.language == "en"
    assert one.meta == {"conversation_id": first.id}
    assert two.parent_source_id == first.id
    assert two.language is None  # "und" is no language


def test_second_fetch_returns_nothing_new_then_only_the_new(fake: FakeX, connect: Factory) -> None:
    bob = fake.add_user("bob")
    old = [fake.add_mention(f"@AcmeCare hello {i}", bob) for i in range(3)]
    connector = connect()
    [first] = connector.fetch(None)
    assert _ids(first.mentions) == [t.id for t in old]
    [second] = connector.fetch(first.cursor)
    assert second.mentions == []
    assert second.cursor == old[-1].id
    assert fake.requests[-1][2]["since_id"] == old[-1].id
    new = fake.add_mention("@AcmeCare one more", bob)
    [third] = connector.fetch(second.cursor)
    assert _ids(third.mentions) == [new.id]
    assert third.cursor == new.id


def test_pagination_follows_next_token(fake: FakeX, connect: Factory) -> None:
    carol = fake.add_user("carol")
    tweets = [fake.add_mention(f"@AcmeCare #{i}", carol) for i in range(250)]
    [batch] = connect(max_pages=5).fetch(None)
    assert len(fake.requests) == 3
    assert fake.requests[1][2]["pagination_token"] == f"page-{tweets[150].id}"
    assert _ids(batch.mentions) == [t.id for t in tweets]  # oldest first
    assert batch.more is False
    assert batch.cursor == tweets[-1].id


def test_page_cap_never_skips_a_tweet(fake: FakeX, connect: Factory) -> None:
    dave = fake.add_user("dave")
    start = fake.add_mention("@AcmeCare already read", dave)
    backlog = [fake.add_mention(f"@AcmeCare backlog {i}", dave) for i in range(250)]
    connector = connect(max_pages=1)

    [one] = connector.fetch(start.id)
    assert _ids(one.mentions) == [t.id for t in backlog[150:]]
    assert one.more is True
    assert one.cursor is not None
    state = json.loads(one.cursor)
    assert state == {"since": start.id, "until": backlog[150].id, "top": backlog[-1].id}

    late = [fake.add_mention(f"@AcmeCare arrived meanwhile {i}", dave) for i in range(3)]
    [two] = connector.fetch(one.cursor)
    assert fake.requests[-1][2]["since_id"] == start.id
    assert fake.requests[-1][2]["until_id"] == backlog[150].id
    assert _ids(two.mentions) == [t.id for t in backlog[50:150]]
    assert two.more is True

    [three] = connector.fetch(two.cursor)
    assert _ids(three.mentions) == [t.id for t in backlog[:50]]
    assert three.more is False
    assert three.cursor == backlog[-1].id  # the newest read, not the newest that exists

    [four] = connector.fetch(three.cursor)
    assert _ids(four.mentions) == [t.id for t in late]
    assert four.cursor == late[-1].id
    everything = _ids(one.mentions + two.mentions + three.mentions + four.mentions)
    assert sorted(everything, key=int) == [t.id for t in backlog + late]


def test_malformed_entries_are_skipped_with_reasons(fake: FakeX, connect: Factory) -> None:
    erin = fake.add_user("erin")
    good = fake.add_mention("@AcmeCare fine", erin)
    no_text = fake.add_raw({"author_id": erin.id, "created_at": iso(NOW)})
    fake.add_raw({"id": "not-a-number", "text": "x", "author_id": erin.id})
    no_author = fake.add_raw({"text": "who am I"})
    bad_time = fake.add_raw({"text": "@AcmeCare odd date", "author_id": erin.id, "created_at": 7})
    [batch] = connect().fetch(None)
    assert _ids(batch.mentions) == [good.id, bad_time.id]
    # a missing or unreadable time falls back to the time in the tweet's Snowflake id
    assert batch.mentions[1].created_at == pytest.approx(bad_time.created_at, abs=0.01)
    assert batch.skipped == [
        f"Skipped tweet {no_author.id}: no author_id",
        "Skipped entry 2: no valid id ('not-a-number')",
        f"Skipped tweet {no_text.id}: no text",
    ]
    assert batch.cursor == bad_time.id


def test_own_tweets_in_the_mentions_are_not_customer_mentions(
    fake: FakeX, connect: Factory
) -> None:
    fake.add_raw({"text": "@AcmeCare note to self", "author_id": BRAND_ID})
    frank = fake.add_user("frank")
    theirs = fake.add_mention("@AcmeCare hi", frank)
    [batch] = connect().fetch(None)
    assert _ids(batch.mentions) == [theirs.id]
    assert batch.skipped == []


def test_unknown_author_keeps_the_mention(fake: FakeX, connect: Factory) -> None:
    ghost = fake.add_raw({"text": "@AcmeCare boo", "author_id": "999"})
    [batch] = connect(user_id=BRAND_ID).fetch(None)
    [mention] = batch.mentions
    assert mention.source_id == ghost.id
    assert mention.author.platform_user_id == "999"
    assert mention.author.handle == ""
    assert mention.url == f"https://x.com/i/web/status/{ghost.id}"


def test_spent_quota_sets_wait_and_the_next_call_is_rate_limited(
    fake: FakeX, connect: Factory
) -> None:
    gina = fake.add_user("gina")
    fake.add_mention("@AcmeCare hi", gina)
    fake.set_quota(1, reset=int(NOW) + 120)
    connector = connect()
    [batch] = connector.fetch(None)
    assert len(batch.mentions) == 1
    assert batch.wait_s == pytest.approx(120.0)
    with pytest.raises(RateLimited) as caught:
        connector.fetch(batch.cursor)
    assert caught.value.retry_after_s == pytest.approx(120.0)
    assert caught.value.status == 429
    assert "Too Many Requests" in caught.value.message


def test_spent_quota_mid_pagination_stops_without_skipping(fake: FakeX, connect: Factory) -> None:
    hank = fake.add_user("hank")
    tweets = [fake.add_mention(f"@AcmeCare {i}", hank) for i in range(250)]
    fake.set_quota(2, reset=int(NOW) + 300)
    connector = connect(max_pages=5)
    [batch] = connector.fetch(None)
    assert len(fake.requests) == 2  # never asked for the page that would be refused
    assert _ids(batch.mentions) == [t.id for t in tweets[50:]]
    assert batch.wait_s == pytest.approx(300.0)
    assert batch.more is True
    fake.set_quota(None)
    [rest] = connector.fetch(batch.cursor)
    assert _ids(rest.mentions) == [t.id for t in tweets[:50]]
    assert rest.cursor == tweets[-1].id


def test_429_is_rate_limited_with_the_reset_time(fake: FakeX, connect: Factory) -> None:
    reset = {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(NOW) + 30)}
    fake.fail_next(1, 429, "Too Many Requests", reset)
    with pytest.raises(RateLimited) as caught:
        connect().fetch(None)
    assert caught.value.retry_after_s == pytest.approx(30.0)
    assert caught.value.permanent is False


def test_401_is_auth_failed(fake: FakeX, connect: Factory) -> None:
    with pytest.raises(AuthFailed) as caught:
        connect(token="expired").fetch(None)
    assert caught.value.status == 401
    assert caught.value.message == "X refused the request (HTTP 401: Unauthorized)."
    assert caught.value.permanent is False


def test_5xx_is_a_temporary_error(fake: FakeX, connect: Factory) -> None:
    fake.fail_next(1, 503, "Service Unavailable", {"Retry-After": "7"})
    with pytest.raises(ChannelError) as caught:
        connect().fetch(None)
    assert caught.value.status == 503
    assert caught.value.permanent is False
    assert caught.value.retry_after_s == 7.0


def test_error_on_a_later_page_keeps_the_earlier_pages(fake: FakeX, connect: Factory) -> None:
    ivy = fake.add_user("ivy")
    tweets = [fake.add_mention(f"@AcmeCare {i}", ivy) for i in range(150)]
    fake.fail_next(1, 502, "Bad Gateway", after=1)
    connector = connect()
    [batch] = connector.fetch(None)
    assert _ids(batch.mentions) == [t.id for t in tweets[50:]]
    assert batch.skipped == [
        "Stopped after 1 page(s): X refused the request (HTTP 502: Bad Gateway)."
    ]
    assert batch.more is False  # no hammering a failing platform
    [rest] = connector.fetch(batch.cursor)
    assert _ids(rest.mentions) == [t.id for t in tweets[:50]]
    assert rest.cursor == tweets[-1].id


def test_unreadable_cursor_starts_from_the_newest(fake: FakeX, connect: Factory) -> None:
    jo = fake.add_user("jo")
    tweet = fake.add_mention("@AcmeCare hey", jo)
    [batch] = connect().fetch("{not json")
    assert _ids(batch.mentions) == [tweet.id]
    assert batch.skipped[0].startswith("Unreadable cursor '{not json'")
    with pytest.raises(ValueError, match="until is not a tweet id"):
        parse_cursor('{"since": "1", "until": "x"}')


# --- writing --------------------------------------------------------------------------------
def test_deliver_posts_exactly_one_reply(fake: FakeX, connect: Factory) -> None:
    kim = fake.add_user("kim")
    mention = fake.add_mention("@AcmeCare help", kim)
    delivered = connect().deliver(_reply(mention.id, "@kim On it! ^AB"))
    [posted] = fake.posted
    assert posted.text == "@kim On it! ^AB"
    assert posted.in_reply_to == mention.id
    assert delivered.platform_post_id == posted.id
    assert delivered.url == f"https://x.com/AcmeCare/status/{posted.id}"
    assert fake.requests[-1][:2] == ("POST", "/2/tweets")


def test_lost_ack_then_retry_posts_exactly_once(fake: FakeX, connect: Factory) -> None:
    lee = fake.add_user("lee")
    mention = fake.add_mention("@AcmeCare refund?", lee)
    reply = _reply(mention.id, "@lee Refunds: https://acme.example/refund & more <3 ^AB")
    connector = connect()
    fake.lose_next_ack()
    with pytest.raises(ChannelError) as caught:
        connector.deliver(reply)
    assert caught.value.permanent is False
    assert caught.value.message.startswith("Could not reach X")
    assert len(fake.posted) == 1  # X did post it

    # What the delivery worker does on a retry: look it up first, post only if not found.
    found = connector.lookup(reply) if connector.can_lookup else None
    delivered = found or connector.deliver(reply)
    assert found is not None
    assert delivered.platform_post_id == fake.posted[0].id
    assert delivered.posted_at == pytest.approx(fake.posted[0].created_at)
    assert len(fake.posted) == 1
    lookup_query = fake.requests[-1][2]
    assert fake.requests[-1][1] == f"/2/users/{BRAND_ID}/tweets"
    assert lookup_query["since_id"] == mention.id
    assert lookup_query["max_results"] == "100"


def test_lookup_finds_nothing_before_posting(fake: FakeX, connect: Factory) -> None:
    mia = fake.add_user("mia")
    mention = fake.add_mention("@AcmeCare ?", mia)
    other = fake.add_mention("@AcmeCare ??", mia)
    connector = connect()
    assert connector.lookup(_reply(mention.id, "@mia Yes ^AB")) is None
    connector.deliver(_reply(other.id, "@mia Yes ^AB"))  # same text, another tweet
    assert connector.lookup(_reply(mention.id, "@mia Yes ^AB")) is None


def test_duplicate_403_is_settled_by_lookup(fake: FakeX, connect: Factory) -> None:
    ned = fake.add_user("ned")
    mention = fake.add_mention("@AcmeCare status?", ned)
    reply = _reply(mention.id, "@ned All good now ^AB")
    connector = connect()
    first = connector.deliver(reply)
    fake.visible_delay = 1  # the timeline lags: the worker's lookup misses the post
    assert connector.lookup(reply) is None
    again = connector.deliver(reply)  # X: 403 duplicate content -> lookup -> found
    assert again.platform_post_id == first.platform_post_id
    assert len(fake.posted) == 1
    assert [path for path in fake.paths() if path == "/2/tweets"] == ["/2/tweets"] * 2


def test_duplicate_403_without_our_reply(fake: FakeX, connect: Factory) -> None:
    olga = fake.add_user("olga")
    one = fake.add_mention("@AcmeCare a", olga)
    two = fake.add_mention("@AcmeCare b", olga)
    connector = connect()
    connector.deliver(_reply(one.id, "Thanks for reaching out!"))
    with pytest.raises(ChannelError) as recent:
        connector.deliver(_reply(two.id, "Thanks for reaching out!", accepted_at=NOW - 5))
    assert recent.value.permanent is False
    assert recent.value.retry_after_s == 30.0
    assert "duplicate content" in recent.value.message
    with pytest.raises(ChannelError) as old:
        connector.deliver(_reply(two.id, "Thanks for reaching out!", accepted_at=NOW - 3600))
    assert old.value.permanent is True
    assert old.value.message.endswith("reword it and send again.")
    assert len(fake.posted) == 1


def test_delivery_errors(fake: FakeX, connect: Factory) -> None:
    pat = fake.add_user("pat")
    mention = fake.add_mention("@AcmeCare x", pat)
    connector = connect()
    fake.fail_next(1, 503)
    with pytest.raises(ChannelError) as unavailable:
        connector.deliver(_reply(mention.id, "one"))
    assert unavailable.value.permanent is False
    fake.fail_next(1, 403, "You are not permitted to perform this action.")
    with pytest.raises(ChannelError) as forbidden:
        connector.deliver(_reply(mention.id, "two"))
    assert forbidden.value.permanent is True
    with pytest.raises(ChannelError, match="not a tweet id") as bad:
        connector.deliver(_reply("abc", "three"))
    assert bad.value.permanent is True
    assert fake.posted == []


# --- set-up ---------------------------------------------------------------------------------
def test_spec_and_configuration() -> None:
    assert registry.spec("twitter") is SPEC
    assert (SPEC.char_limit, SPEC.can_reply, SPEC.lookup) == (280, True, "search")
    assert [(f.name, f.required, f.secret) for f in SPEC.fields] == [
        ("api_base", False, False),
        ("user_id", False, False),
        ("bearer_token", True, True),
    ]
    with pytest.raises(NotConfigured, match="Access token is not set"):
        registry.create("twitter", INFO, {}, {})
    with pytest.raises(NotConfigured, match="not a number"):
        registry.create("twitter", INFO, {"user_id": "@acme"}, {"bearer_token": "t"})


def test_comparable_text_matches_what_x_serves() -> None:
    assert comparable("Hi &amp; bye https://t.co/AbC") == comparable("Hi & bye  https://x.io/a")
    assert comparable("Hi") != comparable("Hi!")
    assert snowflake(NOW) != snowflake(NOW + 1)
