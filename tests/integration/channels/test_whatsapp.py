"""The WhatsApp connector against a fake Cloud API speaking real HTTP (tests/support/fakes/
whatsapp.py), and end to end through a real team server (uvicorn on 127.0.0.1, a real SQLite
file) whose push receiver the fake's webhooks reach: a message becomes one mention however often
Meta delivers it, a reply inside the 24 hours goes out once and shows what the customer did with
it, and outside them a free-text reply is refused while an approved template is offered and
sent."""

from __future__ import annotations

import hashlib
import json
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.channels import (
    Agent,
    arrived,
    mention_media,
    reply_state,
    rows,
    settled,
    whatsapp_channel,
)
from tests.support.connectors import build
from tests.support.fakes.graph import meta_json
from tests.support.fakes.mastodon import Request, Response
from tests.support.fakes.whatsapp import PHONE_NUMBER_ID, WABA_ID, FakeWhatsApp
from tests.support.media import pdf, png
from tests.support.server import TestServer, running_server, wait_until
from tests.support.whatsapp import INFO, NOW, Clock, captured, connector, mention_of, reply_for
from webcare.channels import graph, whatsapp
from webcare.channels.base import MediaBlob, MediaRef
from webcare.channels.errors import AuthFailed, ChannelError, MediaTooLarge, RateLimited
from webcare.domain.models import Role
from webcare.server.services import platform_templates
from webcare.server.services.platform_templates import PlatformTemplates


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeWhatsApp]:
    with FakeWhatsApp(clock=clock) as server:
        server.push = False  # webhooks are read from the bodies here, not POSTed
        yield server


@pytest.fixture
def wa(fake: FakeWhatsApp, clock: Clock) -> Iterator[whatsapp.WhatsAppConnector]:
    conn = connector(fake, clock)
    yield conn
    conn.close()


def test_a_reply_quotes_the_message_and_carries_our_reference(
    fake: FakeWhatsApp, wa: whatsapp.WhatsAppConnector
) -> None:
    bodies = captured(fake)
    jan = fake.customer("Jan de Vries")
    wamid = fake.message(jan, "Waar blijft mijn pakket?")
    m = mention_of(wa, bodies[-1])
    assert m.source_id == wamid and m.author.name == "Jan de Vries"
    done = wa.deliver(reply_for(m, "We zoeken het uit. ^Eva", reference="op-42"))
    [sent] = fake.outgoing
    assert done.platform_post_id == sent.wamid
    assert sent.body["to"] == f"+{jan.wa_id}"
    assert sent.body["text"] == {"preview_url": False, "body": "We zoeken het uit. ^Eva"}
    assert sent.body["context"] == {"message_id": wamid}
    assert sent.body["biz_opaque_callback_data"] == "webcare:op-42"
    # its "sent" status names the reply by our reference and by the wamid
    [receipt] = wa.parse_push(bodies[-1]).receipts
    assert (receipt.status, receipt.reference, receipt.platform_post_id) == (
        "sent",
        "op-42",
        sent.wamid,
    )
    # a customer who hides their number is answered by their BSUID
    anon = fake.customer("Anoniem", hides_number=True)
    fake.message(anon, "Hallo")
    hidden = mention_of(wa, bodies[-1])
    wa.deliver(reply_for(hidden, "Hoi!"))
    assert fake.outgoing[-1].body["recipient"] == anon.user_id
    assert "to" not in fake.outgoing[-1].body


def test_outside_the_window_meta_refuses_at_once_or_afterwards(
    fake: FakeWhatsApp, wa: whatsapp.WhatsAppConnector, clock: Clock
) -> None:
    bodies = captured(fake)
    jan = fake.customer()
    fake.message(jan, "Hallo?", created_at=NOW - 26 * 3600)
    m = mention_of(wa, bodies[-1])
    # the common way: accepted, then a failed status with 131047
    accepted = wa.deliver(reply_for(m, "Sorry voor het wachten", reference="op-late"))
    [failed] = wa.parse_push(bodies[-1]).receipts
    assert (failed.status, failed.reference, failed.platform_post_id) == (
        "failed",
        "op-late",
        accepted.platform_post_id,
    )
    assert failed.error is not None and "(code 131047)" in failed.error
    assert "only an approved template message reaches them now" in failed.error
    # or at once
    fake.outside_window = "sync"
    with pytest.raises(ChannelError) as refused:
        wa.deliver(reply_for(m, "Sorry voor het wachten"))
    assert refused.value.permanent and "131047" in refused.value.message
    assert "only an approved template message reaches them now" in refused.value.message
    # an approved template is still delivered
    done = wa.deliver(
        reply_for(
            m,
            "Hoi Jan, we hebben je vraag bekeken. Antwoord gerust op dit bericht.",
            platform_template={
                "name": "follow_up",
                "language": "nl",
                "parameters": [{"name": "1", "text": "Jan"}],
            },
        )
    )
    sent = fake.outgoing[-1]
    assert done.platform_post_id == sent.wamid and sent.body["type"] == "template"
    assert "context" not in sent.body  # a template cannot quote
    assert fake.rendered(sent) == (
        "Hoi Jan, we hebben je vraag bekeken. Antwoord gerust op dit bericht."
    )


def test_the_approved_templates_and_template_refusals(
    fake: FakeWhatsApp, wa: whatsapp.WhatsAppConnector
) -> None:
    listed = wa.message_templates()
    assert [(t.name, t.language) for t in listed.templates] == [
        ("follow_up", "nl"),
        ("order_update", "nl"),
    ]
    order = listed.templates[1]
    assert order.parameters == (("customer_name", "Jan"), ("order_number", "1234"))
    assert order.footer == "Webcare BV"
    assert listed.templates[0].buttons == ("Bel me",)
    why = {name: reason for name, _language, reason in listed.unsupported}
    assert set(why) == {"summer_sale", "login_code"}  # not_yet is PENDING: not listed at all
    assert "image header" in why["summer_sale"]
    templates_call = fake.calls("/message_templates")[-1]
    assert templates_call.param("status") == "APPROVED"
    bodies = captured(fake)
    fake.message(fake.customer(), "Hoi")
    m = mention_of(wa, bodies[-1])
    with pytest.raises(ChannelError) as missing:
        wa.deliver(reply_for(m, "x", platform_template={"name": "gone", "language": "nl"}))
    assert missing.value.permanent and "132001" in missing.value.message
    assert "choose another" in missing.value.message
    with pytest.raises(ChannelError) as count:
        wa.deliver(
            reply_for(
                m,
                "x",
                platform_template={
                    "name": "order_update",
                    "language": "nl",
                    "parameters": [{"name": "customer_name", "text": "Jan"}],
                },
            )
        )
    assert count.value.permanent and "132000" in count.value.message


def test_a_lost_answer_may_have_been_posted_and_is_not_sent_again(
    fake: FakeWhatsApp, wa: whatsapp.WhatsAppConnector
) -> None:
    bodies = captured(fake)
    fake.message(fake.customer(), "Hoi")
    m = mention_of(wa, bodies[-1])
    fake.lose_next_ack()
    with pytest.raises(ChannelError) as lost:
        wa.deliver(reply_for(m, "Antwoord", reference="op-lost"))
    assert lost.value.permanent and lost.value.message.startswith("May have been posted")
    assert len(fake.outgoing) == 1  # it went out …
    [sent] = wa.parse_push(bodies[-1]).receipts  # … and its status says so, by our reference
    assert (sent.status, sent.reference) == ("sent", "op-lost")
    # a proxy's page instead of Graph's answer: just as unknown
    fake.fail_next(1, 502, body=b"<html><title>502 Bad Gateway</title></html>",
                   path="/messages")  # fmt: skip
    with pytest.raises(ChannelError) as proxy:
        wa.deliver(reply_for(m, "Antwoord"))
    assert proxy.value.permanent and proxy.value.message.startswith("May have been posted")
    # nobody there at all: certainly not posted, so a retry is fine
    gone = build(whatsapp.WhatsAppConnector,
        INFO,
        {"phone_number_id": PHONE_NUMBER_ID, "waba_id": WABA_ID,
         "base_url": "http://127.0.0.1:9"},
        {"access_token": "t", "app_secret": "s"},
    )  # fmt: skip
    with pytest.raises(ChannelError) as unreachable:
        gone.deliver(reply_for(m, "Antwoord"))
    assert not unreachable.value.permanent and "Could not reach WhatsApp" in (
        unreachable.value.message
    )


def test_tokens_limits_and_refusals_an_admin_must_fix(
    fake: FakeWhatsApp, wa: whatsapp.WhatsAppConnector, clock: Clock
) -> None:
    [batch] = wa.fetch(None)  # the health check: the number read, the webhooks subscribed
    assert batch.mentions == [] and fake.subscribed == 1
    assert json.loads(str(batch.cursor))["number"] == "+1 555-078-3881"
    clock.now += 600
    wa.fetch(batch.cursor)
    assert fake.subscribed == 1  # not again within 6 hours
    clock.now += whatsapp.SUBSCRIBE_EVERY_S
    wa.fetch(batch.cursor)
    assert fake.subscribed == 2
    fake.expire_token(463)
    with pytest.raises(graph.TokenError) as expired:
        wa.fetch(None)
    words = expired.value.message
    assert words.startswith("WhatsApp no longer accepts the access token: create a new token")
    assert "System users" in words and "code 190/463)" in words
    assert "Session has expired" in words and expired.value.status == 401
    fake.token_errors.clear()
    bodies = captured(fake)
    fake.message(fake.customer(), "Hoi")
    m = mention_of(wa, bodies[-1])
    for code in (130429, 131056, 80007):
        fake.throttle_next(code)
        with pytest.raises(RateLimited) as limited:
            wa.deliver(reply_for(m, "x"))
        assert not limited.value.permanent and f"code {code}" in limited.value.message
    for code, words_ in ((131042, "payment method"), (133010, "register it")):
        fake.fail_next(1, 400, body={"error": {"message": f"(#{code}) x", "type": "OAuthException",
                                               "code": code, "fbtrace_id": "A"}})  # fmt: skip
        with pytest.raises(AuthFailed) as admin:
            wa.deliver(reply_for(m, "x"))
        assert words_ in admin.value.message  # replies wait for the admin, none fails
    fake.fail_next(1, 500, body={"error": {"message": "(#131000) Something went wrong",
                                           "type": "OAuthException", "code": 131000,
                                           "fbtrace_id": "A"}})  # fmt: skip
    with pytest.raises(ChannelError) as down:
        wa.deliver(reply_for(m, "x"))
    assert not down.value.permanent
    with pytest.raises(ChannelError) as long_:
        wa.deliver(reply_for(m, "x" * 4097))
    assert long_.value.permanent and "4096" in long_.value.message


def test_media_are_fetched_with_the_token_from_the_address_meta_gives(
    fake: FakeWhatsApp, wa: whatsapp.WhatsAppConnector
) -> None:
    bodies = captured(fake)
    jan = fake.customer()
    jpeg = b"\xff\xd8\xff\xe0" + b"x" * 2000
    _wamid, media_id = fake.add_media(jan, "image", jpeg, "image/jpeg", caption="Kapot")
    m = mention_of(wa, bodies[-1])
    assert m.text == "Kapot"  # the caption; the file is a ref the server fetches
    [ref] = m.media
    assert ref == MediaRef("image", media_id, mime="image/jpeg")
    assert wa.fetch_media(ref, max_bytes=10_000) == MediaBlob(jpeg, "image/jpeg")
    [info, download] = fake.requests[-2:]
    assert info.path.endswith(f"/{media_id}") and info.param("phone_number_id") == PHONE_NUMBER_ID
    assert download.headers["authorization"] == f"Bearer {fake.token}"  # the URL needs it too
    # the address lasts 5 minutes: an expired one is asked for again
    fake.expired_links = 1
    assert wa.fetch_media(ref, max_bytes=10_000).data == jpeg
    # too large: announced by Meta (nothing downloaded), by the download, or found while reading
    asked = len(fake.requests)
    with pytest.raises(MediaTooLarge) as announced:
        wa.fetch_media(ref, max_bytes=100)
    assert announced.value.permanent and announced.value.size == len(jpeg)
    assert announced.value.message == "2 KB is over the 100 bytes limit."
    assert len(fake.requests) == asked + 1  # only GET /{media-id}: the file was not read
    _w, lying = fake.add_media(jan, "document", b"%PDF" + b"y" * 5000, "application/pdf",
                               filename="factuur.pdf", declared_size=10)  # fmt: skip
    lying_ref = mention_of(wa, bodies[-1]).media[0]
    assert lying_ref.ref == lying
    assert lying_ref.filename == "factuur.pdf"
    with pytest.raises(MediaTooLarge) as by_length:
        wa.fetch_media(lying_ref, max_bytes=1000)
    assert by_length.value.size == 5004
    fake.stream_downloads = True  # no Content-Length: the reader stops at the limit itself
    with pytest.raises(MediaTooLarge) as found:
        wa.fetch_media(lying_ref, max_bytes=1000)
    assert found.value.size is None
    assert found.value.message == "The file is over the 1000 bytes limit."
    fake.stream_downloads = False
    # a wrong content type comes back as the platform said it (the server sniffs the bytes)
    _w, wrong = fake.add_media(jan, "image", b"%PDF-1.7 not an image", "image/jpeg")
    assert wa.fetch_media(MediaRef("image", wrong), max_bytes=1000) == MediaBlob(
        b"%PDF-1.7 not an image", "image/jpeg"
    )
    # never from elsewhere: an address on another host, or a redirect there, is refused
    # before anything (the token least of all) is sent there
    fake.media_url_base = "http://attacker.example"
    with pytest.raises(ChannelError) as foreign:
        wa.fetch_media(ref, max_bytes=10_000)
    assert foreign.value.permanent
    assert foreign.value.message == (
        "WhatsApp gave a file address on another host (attacker.example); Webcare only"
        " downloads from Meta's servers."
    )
    fake.media_url_base = None
    fake.download_redirect = "https://169.254.169.254/latest/meta-data/"
    with pytest.raises(ChannelError, match=r"another host \(169\.254\.169\.254\)"):
        wa.fetch_media(ref, max_bytes=10_000)
    fake.download_redirect = None
    with pytest.raises(ChannelError, match="is not a media id") as not_an_id:
        wa.fetch_media(MediaRef("image", "../../me/accounts"), max_bytes=10_000)
    assert not_an_id.value.permanent
    # a media id past its 7 days: Meta's own words, for good
    with pytest.raises(ChannelError) as gone:
        wa.fetch_media(MediaRef("image", "987654321"), max_bytes=10_000)
    assert gone.value.permanent and "does not exist" in gone.value.message


# --- end to end through a real team server ---------------------------------------------------
@pytest.fixture
def live() -> Iterator[FakeWhatsApp]:
    with FakeWhatsApp() as server:
        yield server


@pytest.fixture
def srv(tmp_path: Path) -> Iterator[TestServer]:
    with running_server(tmp_path, delivery_base_s=0.05, channel_tick_s=0.05) as server:
        yield server


def deliveries(srv: TestServer) -> list[dict[str, Any]]:
    return rows(srv, "SELECT id, state, error FROM push_deliveries ORDER BY id")


def test_a_webhook_message_becomes_one_mention(srv: TestServer, live: FakeWhatsApp) -> None:
    admin = srv.user("anna", Role.ADMIN)
    channel = whatsapp_channel(admin, live)
    assert wait_until(lambda: live.subscribed == 1, 10)  # the first health check subscribed
    jan = live.customer("Jan de Vries")
    bodies = captured(live)
    with live.batched():
        first = live.message(jan, "Mijn bestelling is niet aangekomen")
        second = live.message(jan, "Ordernummer 1234")
    [body] = bodies
    for _ in range(3):  # Meta retries: the same delivery three times
        assert live.post_now(body).status_code == 200
    one = arrived(srv, first)
    arrived(srv, second)
    assert wait_until(lambda: all(d["state"] == "done" for d in deliveries(srv)), 10)
    assert len(rows(srv, "SELECT id FROM mentions WHERE source_id = ?", first)) == 1
    assert one["text"] == "Mijn bestelling is niet aangekomen"
    assert json.loads(one["meta"])["window"] == "messaging"
    wire = Agent(admin).detail(one["id"])["mention"]
    left = wire["reply_window_remaining_s"]
    assert left is not None and 23.9 * 3600 < left <= 24 * 3600
    # a bad or missing signature: refused, nothing stored
    stored = len(deliveries(srv))
    assert live.post_now(body, signature="bad").status_code == 401
    assert live.post_now(body, signature=None).status_code == 401
    assert len(deliveries(srv)) == stored
    # a status of a message sent elsewhere, and an unknown field: acknowledged, nothing to do
    other = meta_json({"object": "whatsapp_business_account", "entry": [
        {"id": WABA_ID, "changes": [
            {"field": "messages", "value": {"messaging_product": "whatsapp",
                                           "metadata": {"phone_number_id": PHONE_NUMBER_ID},
                                           "statuses": [{"id": "wamid.elsewhere",
                                                         "status": "read",
                                                         "timestamp": str(int(time.time()))}]}},
            {"field": "account_update", "value": {"event": "VERIFIED_ACCOUNT"}}]}]})  # fmt: skip
    assert live.post_now(other).status_code == 200
    assert wait_until(lambda: all(d["state"] == "done" for d in deliveries(srv)), 10)
    assert len(rows(srv, "SELECT id FROM mentions WHERE channel_id = ?", channel["id"])) == 2


MEDIA_LIMIT = 64 * 1024


@pytest.fixture
def media_srv(tmp_path: Path) -> Iterator[TestServer]:
    with running_server(
        tmp_path, channel_tick_s=0.05, delivery_base_s=0.05, media_max_bytes=MEDIA_LIMIT,
        media_retry_base_s=0.05,
    ) as server:  # fmt: skip
        yield server


def test_a_customers_files_are_fetched_checked_kept_and_served(
    media_srv: TestServer, live: FakeWhatsApp, tmp_path: Path
) -> None:
    admin = media_srv.user("anna", Role.ADMIN)
    whatsapp_channel(admin, live)
    eva = media_srv.user("eva")
    jan = live.customer("Jan de Vries")
    photo = png(320, 200)
    invoice = pdf()
    sent = {
        "photo": live.add_media(jan, "image", photo, "image/png",
                                caption="De router knippert rood"),
        "video": live.add_media(jan, "video", b"\x00" * (MEDIA_LIMIT + 1), "video/mp4"),
        "fake": live.add_media(jan, "image", pdf("geen foto"), "image/jpeg"),
        "invoice": live.add_media(jan, "document", invoice, "application/pdf",
                                  filename="factuur 2026-11.pdf"),
    }  # fmt: skip
    mentions = {name: arrived(media_srv, wamid) for name, (wamid, _id) in sent.items()}
    assert mentions["photo"]["text"] == "De router knippert rood"  # the caption, no note
    assert mentions["video"]["text"] == "[video]"

    def files(name: str) -> list[dict[str, Any]]:
        return mention_media(eva, mentions[name]["id"])

    assert wait_until(lambda: all(settled(eva, m["id"]) for m in mentions.values()), 15)
    [image] = files("photo")
    assert {k: image[k] for k in ("kind", "mime", "size", "state", "error")} == {
        "kind": "image", "mime": "image/png", "size": len(photo), "state": "stored",
        "error": None,
    }  # fmt: skip
    r = eva.get(f"/v1/media/{image['id']}")
    assert r.status_code == 200 and r.content == photo
    assert r.headers["Content-Type"] == "image/png"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    kept = tmp_path / "media" / hashlib.sha256(photo).hexdigest()
    assert kept.read_bytes() == photo and stat.S_IMODE(kept.stat().st_mode) == 0o600
    # over the limit: refused from Meta's file_size, before anything is downloaded
    [video] = files("video")
    assert (video["state"], video["error"]) == ("refused", "64 KB is over the 64 KB limit.")
    downloads = [q.param("mid") for q in live.requests if "/attachments" in q.path]
    assert sent["photo"][1] in downloads and sent["video"][1] not in downloads
    # a PDF that WhatsApp calls a JPEG image: refused by its bytes, with the reason
    [fake] = files("fake")
    assert (fake["state"], fake["error"]) == (
        "refused", "The file is a PDF document, not an image.",
    )  # fmt: skip
    r = eva.get(f"/v1/media/{fake['id']}")
    assert r.status_code == 404 and "not an image" in r.json()["message"]
    # a document is kept with its name and offered as a download
    [document] = files("invoice")
    assert (document["state"], document["filename"]) == ("stored", "factuur 2026-11.pdf")
    r = eva.get(f"/v1/media/{document['id']}")
    assert r.status_code == 200 and r.content == invoice
    assert r.headers["Content-Disposition"].startswith("attachment;")


def test_a_reply_inside_the_window_is_sent_once_and_shows_its_read_state(
    srv: TestServer, live: FakeWhatsApp
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    whatsapp_channel(admin, live)
    eva = Agent(srv.user("eva"))
    jan = live.customer()
    wamid = live.message(jan, "Kan ik mijn adres nog wijzigen?")
    mention = arrived(srv, wamid)
    result = eva.reply(mention["id"], "Ja hoor, stuur het nieuwe adres. ^Eva")
    assert result["outcome"] == "accepted", result
    reply_id = result["entity_id"]
    assert wait_until(lambda: reply_state(srv, reply_id)["platform_status"] == "sent", 10)
    [sent] = live.outgoing
    assert sent.body["context"] == {"message_id": wamid}
    assert sent.reference == f"webcare:{reply_id}"
    state = reply_state(srv, reply_id)
    assert (state["delivery_state"], state["platform_post_id"]) == ("sent", sent.wamid)
    # out of order and twice: read first, then a late delivered, then read again
    live.status(sent, "read", times=2)
    live.status(sent, "delivered")
    assert live.wait_webhooks()
    assert wait_until(lambda: reply_state(srv, reply_id)["platform_status"] == "read", 10)
    time.sleep(0.3)
    assert reply_state(srv, reply_id)["platform_status"] == "read"
    [wire] = eva.detail(mention["id"])["replies"]
    assert (wire["delivery_state"], wire["platform_status"]) == ("sent", "read")
    assert len(live.outgoing) == 1


def test_outside_the_window_free_text_is_refused_and_a_template_is_offered_and_sent(
    srv: TestServer, live: FakeWhatsApp
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    channel = whatsapp_channel(admin, live)
    eva = Agent(srv.user("eva"))
    jan = live.customer("Jan de Vries")
    wamid = live.message(jan, "Hallo?", created_at=time.time() - 26 * 3600)
    mention = arrived(srv, wamid)
    assert eva.detail(mention["id"])["mention"]["reply_window_remaining_s"] == 0
    # free text: refused before anything goes to WhatsApp, with the rule in words
    refused = eva.reply(mention["id"], "Sorry voor het wachten! ^Eva")
    assert (refused["outcome"], refused["reason"]) == ("rejected", "outside_window")
    assert refused["message"] == (
        "The customer last wrote 26 h ago; WhatsApp only allows approved template messages"
        " after 24 h."
    )
    assert refused["body"] == "Sorry voor het wachten! ^Eva"  # what was typed comes back
    # the approved templates are offered (read through the channel's token)
    offered = eva.api.get(f"/v1/channels/{channel['id']}/platform-templates")
    assert offered.status_code == 200, offered.text
    listing = offered.json()
    assert listing["available"] is True and listing["error"] is None
    names = [t["name"] for t in listing["templates"]]
    assert names == ["follow_up", "order_update"]
    order = listing["templates"][1]
    assert order["body"].startswith("Hallo {{customer_name}}, je bestelling {{order_number}}")
    assert order["parameters"] == [
        {"name": "customer_name", "example": "Jan"},
        {"name": "order_number", "example": "1234"},
    ]
    assert {u["name"] for u in listing["unsupported"]} == {"summer_sale", "login_code"}
    assert live.token not in offered.text
    # a template is accepted and sent as one
    text = "Hallo Jan de Vries, je bestelling 1234 is vandaag verzonden."
    result = eva.reply(
        mention["id"], text,
        platform_template={"name": "order_update", "language": "nl", "parameters": [
            {"name": "customer_name", "text": "Jan de Vries"},
            {"name": "order_number", "text": "1234"}]},
    )  # fmt: skip
    assert result["outcome"] == "accepted", result
    assert wait_until(lambda: reply_state(srv, result["entity_id"])["platform_status"] == "sent",
                      10)  # fmt: skip
    [sent] = live.outgoing
    assert sent.body["type"] == "template" and live.rendered(sent) == text
    [wire] = [r for r in eva.detail(mention["id"])["replies"] if r["id"] == result["entity_id"]]
    assert wire["body"] == text and wire["platform_template"]["name"] == "order_update"
    # the list is kept: a second look does not ask Meta again
    calls = len(live.calls("/message_templates"))
    eva.api.get(f"/v1/channels/{channel['id']}/platform-templates")
    assert len(live.calls("/message_templates")) == calls
    # a malformed template: refused as bad input, nothing stored
    bad = eva.api.post("/v1/mutations", json={"client_id": "c-bad", "mutations": [
        {"client_seq": 1, "op_id": "op-bad-1", "type": "reply", "mention_id": mention["id"],
         "body": "x", "claim_epoch": 1,
         "platform_template": {"name": "Not A Name", "language": "nl"}}]})  # fmt: skip
    assert bad.status_code == 422, bad.text
    assert len(live.outgoing) == 1


def test_meta_refusing_after_acceptance_fails_the_reply_with_its_words(
    srv: TestServer, live: FakeWhatsApp
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    whatsapp_channel(admin, live)
    eva = Agent(srv.user("eva"))
    jan = live.customer()
    mention = arrived(srv, live.message(jan, "Hoi"))
    live.last_inbound[jan.user_id] = time.time() - 25 * 3600  # Meta's clock says: too late
    result = eva.reply(mention["id"], "Hallo! ^Eva")
    assert result["outcome"] == "accepted"
    reply_id = result["entity_id"]
    assert wait_until(lambda: reply_state(srv, reply_id)["delivery_state"] == "failed", 10)
    state = reply_state(srv, reply_id)
    assert state["platform_status"] == "failed"
    assert "Re-engagement message" in state["delivery_error"]
    assert "only an approved template message reaches them now" in state["delivery_error"]
    assert live.outgoing[0].wamid == state["platform_post_id"]


def test_a_lost_answer_is_settled_by_whatsapps_sent_status(
    srv: TestServer, live: FakeWhatsApp
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    whatsapp_channel(admin, live)
    eva = Agent(srv.user("eva"))
    jan = live.customer()
    mention = arrived(srv, live.message(jan, "Hoi"))
    live.auto_sent = False
    live.lose_next_ack()
    result = eva.reply(mention["id"], "Hallo! ^Eva")
    reply_id = result["entity_id"]
    assert wait_until(lambda: reply_state(srv, reply_id)["delivery_state"] == "failed", 10)
    assert reply_state(srv, reply_id)["delivery_error"].startswith("May have been posted")
    time.sleep(0.5)
    assert len(live.outgoing) == 1  # not sent again by itself
    live.status(live.outgoing[0], "sent")  # WhatsApp names it: recorded as sent
    assert wait_until(lambda: reply_state(srv, reply_id)["delivery_state"] == "sent", 10)
    state = reply_state(srv, reply_id)
    assert state["platform_post_id"] == live.outgoing[0].wamid
    assert state["platform_status"] == "sent" and len(live.outgoing) == 1


def test_an_expired_token_is_the_channels_error_and_replies_wait(
    srv: TestServer, live: FakeWhatsApp
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    channel = whatsapp_channel(admin, live)
    eva = Agent(srv.user("eva"))
    mention = arrived(srv, live.message(live.customer(), "Hoi"))
    live.expire_token(463)
    result = eva.reply(mention["id"], "Hallo! ^Eva")
    reply_id = result["entity_id"]

    def channel_error() -> str:
        [row] = [c for c in admin.get("/v1/channels").json() if c["id"] == channel["id"]]
        return str(row["last_error"] or "")

    assert wait_until(lambda: "no longer accepts the access token" in channel_error(), 10)
    assert "System users" in channel_error()
    assert reply_state(srv, reply_id)["delivery_state"] == "queued"  # waits, not failed


class StatusFirst(FakeWhatsApp):
    """Answers a send only once ``before_answer`` returns: a status webhook can come first."""

    def __init__(self) -> None:
        super().__init__()
        self.before_answer: Callable[[], object] | None = None

    def answer(self, request: Request) -> Response | None:
        response = super().answer(request)
        if request.method == "POST" and request.path.endswith("/messages") and self.before_answer:
            self.before_answer()
        return response


def test_a_failed_status_before_the_send_is_answered_still_fails_the_reply(
    srv: TestServer,
) -> None:
    with StatusFirst() as live:
        admin = srv.user("anna", Role.ADMIN)
        whatsapp_channel(admin, live)
        eva = Agent(srv.user("eva"))
        jan = live.customer()
        mention = arrived(srv, live.message(jan, "Hoi"))
        live.last_inbound[jan.user_id] = time.time() - 25 * 3600  # Meta's clock: too late
        before = len(deliveries(srv))

        def status_parsed() -> None:  # Meta's "failed" status is in and parsed first
            wait_until(
                lambda: (
                    len(deliveries(srv)) > before
                    and all(d["state"] == "done" for d in deliveries(srv))
                ),
                10,
            )

        live.before_answer = status_parsed
        result = eva.reply(mention["id"], "Hallo! ^Eva")
        reply_id = result["entity_id"]
        assert wait_until(lambda: reply_state(srv, reply_id)["delivery_state"] != "queued", 10)
        assert wait_until(lambda: reply_state(srv, reply_id)["delivery_state"] == "failed", 10)
        state = reply_state(srv, reply_id)
        assert state["platform_status"] == "failed"
        assert "Re-engagement message" in state["delivery_error"]
        assert state["platform_post_id"] == live.outgoing[0].wamid


def test_the_template_list_is_kept_read_again_and_kept_when_meta_fails(
    srv: TestServer, live: FakeWhatsApp
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    channel = whatsapp_channel(admin, live)
    clock = Clock()
    service = PlatformTemplates(srv.ctx.db, clock)
    first = service.get(channel["id"])
    assert [t["name"] for t in first["templates"]] == ["follow_up", "order_update"]
    reads = len(live.calls("/message_templates"))
    clock.now += 10
    assert service.get(channel["id"], refresh=True) == first  # asked too soon: kept
    assert len(live.calls("/message_templates")) == reads
    clock.now += platform_templates.REFRESH_EVERY_S
    live.templates.append(dict(live.templates[0], name="new_one"))
    live.templates[-1]["status"] = "APPROVED"
    refreshed = service.get(channel["id"], refresh=True)
    assert "new_one" in [t["name"] for t in refreshed["templates"]]
    # Meta cannot be reached: the last list stays, with the error
    clock.now += platform_templates.KEEP_S
    live.fail_next(1, 503, path="/message_templates")
    failing = service.get(channel["id"])
    assert failing["templates"] == refreshed["templates"] and failing["error"]
    assert failing["fetched_at"] == refreshed["fetched_at"]
    # a channel without templates says so
    other = admin.post("/v1/channels", json={"connector": "webhook", "name": "Forum"}).json()
    assert service.get(other["id"]) == {
        "available": False,
        "templates": [],
        "unsupported": [],
        "fetched_at": None,
        "error": None,
    }
    missing = admin.get("/v1/channels/999/platform-templates")
    assert missing.status_code == 404
