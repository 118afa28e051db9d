"""The existing connectors fill ``IncomingMention.media`` and fetch the files with the channel's
credentials, against their fakes over real HTTP / IMAP; Bluesky and e-mail deliver a reply's
image. (The team server's checks and storage: ``test_media.py``.)"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage

import pytest

from tests.support.bluesky import make as make_bluesky
from tests.support.bluesky import reply_to as bluesky_reply
from tests.support.connectors import build
from tests.support.fakes.bluesky import FakeBluesky
from tests.support.fakes.mail import Dovecot, MailServer, dovecot, mail_server
from tests.support.fakes.mastodon import FakeMastodon
from tests.support.fakes.twitter import BRAND_ID, FakeX
from tests.support.fakes.twitter import TOKEN as X_TOKEN
from tests.support.media import pdf, png
from webcare.channels import mastodon, registry
from webcare.channels.base import ChannelInfo, MediaRef, OutgoingMedia, OutgoingReply
from webcare.channels.errors import ChannelError, MediaTooLarge
from webcare.channels.mail import MailConnector
from webcare.channels.twitter import TwitterConnector

NOW = 1_760_000_000.0
MAIL_INFO = ChannelInfo(kind="email", name="support@example.com", brand="Example Rail")


@pytest.fixture
def bsky() -> Iterator[FakeBluesky]:
    with FakeBluesky(clock=lambda: NOW) as server:
        yield server


def test_bluesky_images_become_refs_fetched_with_get_blob(bsky: FakeBluesky) -> None:
    image = png(120, 90)
    bsky.add_mention("@brand kijk hier", images=[(image, "image/png", "De foutmelding")])
    conn = make_bluesky(bsky)
    try:
        [batch] = conn.fetch(None)
        (mention,) = batch.mentions
        (ref,) = mention.media
        assert (ref.kind, ref.mime, ref.size, ref.caption) == (
            "image", "image/png", len(image), "De foutmelding",
        )  # fmt: skip
        assert ref.ref == f"{mention.author.platform_user_id}/" + next(iter(bsky.blobs))
        blob = conn.fetch_media(ref, max_bytes=1024 * 1024)
        assert blob.data == image
        assert blob.mime == "image/png"
        with pytest.raises(MediaTooLarge):
            conn.fetch_media(ref, max_bytes=len(image) - 1)
        gone = dataclasses.replace(ref, ref=ref.ref.rsplit("/", 1)[0] + "/bafkreimissing0000")
        with pytest.raises(ChannelError) as refused:
            conn.fetch_media(gone, max_bytes=1024 * 1024)
        assert refused.value.permanent
    finally:
        conn.close()


def test_bluesky_reply_embeds_its_image_and_a_retry_posts_once(bsky: FakeBluesky) -> None:
    note = bsky.add_mention("@brand waar is de knop?")
    image = png(200, 100)
    reply = dataclasses.replace(
        bluesky_reply(note, "Hier zit hij. ^Eva"),
        media=(OutgoingMedia("image", "image/png", image, "knop.png", "De resetknop"),),
    )
    conn = make_bluesky(bsky)
    try:
        bsky.lose_next_ack()
        with pytest.raises(ChannelError):
            conn.deliver(reply)
        delivered = conn.deliver(reply)  # the retry finds the post made by the first attempt
        (record,) = bsky.records.values()
        assert delivered.platform_post_id == record["uri"]
        (embedded,) = record["value"]["embed"]["images"]
        assert embedded["alt"] == "De resetknop"
        assert bsky.blobs[embedded["image"]["ref"]["$link"]] == (image, "image/png")
        too_big = dataclasses.replace(
            reply,
            reference="r-2",
            media=(OutgoingMedia("image", "image/png", b"\x89PNG" + bytes(1_000_001)),),
        )
        with pytest.raises(ChannelError) as refused:
            conn.deliver(too_big)
        assert refused.value.permanent
        assert "1,000,000 bytes" in refused.value.message
    finally:
        conn.close()


def test_mastodon_downloads_send_the_token_only_to_the_instance() -> None:
    with FakeMastodon() as instance, FakeMastodon() as cdn:
        image = png()
        on_instance = instance.add_file("a.png", image, "image/png")
        elsewhere = cdn.add_file("b.png", image, "image/png")
        info = ChannelInfo(kind="mastodon", name="M", brand="B")
        conn = build(mastodon.MastodonConnector, info, {"base_url": instance.base_url},
                               {"access_token": instance.token})  # fmt: skip
        try:
            for url in (on_instance, elsewhere):
                blob = conn.fetch_media(MediaRef("image", url), max_bytes=1024 * 1024)
                assert blob.data == image
        finally:
            conn.close()
        assert instance.file_auth == [f"Bearer {instance.token}"]
        assert cdn.file_auth == [None]  # another host never sees the channel's token


def test_a_download_stops_at_the_limit_without_reading_the_rest() -> None:
    with FakeMastodon() as instance:
        body = os.urandom(4 * 1024 * 1024)
        url = instance.add_file("big.bin", body, "video/mp4", announce_length=False)
        info = ChannelInfo(kind="mastodon", name="M", brand="B")
        conn = build(mastodon.MastodonConnector, info, {"base_url": instance.base_url},
                               {"access_token": instance.token})  # fmt: skip
        try:
            with pytest.raises(MediaTooLarge) as exc:
                conn.fetch_media(MediaRef("video", url), max_bytes=100_000)
            assert exc.value.size is None
            assert exc.value.message == "The file is over the 98 KB limit."
            assert conn.fetch_media(
                MediaRef("document", instance.add_file("f.pdf", pdf(), "application/pdf")),
                max_bytes=100_000,
            ).data.startswith(b"%PDF")
        finally:
            conn.close()


# --- e-mail (a real Dovecot and SMTP server) ----------------------------------------------------


@pytest.fixture(scope="module")
def imap() -> Iterator[Dovecot]:
    with dovecot() as running:
        yield running


@pytest.fixture
def mailbox(imap: Dovecot) -> Iterator[MailServer]:
    with mail_server(imap) as state:
        yield state


def test_mail_attachments_are_refs_read_again_part_by_part(mailbox: MailServer) -> None:
    image, document = png(80, 60), pdf()
    big = os.urandom(700 * 1024)  # more than fetch reads of a message (512 KiB)
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = "Jan <jan@klant.nl>"
    msg["To"] = "support@example.com"
    msg["Subject"] = "Foto van de meter"
    msg["Message-ID"] = "<att-1@klant.nl>"
    msg.set_content("Zie de bijlagen.")
    msg.add_related(image, maintype="image", subtype="png", cid="<meter@klant.nl>")
    msg.add_attachment(document, maintype="application", subtype="pdf", filename="factuur.pdf")
    msg.add_attachment(big, maintype="video", subtype="mp4", filename="filmpje.mp4")
    mailbox.drop(msg.as_bytes())
    conn = registry.create("email", MAIL_INFO, mailbox.config, mailbox.secrets)
    assert isinstance(conn, MailConnector)
    [batch] = conn.fetch(None)
    (mention,) = batch.mentions
    assert mention.text == "Foto van de meter\n\nZie de bijlagen."
    refs = mention.media
    assert [(r.kind, r.mime, r.filename) for r in refs] == [
        ("image", "image/png", None),
        ("document", "application/pdf", "factuur.pdf"),
        ("video", "video/mp4", "filmpje.mp4"),
    ]
    assert conn.fetch_media(refs[0], max_bytes=1024 * 1024).data == image
    assert conn.fetch_media(refs[1], max_bytes=1024 * 1024).data == document
    assert conn.fetch_media(refs[2], max_bytes=1024 * 1024).data == big
    with pytest.raises(MediaTooLarge):
        conn.fetch_media(refs[2], max_bytes=100 * 1024)
    mailbox.set_uidvalidity(777)
    with pytest.raises(ChannelError) as gone:
        conn.fetch_media(refs[0], max_bytes=1024 * 1024)
    assert gone.value.permanent


def test_mail_reply_carries_its_image_as_an_attachment(mailbox: MailServer) -> None:
    conn = registry.create("email", MAIL_INFO, mailbox.config, mailbox.secrets)
    image = png(30, 30)
    reply = OutgoingReply(
        reference="r-mail-1",
        text="Zo zit de kabel goed. ^Eva",
        mention_source_id="m1@klant.nl",
        author_handle="jan@klant.nl",
        mention_meta={"message_id": "<m1@klant.nl>", "subject": "Kabel", "reply_to": ""},
        media=(OutgoingMedia("image", "image/png", image, "kabel.png", "De goede aansluiting"),),
    )
    conn.deliver(reply)
    (sent,) = mailbox.customer_messages("jan@klant.nl")
    (attached,) = list(sent.iter_attachments())
    assert attached.get_filename() == "kabel.png"
    assert attached.get_content_type() == "image/png"
    assert attached.get_content() == image
    assert attached["Content-Description"] == "De goede aansluiting"
    body = sent.get_body(("plain",))
    assert body is not None and "Zo zit de kabel goed." in body.get_content()


def test_x_photos_and_videos_become_refs_fetched_without_the_token() -> None:
    with FakeX() as x, FakeMastodon() as cdn:
        photo, clip = png(50, 50), os.urandom(2048)
        photo_url = cdn.add_file("pic.png", photo, "image/png")
        video_url = cdn.add_file("clip.mp4", clip, "video/mp4")
        customer = x.add_user("jan", "Jan", followers=3)
        x.add_mention(
            "@brand het scherm is zwart",
            customer,
            media=[
                {"media_key": "3_1", "type": "photo", "url": photo_url, "alt_text": "Zwart scherm"},
                {"media_key": "7_2", "type": "video", "preview_image_url": photo_url,
                 "variants": [
                     {"content_type": "application/x-mpegURL", "url": video_url + ".m3u8"},
                     {"bit_rate": 256000, "content_type": "video/mp4", "url": video_url + "?lo"},
                     {"bit_rate": 2176000, "content_type": "video/mp4", "url": video_url},
                 ]},
            ],
        )  # fmt: skip
        conn = TwitterConnector(
            ChannelInfo(kind="twitter", name="@brand on X", brand="Brand", handle="@brand"),
            token=X_TOKEN, api_base=x.url, user_id=BRAND_ID,
        )  # fmt: skip
        try:
            [batch] = conn.fetch(None)
            (mention,) = batch.mentions
            image_ref, video_ref = mention.media
            assert (image_ref.kind, image_ref.ref, image_ref.caption) == (
                "image", photo_url, "Zwart scherm",
            )  # fmt: skip
            assert (video_ref.kind, video_ref.ref, video_ref.mime) == (
                "video", video_url, "video/mp4",
            )  # fmt: skip
            assert conn.fetch_media(image_ref, max_bytes=1 << 20).data == photo
            assert conn.fetch_media(video_ref, max_bytes=1 << 20).data == clip
        finally:
            conn.close()
        assert cdn.file_auth == [None, None]  # X's token stays with X
