"""An inbox an agent can trust (#14, #13): keys act on the mention that is shown and selected,
the selection moves on by one rule, closed mentions can be reopened, unclaimed ones are not
resolved by accident, and the window says honestly what happened — driven with the keyboard
through the real window, the real local store and a real team server, checked on the server.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.support.fakes.receiver import receiver
from tests.support.gui import OpenClient, answer, key, push, replies, webhook
from tests.support.server import TestServer
from webcare.app import Session
from webcare.client_store.records import View
from webcare.server.run import ServerThread
from webcare.ui import theme
from webcare.ui.models.queue_model import Col
from webcare.ui.models.queue_model import Role as ModelRole

# --- the agent's hands and the server's memory ----------------------------------------------


NO_MODS = Qt.KeyboardModifier.NoModifier


def press(
    qtbot: QtBot, session: Session, qt_key: Qt.Key, mods: Qt.KeyboardModifier = NO_MODS
) -> None:
    """A named key (Esc, Tab, Space) into whatever has the keyboard focus."""
    if not session.window.isActiveWindow():
        session.window.activateWindow()
        qtbot.waitUntil(session.window.isActiveWindow, timeout=3000)
    qtbot.keyClick(QApplication.focusWidget() or session.window.table, qt_key, mods)


def type_text(qtbot: QtBot, session: Session, text: str) -> None:
    qtbot.keyClicks(QApplication.focusWidget(), text)


def mention_row(team: TestServer, mid: int) -> dict[str, object]:
    with team.ctx.db.read() as conn:
        row = conn.execute(
            "SELECT status, claim_agent_id, closed_at FROM mentions WHERE id = ?", (mid,)
        ).fetchone()
    return {"status": row[0], "holder": row[1], "closed_at": row[2]}


def status(team: TestServer, mid: int) -> str:
    return str(mention_row(team, mid)["status"])


def status_changes(team: TestServer) -> list[tuple[int, str, str]]:
    """The audit's ``mention.status`` entries: (mention, from, to)."""
    with team.ctx.db.read() as conn:
        rows = conn.execute(
            "SELECT entity_id, detail FROM audit WHERE action = 'mention.status' ORDER BY id"
        ).fetchall()
    return [(int(r[0]), json.loads(r[1])["previous"], json.loads(r[1])["status"]) for r in rows]


def notes(team: TestServer) -> list[tuple[int, str]]:
    with team.ctx.db.read() as conn:
        return [tuple(r) for r in conn.execute("SELECT mention_id, body FROM notes ORDER BY rowid")]


def selected(session: Session) -> int | None:
    """The mention of the queue's highlighted row (None: nothing highlighted)."""
    table = session.window.table
    rows = table.selectionModel().selectedRows()
    return rows[0].data(ModelRole.MENTION_ID) if rows else None


def shown(session: Session) -> int | None:
    """The mention the pane shows (None: the empty pane)."""
    c = session.controller
    if session.window.detail.empty.isVisible() or c.detail is None:
        return None
    return c.detail.id


def listing(session: Session, view: View) -> bool:
    """The window lists ``view``: the sidebar says so and the rows on screen are that view's (not
    the previous list's, which stays on screen while the new one loads)."""
    c, views = session.controller, session.window.views
    shown_filter = c.model.shown_filter
    return (
        c.filter.view is view
        and shown_filter is not None
        and shown_filter.view is view
        and views.currentItem() is not None
        and views.currentItem().data(Qt.ItemDataRole.UserRole) == view.value
    )


def in_mine(session: Session, mid: int) -> bool:
    """What an agent sees after claiming ``mid``: Mine's list, ``mid`` selected and in the pane,
    and the pane saying it is theirs."""
    presence = session.window.detail.presence
    return (
        listing(session, View.MINE)
        and shown(session) == selected(session) == mid
        and presence.property("state") == "mine"
    )


def first_row(session: Session) -> int | None:
    """The mention of the queue's first row as it is on screen (None: an empty list)."""
    index = session.controller.model.index(0, 0)
    return index.data(ModelRole.MENTION_ID) if index.isValid() else None


class HeldBack:
    """The network holds back the answers to one of the window's API calls (``api.<name>``)
    until :meth:`go`: each request reaches the real server at once, its answer arrives when the
    test says — as on a slow line, where a claim's answer, the change feed and a release's
    answer can arrive in any order. ``calls`` counts the requests made through it."""

    def __init__(self, api: object, name: str) -> None:
        self._api, self._name = api, name
        self._real: Callable[..., Any] = getattr(api, name)
        self._open = threading.Event()
        self._lock = threading.Lock()
        self.calls = 0

    def _call(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self.calls += 1
        try:
            return self._real(*args, **kwargs)
        finally:
            self._open.wait(30)

    def go(self) -> None:
        self._open.set()

    def __enter__(self) -> HeldBack:
        setattr(self._api, self._name, self._call)
        return self

    def __exit__(
        self, _t: type[BaseException] | None, _e: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.go()
        delattr(self._api, self._name)  # the class's own method again


def arrive(team: TestServer, author: str, text: str) -> int:
    """One new mention (later ones are newer: the queue lists them first)."""
    (mid,) = team.add_mentions(1, author=author, text=text)
    time.sleep(0.01)
    return mid


def opened(qtbot: QtBot, open_client: OpenClient, rows: int, who: str = "eva") -> Session:
    session = open_client(who)
    c = session.controller
    qtbot.waitUntil(lambda: c.model.rowCount() == rows, timeout=10_000)
    qtbot.waitUntil(lambda: shown(session) is not None or rows == 0, timeout=5000)
    session.window.activateWindow()
    session.window.table.setFocus()
    return session


# --- 14.1: the pane shows the selected row of the current list, or nothing ---------------------


def test_after_claim_reply_and_a_view_switch_keys_act_on_the_selected_mention(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    older = arrive(team, "piet", "Router knippert rood")
    newer = arrive(team, "ans", "Geen tv sinds vanochtend")
    session = opened(qtbot, open_client, 2)
    c, w = session.controller, session.window
    assert shown(session) == selected(session) == newer  # Unclaimed, newest first

    key(qtbot, session, "c")  # claim @ans
    qtbot.waitUntil(lambda: mention_row(team, newer)["holder"] == team.users["eva"], timeout=5000)
    key(qtbot, session, "r")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.detail.composer.editor, timeout=3000)
    type_text(qtbot, session, "We kijken ernaar!")
    key(qtbot, session, "Ctrl+Return")
    qtbot.waitUntil(lambda: replies(team, newer) == ["We kijken ernaar! ^Eva"], timeout=10_000)
    press(qtbot, session, Qt.Key.Key_Escape)
    key(qtbot, session, "Ctrl+2")  # Mine
    qtbot.waitUntil(lambda: listing(session, View.MINE) and c.model.rowCount() == 1, timeout=5000)
    qtbot.waitUntil(lambda: in_mine(session, newer), timeout=5000)
    key(qtbot, session, "e")
    qtbot.waitUntil(lambda: status(team, newer) == "closed", timeout=10_000)
    assert status(team, older) == "open"  # the unclaimed one in the other list is untouched
    assert status_changes(team) == [(newer, "answered", "closed")]


def test_a_search_or_a_change_from_elsewhere_never_leaves_a_hidden_mention_in_the_pane(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    factuur = arrive(team, "kees", "Mijn factuur klopt niet")
    storing = arrive(team, "ria", "Storing in Utrecht")
    bill = arrive(team, "bo", "Weer een dubbele factuur")
    session = opened(qtbot, open_client, 3)
    c, w = session.controller, session.window
    assert shown(session) == bill
    # a search without the shown mention: the pane shows the first result, selected
    key(qtbot, session, "/")
    type_text(qtbot, session, "storing")
    qtbot.waitUntil(lambda: c.model.rowCount() == 1, timeout=5000)
    qtbot.waitUntil(lambda: shown(session) == selected(session) == storing, timeout=5000)
    # a search without results: an empty pane, and no key acts on anything
    w.search.selectAll()
    type_text(qtbot, session, "glasvezel")
    qtbot.waitUntil(lambda: c.model.rowCount() == 0, timeout=5000)
    qtbot.waitUntil(lambda: shown(session) is None, timeout=5000)
    assert not w.actions_by_name["resolve"].isEnabled()
    press(qtbot, session, Qt.Key.Key_Escape)
    key(qtbot, session, "e")
    key(qtbot, session, "c")
    w.search.clear()
    qtbot.waitUntil(lambda: c.model.rowCount() == 3, timeout=5000)
    qtbot.waitUntil(lambda: shown(session) == selected(session) == bill, timeout=5000)

    # Tom claims the shown mention: it leaves Unclaimed, and the pane empties (no other
    # customer slides in under the agent's hands)
    tom = team.login("tom")
    assert tom.post(f"/v1/mentions/{bill}/claim").status_code == 200
    qtbot.waitUntil(lambda: c.model.rowCount() == 2, timeout=5000)
    qtbot.waitUntil(lambda: shown(session) is None and selected(session) is None, timeout=5000)
    assert "@bo is no longer in Unclaimed" in c.last_notice
    press(qtbot, session, Qt.Key.Key_Escape)  # the queue gets the focus; nothing is picked
    assert shown(session) is None and selected(session) is None
    key(qtbot, session, "e")
    qtbot.wait(300)
    assert c.confirm_box is None
    assert [status(team, m) for m in (factuur, storing, bill)] == ["open", "open", "claimed"]
    assert status_changes(team) == []


# --- 14.2: Esc goes back to the queue and keeps the mention ------------------------------------


def test_escape_keeps_the_answered_mention_selected_for_the_next_key(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    older = arrive(team, "105848", "Mijn bestelling is niet aangekomen")
    newer = arrive(team, "105850", "Kan ik mijn abonnement opzeggen?")
    session = opened(qtbot, open_client, 2)
    w = session.window
    assert shown(session) == newer
    key(qtbot, session, "r")  # claims, then the composer
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.detail.composer.editor, timeout=5000)
    type_text(qtbot, session, "Dat kan via de app.")
    key(qtbot, session, "Ctrl+Return")
    qtbot.waitUntil(lambda: replies(team, newer) == ["Dat kan via de app. ^Eva"], timeout=10_000)
    # what the agent sees before the next key: the reply has left the composer (the server can
    # have it before the window has heard back from the local save), and the mention is in Mine
    qtbot.waitUntil(lambda: w.detail.composer.editor.toPlainText() == "", timeout=5000)
    qtbot.waitUntil(lambda: in_mine(session, newer), timeout=5000)  # followed out of Unclaimed
    press(qtbot, session, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is w.table
    assert shown(session) == selected(session) == newer
    key(qtbot, session, "n")
    type_text(qtbot, session, "Klant belt morgen terug")
    key(qtbot, session, "Ctrl+Return")
    qtbot.waitUntil(lambda: notes(team) != [], timeout=10_000)
    assert notes(team) == [(newer, "Klant belt morgen terug")]
    assert older not in {m for m, _ in notes(team)}


# --- 14.3: after an action, one rule for where the selection goes ------------------------------


def test_resolve_goes_to_the_next_row_then_the_previous_then_nothing(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    m1 = arrive(team, "een", "Eerste")
    m2 = arrive(team, "twee", "Tweede")
    m3 = arrive(team, "drie", "Derde")
    session = opened(qtbot, open_client, 3)
    c = session.controller
    assert shown(session) == m3  # rows: m3, m2, m1
    key(qtbot, session, "j")
    qtbot.waitUntil(lambda: shown(session) == m2, timeout=5000)
    key(qtbot, session, "e")
    answer(qtbot, session, "r")
    assert selected(session) == m1  # the next row, at once
    qtbot.waitUntil(lambda: shown(session) == m1, timeout=5000)
    qtbot.waitUntil(lambda: status(team, m2) == "closed", timeout=10_000)
    qtbot.waitUntil(lambda: c.model.rowCount() == 2, timeout=5000)  # m2 has left the list
    assert shown(session) == selected(session) == m1
    key(qtbot, session, "e")  # m1 is the last row: the previous one comes next
    answer(qtbot, session, "r")
    assert selected(session) == m3
    qtbot.waitUntil(lambda: shown(session) == m3, timeout=5000)
    qtbot.waitUntil(lambda: c.model.rowCount() == 1, timeout=10_000)
    assert shown(session) == selected(session) == m3
    key(qtbot, session, "!")  # the only row: nothing is selected afterwards
    answer(qtbot, session, "s")
    assert shown(session) is None and selected(session) is None
    qtbot.waitUntil(lambda: c.model.rowCount() == 0, timeout=10_000)
    assert shown(session) is None
    assert [status(team, m) for m in (m1, m2, m3)] == ["closed", "closed", "spam"]


def test_claim_follows_the_mention_to_mine_and_release_moves_on(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    r1 = arrive(team, "een", "Eerste")
    r2 = arrive(team, "twee", "Tweede")
    session = opened(qtbot, open_client, 2)
    c, w = session.controller, session.window
    eva = team.users["eva"]
    key(qtbot, session, "c")  # r2, the first row
    qtbot.waitUntil(lambda: in_mine(session, r2), timeout=5000)
    assert w.views.currentRow() == 1  # the sidebar says Mine too
    assert "Claimed @twee" in c.last_notice
    assert mention_row(team, r2)["holder"] == eva
    key(qtbot, session, "Ctrl+1")
    qtbot.waitUntil(lambda: listing(session, View.UNCLAIMED), timeout=5000)
    qtbot.waitUntil(lambda: shown(session) == selected(session) == r1, timeout=5000)
    key(qtbot, session, "c")
    qtbot.waitUntil(lambda: in_mine(session, r1) and c.model.rowCount() == 2, timeout=5000)
    # Mine lists r2, r1: releasing r1 (the last row) goes to the previous one at once, then
    # releasing r2 (the only row) leaves nothing selected
    key(qtbot, session, "u")
    assert selected(session) == r2
    qtbot.waitUntil(lambda: shown(session) == selected(session) == r2, timeout=5000)
    qtbot.waitUntil(lambda: mention_row(team, r1)["holder"] is None, timeout=5000)
    qtbot.waitUntil(lambda: c.model.rowCount() == 1, timeout=5000)  # r1 has left Mine
    qtbot.waitUntil(lambda: session.window.detail.presence.property("state") == "mine",
                    timeout=5000)  # fmt: skip
    key(qtbot, session, "u")
    assert shown(session) is None and selected(session) is None
    qtbot.waitUntil(lambda: mention_row(team, r2)["holder"] is None, timeout=5000)
    qtbot.waitUntil(lambda: c.model.rowCount() == 0, timeout=5000)
    assert shown(session) is None


def test_going_to_a_mention_replaces_a_claim_still_followed_and_keys_act_on_it(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    """ "Go to it" (the author card, a double-click in the Team window) is the agent's latest
    choice: it is shown under All, selected, whatever arrives later for a claim made a moment
    before (its answer, the change feed) and whatever was being typed in the search box; and
    the next key acts on it."""
    r1 = arrive(team, "een", "Eerste")
    r2 = arrive(team, "twee", "Tweede")
    session = opened(qtbot, open_client, 2)
    c, w = session.controller, session.window
    assert shown(session) == selected(session) == r2
    with HeldBack(session.api, "claim") as answer_to_claim:
        key(qtbot, session, "c")  # claims r2: the window would follow it to Mine
        qtbot.waitUntil(lambda: answer_to_claim.calls == 1, timeout=5000)
        w.search.setText("tweede")  # typed, not applied yet (the search waits for a pause)
        w.detail.mentionRequested.emit(r1)
        qtbot.waitUntil(lambda: listing(session, View.ALL), timeout=5000)
        qtbot.waitUntil(lambda: shown(session) == selected(session) == r1, timeout=5000)
        assert w.search.text() == ""
    qtbot.waitUntil(lambda: "Claimed @twee" in c.last_notice, timeout=5000)
    qtbot.waitUntil(lambda: "(1)" in w.views.item(1).text(), timeout=10_000)  # the feed: Mine
    qtbot.wait(400)  # the search's pause is long over
    assert listing(session, View.ALL) and c.model.filter.text == ""
    assert shown(session) == selected(session) == r1
    key(qtbot, session, "e")  # r1 is nobody's: asked, and named
    qtbot.waitUntil(lambda: c.confirm_box is not None and c.confirm_box.isVisible(), timeout=3000)
    assert c.confirm_box is not None and "Resolve @een?" in c.confirm_box.text()
    answer(qtbot, session, "r")
    qtbot.waitUntil(lambda: status(team, r1) == "closed", timeout=10_000)
    assert status(team, r2) == "claimed"
    assert status_changes(team) == [(r1, "open", "closed")]


def test_release_moves_on_at_once_even_when_the_change_feed_beats_its_answer(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    """U selects the next row at once, like E and !; and the change feed bringing the release
    before the server's answer to it (a slow line) is not taken for someone else taking the
    mention away (which emptied the pane and said "@een is no longer in Mine")."""
    r1 = arrive(team, "een", "Eerste")
    r2 = arrive(team, "twee", "Tweede")
    eva = team.login("eva")
    for mid in (r1, r2):
        assert eva.post(f"/v1/mentions/{mid}/claim").status_code == 200
    session = opened(qtbot, open_client, 0)
    c = session.controller
    key(qtbot, session, "Ctrl+2")  # Mine: r2, r1
    qtbot.waitUntil(lambda: listing(session, View.MINE) and c.model.rowCount() == 2, timeout=5000)
    qtbot.waitUntil(lambda: shown(session) == selected(session) == r2, timeout=5000)
    key(qtbot, session, "j")
    qtbot.waitUntil(lambda: shown(session) == selected(session) == r1, timeout=5000)
    qtbot.waitUntil(lambda: session.window.detail.presence.property("state") == "mine",
                    timeout=5000)  # fmt: skip
    with HeldBack(session.api, "release") as answer_to_release:
        key(qtbot, session, "u")  # r1 is the last row: the previous one comes next, at once
        assert selected(session) == r2
        qtbot.waitUntil(lambda: mention_row(team, r1)["holder"] is None, timeout=5000)
        qtbot.waitUntil(lambda: c.model.rowCount() == 1, timeout=10_000)  # the feed has it
        assert answer_to_release.calls == 1
        qtbot.waitUntil(lambda: shown(session) == r2, timeout=5000)
        assert selected(session) == r2
        assert "no longer in" not in c.last_notice
    qtbot.waitUntil(lambda: "Released @een" in c.last_notice, timeout=5000)
    assert shown(session) == selected(session) == r2
    key(qtbot, session, "u")  # the only row: nothing afterwards
    assert shown(session) is None and selected(session) is None
    qtbot.waitUntil(lambda: mention_row(team, r2)["holder"] is None, timeout=5000)


def test_a_claim_the_server_granted_is_yours_before_the_change_feed_brings_it(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    """The claim's answer arrives before the change feed does: from then on the pane says the
    mention is yours, Claim is off, R goes to the composer, and E resolves without asking
    "You have not claimed it" — the status bar has just said "Claimed"."""
    mid = arrive(team, "105848", "Mijn pakket is kwijt")
    session = opened(qtbot, open_client, 1)
    c, w = session.controller, session.window
    with HeldBack(session.api, "changes") as feed:
        qtbot.waitUntil(lambda: feed.calls >= 1, timeout=5000)  # the feed is held from now on
        key(qtbot, session, "c")
        qtbot.waitUntil(lambda: "Claimed @105848. Your reply" in c.last_notice, timeout=5000)
        assert mention_row(team, mid)["holder"] == team.users["eva"]
        assert shown(session) == selected(session) == mid  # still in Unclaimed: not in the feed yet
        assert w.detail.presence.property("state") == "mine"
        assert "You are working on this" in w.detail.presence.text()
        assert not w.detail.claim_button.isEnabled()
        assert w.detail.release_button.isEnabled()
        key(qtbot, session, "r")
        qtbot.waitUntil(lambda: QApplication.focusWidget() is w.detail.composer.editor,
                        timeout=3000)  # fmt: skip
        press(qtbot, session, Qt.Key.Key_Escape)
        key(qtbot, session, "e")
        assert c.confirm_box is None  # held by eva: no question
        qtbot.waitUntil(lambda: status(team, mid) == "closed", timeout=10_000)
    qtbot.waitUntil(lambda: c.model.rowCount() == 0, timeout=10_000)
    assert shown(session) is None
    assert status_changes(team) == [(mid, "claimed", "closed")]


def test_resolving_faster_than_the_change_feed_never_lands_on_a_mention_just_resolved(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    """E, E, E before the change feed has taken the resolved rows off the screen: each E moves
    on to a mention that is still open — after the last row the previous one is the one just
    resolved, so it is skipped, and then nothing is left."""
    m1 = arrive(team, "een", "Eerste")
    m2 = arrive(team, "twee", "Tweede")
    m3 = arrive(team, "drie", "Derde")
    eva = team.login("eva")
    for mid in (m1, m2, m3):
        assert eva.post(f"/v1/mentions/{mid}/claim").status_code == 200
    session = opened(qtbot, open_client, 0)
    c = session.controller
    key(qtbot, session, "Ctrl+2")  # Mine: m3, m2, m1
    qtbot.waitUntil(lambda: listing(session, View.MINE) and c.model.rowCount() == 3, timeout=5000)
    qtbot.waitUntil(lambda: shown(session) == selected(session) == m3, timeout=5000)
    qtbot.waitUntil(lambda: session.window.detail.presence.property("state") == "mine",
                    timeout=5000)  # fmt: skip
    with HeldBack(session.api, "changes") as feed:
        qtbot.waitUntil(lambda: feed.calls >= 1, timeout=5000)  # the feed is held from now on
        key(qtbot, session, "j")
        qtbot.waitUntil(lambda: shown(session) == selected(session) == m2, timeout=5000)
        key(qtbot, session, "e")  # held by eva: no question; the next row at once
        assert selected(session) == m1
        qtbot.waitUntil(lambda: shown(session) == m1, timeout=5000)
        key(qtbot, session, "e")  # the last row: the previous one is m2, just resolved
        assert c.confirm_box is None
        assert selected(session) == m3
        qtbot.waitUntil(lambda: shown(session) == m3, timeout=5000)
        key(qtbot, session, "e")  # m3: the rows after it were just resolved: nothing
        assert shown(session) is None and selected(session) is None
        assert c.model.rowCount() == 3  # all three still on screen: the feed has none of it
        qtbot.waitUntil(lambda: [status(team, m) for m in (m1, m2, m3)] == ["closed"] * 3,
                        timeout=10_000)  # fmt: skip
    qtbot.waitUntil(lambda: c.model.rowCount() == 0, timeout=10_000)
    assert shown(session) is None and selected(session) is None


# --- 14.4: reopen -------------------------------------------------------------------------------


def test_a_closed_mention_is_reopened_with_shift_e_and_can_be_claimed_again(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    mid = arrive(team, "105848", "Mijn pakket is kwijt")
    session = opened(qtbot, open_client, 1)
    c, w = session.controller, session.window
    key(qtbot, session, "c")
    qtbot.waitUntil(lambda: in_mine(session, mid), timeout=5000)
    key(qtbot, session, "e")  # held by eva: no question
    assert c.confirm_box is None
    qtbot.waitUntil(lambda: status(team, mid) == "closed", timeout=10_000)
    key(qtbot, session, "Ctrl+3")  # All
    qtbot.waitUntil(lambda: listing(session, View.ALL), timeout=5000)
    qtbot.waitUntil(lambda: shown(session) == selected(session) == mid, timeout=5000)
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.status == "closed", timeout=5000)
    pane = w.detail
    assert pane.presence.text() == "This mention is closed."
    w.detail.composer.editor.setPlainText("Toch nog een vraag")
    assert "Reopen it (Shift+E) before replying." in pane.composer.notice.text()
    w.detail.composer.editor.clear()
    assert pane.reopen_button.isVisible() and pane.reopen_button.isEnabled()
    reopen = w.actions_by_name["reopen"]
    assert reopen.isEnabled() and reopen in w._menus["mention"].actions()
    assert reopen.shortcut().toString() == "Shift+E"
    w.table.setFocus()
    key(qtbot, session, "Shift+E")
    qtbot.waitUntil(lambda: status(team, mid) == "open", timeout=10_000)
    assert mention_row(team, mid)["closed_at"] is None
    assert status_changes(team)[-1] == (mid, "closed", "open")
    qtbot.waitUntil(lambda: "Reopened @105848" in c.last_notice, timeout=5000)
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.status == "open", timeout=5000)
    assert not pane.reopen_button.isVisible()
    key(qtbot, session, "c")
    qtbot.waitUntil(lambda: mention_row(team, mid)["holder"] == team.users["eva"], timeout=5000)


# --- 14.5: resolving what you do not hold asks first, and every resolve is named ---------------


def test_resolving_an_unclaimed_mention_asks_first_and_names_it(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    free = arrive(team, "105848", "Waar blijft mijn retour?")
    session = opened(qtbot, open_client, 1)
    c = session.controller
    key(qtbot, session, "e")
    qtbot.waitUntil(lambda: c.confirm_box is not None and c.confirm_box.isVisible(), timeout=3000)
    box = c.confirm_box
    assert box is not None
    assert "Resolve @105848?" in box.text() and "not claimed" in box.text()
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.defaultButton() is box.escapeButton()  # Enter keeps it open, like Esc
    assert box.defaultButton().text().replace("&", "") == "Keep it open"
    qtbot.keyClick(box.focusWidget() or box, Qt.Key.Key_Return)  # the safe default
    qtbot.waitUntil(lambda: c.confirm_box is None, timeout=3000)
    qtbot.wait(300)
    assert status(team, free) == "open" and status_changes(team) == []
    assert "Nothing changed: @105848 stays open." in c.last_notice
    key(qtbot, session, "e")
    answer(qtbot, session, "r")
    qtbot.waitUntil(lambda: "Resolved @105848." in c.last_notice, timeout=5000)
    qtbot.waitUntil(lambda: status(team, free) == "closed", timeout=10_000)
    qtbot.waitUntil(lambda: c.model.rowCount() == 0, timeout=10_000)  # it has left the list

    held = arrive(team, "105900", "Hoi, wat is het nummer van de klantenservice?")
    qtbot.waitUntil(lambda: first_row(session) == held, timeout=10_000)  # on screen now
    assert c.model.rowCount() == 1
    assert shown(session) is None  # it arrives in the list; the agent picks it
    key(qtbot, session, "j")
    qtbot.waitUntil(lambda: shown(session) == selected(session) == held, timeout=10_000)
    key(qtbot, session, "c")
    qtbot.waitUntil(lambda: in_mine(session, held), timeout=5000)
    key(qtbot, session, "!")  # held: no question, but named
    assert c.confirm_box is None
    qtbot.waitUntil(lambda: "Marked @105900 as spam." in c.last_notice, timeout=5000)
    qtbot.waitUntil(lambda: status(team, held) == "spam", timeout=10_000)


# --- 14.7: honest feedback ----------------------------------------------------------------------


def test_a_reply_says_where_it_is_on_its_bubble_and_in_the_status_bar(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    with receiver() as rx:
        _admin, cid, secret = webhook(team, rx.url)
        rx.secret = secret
        mid = push(team, cid, secret, "Mijn bestelling is kapot aangekomen")
        session = opened(qtbot, open_client, 1)
        c, w = session.controller, session.window
        assert shown(session) == mid
        key(qtbot, session, "r")
        qtbot.waitUntil(
            lambda: QApplication.focusWidget() is w.detail.composer.editor, timeout=5000
        )
        type_text(qtbot, session, "Wat vervelend! We sturen een nieuwe.")
        key(qtbot, session, "Ctrl+Return")

        def header() -> str:
            frames = [f for f in w.detail.conversation.frames if f.item.kind != "mention"]
            return frames[-1].header.text() if frames else ""

        qtbot.waitUntil(lambda: [p["text"] for p in rx.posts] != [], timeout=15_000)
        qtbot.waitUntil(lambda: "posted on the platform" in header(), timeout=15_000)
        qtbot.waitUntil(lambda: "Reply to jan@example.org posted on Forum." in c.last_notice,
                        timeout=10_000)  # fmt: skip
        assert "queued" not in c.last_notice
        assert [p["text"] for p in rx.posts] == ["Wat vervelend! We sturen een nieuwe. ^Eva"]


def test_search_counts_says_when_nothing_matches_and_marks_the_words(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    arrive(team, "ria", "Storing in Utrecht, al uren geen internet")
    arrive(team, "kees", "Mijn factuur klopt niet")
    arrive(team, "bo", "Weer een factuur met fouten")
    session = opened(qtbot, open_client, 3)
    c, w = session.controller, session.window
    assert not w.search_row.isVisible()
    key(qtbot, session, "/")
    type_text(qtbot, session, "factu")
    qtbot.waitUntil(lambda: c.model.rowCount() == 2, timeout=5000)
    qtbot.waitUntil(lambda: w.search_info.text() == "2 mentions match “factu”.", timeout=5000)
    assert w.search_row.isVisible()
    w.search.selectAll()
    type_text(qtbot, session, "utrech stor")
    qtbot.waitUntil(
        lambda: w.search_info.text() == "1 mention matches “utrech stor”.", timeout=5000
    )
    text = c.model.index(0, Col.TEXT).data()
    assert text == "Storing in Utrecht, al uren geen internet"
    assert c.highlight.ranges(text) == [(0, 4), (11, 6)]  # "Stor", "Utrech"
    # painted from the plain text: the match colour is on screen, behind the matched words
    w.table.clearSelection()
    image = w.table.viewport().grab().toImage()
    rect = w.table.visualRect(c.model.index(0, Col.TEXT))
    mark = theme.colour("match_bg")
    marked = sum(
        1
        for x in range(rect.left(), rect.right())
        for y in range(rect.top(), rect.bottom())
        if QColor(image.pixel(x, y)) == mark
    )
    assert marked > 50
    w.search.selectAll()
    type_text(qtbot, session, "glasvezel")
    qtbot.waitUntil(lambda: w.search_info.text() == "No mentions match “glasvezel”.", timeout=5000)
    assert w.clear_search_button.isVisible()
    w.clear_search_button.setFocus()
    press(qtbot, session, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: c.model.rowCount() == 3, timeout=5000)
    assert w.search.text() == "" and not w.search_row.isVisible()


def test_offline_the_claim_may_lapse_claim_says_why_not_and_a_banner_says_so(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    other = arrive(team, "piet", "Tweede vraag")
    mine = arrive(team, "ans", "Eerste vraag")
    session = opened(qtbot, open_client, 2)
    c, w = session.controller, session.window
    key(qtbot, session, "c")
    qtbot.waitUntil(lambda: in_mine(session, mine), timeout=5000)
    assert not w.offline_banner.isVisible()

    config, port = team.thread.app.state.ctx.config, team.thread.port
    team.thread.stop()
    qtbot.waitUntil(lambda: c.online is False, timeout=10_000)
    assert w.offline_banner.isVisible()
    assert "Offline" in w.offline_banner.text() and "queued" in w.offline_banner.text()
    presence = w.detail.presence
    assert presence.property("state") == "lapsing"  # not the reassuring green
    assert "cannot be renewed" in presence.text() and "may lapse" in presence.text()
    # releasing needs the server too: U says so and stays on the mention (it is still yours)
    release = w.detail.release_button
    assert not release.isEnabled()
    assert "needs the team server" in release.toolTip()
    key(qtbot, session, "u")
    assert "offline: releasing needs the team server" in c.last_notice
    assert shown(session) == selected(session) == mine

    key(qtbot, session, "Ctrl+1")
    qtbot.waitUntil(lambda: listing(session, View.UNCLAIMED), timeout=5000)
    qtbot.waitUntil(lambda: shown(session) == selected(session) == other, timeout=5000)
    claim = w.detail.claim_button
    assert not claim.isEnabled()
    assert "needs the team server" in claim.toolTip()
    key(qtbot, session, "c")
    qtbot.waitUntil(
        lambda: "offline: claiming needs the team server" in c.last_notice, timeout=3000
    )

    team.thread = ServerThread(config, port=port).start()
    qtbot.waitUntil(lambda: c.online is True, timeout=20_000)
    assert not w.offline_banner.isVisible()
    assert w.detail.claim_button.isEnabled()


# --- 13.6: notifications while a search is open; failed background work is said ----------------


def test_new_mentions_are_announced_while_a_search_is_open(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    arrive(team, "ria", "Storing in Utrecht")
    session = opened(qtbot, open_client, 1)
    c, w = session.controller, session.window
    key(qtbot, session, "/")
    type_text(qtbot, session, "storing")
    qtbot.waitUntil(lambda: "1 mention matches" in w.search_info.text(), timeout=5000)
    arrive(team, "kees", "Mijn factuur klopt niet")  # outside the search: not announced
    arrive(team, "bo", "Alweer een storing!")
    qtbot.waitUntil(lambda: c.notifications == ["1 new mention in Unclaimed"], timeout=10_000)
    assert w.banner.text() == "1 new mention in Unclaimed"
    qtbot.waitUntil(lambda: c.model.rowCount() == 2, timeout=5000)


def test_a_failed_background_task_is_shown_with_its_reason(
    open_client: OpenClient, team: TestServer, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    session = opened(qtbot, open_client, 0)
    c = session.controller
    with caplog.at_level(logging.WARNING, logger="webcare.ui.tasks"):
        session.runner.db(lambda s: s.conn.execute("SELECT * FROM mentions_fts"))
        qtbot.waitUntil(lambda: "went wrong" in c.last_notice, timeout=5000)
    assert "no such table: mentions_fts" in c.last_notice
    assert "no such table: mentions_fts" in session.window.statusBar().currentMessage()
    assert any(r.exc_info for r in caplog.records if "background task failed" in r.message)


# --- 13.19: the queue shows the lease -----------------------------------------------------------


def test_the_queue_shows_how_long_a_claim_lasts_and_the_tick_updates_it(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    mid = arrive(team, "piet", "Hallo?")
    session = opened(qtbot, open_client, 1)
    c = session.controller
    key(qtbot, session, "Ctrl+3")  # All: Tom's claim stays in the list
    qtbot.waitUntil(lambda: listing(session, View.ALL) and selected(session) == mid, timeout=5000)
    tom = team.login("tom")
    assert tom.post(f"/v1/mentions/{mid}/claim").status_code == 200
    cell = c.model.index(0, Col.STATE)
    qtbot.waitUntil(lambda: cell.data() == "Tom · 15 min left", timeout=5000)
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert "Tom is replying… (claim ends in 15 min)" in tip
    changed: list[tuple[QModelIndex, QModelIndex, list[int]]] = []
    c.model.dataChanged.connect(lambda a, b, roles: changed.append((a, b, list(roles))))
    c._tick.timeout.emit()  # the 15-second tick repaints the lease with the clock
    assert any(
        a.column() <= Col.STATE <= b.column() and Qt.ItemDataRole.ToolTipRole in roles
        and Qt.ItemDataRole.DisplayRole in roles
        for a, b, roles in changed
    )  # fmt: skip
