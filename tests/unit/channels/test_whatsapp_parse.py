"""The WhatsApp connector's pure parts: webhook deliveries as Meta documents them (batched
entries x changes x messages, status-only callbacks, every message type), templates, the
template send payload and Meta's error words. No network: nothing here calls the Graph API."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.connectors import build
from webcare.channels import whatsapp
from webcare.channels.base import ChannelInfo, MediaRef, PlatformTemplate

PHONE = "106540352242922"
WABA = "102290129340398"
INFO = ChannelInfo(kind="whatsapp", name="Webcare BV on WhatsApp", brand="Webcare")


@pytest.fixture
def wa() -> whatsapp.WhatsAppConnector:
    return build(
        whatsapp.WhatsAppConnector,
        INFO,
        {"phone_number_id": PHONE, "waba_id": WABA, "base_url": "http://127.0.0.1:9"},
        {"access_token": "t", "app_secret": "test_app_secret", "verify_token": "v"},
    )


def delivery(*values: dict[str, Any], phone: str = PHONE) -> bytes:
    """One delivery with one entry per value (field ``messages``)."""
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": WABA,
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": "15550783881",
                                    "phone_number_id": phone,
                                },
                                **value,
                            },
                        }
                    ],
                }
                for value in values
            ],
        }
    ).encode()


SHEENA = {
    "profile": {"name": "Sheena Nelson"},
    "wa_id": "16505551234",
    "user_id": "US.13491208655302741918",
}


def msg(kind: str, content: Any = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "from": "16505551234",
        "from_user_id": "US.13491208655302741918",
        "id": f"wamid.{kind}{len(json.dumps(content))}",
        "timestamp": "1749416383",
        "type": kind,
        **extra,
    }
    if content is not None:
        out[kind] = content
    return out


def test_the_documented_text_message(wa: whatsapp.WhatsAppConnector) -> None:
    body = delivery(
        {
            "contacts": [SHEENA],
            "messages": [
                {
                    "from": "16505551234",
                    "from_user_id": "US.13491208655302741918",
                    "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
                    "timestamp": "1749416383",
                    "type": "text",
                    "text": {"body": "Does it come in another color?"},
                }
            ],
        }
    )
    result = wa.parse_push(body)
    assert result.skipped == [] and result.receipts == []
    [m] = result.batches[0].mentions
    assert m.source_id == "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA="
    assert m.text == "Does it come in another color?"
    assert m.created_at == 1_749_416_383.0  # a string of seconds
    assert m.author.platform_user_id == "US.13491208655302741918"  # the BSUID, stable
    assert (m.author.handle, m.author.name) == ("+16505551234", "Sheena Nelson")
    assert m.meta["window"] == "messaging" and m.meta["wa_id"] == "16505551234"
    assert m.meta["quote"] == m.source_id and m.parent_source_id is None


def test_a_batch_of_entries_changes_messages_and_statuses(
    wa: whatsapp.WhatsAppConnector,
) -> None:
    body = delivery(
        {
            "contacts": [SHEENA, {"profile": {"name": "Jan"}, "wa_id": "31612345678"}],
            "messages": [
                msg("text", {"body": "één"}),
                {
                    **msg("text", {"body": "twee"}),
                    "from": "31612345678",
                    "id": "wamid.jan",
                    "from_user_id": None,
                },
            ],
        },
        {
            "statuses": [
                {
                    "id": "wamid.ours",
                    "status": "delivered",
                    "timestamp": "1750030074",
                    "recipient_id": "16505551234",
                    "biz_opaque_callback_data": "webcare:op-1",
                },
                {
                    "id": "wamid.theirs",
                    "status": "read",
                    "timestamp": "1750030075",
                    "recipient_id": "16505551234",
                },
            ]
        },
        {"messages": [msg("text", {"body": "elders"})]},
        phone=PHONE,
    )
    result = wa.parse_push(body)
    texts = [(m.text, m.author.name, m.author.platform_user_id) for m in result.batches[0].mentions]
    assert texts == [
        ("één", "Sheena Nelson", "US.13491208655302741918"),
        ("twee", "Jan", "31612345678"),  # no BSUID: the phone number
        ("elders", None, "US.13491208655302741918"),  # no contacts in that change
    ]
    ours, theirs = result.receipts
    assert (ours.status, ours.reference, ours.platform_post_id, ours.at) == (
        "delivered",
        "op-1",
        "wamid.ours",
        1_750_030_074.0,
    )
    assert (theirs.reference, theirs.platform_post_id) == (None, "wamid.theirs")


def test_status_only_callbacks_failed_played_and_unknown(wa: whatsapp.WhatsAppConnector) -> None:
    failed = {
        "id": "wamid.x",
        "status": "failed",
        "timestamp": "1751142888",
        "recipient_id": "16505551234",
        "biz_opaque_callback_data": "webcare:op-7",
        "errors": [
            {
                "code": 131047,
                "title": "Re-engagement message",
                "message": "Re-engagement message",
                "error_data": {
                    "details": "Message failed to send because more than 24 hours have passed"
                    " since the customer last replied to this number."
                },
            }
        ],
    }
    played = {"id": "wamid.v", "status": "played", "timestamp": "1751142889"}
    deleted = {"id": "wamid.d", "status": "deleted", "timestamp": "1751142889"}
    foreign = {"id": "wamid.f", "status": "sent", "timestamp": "1", "biz_opaque_callback_data": "x"}
    result = wa.parse_push(delivery({"statuses": [failed, played, deleted, foreign, "junk"]}))
    assert result.batches == []
    first, voice, other = result.receipts
    assert (first.status, first.reference) == ("failed", "op-7")
    assert first.error is not None
    assert "Re-engagement message" in first.error and "(code 131047)" in first.error
    assert "only an approved template message reaches them" in first.error
    assert (voice.status, voice.platform_post_id) == ("read", "wamid.v")
    assert (other.reference, other.platform_post_id) == (None, "wamid.f")
    assert result.skipped == ["entry 0 change 0 status 4: not an object"]


def test_every_message_type_as_readable_text_and_files_as_refs(
    wa: whatsapp.WhatsAppConnector,
) -> None:
    messages = [
        msg("image", {"mime_type": "image/jpeg", "sha256": "x", "id": "65463453",
                      "caption": "Kapot geleverd"}),
        msg("sticker", {"mime_type": "image/webp", "sha256": "x", "id": "111", "animated": False}),
        msg("audio", {"mime_type": "audio/ogg; codecs=opus", "id": "222", "voice": True}),
        msg("video", {"mime_type": "video/mp4", "id": "333", "caption": "zo"}),
        msg("document", {"mime_type": "application/pdf", "id": "444", "filename": "factuur.pdf",
                         "caption": "De factuur"}),
        msg("reaction", {"message_id": "wamid.ours", "emoji": "\ud83d\ude2e"}),
        msg("reaction", {"message_id": "wamid.ours"}),  # taken back: nothing to keep
        msg("location", {"latitude": 52.0907, "longitude": 5.1214, "name": "Vestiging Utrecht",
                         "address": "Oudegracht 1"}),
        msg("contacts", extra_contacts=True),
        msg("button", {"payload": "STOP", "text": "Stop berichten"}),
        msg("interactive", {"type": "button_reply", "button_reply": {"id": "b1", "title": "Ja"}}),
        msg("interactive", {"type": "list_reply",
                            "list_reply": {"id": "l1", "title": "Retour", "description": "Een"
                                           " artikel terugsturen"}}),
        msg("unsupported", errors=[{"code": 131051, "title": "Message type unknown",
                                    "message": "Message type unknown",
                                    "error_data": {"details": "not supported"}}],
            unsupported={"type": "poll_creation"}),
        msg("system", {"body": "changed number", "type": "user_changed_number"}),
        msg("order", {"catalog_id": "1"}),
        msg("text", {"body": "Doorgestuurd"}, context={"forwarded": True}),
        msg("text", {"body": "Klopt dat?"}, context={"from": "15550783881", "id": "wamid.ours"}),
        msg("image", {"mime_type": "image/png", "id": "555", "file_size": "2048"}),
        msg("audio", {"mime_type": "audio/mpeg", "id": "666", "voice": False}),
        msg("document", {"mime_type": "application/pdf"}),  # no media id: cannot be fetched
    ]  # fmt: skip
    messages[8].pop("extra_contacts")
    messages[8]["contacts"] = [
        {
            "name": {"formatted_name": "Chandler Bing", "first_name": "Chandler"},
            "phones": [{"phone": "+1 555-555-5555", "wa_id": "15555555555", "type": "CELL"}],
        }
    ]
    for i, m in enumerate(messages):
        m["id"] = f"wamid.{i}"
    result = wa.parse_push(delivery({"contacts": [SHEENA], "messages": messages}))
    by_id = {m.source_id: m for m in result.batches[0].mentions}
    texts = {k: v.text for k, v in by_id.items()}
    assert texts == {
        "wamid.0": "Kapot geleverd",  # a file's caption is the text …
        "wamid.1": "[sticker]",  # … and without one, what was sent
        "wamid.2": "[voice message]",
        "wamid.3": "zo",
        "wamid.4": "De factuur",
        "wamid.5": "[reaction: 😮]",
        "wamid.7": "[location] Vestiging Utrecht, Oudegracht 1"
        " https://www.openstreetmap.org/?mlat=52.0907&mlon=5.1214",
        "wamid.8": "[contact] Chandler Bing +1 555-555-5555",
        "wamid.9": "[button] Stop berichten",
        "wamid.10": "[button] Ja",
        "wamid.11": "[choice] Retour — Een artikel terugsturen",
        "wamid.15": "[forwarded] Doorgestuurd",
        "wamid.16": "Klopt dat?",
        "wamid.17": "[image]",
        "wamid.18": "[audio]",
        "wamid.19": "[document]",
    }
    # the files, by media id (the server fetches them through fetch_media); the others: none
    assert {k: v.media for k, v in by_id.items() if v.media} == {
        "wamid.0": (MediaRef("image", "65463453", mime="image/jpeg"),),
        "wamid.1": (MediaRef("sticker", "111", mime="image/webp"),),
        "wamid.2": (MediaRef("audio", "222", mime="audio/ogg; codecs=opus"),),
        "wamid.3": (MediaRef("video", "333", mime="video/mp4"),),
        "wamid.4": (MediaRef("document", "444", mime="application/pdf", filename="factuur.pdf"),),
        "wamid.17": (MediaRef("image", "555", mime="image/png", size=2048),),
        "wamid.18": (MediaRef("audio", "666", mime="audio/mpeg"),),
        "wamid.19": (MediaRef("document", "", mime="application/pdf"),),  # kept as "failed"
    }
    assert not any(key.startswith("media_") for m in by_id.values() for key in m.meta)
    # a reaction threads under (and a reply to it quotes) the message reacted to
    assert by_id["wamid.5"].parent_source_id == "wamid.ours"
    assert by_id["wamid.5"].meta["quote"] == "wamid.ours"
    assert by_id["wamid.16"].parent_source_id == "wamid.ours"  # a quoted message
    assert by_id["wamid.15"].meta["forwarded"] == "yes"
    assert result.skipped == [
        "entry 0 change 0 message 12: an unsupported message (poll_creation): Message type unknown",
        "entry 0 change 0 message 14: a message of type 'order', which Webcare does not show",
    ]


def test_a_customer_who_hides_their_number_is_keyed_by_bsuid(
    wa: whatsapp.WhatsAppConnector,
) -> None:
    hidden = {"profile": {"name": "Anoniem"}, "user_id": "NL.555"}
    message = {"from_user_id": "NL.555", "id": "wamid.h", "timestamp": "1749416383",
               "type": "text", "text": {"body": "Hoi"}}  # fmt: skip
    [m] = wa.parse_push(delivery({"contacts": [hidden], "messages": [message]})).batches[0].mentions
    assert (m.author.platform_user_id, m.author.handle) == ("NL.555", "Anoniem")
    assert "wa_id" not in m.meta and m.meta["user_id"] == "NL.555"


def test_other_numbers_fields_and_broken_parts_are_skipped(
    wa: whatsapp.WhatsAppConnector,
) -> None:
    other = json.loads(delivery({"messages": [msg("text", {"body": "x"})]}, phone="999"))
    other["entry"][0]["changes"].append({"field": "message_template_status_update",
                                         "value": {"event": "APPROVED"}})  # fmt: skip
    broken = json.loads(
        delivery(
            {
                "messages": [
                    {"id": "wamid.nosender", "timestamp": "1", "type": "text",
                     "text": {"body": "x"}},
                    {"from": "1", "id": "wamid.notime", "type": "text", "text": {"body": "x"}},
                    {"from": "1", "timestamp": "1", "type": "text", "text": {"body": "x"}},
                ],
                "errors": [{"code": 130429, "title": "Rate limit hit"}],
            }
        )
    )  # fmt: skip
    body = json.dumps({"object": "whatsapp_business_account",
                       "entry": other["entry"] + broken["entry"]}).encode()  # fmt: skip
    result = wa.parse_push(body)
    assert result.batches == []
    assert result.skipped == [
        "entry 0 change 0: for phone number 999, not this channel's",
        "entry 1 change 0 message 0: message wamid.nosender has no sender",
        "entry 1 change 0 message 1: not a Unix time",
        "entry 1 change 0 message 2: a message without id",
        "entry 1 change 0: WhatsApp reported WhatsApp did not deliver the reply: Rate limit hit"
        " (code 130429).",
    ]
    for bad in (b"{not json", b"[]", b'{"object":"page","entry":[]}', b'{"object":'
                b'"whatsapp_business_account"}'):  # fmt: skip
        with pytest.raises(ValueError, match="the body"):
            wa.parse_push(bad)


def test_verification_and_signatures(wa: whatsapp.WhatsAppConnector) -> None:
    ok = {"hub.mode": "subscribe", "hub.verify_token": "v", "hub.challenge": "1158201444"}
    assert wa.verify_subscription(ok) == "1158201444"
    assert wa.verify_subscription({**ok, "hub.verify_token": "w"}) is None
    body = b'{"object":"whatsapp_business_account","entry":[]}'
    good = "sha256=dec6a680679a968e7e0319355b23599cbfc54502c0784668e9618baa0c633756"
    assert wa.authenticate_push({"x-hub-signature-256": good}, body)
    assert not wa.authenticate_push({"x-hub-signature-256": good}, body + b" ")
    assert not wa.authenticate_push({}, body)


# --- templates --------------------------------------------------------------------------------
def test_templates_named_positional_and_unsupported() -> None:
    named = whatsapp.parse_template(
        {
            "name": "order_update",
            "language": "nl",
            "status": "APPROVED",
            "category": "UTILITY",
            "parameter_format": "NAMED",
            "components": [
                {"type": "HEADER", "format": "TEXT", "text": "Je bestelling"},
                {
                    "type": "BODY",
                    "text": "Hallo {{first_name}}, bestelling {{order_number}} is onderweg,"
                    " {{first_name}}!",
                    "example": {
                        "body_text_named_params": [
                            {"param_name": "first_name", "example": "Jan"},
                            {"param_name": "order_number", "example": "1234"},
                        ]
                    },
                },
                {"type": "FOOTER", "text": "Webcare BV"},
                {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Bedankt"},
                                                {"type": "URL", "text": "Volg",
                                                 "url": "https://x.example/t"}]},
            ],
        }
    )  # fmt: skip
    assert named == PlatformTemplate(
        name="order_update",
        language="nl",
        category="UTILITY",
        body="Hallo {{first_name}}, bestelling {{order_number}} is onderweg, {{first_name}}!",
        parameters=(("first_name", "Jan"), ("order_number", "1234")),
        header="Je bestelling",
        footer="Webcare BV",
        buttons=("Bedankt", "Volg"),
    )
    positional = whatsapp.parse_template(
        {
            "name": "follow_up",
            "language": "en_US",
            "category": "UTILITY",
            "components": [
                {"type": "BODY", "text": "Hi {{2}} and {{1}}",
                 "example": {"body_text": [["Jan", "Piet"]]}},
            ],
        }
    )  # fmt: skip
    assert isinstance(positional, PlatformTemplate)
    assert positional.parameters == (("1", "Jan"), ("2", "Piet"))
    unsupported = {
        "an image header": {"type": "HEADER", "format": "IMAGE"},
        "a header variable": {"type": "HEADER", "format": "TEXT", "text": "Hoi {{1}}"},
        "a link with a variable": {
            "type": "BUTTONS",
            "buttons": [{"type": "URL", "text": "x", "url": "https://x/{{1}}"}],
        },
        "a code button": {"type": "BUTTONS", "buttons": [{"type": "COPY_CODE"}]},
        "a carousel": {"type": "CAROUSEL", "cards": []},
    }
    for what, part in unsupported.items():
        why = whatsapp.parse_template(
            {"name": "t", "language": "nl", "components": [{"type": "BODY", "text": "x"}, part]}
        )
        assert isinstance(why, str), what
    assert "one-time password" in str(
        whatsapp.parse_template({"name": "t", "language": "nl", "category": "AUTHENTICATION"})
    )
    assert whatsapp.parse_template({"name": "t", "language": "nl", "status": "PAUSED"}) == (
        "its status is PAUSED"
    )
    with pytest.raises(ValueError, match="no usable name"):
        whatsapp.parse_template({"name": "Bad Name", "language": "nl"})


def test_the_template_send_payload() -> None:
    assert whatsapp.template_payload(
        {"name": "order_update", "language": "nl",
         "parameters": [{"name": "first_name", "text": "Jan"},
                        {"name": "order_number", "text": "1234"}]}
    ) == {
        "name": "order_update",
        "language": {"code": "nl"},
        "components": [{"type": "body", "parameters": [
            {"type": "text", "parameter_name": "first_name", "text": "Jan"},
            {"type": "text", "parameter_name": "order_number", "text": "1234"},
        ]}],
    }  # fmt: skip
    positional = whatsapp.template_payload(
        {"name": "follow_up", "language": "en_US",
         "parameters": [{"name": "2", "text": "b"}, {"name": "1", "text": "a"}]}
    )  # fmt: skip
    assert positional["components"] == [
        {
            "type": "body",
            "parameters": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}],
        }
    ]
    assert "components" not in whatsapp.template_payload({"name": "hi", "language": "nl"})
    with pytest.raises(ValueError, match="is empty"):
        whatsapp.template_payload(
            {"name": "t", "language": "nl", "parameters": [{"name": "1", "text": " "}]}
        )
    assert whatsapp.render_template("Hoi {{1}}, {{ name }}!", {"1": "Jan", "name": "x"}) == (
        "Hoi Jan, x!"
    )


def test_error_words() -> None:
    words = whatsapp.error_words(
        [{"code": 131026, "title": "Message undeliverable", "error_data": {"details": "nope"}}]
    )
    assert words.startswith("WhatsApp did not deliver the reply: Message undeliverable — nope")
    assert "(code 131026)" in words and "not be on WhatsApp" in words
    assert whatsapp.error_words(None) == "WhatsApp reports that the reply was not delivered."
