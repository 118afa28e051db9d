"""Images on WhatsApp replies: the connector against the fake Cloud API over real HTTP (the
upload to ``/{phone-number-id}/media``, then a ``type: image`` message by its media id, with
Meta's limits and refusals), and through a real team server: an agent's reply with an image
reaches the customer once, quoting their message, its statuses come back like a text's, and
what WhatsApp would refuse is refused when the reply is accepted."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.support.channels import Agent, arrived, reply_state, upload, whatsapp_channel
from tests.support.fakes.whatsapp import PHONE_NUMBER_ID, FakeWhatsApp, status_error
from tests.support.media import gif, png
from tests.support.server import Api, TestServer, running_server, wait_until
from tests.support.whatsapp import Clock, captured, connector, mention_of, reply_for
from webcare.channels import whatsapp
from webcare.channels.base import IncomingMention, OutgoingMedia, OutgoingReply
from webcare.channels.errors import ChannelError
from webcare.domain.models import Role


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeWhatsApp]:
    with FakeWhatsApp(clock=clock) as server:
        server.push = False
        yield server


@pytest.fixture
def wa(fake: FakeWhatsApp, clock: Clock) -> Iterator[whatsapp.WhatsAppConnector]:
    conn = connector(fake, clock)
    yield conn
    conn.close()


def image(data: bytes, name: str | None = None, mime: str = "image/png") -> OutgoingMedia:
    return OutgoingMedia("image", mime, data, name, None)


def customer_message(fake: FakeWhatsApp, wa: whatsapp.WhatsAppConnector) -> IncomingMention:
    bodies = captured(fake)
    fake.message(fake.customer("Jan de Vries"), "Welke kabel moet waar?")
    return mention_of(wa, bodies[-1])


def with_image(m: IncomingMention, text: str, *images: OutgoingMedia, **f: Any) -> OutgoingReply:
    return replace(reply_for(m, text, **f), media=images)


# --- the connector against the fake ------------------------------------------------------------
def test_an_image_is_uploaded_then_sent_by_its_id_quoting_and_carrying_our_reference(
    fake: FakeWhatsApp, wa: whatsapp.WhatsAppConnector
) -> None:
    m = customer_message(fake, wa)
    photo = png(400, 300)
    done = wa.deliver(with_image(m, "Deze, in de gele poort. ^Eva", image(photo, "kabel.png"),
                                 reference="op-7"))  # fmt: skip
    [media_id] = fake.uploads
    assert fake.media[media_id].data == photo and fake.media[media_id].mime == "image/png"
    assert fake.media[media_id].filename == "kabel.png"
    [call] = fake.calls("/media", "POST")
    assert call.headers["content-type"].startswith("multipart/form-data")
    [sent] = fake.outgoing
    assert sent.body["type"] == "image" and "text" not in sent.body
    assert sent.image == {"id": media_id, "caption": "Deze, in de gele poort. ^Eva"}
    assert sent.body["context"] == {"message_id": m.source_id}
    assert sent.body["biz_opaque_callback_data"] == "webcare:op-7"
    assert done.platform_post_id == sent.wamid
    # its statuses name the reply as a text's do
    bodies = captured(fake)
    fake.status(sent, "read")
    [receipt] = wa.parse_push(bodies[-1]).receipts
    assert (receipt.status, receipt.reference, receipt.platform_post_id) == (
        "read", "op-7", sent.wamid,
    )  # fmt: skip


def test_what_whatsapp_does_not_take_is_refused_before_anything_is_sent(
    fake: FakeWhatsApp, wa: whatsapp.WhatsAppConnector
) -> None:
    m = customer_message(fake, wa)
    big = b"\x89PNG\r\n\x1a\n" + os.urandom(6 * 1024 * 1024)
    template = {"name": "follow_up", "language": "nl", "parameters": [{"name": "1", "text": "J"}]}
    cases = [
        (with_image(m, "x", image(png()), image(png())), "one image per message; this reply"
         " has 2"),
        (with_image(m, "x", image(gif(), "dans.gif", "image/gif")), "JPEG and PNG images only;"
         " dans.gif is a GIF image"),
        (with_image(m, "x", image(big, "scan.png")), "up to 5 MB; scan.png is 6 MB"),
        (with_image(m, "x", image(png()), platform_template=template), "a template message"
         " cannot carry images"),
    ]  # fmt: skip
    for reply, words in cases:
        with pytest.raises(ChannelError) as refused:
            wa.deliver(reply)
        assert refused.value.permanent and words in refused.value.message
    assert fake.calls("/media") == [] and fake.outgoing == []


def test_the_fakes_refusals_follow_the_cloud_api(
    fake: FakeWhatsApp, wa: whatsapp.WhatsAppConnector
) -> None:
    def uploading(data: bytes, kind: str) -> ChannelError:
        with pytest.raises(ChannelError) as refused:
            wa.graph.object(
                "POST", f"/{PHONE_NUMBER_ID}/media",
                data={"messaging_product": "whatsapp", "type": kind},
                files={"file": ("f", data, kind)},
            )  # fmt: skip
        assert refused.value.permanent
        return refused.value

    words = uploading(gif(), "image/gif").message
    assert "Param file must be a file with one of the following types" in words
    words = uploading(b"\x89PNG\r\n\x1a\n" + os.urandom(5 * 1024 * 1024), "image/png").message
    assert "Media upload error" in words and "Max file size for image/png: 5MB" in words
    assert "The attached file could not be used" in words  # our advice for 131053
    assert "its content is not image/jpeg" in uploading(png(), "image/jpeg").message
    m = customer_message(fake, wa)
    with pytest.raises(ChannelError) as long:
        wa.deliver(with_image(m, "x" * 1025, image(png())))
    assert long.value.permanent and "image['caption'] must be at most 1024" in long.value.message
    body = {"messaging_product": "whatsapp", "to": "+" + m.meta["wa_id"], "type": "image",
            "image": {"id": "123456789"}}  # fmt: skip
    with pytest.raises(ChannelError) as unknown:
        wa._send(body)
    assert "is not a valid media id" in unknown.value.message
    assert fake.outgoing == []


def test_a_rate_limited_upload_is_retried_and_a_lost_message_answer_is_never_resent(
    fake: FakeWhatsApp, wa: whatsapp.WhatsAppConnector
) -> None:
    m = customer_message(fake, wa)
    reply = with_image(m, "Kijk. ^Eva", image(png()))
    fake.throttle_next(130429, path="/media", regain_minutes=1)
    with pytest.raises(ChannelError) as throttled:
        wa.deliver(reply)
    assert not throttled.value.permanent and fake.outgoing == []
    # an upload that went through before a crash is simply made again: no harm, one message
    wa.upload(reply.media)
    wa.deliver(reply)
    assert len(fake.uploads) == 2 and len(fake.outgoing) == 1
    fake.lose_next_ack()
    with pytest.raises(ChannelError) as lost:
        wa.deliver(replace(reply, reference="op-2"))
    assert lost.value.permanent and lost.value.message.startswith("May have been posted")
    assert len(fake.outgoing) == 2


def test_the_spec_says_what_whatsapp_takes() -> None:
    spec = whatsapp.SPEC
    assert spec.can_attach and spec.attach_max_count == 1
    assert spec.attach_types == frozenset({"image/jpeg", "image/png"})
    assert spec.attach_max_bytes == 5 * 1024 * 1024 and spec.caption_limit == 1024


# --- through a real team server ----------------------------------------------------------------
@pytest.fixture
def live() -> Iterator[FakeWhatsApp]:
    with FakeWhatsApp() as server:
        yield server


@pytest.fixture
def srv(tmp_path: Path) -> Iterator[TestServer]:
    with running_server(tmp_path, delivery_base_s=0.05, channel_tick_s=0.05) as server:
        yield server


def uploads(api: Api, *files: tuple[bytes, str]) -> list[int]:
    ids = []
    for n, (data, kind) in enumerate(files):
        r = upload(api, data, kind, filename=f"bijlage-{n}.{kind.split('/')[1]}")
        assert r.status_code == 201, r.text
        ids.append(int(r.json()["id"]))
    return ids


def test_an_agents_reply_with_an_image_reaches_the_customer_once_and_shows_its_read_state(
    srv: TestServer, live: FakeWhatsApp
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    whatsapp_channel(admin, live)
    eva = Agent(srv.user("eva"))
    wamid = live.message(live.customer(), "Waar zit de resetknop?")
    mention = arrived(srv, wamid)
    photo = png(320, 240, (10, 120, 200))
    [media_id] = uploads(eva.api, (photo, "image/png"))
    result = eva.reply(mention["id"], "Achterop, links onder. ^Eva", media_ids=[media_id])
    assert result["outcome"] == "accepted", result
    reply_id = result["entity_id"]
    assert wait_until(lambda: reply_state(srv, reply_id)["platform_status"] == "sent", 10)
    [sent] = live.outgoing
    [uploaded] = live.uploads
    assert live.media[uploaded].data == photo
    assert sent.image == {"id": uploaded, "caption": "Achterop, links onder. ^Eva"}
    assert sent.body["context"] == {"message_id": wamid}
    assert sent.reference == f"webcare:{reply_id}"
    assert reply_state(srv, reply_id)["platform_post_id"] == sent.wamid
    live.status(sent, "delivered")
    live.status(sent, "read")
    assert live.wait_webhooks()
    assert wait_until(lambda: reply_state(srv, reply_id)["platform_status"] == "read", 10)
    [wire] = eva.detail(mention["id"])["replies"]
    assert (wire["delivery_state"], wire["platform_status"]) == ("sent", "read")
    assert [m["id"] for m in wire["media"]] == [media_id]
    time.sleep(0.3)
    assert len(live.outgoing) == 1 and len(live.uploads) == 1


def test_what_whatsapp_would_refuse_is_refused_when_the_reply_is_accepted(
    srv: TestServer, live: FakeWhatsApp
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    whatsapp_channel(admin, live)
    eva = Agent(srv.user("eva"))
    jan = live.customer()
    mention = arrived(srv, live.message(jan, "Hoi"))
    first, second, moving = uploads(eva.api, (png(), "image/png"), (png(80, 60), "image/png"),
                                    (gif(), "image/gif"))  # fmt: skip
    refused = eva.reply(mention["id"], "Kijk. ^Eva", media_ids=[first, second])
    assert (refused["outcome"], refused["reason"]) == ("rejected", "invalid")
    assert refused["message"] == (
        "WhatsApp takes one image per reply; this one has 2. Keep 1 and send the others in"
        " replies of their own."
    )
    assert refused["body"] == "Kijk. ^Eva"
    refused = eva.reply(mention["id"], "Kijk. ^Eva", media_ids=[moving])
    assert refused["message"] == (
        "bijlage-2.gif is a GIF image; WhatsApp takes JPEG and PNG images only."
    )
    long = "ë" * 1020 + " ^Eva"
    refused = eva.reply(mention["id"], long, media_ids=[first])
    assert (refused["outcome"], refused["reason"]) == ("rejected", "too_long")
    assert (
        "WhatsApp takes a caption of at most 1024 characters; this one is 1025"
        in (refused["message"])
    )
    assert eva.reply(mention["id"], long)["outcome"] == "accepted"  # as text it fits (4096)
    assert wait_until(lambda: len(live.outgoing) == 1, 10)
    assert live.outgoing[0].text == long and live.uploads == []
    # outside the 24 hours: no image, and a template carries none either
    late = arrived(srv, live.message(live.customer("Piet"), "Hallo?",
                                     created_at=time.time() - 26 * 3600))  # fmt: skip
    refused = eva.reply(late["id"], "Kijk. ^Eva", media_ids=[first])
    assert (refused["outcome"], refused["reason"]) == ("rejected", "outside_window")
    template = {"name": "follow_up", "language": "nl",
                "parameters": [{"name": "1", "text": "Piet"}]}  # fmt: skip
    text = "Hoi Piet, we hebben je vraag bekeken. Antwoord gerust op dit bericht."
    refused = eva.reply(late["id"], text, media_ids=[first], platform_template=template)
    assert refused["message"].startswith("A template message cannot carry images")
    assert len(live.outgoing) == 1 and live.uploads == []


def test_a_failed_status_for_an_image_fails_the_reply_with_metas_words(
    srv: TestServer, live: FakeWhatsApp
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    whatsapp_channel(admin, live)
    eva = Agent(srv.user("eva"))
    mention = arrived(srv, live.message(live.customer(), "Hoi"))
    [media_id] = uploads(eva.api, (png(), "image/png"))
    result = eva.reply(mention["id"], "Kijk. ^Eva", media_ids=[media_id])
    reply_id = result["entity_id"]
    assert wait_until(lambda: reply_state(srv, reply_id)["platform_status"] == "sent", 10)
    [sent] = live.outgoing
    live.status(sent, "failed", errors=[status_error(
        131053, "Media upload error", "Unable to process the image: corrupt or unsupported.",
    )])  # fmt: skip
    assert wait_until(lambda: reply_state(srv, reply_id)["delivery_state"] == "failed", 10)
    state = reply_state(srv, reply_id)
    assert state["platform_status"] == "failed"
    assert "Media upload error" in state["delivery_error"]
    assert "(code 131053)" in state["delivery_error"]
    assert "The attached file could not be used" in state["delivery_error"]
