"""Saved views through real widgets, real local stores and a real team server: Ctrl+S saves the
queue's view, search and sort under a name; it follows the agent to another laptop and never
shows to a colleague; a lead publishes one to the team; counters match the list and follow the
mentions; Ctrl+5 opens the first; and the list works offline from the local copy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from tests.support.gui import OpenClient, key, make_app
from tests.support.server import PASSWORD, TestServer
from webcare.app import Session, WebcareApp
from webcare.client_store.records import View
from webcare.net.agent_api import ApiClient
from webcare.server.run import ServerThread
from webcare.ui.widgets.cheatsheet import shortcut_groups
from webcare.ui.widgets.main_window import SAVED_ID_ROLE
from webcare.ui.widgets.save_view_dialog import SaveViewDialog


@pytest.fixture
def laptops(
    qapp: QApplication, qtbot: QtBot, team: TestServer, tmp_path: Path, memory_keyring: object
) -> Iterator[OpenClient]:
    """Sessions on further computers: their own settings and local store."""
    apps: list[WebcareApp] = []

    def open_(username: str) -> Session:
        place = tmp_path / f"laptop-{len(apps) + 2}"
        place.mkdir()
        app = make_app(qapp, place, username)
        apps.append(app)
        api = ApiClient(team.url)
        result = api.login(username, PASSWORD, "second laptop")
        session = app.open_session(team.url, username, api, result["user"])
        qtbot.addWidget(session.window)
        qtbot.waitUntil(lambda: session.controller.bootstrapped, timeout=15_000)
        return session

    yield open_
    for app in apps:
        app.shutdown()


def names(session: Session) -> list[str]:
    return [v.name for v in session.window.saved_views]


def row_texts(session: Session) -> list[str]:
    """The views list below the built-in views: headings and saved views with their counts."""
    views = session.window.views
    return [views.item(r).text() for r in range(5, views.count())]


def saved_row(session: Session, name: str) -> int:
    views = session.window.views
    for r in range(views.count()):
        data = views.item(r).data(SAVED_ID_ROLE)
        if data is not None and views.item(r).text().split("  (")[0] == name:
            return r
    raise AssertionError(name)


def save_dialog(qtbot: QtBot, session: Session) -> SaveViewDialog:
    part = session.controller.saved_views
    qtbot.waitUntil(lambda: part.dialog is not None and part.dialog.isVisible(), timeout=3000)
    assert part.dialog is not None
    return part.dialog


def press_save(qtbot: QtBot, dialog: SaveViewDialog) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )


def test_ctrl_s_saves_the_view_it_follows_the_agent_to_another_laptop_and_not_to_a_colleague(
    open_client: OpenClient,
    laptops: OpenClient,
    team: TestServer,
    qtbot: QtBot,
) -> None:
    storingen = team.add_mentions(3, text="Storing in Utrecht, geen internet")
    team.add_mentions(2, text="Vraag over mijn factuur", author="piet")
    eva = open_client("eva")
    tom = open_client("tom")
    c, w = eva.controller, eva.window
    qtbot.waitUntil(lambda: c.model.rowCount() == 5, timeout=5000)

    # the agent narrows the queue: a search and a sort, then Ctrl+S
    w.search.setText("storing")
    w.sort_box.setCurrentIndex(w.sort_box.findData("oldest"))
    qtbot.waitUntil(lambda: c.model.rowCount() == 3, timeout=5000)
    w.table.setFocus()
    key(qtbot, eva, "Ctrl+S")
    dialog = save_dialog(qtbot, eva)
    assert "Unclaimed" in dialog.what.text() and "“storing”" in dialog.what.text()
    assert "Oldest first" in dialog.what.text()
    assert not dialog.publish.isVisibleTo(dialog)  # an agent cannot publish
    qtbot.keyClicks(dialog.name, "Storingen")
    press_save(qtbot, dialog)
    qtbot.waitUntil(lambda: c.saved_views.dialog is None, timeout=5000)
    qtbot.waitUntil(lambda: row_texts(eva) == ["My views", "Storingen  (3)"], timeout=5000)
    assert w.current_saved_id() == w.saved_views[0].id  # it is the view on screen
    assert "Saved the view “Storingen”." in c.last_notice
    with team.ctx.db.read() as conn:
        stored = dict(conn.execute("SELECT * FROM saved_views").fetchone())
    assert (stored["base"], stored["search"], stored["sort"], stored["published"]) == (
        "unclaimed", "storing", "oldest", 0,
    )  # fmt: skip

    # the same agent on another laptop: there too, and Ctrl+5 shows it as saved
    other = laptops("eva")
    oc, ow = other.controller, other.window
    qtbot.waitUntil(lambda: row_texts(other) == ["My views", "Storingen  (3)"], timeout=5000)
    assert ow.search.text() == ""
    ow.table.setFocus()
    key(qtbot, other, "Ctrl+5")
    qtbot.waitUntil(lambda: oc.model.rowCount() == 3, timeout=5000)
    assert ow.search.text() == "storing"
    assert ow.sort_box.currentData() == "oldest"
    assert oc.filter.view is View.UNCLAIMED and oc.filter.text == "storing"
    assert ow.current_saved_id() == ow.saved_views[0].id
    rows = [oc.model.row_at(r) for r in range(3)]
    assert [r.id for r in rows if r is not None] == sorted(storingen)  # oldest first

    # the cheat sheet and the preferences' list (both from the window's actions) name the keys
    groups = dict(shortcut_groups(list(ow.actions_by_name.values())))
    assert ("Save view…", "Ctrl+S") in groups["views"]
    assert ("Saved view 1: Storingen", "Ctrl+5") in groups["views"]
    assert ("Saved view 5", "Ctrl+9") in groups["views"]

    # the colleague never sees it
    qtbot.wait(500)
    assert names(tom) == [] and row_texts(tom) == []

    # counters follow the mentions, counted like the list: a new one, then one claimed
    (new,) = team.add_mentions(1, text="Weer een storing")
    qtbot.waitUntil(lambda: row_texts(eva) == ["My views", "Storingen  (4)"], timeout=5000)
    qtbot.waitUntil(lambda: oc.model.rowCount() == 4, timeout=5000)
    assert team.login("tom").post(f"/v1/mentions/{new}/claim").status_code == 200
    qtbot.waitUntil(lambda: row_texts(other) == ["My views", "Storingen  (3)"], timeout=5000)
    qtbot.waitUntil(lambda: oc.model.rowCount() == 3, timeout=5000)

    # renamed on one laptop (its context menu), renamed on the other
    oc.saved_views.show_menu(ow.saved_views[0].id, QPoint(0, 0))
    menu = oc.saved_views.menu
    assert menu is not None
    assert [a.text().replace("&", "") for a in menu.actions()] == [
        "Rename saved view…",
        "Delete saved view",
    ]
    menu.close()
    ow.actions_by_name["rename_view"].trigger()
    dialog = save_dialog(qtbot, other)
    dialog.name.setText("Storingen NL")
    press_save(qtbot, dialog)
    qtbot.waitUntil(lambda: row_texts(eva) == ["My views", "Storingen NL  (3)"], timeout=5000)

    # deleted on one laptop, once confirmed: gone from both lists
    ow.views.setCurrentRow(saved_row(other, "Storingen NL"))
    ow.actions_by_name["delete_view"].trigger()
    part = oc.saved_views
    qtbot.waitUntil(
        lambda: part.confirm_box is not None and part.confirm_box.isVisible(), timeout=3000
    )
    box = part.confirm_box
    assert box is not None and "Delete the view “Storingen NL”?" in box.text()
    qtbot.keyClick(box.focusWidget() or box, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: row_texts(eva) == [] and row_texts(other) == [], timeout=5000)
    assert oc.last_notice == "Deleted the view “Storingen NL”."
    assert "is gone" in c.last_notice  # the other laptop had it open
    assert oc.model.rowCount() == 3  # the list on screen stays, under its base view
    assert ow.views.currentRow() == 0


def test_a_lead_publishes_a_view_for_everyone_and_an_agent_may_only_copy_it(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    team.add_mentions(2, text="Opzeggen graag, dringend")
    team.add_mentions(1, text="Bedankt!", author="piet")
    lars = open_client("lars")
    eva = open_client("eva")
    lw = lars.window
    lw.search.setText("opzeggen")
    qtbot.waitUntil(lambda: lars.controller.model.rowCount() == 2, timeout=5000)
    lw.actions_by_name["save_view"].trigger()
    dialog = save_dialog(qtbot, lars)
    assert dialog.publish.isVisibleTo(dialog)
    dialog.name.setText("Opzeggingen")
    dialog.publish.setChecked(True)
    press_save(qtbot, dialog)
    qtbot.waitUntil(lambda: row_texts(eva) == ["Team views", "Opzeggingen  (2)"], timeout=5000)
    tip = eva.window.views.item(saved_row(eva, "Opzeggingen")).toolTip()
    assert "Team view (published by Lars)" in tip and "opzeggen" in tip
    with team.ctx.db.read() as conn:
        assert [r[0] for r in conn.execute("SELECT action FROM audit WHERE entity = 'view'")] == [
            "view.publish"
        ]

    # the agent opens it, may not change it, and copies it to her own views
    ec, ew = eva.controller, eva.window
    ew.views.setCurrentRow(saved_row(eva, "Opzeggingen"))
    qtbot.waitUntil(lambda: ec.model.rowCount() == 2, timeout=5000)
    acts = ew.actions_by_name
    assert not acts["rename_view"].isEnabled() and not acts["delete_view"].isEnabled()
    assert not acts["publish_view"].isVisible() and not acts["unpublish_view"].isVisible()
    assert acts["copy_view"].isEnabled()
    # asked anyway (another client, a script), the server refuses: 403
    r = team.login("eva").patch(f"/v1/views/{ew.saved_views[0].id}", json={"published": False})
    assert r.status_code == 403
    acts["copy_view"].trigger()
    dialog = save_dialog(qtbot, eva)
    assert dialog.name.text() == "Opzeggingen (mine)"
    press_save(qtbot, dialog)
    qtbot.waitUntil(
        lambda: (
            row_texts(eva)
            == ["Team views", "Opzeggingen  (2)", "My views", "Opzeggingen (mine)  (2)"]
        ),
        timeout=5000,
    )

    # the lead makes it personal again: it leaves the agent's list
    lw.views.setCurrentRow(saved_row(lars, "Opzeggingen"))
    assert lw.actions_by_name["unpublish_view"].isEnabled()
    lw.actions_by_name["unpublish_view"].trigger()
    qtbot.waitUntil(lambda: row_texts(eva) == ["My views", "Opzeggingen (mine)  (2)"], timeout=5000)
    qtbot.waitUntil(lambda: row_texts(lars) == ["My views", "Opzeggingen  (2)"], timeout=5000)


def test_saved_views_work_offline_from_the_local_copy_and_a_save_waits_with_a_reason(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    team.add_mentions(2, text="Storing in Utrecht", author="jan")
    team.add_mentions(3, text="Vraag", author="piet")
    eva = team.login("eva")
    for name, search in (("Jan", "@jan"), ("Piet", "piet")):
        r = eva.post("/v1/views", json={"name": name, "base": "all", "search": search})
        assert r.status_code == 201, r.text
    session = open_client("eva")
    c, w = session.controller, session.window
    qtbot.waitUntil(
        lambda: row_texts(session) == ["My views", "Jan  (2)", "Piet  (3)"], timeout=5000
    )
    w.table.setFocus()
    key(qtbot, session, "Ctrl+9")  # nothing in that place
    assert "There is no saved view 5 yet" in c.last_notice

    config, port = team.thread.app.state.ctx.config, team.thread.port
    team.thread.stop()
    qtbot.waitUntil(lambda: c.online is False, timeout=10_000)
    key(qtbot, session, "Ctrl+6")
    qtbot.waitUntil(lambda: c.model.rowCount() == 3, timeout=5000)
    assert w.search.text() == "piet" and c.filter.view is View.ALL
    key(qtbot, session, "Ctrl+5")
    qtbot.waitUntil(lambda: c.model.rowCount() == 2, timeout=5000)
    assert w.search.text() == "@jan"
    assert w.current_saved_id() == w.saved_views[0].id
    # the agent changes its search: the queue follows, and the list marks the base view instead
    w.search.setText("@jan storing")
    assert w.current_saved_id() is None and w.views.currentRow() == 2  # All
    key(qtbot, session, "Ctrl+5")
    assert w.search.text() == "@jan" and w.current_saved_id() == w.saved_views[0].id

    # saving needs the server: the dialog says so and keeps the name
    key(qtbot, session, "Ctrl+S")
    dialog = save_dialog(qtbot, session)
    dialog.name.setText("Jan offline")
    press_save(qtbot, dialog)
    qtbot.waitUntil(dialog.error.isVisible, timeout=10_000)
    assert "You are offline" in dialog.error.text() and "nothing was changed" in dialog.error.text()
    assert dialog.name.text() == "Jan offline" and dialog.isVisible()
    team.thread = ServerThread(config, port=port).start()  # back: the same dialog saves it
    qtbot.waitUntil(lambda: c.online is True, timeout=20_000)
    press_save(qtbot, dialog)
    qtbot.waitUntil(lambda: "Jan offline  (2)" in row_texts(session), timeout=10_000)
