"""The Telegram connector against a fake Bot API speaking real HTTP: long polling with the
offset as cursor, what becomes a mention, replies that quote the message, errors and limits,
files, webhook mode; and on a real team server: delivered once, refused in words, interrupted
replies never resent by themselves."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.support.channels import (
    claim_and_reply,
    mention,
    mention_ids,
    push,
    reply_row,
    webhook_channel,
)
from tests.support.connectors import build
from tests.support.fakes.receiver import receiver
from tests.support.fakes.telegram import BOT_ID, BOT_USERNAME, FakeTelegram
from tests.support.server import running_server, wait_until
from tests.support.telegram import INFO, NOW, _mention_id, _telegram_channel, clock, make, reply_to
from webcare.channels import telegram
from webcare.channels.base import MediaRef
from webcare.channels.errors import (
    AuthFailed,
    ChannelError,
    MediaTooLarge,
    NotConfigured,
    RateLimited,
)
from webcare.server.runner import ChannelRunner
from webcare.storage.server_schema import open_server_db


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(clock=clock) as server:
        yield server


@pytest.fixture
def connector(fake: FakeTelegram) -> Iterator[telegram.TelegramConnector]:
    conn = make(fake)
    yield conn
    conn.close()


def sent_json(fake: FakeTelegram, index: int = -1) -> Any:
    return fake.calls("/sendMessage", "POST")[index].json()


# --- receiving ---------------------------------------------------------------------------------
def test_a_private_message_becomes_a_mention(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    jan = fake.user("Jan", "de Vries", "jandevries", language_code="nl")
    message = fake.message("Waar blijft mijn pakket?", sender=jan, date=NOW - 90)
    [batch] = connector.fetch(None)
    assert batch.channel == INFO and batch.skipped == [] and batch.more is True
    [mention] = batch.mentions
    assert mention.source_id == f"{jan['id']}:{message['message_id']}"
    assert mention.text == "Waar blijft mijn pakket?"
    assert mention.created_at == NOW - 90
    assert (mention.author.platform_user_id, mention.author.handle, mention.author.name) == (
        str(jan["id"]),
        "@jandevries",
        "Jan de Vries",
    )
    assert mention.url is None and mention.parent_source_id is None
    assert dict(mention.meta) == {
        "chat_id": str(jan["id"]),
        "message_id": str(message["message_id"]),
        "chat_type": "private",
        "user_language": "nl",
    }
    assert batch.cursor == f"{fake.next_update_id}@{int(NOW)}"  # the last update id + 1
    [poll] = fake.calls("/getUpdates")
    body = poll.json()
    assert body == {"timeout": 1, "limit": 100, "allowed_updates": ["message", "edited_message"]}
    assert telegram.POLL_TIMEOUT_S == 20  # what a channel waits by default
    # someone without a username is named by their name; the bot asked who it is only once
    piet = fake.user("Piet", None, None)
    fake.message("Hallo?", sender=piet)
    [second] = connector.fetch(batch.cursor)
    assert second.mentions[0].author.handle == "Piet"
    assert second.mentions[0].author.name == "Piet"
    assert len(fake.calls("/getMe")) == 1
    assert len(fake.calls("/getWebhookInfo")) == 1


def test_the_offset_confirms_so_a_restart_neither_loses_nor_repeats(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    for i in range(3):
        fake.message(f"bericht {i}", date=NOW - 60 + i)
    [first] = connector.fetch(None)
    assert [m.text for m in first.mentions] == ["bericht 0", "bericht 1", "bericht 2"]
    # the server died before committing: its cursor never moved, and nothing was confirmed
    again = make(fake)
    try:
        [replayed] = again.fetch(None)
        assert [m.source_id for m in replayed.mentions] == [m.source_id for m in first.mentions]
        assert replayed.cursor == first.cursor
        # committed now: the next call confirms, and Telegram forgets them
        fake.message("bericht 3")
        [after] = again.fetch(replayed.cursor)
        assert [m.text for m in after.mentions] == ["bericht 3"]
        assert first.cursor is not None and after.cursor is not None
        assert fake.calls("/getUpdates")[-1].json()["offset"] == int(first.cursor.split("@")[0])
        assert fake.pending_ids() == [int(after.cursor.split("@")[0]) - 1]
        [nothing] = again.fetch(after.cursor)
        assert nothing.mentions == [] and nothing.cursor is None  # the stored cursor stays
        assert fake.pending_ids() == []
    finally:
        again.close()


def test_more_than_a_page_is_taken_in_pages(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    for i in range(130):
        fake.message(f"nummer {i}")
    [page] = connector.fetch(None)
    assert len(page.mentions) == 100 and page.more is True
    [rest] = connector.fetch(page.cursor)
    assert [m.text for m in rest.mentions] == [f"nummer {i}" for i in range(100, 130)]


def test_the_long_poll_waits_at_telegram_and_returns_when_a_message_comes(
    fake: FakeTelegram,
) -> None:
    conn = make(fake, poll_s=2)
    try:
        started = time.monotonic()
        [empty] = conn.fetch(None)
        waited = time.monotonic() - started
        assert empty.mentions == [] and empty.cursor is None
        assert 1.8 <= waited < 5  # it really waited, then asks to be called again at once
        assert empty.more is True
        timer = threading.Timer(0.4, lambda: fake.message("Ben je daar?"))
        timer.start()
        started = time.monotonic()
        [batch] = conn.fetch(None)
        assert [m.text for m in batch.mentions] == ["Ben je daar?"]
        assert time.monotonic() - started < 1.6  # right when it came, not at the timeout
        timer.join()
    finally:
        conn.close()


def test_interrupt_gives_up_the_wait_and_loses_nothing(fake: FakeTelegram) -> None:
    conn = make(fake, poll_s=20)
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(conn.fetch(None)))
    started = time.monotonic()
    thread.start()
    assert wait_until(lambda: len(fake.calls("/getUpdates")) == 1, 5)
    conn.interrupt()
    thread.join(5)
    assert not thread.is_alive() and result == [[]]
    assert time.monotonic() - started < 3
    conn.close()
    fake.message("na de herstart")  # nothing was confirmed: a new connector still gets it
    other = make(fake)
    try:
        [batch] = other.fetch(None)
        assert [m.text for m in batch.mentions] == ["na de herstart"]
    finally:
        other.close()


def test_in_groups_only_what_is_meant_for_the_bot_is_a_mention(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    group = fake.group(-1001234567890, "KPN Klanten", username="kpnklanten")
    anna, bob = fake.user("Anna", None, "anna"), fake.user("Bob", "B", "bob")
    fake.message("Iemand anders ook storing?", sender=anna, chat=group)  # chatter: not for us
    mentioned = fake.mention_in_group(f"😀 @{BOT_USERNAME} mijn tv doet het niet", group, bob)
    ours = fake.posted(group, "Ik kijk even mee")  # the bot answered someone earlier
    answered = fake.message("Dank, nog steeds stuk", sender=anna, chat=group, reply_to=ours)
    fake.message(f"/help@{BOT_USERNAME}", sender=anna, chat=group,
                 entities=[{"type": "bot_command", "offset": 0, "length": 22}])  # fmt: skip
    fake.message(f"Hoi @{BOT_USERNAME.upper()}, hulp?", sender=bob, chat=group)  # no entities
    [batch] = connector.fetch(None)
    assert [m.text for m in batch.mentions] == [
        f"😀 @{BOT_USERNAME} mijn tv doet het niet",
        "Dank, nog steeds stuk",
        f"/help@{BOT_USERNAME}",
        f"Hoi @{BOT_USERNAME.upper()}, hulp?",
    ]
    first, second = batch.mentions[:2]
    assert first.source_id == f"-1001234567890:{mentioned['message_id']}"
    assert first.url == f"https://t.me/kpnklanten/{mentioned['message_id']}"
    assert first.meta["chat_type"] == "supergroup" and first.meta["chat_title"] == "KPN Klanten"
    assert second.parent_source_id == f"-1001234567890:{ours['message_id']}"
    assert second.source_id == f"-1001234567890:{answered['message_id']}"
    assert batch.skipped == []  # the chatter was passed over, not reported
    assert fake.pending_ids() != [] and connector.fetch(batch.cursor)[0].mentions == []
    assert fake.pending_ids() == []  # and acknowledged with the rest
    # with every group message wanted, the chatter comes too
    everything = make(fake, all_group_messages=True)
    try:
        fake.message("Gewoon een vraag", sender=anna, chat=group)
        [all_batch] = everything.fetch(None)
        assert [m.text for m in all_batch.mentions] == ["Gewoon een vraag"]
    finally:
        everything.close()


def test_what_is_not_a_mention_is_acknowledged_and_malformed_updates_are_reported(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    jan = fake.user()
    chat = fake.private_chat(jan)
    fake.add_update({"callback_query": {"id": "1", "from": jan, "data": "x"}})
    fake.add_update({"my_chat_member": {"chat": chat.json(), "from": jan, "date": int(NOW)}})
    fake.message(None, sender=jan, new_chat_members=[jan])  # a service message
    fake.message("/start", sender=jan)  # opening the bot
    other_bot = {"id": 42, "is_bot": True, "first_name": "Spam", "username": "spam_bot"}
    fake.message("koop nu", sender=other_bot, chat=chat)
    broken = fake.add_update({"message": {"text": "zonder id", "chat": chat.json()}})
    fake.add_update({"message": {"message_id": 9, "chat": chat.json(), "from": jan,
                                 "date": "gisteren", "text": "x"}})  # fmt: skip
    good = fake.message("/start bestelling-8812", sender=jan)  # a deep link says something
    [batch] = connector.fetch(None)
    assert [m.text for m in batch.mentions] == ["/start bestelling-8812"]
    assert batch.mentions[0].source_id.endswith(f":{good['message_id']}")
    assert batch.skipped == [
        f"update {broken['update_id']}: the message has no message_id or chat id",
        f"update {broken['update_id'] + 1}: message {jan['id']}:9: date is not a time",
    ]
    assert batch.cursor is not None and batch.cursor.startswith(f"{fake.next_update_id}@")


def test_only_the_allowed_chats_are_read(fake: FakeTelegram) -> None:
    jan, piet = fake.user(), fake.user("Piet", None, "piet")
    conn = make(fake, allowed_chat_ids=[str(jan["id"])])
    try:
        fake.message("van jan", sender=jan)
        fake.message("van piet", sender=piet)
        [batch] = conn.fetch(None)
        assert [m.text for m in batch.mentions] == ["van jan"]
    finally:
        conn.close()
    with pytest.raises(NotConfigured, match="not a chat id"):
        make(fake, allowed_chat_ids=["kpn"])


def test_an_edit_changes_nothing_stored_but_an_edit_that_adds_the_mention_counts(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    jan = fake.user()
    original = fake.message("Mijn pakket is er niet", sender=jan)
    fake.message("Mijn pakket is er nog steeds niet", sender=jan, edited_of=original)
    [batch] = connector.fetch(None)
    [mention] = batch.mentions  # the message once, as it was first written
    assert mention.text == "Mijn pakket is er niet" and "edited" not in mention.meta
    # a later edit of a stored message comes under the same id: the server's UNIQUE keeps one
    fake.message("Laat maar, hij is er", sender=jan, edited_of=original)
    [later] = connector.fetch(batch.cursor)
    assert later.mentions[0].source_id == mention.source_id
    # in a group, a message edited to mention the bot is the first time we see it
    group = fake.group()
    plain = fake.message("storing in Delft?", sender=jan, chat=group)
    fake.message(f"storing in Delft? @{BOT_USERNAME}", sender=jan, chat=group, edited_of=plain)
    [edited] = connector.fetch(later.cursor)
    [taken] = edited.mentions
    assert taken.text == f"storing in Delft? @{BOT_USERNAME}" and taken.meta["edited"] == "1"


def test_a_stale_cursor_is_not_sent_as_the_offset(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    # "If there are no new updates for at least a week, then identifier of the next update
    # will be chosen randomly": a week-old offset could hide it
    fake.next_update_id = 17
    fake.message("na een rustige week")
    [batch] = connector.fetch(f"900000000@{int(NOW - 8 * 86400)}")
    assert "offset" not in fake.calls("/getUpdates")[-1].json()
    assert [m.text for m in batch.mentions] == ["na een rustige week"]
    assert batch.cursor == f"18@{int(NOW)}"


# --- media -------------------------------------------------------------------------------------
def test_media_are_named_in_the_text_and_listed_for_the_fetcher(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    sizes = fake.photo_sizes((90, 67, 1_342), (1280, 960, 156_203), (2560, 1920, 21_000_000))
    photo = fake.message(None, photo=sizes, caption="Zo kwam de doos aan")
    voice = fake.add_file(b"OggS" + b"\0" * 40, "voice/file_3.oga")
    voice_item = {
        "file_id": voice.file_id,
        "file_unique_id": voice.file_unique_id,
        "duration": 7,
        "mime_type": "audio/ogg",
        "file_size": 44,
    }
    fake.message(None, voice=voice_item)
    sticker = {
        "file_id": "CAACAgI",
        "file_unique_id": "AgAD",
        "type": "regular",
        "is_animated": True,
        "is_video": False,
        "emoji": "😡",
        "width": 512,
        "height": 512,
    }
    fake.message(None, sticker=sticker)
    document = {
        "file_id": "BQACAgQ",
        "file_unique_id": "AgADx",
        "file_name": "factuur.pdf",
        "mime_type": "application/pdf",
        "file_size": 81_234,
    }
    fake.message(None, document=document)
    [batch] = connector.fetch(None)
    assert [m.text for m in batch.mentions] == [
        "Zo kwam de doos aan\n[photo]",
        "[voice message 0:07]",
        "[sticker 😡]",
        "[document: factuur.pdf]",
    ]
    # each mention carries its files for the team server to fetch
    assert [[(r.kind, r.ref) for r in m.media] for m in batch.mentions] == [
        [("image", sizes[1]["file_id"])],
        [("audio", voice.file_id)],
        [("sticker", "CAACAgI")],
        [("document", "BQACAgQ")],
    ]
    # the largest photo that a bot may download (the 21 MB one may not)
    [image] = telegram.media_refs(photo)
    assert (image.kind, image.ref, image.mime, image.size) == (
        "image",
        sizes[1]["file_id"],
        "image/jpeg",
        156_203,
    )
    [small] = telegram.media_refs(photo, max_bytes=10_000)
    assert small.ref == sizes[0]["file_id"]
    updates = [u for _id, _at, u in fake.updates]
    refs = [telegram.media_refs(u["message"]) for u in updates[1:]]
    assert [(r.kind, r.mime, r.filename) for [r] in refs] == [
        ("audio", "audio/ogg", None),
        ("sticker", "application/x-tgsticker", None),
        ("document", "application/pdf", "factuur.pdf"),
    ]
    gif = {"animation": {"file_id": "CgAC", "mime_type": "video/mp4"},
           "document": {"file_id": "CgAC", "mime_type": "video/mp4"}}  # fmt: skip
    assert [(r.kind, r.ref) for r in telegram.media_refs(gif)] == [("video", "CgAC")]


def test_fetch_media_downloads_with_the_token_and_refuses_what_is_too_big(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    voice = fake.add_file(b"OggS-voice-bytes", "voice/file_3.oga")  # octet-stream, as Telegram
    download = connector.fetch_media(MediaRef("audio", voice.file_id))
    assert (download.data, download.mime) == (b"OggS-voice-bytes", "audio/ogg")
    [get] = [r for r in fake.requests if r.path.startswith("/file/")]
    assert get.path == f"/file/bot{fake.token}/voice/file_3.oga"
    # Telegram refuses a file over 20 MB; so do we, with the reason, before downloading it
    huge = fake.add_file(b"x", "videos/file_9.mp4", size=25 * 1024 * 1024)
    with pytest.raises(ChannelError) as too_big:
        connector.fetch_media(MediaRef("video", huge.file_id))
    assert too_big.value.permanent
    assert too_big.value.message == (
        "The file is over 20 MB; a Telegram bot may download at most 20 MB, so it is not shown"
        " here. Open it in Telegram (Bad Request: file is too big)."
    )
    # over the server's own limit: refused by the size getFile gives, before any download
    video = fake.add_file(b"x" * 100, "videos/file_8.mp4", size=5 * 1024 * 1024)
    with pytest.raises(ChannelError) as over_limit:
        connector.fetch_media(MediaRef("video", video.file_id), max_bytes=1024 * 1024)
    assert isinstance(over_limit.value, MediaTooLarge)  # refused by the server like any file
    assert not isinstance(too_big.value, MediaTooLarge)  # Telegram will not give it: failed
    assert over_limit.value.permanent and over_limit.value.message == (
        "The file is 5.0 MB, more than 1.0 MB, the most this server takes; open it in Telegram."
    )
    assert len([r for r in fake.requests if r.path.startswith("/file/")]) == 1
    assert fake.token not in too_big.value.message
    # the server's own limit holds while the bytes come (getFile may not say the size)
    doc = fake.add_file(b"%PDF" + b"x" * 5000, "documents/file_4.pdf")
    doc.report_size = False
    with pytest.raises(ChannelError) as over:
        connector.fetch_media(MediaRef("document", doc.file_id), max_bytes=1000)
    assert over.value.permanent and isinstance(over.value, MediaTooLarge)
    assert over.value.message == (
        "The file is over 1000 bytes, the most this server takes; open it in Telegram."
    )
    with pytest.raises(ChannelError) as unknown:
        connector.fetch_media(MediaRef("document", "nope"))
    assert unknown.value.permanent and "invalid file_id" in unknown.value.message


# --- errors while receiving --------------------------------------------------------------------
def test_a_webhook_left_over_is_removed_before_polling(fake: FakeTelegram) -> None:
    fake.webhook = {"url": "https://old.example/hook", "secret_token": "x", "max_connections": 40}
    fake.message("kwam binnen toen de webhook er nog was")
    conn = make(fake)
    try:
        [batch] = conn.fetch(None)
        assert [m.text for m in batch.mentions] == ["kwam binnen toen de webhook er nog was"]
        [delete] = fake.calls("/deleteWebhook")
        assert delete.json() == {"drop_pending_updates": False}  # nothing pending is lost
        assert fake.webhook == {}
    finally:
        conn.close()


def test_a_webhook_set_while_polling_is_a_clear_error_then_removed(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    [first] = connector.fetch(None)
    fake.webhook = {"url": "https://other.example/hook", "max_connections": 40}
    with pytest.raises(ChannelError) as caught:
        connector.fetch(first.cursor)
    assert caught.value.status == 409 and not caught.value.permanent
    assert "A webhook is set for this bot" in caught.value.message
    assert "can't use getUpdates method while webhook is active" in caught.value.message
    fake.message("weer terug")
    [batch] = connector.fetch(first.cursor)
    assert [m.text for m in batch.mentions] == ["weer terug"]


def test_a_second_poller_on_the_same_bot_is_a_clear_error(fake: FakeTelegram) -> None:
    first, second = make(fake, poll_s=5), make(fake)
    errors: list[BaseException] = []

    def poll() -> None:
        try:
            first.fetch(None)
        except ChannelError as exc:
            errors.append(exc)

    thread = threading.Thread(target=poll)
    thread.start()
    try:
        assert wait_until(lambda: len(fake.calls("/getUpdates")) == 1, 5)
        second.fetch(None)
        thread.join(5)
        [error] = errors
        assert isinstance(error, ChannelError) and error.status == 409
        assert "Another program is reading this bot's updates" in error.message
        assert "terminated by other getUpdates request" in error.message
    finally:
        first.close()
        second.close()


def test_a_wrong_token_is_auth_failed_and_never_shown(fake: FakeTelegram) -> None:
    conn = build(telegram.TelegramConnector,
        INFO, {"api_url": fake.base_url}, {"bot_token": "7012345678:AAHwrongwrongwrong"},
        clock=clock,
    )  # fmt: skip
    try:
        with pytest.raises(AuthFailed) as caught:
            conn.fetch(None)
    finally:
        conn.close()
    assert caught.value.status == 401 and not caught.value.permanent
    assert "Unauthorized" in caught.value.message and "@BotFather" in caught.value.message
    assert "AAHwrong" not in caught.value.message
    with pytest.raises(NotConfigured, match="does not look like one from @BotFather"):
        build(telegram.TelegramConnector, INFO, {}, {"bot_token": "not a token"})
    with pytest.raises(NotConfigured, match="Bot token is not set"):
        build(telegram.TelegramConnector, INFO, {}, {})


def test_flood_control_waits_exactly_as_long_as_telegram_says(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    fake.flood_next(7, method="getUpdates")
    with pytest.raises(RateLimited) as caught:
        connector.fetch(None)
    assert caught.value.retry_after_s == 7.0 and caught.value.status == 429
    assert "Too Many Requests: retry after 7" in caught.value.message


def test_a_gateway_error_is_transient_and_unreachable_is_said_without_the_token(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    connector.identity()
    fake.fail_next(1, 502, path="/getWebhookInfo")
    with pytest.raises(ChannelError) as caught:
        connector.fetch(None)
    assert not caught.value.permanent and caught.value.status == 502
    assert "502 Bad Gateway" in caught.value.message and "<" not in caught.value.message
    gone = build(
        telegram.TelegramConnector,
        INFO,
        {"api_url": "http://127.0.0.1:9"},
        {"bot_token": fake.token},
    )
    try:
        with pytest.raises(ChannelError) as unreachable:
            gone.fetch(None)
    finally:
        gone.close()
    assert "Could not reach Telegram" in unreachable.value.message
    assert fake.token not in unreachable.value.message and "<bot token>" in (
        unreachable.value.message
    )


# --- replying ----------------------------------------------------------------------------------
def test_a_reply_quotes_the_message_it_answers(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    message = fake.message("Waar blijft mijn pakket?")
    delivered = connector.deliver(reply_to(message, "Hoi Jan, je pakket komt morgen. ^Eva"))
    [sent] = fake.sent
    assert sent_json(fake) == {
        "chat_id": message["chat"]["id"],
        "text": "Hoi Jan, je pakket komt morgen. ^Eva",
        "reply_parameters": {"message_id": message["message_id"],
                             "allow_sending_without_reply": True},
    }  # fmt: skip
    assert "parse_mode" not in sent_json(fake)  # plain text: nothing to escape
    assert sent["reply_to_message"]["message_id"] == message["message_id"]
    assert delivered.platform_post_id == f"{message['chat']['id']}:{sent['message_id']}"
    assert delivered.posted_at == NOW


def test_a_reply_to_a_deleted_message_still_goes_out(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    message = fake.message("hallo")
    del fake.chats[message["chat"]["id"]].messages[message["message_id"]]
    connector.deliver(reply_to(message, "Hoi!"))
    assert len(fake.sent) == 1 and "reply_to_message" not in fake.sent[0]


def test_replies_are_held_to_4096_code_points_as_telegram_counts(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    message = fake.message("hoi")
    connector.deliver(reply_to(message, "😀" * 4096))  # 8192 UTF-16 units: still fits
    with pytest.raises(ChannelError) as caught:
        connector.deliver(reply_to(message, "😀" * 4097, reference="r-2"))
    assert caught.value.permanent and caught.value.status == 400
    assert "longer than Telegram's 4096 characters" in caught.value.message
    assert "message is too long" in caught.value.message
    assert len(fake.sent) == 1


def test_refusals_for_a_chat_are_permanent_and_said_in_words(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    message = fake.message("hoi")
    fake.chats[message["chat"]["id"]].blocked = True
    with pytest.raises(ChannelError) as blocked:
        connector.deliver(reply_to(message, "Hoi!"))
    assert blocked.value.permanent and blocked.value.status == 403
    assert blocked.value.message == (
        "The customer blocked the bot, so Telegram will not deliver this reply"
        " (Forbidden: bot was blocked by the user)."
    )
    gone = replace(reply_to(message, "Hoi!"), mention_meta={"chat_id": "999", "message_id": "1"})
    with pytest.raises(ChannelError) as missing:
        connector.deliver(gone)
    assert missing.value.permanent and "Telegram does not know this chat" in missing.value.message
    assert "chat not found" in missing.value.message
    assert fake.sent == []


def test_flood_control_on_a_reply_is_retried_after_exactly_retry_after(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    message = fake.message("hoi")
    fake.flood_next(3, method="sendMessage")
    with pytest.raises(RateLimited) as caught:
        connector.deliver(reply_to(message, "Hoi!"))
    assert caught.value.retry_after_s == 3.0 and not caught.value.permanent
    assert fake.sent == []  # Telegram said no: nothing was posted, a retry is safe
    connector.deliver(reply_to(message, "Hoi!"))
    assert len(fake.sent) == 1


def test_a_group_that_became_a_supergroup_is_answered_there_once(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    old = fake.group(-4012345, "Storingen")
    message = fake.mention_in_group(f"@{BOT_USERNAME} help", old, fake.user())
    new = fake.group(-1009876543210, "Storingen")
    old.migrated_to = new.id
    delivered = connector.deliver(reply_to(message, "We kijken ernaar."))
    assert [c.json()["chat_id"] for c in fake.calls("/sendMessage")] == [-4012345, new.id]
    assert len(fake.sent) == 1 and delivered.platform_post_id.startswith(f"{new.id}:")


def test_a_lost_answer_may_have_been_posted_and_is_never_resent_by_itself(
    fake: FakeTelegram, connector: telegram.TelegramConnector
) -> None:
    message = fake.message("hoi")
    fake.lose_next_ack()
    with pytest.raises(ChannelError) as caught:
        connector.deliver(reply_to(message, "Hoi!"))
    assert caught.value.permanent  # the runner marks it failed: an agent looks first
    assert caught.value.message.startswith("May have been posted")
    assert len(fake.sent) == 1  # Telegram did post it
    # a proxy's error page is no answer from Telegram either
    fake.fail_next(1, 502, path="/sendMessage")
    with pytest.raises(ChannelError) as proxy:
        connector.deliver(reply_to(message, "Hoi!", reference="r-2"))
    assert proxy.value.permanent and "May have been posted" in proxy.value.message
    assert "502 Bad Gateway" in proxy.value.message
    # a connection that was never made posted nothing: that is retried as usual
    gone = build(
        telegram.TelegramConnector,
        INFO,
        {"api_url": "http://127.0.0.1:9"},
        {"bot_token": fake.token},
    )
    try:
        with pytest.raises(ChannelError) as refused:
            gone.deliver(reply_to(message, "Hoi!"))
    finally:
        gone.close()
    assert not refused.value.permanent and "Could not reach Telegram" in refused.value.message


# --- webhook mode ------------------------------------------------------------------------------
HOOK = "https://team.example/v1/hooks/3"
SECRET = "Wc_3f9-secret"


def test_webhook_mode_registers_the_webhook_and_shows_telegrams_delivery_errors(
    fake: FakeTelegram,
) -> None:
    conn = make(fake, webhook=True, webhook_url=HOOK, webhook_secret=SECRET)
    try:
        [batch] = conn.fetch(None)
        assert batch.mentions == [] and batch.cursor is None and not batch.more
        [register] = fake.calls("/setWebhook")
        assert register.json() == {
            "url": HOOK,
            "secret_token": SECRET,
            "allowed_updates": ["message", "edited_message"],
            "drop_pending_updates": False,
        }
        assert fake.calls("/getUpdates") == []  # no polling while the webhook is set
        conn.fetch(None)
        assert len(fake.calls("/setWebhook")) == 1  # already registered
        fake.message("hallo")
        fake.webhook_error = (int(NOW), "Wrong response from the webhook: 404 Not Found")
        with pytest.raises(ChannelError) as caught:
            conn.fetch(None)
        assert "Telegram cannot deliver to the webhook https://team.example/v1/hooks/3" in (
            caught.value.message
        )
        assert "404 Not Found" in caught.value.message and "1 update(s)" in caught.value.message
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("config", "secret", "words"),
    [
        ({"webhook_url": "http://team.example/v1/hooks/3"}, SECRET, "https://"),
        ({"webhook_url": "https://team.example:8080/v1/hooks/3"}, SECRET, "ports 443, 80"),
        ({}, SECRET, "needs the webhook address"),
        ({"webhook_url": HOOK}, "geheim met spaties", "letters, digits, - and _"),
    ],
)
def test_webhook_mode_checks_its_settings(config: dict[str, str], secret: str, words: str) -> None:
    with pytest.raises(NotConfigured, match=words):
        build(telegram.TelegramConnector, INFO, {"webhook": True, **config},
                        {"bot_token": "1:AA", "webhook_secret": secret})  # fmt: skip


def test_a_pushed_update_is_authenticated_by_its_secret_token_and_parsed(
    fake: FakeTelegram,
) -> None:
    conn = make(fake, webhook=True, webhook_url=HOOK, webhook_secret=SECRET)
    polling = make(fake)
    try:
        body = json.dumps(
            {"update_id": 5, "message": fake.message("via de webhook", date=NOW - 3)}
        ).encode()
        assert conn.authenticate_push({"X-Telegram-Bot-Api-Secret-Token": SECRET}, body)
        assert conn.authenticate_push({"x-telegram-bot-api-secret-token": SECRET}, body)
        assert not conn.authenticate_push({"X-Telegram-Bot-Api-Secret-Token": SECRET + "x"}, body)
        assert not conn.authenticate_push({}, body)
        assert not polling.authenticate_push({"X-Telegram-Bot-Api-Secret-Token": SECRET}, body)
        result = conn.parse_push(body)
        [batch] = result.batches
        assert [m.text for m in batch.mentions] == ["via de webhook"]
        assert batch.cursor is None and result.receipts == []  # pushes never move the cursor
        assert (
            conn.parse_push(b'{"update_id": 6, "callback_query": {"id": "1"}}').batches[0].mentions
            == []
        )
        with pytest.raises(ValueError, match="not JSON"):
            conn.parse_push(b"<html>")
    finally:
        conn.close()
        polling.close()


def test_parse_update_body_is_pure() -> None:
    bot = telegram.Bot(BOT_ID, BOT_USERNAME)
    group = {"id": -1001, "type": "supergroup", "title": "G"}
    update = {
        "update_id": 1,
        "message": {"message_id": 3, "chat": group, "date": 1_790_000_000, "text": "hoi",
                    "from": {"id": 8, "is_bot": False, "first_name": "A"}},
    }  # fmt: skip
    assert (
        telegram.parse_update_body(INFO, json.dumps(update).encode(), bot).batches[0].mentions == []
    )
    everything = telegram.parse_update_body(
        INFO, json.dumps(update).encode(), bot, all_group_messages=True
    )
    assert [m.source_id for m in everything.batches[0].mentions] == ["-1001:3"]


def test_the_fakes_webhook_calls_reach_a_receiver_that_checks_them(fake: FakeTelegram) -> None:
    """Telegram's side of webhook mode: one update per POST with the secret header; a refusal
    is what getWebhookInfo reports, and the update waits."""
    conn = make(fake, webhook=True, webhook_url=HOOK, webhook_secret=SECRET)
    taken: list[str] = []
    refuse = threading.Event()

    class Hook(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            good = conn.authenticate_push(dict(self.headers.items()), body)
            status = 403 if not good or refuse.is_set() else 200
            if status == 200:
                taken.extend(m.text for b in conn.parse_push(body).batches for m in b.mentions)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        conn.fetch(None)  # registers the webhook
        fake.webhook["url"] = f"http://127.0.0.1:{server.server_address[1]}/v1/hooks/3"
        fake.message("een")
        fake.message("twee")
        assert fake.push_webhook() == 2 and taken == ["een", "twee"]
        refuse.set()
        fake.message("drie")
        assert fake.push_webhook() == 0 and fake.pending_ids() != []
        assert fake.webhook_error is not None and "403" in fake.webhook_error[1]
        fake.webhook["secret_token"] = "wrong"
        refuse.clear()
        assert fake.push_webhook() == 0  # a wrong secret is refused too
    finally:
        server.shutdown()
        server.server_close()
        conn.close()


def test_spec() -> None:
    spec = telegram.SPEC
    assert (spec.kind, spec.char_limit, spec.lookup, spec.can_reply) == (
        "telegram", 4096, "none", True,
    )  # fmt: skip
    assert spec.long_polls and not spec.resend_unknown
    assert [f.name for f in spec.fields] == [
        "bot_token", "allowed_chat_ids", "all_group_messages", "webhook", "webhook_url",
        "webhook_secret", "api_url",
    ]  # fmt: skip
    secrets = {f.name for f in spec.fields if f.secret}
    assert secrets == {"bot_token", "webhook_secret"}
    assert [f.name for f in spec.fields if f.generate] == ["webhook_secret"]


def test_on_a_real_server_a_message_is_answered_once_quoting_it(tmp_path: Path) -> None:
    with FakeTelegram() as fake:
        with running_server(tmp_path, delivery_base_s=0.05, channel_tick_s=0.1) as server:
            cid, webhook_secret = _telegram_channel(server, fake)
            assert len(webhook_secret) >= 32 and telegram._SECRET_TOKEN.fullmatch(webhook_secret)
            message = fake.message("Mijn internet ligt eruit sinds vanochtend")
            source = f"{message['chat']['id']}:{message['message_id']}"
            assert wait_until(lambda: _mention_id(server, source) is not None, 10)
            mid = _mention_id(server, source)
            assert mid is not None
            eva = server.user("eva")
            op = claim_and_reply(server, eva, mid, "Vervelend! We zoeken het uit. ^Eva")
            assert wait_until(lambda: reply_row(server, op)["delivery_state"] == "sent", 10)
            [sent] = fake.sent
            assert sent["reply_to_message"]["message_id"] == message["message_id"]
            assert sent["text"] == "Vervelend! We zoeken het uit. ^Eva"
            assert reply_row(server, op)["platform_post_id"] == (
                f"{message['chat']['id']}:{sent['message_id']}"
            )
            # a second message comes in while the first poll waits: no 20 s pause between them
            started = time.monotonic()
            later = fake.message("Nu werkt het weer, bedankt", sender=message["from"])
            later_source = f"{later['chat']['id']}:{later['message_id']}"
            assert wait_until(lambda: _mention_id(server, later_source) is not None, 10)
            assert time.monotonic() - started < 5
            # the customer blocks the bot: the next reply fails in words
            fake.chats[message["chat"]["id"]].blocked = True
            later_id = _mention_id(server, later_source)
            assert later_id is not None
            op2 = claim_and_reply(server, eva, later_id, "Fijn! ^Eva", seq=2)
            assert wait_until(lambda: reply_row(server, op2)["delivery_state"] == "failed", 10)
            assert "The customer blocked the bot" in reply_row(server, op2)["delivery_error"]
            with server.ctx.db.read() as conn:
                channel = conn.execute("SELECT * FROM channels WHERE id = ?", (cid,)).fetchone()
            assert channel["last_error"] is None and channel["cursor"] is not None
            stopping = time.monotonic()
        # the waiting long poll did not hold the server's stop for its 20 s
        assert time.monotonic() - stopping < 8
        assert len(fake.sent) == 1


def test_a_reply_interrupted_by_a_crash_is_left_for_an_agent_not_resent(tmp_path: Path) -> None:
    """What ``kill -9`` between sendMessage and our commit leaves: a reply ``sending``. At the
    next start it is failed with "may have been posted" (Telegram cannot tell), never resent;
    the same state on a channel with a lookup or idempotency key is queued again."""
    with FakeTelegram() as fake, running_server(tmp_path, channels=False) as server:
        cid, _secret = _telegram_channel(server, fake)
        message = fake.message("hoi")
        runner = ChannelRunner(server.ctx.db, server.ctx.now)
        assert runner.fetch(cid) is not None
        source = f"{message['chat']['id']}:{message['message_id']}"
        mid = _mention_id(server, source)
        assert mid is not None
        eva = server.user("eva")
        op = claim_and_reply(server, eva, mid, "Hoi! ^Eva")
        with server.ctx.db.write() as conn:  # the state a kill -9 mid-delivery leaves
            conn.execute(
                "UPDATE replies SET delivery_state = 'sending', delivery_attempts = 1 WHERE id = ?",
                (op,),
            )
        assert runner.recover() == 1
        row = reply_row(server, op)
        assert row["delivery_state"] == "failed" and row["next_attempt_at"] is None
        assert row["delivery_error"].startswith("May have been posted: the server stopped")
        assert "Telegram offers no way to check" in row["delivery_error"]
        assert runner.deliver(cid) == 0 and fake.sent == []  # not sent again by itself
        # the agent looked, it is not there: they retry it on purpose
        assert eva.post(f"/v1/replies/{op}/retry").json()["delivery_state"] == "queued"
        assert runner.deliver(cid) == 1 and len(fake.sent) == 1
        runner.stop()
    database = open_server_db(tmp_path / "server.db")
    with database.read() as conn:
        actions = [r[0] for r in conn.execute("SELECT action FROM audit ORDER BY id")]
    database.close()
    assert "reply.uncertain" in actions and "reply.retry" in actions


def test_a_waiting_long_poll_holds_up_no_other_channel(tmp_path: Path) -> None:
    """A runner with one worker: Telegram's 20 s wait runs on its own pool, so a reply on
    another channel still goes out at once."""
    with FakeTelegram() as fake, receiver() as rx, running_server(tmp_path, channels=False) as srv:
        _telegram_channel(srv, fake)
        admin = srv.login("anna")
        cid, secret = webhook_channel(admin, rx.url)
        rx.secret = secret
        push(srv.anonymous(), cid, secret, {"mentions": [mention(1)]})
        (mid,) = mention_ids(srv, cid)
        runner = ChannelRunner(srv.ctx.db, srv.ctx.now, tick_s=0.05, workers=1).start()
        try:
            assert wait_until(lambda: len(fake.calls("/getUpdates")) == 1, 10)  # waiting now
            op = claim_and_reply(srv, srv.user("eva"), mid, "Dank je! ^Eva")
            runner.wake()
            assert wait_until(lambda: reply_row(srv, op)["delivery_state"] == "sent", 5)
            assert len(fake.calls("/getUpdates")) == 1  # still the same poll
        finally:
            runner.stop()


def test_on_a_real_server_a_messages_files_are_fetched_kept_and_served(tmp_path: Path) -> None:
    with FakeTelegram() as fake, running_server(
        tmp_path, channel_tick_s=0.05, media_max_bytes=1024 * 1024, media_retry_base_s=0.05
    ) as server:  # fmt: skip
        _telegram_channel(server, fake)
        photo = fake.photo_sizes((90, 67, 24), (1280, 960, 24))
        voice = fake.add_file(b"OggS" + b"\0" * 60, "voice/file_3.oga")
        fake.message(None, photo=photo, caption="Zo kwam de doos aan")
        fake.message(None, voice={"file_id": voice.file_id, "duration": 7,
                                  "mime_type": "audio/ogg", "file_size": 64})  # fmt: skip
        big = fake.add_file(b"%PDF-1.4", "documents/file_5.pdf", size=3 * 1024 * 1024)
        fake.message(None, document={"file_id": big.file_id, "file_name": "factuur.pdf",
                                     "mime_type": "application/pdf"})  # fmt: skip
        eva = server.user("eva")

        def media_of_all() -> list[list[dict[str, Any]]]:
            with server.ctx.db.read() as conn:
                ids = [r[0] for r in conn.execute("SELECT id FROM mentions ORDER BY id")]
            return [eva.get(f"/v1/mentions/{i}").json()["mention"]["media"] for i in ids]

        def settled() -> bool:
            found = media_of_all()
            return len(found) == 3 and all(
                m and all(x["state"] != "pending" for x in m) for m in found
            )

        assert wait_until(settled, 15)
        [image], [note], [document] = media_of_all()
        assert (image["kind"], image["state"], image["mime"]) == (
            "image",
            "stored",
            "image/jpeg",
        )
        assert (note["kind"], note["state"], note["mime"]) == ("audio", "stored", "audio/ogg")
        assert (document["state"], document["filename"]) == ("refused", "factuur.pdf")
        assert document["error"] == "3 MB is over the 1 MB limit."
        r = eva.get(f"/v1/media/{note['id']}")
        assert r.status_code == 200 and r.content == voice.data
        # the bot token is in every download URL: it never reaches a client
        assert fake.token not in json.dumps(media_of_all())
        # the 3 MB file was refused by its announced size: never downloaded
        downloads = [r.path for r in fake.requests if r.path.startswith("/file/")]
        assert not any("file_5" in p for p in downloads)
