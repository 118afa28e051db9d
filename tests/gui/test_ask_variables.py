"""Template values the agent types in (``{{ask:order number}}``), through real widgets, a real
local store and a real team server: the composer's fields, the refusal, the live preview, the
reply on the server, drafts, and the template editor's check."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from tests.support.gui import OpenClient, key, replies, select, team_view
from tests.support.server import TestServer
from webcare.app import Session
from webcare.domain.models import Role
from webcare.ui.team.templates_view import TemplatesView
from webcare.ui.widgets.composer import Composer
from webcare.ui.widgets.template_picker import TemplatePicker

ORDER = (
    "Hoi {{customer_handle}}, je bestelling {{ask:Ordernummer}} komt op {{ask: bezorgdag }}."
    " Bewaar {{ask:ordernummer}} even."
)


def _admin_template(team: TestServer, body: str = ORDER, shortcut: str = "order") -> None:
    anna = team.user("anna", Role.ADMIN)
    r = anna.post("/v1/templates",
                  json={"title": "Bestelling", "body": body, "shortcut": shortcut})  # fmt: skip
    assert r.status_code == 201, r.text


def _insert(qtbot: QtBot, session: Session, needle: str) -> Composer:
    c, w = session.controller, session.window
    key(qtbot, session, "Ctrl+T")
    qtbot.waitUntil(lambda: isinstance(c.picker, TemplatePicker), timeout=5000)
    picker = c.picker
    assert picker is not None
    qtbot.keyClicks(picker.search, needle)
    assert "You fill in: Ordernummer, bezorgdag" in picker.preview.text()
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    composer = w.detail.composer
    qtbot.waitUntil(lambda: len(composer.ask_fields.edits) == 2, timeout=5000)
    # the first value to fill in has the focus
    first = composer.ask_fields.edits[0]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first, timeout=3000)
    return composer


def _type(qtbot: QtBot, text: str) -> None:
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClicks(focused, text)


def test_the_composer_asks_for_each_value_and_sends_them(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    (mid,) = team.add_mentions(1, text="Waar blijft mijn pakket?", author="piet")
    _admin_template(team)
    session = open_client("eva")
    c = session.controller
    qtbot.waitUntil(lambda: c.model.rowCount() == 1, timeout=5000)
    select(qtbot, session, mid)
    claim = session.window.actions_by_name["claim"]  # C
    qtbot.waitUntil(claim.isEnabled, timeout=10_000)  # the pane has caught up with the mention
    claim.trigger()
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.holder_id == c.me.id,
                    timeout=15_000)  # fmt: skip

    composer = _insert(qtbot, session, "order")
    first, second = composer.ask_fields.edits
    # one input per label, in order of first use; the same label twice is one field
    assert [f.label for f in composer.ask_fields.fields] == ["Ordernummer", "bezorgdag"]
    assert composer.ask_fields.isVisible() and first.isVisible()
    assert QApplication.focusWidget() is first
    assert composer.editor.toPlainText() == (
        "Hoi @piet, je bestelling {{ask:Ordernummer}} komt op {{ask:bezorgdag}}."
        " Bewaar {{ask:ordernummer}} even."
    )

    _type(qtbot, "NL-4711")
    # the preview shows the reply as it goes out, live; the counter counts that
    assert "Will be sent as: Hoi @piet, je bestelling NL-4711 komt op {{ask:bezorgdag}}." in (
        composer.preview.text()
    )
    assert "Bewaar NL-4711 even. ^Eva" in composer.preview.text()
    assert composer.counter.text() == f"{len(composer.final_text())}/280"

    # Ctrl+Enter with an empty field: refused, the field marked and focused, the reason shown
    key(qtbot, session, "Ctrl+Return")
    assert QApplication.focusWidget() is second
    assert second.property("missing") is True and first.property("missing") is not True
    assert composer.notice.isVisible()
    assert composer.notice.text() == "Fill in “bezorgdag” before sending."
    qtbot.wait(300)
    assert replies(team, mid) == []

    # Tab moves between the fields (and back)
    qtbot.keyClick(second, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is first
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is second
    _type(qtbot, "dinsdag 3 juni")
    assert second.property("missing") is False and not composer.notice.isVisible()
    final = "Hoi @piet, je bestelling NL-4711 komt op dinsdag 3 juni. Bewaar NL-4711 even. ^Eva"
    assert composer.preview.text() == f"Will be sent as: {final}"

    key(qtbot, session, "Ctrl+Return")
    qtbot.waitUntil(lambda: replies(team, mid) == [final], timeout=10_000)
    qtbot.waitUntil(lambda: composer.editor.toPlainText() == "", timeout=5000)
    assert composer.ask_fields.edits == [] and not composer.ask_fields.isVisible()


def test_values_stay_plain_text_and_with_the_draft(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    (m1,) = team.add_mentions(1, author="piet")
    (m2,) = team.add_mentions(1, author="klaas")
    _admin_template(team)
    session = open_client("eva")
    c = session.controller
    qtbot.waitUntil(lambda: c.model.rowCount() == 2, timeout=5000)
    select(qtbot, session, m1)
    claim = session.window.actions_by_name["claim"]  # C
    qtbot.waitUntil(claim.isEnabled, timeout=10_000)  # the pane has caught up with the mention
    claim.trigger()
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.holder_id == c.me.id,
                    timeout=15_000)  # fmt: skip
    composer = _insert(qtbot, session, "order")
    first, second = composer.ask_fields.edits

    # a value that would read as a placeholder is refused; a pasted newline becomes a space
    _type(qtbot, "{{ask:x}}")
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    QApplication.clipboard().setText("dinsdag\n3 juni")
    qtbot.keyClick(second, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert second.text() == "dinsdag 3 juni"
    key(qtbot, session, "Ctrl+Return")
    assert QApplication.focusWidget() is first and first.property("missing") is True
    assert "cannot contain {{ or }}" in composer.notice.text()
    qtbot.keyClick(first, Qt.Key.Key_Backspace)  # still braces: still marked, still said
    assert first.property("missing") is True and "cannot contain" in composer.notice.text()
    first.selectAll()
    _type(qtbot, "A-1")
    assert first.property("missing") is False and not composer.notice.isVisible()
    assert "komt op dinsdag 3 juni." in composer.final_text()
    # Enter goes on to the next field, from the last one into the text
    qtbot.keyClick(first, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is second
    qtbot.keyClick(second, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is composer.editor

    # another mention and back: the text and its values are kept with the draft
    select(qtbot, session, m2)
    assert composer.ask_fields.edits == [] and composer.editor.toPlainText() == ""
    select(qtbot, session, m1)
    qtbot.waitUntil(lambda: len(composer.ask_fields.edits) == 2, timeout=5000)
    assert [e.text() for e in composer.ask_fields.edits] == ["A-1", "dinsdag 3 juni"]
    assert "je bestelling A-1 komt op dinsdag 3 juni." in composer.preview.text()

    # deleting the template's text removes the fields; a label typed by hand adds one
    composer.editor.setFocus()
    composer.editor.selectAll()
    qtbot.keyClick(composer.editor, Qt.Key.Key_Delete)
    assert composer.ask_fields.edits == [] and not composer.ask_fields.isVisible()
    qtbot.keyClicks(composer.editor, "Je code is {{ask:code}}")
    (code,) = composer.ask_fields.edits
    assert isinstance(code, QLineEdit) and code.accessibleName() == "code"
    # a malformed one typed by hand is no field, and stops the reply too
    qtbot.keyClicks(composer.editor, " en {{ask:}}")
    qtbot.keyClicks(code, "77")
    send = session.window.actions_by_name["send"]
    qtbot.waitUntil(lambda: send.isEnabled() and composer.send_button.isEnabled(), timeout=10_000)
    key(qtbot, session, "Ctrl+Return")
    assert "still contains {{ask:}}" in composer.notice.text()
    qtbot.wait(300)
    assert replies(team, m1) == []


def test_the_template_editor_lists_what_a_template_asks_for(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    team.add_user("anna", Role.ADMIN, name="Anna")
    anna = open_client("anna")
    view = team_view(qtbot, anna, "templates")
    assert isinstance(view, TemplatesView)
    qtbot.waitUntil(lambda: view.list.model.columnCount() > 0, timeout=10_000)
    view.new_template()
    qtbot.keyClicks(view.title, "Bestelling")
    view.body.setPlainText(
        "Hoi {{customer_name}}, order {{ask:order number}} komt {{ask:date}}"
        " ({{ask:Order Number}}). {{agent_signature}}"
    )
    assert view.uses.isVisible()
    assert view.uses.text() == (
        "Fills in: {{customer_name}}, {{agent_signature}}\nAsks the agent for: order number, date"
    )
    assert view.problem.text() == "" and view.save_button.isEnabled()
    assert "order {{ask:order number}} komt {{ask:date}}" in view.preview.text()
    # an unknown {{name}} is a mistake, with the way to ask for it instead
    view.body.setPlainText("Order {{ordernummer}}")
    assert "Unknown variable {{ordernummer}}" in view.problem.text()
    assert "write {{ask:ordernummer}}" in view.problem.text()
    assert not view.save_button.isEnabled()
    view.body.setPlainText("Order {{ask:}}")
    assert view.problem.text().startswith("{{ask:}} has no label.")
    view.body.setPlainText("Order {{ask:" + "x" * 41 + "}}")
    assert "longer than 40 characters" in view.problem.text()
    view.body.setPlainText("Order {{ask:nummer}}")
    view.save()
    qtbot.waitUntil(lambda: view.current is not None, timeout=10_000)
    assert view.current is not None and view.current["body"] == "Order {{ask:nummer}}"
