"""Images on Telegram replies: the connector against the fake Bot API over real HTTP
(``sendPhoto`` for one, ``sendMediaGroup`` for an album, multipart uploads, the Bot API's photo
limits and refusals), and through a real team server: an agent's reply with images reaches the
chat once, quoting the message, and what Telegram would refuse is refused when it is accepted."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.support.channels import reply_row, reply_with, upload
from tests.support.fakes.telegram import FakeTelegram
from tests.support.media import png
from tests.support.server import Api, TestServer, running_server, wait_until
from tests.support.telegram import _mention_id, _telegram_channel, clock, make, reply_to
from webcare.channels import telegram
from webcare.channels.base import OutgoingMedia, OutgoingReply
from webcare.channels.errors import ChannelError, RateLimited


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(clock=clock) as server:
        yield server


@pytest.fixture
def connector(fake: FakeTelegram) -> Iterator[telegram.TelegramConnector]:
    conn = make(fake)
    yield conn
    conn.close()


def image(data: bytes, name: str | None = None, mime: str = "image/png") -> OutgoingMedia:
    return OutgoingMedia("image", mime, data, name, None)


def with_images(message: dict[str, Any], text: str, *images: OutgoingMedia) -> OutgoingReply:
    return replace(reply_to(message, text), media=images)


def uploaded(fake: FakeTelegram, sent: dict[str, Any]) -> bytes:
    """The bytes Telegram keeps for a photo the bot sent."""
    (size,) = sent["photo"]
    return fake.files[size["file_id"]].data


# --- the connector against the fake ------------------------------------------------------------
def test_one_image_is_a_photo_with_the_text_as_caption_quoting_the_message(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    message = fake.message("Welke kabel moet waar?")
    photo = png(400, 300)
    delivered = connector.deliver(
        with_images(message, "Deze, in de gele poort. ^Eva", image(photo, "kabel.png"))
    )
    [sent] = fake.sent
    assert sent["caption"] == "Deze, in de gele poort. ^Eva" and "text" not in sent
    assert sent["reply_to_message"]["message_id"] == message["message_id"]
    assert uploaded(fake, sent) == photo
    assert (sent["photo"][0]["width"], sent["photo"][0]["height"]) == (400, 300)
    assert delivered.platform_post_id == f"{message['chat']['id']}:{sent['message_id']}"
    [call] = fake.calls("/sendPhoto", "POST")
    assert call.headers["content-type"].startswith("multipart/form-data")
    assert fake.calls("/sendMessage") == []


def test_two_to_four_images_are_one_album_whose_first_message_is_the_reply(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    message = fake.message("Hoe sluit ik alles aan?")
    photos = [png(200 + 10 * n, 100) for n in range(3)]
    delivered = connector.deliver(
        with_images(message, "Stap voor stap. ^Eva", *(image(p) for p in photos))
    )
    assert len(fake.calls("/sendMediaGroup", "POST")) == 1  # one call: exactly-once holds
    assert len(fake.sent) == 3
    assert [uploaded(fake, s) for s in fake.sent] == photos
    assert [s.get("caption") for s in fake.sent] == ["Stap voor stap. ^Eva", None, None]
    assert len({s["media_group_id"] for s in fake.sent}) == 1
    assert all(s["reply_to_message"]["message_id"] == message["message_id"] for s in fake.sent)
    assert delivered.platform_post_id == f"{message['chat']['id']}:{fake.sent[0]['message_id']}"


def test_an_image_telegram_would_refuse_is_refused_before_anything_is_sent(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    message = fake.message("hoi")
    too_big = b"\x89PNG\r\n\x1a\n" + os.urandom(12 * 1024 * 1024)
    cases = {
        "Image 2 (groot.png) is 12 MB; Telegram takes photos up to 10 MB.": image(
            too_big, "groot.png"
        ),
        "is 9990×20 pixels; Telegram takes a photo whose width and height add up to at most"
        " 10000 pixels": image(png(9990, 20)),
        "is 50×1200 pixels;": image(png(50, 1200)),  # a ratio of 24
    }
    for words, bad in cases.items():
        with pytest.raises(ChannelError) as refused:
            connector.deliver(with_images(message, "Kijk. ^Eva", image(png()), bad))
        assert refused.value.permanent and words in refused.value.message
    assert fake.calls("/sendPhoto") == [] and fake.calls("/sendMediaGroup") == []
    assert fake.sent == []


def test_the_fakes_refusals_are_said_in_words_and_are_permanent(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    """What the Bot API refuses when the connector's own checks let it through: the caption's
    1024 characters, dimensions, bytes that are no image, a part that is not there."""
    message = fake.message("hoi")
    with pytest.raises(ChannelError) as long:
        connector.deliver(with_images(message, "x" * 1025, image(png())))
    assert long.value.permanent and "1024 characters Telegram takes as an image's caption" in (
        long.value.message
    )
    assert "message caption is too long" in long.value.message
    chat = message["chat"]["id"]

    def send(method: str, payload: dict[str, Any], files: dict[str, Any]) -> ChannelError:
        with pytest.raises(ChannelError) as refused:
            connector._call(method, {"chat_id": chat, **payload}, posts=True, files=files)
        assert refused.value.permanent
        return refused.value

    wide = ("w.png", png(10_001, 1), "image/png")
    assert "PHOTO_INVALID_DIMENSIONS" in send("sendPhoto", {}, {"photo": wide}).message
    heavy = ("h.png", b"\x89PNG\r\n\x1a\n" + os.urandom(telegram.PHOTO_MAX_BYTES), "image/png")
    error = send("sendPhoto", {}, {"photo": heavy})
    assert "Telegram takes photos up to 10 MB" in error.message
    assert "PHOTO_SAVE_FILE_INVALID" in error.message
    junk = ("j.png", b"not an image at all", "image/png")
    error = send("sendPhoto", {}, {"photo": junk})
    assert "Telegram could not read the image" in error.message
    assert "IMAGE_PROCESS_FAILED" in error.message
    album = [{"type": "photo", "media": "attach://a"}, {"type": "photo", "media": "attach://b"}]
    error = send("sendMediaGroup", {"media": album}, {"a": ("a.png", png(), "image/png")})
    assert "media not found" in error.message
    one = [{"type": "photo", "media": "attach://a"}]
    assert "2-10 items" in send("sendMediaGroup", {"media": one}, {"a": wide}).message
    eleven = [{"type": "photo", "media": f"attach://p{n}"} for n in range(11)]
    files = {f"p{n}": ("p.png", png(), "image/png") for n in range(11)}
    error = send("sendMediaGroup", {"media": eleven}, files)
    assert "too much messages to send as an album" in error.message
    assert fake.sent == []


def test_a_request_too_large_is_413_and_known_not_to_have_posted(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    message = fake.message("hoi")
    fake.max_request_bytes = 4096  # the 50 MB of a multipart request, scaled down
    padded = png(300, 300, (1, 2, 3)) + os.urandom(8000)
    with pytest.raises(ChannelError) as refused:
        connector.deliver(with_images(message, "Kijk. ^Eva", image(padded)))
    assert refused.value.permanent and refused.value.status == 413
    assert refused.value.message.startswith("Telegram refused the upload as too large")
    assert "May have been posted" not in refused.value.message
    # the 413 of the nginx in front of the Bot API, as a page: nothing was sent either
    fake.max_request_bytes = telegram.PHOTO_MAX_BYTES * 5
    page = b"<html><head><title>413 Request Entity Too Large</title></head></html>"
    fake.fail_next(1, 413, body=page, path="/sendPhoto")
    with pytest.raises(ChannelError) as proxy:
        connector.deliver(with_images(message, "Kijk. ^Eva", image(png())))
    assert proxy.value.permanent and "too large" in proxy.value.message
    assert "May have been posted" not in proxy.value.message
    assert fake.sent == []


def test_flood_control_on_a_photo_is_retried_after_retry_after(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    message = fake.message("hoi")
    reply = with_images(message, "Kijk. ^Eva", image(png()), image(png(80, 60)))
    fake.flood_next(5, method="sendMediaGroup")
    with pytest.raises(RateLimited) as caught:
        connector.deliver(reply)
    assert caught.value.retry_after_s == 5.0 and not caught.value.permanent
    assert fake.sent == []
    connector.deliver(reply)
    assert len(fake.sent) == 2


def test_an_album_sent_in_part_or_without_an_answer_is_never_sent_again_by_itself(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    message = fake.message("hoi")
    reply = with_images(message, "Kijk. ^Eva", *(image(png(60 + n, 40)) for n in range(3)))
    fake.album_fails_at = 2
    with pytest.raises(ChannelError) as part:
        connector.deliver(reply)
    assert part.value.permanent
    assert part.value.message.startswith("May have been posted in part")
    assert len(fake.sent) == 1
    fake.lose_next_ack()
    with pytest.raises(ChannelError) as lost:
        connector.deliver(reply)
    assert lost.value.permanent and lost.value.message.startswith("May have been posted")
    assert len(fake.sent) == 4  # the album went out once; nothing more
    assert len(fake.calls("/sendMediaGroup")) == 2


def test_a_group_that_became_a_supergroup_gets_the_photo_there_once(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    old = fake.group(-4012345678, "Oude groep")
    new = fake.group(-1004012345678, "Oude groep")
    old.migrated_to = new.id
    message = fake.mention_in_group("@webcare_test_bot help", old, fake.user())
    delivered = connector.deliver(with_images(message, "Zo. ^Eva", image(png())))
    [sent] = fake.sent
    assert sent["chat"]["id"] == new.id and delivered.platform_post_id.startswith(f"{new.id}:")
    assert len(fake.calls("/sendPhoto")) == 2


def test_the_spec_says_what_telegram_takes() -> None:
    spec = telegram.SPEC
    assert spec.can_attach and spec.attach_max_bytes == 10 * 1024 * 1024
    assert spec.caption_limit == 1024 and spec.attach_max_count is None


# --- through a real team server ----------------------------------------------------------------
@pytest.fixture
def server(tmp_path: Path) -> Iterator[TestServer]:
    with running_server(tmp_path, delivery_base_s=0.05, channel_tick_s=0.05) as srv:
        yield srv


def arrived(server: TestServer, fake: FakeTelegram, text: str) -> tuple[dict[str, Any], int]:
    message = fake.message(text)
    source = f"{message['chat']['id']}:{message['message_id']}"
    assert wait_until(lambda: _mention_id(server, source) is not None, 10)
    mid = _mention_id(server, source)
    assert mid is not None
    return message, mid


def images(api: Api, *sizes: tuple[int, int]) -> list[int]:
    ids = []
    for n, (width, height) in enumerate(sizes):
        r = upload(api, png(width, height, (n, 80, 160)), "image/png", filename=f"stap-{n}.png")
        assert r.status_code == 201, r.text
        ids.append(int(r.json()["id"]))
    return ids


def test_an_agents_reply_with_an_image_or_an_album_reaches_the_chat_once(
    server: TestServer,
) -> None:
    with FakeTelegram() as fake:
        _telegram_channel(server, fake)
        eva = server.user("eva")
        message, mid = arrived(server, fake, "Waar zit de resetknop?")
        [one] = images(eva, (320, 240))
        result = reply_with(eva, mid, "Achterop, links onder. ^Eva", [one])
        assert result["outcome"] == "accepted", result
        reply_id = result["entity_id"]
        assert wait_until(lambda: reply_row(server, reply_id)["delivery_state"] == "sent", 10)
        [sent] = fake.sent
        assert sent["caption"] == "Achterop, links onder. ^Eva"
        assert sent["reply_to_message"]["message_id"] == message["message_id"]
        assert uploaded(fake, sent) == png(320, 240, (0, 80, 160))
        assert reply_row(server, reply_id)["platform_post_id"] == (
            f"{message['chat']['id']}:{sent['message_id']}"
        )
        # three images: one album, quoting the customer's next message
        later, later_id = arrived(server, fake, "En de kabels?")
        three = images(eva, (200, 100), (210, 100), (220, 100))
        result = reply_with(eva, later_id, "Zo gaat het. ^Eva", three, seq=2)
        assert result["outcome"] == "accepted", result
        album_id = result["entity_id"]
        assert wait_until(lambda: reply_row(server, album_id)["delivery_state"] == "sent", 10)
        time.sleep(0.3)
        assert len(fake.calls("/sendMediaGroup")) == 1 and len(fake.calls("/sendPhoto")) == 1
        album = fake.sent[1:]
        assert [s.get("caption") for s in album] == ["Zo gaat het. ^Eva", None, None]
        assert all(s["reply_to_message"]["message_id"] == later["message_id"] for s in album)
        assert [(s["photo"][0]["width"]) for s in album] == [200, 210, 220]
        assert reply_row(server, album_id)["platform_post_id"] == (
            f"{later['chat']['id']}:{album[0]['message_id']}"
        )


def test_flood_control_on_an_image_reply_waits_as_long_as_telegram_says(
    server: TestServer,
) -> None:
    with FakeTelegram() as fake:
        _telegram_channel(server, fake)
        eva = server.user("eva")
        _message, mid = arrived(server, fake, "hoi")
        fake.flood_next(1, method="sendPhoto")
        started = time.monotonic()
        result = reply_with(eva, mid, "Kijk. ^Eva", images(eva, (64, 48)))
        reply_id = result["entity_id"]
        assert wait_until(lambda: reply_row(server, reply_id)["delivery_state"] == "sent", 10)
        assert time.monotonic() - started >= 0.9  # not before Telegram's retry_after
        assert len(fake.sent) == 1 and len(fake.calls("/sendPhoto")) == 2
        assert reply_row(server, reply_id)["delivery_attempts"] == 2


def test_what_telegram_would_refuse_is_refused_when_the_reply_is_accepted(
    server: TestServer,
) -> None:
    with FakeTelegram() as fake:
        _telegram_channel(server, fake)
        eva = server.user("eva")
        _message, mid = arrived(server, fake, "hoi")
        four = images(eva, (64, 48))
        # the caption: 1024 characters as Telegram counts them (code points); the text alone
        # may be 4096
        long = "é" * 1020 + "😀😀😀😀 ^E"
        assert len(long) == 1027
        refused = reply_with(eva, mid, long, four[:1])
        assert (refused["outcome"], refused["reason"]) == ("rejected", "too_long")
        assert refused["message"] == (
            "With images the reply is their caption, and Telegram takes a caption of at most"
            " 1024 characters; this one is 1027. Shorten it, or send the images with a short"
            " text and the rest in a reply of its own."
        )
        assert refused["body"] == long
        fits = "😀" * 1024
        big = upload(eva, b"\x89PNG\r\n\x1a\n" + os.urandom(11 * 1024 * 1024), "image/png",
                     filename="scan.png")  # fmt: skip
        assert big.status_code == 201, big.text
        refused = reply_with(eva, mid, fits, [big.json()["id"]], seq=2)
        assert refused["message"] == "scan.png is 11 MB; Telegram takes images up to 10 MB."
        accepted = reply_with(eva, mid, fits, four[:1], seq=3)
        assert accepted["outcome"] == "accepted", accepted
        assert wait_until(lambda: len(fake.sent) == 1, 10)
        assert fake.sent[0]["caption"] == fits
        assert fake.calls("/sendMessage") == []  # the refused ones never went anywhere
