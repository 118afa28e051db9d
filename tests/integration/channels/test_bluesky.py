"""The Bluesky connector against a fake PDS speaking real HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.bluesky import NOW, clock, make, reply_to
from tests.support.fakes.bluesky import FakeBluesky
from webcare.channels import bluesky
from webcare.channels.errors import AuthFailed, ChannelError, RateLimited

S32 = "234567abcdefghijklmnopqrstuvwxyz"


@pytest.fixture
def fake() -> Iterator[FakeBluesky]:
    with FakeBluesky(clock=clock) as server:
        yield server


@pytest.fixture
def connector(fake: FakeBluesky) -> Iterator[bluesky.BlueskyConnector]:
    conn = make(fake)
    yield conn
    conn.close()


def decode_tid(value: str) -> tuple[int, int]:
    number = 0
    for ch in value:
        number = number * 32 + S32.index(ch)
    return number >> 10, number & 1023


def cursor_of(batch_cursor: str | None) -> dict[str, Any]:
    assert batch_cursor is not None
    data = json.loads(batch_cursor)
    assert isinstance(data, dict)
    return data


def test_fetch_keeps_mentions_and_replies_and_maps_them(
    fake: FakeBluesky, connector: bluesky.BlueskyConnector
) -> None:
    root = fake.add_mention("Hoi @brand.bsky.social, mijn pakket?", followers=7)
    fake.add_mention("leuk", handle="fan.bsky.social", reason="like")
    answer = fake.add_mention(
        "Nog steeds niet binnen",
        handle="piet.bsky.social",
        display_name=None,
        followers=1234,
        reason="reply",
        reply_to=root,
        langs=["en", "nl"],
        created_at=NOW - 50,
    )
    follow = fake.add_mention("", handle="new.bsky.social", reason="follow")
    [batch] = connector.fetch(None)
    assert batch.skipped == []
    assert batch.more is False
    assert [m.source_id for m in batch.mentions] == [root["uri"], answer["uri"]]
    first, second = batch.mentions
    assert first.text == "Hoi @brand.bsky.social, mijn pakket?"
    assert first.author.handle == "@jan.bsky.social"
    assert first.author.platform_user_id == root["author"]["did"]
    assert first.author.name == "Jan"
    assert first.author.followers == 7
    assert first.parent_source_id is None
    assert dict(first.meta) == {
        "cid": root["cid"],
        "root_uri": root["uri"],
        "root_cid": root["cid"],
    }
    rkey = answer["uri"].rsplit("/", 1)[-1]
    assert second.url == f"https://bsky.app/profile/piet.bsky.social/post/{rkey}"
    assert second.author.name is None
    assert second.author.followers == 1234
    assert second.created_at == NOW - 50
    assert second.parent_source_id == root["uri"]
    assert second.language == "en"
    assert dict(second.meta) == {
        "cid": answer["cid"],
        "root_uri": root["uri"],
        "root_cid": root["cid"],
    }
    assert cursor_of(batch.cursor) == {"t": follow["indexedAt"], "u": [follow["uri"]]}
    [profiles] = fake.calls("getProfiles")
    assert sorted(profiles.query["actors"]) == sorted(
        [root["author"]["did"], answer["author"]["did"]]
    )


def test_pages_back_to_the_high_water_mark_and_then_has_nothing_new(
    fake: FakeBluesky, connector: bluesky.BlueskyConnector
) -> None:
    fake.add_mention("oud")
    [first] = connector.fetch(None)
    news = [fake.add_mention(f"nieuw {i}", handle=f"u{i % 3}.bsky.social") for i in range(120)]
    [batch] = connector.fetch(first.cursor)
    assert [m.text for m in batch.mentions] == [f"nieuw {i}" for i in range(120)]
    assert batch.more is False
    assert cursor_of(batch.cursor) == {"t": news[-1]["indexedAt"], "u": [news[-1]["uri"]]}
    pages = [r.param("cursor") for r in fake.calls("listNotifications")]
    assert pages == [None, None, "71", "21"]  # first run, then 50 + 50 + the page with the mark
    [again] = connector.fetch(batch.cursor)
    assert again.mentions == []
    assert again.cursor == batch.cursor
    assert len(fake.calls("listNotifications")) == 5


def test_a_long_backlog_is_caught_up_without_a_gap(
    fake: FakeBluesky, connector: bluesky.BlueskyConnector
) -> None:
    fake.add_mention("start")
    [first] = connector.fetch(None)
    backlog = bluesky.MAX_PAGES * bluesky.PAGE_LIMIT + 30
    for i in range(backlog):
        fake.add_mention(f"b{i}")
    [capped] = connector.fetch(first.cursor)
    assert capped.more is True
    assert [m.text for m in capped.mentions] == [f"b{i}" for i in range(30, backlog)]
    fake.add_mention("tussendoor")  # arrives while catching up
    [caught_up] = connector.fetch(capped.cursor)
    assert [m.text for m in caught_up.mentions] == [f"b{i}" for i in range(30)]
    assert caught_up.more is False
    [newest] = connector.fetch(caught_up.cursor)
    assert [m.text for m in newest.mentions] == ["tussendoor"]
    [nothing] = connector.fetch(newest.cursor)
    assert nothing.mentions == []


def test_notifications_in_the_same_instant_are_not_lost(
    fake: FakeBluesky, connector: bluesky.BlueskyConnector
) -> None:
    fake.add_mention("a", indexed_at=NOW - 10)
    fake.add_mention("b", indexed_at=NOW - 10)
    [first] = connector.fetch(None)
    assert len(cursor_of(first.cursor)["u"]) == 2
    fake.add_mention("c", indexed_at=NOW - 10)
    [batch] = connector.fetch(first.cursor)
    assert [m.text for m in batch.mentions] == ["c"]


def test_malformed_entries_are_skipped_with_a_reason(
    fake: FakeBluesky, connector: bluesky.BlueskyConnector
) -> None:
    fake.add_mention("begin")
    [first] = connector.fetch(None)
    good = fake.add_mention("goed")
    fake.add_notification("junk")
    fake.add_notification({"uri": "at://x/app.bsky.feed.post/1", "indexedAt": "gisteren"})
    broken = fake.add_mention("kapot")
    del broken["author"]
    wrong = fake.add_mention("vreemd")
    wrong["record"]["reply"] = "not an object"
    last = fake.add_mention("ook goed")
    [batch] = connector.fetch(first.cursor)
    assert [m.source_id for m in batch.mentions] == [good["uri"], last["uri"]]
    assert len(batch.skipped) == 4
    assert "page 1, entry 5: not an object" in batch.skipped  # newest first: junk is 5th
    assert any(r.startswith("page 1, entry 4: no usable uri or indexedAt") for r in batch.skipped)
    assert f"notification {broken['uri']}: {broken['uri']}: no author" in batch.skipped
    assert any("record.reply is not an object" in r for r in batch.skipped)
    assert cursor_of(batch.cursor)["u"] == [last["uri"]]


def test_followers_are_best_effort(fake: FakeBluesky, connector: bluesky.BlueskyConnector) -> None:
    fake.add_mention("hallo")
    fake.fail_next(1, 502, path="getProfiles")
    [batch] = connector.fetch(None)
    assert [m.text for m in batch.mentions] == ["hallo"]
    assert batch.mentions[0].author.followers is None


def test_profiles_are_asked_25_at_a_time(
    fake: FakeBluesky, connector: bluesky.BlueskyConnector
) -> None:
    for i in range(30):
        fake.add_mention(f"m{i}", handle=f"p{i}.bsky.social", followers=i)
    [batch] = connector.fetch(None)
    assert [m.author.followers for m in batch.mentions] == list(range(30))
    assert [len(r.query["actors"]) for r in fake.calls("getProfiles")] == [25, 5]


def test_429_is_rate_limited_until_the_reset(
    fake: FakeBluesky, connector: bluesky.BlueskyConnector
) -> None:
    fake.rate_limit_next(30, path="listNotifications")
    with pytest.raises(RateLimited) as caught:
        connector.fetch(None)
    assert caught.value.retry_after_s == 30.0
    assert "Rate Limit Exceeded" in caught.value.message


def test_a_spent_quota_sets_the_batch_wait(
    fake: FakeBluesky, connector: bluesky.BlueskyConnector
) -> None:
    fake.rate_remaining = 0
    fake.rate_reset_in = 90
    [batch] = connector.fetch(None)
    assert batch.wait_s == 90.0


def test_a_wrong_password_is_auth_failed(fake: FakeBluesky) -> None:
    conn = make(fake, password="wrong")
    try:
        with pytest.raises(AuthFailed) as caught:
            conn.fetch(None)
    finally:
        conn.close()
    assert caught.value.status == 401
    assert "Invalid identifier or password" in caught.value.message


def test_a_server_error_is_transient(
    fake: FakeBluesky, connector: bluesky.BlueskyConnector
) -> None:
    fake.fail_next(1, 503, path="listNotifications")
    with pytest.raises(ChannelError) as caught:
        connector.fetch(None)
    assert type(caught.value) is ChannelError
    assert caught.value.permanent is False
    assert caught.value.status == 503
    [batch] = connector.fetch(None)
    assert batch.mentions == []


def test_an_expired_token_is_refreshed_once(
    fake: FakeBluesky, connector: bluesky.BlueskyConnector
) -> None:
    fake.add_mention("een")
    [first] = connector.fetch(None)
    fake.expire_access_tokens()
    fake.add_mention("twee")
    [second] = connector.fetch(first.cursor)
    assert [m.text for m in second.mentions] == ["twee"]
    assert (fake.create_session_calls, fake.refresh_calls) == (1, 1)
    fake.expire_access_tokens()
    fake.expire_refresh_tokens()  # the refresh fails too: log in again
    [third] = connector.fetch(second.cursor)
    assert third.mentions == []
    assert (fake.create_session_calls, fake.refresh_calls) == (2, 2)


def test_deliver_posts_a_threaded_reply_with_a_deterministic_key(
    fake: FakeBluesky, connector: bluesky.BlueskyConnector
) -> None:
    root = fake.add_mention("eerste")
    note = fake.add_mention("antwoord", handle="piet.bsky.social", reason="reply", reply_to=root)
    reply = reply_to(note, "Zié https://example.org/hulp. ^AB")
    delivered = connector.deliver(reply)
    [(rkey, stored)] = fake.records.items()
    assert decode_tid(rkey) == (round((NOW - 12.345678) * 1_000_000), decode_tid(rkey)[1])
    assert rkey == bluesky.reply_rkey(reply)
    assert delivered.platform_post_id == f"at://{fake.did}/app.bsky.feed.post/{rkey}"
    assert delivered.url == f"https://bsky.app/profile/brand.bsky.social/post/{rkey}"
    assert delivered.posted_at == NOW
    record = stored["value"]
    assert record["text"] == "Zié https://example.org/hulp. ^AB"
    assert record["createdAt"] == "2025-10-09T08:53:20.000Z"
    assert record["reply"] == {
        "root": {"uri": root["uri"], "cid": root["cid"]},
        "parent": {"uri": note["uri"], "cid": note["cid"]},
    }
    assert record["facets"] == [
        {
            "index": {"byteStart": 5, "byteEnd": 29},
            "features": [
                {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.org/hulp"}
            ],
        }
    ]
    other = bluesky.reply_rkey(reply_to(note, "x", reference="r-2"))
    assert other != rkey and decode_tid(other)[0] == decode_tid(rkey)[0]


def test_the_tid_encoding() -> None:
    assert bluesky.tid(0, 0) == "2222222222222"
    assert bluesky.tid(1, 1) == "2222222222323"  # 1 << 10 | 1 = 1025 = 32**2 + 1
    assert bluesky.tid(2**53 - 1, 1023) == "bzzzzzzzzzzzz"  # 63 bits: the top character holds 3
    assert decode_tid(bluesky.tid(1_700_000_000_123_456, 789)) == (1_700_000_000_123_456, 789)


def test_a_retry_after_success_never_posts_twice(
    fake: FakeBluesky, connector: bluesky.BlueskyConnector
) -> None:
    note = fake.add_mention("hallo")
    reply = reply_to(note, "Dank!")
    first = connector.deliver(reply)
    again = connector.deliver(reply)  # the PDS answers 500: the record exists; we look it up
    assert again.platform_post_id == first.platform_post_id
    fake.duplicate_error = "RecordAlreadyExists"  # the createRecord lexicon's error
    third = connector.deliver(reply)
    assert third.platform_post_id == first.platform_post_id
    fake.duplicate_error = "InvalidRequest"  # 400 "Record already exists: ..." in words
    fourth = connector.deliver(reply)
    assert fourth.platform_post_id == first.platform_post_id
    assert len(fake.posted) == 1
    assert len(fake.calls("createRecord")) == 4


@pytest.mark.parametrize("error", ["InvalidRequest", "RecordAlreadyExists"])
def test_an_existing_post_the_pds_cannot_show_yet_is_retried_not_failed(
    fake: FakeBluesky, connector: bluesky.BlueskyConnector, error: str
) -> None:
    note = fake.add_mention("hallo")
    reply = reply_to(note, "Dank!")
    first = connector.deliver(reply)
    fake.duplicate_error = error
    fake.stale_reads = 1  # getRecord reads a replica that has not got the post yet
    with pytest.raises(ChannelError) as caught:
        connector.deliver(reply)
    assert caught.value.permanent is False and caught.value.retry_after_s == 30.0
    assert "exists already" in caught.value.message
    assert "Record already exists" in caught.value.message
    found = connector.lookup(reply)  # what the outbox does before the retry
    assert found is not None and found.platform_post_id == first.platform_post_id
    assert len(fake.posted) == 1


def test_another_400_invalid_request_is_still_permanent(
    fake: FakeBluesky, connector: bluesky.BlueskyConnector
) -> None:
    note = fake.add_mention("hallo")
    fake.fail_next(
        1,
        400,
        body={"error": "InvalidRequest", "message": "Input/record must be an object"},
        path="createRecord",
    )
    with pytest.raises(ChannelError) as caught:
        connector.deliver(reply_to(note, "Hoi"))
    assert caught.value.permanent is True
    assert "Input/record must be an object" in caught.value.message
    assert fake.calls("getRecord") == []


def test_a_lost_ack_is_found_by_lookup_and_posted_once(
    fake: FakeBluesky, connector: bluesky.BlueskyConnector
) -> None:
    note = fake.add_mention("hallo")
    reply = reply_to(note, "We zijn ermee bezig.")
    assert connector.lookup(reply) is None
    fake.lose_next_ack()
    with pytest.raises(ChannelError) as caught:
        connector.deliver(reply)
    assert caught.value.permanent is False
    found = connector.lookup(reply)  # what the outbox does before a retry
    assert found is not None
    assert found.platform_post_id == next(iter(fake.records.values()))["uri"]
    assert found.posted_at == NOW
    assert connector.lookup(reply_to(note, "We zijn ermee bezig.", reference="r-9")) is None
    assert len(fake.posted) == 1


def test_a_platform_refusal_is_permanent_with_its_message(
    fake: FakeBluesky, connector: bluesky.BlueskyConnector
) -> None:
    note = fake.add_mention("hallo")
    fake.fail_next(
        1,
        400,
        body={"error": "InvalidRecord", "message": "Invalid app.bsky.feed.post record: nope"},
        path="createRecord",
    )
    with pytest.raises(ChannelError) as caught:
        connector.deliver(reply_to(note, "Hoi"))
    assert caught.value.permanent is True
    assert caught.value.status == 400
    assert "Invalid app.bsky.feed.post record: nope" in caught.value.message
    assert fake.posted == []


def test_too_long_is_refused_before_sending(
    fake: FakeBluesky, connector: bluesky.BlueskyConnector
) -> None:
    note = fake.add_mention("hallo")
    with pytest.raises(ChannelError) as caught:
        connector.deliver(reply_to(note, "a" * 301))
    assert caught.value.permanent is True
    assert "300" in caught.value.message
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 25 bytes
    with pytest.raises(ChannelError) as caught:
        connector.deliver(reply_to(note, family * 200))  # 200 graphemes, 5000 bytes
    assert caught.value.permanent is True
    assert "3000 bytes" in caught.value.message
    assert fake.calls("createRecord") == []


def test_300_emoji_graphemes_are_posted(
    fake: FakeBluesky, connector: bluesky.BlueskyConnector
) -> None:
    note = fake.add_mention("hallo")
    text = "1\ufe0f\u20e3" * 300  # 900 code points, 2100 bytes, 300 graphemes
    connector.deliver(reply_to(note, text))
    assert [r["value"]["text"] for r in fake.records.values()] == [text]
