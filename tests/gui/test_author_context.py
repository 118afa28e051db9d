"""The mention pane tells who wrote: name, followers, history with the team, tags, and their
other open mentions, with a way to go to them (issue 14, item 8)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from tests.support.author_history import FOLLOWERS, HANDLE, NAME, TEXTS, add_author_history
from tests.support.gui import OpenClient
from tests.support.server import TestServer
from webcare.app import Session
from webcare.client_store.records import View
from webcare.ui.models.queue_model import Role as ModelRole
from webcare.ui.text import day_label, plain_tooltip


def _select_in_view(qtbot: QtBot, session: Session, mention_id: int) -> None:
    """Select ``mention_id`` in the list shown (Unclaimed), as J/K or a click would."""
    c = session.controller
    qtbot.waitUntil(lambda: c.model.rowCount() > 0, timeout=10_000)
    for row in range(c.model.rowCount()):
        if c.model.index(row, 0).data(ModelRole.MENTION_ID) == mention_id:
            session.window.table.setFocus()
            c.queue.select_row(row)
            break
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.id == mention_id, timeout=5000)


def test_author_card_shows_history_tags_and_goes_to_the_other_open_mention(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    history = add_author_history(team)
    session = open_client("eva")
    c = session.controller
    pane = session.window.detail
    assert c.filter.view == View.UNCLAIMED
    _select_in_view(qtbot, session, history.current)

    # who: name, handle, followers (Mastodon gives them), channel
    assert pane.author.text() == NAME
    assert pane.profile.text() == f"{HANDLE} · {FOLLOWERS:,} followers · @Webcare on Mastodon"
    # what the team did with them before: three conversations and how each ended
    assert c.detail is not None
    spam_at = c.detail.author.last_earlier_at
    assert spam_at is not None
    assert pane.history.text() == (
        "3 earlier conversations: 1 resolved, 1 answered, 1 spam; last " + day_label(spam_at)
    )
    # tags: this mention's (the default rules), then the ones of their other mentions
    assert pane.tags.text().startswith("Tags: influencer, churn-risk, negative")
    assert pane.tags.isVisible()
    # their other open mention: said, and one click away
    assert pane.others.text() == "1 other open mention from this author"
    assert pane.goto_button.isVisible() and pane.goto_button.text() == "Go to it"
    assert TEXTS["open"] in pane.goto_button.toolTip()
    assert pane.goto_button.toolTip().startswith(plain_tooltip("")[:20])  # escaped, not rich
    # the conversation shows all of them together, each with where it stands
    headers = [f.header.text() for f in pane.conversation.frames if f.item.kind == "mention"]
    assert [h.rsplit(" · ", 1)[-1] for h in headers] == [
        "closed", "answered", "spam", "open", "open"
    ]  # fmt: skip
    goto = [
        b
        for f in pane.conversation.frames
        for b in f.findChildren(QPushButton)
        if b.objectName() == "gotoMention"
    ]
    assert len(goto) == 1  # only the other open one, not the one shown, not the finished ones

    qtbot.mouseClick(pane.goto_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.id == history.ids["open"],
                    timeout=5000)  # fmt: skip
    # the queue shows it selected; from there, the current one is the other open mention
    index = session.window.table.currentIndex()
    assert index.data(ModelRole.MENTION_ID) == history.ids["open"]
    qtbot.waitUntil(lambda: pane.others.text() == "1 other open mention from this author",
                    timeout=5000)  # fmt: skip
    assert pane.history.text().startswith("3 earlier conversations")
    # and from the conversation's button back to the first
    goto = [
        b
        for f in pane.conversation.frames
        for b in f.findChildren(QPushButton)
        if b.objectName() == "gotoMention"
    ]
    assert len(goto) == 1
    qtbot.mouseClick(goto[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.id == history.current, timeout=5000)
    assert session.window.table.currentIndex().data(ModelRole.MENTION_ID) == history.current


def test_a_first_time_author_is_said_to_be_new(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    (only,) = team.add_mentions(1, author="nieuw")
    session = open_client("eva")
    _select_in_view(qtbot, session, only)
    pane = session.window.detail
    assert pane.author.text() == "@nieuw"
    assert pane.history.text() == "No earlier conversations with this author."
    assert not pane.others.isVisible() and not pane.goto_button.isVisible()
    assert not pane.tags.isVisible()
