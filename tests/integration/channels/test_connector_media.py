"""The existing connectors fill ``IncomingMention.media`` and fetch the files with the channel's
credentials, against their fakes over real HTTP / IMAP; Bluesky and e-mail deliver a reply's
image. (The team server's checks and storage: ``test_media.py``.)"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator

import pytest

from tests.integration.channels.test_bluesky import make as make_bluesky
from tests.integration.channels.test_bluesky import reply_to as bluesky_reply
from tests.support.fakes.bluesky import FakeBluesky
from tests.support.fakes.mastodon import FakeMastodon
from tests.support.media import pdf, png
from webcare.channels import mastodon
from webcare.channels.base import ChannelInfo, MediaRef, OutgoingMedia
from webcare.channels.errors import ChannelError, MediaTooLarge

NOW = 1_760_000_000.0


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
        conn = mastodon.create(info, {"base_url": instance.base_url},
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
        conn = mastodon.create(info, {"base_url": instance.base_url},
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
