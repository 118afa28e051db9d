"""The composer counts a reply the way its platform will (the same count the team server checks):
Mastodon's @mention in front and links as 23, Bluesky's graphemes and bytes; over the limit it
says why and does not send. Real widgets, a real local store, a real team server."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.support.gui import OpenClient, replies, select
from tests.support.server import TestServer

KEYCAP = "1\ufe0f\u20e3"  # one grapheme, three code points, seven UTF-8 bytes
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # one grapheme, 25 bytes


def test_the_mastodon_counter_counts_the_mention_in_front_and_links_as_23(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    (mid,) = team.add_mentions(
        1, brand="Masto", kind="mastodon", char_limit=500, author="klantenservice_fan"
    )
    session = open_client("eva")
    c = session.controller
    select(qtbot, session, mid)
    c.claim()
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.holder_id == c.me.id, timeout=5000)
    composer = session.window.detail.composer

    # 470 + " ^Eva" = 475 typed, and "@klantenservice_fan " (20) goes in front: 495
    composer.editor.setPlainText("x" * 470)
    assert composer.counter.text() == "495/500"
    assert composer.preview.text() == (
        "Will be sent as: @klantenservice_fan " + "x" * 470 + " ^Eva"
    )
    assert composer.send_button.isEnabled() and not composer.notice.isVisible()
    assert "Mastodon" in composer.counter.toolTip()

    # a long link counts 23: "Zie " + 23 + " ^Eva" + the mention
    composer.editor.setPlainText("Zie https://www.example.org/" + "a" * 200)
    assert composer.counter.text() == f"{20 + 4 + 23 + 5}/500"

    # ten more: over the limit though the typed text (485) is not
    composer.editor.setPlainText("x" * 480)
    assert composer.counter.text() == "505/500"
    assert composer.counter.property("over") is True
    assert not composer.send_button.isEnabled()
    assert composer.notice.isVisible()
    assert composer.notice.text() == (
        "Too long: Mastodon counts 505 characters, with @klantenservice_fan put in front;"
        " the limit is 500. Shorten the reply to send it."
    )
    composer.request_send()  # Ctrl+Enter: refused
    qtbot.wait(300)
    assert c.queued == 0 and replies(team, mid) == []

    # shortened: it goes, and the server takes what the composer allowed
    composer.editor.setPlainText("x" * 475)
    assert composer.counter.text() == "500/500" and composer.send_button.isEnabled()
    composer.request_send()
    qtbot.waitUntil(lambda: replies(team, mid) == ["x" * 475 + " ^Eva"], timeout=10_000)


def test_the_bluesky_counter_counts_graphemes_and_says_when_bytes_run_out(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    (mid,) = team.add_mentions(
        1, brand="Sky", kind="bluesky", char_limit=300, author="jan.bsky.social"
    )
    session = open_client("eva")
    select(qtbot, session, mid)
    composer = session.window.detail.composer

    composer.editor.setPlainText(KEYCAP * 290)  # 870 code points
    assert composer.counter.text() == "295/300"  # 290 emoji + " ^Eva"
    assert composer.preview.text() == "Will be sent as: " + KEYCAP * 290 + " ^Eva"
    assert not composer.notice.isVisible()

    composer.editor.setPlainText(FAMILY * 150)  # 150 graphemes, 3750 + 5 bytes
    assert composer.counter.text() == "155/300"
    assert composer.counter.property("over") is True
    assert not composer.send_button.isEnabled()
    assert composer.notice.text() == (
        "Too long: 3755 bytes, and Bluesky allows 3000 (emoji and accented letters take"
        " several bytes). Shorten the reply to send it."
    )
