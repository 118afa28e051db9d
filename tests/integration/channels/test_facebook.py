"""The Facebook Page connector against a fake Graph API speaking real HTTP (tests/support/
fakes/graph.py): webhooks parsed as Meta sends them, the catch-up poll, replies in public,
in private and in Messenger, the errors Meta documents, lookups after a crash, hiding."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.channels import arrived, facebook_channel
from tests.support.connectors import build
from tests.support.fakes.graph import PAGE_ID, FakeGraph, sign
from tests.support.media import pdf, png
from tests.support.server import running_server, wait_until
from webcare.channels import facebook, graph
from webcare.channels.base import ChannelInfo, IncomingMention, MediaRef, OutgoingReply
from webcare.channels.errors import ChannelError, MediaTooLarge, RateLimited
from webcare.domain.models import Role

NOW = 1_790_000_000.0
INFO = ChannelInfo(kind="facebook", name="Webcare BV on Facebook", brand="Webcare")


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeGraph]:
    with FakeGraph(clock=clock) as server:
        server.push = False  # webhooks are read from the bodies here, not POSTed
        yield server


@pytest.fixture
def fb(fake: FakeGraph, clock: Clock) -> Iterator[facebook.FacebookConnector]:
    conn = build(
        facebook.FacebookConnector,
        INFO,
        {"page_id": PAGE_ID, "base_url": fake.base_url, "api_version": "v25.0"},
        {
            "page_access_token": fake.token,
            "app_secret": fake.app_secret,
            "verify_token": "verify-me",
        },
        clock=clock,
    )
    yield conn
    conn.close()


def captured(fake: FakeGraph) -> list[bytes]:
    """The webhook bodies the fake made, in order (pushed or not)."""
    bodies: list[bytes] = []

    def keep(body: bytes) -> None:
        bodies.append(body)

    fake.send_raw = keep  # type: ignore[method-assign]
    fake.push = True
    return bodies


def reply_for(
    m: IncomingMention,
    text: str,
    *,
    reference: str = "r-1",
    private: bool = False,
    attempt: int = 0,
) -> OutgoingReply:
    return OutgoingReply(
        reference=reference,
        text=text,
        mention_source_id=m.source_id,
        author_handle=m.author.handle,
        accepted_at=NOW - 5,
        mention_meta=dict(m.meta),
        private=private,
        attempt=attempt,
    )


def test_verify_subscription(fb: facebook.FacebookConnector) -> None:
    ok = {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"}
    assert fb.verify_subscription(ok) == "1158201444"
    assert fb.verify_subscription({**ok, "hub.verify_token": "nope"}) is None
    assert fb.verify_subscription({**ok, "hub.mode": "unsubscribe"}) is None
    assert fb.verify_subscription({**ok, "hub.challenge": ""}) is None


# --- webhooks ---------------------------------------------------------------------------------
def test_a_batched_delivery_becomes_mentions_and_receipts(
    fake: FakeGraph, fb: facebook.FacebookConnector
) -> None:
    bodies = captured(fake)
    post = fake.add_post("Onze winkel is zondag open.")
    jan, petra = fake.user("Jan de Vries"), fake.user("Petra Jansen")
    with fake.batched():
        top = fake.add_comment(post, "Mijn pakket is nog steeds niet aangekomen 😡", by=jan)
        answer = fake.add_comment(
            top, "@Jan hetzelfde hier", by=petra, photo="https://scontent.x/p.jpg"
        )
        dm = fake.add_message("Hebben jullie het blauwe model nog?", by=jan)
        fake.read_receipt(jan)
    [body] = bodies
    assert len(json.loads(body)["entry"]) == 4
    assert fb.authenticate_push({"x-hub-signature-256": sign(fake.app_secret, body)}, body)
    assert not fb.authenticate_push({"x-hub-signature-256": sign("other", body)}, body)
    assert not fb.authenticate_push({}, body)
    result = fb.parse_push(body)
    assert result.skipped == []
    [batch] = result.batches
    by_id = {m.source_id: m for m in batch.mentions}
    assert set(by_id) == {top.id, answer.id, dm.mid}
    first = by_id[top.id]
    assert first.text == "Mijn pakket is nog steeds niet aangekomen 😡"
    assert first.author.platform_user_id == jan.uid and first.author.name == "Jan de Vries"
    assert first.created_at == int(top.created)  # feed times are seconds
    assert first.parent_source_id == post.id
    assert first.meta["kind"] == "comment" and first.meta["top"] == top.id
    second = by_id[answer.id]
    assert second.parent_source_id == top.id  # threads under the comment it answers
    assert second.text.endswith("[photo]") and second.meta["top"] == top.id
    message = by_id[dm.mid]
    assert message.meta == {"kind": "message", "psid": jan.psid, "window": "messaging"}
    assert message.created_at == int(dm.created * 1000) / 1000  # messaging times are ms
    assert message.author.name is None  # Messenger says no name: complete_push asks
    completed = fb.complete_push(result)
    named = next(m for m in completed.batches[0].mentions if m.source_id == dm.mid)
    assert (named.author.name, named.author.handle) == ("Jan de Vries", "Jan de Vries")
    [read] = result.receipts
    assert (read.status, read.recipient) == ("read", jan.psid)


def test_own_comments_edits_reactions_and_unknown_fields_are_ignored(
    fb: facebook.FacebookConnector,
) -> None:
    page_own: dict[str, Any] = {
        "field": "feed",
        "value": {
            "item": "comment",
            "verb": "add",
            "comment_id": "1_2",
            "post_id": f"{PAGE_ID}_1",
            "parent_id": f"{PAGE_ID}_1",
            "from": {"id": PAGE_ID, "name": "Webcare BV"},
            "created_time": 1790000000,
            "message": "Bedankt!",
        },
    }
    edited = {
        "field": "feed",
        "value": {**page_own["value"], "verb": "edited", "from": {"id": "9", "name": "X"}},
    }
    reaction = {
        "field": "feed",
        "value": {
            "item": "reaction",
            "verb": "add",
            "reaction_type": "like",
            "post_id": "1",
            "from": {"id": "9"},
            "created_time": 1790000000,
        },
    }
    other = {"field": "ratings", "value": {"whatever": True}}
    broken = {
        "field": "feed",
        "value": {
            "item": "comment",
            "verb": "add",
            "from": {"id": "9"},
            "created_time": 1790000000,
        },
    }
    body = json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": PAGE_ID,
                    "time": 1790000000,
                    "changes": [page_own, edited, reaction, other, broken],
                },
                {
                    "id": PAGE_ID,
                    "time": 1790000000000,
                    "messaging": [
                        {
                            "sender": {"id": "7"},
                            "recipient": {"id": PAGE_ID},
                            "timestamp": 1790000000000,
                            "reaction": {"mid": "m_1", "action": "react", "emoji": "❤"},
                        },
                        {
                            "sender": {"id": "7"},
                            "recipient": {"id": PAGE_ID},
                            "timestamp": 1790000000000,
                            "postback": {"payload": "GET_STARTED"},
                        },
                        {
                            "sender": {"id": PAGE_ID},
                            "recipient": {"id": "7"},
                            "timestamp": 1790000000000,
                            "message": {
                                "mid": "m_2",
                                "is_echo": True,
                                "app_id": 263902037430900,
                                "text": "sent by hand in Meta's inbox",
                            },
                        },
                        {
                            "sender": {"id": "7"},
                            "recipient": {"id": PAGE_ID},
                            "timestamp": 1790000000000,
                            "message": {"mid": "m_3", "is_deleted": True},
                        },
                    ],
                },
                {"id": "999", "time": 1, "changes": []},
            ],
        }
    ).encode()
    result = fb.parse_push(body)
    assert result.batches == [] and result.receipts == []
    assert result.skipped == [
        "entry 0 change 4: a comment without comment_id",
        "entry 2: for page 999, not this channel's",
    ]
    for bad in (b"{not json", b"[]", b'{"object":"instagram","entry":[]}', b'{"object":"page"}'):
        with pytest.raises(ValueError, match="the body"):
            fb.parse_push(bad)


def test_echoes_and_deliveries_are_receipts(fb: facebook.FacebookConnector) -> None:
    body = json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": PAGE_ID,
                    "time": 1,
                    "messaging": [
                        {
                            "sender": {"id": PAGE_ID},
                            "recipient": {"id": "7"},
                            "timestamp": 1790000001000,
                            "message": {
                                "mid": "m_ours",
                                "is_echo": True,
                                "app_id": 1,
                                "metadata": "webcare:op-123",
                                "text": "Bedankt",
                            },
                        },
                        {
                            "sender": {"id": "7"},
                            "recipient": {"id": PAGE_ID},
                            "delivery": {"mids": ["m_ours"], "watermark": 1790000002000},
                        },
                    ],
                }
            ],
        }
    ).encode()
    echo, delivered, watermark = fb.parse_push(body).receipts
    assert (echo.status, echo.reference, echo.platform_post_id, echo.at) == (
        "sent",
        "op-123",
        "m_ours",
        1_790_000_001.0,
    )
    assert (delivered.status, delivered.platform_post_id) == ("delivered", "m_ours")
    assert (watermark.recipient, watermark.at) == ("7", 1_790_000_002.0)


# --- catch-up ---------------------------------------------------------------------------------
def test_catch_up_reads_comments_visitor_posts_and_messages(
    fake: FakeGraph, fb: facebook.FacebookConnector, clock: Clock
) -> None:
    jan = fake.user("Jan de Vries")
    old_post = fake.add_post("Oud bericht", created_at=NOW - 5 * 86400)
    fake.add_comment(old_post, "te oud", by=jan, created_at=NOW - 3 * 86400)
    post = fake.add_post("Nieuw bericht", created_at=NOW - 3600)
    top = fake.add_comment(post, "Waar blijft mijn pakket?", by=jan, created_at=NOW - 600)
    fake.add_comment(top, "Bedankt voor je geduld", created_at=NOW - 500)
    fake.comments[list(fake.comments)[-1]].author = dict(fake.page)  # the Page's own answer
    visitor = fake.add_post(
        "Wanneer gaat Utrecht open?", by=fake.user("Petra"), created_at=NOW - 60
    )
    dm = fake.add_message("Hallo, is er iemand?", by=jan, created_at=NOW - 30)
    [batch] = fb.fetch(None)
    assert batch.skipped == []
    assert [m.source_id for m in batch.mentions] == [top.id, visitor.id, dm.mid]
    message = batch.mentions[-1]
    assert message.author.name == "Jan de Vries" and message.meta["window"] == "messaging"
    assert batch.mentions[0].created_at == int(top.created)
    assert json.loads(str(batch.cursor))["since"] == NOW
    assert fake.subscribed_fields == facebook.SUBSCRIBED_FIELDS.split(",")
    # the next round: only what is new (the overlap brings known ids, stored once)
    clock.now += 300
    late = fake.add_comment(post, "Nog iets", by=jan)
    [again] = fb.fetch(batch.cursor)
    ids = [m.source_id for m in again.mentions]
    assert late.id in ids and old_post.id not in ids
    since = fake.calls("/feed")[-1].param("since")
    assert since == str(int(NOW - facebook.OVERLAP_S))


def test_a_long_backlog_resumes_where_the_round_stopped(
    fake: FakeGraph, fb: facebook.FacebookConnector, clock: Clock
) -> None:
    fake.page_size = 2
    jan = fake.user()
    posts = [fake.add_post(f"bericht {i}", created_at=NOW - 1000 + i) for i in range(20)]
    for p in posts:
        fake.add_comment(p, f"vraag bij {p.message}", by=jan, created_at=p.created + 1)
    [first] = fb.fetch(None)
    assert first.more is True
    state = json.loads(str(first.cursor))
    assert "resume_feed" in state and "access_token" not in state["resume_feed"]
    [rest] = fb.fetch(first.cursor)
    assert rest.more is False
    seen = {m.text for m in first.mentions} | {m.text for m in rest.mentions}
    assert seen == {f"vraag bij bericht {i}" for i in range(20)}
    assert json.loads(str(rest.cursor))["since"] == NOW


def test_an_empty_page_with_a_next_is_not_the_end(
    fake: FakeGraph, fb: facebook.FacebookConnector
) -> None:
    fake.empty_first_feed_page = True
    post = fake.add_post("bericht", created_at=NOW - 100)
    comment = fake.add_comment(post, "vraag", by=fake.user(), created_at=NOW - 50)
    [batch] = fb.fetch(None)
    assert comment.id in [m.source_id for m in batch.mentions]


# --- replies ----------------------------------------------------------------------------------
def test_public_reply_private_reply_and_messenger(
    fake: FakeGraph, fb: facebook.FacebookConnector
) -> None:
    jan = fake.user()
    post = fake.add_post("bericht", created_at=NOW - 100)
    top = fake.add_comment(post, "vraag", by=jan, created_at=NOW - 50)
    fake.add_comment(top, "nog een vraag", by=jan, created_at=NOW - 40)
    dm = fake.add_message("Hoi", by=jan, created_at=NOW - 30)
    [batch] = fb.fetch(None)
    m_top, m_answer, m_dm = batch.mentions
    # a public answer to a reply lands in the top-level comment's thread
    done = fb.deliver(reply_for(m_answer, "Sorry Jan, we zoeken het uit."))
    assert fake.comments[done.platform_post_id].parent_id == top.id
    assert done.url == f"https://www.facebook.com/{done.platform_post_id}"
    # the same reply is found again after a crash (under the top-level comment)
    found = fb.lookup(reply_for(m_answer, "Sorry  Jan, we zoeken het uit. "))
    assert found is not None and found.platform_post_id == done.platform_post_id
    assert fb.lookup(reply_for(m_answer, "Iets anders")) is None
    # privately: one per comment
    private = fb.deliver(reply_for(m_top, "Stuur je ordernummer?", private=True))
    assert fake.private_replies[top.id] == private.platform_post_id
    with pytest.raises(ChannelError) as twice:
        fb.deliver(reply_for(m_top, "Nog een keer", reference="r-2", private=True))
    assert twice.value.permanent and "allows only one" in twice.value.message
    again = fb.deliver(reply_for(m_top, "Stuur je ordernummer?", private=True, attempt=1))
    assert again.platform_post_id == f"unknown:private-reply:{top.id}"  # ours went out before
    assert fb.lookup(reply_for(m_top, "x", private=True, attempt=1)) is None
    # Messenger: RESPONSE with our reference in metadata
    sent = fb.deliver(reply_for(m_dm, "Bedankt voor je bericht", reference="op-9"))
    last = fake.sent_messages[-1]
    assert last["messaging_type"] == "RESPONSE"
    assert last["message"]["metadata"] == "webcare:op-9"
    assert last["recipient"] == {"id": jan.psid}
    found = fb.lookup(reply_for(m_dm, "Bedankt voor je bericht"))
    assert found is not None and found.platform_post_id == sent.platform_post_id
    assert dm.mid != sent.platform_post_id


def test_messenger_outside_the_window_and_other_refusals(
    fake: FakeGraph, fb: facebook.FacebookConnector, clock: Clock
) -> None:
    jan = fake.user()
    fake.add_message("Hoi", by=jan, created_at=NOW - 25 * 3600)
    [batch] = fb.fetch(json.dumps({"since": NOW - 30 * 3600}))
    [m] = batch.mentions
    with pytest.raises(ChannelError) as late:
        fb.deliver(reply_for(m, "Sorry voor de late reactie"))
    assert (
        late.value.permanent
        and "24 hours" in late.value.message
        and "2018278" in late.value.message
    )
    fake.add_message("Nog steeds?", by=jan)
    with pytest.raises(ChannelError) as long_:
        fb.deliver(reply_for(m, "x" * 2001))
    assert long_.value.permanent and "2000" in long_.value.message
    fake.block(jan)
    with pytest.raises(ChannelError) as blocked:
        fb.deliver(reply_for(m, "Hallo"))
    assert blocked.value.permanent and "isn't available" in blocked.value.message
    post = fake.add_post("p", created_at=NOW - 10 * 86400)
    old = fake.add_comment(post, "oud", by=fake.user("Piet"), created_at=NOW - 8 * 86400)
    [b2] = fb.fetch(json.dumps({"since": NOW - 9 * 86400}))
    old_m = next(x for x in b2.mentions if x.source_id == old.id)
    with pytest.raises(ChannelError) as week:
        fb.deliver(reply_for(old_m, "privé", private=True))
    assert week.value.permanent and "7 days" in week.value.message
    fake.comments[old.id].deleted = True
    with pytest.raises(ChannelError) as gone:
        fb.deliver(reply_for(old_m, "publiek"))
    assert gone.value.permanent and "100/33" in gone.value.message


def test_expired_tokens_say_what_the_admin_must_do(
    fake: FakeGraph, fb: facebook.FacebookConnector
) -> None:
    fake.expire_token(463)
    with pytest.raises(graph.TokenError) as expired:
        fb.fetch(None)
    assert expired.value.permanent and "190/463" in expired.value.message
    assert "long-lived Page token or a system user's token" in expired.value.message
    fake.expire_token(460)
    with pytest.raises(graph.TokenError) as password:
        fb.fetch(None)
    assert "changed their password" in password.value.message
    fake.token_errors.clear()
    fake.token = "another"
    with pytest.raises(graph.TokenError) as wrong:
        fb.fetch(None)
    assert "paste the Page access token again" in wrong.value.message


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80001])
def test_rate_limits_back_off_as_the_usage_headers_say(
    fake: FakeGraph, fb: facebook.FacebookConnector, code: int
) -> None:
    fake.throttle_next(code, regain_minutes=3 if code == 80001 else 0)
    with pytest.raises(RateLimited) as limited:
        fb.fetch(None)
    assert not limited.value.permanent
    assert f"code {code}" in limited.value.message
    assert limited.value.retry_after_s == (180.0 if code == 80001 else 600.0)
    fake.usage = {"call_count": 93, "total_cputime": 10, "total_time": 10}
    [batch] = fb.fetch(None)
    assert batch.wait_s == 120.0  # near the limit: slow down before Meta says stop


def test_a_transient_error_and_a_lost_answer(
    fake: FakeGraph, fb: facebook.FacebookConnector
) -> None:
    fake.fail_next(1, 500)
    with pytest.raises(ChannelError) as down:
        fb.fetch(None)
    assert not down.value.permanent and "unexpected error" in down.value.message
    jan = fake.user()
    post = fake.add_post("bericht", created_at=NOW - 100)
    fake.add_comment(post, "vraag", by=jan, created_at=NOW - 50)
    [batch] = fb.fetch(None)
    fake.lose_next_ack()
    with pytest.raises(ChannelError) as lost:
        fb.deliver(reply_for(batch.mentions[0], "Antwoord"))
    assert not lost.value.permanent
    assert len(fake.page_comments) == 1  # it was posted: a retry looks it up first
    assert fb.lookup(reply_for(batch.mentions[0], "Antwoord")) is not None


def test_hiding_a_comment(fake: FakeGraph, fb: facebook.FacebookConnector) -> None:
    post = fake.add_post("bericht", created_at=NOW - 100)
    spam = fake.add_comment(
        post, "Koop volgers op spam.example", by=fake.user("Spammer"), created_at=NOW - 50
    )
    [batch] = fb.fetch(None)
    [m] = batch.mentions
    fb.moderate(m.source_id, m.meta, "hide")
    assert fake.comments[spam.id].hidden
    fb.moderate(m.source_id, m.meta, "unhide")
    assert not fake.comments[spam.id].hidden
    with pytest.raises(ChannelError) as not_a_comment:
        fb.moderate("m_1", {"kind": "message"}, "hide")
    assert not_a_comment.value.permanent


# --- media ------------------------------------------------------------------------------------
def test_messenger_files_and_comment_photos_are_media_fetched_without_the_token(
    fake: FakeGraph, fb: facebook.FacebookConnector
) -> None:
    bodies = captured(fake)
    jan = fake.user("Jan de Vries")
    photo = fake.attachment("image", png(80, 60), "image/png")
    invoice = fake.attachment("file", pdf(), "application/pdf", name="factuur.pdf")
    on_comment = fake.attachment("image", png(30, 30), "image/png")
    with fake.batched():
        dm = fake.add_message("Zo kwam het binnen", by=jan, attachments=[photo, invoice])
        comment = fake.add_comment(fake.add_post("Actie!"), "Kapot!", by=jan, photo=on_comment)
    [body] = bodies
    by_id = {m.source_id: m for m in fb.parse_push(body).batches[0].mentions}
    message = by_id[dm.mid]
    assert message.text == "Zo kwam het binnen\n[image]\n[file]"
    assert [(r.kind, r.ref, r.filename) for r in message.media] == [
        ("image", photo.url, None), ("document", invoice.url, "factuur.pdf"),
    ]  # fmt: skip
    assert "/v/t59.2708-21/" in invoice.url and "&oh=" in invoice.url  # a signed CDN address
    assert [(r.kind, r.ref) for r in by_id[comment.id].media] == [("image", on_comment.url)]
    blob = fb.fetch_media(message.media[1], max_bytes=1024 * 1024)
    assert (blob.data, blob.mime) == (invoice.data, "application/pdf")
    assert fb.fetch_media(by_id[comment.id].media[0], max_bytes=1024 * 1024).data == (
        on_comment.data
    )
    assert all(
        "authorization" not in r.headers and "access_token" not in r.query
        for r in fake.file_requests
    )
    with pytest.raises(MediaTooLarge):
        fb.fetch_media(message.media[0], max_bytes=100)
    # caught up by polling: the same files, with what the Conversations API says of them
    [batch] = fb.fetch(None)
    polled = {m.source_id: m for m in batch.mentions}
    assert [(r.kind, r.ref, r.mime, r.size, r.filename) for r in polled[dm.mid].media] == [
        ("image", photo.url, "image/png", len(photo.data), None),
        ("document", invoice.url, "application/pdf", len(invoice.data), "factuur.pdf"),
    ]
    assert [(r.kind, r.ref) for r in polled[comment.id].media] == [("image", on_comment.url)]
    fake.expire_files()
    with pytest.raises(ChannelError) as expired:
        fb.fetch_media(message.media[0], max_bytes=1024 * 1024)
    assert expired.value.permanent
    assert "Facebook no longer serves this file" in expired.value.message
    with pytest.raises(ChannelError) as elsewhere:
        fb.fetch_media(MediaRef("image", "https://10.0.0.8/x.jpg"), max_bytes=1000)
    assert "outside Meta's CDN (10.0.0.8)" in elsewhere.value.message


def test_on_a_real_server_a_messenger_photo_is_kept_and_served(tmp_path: Path) -> None:
    with FakeGraph() as live, running_server(
        tmp_path, channel_tick_s=0.05, media_max_bytes=1024 * 1024, media_retry_base_s=0.05
    ) as server:  # fmt: skip
        facebook_channel(server.user("anna", Role.ADMIN), live)
        eva = server.user("eva")
        photo = live.attachment("image", png(160, 120), "image/png")
        big = live.attachment("video", b"\0\0\0\x18ftypmp42" + b"\0" * (3 * 1024 * 1024),
                              "video/mp4", announce=False)  # fmt: skip
        stored = arrived(server, live.add_message("Kijk", attachments=[photo, big]).mid)

        def media() -> list[dict[str, Any]]:
            found: list[dict[str, Any]] = eva.get(f"/v1/mentions/{stored['id']}").json()[
                "mention"]["media"]  # fmt: skip
            return found

        assert wait_until(lambda: len(media()) == 2
                          and all(m["state"] != "pending" for m in media()), 15)  # fmt: skip
        image, video = media()
        assert (image["state"], image["mime"]) == ("stored", "image/png")
        served = eva.get(f"/v1/media/{image['id']}")
        assert served.status_code == 200 and served.content == photo.data
        # no length announced: refused while reading, at the limit
        assert (video["state"], video["error"]) == ("refused", "The file is over the 1 MB limit.")
        assert "fbcdn" not in json.dumps(media()) and "/v/t1." not in json.dumps(media())
