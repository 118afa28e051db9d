"""Keys that work where they are advertised, the cheat sheet, the preferences' shortcuts and
profile, and one way of writing a template's shortcut: through real widgets and a real server."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.qtbot import QtBot

from tests.support.gui import OpenClient
from tests.support.server import TestServer
from webcare.app import Session
from webcare.domain.models import Role
from webcare.ui.team.templates_view import TemplatesView
from webcare.ui.team.workload_view import WorkloadView
from webcare.ui.widgets.cheatsheet import GROUPS, CheatSheet
from webcare.ui.widgets.preferences import PreferencesDialog
from webcare.ui.widgets.template_picker import TemplatePicker


def _add_template(team: TestServer, shortcut: str = "dm-en") -> None:
    with team.ctx.db.write() as conn:
        conn.execute(
            "INSERT INTO templates(title, body, language, shortcut, tags, created_at, updated_at)"
            " VALUES ('DM', 'Please DM us, {{customer_handle}}!', 'en', ?, '[]', 0, 0)",
            (shortcut,),
        )
        conn.execute(
            "INSERT INTO changes(entity, entity_id, op, at) VALUES ('template', 1, 'upsert', 0)"
        )


def _activate(qtbot: QtBot, session: Session) -> None:
    window = session.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)


def _with_mention(qtbot: QtBot, team: TestServer, open_client: OpenClient, who: str) -> Session:
    team.add_mentions(2)
    session = open_client(who)
    qtbot.waitUntil(lambda: session.controller.detail is not None, timeout=10_000)
    return session


def test_the_composer_advertises_the_keys_that_work_while_typing_in_it(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    _add_template(team)
    session = _with_mention(qtbot, team, open_client, "eva")
    c, composer = session.controller, session.window.detail.composer
    editor = composer.editor

    # read afresh after each key: mypy would keep an asserted attribute narrowed across them
    def is_note() -> bool:
        return composer.is_note

    def open_picker() -> TemplatePicker | None:
        return c.picker

    placeholder = editor.placeholderText()
    for keys in ("Ctrl+T", "Ctrl+N", "Ctrl+Enter"):
        assert keys in placeholder
    assert "T:" not in placeholder.replace("Ctrl+T:", "")  # no bare letter keys
    assert "N:" not in placeholder.replace("Ctrl+N:", "")
    _activate(qtbot, session)
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus, timeout=3000)

    qtbot.keyClicks(editor, "tn")  # plain letters type, they open nothing
    assert editor.toPlainText() == "tn" and open_picker() is None and not is_note()

    qtbot.keyClick(editor, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert is_note() and editor.hasFocus()
    qtbot.keyClick(editor, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert not is_note()

    qtbot.keyClick(editor, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(c.picker, TemplatePicker), timeout=5000)
    picker = c.picker
    assert picker is not None
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Please DM us" in editor.toPlainText(), timeout=5000)
    assert editor.toPlainText() == "tnPlease DM us, @jan!"

    editor.clear()
    qtbot.waitUntil(lambda: session.window.isActiveWindow() and editor.hasFocus(), timeout=3000)
    qtbot.keyClick(editor, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert is_note()
    qtbot.keyClicks(editor, "Called the customer")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: editor.toPlainText() == "", timeout=10_000)
    qtbot.waitUntil(lambda: bool(_notes(team)), timeout=10_000)
    assert _notes(team) == ["Called the customer"]


def _notes(team: TestServer) -> list[str]:
    with team.ctx.db.read() as conn:
        return [r[0] for r in conn.execute("SELECT body FROM notes")]


def test_the_cheat_sheet_is_a_grouped_read_only_searchable_list(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    session = _with_mention(qtbot, team, open_client, "eva")
    window, c = session.window, session.controller
    _activate(qtbot, session)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: c.cheatsheet is not None and c.cheatsheet.isVisible(), timeout=3000)
    sheet = c.cheatsheet
    assert isinstance(sheet, CheatSheet)
    tree = sheet.list.tree
    groups = [g for g, _name, _keys in sheet.list.entries()]
    assert list(dict.fromkeys(groups)) == list(GROUPS)  # every group, in order
    entries = {(g, name): keys for g, name, keys in sheet.list.entries()}
    assert entries[("navigation", "Next mention")] == "J"
    assert entries[("mention", "Claim")] == "C"
    assert entries[("mention", "Reopen a closed or spam mention")] == "Shift+E"  # no "(undo…)"
    assert entries[("writing", "Internal note mode")] == "N, Ctrl+N"
    assert entries[("writing", "Send")].startswith("Ctrl+Return")
    assert entries[("views", "Mine")] == "Ctrl+2"
    assert entries[("window", "Preferences…")] == "Ctrl+,"
    # read-only: nothing to edit or select, it only scrolls
    assert tree.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    for title in sheet.list.groups:
        for i in range(title.childCount()):
            item = title.child(i)
            assert item is not None
            assert not item.flags() & Qt.ItemFlag.ItemIsEditable
            assert not item.flags() & Qt.ItemFlag.ItemIsSelectable
    # searchable, focus starts in the search box
    assert sheet.focusWidget() is sheet.list.search
    qtbot.keyClicks(sheet.list.search, "spam")
    assert sheet.list.entries(visible_only=True) == [
        ("mention", "Mark as spam", "!"), ("mention", "Reopen a closed or spam mention", "Shift+E")
    ]  # fmt: skip
    sheet.list.search.clear()
    qtbot.keyClicks(sheet.list.search, "ctrl+2")
    assert [n for _g, n, _k in sheet.list.entries(visible_only=True)] == ["Mine"]
    qtbot.keyClicks(sheet.list.search, "zz")
    assert sheet.list.entries(visible_only=True) == [] and sheet.list.empty.isVisible()
    # "?" closes it again, even from the search box; so does Esc
    qtbot.keyClicks(sheet.list.search, "?")
    qtbot.waitUntil(lambda: not sheet.isVisible(), timeout=3000)
    c.show_shortcuts()
    again = c.cheatsheet
    assert again is not None and again is not sheet
    qtbot.waitUntil(again.isVisible, timeout=3000)
    qtbot.keyClick(again.list.tree, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not again.isVisible(), timeout=3000)


def _preferences(qtbot: QtBot, session: Session) -> PreferencesDialog:
    session.window.actions_by_name["preferences"].trigger()
    dialog = session.window.findChild(PreferencesDialog)
    assert isinstance(dialog, PreferencesDialog)
    qtbot.waitUntil(dialog.signature.isEnabled, timeout=10_000)  # the profile has arrived
    return dialog


def test_preferences_show_every_shortcut_of_the_cheat_sheet(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    session = _with_mention(qtbot, team, open_client, "eva")
    dialog = _preferences(qtbot, session)
    sheet = CheatSheet(list(session.window.actions_by_name.values()))
    qtbot.addWidget(sheet)
    assert dialog.shortcuts.entries() == sheet.list.entries()
    with_keys = [a for a in session.window.actions_by_name.values() if a.shortcuts()]
    names = {name for _g, name, _k in dialog.shortcuts.entries()}
    assert {a.text().replace("&", "") for a in with_keys} <= names
    page = dialog.shortcuts.parentWidget()
    assert page is not None
    dialog.tabs.setCurrentIndex(dialog.tabs.indexOf(page))
    dialog.show()
    # the whole list has the dialog's height, not a four-row box
    assert dialog.shortcuts.tree.height() > 12 * dialog.shortcuts.tree.sizeHintForRow(1)


def test_signature_and_away_status_are_saved_on_the_server_and_used_at_once(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    session = _with_mention(qtbot, team, open_client, "eva")
    window, c = session.window, session.controller
    dialog = _preferences(qtbot, session)
    assert dialog.signature.text() == "^Eva"
    assert dialog.availability.currentData() == "available"
    assert not dialog.save_profile.isEnabled()  # nothing changed yet
    dialog.signature.setText("^EvaB")
    dialog.availability.setCurrentIndex(dialog.availability.findData("away"))
    assert dialog.save_profile.isEnabled()
    dialog.save_profile.click()
    qtbot.waitUntil(lambda: dialog.profile_status.text() == "Saved on the team server.",
                    timeout=10_000)  # fmt: skip
    with team.ctx.db.read() as conn:
        row = conn.execute(
            "SELECT signature, availability FROM users WHERE username = 'eva'"
        ).fetchone()
    assert tuple(row) == ("^EvaB", "away")
    # the inbox signs with it from now on
    assert c.me.signature == "^EvaB"
    assert "^EvaB" in window.user_label.text()
    window.detail.composer.editor.setPlainText("Thanks!")
    assert window.detail.composer.final_text() == "Thanks! ^EvaB"
    assert not dialog.save_profile.isEnabled()

    # the lead sees the status in the workload
    lead = open_client("lars")
    team_window = lead.controller.open_team("workload")
    qtbot.addWidget(team_window)
    workload = team_window.views["workload"]
    assert isinstance(workload, WorkloadView)
    qtbot.waitUntil(lambda: "Eva (away): 0" in workload.summary.text(), timeout=10_000)
    assert "Tom: 0" in workload.summary.text()
    assert workload.target.findText("Eva (away)") >= 0


def test_the_picker_writes_a_shortcut_as_the_template_editor_does(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    _add_template(team, "dm-en")
    team.add_user("anna", Role.ADMIN, name="Anna")
    session = _with_mention(qtbot, team, open_client, "anna")
    c = session.controller
    c.pick_template()
    qtbot.waitUntil(lambda: c.picker is not None, timeout=5000)
    picker = c.picker
    assert picker is not None
    label = picker.list.item(0).text()
    assert "dm-en" in label and "/dm-en" not in label
    qtbot.keyClicks(picker.search, "/dm")  # typed the chat-tool way, still found
    assert picker.list.count() == 1
    picker.reject()
    team_window = c.open_team("templates")
    qtbot.addWidget(team_window)
    editor = team_window.views["templates"]
    assert isinstance(editor, TemplatesView)
    model = editor.list.model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10_000)
    assert "dm-en" in {model.index(0, col).data() for col in range(model.columnCount())}
