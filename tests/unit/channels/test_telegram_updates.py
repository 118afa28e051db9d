"""The Telegram connector's pure parts: which group messages are for the bot (entity offsets in
UTF-16 code units), the cursor, senders, what a message holds, and where a reply goes."""

from __future__ import annotations

from typing import Any

import pytest

from webcare.channels import telegram
from webcare.channels.base import OutgoingReply
from webcare.channels.errors import ChannelError

BOT = telegram.Bot(7012345678, "webcare_test_bot")
GROUP = {"id": -1001234567890, "type": "supergroup", "title": "KPN Klanten"}
ANNA = {"id": 11, "is_bot": False, "first_name": "Anna"}


def group_message(text: str, **extra: Any) -> dict[str, Any]:
    return {"message_id": 5, "chat": GROUP, "from": ANNA, "date": 1_790_416_800, "text": text,
            **extra}  # fmt: skip


def test_entity_offsets_are_utf16_code_units() -> None:
    text = "😀 /help@webcare_test_bot"  # the emoji is two UTF-16 units, one code point
    command = {"type": "bot_command", "offset": 3, "length": 22}
    assert telegram.for_bot(group_message(text, entities=[command]), BOT)
    counted_in_code_points = {"type": "bot_command", "offset": 2, "length": 22}
    assert not telegram.for_bot(group_message(text, entities=[counted_in_code_points]), BOT)
    assert not telegram.for_bot(group_message("/help@other_bot", entities=[
        {"type": "bot_command", "offset": 0, "length": 15}]), BOT)  # fmt: skip


def test_a_text_mention_and_a_caption_mention_are_for_the_bot() -> None:
    named = {"type": "text_mention", "offset": 0, "length": 7, "user": {"id": BOT.id}}
    assert telegram.for_bot(group_message("Webcare, help", entities=[named]), BOT)
    other = {"type": "text_mention", "offset": 0, "length": 4, "user": {"id": 99}}
    assert not telegram.for_bot(group_message("Piet, help", entities=[other]), BOT)
    photo = {"message_id": 6, "chat": GROUP, "from": ANNA, "date": 1, "photo": [],
             "caption": "kijk @webcare_test_bot",
             "caption_entities": [{"type": "mention", "offset": 5, "length": 17}]}  # fmt: skip
    assert telegram.for_bot(photo, BOT)
    assert not telegram.for_bot(group_message("mail me at jan@webcare_test_bot.nl"), BOT)


@pytest.mark.parametrize(
    ("cursor", "parsed"),
    [
        (None, (None, None)),
        ("", (None, None)),
        ("815234003", (815234003, None)),
        ("815234003@1790416800", (815234003, 1790416800.0)),
        ("815234003@gisteren", (815234003, None)),
        ("x@1", (None, None)),
    ],
)
def test_the_cursor_is_the_offset_and_when_it_moved(
    cursor: str | None, parsed: tuple[int | None, float | None]
) -> None:
    assert telegram.parse_cursor(cursor) == parsed
    assert telegram.make_cursor(7, 1790416800.9) == "7@1790416800"


def test_an_anonymous_group_admin_is_the_group() -> None:
    message = group_message(
        "@webcare_test_bot wanneer is de storing voorbij?",
        **{"from": {"id": 1087968824, "is_bot": True, "first_name": "Group",
                    "username": "GroupAnonymousBot"},
           "sender_chat": {**GROUP, "username": "kpnklanten"}},
    )  # fmt: skip
    mention = telegram.message_mention(message, BOT)
    assert (mention.author.platform_user_id, mention.author.handle, mention.author.name) == (
        str(GROUP["id"]), "@kpnklanten", "KPN Klanten",
    )  # fmt: skip


def test_what_a_message_holds_is_said_in_words() -> None:
    private = {"id": 11, "type": "private", "first_name": "Anna"}
    base = {"message_id": 1, "chat": private, "from": ANNA, "date": 1_790_416_800}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"location": {"latitude": 52.0907, "longitude": 5.1214}}, "[location 52.09070, 5.12140]"),
        ({"venue": {"title": "KPN winkel", "address": "Stationsplein 1",
                    "location": {"latitude": 1, "longitude": 2}},
          "location": {"latitude": 1, "longitude": 2}}, "[place: KPN winkel, Stationsplein 1]"),
        ({"contact": {"first_name": "Piet", "phone_number": "+31612345678"}},
         "[contact: Piet +31612345678]"),
        ({"poll": {"question": "Storing?"}}, "[poll: Storing?]"),
        ({"video_note": {"file_id": "x", "duration": 65}}, "[video message 1:05]"),
        ({"audio": {"file_id": "x", "title": "Wachtmuziek"}}, "[audio: Wachtmuziek]"),
    ]  # fmt: skip
    for content, text in cases:
        assert telegram.message_mention({**base, **content}, BOT).text == text
    with pytest.raises(telegram.Skip):
        telegram.message_mention({**base, "pinned_message": {"message_id": 0}}, BOT)


def test_the_largest_photo_that_fits_and_sizes_telegram_did_not_give() -> None:
    photo = [
        {"file_id": "small", "width": 90, "height": 60},
        {"file_id": "large", "width": 1280, "height": 960},
        {"width": 2560, "height": 1920},  # no file_id: not a photo size we can fetch
    ]
    [ref] = telegram.media_refs({"photo": photo})
    assert (ref.ref, ref.size, ref.mime) == ("large", None, "image/jpeg")
    too_big = [{"file_id": "a", "width": 10, "height": 10, "file_size": 30_000_000}]
    [only] = telegram.media_refs({"photo": too_big})
    assert only.ref == "a"  # the fetcher refuses it with its reason
    video_sticker = {"sticker": {"file_id": "s", "is_video": True, "is_animated": False}}
    assert telegram.media_refs(video_sticker)[0].mime == "video/webm"


def test_a_reply_goes_to_the_chat_and_message_of_its_mention() -> None:
    def reply(source: str, meta: dict[str, str]) -> OutgoingReply:
        return OutgoingReply(reference="r", text="t", mention_source_id=source,
                             author_handle="@a", mention_meta=meta)  # fmt: skip

    assert telegram.reply_target(reply("-100123:45", {})) == (-100123, 45)
    assert telegram.reply_target(reply("x", {"chat_id": "7", "message_id": "8"})) == (7, 8)
    with pytest.raises(ChannelError) as caught:
        telegram.reply_target(reply("not-telegram", {}))
    assert caught.value.permanent
