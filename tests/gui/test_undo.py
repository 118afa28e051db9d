"""Undo (Ctrl+Z) in the inbox through real widgets, a real local store and a real team server:
the last status action comes back as it was (the claim too), a colleague's change in between is
never overwritten, the offer lasts a few seconds, and in the composer Ctrl+Z is the text's own."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.support.gui import OpenClient, answer, key, select
from tests.support.outbox import send
from tests.support.server import TestServer
from webcare.app import Session
from webcare.ui.widgets.snooze_menu import SnoozeMenu


def stored(team: TestServer, mid: int) -> dict[str, Any]:
    with team.ctx.db.read() as conn:
        return dict(conn.execute("SELECT * FROM mentions WHERE id = ?", (mid,)).fetchone())


def notices(session: Session) -> list[str]:
    said: list[str] = []
    session.window.statusBar().messageChanged.connect(lambda t: said.append(t) if t else None)
    return said


def claim(qtbot: QtBot, session: Session) -> None:
    """C, and wait until this window knows the claim is mine."""
    c = session.controller
    key(qtbot, session, "c")
    qtbot.waitUntil(
        lambda: c.detail is not None and c.pane.holder_state(c.detail)[0] == "mine",
        timeout=10_000,
    )


def undo_key(qtbot: QtBot, session: Session) -> None:
    if not session.window.isActiveWindow():
        session.window.activateWindow()
        qtbot.waitUntil(session.window.isActiveWindow, timeout=3000)
    target = QApplication.focusWidget() or session.window.table
    qtbot.keyClick(target, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_z_takes_a_resolve_back_with_the_claim(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    (mid,) = team.add_mentions(1)
    session = open_client("eva")
    said = notices(session)
    select(qtbot, session, mid)
    claim(qtbot, session)
    epoch = stored(team, mid)["claim_epoch"]
    key(qtbot, session, "e")  # held by me: resolved without a question
    qtbot.waitUntil(lambda: stored(team, mid)["status"] == "closed", timeout=10_000)
    button = session.window.undo_button
    assert button.isVisible() and button.text().startswith("Undo: Resolved @")
    undo_key(qtbot, session)
    assert not button.isVisible()
    qtbot.waitUntil(lambda: stored(team, mid)["status"] == "claimed", timeout=10_000)
    m = stored(team, mid)
    assert (m["claim_agent_id"], m["claim_epoch"], m["closed_at"]) == (
        team.users["eva"],
        epoch,
        None,
    )
    qtbot.waitUntil(lambda: any(t.startswith("Undone: Resolved @") for t in said), timeout=5000)
    # the offer served once
    undo_key(qtbot, session)
    assert said[-1] == "Nothing to undo."


def test_a_colleagues_change_in_between_is_kept(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    (mid,) = team.add_mentions(1)
    session = open_client("eva")
    said = notices(session)
    select(qtbot, session, mid)
    key(qtbot, session, "!")
    answer(qtbot, session, "s")  # nobody holds it: "Mark @jan as spam?" — S marks it
    qtbot.waitUntil(lambda: stored(team, mid)["status"] == "spam", timeout=10_000)
    # Tom takes it out of spam and claims it before Eva's Ctrl+Z
    tom = team.login("tom")
    write = {"client_seq": 1, "op_id": "op-tom-00001", "type": "set_status", "mention_id": mid,
             "status": "open"}  # fmt: skip
    assert send(tom, write, client="client-tom1").json()["results"][0]["outcome"] == "accepted"
    assert tom.post(f"/v1/mentions/{mid}/claim").status_code == 200
    undo_key(qtbot, session)
    qtbot.waitUntil(
        lambda: "Not undone: The mention changed since; nothing was undone." in said, timeout=10_000
    )
    m = stored(team, mid)
    assert (m["status"], m["claim_agent_id"]) == ("claimed", team.users["tom"])
    # said once and put away: nothing waits in the outbox for it
    qtbot.waitUntil(lambda: session.window.queued_label.text() == "", timeout=5000)


def test_the_offer_lasts_a_few_seconds(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    _m1, m2 = team.add_mentions(2)
    session = open_client("eva")
    said = notices(session)
    c = session.controller
    c.undo.expiry.setInterval(300)  # the real 10 s, shortened for the test
    select(qtbot, session, m2)
    key(qtbot, session, "e")
    answer(qtbot, session, "r")
    qtbot.waitUntil(lambda: stored(team, m2)["status"] == "closed", timeout=10_000)
    qtbot.waitUntil(lambda: not session.window.undo_button.isVisible(), timeout=3000)
    undo_key(qtbot, session)
    assert said[-1] == "Nothing to undo."
    assert stored(team, m2)["status"] == "closed"


def test_in_the_composer_ctrl_z_undoes_the_typing(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    m1, m2 = team.add_mentions(2)
    session = open_client("eva")
    select(qtbot, session, m2)
    key(qtbot, session, "e")
    answer(qtbot, session, "r")
    qtbot.waitUntil(lambda: stored(team, m2)["status"] == "closed", timeout=10_000)
    select(qtbot, session, m1)
    claim(qtbot, session)
    editor = session.window.detail.composer.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "Hello")
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "Hello" not in editor.toPlainText()
    assert session.window.undo_button.isVisible()  # the resolve can still be taken back
    assert stored(team, m2)["status"] == "closed"


def test_ctrl_z_wakes_a_snooze_back_into_the_claim(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    (mid,) = team.add_mentions(1)
    session = open_client("eva")
    c = session.controller
    select(qtbot, session, mid)
    claim(qtbot, session)
    key(qtbot, session, "s")
    qtbot.waitUntil(lambda: c.actions.snooze_menu is not None, timeout=3000)
    menu = c.actions.snooze_menu
    assert isinstance(menu, SnoozeMenu)
    qtbot.waitUntil(menu.isVisible, timeout=3000)
    qtbot.keyClick(menu, Qt.Key.Key_Return)  # for 1 hour
    qtbot.waitUntil(lambda: stored(team, mid)["snoozed_until"] is not None, timeout=10_000)
    assert stored(team, mid)["claim_agent_id"] is None
    undo_key(qtbot, session)
    qtbot.waitUntil(lambda: stored(team, mid)["snoozed_until"] is None, timeout=10_000)
    assert stored(team, mid)["claim_agent_id"] == team.users["eva"]
    assert stored(team, mid)["woken_at"] is None
