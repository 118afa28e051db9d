"""The messaging window and delivery receipts in the client, on a real team server with a
Facebook Page channel whose Graph API and webhooks come from the fake: the composer counts the
24 hours down, refuses before anything is typed once they are over, and a Messenger reply's
bubble shows what the platform reports ("Delivered", "Read")."""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import partial

import pytest
from pytestqt.qtbot import QtBot

from tests.support.channels import arrived, facebook_channel
from tests.support.fakes.graph import FakeGraph, error
from tests.support.gui import OpenClient, answer, key, open_mention
from tests.support.server import TestServer, wait_until
from webcare.domain.models import Role


@pytest.fixture
def fake() -> Iterator[FakeGraph]:
    with FakeGraph() as server:
        yield server


def test_the_composer_counts_the_window_down_and_refuses_before_typing(
    open_client: OpenClient, team: TestServer, qtbot: QtBot, fake: FakeGraph
) -> None:
    team.add_user("anna", Role.ADMIN, name="Anna")
    facebook_channel(team.login("anna"), fake)
    jan = fake.user("Jan de Vries")
    old = arrived(team, fake.add_message("Hallo?", by=jan, created_at=time.time() - 26 * 3600).mid)
    petra = fake.user("Petra")
    fresh = arrived(team, fake.add_message("Mijn factuur klopt niet", by=petra).mid)
    # the channel's first poll has run (it brings both again, changing nothing)
    assert wait_until(lambda: fake.calls("/conversations"), 10)
    session = open_client("eva")
    c, w = session.controller, session.window
    composer = w.detail.composer

    # 26 hours ago: refused as soon as it is opened, before a word is typed
    open_mention(qtbot, session, old["id"])
    assert composer.editor.toPlainText() == ""
    assert composer.notice.isVisible()
    refusal = composer.notice.text()
    assert refusal.startswith("The customer last wrote 26 h ago;")
    assert "only takes a reply within 24 h of their last message" in refusal
    assert not composer.window_label.isVisible()
    assert not w.actions_by_name["reply"].isEnabled()
    c.claim()
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.holder_id == c.me.id, timeout=15_000)
    composer.editor.setPlainText("Sorry voor het wachten!")
    assert not composer.send_button.isEnabled()
    composer.note_toggle.setChecked(True)  # a note is still possible
    assert composer.send_button.isEnabled() and not composer.notice.isVisible()
    composer.clear()
    c.release()
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.holder_id is None, timeout=15_000)

    # written just now: the countdown, and the reply goes out; its bubble follows the receipts
    open_mention(qtbot, session, fresh["id"])
    assert composer.window_label.isVisible()
    countdown = composer.window_label.text()
    assert countdown.startswith(("23 h 59 min left to reply", "24 h left to reply")), countdown
    assert "takes replies up to 24 h after the customer's last message" in countdown
    assert not composer.notice.isVisible()
    assert w.actions_by_name["reply"].isEnabled()
    c.claim()
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.holder_id == c.me.id, timeout=15_000)
    composer.editor.setPlainText("We kijken het meteen na.")
    assert composer.send_button.isEnabled()
    composer.request_send()

    def reply_header() -> str:
        frames = [f for f in w.detail.conversation.frames if f.item.kind == "reply"]
        return frames[-1].header.text() if frames else ""

    qtbot.waitUntil(lambda: len(fake.sent_messages) == 1, timeout=15_000)
    assert fake.sent_messages[0]["message"]["text"] == "We kijken het meteen na. ^Eva"
    fake.deliver_receipt(petra)
    qtbot.waitUntil(lambda: reply_header().endswith("reply · Delivered"), timeout=15_000)
    fake.read_receipt(petra)
    qtbot.waitUntil(lambda: reply_header().endswith("reply · Read"), timeout=15_000)


def test_a_comment_can_be_answered_privately_from_the_composer(
    open_client: OpenClient, team: TestServer, qtbot: QtBot, fake: FakeGraph
) -> None:
    team.add_user("anna", Role.ADMIN, name="Anna")
    facebook_channel(team.login("anna"), fake)
    jan = fake.user("Jan de Vries")
    post = fake.add_post("Actie: gratis verzending!")
    comment = arrived(team, fake.add_comment(post, "Mijn ordernummer is 12345", by=jan).id)
    dm = arrived(team, fake.add_message("Hoi", by=jan).mid)
    assert wait_until(lambda: fake.calls("/conversations"), 10)
    session = open_client("eva")
    c, w = session.controller, session.window
    composer = w.detail.composer
    open_mention(qtbot, session, dm["id"])
    assert composer.private_toggle.isHidden()  # a Messenger message is private already
    open_mention(qtbot, session, comment["id"])
    assert not composer.private_toggle.isHidden()
    c.claim()
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.holder_id == c.me.id, timeout=15_000)
    composer.editor.setPlainText("Dank je, we sturen je een bericht.")
    composer.private_toggle.setChecked(True)
    composer.request_send()
    qtbot.waitUntil(lambda: not composer.private_toggle.isChecked(), timeout=5000)  # cleared
    qtbot.waitUntil(lambda: bool(fake.sent_messages), timeout=15_000)
    assert fake.sent_messages[0]["recipient"] == {"comment_id": comment["source_id"]}
    assert fake.page_comments == []  # nothing public

    def reply_header() -> str:
        frames = [f for f in w.detail.conversation.frames if f.item.kind == "reply"]
        return frames[-1].header.text() if frames else ""

    qtbot.waitUntil(lambda: "private reply" in reply_header(), timeout=15_000)


def test_the_pane_says_when_facebook_would_not_hide_a_spam_comment(
    open_client: OpenClient, team: TestServer, qtbot: QtBot, fake: FakeGraph
) -> None:
    """Marking a comment spam hides it on Facebook; when Facebook refuses, the pane says so with
    Facebook's words and what the agent can do, and a hidden one says it is hidden."""
    team.add_user("anna", Role.ADMIN, name="Anna")
    facebook_channel(team.login("anna"), fake)
    post = fake.add_post("Actie!")
    refused = arrived(team, fake.add_comment(post, "Koop volgers!", by=fake.user("Spammer")).id)
    hidden = arrived(team, fake.add_comment(post, "Gratis iPhone", by=fake.user("Bot")).id)
    fake.fail_next(
        1,
        403,
        body=error(
            200,
            "(#200) Requires pages_manage_engagement permission to manage the object",
            status=403,
        ).body,
        path=f"/{refused['source_id']}",
    )
    session = open_client("eva")
    line = session.window.detail.platform_action
    for mention in (refused, hidden):
        open_mention(qtbot, session, mention["id"])
        assert not line.isVisible()  # nothing happened on Facebook yet
        key(qtbot, session, "!")
        answer(qtbot, session, "s")  # unclaimed: "Mark @… as spam?"
        qtbot.waitUntil(partial(is_spam, team, int(mention["id"])), timeout=10_000)

    def says(mention_id: int, words: str) -> bool:
        open_mention(qtbot, session, mention_id)
        return line.isVisible() and words in line.text()

    qtbot.waitUntil(lambda: says(refused["id"], "Could not hide this comment"), timeout=15_000)
    assert line.text() == (
        "Could not hide this comment — Facebook: (#200) Requires pages_manage_engagement"
        " permission to manage the object (code 200). Hide it on Facebook yourself, or reopen it"
        " (Shift+E) and mark it as spam again (!) to try once more."
    )
    assert line.property("state") == "failed"
    assert not fake.comments[refused["source_id"]].hidden
    qtbot.waitUntil(lambda: says(hidden["id"], "Hidden on Facebook"), timeout=15_000)
    assert line.property("state") == "done"
    assert fake.comments[hidden["source_id"]].hidden


def is_spam(team: TestServer, mention_id: int) -> bool:
    with team.ctx.db.read() as conn:
        row = conn.execute("SELECT status FROM mentions WHERE id = ?", (mention_id,)).fetchone()
    return bool(row[0] == "spam")
