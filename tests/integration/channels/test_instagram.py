"""The Instagram connector against a fake Instagram API speaking real HTTP (tests/support/fakes/
instagram.py), first on its own, then end to end through a real team server (uvicorn on
127.0.0.1, a real SQLite file) and a real ``webcare server`` process killed mid-delivery."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.channels import Agent, reply_state, rows
from tests.support.cli import run
from tests.support.connectors import build
from tests.support.fakes.graph import sign
from tests.support.fakes.instagram import (
    IG_USER_ID,
    SELF_SCOPED_ID,
    USERNAME,
    FakeInstagram,
)
from tests.support.fakes.mastodon import Request, Response
from tests.support.media import HTML, pdf, png
from tests.support.server import (
    PASSWORD,
    Api,
    TestServer,
    running_server,
    server_process,
    wait_until,
)
from webcare.channels import graph, instagram
from webcare.channels.base import ChannelInfo, IncomingMention, MediaRef, OutgoingReply
from webcare.channels.errors import ChannelError, MediaTooLarge, RateLimited
from webcare.domain.models import Role
from webcare.storage.server_schema import open_server_db

NOW = 1_790_000_000.0
INFO = ChannelInfo(kind="instagram", name="@webcarebv on Instagram", brand="Webcare")


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeInstagram]:
    with FakeInstagram(clock=clock) as server:
        server.push = False  # webhooks are read from the bodies here, not POSTed
        yield server


@pytest.fixture
def ig(fake: FakeInstagram, clock: Clock) -> Iterator[instagram.InstagramConnector]:
    conn = build(
        instagram.InstagramConnector,
        INFO,
        {"ig_user_id": IG_USER_ID, "base_url": fake.base_url, "api_version": "v25.0"},
        {"page_access_token": fake.token, "app_secret": fake.app_secret, "verify_token": "v-1"},
        clock=clock,
    )
    yield conn
    conn.close()


def captured(fake: FakeInstagram) -> list[bytes]:
    """The webhook bodies the fake made, in order (pushed or not)."""
    return fake.capture()


def reply_for(
    m: IncomingMention, text: str, *, reference: str = "r-1", private: bool = False,
    attempt: int = 0,
) -> OutgoingReply:  # fmt: skip
    return OutgoingReply(
        reference=reference,
        text=text,
        mention_source_id=m.source_id,
        author_handle=m.author.handle,
        accepted_at=NOW - 5,
        mention_url=m.url,
        mention_meta=dict(m.meta),
        private=private,
        attempt=attempt,
    )


def pushed(ig: instagram.InstagramConnector, bodies: list[bytes]) -> list[IncomingMention]:
    out: list[IncomingMention] = []
    for b in bodies:
        result = ig.complete_push(ig.parse_push(b))
        for batch in result.batches:
            out.extend(batch.mentions)
    return out


# --- webhooks ---------------------------------------------------------------------------------
def test_a_batched_signed_delivery_and_what_complete_push_adds(
    fake: FakeInstagram, ig: instagram.InstagramConnector
) -> None:
    bodies = captured(fake)
    post = fake.add_media("Nieuwe collectie! 🍂")
    jan, petra = fake.ig_user("jan_devries", "Jan de Vries"), fake.ig_user("petra", "Petra")
    other = fake.add_media("Mijn nieuwe jas van @webcarebv", by=petra)
    with fake.batched():
        top = fake.comment(post, "Wanneer in de winkel? @jan <3 50% korting?", by=jan)
        answer = fake.comment(top, "Ik wil het ook weten", by=petra)
        mention = fake.mention_in_comment(other, "@webcarebv is dit nog leverbaar?", by=jan)
        fake.mention_in_caption(other)
        dm = fake.dm_in("Hoi! Waar blijft mijn pakket?", by=jan)
    [delivery] = bodies
    assert b"\\u0040" in delivery and b"\\u003C" in delivery  # escaped as Meta does
    assert len(json.loads(delivery)["entry"]) == 5
    good = {"x-hub-signature-256": sign(fake.app_secret, delivery)}
    assert ig.authenticate_push(good, delivery)
    assert not ig.authenticate_push({"x-hub-signature-256": sign("x", delivery)}, delivery)
    assert not ig.authenticate_push({}, delivery)
    parsed = ig.parse_push(delivery)
    assert parsed.skipped == []
    result = ig.complete_push(parsed)
    by_id = {m.source_id: m for m in result.batches[0].mentions}
    assert set(by_id) == {top.id, answer.id, mention.id, other.id, dm.mid}
    assert by_id[top.id].text == "Wanneer in de winkel? @jan <3 50% korting?"
    assert by_id[answer.id].parent_source_id == top.id and by_id[answer.id].meta["top"] == top.id
    # the mention's text, time and post come from mentioned_comment; its commenter is unknown
    m = by_id[mention.id]
    assert (m.text, m.created_at, m.url) == (mention.text, int(mention.created), other.permalink)
    assert m.author.handle == instagram.UNKNOWN_AUTHOR and "pending" not in m.meta
    assert m.meta["kind"] == "mention" and m.meta["owner"] == "petra"
    caption = by_id[other.id]
    assert (caption.text, caption.author.handle, caption.meta["kind"]) == (
        "Mijn nieuwe jas van @webcarebv",
        "petra",
        "caption",
    )
    # a DM's sender: name, username and followers from the User Profile API
    d = by_id[dm.mid]
    assert (d.author.name, d.author.handle, d.author.followers) == ("Jan de Vries", "jan_devries",
                                                                    120)  # fmt: skip
    assert d.meta["window"] == "messaging" and d.created_at == int(dm.created * 1000) / 1000


def test_our_own_replies_and_echoes_never_become_mentions(
    fake: FakeInstagram, ig: instagram.InstagramConnector
) -> None:
    bodies = captured(fake)
    post = fake.add_media("Zondag open")
    jan = fake.ig_user()
    question = fake.comment(post, "Ook met Pasen?", by=jan)
    dm = fake.dm_in("Hallo?", by=jan)
    [first] = [m for m in pushed(ig, bodies) if m.source_id == question.id]
    answered = ig.deliver(reply_for(first, "Ja, van 12 tot 17 uur."))
    ig.deliver(reply_for(next(m for m in pushed(ig, bodies[1:2])), "Hoi Jan!"))
    echoes = bodies[2:]
    assert len(echoes) == 2
    own = json.loads(echoes[0])["entry"][0]["changes"][0]["value"]["from"]
    assert own == {"id": SELF_SCOPED_ID, "username": USERNAME}  # not the account id
    fresh = build(
        instagram.InstagramConnector,
        INFO,
        {"ig_user_id": IG_USER_ID, "base_url": fake.base_url},
        {"page_access_token": fake.token, "app_secret": fake.app_secret},
    )
    try:
        results = [fresh.complete_push(fresh.parse_push(b)) for b in echoes]
    finally:
        fresh.close()
    assert [r.batches for r in results] == [[], []]
    [sent] = results[1].receipts
    assert sent.status == "sent" and sent.platform_post_id == fake.dms_sent[-1]["mid"]
    assert answered.platform_post_id == fake.our_comments[0].id
    assert dm.mid not in {fake.dms_sent[-1]["mid"]}


def test_an_unanswered_mention_lookup_keeps_the_mention_with_the_reason(
    fake: FakeInstagram, ig: instagram.InstagramConnector
) -> None:
    bodies = captured(fake)
    other = fake.add_media("Bij @webcarebv gekocht", by=fake.ig_user("kees"))
    mention = fake.mention_in_comment(other, "@webcarebv help!", by=fake.ig_user())
    fake.fail_next(1, 500, path=f"/{IG_USER_ID}")
    [kept] = pushed(ig, bodies)
    assert kept.source_id == mention.id
    assert kept.text.startswith("[An @mention of the account in a comment; Instagram did not")
    assert "unexpected error" in kept.text and kept.meta["incomplete"] == "yes"
    assert kept.meta["comment"] == mention.id  # still answerable
    done = ig.deliver(reply_for(kept, "We helpen je graag! DM ons je ordernummer."))
    assert fake.mentioned[mention.id].answers == [done.platform_post_id]


# --- media ------------------------------------------------------------------------------------
def test_a_dm_s_files_are_fetched_from_meta_s_cdn_without_the_token(
    fake: FakeInstagram, ig: instagram.InstagramConnector
) -> None:
    bodies = captured(fake)
    image = fake.attachment("image", png(120, 90), "image/png")
    video = fake.attachment("video", b"\0\0\0\x18ftypmp42" + b"\0" * 40_000, "video/mp4")
    streamed = fake.attachment("file", pdf() + b"\n" * 50_000, "application/pdf",
                               name="factuur.pdf", announce=False)  # fmt: skip
    dm = fake.dm_in("Zo kwam de doos aan", attachments=[image, video, streamed])
    [mention] = pushed(ig, bodies)
    assert mention.text == "Zo kwam de doos aan\n[image]\n[video]\n[file]"
    assert [(r.kind, r.ref) for r in mention.media] == [
        ("image", image.url), ("video", video.url), ("document", streamed.url),
    ]  # fmt: skip
    assert "/ig_messaging_cdn/?asset_id=" in image.url
    blob = ig.fetch_media(mention.media[0], max_bytes=1024 * 1024)
    assert (blob.data, blob.mime) == (image.data, "image/png")
    # the address is signed: the Page token never goes with it
    [asked] = fake.file_requests
    assert "authorization" not in asked.headers and "access_token" not in asked.query
    # too large: refused by the announced length, or while reading one that announces none
    with pytest.raises(MediaTooLarge) as announced:
        ig.fetch_media(mention.media[1], max_bytes=10_000)
    assert announced.value.size == len(video.data)
    with pytest.raises(MediaTooLarge) as unannounced:
        ig.fetch_media(mention.media[2], max_bytes=10_000)
    assert unannounced.value.size is None
    assert ig.fetch_media(mention.media[2], max_bytes=1024 * 1024).data == streamed.data
    # the catch-up poll brings the same files, with the type, size and name Instagram lists
    [batch] = ig.fetch(None)
    [again] = [m for m in batch.mentions if m.source_id == dm.mid]
    assert [(r.kind, r.ref, r.mime, r.size, r.filename) for r in again.media] == [
        ("image", image.url, "image/png", len(image.data), None),
        ("video", video.url, "video/mp4", len(video.data), None),
        ("document", streamed.url, "application/pdf", len(streamed.data), "factuur.pdf"),
    ]  # fmt: skip
    # an expired address is a permanent failure that says what happened
    fake.expire_files()
    with pytest.raises(ChannelError) as expired:
        ig.fetch_media(mention.media[0], max_bytes=1024 * 1024)
    assert expired.value.permanent
    assert expired.value.message.startswith(
        "Instagram no longer serves this file (its address expired, or the message was"
        " deleted); it can still be seen in Instagram's own inbox."
    )
    # an address elsewhere than Meta's CDN is not fetched at all
    asked_before = len(fake.requests)
    with pytest.raises(ChannelError) as elsewhere:
        ig.fetch_media(MediaRef("image", "https://files.example.com/x.jpg"), max_bytes=1000)
    assert elsewhere.value.permanent
    assert "outside Meta's CDN (files.example.com)" in elsewhere.value.message
    assert len(fake.requests) == asked_before


# --- catch-up ---------------------------------------------------------------------------------
def test_catch_up_reads_comments_replies_and_conversations(
    fake: FakeInstagram, ig: instagram.InstagramConnector, clock: Clock
) -> None:
    jan = fake.ig_user()
    old = fake.add_media("Oud", created_at=NOW - 9 * 86400)
    fake.comment(old, "te oud", by=jan, created_at=NOW - 3 * 86400)
    late_on_old = fake.comment(old, "nog een vraag", by=jan, created_at=NOW - 100)
    post = fake.add_media("Nieuw", created_at=NOW - 3600)
    top = fake.comment(post, "Waar blijft mijn pakket?", by=jan, created_at=NOW - 600)
    answer = fake.comment(top, "Hetzelfde hier", by=fake.ig_user("petra"), created_at=NOW - 500)
    fake._ours(top, "Sorry, we zoeken het uit")  # the account's own answer
    dm = fake.dm_in("Is er iemand?", by=jan, created_at=NOW - 30)
    [batch] = ig.fetch(None)
    assert batch.skipped == []
    ids = [m.source_id for m in batch.mentions]
    assert ids == [top.id, answer.id, late_on_old.id, dm.mid]
    by_id = {m.source_id: m for m in batch.mentions}
    assert by_id[answer.id].parent_source_id == top.id
    assert by_id[top.id].url == post.permalink and by_id[top.id].created_at == int(top.created)
    assert by_id[dm.mid].author.handle == jan.username
    assert by_id[dm.mid].meta == {"kind": "message", "igsid": jan.igsid, "window": "messaging"}
    assert json.loads(str(batch.cursor))["since"] == NOW
    assert fake.subscribed_fields == ["messages"]  # the app subscribed to the Page
    subscriptions = len(fake.calls("/subscribed_apps", "POST"))
    clock.now += 300
    newer = fake.comment(post, "Nog iets", by=jan)
    [again] = ig.fetch(batch.cursor)
    assert newer.id in [m.source_id for m in again.mentions]
    assert len(fake.calls("/subscribed_apps", "POST")) == subscriptions  # checked 6-hourly


def test_a_long_list_of_conversations_resumes_where_the_round_stopped(
    fake: FakeInstagram, ig: instagram.InstagramConnector
) -> None:
    fake.page_size = 2
    people = [fake.ig_user(f"klant{i}", f"Klant {i}") for i in range(20)]
    for i, p in enumerate(people):
        fake.dm_in(f"vraag {i}", by=p, created_at=NOW - 1000 + i)
    [first] = ig.fetch(None)
    assert first.more is True
    state = json.loads(str(first.cursor))
    assert "resume_conversations" in state and "access_token" not in state["resume_conversations"]
    [rest] = ig.fetch(first.cursor)
    assert rest.more is False
    texts = {m.text for m in first.mentions} | {m.text for m in rest.mentions}
    assert texts == {f"vraag {i}" for i in range(20)}


# --- replies ----------------------------------------------------------------------------------
def test_replies_to_comments_mentions_captions_and_dms_and_their_lookups(
    fake: FakeInstagram, ig: instagram.InstagramConnector
) -> None:
    bodies = captured(fake)
    jan, petra = fake.ig_user(), fake.ig_user("petra", "Petra")
    post = fake.add_media("bericht", created_at=NOW - 100)
    top = fake.comment(post, "vraag", by=jan, created_at=NOW - 50)
    answer = fake.comment(top, "nog een vraag", by=petra, created_at=NOW - 40)
    other = fake.add_media("Met @webcarebv op pad", by=petra, created_at=NOW - 30)
    mention = fake.mention_in_comment(other, "@webcarebv klopt dit?", by=jan, created_at=NOW - 20)
    fake.mention_in_caption(other)
    dm = fake.dm_in("Hoi", by=jan, created_at=NOW - 10)
    by_id = {m.source_id: m for m in pushed(ig, bodies)}
    # a reply to a reply goes to the top-level comment (Instagram keeps two levels)
    done = ig.deliver(reply_for(by_id[answer.id], "Sorry Petra, we zoeken het uit."))
    made = fake.ig_comments[done.platform_post_id]
    assert made.parent_id == top.id and done.url == post.permalink
    found = ig.lookup(reply_for(by_id[answer.id], " Sorry  Petra, we zoeken het uit."))
    assert found is not None and found.platform_post_id == done.platform_post_id
    assert ig.lookup(reply_for(by_id[answer.id], "Iets anders")) is None
    # an @mention in a comment on someone else's post, and in a caption
    m_done = ig.deliver(reply_for(by_id[mention.id], "Ja, dat klopt!"))
    assert fake.mentioned[mention.id].answers == [m_done.platform_post_id]
    assert fake.ig_comments[m_done.platform_post_id].parent_id == mention.id
    m_found = ig.lookup(reply_for(by_id[mention.id], "Ja, dat klopt!"))
    assert m_found is not None and m_found.platform_post_id == m_done.platform_post_id
    c_done = ig.deliver(reply_for(by_id[other.id], "Mooie foto, Petra!"))
    assert fake.ig_comments[c_done.platform_post_id].media_id == other.id
    c_found = ig.lookup(reply_for(by_id[other.id], "Mooie foto, Petra!"))
    assert c_found is not None and c_found.platform_post_id == c_done.platform_post_id
    assert ig.lookup(reply_for(by_id[other.id], "Niet gepost")) is None
    # a DM: RESPONSE, found again in the conversation
    sent = ig.deliver(reply_for(by_id[dm.mid], "Bedankt voor je bericht"))
    assert fake.dms_sent[-1]["messaging_type"] == "RESPONSE"
    assert fake.dms_sent[-1]["recipient"] == {"id": jan.igsid}
    dm_found = ig.lookup(reply_for(by_id[dm.mid], "Bedankt voor je bericht"))
    assert dm_found is not None and dm_found.platform_post_id == sent.platform_post_id
    # privately, once per comment; a retry that meets "already replied" was ours
    private = ig.deliver(reply_for(by_id[top.id], "Stuur je ordernummer?", private=True))
    assert fake.ig_private_replies[top.id] == private.platform_post_id
    with pytest.raises(ChannelError) as twice:
        ig.deliver(reply_for(by_id[top.id], "Nog eens", reference="r-2", private=True))
    assert twice.value.permanent and "allows only one" in twice.value.message
    again = ig.deliver(reply_for(by_id[top.id], "Stuur je ordernummer?", private=True, attempt=1))
    assert again.platform_post_id == f"unknown:private-reply:{top.id}"
    with pytest.raises(ChannelError, match="only to a comment on the account's own post"):
        ig.deliver(reply_for(by_id[mention.id], "privé", private=True))


def test_refusals_in_meta_s_words(
    fake: FakeInstagram, ig: instagram.InstagramConnector, clock: Clock
) -> None:
    bodies = captured(fake)
    jan = fake.ig_user()
    fake.dm_in("Hoi", by=jan, created_at=NOW - 25 * 3600)
    [late] = pushed(ig, bodies)
    for subcode in (2018278, 2534022):
        fake.window_subcode = subcode
        with pytest.raises(ChannelError) as refused:
            ig.deliver(reply_for(late, "Sorry voor de late reactie"))
        assert refused.value.permanent and "24 hours" in refused.value.message
        assert f"10/{subcode}" in refused.value.message
    fake.dm_in("Nog steeds?", by=jan)
    with pytest.raises(ChannelError) as long_:
        ig.deliver(reply_for(late, "é" * 501))  # 1002 bytes
    assert long_.value.permanent and "1000 bytes" in long_.value.message
    post = fake.add_media("p")
    hidden = fake.comment(post, "verborgen", by=jan)
    fake.ig_comments[hidden.id].hidden = True
    [*_, m_hidden] = pushed(ig, bodies)
    with pytest.raises(ChannelError) as not_on_hidden:
        ig.deliver(reply_for(m_hidden, "antwoord"))
    assert not_on_hidden.value.permanent and "hidden comment" in not_on_hidden.value.message
    fake.ig_comments[hidden.id].deleted = True
    with pytest.raises(ChannelError) as gone:
        ig.deliver(reply_for(m_hidden, "antwoord"))
    assert gone.value.permanent and "100/33" in gone.value.message


def test_expired_tokens_say_what_the_admin_must_do(
    fake: FakeInstagram, ig: instagram.InstagramConnector
) -> None:
    fake.expire_token(463)
    with pytest.raises(graph.TokenError) as expired:
        ig.fetch(None)
    assert expired.value.permanent and "Instagram no longer accepts" in expired.value.message
    assert "190/463" in expired.value.message
    assert "A long-lived Page token or a system user's token does not expire" in (
        expired.value.message
    )
    fake.expire_token(458)
    with pytest.raises(graph.TokenError, match="connect the Page to the app again"):
        ig.fetch(None)


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80002])
def test_rate_limits_back_off_as_the_usage_headers_say(
    fake: FakeInstagram, ig: instagram.InstagramConnector, code: int
) -> None:
    fake.throttle_next(code, regain_minutes=4 if code == 80002 else 0)
    with pytest.raises(RateLimited) as limited:
        ig.fetch(None)
    assert not limited.value.permanent and f"code {code}" in limited.value.message
    assert limited.value.retry_after_s == (240.0 if code == 80002 else 600.0)
    fake.usage = {"call_count": 95, "total_cputime": 10, "total_time": 10}
    [batch] = ig.fetch(None)
    assert batch.wait_s == 120.0  # near the limit: slow down before Meta says stop


def test_a_lost_answer_is_found_instead_of_posted_again(
    fake: FakeInstagram, ig: instagram.InstagramConnector
) -> None:
    post = fake.add_media("bericht", created_at=NOW - 100)
    fake.comment(post, "vraag", by=fake.ig_user(), created_at=NOW - 50)
    [batch] = ig.fetch(None)
    fake.lose_next_ack()
    with pytest.raises(ChannelError) as lost:
        ig.deliver(reply_for(batch.mentions[0], "Antwoord"))
    assert not lost.value.permanent
    assert len(fake.our_comments) == 1  # posted: a retry looks it up first
    found = ig.lookup(reply_for(batch.mentions[0], "Antwoord", attempt=1))
    assert found is not None and found.platform_post_id == fake.our_comments[0].id


def test_hiding_a_comment(fake: FakeInstagram, ig: instagram.InstagramConnector) -> None:
    post = fake.add_media("bericht", created_at=NOW - 100)
    spam = fake.comment(post, "Gratis volgers op spam.example", by=fake.ig_user("spammer"),
                        created_at=NOW - 50)  # fmt: skip
    [batch] = ig.fetch(None)
    [m] = batch.mentions
    ig.moderate(m.source_id, m.meta, "hide")
    assert fake.ig_comments[spam.id].hidden
    assert fake.calls(f"/{spam.id}", "POST")[-1].body == b"hide=true"
    ig.moderate(m.source_id, m.meta, "unhide")
    assert not fake.ig_comments[spam.id].hidden
    with pytest.raises(ChannelError) as not_ours:
        ig.moderate("1", {"kind": "mention"}, "hide")
    assert not_ours.value.permanent


# --- end to end through a real team server ----------------------------------------------------
@pytest.fixture
def live() -> Iterator[FakeInstagram]:
    with FakeInstagram() as server:
        yield server


@pytest.fixture
def srv(tmp_path: Path) -> Iterator[TestServer]:
    with running_server(tmp_path, delivery_base_s=0.05, channel_tick_s=0.05) as server:
        yield server


def instagram_channel(admin: Api, fake: FakeInstagram) -> dict[str, Any]:
    r = admin.post(
        "/v1/channels",
        json={
            "connector": "instagram",
            "name": "@webcarebv on Instagram",
            "brand": "Webcare",
            "config": {"ig_user_id": IG_USER_ID, "base_url": fake.base_url},
            "secrets": {"page_access_token": fake.token, "app_secret": fake.app_secret},
            "interval_s": 86_400,
        },
    )
    assert r.status_code == 201, r.text
    channel: dict[str, Any] = r.json()
    assert channel["hook_path"] == f"/v1/hooks/{channel['id']}"
    assert len(channel["generated_secrets"]["verify_token"]) >= 24
    fake.webhook_url = admin.base_url + channel["hook_path"]
    return channel


def by_source(srv: TestServer, source_id: str) -> list[dict[str, Any]]:
    return rows(srv, "SELECT * FROM mentions WHERE source_id = ?", source_id)


def arrived(srv: TestServer, source_id: str, timeout: float = 10) -> dict[str, Any]:
    assert wait_until(lambda: bool(by_source(srv, source_id)), timeout), source_id
    return by_source(srv, source_id)[0]


def settled(srv: TestServer, fake: FakeInstagram) -> None:
    assert fake.wait_webhooks()
    assert wait_until(lambda: not rows(srv, "SELECT 1 FROM push_deliveries WHERE state='queued'"))


def test_a_webhook_comment_is_one_mention_however_often_it_comes(
    srv: TestServer, live: FakeInstagram
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    channel = instagram_channel(admin, live)
    post = live.add_media("Onze nieuwe winkel in Utrecht!")
    jan = live.ig_user("jan_devries")
    comment = live.comment(post, "Is er ook parkeerplaats? 🚗", by=jan)
    stored = arrived(srv, comment.id)
    assert stored["text"] == "Is er ook parkeerplaats? 🚗"
    assert json.loads(stored["meta"])["kind"] == "comment"
    # Meta delivers it again, and the catch-up poll brings it too
    body = next(d.body for d in live.deliveries if comment.id.encode() in d.body)
    assert live.post_now(body).status_code == 200
    assert admin.post(f"/v1/channels/{channel['id']}/fetch").status_code == 202
    assert wait_until(lambda: len(live.calls(f"/{IG_USER_ID}/media")) >= 2, 10)
    settled(srv, live)
    time.sleep(0.3)
    assert len(by_source(srv, comment.id)) == 1
    # out of order: an answer delivered before the comment it answers still threads under it
    live.push = False
    first = live.comment(post, "Vraag over openingstijden", by=jan)
    second = live.comment(first, "Ik wil het ook weten", by=live.ig_user("petra"))
    live.push = True
    for c in (second, first):
        assert live.post_now(
            json.dumps({"object": "instagram", "entry": [{"id": IG_USER_ID,
                        "time": int(c.created), "changes": [{"field": "comments",
                        "value": live.comment_value(c)}]}]}).encode()
        ).status_code == 200  # fmt: skip
    threaded = arrived(srv, second.id)
    parent = arrived(srv, first.id)
    assert wait_until(lambda: by_source(srv, second.id)[0]["parent_mention_id"] == parent["id"])
    assert threaded["source_id"] == second.id


def test_a_mention_elsewhere_is_answered_once_on_that_post(
    srv: TestServer, live: FakeInstagram
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    instagram_channel(admin, live)
    eva = Agent(srv.user("eva"))
    petra = live.ig_user("petra")
    other = live.add_media("Mijn outfit van vandaag", by=petra)
    mention = live.mention_in_comment(other, "@webcarebv hebben jullie deze in maat M?", by=petra)
    stored = arrived(srv, mention.id)
    assert stored["text"] == "@webcarebv hebben jullie deze in maat M?"  # asked, not pushed
    assert stored["url"] == other.permalink
    result = eva.reply(stored["id"], "Ja! Kijk op onze site. ^Eva")
    assert result["outcome"] == "accepted", result
    assert wait_until(lambda: reply_state(srv, result["entity_id"])["delivery_state"] == "sent")
    assert fake_answers(live, mention.id) == 1
    settled(srv, live)
    time.sleep(0.3)
    assert fake_answers(live, mention.id) == 1
    assert len(rows(srv, "SELECT 1 FROM mentions")) == 1


def fake_answers(fake: FakeInstagram, key: str) -> int:
    return len(fake.mentioned[key].answers)


def test_a_public_reply_is_posted_once_although_its_answer_was_lost(
    srv: TestServer, live: FakeInstagram
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    instagram_channel(admin, live)
    eva = Agent(srv.user("eva"))
    post = live.add_media("Nieuwe tarieven")
    question = arrived(srv, live.comment(post, "Wat kost het?", by=live.ig_user()).id)
    live.lose_next_ack()  # Instagram makes the comment, its answer never reaches us
    reply_id = eva.reply(question["id"], "Dat staat in de bio. ^Eva")["entity_id"]
    assert wait_until(lambda: reply_state(srv, reply_id)["delivery_state"] == "sent", 15)
    [ours] = live.our_comments
    assert ours.parent_id == question["source_id"] and ours.text == "Dat staat in de bio. ^Eva"
    row = reply_state(srv, reply_id)
    assert (row["platform_post_id"], row["delivery_attempts"]) == (ours.id, 2)
    settled(srv, live)  # our own comment came back by webhook: no new mention
    time.sleep(0.3)
    assert len(live.our_comments) == 1
    assert rows(srv, "SELECT source_id FROM mentions") == [{"source_id": question["source_id"]}]
    audit = [json.loads(a["detail"]) for a in rows(
        srv, "SELECT detail FROM audit WHERE action = 'reply.delivered'")]  # fmt: skip
    assert audit == [{"post_id": ours.id, "found_by_lookup": True}]


def test_a_dm_inside_the_window_is_sent_and_read_and_outside_it_refused(
    srv: TestServer, live: FakeInstagram
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    instagram_channel(admin, live)
    eva = Agent(srv.user("eva"))
    jan = live.ig_user("jan_devries", "Jan de Vries")
    now = time.time()
    old = arrived(srv, live.dm_in("Hallo?", by=jan, created_at=now - 26 * 3600).mid)
    detail = eva.detail(old["id"])
    assert detail["mention"]["reply_window_remaining_s"] == 0
    refused = eva.reply(old["id"], "Sorry voor het wachten")
    assert (refused["outcome"], refused["reason"]) == ("rejected", "outside_window")
    assert refused["message"] == (
        "The customer last wrote 26 h ago; Instagram only accepts a reply to a direct message"
        " within 24 hours of the customer's last message."
    )
    assert live.dms_sent == []
    contact = rows(srv, "SELECT * FROM contacts WHERE id = ?", old["contact_id"])[0]
    assert (contact["name"], contact["handle"]) == ("Jan de Vries", "jan_devries")
    # Jan writes again: the window is open for 24 h from his new message
    new = arrived(srv, live.dm_in("Nog steeds geen antwoord", by=jan).mid)
    left = eva.detail(new["id"])["mention"]["reply_window_remaining_s"]
    assert 23.9 * 3600 < left <= 24 * 3600
    too_long = eva.reply(new["id"], "é" * 501)  # 1002 bytes: Instagram's DMs take 1000
    assert (too_long["outcome"], too_long["reason"]) == ("rejected", "too_long")
    assert "1002 bytes long; Instagram allows 1000 bytes" in too_long["message"]
    reply_id = eva.reply(new["id"], "Sorry Jan, je pakket komt morgen. ^Eva")["entity_id"]
    assert wait_until(lambda: reply_state(srv, reply_id)["platform_status"] == "sent", 10)
    [sent] = live.dms_sent
    assert sent["messaging_type"] == "RESPONSE" and sent["recipient"] == {"id": jan.igsid}
    assert reply_state(srv, reply_id)["platform_post_id"] == sent["mid"]
    live.seen(jan, at=time.time() + 1)
    assert wait_until(lambda: reply_state(srv, reply_id)["platform_status"] == "read", 10)
    # a comment has no window
    comment = arrived(srv, live.comment(live.add_media("p"), "vraag", by=jan).id)
    assert eva.detail(comment["id"])["mention"]["reply_window_remaining_s"] is None


def test_a_comment_has_one_private_reply_and_then_the_agent_is_sent_to_the_dms(
    srv: TestServer, live: FakeInstagram
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    instagram_channel(admin, live)
    eva = Agent(srv.user("eva"))
    jan = live.ig_user("jan_devries")
    question = arrived(srv, live.comment(live.add_media("Actie!"), "Mijn ordernummer?", by=jan).id)
    first = eva.reply(question["id"], "Stuur het ons in een bericht? ^Eva", private=True)
    assert first["outcome"] == "accepted", first
    assert wait_until(lambda: reply_state(srv, first["entity_id"])["delivery_state"] == "sent", 10)
    assert (
        live.ig_private_replies[question["source_id"]]
        == (reply_state(srv, first["entity_id"])["platform_post_id"])
    )
    assert live.our_comments == []  # nothing public
    second = eva.reply(question["id"], "Nog een keer privé", private=True)
    assert (second["outcome"], second["reason"]) == ("rejected", "invalid")
    assert second["message"] == (
        "Instagram allows one private reply per comment, and this one has it. Answer publicly,"
        " or in a direct message once the customer writes back."
    )
    assert len(live.dms_sent) == 1


def test_on_a_real_server_a_dm_s_files_are_fetched_kept_and_served(
    tmp_path: Path, live: FakeInstagram
) -> None:
    with running_server(tmp_path, channel_tick_s=0.05, media_max_bytes=1024 * 1024,
                        media_retry_base_s=0.05) as server:  # fmt: skip
        admin = server.user("anna", Role.ADMIN)
        instagram_channel(admin, live)
        eva = server.user("eva")
        image = live.attachment("image", png(200, 100), "image/png")
        big = live.attachment("video", b"\0\0\0\x18ftypmp42" + b"\0" * (2 * 1024 * 1024),
                              "video/mp4")  # fmt: skip
        lying = live.attachment("image", HTML, "image/jpeg")  # a page, not a photo
        dm = live.dm_in("Zo kwam de doos aan", attachments=[image, big, lying])
        stored = arrived(server, dm.mid)

        def media() -> list[dict[str, Any]]:
            found: list[dict[str, Any]] = eva.get(f"/v1/mentions/{stored['id']}").json()[
                "mention"]["media"]  # fmt: skip
            return found

        assert wait_until(lambda: len(media()) == 3
                          and all(m["state"] != "pending" for m in media()), 15)  # fmt: skip
        photo, video, page = media()
        assert (photo["kind"], photo["state"], photo["mime"], photo["size"]) == (
            "image", "stored", "image/png", len(image.data),
        )  # fmt: skip
        served = eva.get(f"/v1/media/{photo['id']}")
        assert served.status_code == 200 and served.content == image.data
        assert served.headers["content-type"] == "image/png"
        assert (video["kind"], video["state"]) == ("video", "refused")
        assert video["error"] == "2 MB is over the 1 MB limit."
        assert (page["state"], page["error"]) == (
            "refused", "The file is an HTML page, not an image.",
        )  # fmt: skip
        assert eva.get(f"/v1/media/{video['id']}").status_code == 404
        # the CDN addresses are the server's business: a client never sees them
        wire = json.dumps(eva.get(f"/v1/mentions/{stored['id']}").json())
        assert "ig_messaging_cdn" not in wire and live.token not in wire
        assert all("authorization" not in r.headers for r in live.file_requests)
        # the oversized video was refused by its announced length: never read to the end
        assert len(live.file_requests) == 3


def test_spam_hides_the_comment_on_instagram(srv: TestServer, live: FakeInstagram) -> None:
    admin = srv.user("anna", Role.ADMIN)
    instagram_channel(admin, live)
    eva = Agent(srv.user("eva"))
    post = live.add_media("Actie!")
    spam = arrived(srv, live.comment(post, "Gratis volgers!!", by=live.ig_user("spam")).id)
    assert eva.write(spam["id"], "set_status", status="spam")["outcome"] == "accepted"
    assert wait_until(lambda: live.ig_comments[spam["source_id"]].hidden, 10)
    assert wait_until(
        lambda: (
            eva.detail(spam["id"])["mention"]["platform_action"]
            == {"action": "hide", "state": "done", "error": None}
        ),
        10,
    )
    assert eva.write(spam["id"], "set_status", status="open")["outcome"] == "accepted"
    assert wait_until(lambda: not live.ig_comments[spam["source_id"]].hidden, 10)
    # a mention on someone else's post cannot be hidden: marking it spam asks nothing of Meta
    other = live.add_media("x", by=live.ig_user("kees"))
    mention = arrived(srv, live.mention_in_comment(other, "@webcarebv koop nu", by=live.ig_user(
        "spam")).id)  # fmt: skip
    calls = len(live.requests)
    eva.write(mention["id"], "set_status", status="spam")
    time.sleep(0.5)
    assert eva.detail(mention["id"])["mention"]["platform_action"] is None
    assert not [r for r in live.requests[calls:] if "hide" in r.query]


def test_a_dead_token_is_the_channels_error_with_advice(
    srv: TestServer, live: FakeInstagram
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    channel = instagram_channel(admin, live)
    eva = Agent(srv.user("eva"))
    mention = arrived(srv, live.dm_in("Hallo?", by=live.ig_user()).mid)
    live.expire_token(463)
    reply_id = eva.reply(mention["id"], "Hoi! ^Eva")["entity_id"]

    def shown() -> str:
        listed = {c["id"]: c for c in admin.get("/v1/channels").json()}
        return str(listed[channel["id"]]["last_error"] or "")

    assert wait_until(lambda: "190/463" in shown(), 10)
    assert shown().startswith("Instagram no longer accepts the access token: The token has")
    assert "A long-lived Page token or a system user's token does not expire" in shown()
    assert reply_state(srv, reply_id)["delivery_state"] == "queued"  # waits for the admin
    live.token, live.token_errors = "a-new-page-token", {}
    r = admin.patch(
        f"/v1/channels/{channel['id']}", json={"secrets": {"page_access_token": live.token}}
    )
    assert r.status_code == 200, r.text
    assert wait_until(lambda: reply_state(srv, reply_id)["delivery_state"] == "sent", 10)
    assert len(live.dms_sent) == 1


def test_bad_signatures_and_bad_bodies_lose_nothing(srv: TestServer, live: FakeInstagram) -> None:
    admin = srv.user("anna", Role.ADMIN)
    instagram_channel(admin, live)
    good = json.dumps({"object": "instagram", "entry": []}).encode()
    assert live.post_now(good, signature="bad").status_code == 401
    assert live.post_now(good, signature=None).status_code == 401
    assert rows(srv, "SELECT 1 FROM push_deliveries") == []
    assert live.post_now(b'{"object": "page", "entry": []}').status_code == 200
    assert wait_until(lambda: rows(srv, "SELECT state, error FROM push_deliveries")
                      == [{"state": "failed", "error": "It could not be read: the body is not"
                           " a 'instagram' notification (object: 'page')."}])  # fmt: skip


# --- a real server process, killed between Instagram's write and our commit -------------------
class HoldingInstagram(FakeInstagram):
    """Makes the account's comment, then holds the answer until released (the ack in flight)."""

    def __init__(self) -> None:
        super().__init__()
        self.hold = False
        self.held = threading.Event()
        self.release = threading.Event()

    def answer(self, request: Request) -> Response | None:
        response = super().answer(request)
        if self.hold and request.method == "POST" and request.path.endswith("/replies"):
            self.hold = False
            self.held.set()
            self.release.wait(30)
            return None  # the server is gone by now
        return response


def _replies(url: str, mention_id: int) -> list[dict[str, Any]]:
    token = requests.post(
        url + "/v1/auth/login", json={"username": "eva", "password": PASSWORD}, timeout=20
    ).json()["token"]
    detail = requests.get(
        f"{url}/v1/mentions/{mention_id}", headers={"Authorization": f"Bearer {token}"}, timeout=20
    ).json()
    replies: list[dict[str, Any]] = detail["replies"]
    return replies


def test_a_comment_is_answered_once_when_the_server_is_killed_mid_delivery(
    tmp_path: Path,
) -> None:
    db = tmp_path / "team.db"
    with HoldingInstagram() as fake:
        fake.retry_delays = (0.0, 0.3, 1.0, 2.0)
        added = run("agent", "add", "eva", "--name", "Eva", "--signature", "^Eva",
                    "--password-stdin", "--db", str(db), stdin=PASSWORD + "\n")  # fmt: skip
        assert added.returncode == 0, added.stderr
        channel = run(
            "channel", "add", "--connector", "instagram", "--name", "@webcarebv on Instagram",
            "--brand", "Webcare", "--set", f"ig_user_id={IG_USER_ID}", "--set",
            f"base_url={fake.base_url}", "--secret", "page_access_token=env:WEBCARE_TEST_IG_TOKEN",
            "--secret", "app_secret=env:WEBCARE_TEST_IG_SECRET", "--db", str(db),
        )  # fmt: skip
        assert channel.returncode == 0, channel.stderr
        number = re.search(r"Added channel (\d+)", channel.stdout)
        assert number is not None, channel.stdout
        channel_id = int(number.group(1))
        verify = re.search(r"verify_token \(shown once[^)]*\): (\S+)", channel.stdout)
        assert verify is not None, channel.stdout
        assert f"https://<this server>/v1/hooks/{channel_id}" in channel.stdout
        env = {**os.environ, "WEBCARE_TEST_IG_TOKEN": fake.token,
               "WEBCARE_TEST_IG_SECRET": fake.app_secret}  # fmt: skip
        post = fake.add_media("Vanaf maandag nieuwe openingstijden!")
        with server_process(db, env=env) as (url, proc):
            hook = f"{url}/v1/hooks/{channel_id}"
            handshake = requests.get(hook, params={"hub.mode": "subscribe", "hub.challenge": "77",
                                                   "hub.verify_token": verify.group(1)},
                                     timeout=20)  # fmt: skip
            assert (handshake.status_code, handshake.text) == (200, "77")
            fake.webhook_url = hook
            comment = fake.comment(post, "Ook op zondag open?", by=fake.ig_user())
            login = {"username": "eva", "password": PASSWORD}
            token = requests.post(url + "/v1/auth/login", json=login, timeout=20).json()["token"]
            eva = Agent(Api(url, token))
            assert wait_until(lambda: bool(_mention_ids(db)), 20, 0.2)
            [mention_id] = _mention_ids(db)
            fake.hold = True
            assert eva.reply(mention_id, "Nee, zondag zijn we dicht. ^Eva")["outcome"] == "accepted"
            assert fake.held.wait(20), "the server never posted"
            proc.send_signal(signal.SIGKILL)  # killed while Instagram's answer is in flight
            proc.wait(10)
            fake.release.set()
        assert len(fake.our_comments) == 1
        with server_process(db, env=env) as (url, _proc):
            fake.webhook_url = f"{url}/v1/hooks/{channel_id}"
            assert wait_until(lambda: _replies(url, mention_id)[0]["delivery_state"] == "sent",
                              30, 0.2)  # fmt: skip
            [reply] = _replies(url, mention_id)
            time.sleep(1.0)
            assert len(fake.our_comments) == 1  # exactly once on Instagram
            posted = fake.our_comments[0]
            assert reply["platform_post_id"] == posted.id and posted.parent_id == comment.id
    database = open_server_db(db)
    try:
        with database.read() as conn:
            attempts = conn.execute("SELECT delivery_attempts FROM replies").fetchone()[0]
            detail = conn.execute(
                "SELECT detail FROM audit WHERE action = 'reply.delivered'"
            ).fetchone()[0]
    finally:
        database.close()
    assert attempts == 2 and json.loads(detail)["found_by_lookup"] is True


def _mention_ids(db: Path) -> list[int]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return [int(r[0]) for r in conn.execute("SELECT id FROM mentions ORDER BY id")]
    finally:
        conn.close()
