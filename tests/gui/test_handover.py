"""Hand-over through real widgets: two real clients (Eva, Tom) on one real team server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.support.gui import OpenClient
from tests.support.server import TestServer
from webcare.app import Session
from webcare.client_store.records import View
from webcare.server.run import ServerThread
from webcare.ui.models.queue_model import Role as ModelRole
from webcare.ui.widgets.handover_picker import HandoverPicker

NOTE = "Tom knows this customer"


def select(qtbot: QtBot, session: Session, mention_id: int) -> None:
    """Select ``mention_id`` under All, as a person clicking its row."""
    c = session.controller
    session.window.views.setCurrentRow(2)
    qtbot.waitUntil(lambda: c.filter.view is View.ALL and c.model.rowCount() > 0, timeout=5000)
    for row in range(c.model.rowCount()):
        if c.model.index(row, 0).data(ModelRole.MENTION_ID) == mention_id:
            session.window.table.setFocus()
            c.queue.select_row(row)
            break
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.id == mention_id, timeout=5000)
    qtbot.waitUntil(lambda: c.pane.target() is not None, timeout=5000)  # keys act on it now


def press(qtbot: QtBot, session: Session, letter: str) -> None:
    """A single-letter shortcut, typed into the focused widget of the active window."""
    if not session.window.isActiveWindow():
        session.window.activateWindow()
        qtbot.waitUntil(session.window.isActiveWindow, timeout=3000)
    qtbot.keyClicks(QApplication.focusWidget() or session.window.table, letter)


def claim(qtbot: QtBot, session: Session, mention_id: int) -> None:
    c = session.controller
    select(qtbot, session, mention_id)
    c.claim()
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.holder_id == c.me.id, timeout=5000)


def picker_of(qtbot: QtBot, session: Session) -> HandoverPicker:
    c = session.controller
    qtbot.waitUntil(
        lambda: c.handover_picker is not None and c.handover_picker.isVisible(), timeout=5000
    )
    picker = c.handover_picker
    assert picker is not None
    return picker


def holder(team: TestServer, mention_id: int) -> tuple[int | None, int]:
    with team.ctx.db.read() as conn:
        row = conn.execute(
            "SELECT claim_agent_id, claim_epoch FROM mentions WHERE id = ?", (mention_id,)
        ).fetchone()
    return row[0], row[1]


def test_eva_hands_a_mention_to_tom_who_gets_it_bold_with_the_note(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    m1, m2, m3 = team.add_mentions(3)
    eva, tom = open_client("eva"), open_client("tom")
    ec, tc = eva.controller, tom.controller
    # Tom works on a mention of his own, in Mine
    claim(qtbot, tom, m3)
    tom.window.views.setCurrentRow(1)
    qtbot.waitUntil(lambda: tc.filter.view is View.MINE and tc.current_id == m3, timeout=5000)
    claim(qtbot, eva, m2)
    epoch = holder(team, m2)[1]

    press(qtbot, eva, "h")
    picker = picker_of(qtbot, eva)
    items = [picker.list.item(i).text() for i in range(picker.list.count())]
    # Tom's client is connected, Lars never signed in; online first, Eva not offered herself
    assert items == ["Tom (agent) — online", "Lars (lead) — offline"]
    assert "Tom is online" in picker.hint.text()
    qtbot.keyClicks(picker.search, "la")
    assert [picker.list.item(i).text() for i in range(picker.list.count())] == [
        "Lars (lead) — offline"
    ]
    assert "Lars is offline" in picker.hint.text()
    picker.search.clear()
    qtbot.keyClicks(picker.search, "tom")
    assert picker.list.count() == 1
    qtbot.keyClick(picker.search, Qt.Key.Key_Tab)
    assert picker.note_edit.hasFocus()
    qtbot.keyClicks(picker.note_edit, NOTE)
    qtbot.keyClick(picker.note_edit, Qt.Key.Key_Return)  # Enter hands it over
    qtbot.waitUntil(lambda: ec.handover_picker is None, timeout=3000)

    # Eva's pane moves on at once, as after a release; the server moved the claim
    qtbot.waitUntil(lambda: ec.current_id == m1, timeout=5000)
    qtbot.waitUntil(lambda: "Handed @jan over to Tom." in ec.last_notice, timeout=5000)
    assert holder(team, m2) == (team.users["tom"], epoch + 1)

    # Tom is told, and the mention is his: in Mine, bold until he opens it
    text = "Eva handed you a mention: @jan “Help, my internet is down #1”"
    qtbot.waitUntil(lambda: text in tc.notifications, timeout=5000)
    assert tom.window.banner.text() == text
    assert tc.last_notice == text
    # in his Mine view, beside the one he is on (which stays selected), bold until he opens it
    qtbot.waitUntil(lambda: tc.model.rowCount() == 2, timeout=5000)
    rows = {tc.model.index(r, 0).data(ModelRole.MENTION_ID): tc.model.index(r, 0) for r in (0, 1)}
    assert rows[m2].data(ModelRole.UNREAD) is True
    assert rows[m2].data(Qt.ItemDataRole.FontRole).bold()
    assert rows[m3].data(ModelRole.UNREAD) is False
    assert tc.current_id == m3

    # a click on the notification opens it: the note is in the conversation
    qtbot.mouseClick(tom.window.banner, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tc.detail is not None and tc.detail.id == m2, timeout=5000)
    pane = tom.window.detail
    qtbot.waitUntil(
        lambda: f"Handed over to Tom: {NOTE}" in pane.conversation.texts(), timeout=5000
    )
    headers = [f.header.text() for f in pane.conversation.frames]
    assert any(h.startswith("Eva ·") and h.endswith("hand-over") for h in headers)
    assert pane.presence.text() == "Eva handed this to you — your claim ends in 15 min."
    assert tom.window.actions_by_name["reply"].isEnabled()
    assert not tom.window.banner.isVisible()


def test_hand_over_needs_a_claim_and_the_server(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    m1, m2 = team.add_mentions(2)
    eva = open_client("eva")
    c, w = eva.controller, eva.window
    select(qtbot, eva, m1)
    assert not w.detail.handover_button.isEnabled()  # not hers
    press(qtbot, eva, "h")
    qtbot.waitUntil(lambda: "claim it first (C)" in c.last_notice, timeout=3000)
    assert c.handover_picker is None

    claim(qtbot, eva, m2)
    assert w.detail.handover_button.isEnabled()
    assert w.detail.handover_button.toolTip() == "Hand over to a colleague (H)"
    config, port = team.thread.app.state.ctx.config, team.thread.port
    team.thread.stop()  # the server goes away
    qtbot.waitUntil(lambda: c.online is False, timeout=10_000)
    assert not w.detail.handover_button.isEnabled()
    assert "you are offline" in w.detail.handover_button.toolTip()
    press(qtbot, eva, "h")
    qtbot.waitUntil(lambda: "handing over needs the team server" in c.last_notice, timeout=3000)
    assert c.handover_picker is None
    team.thread = ServerThread(config, port=port).start()
    qtbot.waitUntil(lambda: c.online is True, timeout=20_000)

    # Esc in the picker hands nothing over
    qtbot.waitUntil(w.detail.handover_button.isEnabled, timeout=5000)
    w.detail.handover_button.click()
    picker = picker_of(qtbot, eva)
    qtbot.keyClick(picker.search, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: c.handover_picker is None, timeout=3000)
    assert "Nothing handed over." in c.last_notice
    assert holder(team, m2)[0] == team.users["eva"]


def test_demo_renders_the_picker_with_each_presence(tmp_path: Path) -> None:
    """`webcare demo --scene handover --screenshot FILE` (resources/README.md): the picker over
    the inbox, lars online and anna away."""
    path = tmp_path / "handover.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [sys.executable, "-m", "webcare", "demo", "--scene", "handover", "--screenshot", str(path)],
        capture_output=True, text=True, timeout=120, check=False, env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert f"Saved {path}" in run.stdout
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1360, 820)
