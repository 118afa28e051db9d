"""Snooze in the inbox through real widgets, a real local store and a real team server whose
clock the test moves: S and a preset take the row out of the queue, the Snoozed view shows when
it comes back, and the server's sweeper (or the customer's follow-up) brings it back in bold."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from datetime import time as daytime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.support.gui import OpenClient
from tests.support.server import FakeClock, TestServer, running_server
from webcare.app import Session
from webcare.channels.base import Author, Batch, ChannelInfo, IncomingMention
from webcare.client_store.records import View
from webcare.domain import snooze
from webcare.domain.business_hours import BusinessHours
from webcare.domain.models import Role
from webcare.server.run import ServerThread
from webcare.server.services import ingest
from webcare.ui.models.queue_model import Col
from webcare.ui.models.queue_model import Role as ModelRole
from webcare.ui.text import wake_time
from webcare.ui.widgets.snooze_menu import SnoozeDateDialog, SnoozeMenu

WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
AMSTERDAM = {"timezone": "Europe/Amsterdam", "weekly": {d: [["08:00", "17:30"]] for d in WORKDAYS}}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(start=time.time())  # the server's clock, moved by the test


@pytest.fixture
def team(tmp_path: Path, clock: FakeClock) -> Iterator[TestServer]:
    """The GUI tests' team (eva, tom, lars), on a clock the test moves, with its hours set."""
    with running_server(tmp_path / "server", clock=clock, sweep_interval_s=0.05) as server:
        server.add_user("eva", name="Eva", signature="^Eva")
        server.add_user("tom", name="Tom", signature="^Tom")
        server.add_user("lars", Role.LEAD, name="Lars", signature="^Lars")
        server.add_user("anna", Role.ADMIN, name="Anna")
        admin = server.login("anna")
        assert admin.put("/v1/settings/business-hours", json=AMSTERDAM).status_code == 200
        yield server


def server_mention(team: TestServer, mid: int) -> dict[str, Any]:
    with team.ctx.db.read() as conn:
        return dict(conn.execute("SELECT * FROM mentions WHERE id = ?", (mid,)).fetchone())


def snoozes(team: TestServer, mid: int) -> int:
    with team.ctx.db.read() as conn:
        return int(
            conn.execute(
                "SELECT count(*) FROM audit WHERE action = 'mention.snooze' AND entity_id = ?",
                (str(mid),),
            ).fetchone()[0]
        )


def row_of(session: Session, mid: int) -> int | None:
    model = session.controller.model
    for row in range(model.rowCount()):
        if model.index(row, 0).data(ModelRole.MENTION_ID) == mid:
            return row
    return None


def select(qtbot: QtBot, session: Session, mid: int) -> None:
    c = session.controller
    qtbot.waitUntil(lambda: row_of(session, mid) is not None, timeout=5000)
    session.window.table.setFocus()
    row = row_of(session, mid)
    assert row is not None
    c.queue.select_row(row)
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.id == mid, timeout=5000)


def press(qtbot: QtBot, session: Session, key: Qt.Key, mods: Any = Qt.KeyboardModifier.NoModifier
          ) -> None:  # fmt: skip
    """A key the way a person presses it: into the active window's focused widget."""
    if not session.window.isActiveWindow():
        session.window.activateWindow()
        qtbot.waitUntil(session.window.isActiveWindow, timeout=3000)
    qtbot.keyClick(QApplication.focusWidget() or session.window.table, key, mods)


def open_menu(qtbot: QtBot, session: Session) -> SnoozeMenu:
    press(qtbot, session, Qt.Key.Key_S)
    actions = session.controller.actions
    qtbot.waitUntil(lambda: actions.snooze_menu is not None, timeout=3000)
    menu = actions.snooze_menu
    assert menu is not None
    qtbot.waitUntil(menu.isVisible, timeout=3000)
    return menu


def notices(session: Session) -> list[str]:
    """What the status bar says from now on, in order."""
    said: list[str] = []
    session.window.statusBar().messageChanged.connect(
        lambda text: said.append(text) if text else None
    )
    return said


def count_text(session: Session, view: View) -> str:
    w = session.window
    for row in range(w.views.count()):
        if w.views.item(row).data(Qt.ItemDataRole.UserRole) == view.value:
            return str(w.views.item(row).text())
    raise AssertionError(view)


def test_s_and_a_preset_snooze_it_until_the_sweeper_brings_it_back_in_bold(
    open_client: OpenClient, team: TestServer, clock: FakeClock, qtbot: QtBot
) -> None:
    mid, _other = team.add_mentions(2)
    session = open_client("eva")
    c, w = session.controller, session.window
    select(qtbot, session, mid)
    c.claim()
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.holder_id == c.me.id, timeout=5000)
    qtbot.waitUntil(lambda: c.actions.hours.timezone == "Europe/Amsterdam", timeout=5000)
    qtbot.waitUntil(lambda: c.filter.view is View.MINE, timeout=5000)  # the claim took it there
    said = notices(session)

    menu = open_menu(qtbot, session)
    texts = [a.text().replace("&", "") for a in menu.actions() if a.text()]
    assert texts[0].startswith("For 1 hour (today ") or texts[0].startswith("For 1 hour (tomorrow ")
    assert texts[1].startswith("Tomorrow 9:00 (tomorrow ")
    assert texts[2].startswith("Next business day (")
    assert texts[3:] == ["Pick a date…", "Until the customer writes again"]
    qtbot.keyClick(menu, Qt.Key.Key_Return)  # the first, "For 1 hour", is the active one

    # it leaves the list at once (Mine, where the claim took it: empty now), and the counts
    # say where it went; the other mention is still waiting in Unclaimed
    assert c.filter.view is View.MINE
    qtbot.waitUntil(lambda: row_of(session, mid) is None and c.detail is None, timeout=5000)
    qtbot.waitUntil(lambda: count_text(session, View.SNOOZED) == "Snoozed  (1)", timeout=5000)
    qtbot.waitUntil(lambda: count_text(session, View.UNCLAIMED) == "Unclaimed  (1)", timeout=5000)
    assert any(
        t.startswith(("Snoozed @jan until today", "Snoozed @jan until tomorrow")) for t in said
    )
    # the server has it once, the claim released (the mention is for whoever comes next)
    qtbot.waitUntil(lambda: server_mention(team, mid)["snoozed_until"] is not None, timeout=10_000)
    stored = server_mention(team, mid)
    assert stored["snoozed_until"] == pytest.approx(menu.now + 3600)
    assert (stored["claim_agent_id"], stored["snoozed_by"]) == (None, team.users["eva"])
    assert snoozes(team, mid) == 1

    # the Snoozed view (Z) lists it with its wake time; the pane says until when and by whom
    press(qtbot, session, Qt.Key.Key_Z)
    qtbot.waitUntil(
        lambda: c.filter.view is View.SNOOZED and row_of(session, mid) == 0, timeout=5000
    )
    when = wake_time(stored["snoozed_until"])
    assert c.model.index(0, Col.STATE).data() == f"Until {when}"
    select(qtbot, session, mid)
    qtbot.waitUntil(
        lambda: w.detail.presence.text().startswith(f"Snoozed until {when} by Eva."), timeout=5000
    )
    assert w.detail.unsnooze_button.isVisible()
    assert w.actions_by_name["unsnooze"].isEnabled()

    # its time comes (by the server's clock): the sweeper wakes it, the feed brings it back
    clock.advance(stored["snoozed_until"] - clock() - 1)
    qtbot.wait(300)  # a second before: still asleep
    assert row_of(session, mid) == 0
    clock.advance(2)
    qtbot.waitUntil(lambda: c.model.rowCount() == 0, timeout=10_000)
    qtbot.waitUntil(lambda: count_text(session, View.SNOOZED) == "Snoozed  (0)", timeout=5000)
    qtbot.waitUntil(
        lambda: "A mention you snoozed is back in the queue (in bold)." in said, timeout=5000
    )
    press(qtbot, session, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: c.filter.view is View.UNCLAIMED and row_of(session, mid) is not None,
                    timeout=5000)  # fmt: skip
    row = row_of(session, mid)
    assert row is not None
    assert c.model.index(row, Col.TEXT).data(ModelRole.UNREAD) is True
    font = c.model.index(row, Col.TEXT).data(Qt.ItemDataRole.FontRole)
    assert font is not None and font.bold()
    # tom did not snooze it: not bold for him
    tom = open_client("tom")
    qtbot.waitUntil(lambda: row_of(tom, mid) is not None, timeout=5000)
    tom_row = row_of(tom, mid)
    assert tom.controller.model.index(tom_row or 0, Col.TEXT).data(ModelRole.UNREAD) is False


def test_a_snooze_made_offline_is_queued_applied_at_once_and_sent_once(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    (mid,) = team.add_mentions(1, text="Mijn pakket is niet bezorgd")
    session = open_client("eva")
    c, w = session.controller, session.window
    select(qtbot, session, mid)
    config, port = team.thread.app.state.ctx.config, team.thread.port
    team.thread.stop()
    qtbot.waitUntil(lambda: c.online is False, timeout=10_000)

    menu = open_menu(qtbot, session)
    qtbot.keyClick(menu, Qt.Key.Key_C)  # "Until the &customer writes again"
    qtbot.waitUntil(lambda: c.queued == 1, timeout=5000)
    qtbot.waitUntil(lambda: row_of(session, mid) is None, timeout=5000)  # out of Unclaimed now
    qtbot.waitUntil(lambda: count_text(session, View.SNOOZED) == "Snoozed  (1)", timeout=5000)
    w.views.setCurrentRow(4)  # a click on Snoozed
    qtbot.waitUntil(lambda: row_of(session, mid) == 0, timeout=5000)
    assert c.model.index(0, Col.STATE).data() == "Until they write"
    select(qtbot, session, mid)
    qtbot.waitUntil(lambda: "Not sent yet" in w.detail.presence.text(), timeout=5000)
    assert w.detail.presence.text().startswith("Snoozed until the customer writes again, by Eva.")

    team.thread = ServerThread(config, port=port).start()  # the server is back
    qtbot.waitUntil(lambda: c.queued == 0, timeout=20_000)
    assert server_mention(team, mid)["snooze_until_customer"] == 1
    qtbot.wait(800)  # more sync rounds: still one snooze
    assert snoozes(team, mid) == 1
    qtbot.waitUntil(lambda: "Not sent yet" not in w.detail.presence.text(), timeout=5000)

    # the customer answers in the thread: it wakes at once and is back in Unclaimed, bold
    with team.ctx.db.read() as conn:
        source = conn.execute("SELECT source_id FROM mentions WHERE id = ?", (mid,)).fetchone()[0]
    now = team.ctx.now()
    ingest.ingest(
        team.ctx.db,
        Batch(
            channel=ChannelInfo(
                kind="test",
                name="@Webcare test",
                brand="Webcare",
                handle="@Webcare",
                char_limit=280,
            ),
            mentions=[
                IncomingMention(
                    source_id="follow-up",
                    text="Nog nieuws?",
                    created_at=now,
                    author=Author(platform_user_id="jan", handle="@jan"),
                    parent_source_id=source,
                )
            ],
        ),
        now,
        history=False,
    )
    qtbot.waitUntil(lambda: c.model.rowCount() == 0, timeout=10_000)  # gone from Snoozed
    w.views.setCurrentRow(0)
    qtbot.waitUntil(lambda: row_of(session, mid) is not None, timeout=5000)
    row = row_of(session, mid)
    assert c.model.index(row or 0, Col.TEXT).data(ModelRole.UNREAD) is True


def test_tomorrow_is_nine_in_the_teams_zone_and_a_date_can_be_picked(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    first, second = team.add_mentions(2)
    session = open_client("eva")
    c = session.controller
    qtbot.waitUntil(lambda: c.actions.hours.timezone == "Europe/Amsterdam", timeout=5000)
    hours = BusinessHours.from_dict(AMSTERDAM)
    select(qtbot, session, first)
    menu = open_menu(qtbot, session)
    expected = snooze.tomorrow_at(menu.now, hours)
    qtbot.keyClick(menu, Qt.Key.Key_T)  # "&Tomorrow 9:00"
    qtbot.waitUntil(
        lambda: server_mention(team, first)["snoozed_until"] is not None, timeout=10_000
    )
    assert server_mention(team, first)["snoozed_until"] == pytest.approx(expected)

    select(qtbot, session, second)
    menu = open_menu(qtbot, session)
    qtbot.keyClick(menu, Qt.Key.Key_D)  # "Pick a &date…"
    qtbot.waitUntil(lambda: menu.dialog is not None and menu.dialog.isVisible(), timeout=3000)
    dialog = menu.dialog
    assert isinstance(dialog, SnoozeDateDialog)
    assert dialog.time.time().toString("HH:mm") == "09:00"
    ok = dialog.buttons.buttons()[0]
    assert ok.isEnabled() and "It comes back" in dialog.when.text()
    dialog.date.setDate(dialog.date.maximumDate())  # a year ahead, late in the day: too far
    dialog.time.setTime(QTime(23, 59))
    assert not ok.isEnabled()
    assert dialog.when.text() == "A mention can be snoozed for at most a year."
    dialog.date.setDate(dialog.date.date().addDays(-335))
    dialog.time.setTime(QTime(10, 0))
    assert ok.isEnabled()
    picked = dialog.date.date()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    want = snooze.on_date(date(picked.year(), picked.month(), picked.day()), daytime(10, 0), hours)
    qtbot.waitUntil(
        lambda: server_mention(team, second)["snoozed_until"] is not None, timeout=10_000
    )
    assert server_mention(team, second)["snoozed_until"] == pytest.approx(want)


def test_go_to_a_snoozed_mention_shows_it_under_snoozed(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    mid, other = team.add_mentions(2)
    session = open_client("eva")
    c = session.controller
    select(qtbot, session, mid)
    menu = open_menu(qtbot, session)
    qtbot.keyClick(menu, Qt.Key.Key_C)  # until the customer writes again
    qtbot.waitUntil(lambda: row_of(session, mid) is None, timeout=5000)
    # "Go to it" (the author card, the Team window): All leaves it out, Snoozed has it
    c.reveal_mention(mid)
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.id == mid, timeout=5000)
    assert c.filter.view is View.SNOOZED
    assert session.window.views.currentItem().text().startswith("Snoozed")
    c.reveal_mention(other)  # an awake one: under All, as before
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.id == other, timeout=5000)
    assert c.filter.view.value == "all"
