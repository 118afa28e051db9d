"""Images on replies for the Meta channels, through the real path: an agent's reply with an
image accepted by a real team server on 127.0.0.1 and delivered by its channel runner to the
fake Graph API (tests/support/fakes/graph.py), which takes the multipart uploads as Meta
documents them. A Facebook comment reply carries one image (``source``, one request); a
Messenger reply is its text, then each image as a message of its own, each part exactly once
even when a send is cut off between the parts; private replies and every Instagram reply are
text only, which the server says when it accepts the reply and the mention's record says
before anyone types."""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.integration.channels.test_instagram import instagram_channel
from tests.support.channels import arrived, facebook_channel, reply_with, upload
from tests.support.fakes.graph import PAGE_ID, FakeGraph
from tests.support.fakes.instagram import FakeInstagram
from tests.support.fakes.mastodon import Response
from tests.support.media import png
from tests.support.server import Api, TestServer, running_server, wait_until
from webcare.channels import facebook, instagram, registry
from webcare.channels.base import AttachRule, OutgoingMedia
from webcare.domain.models import Role


def webp() -> bytes:
    """The start of a lossless WebP (its RIFF header is what decides the type)."""
    body = b"WEBPVP8L" + struct.pack("<I", 10) + b"\x2f" + bytes(9)
    return b"RIFF" + struct.pack("<I", len(body)) + body


class CutOffGraph(FakeGraph):
    """Meta as it is, except that one Messenger send (the ``cut``-th, counted from 1) is cut
    off: ``lost`` sends it and drops the answer (the connection closes: was it sent?), else
    Meta fails it with a 500 before sending anything."""

    def __init__(self, cut: int, *, lost: bool) -> None:
        super().__init__()
        self.cut = cut
        self.lost = lost
        self.sends = 0

    def _send(self, params: dict[str, Any]) -> Response | None:
        self.sends += 1
        if self.sends != self.cut:
            return super()._send(params)
        if self.lost:
            super()._send(params)
            return None  # done, and the answer never comes
        return Response(500, self.error_body(500))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[TestServer]:
    with running_server(tmp_path, delivery_base_s=0.05, channel_tick_s=0.05) as srv:
        yield srv


def mention_record(api: Api, mention_id: int) -> dict[str, Any]:
    found: dict[str, Any] = api.get(f"/v1/mentions/{mention_id}").json()["mention"]
    return found


def reply_state(api: Api, mention_id: int) -> str | None:
    replies = api.get(f"/v1/mentions/{mention_id}").json()["replies"]
    return replies[0]["delivery_state"] if replies else None


def private_reply_with(api: Api, mention_id: int, body: str, media_ids: list[int]) -> Any:
    epoch = api.post(f"/v1/mentions/{mention_id}/claim").json()["mention"]["claim_epoch"]
    r = api.post("/v1/mutations", json={
        "client_id": "client-private",
        "mutations": [{"client_seq": 1, "op_id": f"op-private-{mention_id}", "type": "reply",
                       "mention_id": mention_id, "claim_epoch": epoch, "body": body,
                       "media_ids": media_ids, "private": True}],
    })  # fmt: skip
    assert r.status_code == 200, r.text
    return r.json()["results"][0]


def test_a_facebook_comment_reply_carries_one_image_in_one_request(
    server: TestServer, tmp_path: Path
) -> None:
    with FakeGraph() as live:
        facebook_channel(server.user("anna", Role.ADMIN), live)
        eva = server.user("eva")
        jan = live.user("Jan de Vries")
        post = live.add_post("Nieuwe openingstijden")
        comment = live.add_comment(post, "Waar zit de resetknop?", by=jan)
        mention = arrived(server, comment.id)
        record = mention_record(eva, mention["id"])
        assert (record["attach_limit"], record["attach_refusal"]) == (1, None)
        # privately it is one Messenger message, which cannot be text and an image
        assert record["private_attach_limit"] == 0
        assert "cannot put text and an image in one message" in record["private_attach_refusal"]
        image = png(320, 200, (10, 120, 200))
        first = upload(eva, image, "image/png", filename="router.png").json()
        second = upload(eva, png(10, 10), "image/png").json()
        # two are one too many, and a WebP is not what Facebook takes
        refused = reply_with(eva, mention["id"], "Zie foto ^Eva", [first["id"], second["id"]])
        assert refused["outcome"] == "rejected"
        assert refused["message"] == (
            "A Facebook comment reply can carry one image. Remove one and send it again."
        )
        other = upload(eva, webp(), "image/webp", filename="router.webp").json()
        refused = reply_with(eva, mention["id"], "Zie foto ^Eva", [other["id"]], seq=2)
        assert refused["message"] == (
            "router.webp is a WebP image; Facebook Page takes GIF, JPEG and PNG images only."
        )
        refused = private_reply_with(eva, mention["id"], "Zie foto ^Eva", [first["id"]])
        assert refused["outcome"] == "rejected"
        assert refused["message"].startswith("A private reply is one Messenger message")
        assert "Remove the attachment" in refused["message"]
        assert live.page_comments == []
        # one image: posted with the text in one request, once
        accepted = reply_with(eva, mention["id"], "Zie foto ^Eva", [first["id"]], seq=3)
        assert accepted["outcome"] == "accepted", accepted
        assert wait_until(lambda: reply_state(eva, mention["id"]) == "sent", 15)
        [posted] = live.page_comments
        assert posted.message == "Zie foto ^Eva" and posted.parent_id == comment.id
        assert posted.photo is not None and posted.photo.data == image
        assert posted.photo.content_type == "image/png"
        assert len(live.calls(f"/{comment.id}/comments", "POST")) == 1


@pytest.mark.parametrize("lost", [True, False], ids=["answer-lost", "refused"])
def test_a_messenger_reply_cut_off_between_its_parts_posts_each_part_once(
    server: TestServer, lost: bool
) -> None:
    """Text, then two images: the second send (the first image) is cut off. Whether Meta sent
    it (its answer lost) or not (a 500), the retry reads the conversation and sends only what
    is missing: the customer gets the text once and each image once, in order."""
    with CutOffGraph(cut=2, lost=lost) as live:
        facebook_channel(server.user("anna", Role.ADMIN), live)
        eva = server.user("eva")
        jan = live.user("Jan de Vries")
        mention = arrived(server, live.add_message("Hoe sluit ik hem aan?", by=jan).mid)
        record = mention_record(eva, mention["id"])
        assert (record["attach_limit"], record["attach_refusal"]) == (4, None)
        images = [png(40, 30, (200, 30, 30)), png(50, 30, (30, 200, 30))]
        ids = [upload(eva, data, "image/png").json()["id"] for data in images]
        accepted = reply_with(eva, mention["id"], "Zo doe je dat ^Eva", ids)
        assert accepted["outcome"] == "accepted", accepted
        assert wait_until(lambda: reply_state(eva, mention["id"]) == "sent", 20)
        # the text, the cut send, then what was still missing (one image, or both)
        assert live.sends == (3 if lost else 4)
        sent = live.sent_messages
        assert [m["message"].get("text") for m in sent] == ["Zo doe je dat ^Eva", None, None]
        assert [m["upload"][0] if m["upload"] else None for m in sent] == [None, *images]
        reference = accepted["entity_id"]
        assert [m["message"]["metadata"] for m in sent] == [
            f"webcare:{reference}#0", f"webcare:{reference}#1", f"webcare:{reference}",
        ]  # fmt: skip
        conversation = live.conversations[jan.psid].messages
        ours = [m for m in conversation if m.sender["id"] != jan.psid]
        assert [(m.text, len(m.attachments)) for m in ours] == [
            ("Zo doe je dat ^Eva", 0), ("", 1), ("", 1),
        ]  # fmt: skip
        [reply] = eva.get(f"/v1/mentions/{mention['id']}").json()["replies"]
        assert reply["platform_post_id"] == ours[-1].mid


def test_instagram_replies_carry_no_images_and_the_record_says_why(server: TestServer) -> None:
    with FakeInstagram() as live:
        instagram_channel(server.user("anna", Role.ADMIN), live)
        eva = server.user("eva")
        dm = arrived(server, live.dm_in("Hebben jullie een foto van de achterkant?").mid)
        record = mention_record(eva, dm["id"])
        assert record["attach_limit"] == 0
        assert record["attach_refusal"] == instagram.DM_NO_IMAGES
        image = upload(eva, png(), "image/png").json()
        refused = reply_with(eva, dm["id"], "Hier ^Eva", [image["id"]])
        assert refused["outcome"] == "rejected"
        assert refused["message"] == (
            f"{instagram.DM_NO_IMAGES} Remove the attachment and send the text alone."
        )
        assert live.sent_messages == []


def test_the_rules_per_mention() -> None:
    rule = facebook.attach_rule
    assert rule({"kind": "comment"}, False).limit == 1
    assert rule({"kind": "post"}, False).what == "A reply to a Facebook post"
    assert rule({"kind": "comment"}, True).limit == 0
    assert rule({"kind": "message"}, False).limit == 4
    assert rule({}, False).limit == 0
    named = facebook._upload(OutgoingMedia("image", "image/jpeg", b"x", "zoë's router.PNG"))
    assert named == ("zo_s_router.jpg", b"x", "image/jpeg")  # ASCII, the checked type's ext
    # without a rule of its own a connector's spec decides: its own count, else the server's
    assert registry.attach_rule("mastodon", {}) == AttachRule(4)
    assert registry.attach_rule("twitter", {}).limit == 0
    assert "cannot carry images" in registry.attach_rule("twitter", {}).reason
    assert registry.has_attach_rule("facebook") and registry.has_attach_rule("instagram")
    assert not registry.has_attach_rule("mastodon") and not registry.has_attach_rule(None)


def test_the_fake_refuses_uploads_as_meta_documents() -> None:
    """What the fake takes is what Meta documents: a Messenger message is text or one
    attachment, an image attachment is JPEG, PNG or GIF up to 25 MB; a comment's ``source`` is
    an image file (else 324)."""
    with FakeGraph() as live:
        live.push = False  # no receiver here: only the Graph API's answers count
        jan = live.user("Jan de Vries")
        live.add_message("Hoi", by=jan)
        comment = live.add_comment(live.add_post("Nieuw"), "Vraag", by=jan)
        url = f"{live.base_url}/v25.0/{PAGE_ID}/messages"
        auth = {"Authorization": f"Bearer {live.token}"}

        def send(message: dict[str, Any], data: bytes, name: str = "x.png") -> Any:
            form = {"recipient": json.dumps({"id": jan.psid}), "messaging_type": "RESPONSE",
                    "message": json.dumps(message)}  # fmt: skip
            return requests.post(url, data=form, files={"filedata": (name, data, "image/png")},
                                 headers=auth, timeout=10).json()  # fmt: skip

        image = {"attachment": {"type": "image", "payload": {"is_reusable": False}}}
        assert send({**image, "text": "en tekst"}, png())["error"]["code"] == 100
        refused = send(image, webp(), "x.webp")["error"]
        assert (refused["code"], refused["error_subcode"]) == (100, 2018047)
        assert "message_id" in send(image, png())
        assert live.sent_messages[-1]["upload"] == (png(), "image/png")
        r = requests.post(
            f"{live.base_url}/v25.0/{comment.id}/comments", data={"message": "Zie"},
            files={"source": ("x.pdf", b"%PDF-1.4 nope", "application/pdf")}, headers=auth,
            timeout=10,
        ).json()  # fmt: skip
        assert r["error"]["code"] == 324
        assert live.page_comments == []
