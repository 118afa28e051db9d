"""The Instagram connector's pure parts: webhook deliveries as Meta documents them (both login
types' shapes, batched, broken entries), attachments, times, and the reply length rule."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.connectors import build
from webcare.channels import graph, instagram
from webcare.channels.base import ChannelInfo, MediaRef
from webcare.domain import textlength

IG = "17841405726653026"
INFO = ChannelInfo(kind="instagram", name="@webcarebv on Instagram", brand="Webcare")


@pytest.fixture
def ig() -> instagram.InstagramConnector:
    # nothing here calls the network: the address is never used
    return build(
        instagram.InstagramConnector,
        INFO,
        {"ig_user_id": IG, "base_url": "http://127.0.0.1:9"},
        {"page_access_token": "t", "app_secret": "s", "verify_token": "v"},
    )


def body(*entries: dict[str, Any]) -> bytes:
    return json.dumps({"object": "instagram", "entry": list(entries)}).encode()


def test_comments_in_both_documented_shapes_and_replies_thread(
    ig: instagram.InstagramConnector,
) -> None:
    facebook_login = {
        "id": IG,
        "time": 1763625704,
        "changes": [
            {
                "field": "comments",
                "value": {
                    "from": {"id": "6841100000000001", "username": "jan_devries"},
                    "media": {"id": "17918195224117851", "media_product_type": "FEED"},
                    "id": "17873440459141099",
                    "parent_id": "17873440459141021",
                    "text": "Waar blijft mijn bestelling?",
                },
            },
            {  # Meta's Facebook Login example names it comment_id
                "field": "live_comments",
                "value": {
                    "from": {"id": "6841100000000002", "username": "petra"},
                    "media": {"id": "17918195224117852"},
                    "comment_id": "17873440459141100",
                    "text": "Live vraag",
                },
            },
        ],
    }
    instagram_login = {  # the Instagram Login examples: field/value in the entry itself
        "id": IG,
        "time": 1763625705,
        "field": "comments",
        "value": {
            "from": {"id": "6841100000000003", "username": "kees"},
            "media": {"id": "17918195224117851"},
            "id": "17873440459141101",
            "text": "Top!",
        },
    }
    result = ig.parse_push(body(facebook_login, instagram_login))
    assert result.skipped == [] and result.receipts == []
    reply, live, top = result.batches[0].mentions
    assert (reply.source_id, reply.parent_source_id) == ("17873440459141099", "17873440459141021")
    assert reply.meta == {"kind": "comment", "top": "17873440459141021", "private_reply": "yes",
                          "moderate": "hide", "media": "17918195224117851"}  # fmt: skip
    assert (reply.author.platform_user_id, reply.author.handle) == ("6841100000000001",
                                                                    "jan_devries")  # fmt: skip
    assert reply.created_at == 1763625704.0  # the entry's time: the change has none
    assert live.source_id == "17873440459141100" and live.meta["top"] == live.source_id
    assert live.parent_source_id == "17918195224117852"  # a top-level comment: its post
    assert top.source_id == "17873440459141101" and top.text == "Top!"


def test_mentions_carry_only_ids_until_completed(ig: instagram.InstagramConnector) -> None:
    delivery = body(
        {
            "id": IG,
            "time": 1520622968,
            "changes": [
                {
                    "field": "mentions",
                    "value": {"comment_id": "17894227972186120", "media_id": "17918195224117851"},
                },
                {"field": "mentions", "value": {"media_id": "17918195224117999"}},
            ],
        }
    )
    comment, caption = ig.parse_push(delivery).batches[0].mentions
    assert comment.source_id == "17894227972186120"
    assert comment.meta == {"kind": "mention", "media": "17918195224117851",
                            "comment": "17894227972186120", "pending": "yes"}  # fmt: skip
    assert comment.text == instagram.PENDING_COMMENT
    assert comment.author.handle == instagram.UNKNOWN_AUTHOR
    assert caption.source_id == "17918195224117999"
    assert caption.meta == {"kind": "caption", "media": "17918195224117999", "pending": "yes"}
    assert caption.created_at == 1520622968.0


def test_direct_messages_echoes_and_seen(ig: instagram.InstagramConnector) -> None:
    events = [
        {
            "sender": {"id": "6841100000000001"},
            "recipient": {"id": IG},
            "timestamp": 1785312190662,
            "message": {"mid": "aWdfZG1fbWlkOjE", "text": "Hoi, mijn pakket?"},
        },
        {
            "sender": {"id": "6841100000000001"},
            "recipient": {"id": IG},
            "timestamp": 1785312190700,
            "message": {
                "mid": "aWdfZG1fbWlkOjI",
                "attachments": [
                    {"type": "image", "payload": {"url": "https://lookaside.fbsbx.com/x"}},
                    {"type": "audio", "payload": {"url": "https://lookaside.fbsbx.com/y"}},
                ],
                "reply_to": {"story": {"url": "https://lookaside.fbsbx.com/s", "id": "1790"}},
            },
        },
        {
            "sender": {"id": "6841100000000001"},
            "recipient": {"id": IG},
            "timestamp": 1785312190800,
            "message": {"mid": "aWdfZG1fbWlkOjM", "text": "antwoord", "reply_to": {"mid": "m_x"}},
        },
        {  # our own message, echoed
            "sender": {"id": IG},
            "recipient": {"id": "6841100000000001"},
            "timestamp": 1785312199000,
            "message": {"mid": "aWdfZG1fbWlkOjQ", "text": "Bedankt!", "is_echo": True},
        },
        {  # messaging_seen: the message seen
            "sender": {"id": "6841100000000001"},
            "recipient": {"id": IG},
            "timestamp": 1785312200000,
            "read": {"mid": "aWdfZG1fbWlkOjQ"},
        },
        {  # ignored: a reaction, a deleted message, a postback
            "sender": {"id": "6841100000000001"},
            "recipient": {"id": IG},
            "timestamp": 1785312200001,
            "reaction": {"mid": "aWdfZG1fbWlkOjQ", "action": "react", "emoji": "❤"},
        },
        {
            "sender": {"id": "6841100000000001"},
            "recipient": {"id": IG},
            "timestamp": 1785312200002,
            "message": {"mid": "aWdfZG1fbWlkOjE", "is_deleted": True},
        },
        {
            "sender": {"id": "6841100000000001"},
            "recipient": {"id": IG},
            "timestamp": 1785312200003,
            "postback": {"payload": "START"},
        },
    ]
    result = ig.parse_push(body({"id": IG, "time": 1785312191004, "messaging": events}))
    assert result.skipped == []
    text, media, answer = result.batches[0].mentions
    assert text.meta == {"kind": "message", "igsid": "6841100000000001", "window": "messaging"}
    assert text.created_at == 1785312190.662  # milliseconds
    assert text.author.name is None  # the profile is asked in complete_push
    assert media.text == "[reply to your story]\n[image]\n[voice message]"
    assert media.media == (
        MediaRef("image", "https://lookaside.fbsbx.com/x"),
        MediaRef("audio", "https://lookaside.fbsbx.com/y"),
    )
    assert text.media == ()
    assert answer.parent_source_id == "m_x"
    sent, read_mid, read_before = result.receipts
    assert (sent.status, sent.platform_post_id, sent.reference) == ("sent", "aWdfZG1fbWlkOjQ", None)
    assert (read_mid.status, read_mid.platform_post_id, read_mid.at) == (
        "read",
        "aWdfZG1fbWlkOjQ",
        1785312200.0,
    )
    assert (read_before.recipient, read_before.platform_post_id) == ("6841100000000001", None)


def test_a_dm_s_files_become_media_and_shared_posts_and_stories_stay_notes(
    ig: instagram.InstagramConnector,
) -> None:
    cdn = "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1790&signature=AbC"
    pdf_url = "https://cdn.fbsbx.com/v/t59.2708-21/4412_n.pdf/factuur.pdf?_nc_cat=1&oh=00_x"
    attachments = [
        {"type": "image", "payload": {"url": cdn + "1"}},
        {"type": "video", "payload": {"url": cdn + "2"}},
        {"type": "file", "payload": {"url": pdf_url}},
        {"type": "story_mention", "payload": {"url": cdn + "3"}},
        {"type": "share", "payload": {"url": cdn + "4", "ig_post_media_id": "1813"}},
        {
            "type": "ig_post",
            "payload": {"url": cdn + "4", "ig_post_media_id": "1813", "title": "Onze jas"},
        },
        {"type": "ig_reel", "payload": {"url": cdn + "5", "reel_video_id": "1790"}},
        {"type": "image", "payload": {"url": "javascript:alert(1)"}},  # not an address
        {"type": "audio", "payload": {}},  # no address
    ]
    event = {
        "sender": {"id": "6841100000000001"},
        "recipient": {"id": IG},
        "timestamp": 1785312190700,
        "message": {"mid": "aWdfZG1fbWlkOjk", "text": "Kijk!", "attachments": attachments},
    }
    result = ig.parse_push(body({"id": IG, "time": 1785312191004, "messaging": [event]}))
    [mention] = result.batches[0].mentions
    assert mention.text == (
        "Kijk!\n[image]\n[video]\n[file]\n[mentioned you in their story]\n[shared post]\n[reel]"
        "\n[image]\n[voice message]"
    )
    assert mention.media == (
        MediaRef("image", cdn + "1"),
        MediaRef("video", cdn + "2"),
        MediaRef("document", pdf_url, filename="factuur.pdf"),
    )
    # caught up through the Conversations API: with the type, size and name Meta lists
    rest = {"data": [
        {"id": "1", "mime_type": "image/jpeg", "name": "image-1.jpg", "size": 48_213,
         "image_data": {"url": cdn + "1", "preview_url": cdn + "p"}},
        {"id": "2", "mime_type": "video/mp4", "size": 2_000_000, "video_data": {"url": cdn + "2"}},
        {"id": "3", "mime_type": "audio/mpeg", "name": "audioclip.mp4", "file_url": cdn + "3"},
        {"id": "4", "mime_type": "application/pdf", "name": "factuur.pdf", "size": "81234",
         "file_url": pdf_url},
        {"id": "5", "mime_type": "image/png"},  # no address: nothing to fetch
    ]}  # fmt: skip
    assert graph.attachment_refs(rest) == (
        MediaRef("image", cdn + "1", "image/jpeg", 48_213, "image-1.jpg"),
        MediaRef("video", cdn + "2", "video/mp4", 2_000_000),
        MediaRef("audio", cdn + "3", "audio/mpeg", None, "audioclip.mp4"),
        MediaRef("document", pdf_url, "application/pdf", 81_234, "factuur.pdf"),
    )
    assert instagram.attachment_notes(rest) == [
        "[image]", "[video]", "[voice message]", "[file]", "[image]",
    ]  # fmt: skip


def test_broken_and_foreign_entries_are_skipped_with_reasons(
    ig: instagram.InstagramConnector,
) -> None:
    result = ig.parse_push(
        body(
            {"id": "999", "time": 1, "changes": []},
            {
                "id": IG,
                "time": 1,
                "changes": [
                    {"field": "comments", "value": {"text": "no id", "from": {"id": "1"}}},
                    {"field": "comments", "value": {"id": "5", "text": "x"}},
                    {"field": "mentions", "value": {"comment_id": "5"}},
                    {"field": "story_insights", "value": {"media_id": "1", "reach": 3}},
                    {"field": "comments", "value": "not an object"},
                    {"field": "comments", "value": {"id": "6", "text": 7, "from": {"id": "1"}}},
                ],
                "messaging": [
                    "nope",
                    {"sender": {"id": "1"}, "timestamp": 1, "message": {"text": "no mid"}},
                    {"sender": {"id": "1"}, "timestamp": "soon", "message": {"mid": "m"}},
                ],
            },
            {  # the account's own comment: by id
                "id": IG,
                "time": 1,
                "changes": [
                    {
                        "field": "comments",
                        "value": {"id": "7", "text": "ours", "from": {"id": IG, "username": "x"}},
                    }
                ],
            },
        )
    )
    assert result.batches == []
    assert result.skipped == [
        "entry 0: for account 999, not this channel's",
        "entry 1 change 0: a comment without id",
        "entry 1 change 1: comment 5 has no author",
        "entry 1 change 2: a mention without media_id",
        "entry 1 change 4: the change has no value",
        "entry 1 change 5: text is not text",
        "entry 1 messaging 0: not an object",
        "entry 1 messaging 1: a message without mid",
        "entry 1 messaging 2: not a Unix time",
    ]
    for bad in (b"{not json", b"[]", b'{"object":"page","entry":[]}', b'{"object":"instagram"}'):
        with pytest.raises(ValueError, match="the body"):
            ig.parse_push(bad)


def test_own_comments_are_known_by_username_once_it_is_known(
    ig: instagram.InstagramConnector,
) -> None:
    ours = body(
        {
            "id": IG,
            "time": 1,
            "changes": [
                {
                    "field": "comments",
                    "value": {"id": "8", "text": "Bedankt!", "parent_id": "5",
                              "from": {"id": "6841100000000000", "username": "WebcareBV"}},
                }
            ],
        }
    )  # fmt: skip
    assert len(ig.parse_push(ours).batches[0].mentions) == 1  # not known yet: complete_push asks
    ig.username = "webcarebv"
    assert ig.parse_push(ours).batches == []


def test_attachment_notes_times_and_the_length_rule() -> None:
    assert instagram.attachment_notes(
        [{"type": "share"}, {"type": "story_mention"}, {"type": "ig_reel"}, {"type": "weird"}, 3]
    ) == ["[shared post]", "[mentioned you in their story]", "[reel]", "[attachment]"]
    rest = {"data": [{"image_data": {"url": "u"}}, {"video_data": {}}, {"file_url": "f"},
                     {"mime_type": "audio/mpeg"}]}  # fmt: skip
    assert instagram.attachment_notes(rest) == ["[image]", "[video]", "[file]", "[voice message]"]
    assert instagram._entry_time(1520622968) == 1520622968.0
    assert instagram._entry_time(1785312191004) == 1785312191.004
    fits = textlength.measure("instagram", "a" * 1000, limit=instagram.CHAR_LIMIT)
    assert fits.problem() is None
    long_ = textlength.measure("instagram", "a" * 1001, limit=instagram.CHAR_LIMIT)
    assert long_.problem() == (
        "The reply is 1001 characters as Instagram counts them; the limit is 1000."
    )
    heavy = textlength.measure("instagram", "é" * 501, limit=instagram.CHAR_LIMIT)
    assert heavy.count == 501 and heavy.problem() == (
        "The reply is 1002 bytes long; Instagram allows 1000 bytes (emoji and accented letters"
        " take several)."
    )


def test_create_refuses_what_cannot_work() -> None:
    from webcare.channels.errors import NotConfigured

    good = {"page_access_token": "t", "app_secret": "s"}
    with pytest.raises(NotConfigured, match="Instagram account ID is not set"):
        build(instagram.InstagramConnector, INFO, {}, good)
    with pytest.raises(NotConfigured, match="numeric id"):
        build(instagram.InstagramConnector, INFO, {"ig_user_id": "@webcarebv"}, good)
    with pytest.raises(NotConfigured, match="App secret"):
        build(instagram.InstagramConnector, INFO, {"ig_user_id": IG}, {"page_access_token": "t"})
    with pytest.raises(NotConfigured, match=r"v25\.0"):
        build(instagram.InstagramConnector, INFO, {"ig_user_id": IG, "api_version": "25"}, good)
