"""The Mastodon connector against a fake Mastodon server speaking real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.connectors import build
from tests.support.fakes.mastodon import FakeMastodon
from webcare.channels import mastodon
from webcare.channels.base import ChannelInfo, OutgoingReply
from webcare.channels.errors import AuthFailed, ChannelError, RateLimited

NOW = 1_760_000_000.0
INFO = ChannelInfo(kind="mastodon", name="@brand on Mastodon", brand="Brand", handle="@brand")
MENTION_HTML = (
    '<p><span class="h-card" translate="no"><a href="https://social.example/@brand"'
    ' class="u-url mention">@<span>brand</span></a></span> Mijn trein is te laat &amp; vol'
    '<br />Wat nu?</p><p>Zie <a href="https://example.org/x" rel="nofollow"><span'
    ' class="invisible">https://</span><span class="">example.org/x</span></a> &#8212; Jan</p>'
)


def clock() -> float:
    return NOW


@pytest.fixture
def fake() -> Iterator[FakeMastodon]:
    with FakeMastodon(clock=clock) as server:
        yield server


@pytest.fixture
def connector(fake: FakeMastodon) -> Iterator[mastodon.MastodonConnector]:
    conn = build(
        mastodon.MastodonConnector,
        INFO,
        {"base_url": fake.base_url},
        {"access_token": fake.token},
        clock=clock,
    )
    yield conn
    conn.close()


def reply_to(status: dict[str, object], text: str, reference: str = "r-1") -> OutgoingReply:
    account = status["account"]
    assert isinstance(account, dict)
    return OutgoingReply(
        reference=reference,
        text=text,
        mention_source_id=str(status["id"]),
        author_handle="@" + account["acct"],
        accepted_at=NOW - 5,
        mention_meta={"acct": account["acct"], "visibility": str(status["visibility"])},
    )


def test_fetch_maps_a_mention_to_plain_text(
    fake: FakeMastodon, connector: mastodon.MastodonConnector
) -> None:
    parent = fake.add_mention("<p>eerder</p>", acct="piet")
    note = fake.add_mention(
        MENTION_HTML,
        acct="jan@other.example",
        display_name="Jan Jansen",
        followers=321,
        in_reply_to_id=parent["status"]["id"],
        language="nl",
        created_at=NOW - 90,
    )
    [batch] = connector.fetch(None)
    assert batch.channel == INFO
    assert batch.skipped == []
    assert batch.more is False
    assert batch.cursor == note["id"]
    assert batch.wait_s is None
    mention = next(m for m in batch.mentions if m.source_id == note["status"]["id"])
    assert mention.text == (
        "@brand Mijn trein is te laat & vol\nWat nu?\n\nZie https://example.org/x \u2014 Jan"
    )
    assert "<" not in mention.text
    assert mention.author.platform_user_id == note["account"]["id"]
    assert mention.author.handle == "@jan@other.example"
    assert mention.author.name == "Jan Jansen"
    assert mention.author.followers == 321
    assert mention.created_at == NOW - 90
    assert mention.url == note["status"]["url"]
    assert mention.parent_source_id == parent["status"]["id"]
    assert mention.language == "nl"
    assert dict(mention.meta) == {"acct": "jan@other.example", "visibility": "public"}
    query = fake.calls("/api/v1/notifications")[0].query
    assert query["types[]"] == ["mention"]
    assert query["limit"] == ["40"]
    assert "min_id" not in query


def test_html_to_text_never_keeps_markup() -> None:
    text = mastodon.html_to_text(
        "<p>a<br>b<script>alert(1)</script></p><p><strong>c</strong>&nbsp;&lt;d&gt;</p>"
    )
    assert text == "a\nb\n\nc <d>"


def test_pages_forward_from_the_cursor_and_then_has_nothing_new(
    fake: FakeMastodon, connector: mastodon.MastodonConnector
) -> None:
    fake.add_mention("<p>oud</p>", created_at=NOW - 1000)
    [first] = connector.fetch(None)
    assert first.cursor == "99991"
    for i in range(95):  # ids cross from 99999 to 100000: compared as numbers, not text
        fake.add_mention(f"<p>nummer {i}</p>", created_at=NOW - 900 + i)
    [batch] = connector.fetch(first.cursor)
    assert [m.text for m in batch.mentions] == [f"nummer {i}" for i in range(95)]
    assert batch.cursor == "100086"
    assert batch.more is False
    min_ids = [r.param("min_id") for r in fake.calls("/api/v1/notifications")[1:]]
    assert min_ids == ["99991", "100031", "100071"]  # 40 + 40 + 15
    [again] = connector.fetch(batch.cursor)
    assert again.mentions == []
    assert again.cursor == "100086"


def test_a_long_backlog_is_fetched_in_capped_rounds(
    fake: FakeMastodon, connector: mastodon.MastodonConnector
) -> None:
    fake.add_mention("<p>start</p>")
    [first] = connector.fetch(None)
    for i in range(mastodon.MAX_PAGES * mastodon.PAGE_LIMIT + 7):
        fake.add_mention(f"<p>{i}</p>")
    [batch] = connector.fetch(first.cursor)
    assert len(batch.mentions) == mastodon.MAX_PAGES * mastodon.PAGE_LIMIT
    assert batch.more is True
    [rest] = connector.fetch(batch.cursor)
    assert [m.text for m in rest.mentions] == [str(200 + i) for i in range(7)]
    assert rest.more is False


def test_malformed_entries_are_skipped_with_a_reason(
    fake: FakeMastodon, connector: mastodon.MastodonConnector
) -> None:
    fake.add_mention("<p>begin</p>")
    [first] = connector.fetch(None)
    good = fake.add_mention("<p>goed</p>")
    no_account = fake.add_notification(
        {"type": "mention", "status": {"id": "77", "content": "<p>x</p>"}}
    )
    fake.add_notification("not an object")
    bad_time = fake.add_mention("<p>tijd</p>")
    bad_time["status"]["created_at"] = "gisteren"
    fake.add_notification({"type": "favourite", "status": None})
    last = fake.add_mention("<p>ook goed</p>")
    [batch] = connector.fetch(first.cursor)
    assert [m.text for m in batch.mentions] == ["goed", "ook goed"]
    assert batch.mentions[0].source_id == good["status"]["id"]
    assert len(batch.skipped) == 3
    assert f"notification {no_account['id']}: status 77 has no account" in batch.skipped
    assert any("no id" in reason for reason in batch.skipped)
    assert f"notification {bad_time['id']}: status {bad_time['status']['id']}: created_at" in (
        " ".join(batch.skipped)
    )
    assert batch.cursor == last["id"]


def test_429_is_rate_limited_until_the_reset(
    fake: FakeMastodon, connector: mastodon.MastodonConnector
) -> None:
    fake.rate_limit_next(42)
    with pytest.raises(RateLimited) as caught:
        connector.fetch(None)
    assert caught.value.retry_after_s == 42.0
    assert caught.value.status == 429
    assert "Too many requests" in caught.value.message
    fake.fail_next(1, 429, headers={"Retry-After": "17"})
    with pytest.raises(RateLimited) as again:
        connector.fetch(None)
    assert again.value.retry_after_s == 17.0


def test_a_spent_quota_sets_the_batch_wait(
    fake: FakeMastodon, connector: mastodon.MastodonConnector
) -> None:
    fake.rate_remaining = 0
    fake.rate_reset_in = 120
    [batch] = connector.fetch(None)
    assert batch.wait_s == 120.0


def test_a_wrong_token_is_auth_failed(fake: FakeMastodon) -> None:
    conn = build(
        mastodon.MastodonConnector,
        INFO,
        {"base_url": fake.base_url},
        {"access_token": "nope"},
        clock=clock,
    )
    try:
        with pytest.raises(AuthFailed) as caught:
            conn.fetch(None)
    finally:
        conn.close()
    assert caught.value.status == 401
    assert "The access token is invalid" in caught.value.message
    assert not caught.value.permanent


def test_a_server_error_is_transient(
    fake: FakeMastodon, connector: mastodon.MastodonConnector
) -> None:
    fake.add_mention("<p>na de storing</p>")
    fake.fail_next(1, 503)
    with pytest.raises(ChannelError) as caught:
        connector.fetch(None)
    assert type(caught.value) is ChannelError
    assert caught.value.status == 503
    assert caught.value.permanent is False
    # Mastodon sends its rate-limit reset (the end of its 5-minute window) with every answer:
    # with the quota left, a 503 says nothing about when to come back: the runner's backoff
    assert fake.rate_remaining > 0 and fake.rate_reset_in == 300.0
    assert caught.value.retry_after_s is None
    [batch] = connector.fetch(None)
    assert [m.text for m in batch.mentions] == ["na de storing"]
    # a Retry-After is followed; and with the quota spent as well, its reset is
    fake.fail_next(1, 503, headers={"Retry-After": "7"})
    with pytest.raises(ChannelError) as caught:
        connector.fetch(None)
    assert caught.value.retry_after_s == 7.0
    fake.rate_remaining = 0
    fake.fail_next(1, 503)
    with pytest.raises(ChannelError) as caught:
        connector.fetch(None)
    assert caught.value.retry_after_s == pytest.approx(300.0, abs=2.0)


def test_a_validation_error_is_permanent_with_the_platform_message(
    fake: FakeMastodon, connector: mastodon.MastodonConnector
) -> None:
    status = fake.add_mention("<p>hoi</p>")["status"]
    with pytest.raises(ChannelError) as caught:
        connector.deliver(reply_to(status, "x" * 501))
    assert caught.value.permanent is True
    assert caught.value.status == 422
    assert "Text character limit of 500 exceeded" in caught.value.message
    assert fake.posted == []


def test_deliver_posts_once_with_mention_visibility_and_key(
    fake: FakeMastodon, connector: mastodon.MastodonConnector
) -> None:
    status = fake.add_mention("<p>help</p>", acct="jan@other.example")["status"]
    delivered = connector.deliver(reply_to(status, "Sorry Jan, we kijken ernaar. ^AB"))
    assert len(fake.posted) == 1
    posted = fake.posted[0]
    assert delivered.platform_post_id == posted["id"]
    assert delivered.posted_at == NOW
    assert delivered.url == f"https://social.example/@brand/{posted['id']}"
    [request] = fake.calls("/api/v1/statuses", "POST")
    assert request.headers["idempotency-key"] == "r-1"
    assert request.json() == {
        "status": "@jan@other.example Sorry Jan, we kijken ernaar. ^AB",
        "in_reply_to_id": status["id"],
        "visibility": "unlisted",
    }
    assert posted["in_reply_to_id"] == status["id"]


def test_deliver_keeps_an_existing_mention_and_never_widens_visibility(
    fake: FakeMastodon, connector: mastodon.MastodonConnector
) -> None:
    status = fake.add_mention("<p>dm</p>", acct="piet", visibility="direct")["status"]
    connector.deliver(reply_to(status, "Hoi @Piet, stuur je nummer?"))
    [request] = fake.calls("/api/v1/statuses", "POST")
    assert request.json()["status"] == "Hoi @Piet, stuur je nummer?"
    assert request.json()["visibility"] == "direct"


def test_a_lost_ack_then_retry_posts_once_through_the_idempotency_key(
    fake: FakeMastodon, connector: mastodon.MastodonConnector
) -> None:
    status = fake.add_mention("<p>hallo</p>")["status"]
    reply = reply_to(status, "Dank je, opgelost!")
    fake.lose_next_ack()
    with pytest.raises(ChannelError) as caught:
        connector.deliver(reply)
    assert caught.value.permanent is False
    assert len(fake.posted) == 1  # it was posted, we just never heard
    delivered = connector.deliver(reply)
    assert len(fake.posted) == 1
    assert delivered.platform_post_id == fake.posted[0]["id"]
    assert len(fake.calls("/api/v1/statuses", "POST")) == 2


def test_lookup_finds_the_post_of_a_lost_ack_after_the_key_expired(
    fake: FakeMastodon, connector: mastodon.MastodonConnector
) -> None:
    status = fake.add_mention("<p>hallo</p>", acct="jan@other.example")["status"]
    other = fake.add_mention("<p>ik ook</p>", acct="piet")["status"]
    reply = reply_to(status, "Dank je,\nopgelost!")
    assert connector.lookup(reply) is None
    connector.deliver(reply_to(other, "Dank je,\nopgelost!", reference="r-other"))
    fake.lose_next_ack()
    with pytest.raises(ChannelError):
        connector.deliver(reply)
    fake.idempotency.clear()  # Mastodon keeps keys for an hour only
    found = connector.lookup(reply)
    assert found is not None
    assert found.platform_post_id == fake.posted[1]["id"]
    assert found.posted_at == NOW
    assert connector.lookup(reply_to(status, "Iets anders")) is None
    assert len(fake.posted) == 2
    assert len(fake.calls("/api/v1/accounts/verify_credentials")) == 1  # cached


def test_spec_and_create_check_the_settings() -> None:
    assert mastodon.SPEC.char_limit == 500
    assert mastodon.SPEC.lookup == "search"
    assert [f.name for f in mastodon.SPEC.fields] == ["base_url", "access_token", "visibility"]
    with pytest.raises(ChannelError, match="visibility"):
        build(
            mastodon.MastodonConnector,
            INFO,
            {"base_url": "https://x.example", "visibility": "loud"},
            {"access_token": "t"},
        )
