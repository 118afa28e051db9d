"""Media in messages through a real team server: a fake Mastodon serves an image, a file over
the limit (announced and not announced) and files whose bytes are not what they claim; the
server's channel runner fetches them with the channel's token, keeps what is allowed under
``<db dir>/media/<sha256>`` (0600) and refuses the rest with its reason; clients read the
states from the mention's ``media`` and download through ``GET /v1/media/{id}``."""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.channels import mention_media, reply_with, settled, upload
from tests.support.fakes.mastodon import FakeMastodon
from tests.support.media import HTML, SVG, pdf, png
from tests.support.server import Api, TestServer, running_server, wait_until
from webcare.domain.models import Role

LIMIT = 256 * 1024


@pytest.fixture
def server(tmp_path: Path) -> Iterator[TestServer]:
    with running_server(
        tmp_path, channel_tick_s=0.05, media_max_bytes=LIMIT, media_retry_base_s=0.05,
        delivery_base_s=0.05,
    ) as srv:  # fmt: skip
        yield srv


@pytest.fixture
def masto() -> Iterator[FakeMastodon]:
    with FakeMastodon() as fake:
        yield fake


def mastodon_channel(admin: Api, masto: FakeMastodon) -> int:
    r = admin.post(
        "/v1/channels",
        json={
            "connector": "mastodon",
            "name": "@brand on Mastodon",
            "brand": "Brand",
            "config": {"base_url": masto.base_url},
            "secrets": {"access_token": masto.token},
            "interval_s": 15,
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def first_mention(server: TestServer) -> int:
    assert wait_until(lambda: _mention_ids(server), 10)
    return _mention_ids(server)[0]


def _mention_ids(server: TestServer) -> list[int]:
    with server.ctx.db.read() as conn:
        return [r[0] for r in conn.execute("SELECT id FROM mentions ORDER BY id")]


def test_the_server_fetches_checks_and_keeps_a_mentions_files(
    server: TestServer, masto: FakeMastodon, tmp_path: Path
) -> None:
    admin = server.user("anna", Role.ADMIN)
    agent = server.user("eva")
    image = png(320, 200)
    big = os.urandom(LIMIT + 1)
    attachments = [
        masto.attachment(
            "image",
            masto.add_file("photo.png", image, "image/png"),
            description="Kapotte router, lampje knippert rood",
        ),
        masto.attachment("video", masto.add_file("big.mp4", big, "video/mp4")),
        masto.attachment(
            "video", masto.add_file("stream.mp4", big, "video/mp4", announce_length=False)
        ),
        masto.attachment("image", masto.add_file("fake.png", pdf(), "image/png")),
        masto.attachment("image", masto.add_file("drawing.png", SVG, "image/png")),
        masto.attachment("image", masto.add_file("lying.jpg", png(), "image/jpeg")),
        masto.attachment("image", masto.add_file("page.gif", HTML, "image/gif")),
    ]
    masto.add_mention("<p>@brand mijn router is stuk, zie foto</p>", media=attachments)
    mastodon_channel(admin, masto)
    mention_id = first_mention(server)
    assert wait_until(lambda: settled(agent, mention_id), 15)

    items = mention_media(agent, mention_id)
    assert [m["state"] for m in items] == [
        "stored", "refused", "refused", "refused", "refused", "refused", "refused",
    ]  # fmt: skip
    photo, announced, streamed, fake, svg, lying, page = items
    assert photo == {
        "id": photo["id"], "kind": "image", "mime": "image/png", "size": len(image),
        "filename": "photo.png", "caption": "Kapotte router, lampje knippert rood",
        "state": "stored", "error": None,
    }  # fmt: skip
    assert announced["error"] == "256 KB is over the 256 KB limit."
    assert announced["size"] == LIMIT + 1
    assert streamed["error"] == "The file is over the 256 KB limit."
    assert fake["error"] == "The file is a PDF document, not an image."
    assert svg["error"] == "The file is an SVG drawing (markup), not an image."
    assert lying["error"] == (
        "The platform said a JPEG image (image/jpeg), but the file is a PNG image."
    )
    assert page["error"] == "The file is an HTML page, not an image."
    # the token went only to the instance's own host (the fake is that host here), never more
    # than the limit was read, and the file is kept once, privately, by its content
    digest = hashlib.sha256(image).hexdigest()
    kept = tmp_path / "media" / digest
    assert kept.read_bytes() == image
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in kept.parent.iterdir()) == [digest]

    # any signed-in role downloads it, as what its bytes are, safely labelled
    r = agent.get(f"/v1/media/{photo['id']}")
    assert r.status_code == 200
    assert r.content == image
    assert r.headers["Content-Type"] == "image/png"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Content-Disposition"].startswith("inline;")
    assert r.headers["ETag"] == f'"{digest}"'
    assert "immutable" in r.headers["Cache-Control"]
    assert "sandbox" in r.headers["Content-Security-Policy"]
    again = agent.get(f"/v1/media/{photo['id']}", headers={"If-None-Match": f'"{digest}"'})
    assert again.status_code == 304 and again.content == b""
    # a refused file is not served, and says why
    r = agent.get(f"/v1/media/{fake['id']}")
    assert r.status_code == 404
    assert "not an image" in r.json()["message"]


def test_media_state_changes_reach_clients_through_the_change_feed(
    server: TestServer, masto: FakeMastodon
) -> None:
    admin = server.user("anna", Role.ADMIN)
    agent = server.user("eva")
    cursor = agent.get("/v1/bootstrap").json()["cursor"]
    url = masto.add_file("photo.png", png(), "image/png")
    # the CDN is unwell at first
    masto.fail_next(2, 503, path="/system/media_attachments/", headers={"Retry-After": "0"})
    masto.add_mention("<p>@brand hier</p>", media=[masto.attachment("image", url)])
    mastodon_channel(admin, masto)
    mention_id = first_mention(server)
    seen: list[str] = []

    def stored() -> bool:
        nonlocal cursor
        page = agent.get("/v1/changes", params={"since": cursor}).json()
        cursor = page["cursor"]
        for change in page["changes"]:
            if change["entity"] == "mention" and change["data"]["id"] == mention_id:
                seen.extend(m["state"] for m in change["data"]["media"])
        return "stored" in seen

    assert wait_until(stored, 15)
    assert seen[0] == "pending"  # the mention came at once, before its file
    # two failures retried with backoff, then the file
    assert len(masto.calls("/system/media_attachments/")) == 3


def test_media_downloads_need_a_sign_in_and_unknown_ids_are_404(
    server: TestServer, masto: FakeMastodon
) -> None:
    admin = server.user("anna", Role.ADMIN)
    lead = server.user("lars", Role.LEAD)
    agent = server.user("eva")
    url = masto.add_file("photo.png", png(), "image/png")
    masto.add_mention("<p>@brand kijk</p>", media=[masto.attachment("image", url)])
    mastodon_channel(admin, masto)
    mention_id = first_mention(server)
    assert wait_until(lambda: settled(agent, mention_id), 15)
    media_id = mention_media(agent, mention_id)[0]["id"]
    for api in (admin, lead, agent):
        assert api.get(f"/v1/media/{media_id}").status_code == 200
    anonymous = server.anonymous()
    r = anonymous.get(f"/v1/media/{media_id}")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"
    assert agent.get("/v1/media/999999").status_code == 404
    assert agent.get("/v1/media/0").status_code == 422


def test_a_document_is_offered_as_an_attachment_download(
    server: TestServer, masto: FakeMastodon
) -> None:
    admin = server.user("anna", Role.ADMIN)
    agent = server.user("eva")
    document = pdf()
    url = masto.add_file("factuur.pdf", document, "application/pdf")
    masto.add_mention("<p>@brand mijn factuur</p>", media=[masto.attachment("unknown", url)])
    mastodon_channel(admin, masto)
    mention_id = first_mention(server)
    assert wait_until(lambda: settled(agent, mention_id), 15)
    item = mention_media(agent, mention_id)[0]
    assert (item["kind"], item["state"], item["mime"]) == ("document", "stored", "application/pdf")
    r = agent.get(f"/v1/media/{item['id']}")
    assert r.headers["Content-Type"] == "application/pdf"
    assert r.headers["Content-Disposition"] == (
        "attachment; filename=\"factuur.pdf\"; filename*=UTF-8''factuur.pdf"
    )


def test_an_image_attached_to_a_reply_is_posted_once_on_mastodon(
    server: TestServer, masto: FakeMastodon
) -> None:
    admin = server.user("anna", Role.ADMIN)
    eva, tom = server.user("eva"), server.user("tom")
    status = masto.add_mention("<p>@brand waar zit de resetknop?</p>")["status"]
    masto.add_mention("<p>@brand ook een vraag</p>", acct="piet@other.example")
    mastodon_channel(admin, masto)
    assert wait_until(lambda: len(_mention_ids(server)) == 2, 10)
    mention_id, other = _mention_ids(server)
    image = png(400, 300, (10, 120, 200))
    r = upload(eva, image, "image/png", filename="reset-knop.png", caption="Achterkant router")
    assert r.status_code == 201, r.text
    item = r.json()
    assert (item["kind"], item["mime"], item["size"], item["state"]) == (
        "image", "image/png", len(image), "stored",
    )  # fmt: skip
    # the same bytes again (a retried upload whose answer was lost): the same file, no copy
    again = upload(eva, image, "image/png", filename="reset-knop.png")
    assert again.status_code == 200 and again.json()["id"] == item["id"]
    # only its uploader may attach it
    refused = reply_with(tom, other, "Kijk hier. ^Tom", [item["id"]])
    assert refused["outcome"] == "rejected"
    assert refused["message"] == f"Image {item['id']} is not one you uploaded; attach it again."
    assert refused["body"] == "Kijk hier. ^Tom"
    # eva's reply with her image: uploaded to Mastodon, then one status naming it
    masto.processing_polls = 1  # Mastodon answers 202 and processes a moment
    accepted = reply_with(eva, mention_id, "Zo vind je hem. ^Eva", [item["id"]])
    assert accepted["outcome"] == "accepted", accepted
    assert wait_until(lambda: len(masto.posted) == 1, 15)
    time.sleep(0.3)
    assert len(masto.posted) == 1
    posted = masto.posted[0]
    assert posted["in_reply_to_id"] == status["id"]
    (attached,) = posted["media_attachments"]
    assert attached["description"] == "Achterkant router"
    assert len(masto.uploads) == 1
    assert next(iter(masto.uploads.values()))["_bytes"] == image
    detail = eva.get(f"/v1/mentions/{mention_id}").json()
    (reply,) = detail["replies"]
    assert wait_until(
        lambda: (
            eva.get(f"/v1/mentions/{mention_id}").json()["replies"][0]["delivery_state"] == "sent"
        ),
        10,
    )
    assert [m["id"] for m in reply["media"]] == [item["id"]]
    # once attached, the whole team may see it
    assert tom.get(f"/v1/media/{item['id']}").status_code == 200


def test_uploads_are_checked_like_fetched_files(server: TestServer) -> None:
    eva, tom = server.user("eva"), server.user("tom")
    r = upload(eva, SVG, "image/png", filename="x.png")
    assert r.status_code == 422
    assert r.json()["message"] == "The file is an SVG drawing (markup), not an image."
    r = upload(eva, pdf(), "application/pdf")
    assert r.status_code == 422
    r = upload(eva, png(), "image/jpeg")
    assert r.status_code == 422
    assert "but the file is a PNG image" in r.json()["message"]
    # over the limit, whether the route counts it (under 1 MiB) or the body limit stops it:
    # the agent reads the limit in words, not a count of bytes
    for size in (LIMIT, 2 * 1024 * 1024):
        r = upload(eva, b"\x89PNG\r\n\x1a\n" + os.urandom(size), "image/png")
        assert r.status_code == 413
        assert r.json()["message"] == "The file is over the 256 KB limit."
    assert server.anonymous().post("/v1/media", data=png()).status_code == 401
    # an upload nobody attached is its uploader's alone
    mine = upload(eva, png(), "image/png").json()
    assert eva.get(f"/v1/media/{mine['id']}").status_code == 200
    assert tom.get(f"/v1/media/{mine['id']}").status_code == 404
    assert not list((server.db_path.parent / "media").glob("*.part"))


def test_channels_that_cannot_carry_images_refuse_them_at_acceptance(server: TestServer) -> None:
    eva = server.user("eva")
    (mention_id,) = server.add_mentions(1, kind="twitter")
    image = upload(eva, png(), "image/png").json()
    result = reply_with(eva, mention_id, "Zie bijlage. ^Eva", [image["id"]])
    assert result["outcome"] == "rejected"
    assert result["message"] == (
        "This channel's replies cannot carry images from Webcare. Remove the attachment and"
        " send the text alone."
    )
    with server.ctx.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM reply_media").fetchone()[0] == 0
