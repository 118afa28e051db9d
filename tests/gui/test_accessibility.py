"""Accessibility: names on every control, focus order, keyboard reach, contrast, themes, fonts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QItemSelectionModel, QRect, Qt
from PySide6.QtGui import QAction, QColor, QImage, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QStyle,
    QStyleOptionButton,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.support.gui import OpenClient
from tests.support.server import TestServer
from webcare.app import Session
from webcare.domain.models import Role
from webcare.ui import i18n, palette, theme
from webcare.ui.models.queue_model import Col
from webcare.ui.team.team_window import TeamWindow, tabs_for
from webcare.ui.widgets.main_window import DetailPane
from webcare.ui.widgets.preferences import PreferencesDialog
from webcare.ui.widgets.queue_view import QueueView

CONTROLS = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractItemView,
    QTextEdit,
    QPlainTextEdit,
    QAbstractSpinBox,
)


@pytest.fixture(autouse=True)
def _light_theme(qapp: QApplication) -> Iterator[None]:
    yield
    theme.ThemeManager.of(qapp).apply(mode="system", font_scale=100)


def _inside_composite(widget: QWidget) -> bool:
    """Parts of another control (a spin box's line edit, a combo box's popup list)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractSpinBox | QComboBox):
            return True
        parent = parent.parentWidget()
    return False


def _buddied(root: QWidget) -> set[int]:
    """Controls named by a visible label: a QLabel buddy or a QFormLayout row label."""
    named: set[int] = set()
    for label in root.findChildren(QLabel):
        if label.buddy() is not None and label.text().strip():
            named.add(id(label.buddy()))
    for form in root.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label_item is not None and field is not None and field.widget() is not None:
                text = label_item.widget()
                if isinstance(text, QLabel) and text.text().strip():
                    named.add(id(field.widget()))
    return named


def unnamed_controls(root: QWidget) -> list[str]:
    """Every focusable control without an accessible name, visible text or label buddy."""
    buddied = _buddied(root)
    missing = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not isinstance(widget, CONTROLS) or isinstance(widget, QHeaderView):
            continue
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or _inside_composite(widget):
            continue
        if widget.accessibleName().strip() or id(widget) in buddied:
            continue
        if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
            continue
        missing.append(f"{type(widget).__name__} {widget.objectName()!r} in {root.objectName()}")
    return missing


def _with_mention(qtbot: QtBot, team: TestServer, open_client: OpenClient) -> Session:
    team.add_mentions(3)
    session = open_client("eva")
    qtbot.waitUntil(lambda: session.controller.detail is not None, timeout=10_000)
    return session


def test_every_control_of_the_main_window_has_a_name(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    session = _with_mention(qtbot, team, open_client)
    assert unnamed_controls(session.window) == []


def test_preferences_and_team_tabs_name_every_control(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    team.add_user("anna", Role.ADMIN, name="Anna")
    session = open_client("anna")
    window = session.window
    window.actions_by_name["preferences"].trigger()
    dialog = window.findChild(PreferencesDialog)
    assert isinstance(dialog, PreferencesDialog)
    assert unnamed_controls(dialog) == []
    team_window = session.controller.open_team("reports")
    qtbot.addWidget(team_window)
    assert isinstance(team_window, TeamWindow)
    assert sorted(team_window.views) == sorted(tabs_for("admin"))
    for name, view in team_window.views.items():
        team_window.open_tab(name)
        view.setObjectName(f"tab_{name}")
        assert unnamed_controls(view) == [], name


def test_tab_visits_search_queue_composer_and_send_in_order(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    session = _with_mention(qtbot, team, open_client)
    window = session.window
    composer = window.detail.composer
    composer.editor.setPlainText("Hoi!")  # Send is enabled only with text
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    window.views.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.views, timeout=3000)
    visited: list[QWidget] = []
    for _ in range(40):
        focused = QApplication.focusWidget()
        assert focused is not None
        if focused in visited:
            break
        visited.append(focused)
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    wanted = [window.search, window.table, composer.editor, composer.send_button]
    positions = [visited.index(w) for w in wanted]  # ValueError: never reached by Tab
    assert positions == sorted(positions), [type(w).__name__ for w in visited]
    assert visited[0] is window.views and visited[1] is window.search


def test_every_action_is_reachable_by_keyboard(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    team.add_user("anna", Role.ADMIN, name="Anna")
    window = open_client("anna").window
    in_menus: set[QAction] = set()
    for top in window.menuBar().actions():
        text = top.text()
        assert "&" in text, f"menu {text!r} has no Alt mnemonic"
        menu = top.menu()
        assert isinstance(menu, QMenu)
        in_menus.update(a for a in menu.actions() if not a.isSeparator())
    for name, action in window.actions_by_name.items():
        assert action in in_menus, f"{name} is in no menu"
        assert action.shortcuts() or "&" in action.text(), f"{name}: no shortcut, no mnemonic"
    assert window.actions_by_name["preferences"].shortcut().toString() == "Ctrl+,"


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_contrast_meets_wcag_aa(mode: str) -> None:
    colours = palette.PALETTES[mode]
    report = palette.contrast_report(colours)
    failing = [(p.what, round(r, 2), p.minimum) for p, r in report if r < p.minimum]
    assert failing == []
    ratios = {p.what: r for p, r in report}
    assert ratios["body text"] >= 7  # AAA for the mentions themselves
    assert {p.fg for p in palette.CONTRAST_PAIRS} | {p.bg for p in palette.CONTRAST_PAIRS} <= set(
        colours
    )


def test_theme_switch_changes_palette_and_stylesheet(qapp: QApplication) -> None:
    manager = theme.ThemeManager.of(qapp)
    manager.apply(mode="light")
    light_window = qapp.palette().color(QPalette.ColorRole.Window).name()
    assert light_window == palette.LIGHT["window"]
    assert palette.LIGHT["sidebar_bg"] in qapp.styleSheet()
    manager.apply(mode="dark")
    assert manager.effective == "dark"
    assert qapp.palette().color(QPalette.ColorRole.Window).name() == palette.DARK["window"]
    assert qapp.palette().color(QPalette.ColorRole.Text).name() == palette.DARK["text"]
    assert palette.DARK["base"] in qapp.styleSheet()
    assert palette.LIGHT["sidebar_bg"] not in qapp.styleSheet()
    manager.apply(mode="system")
    assert manager.effective == theme.system_scheme()


def test_the_system_colour_scheme_is_followed(qapp: QApplication) -> None:
    manager = theme.ThemeManager.of(qapp)
    manager.apply(mode="system")
    manager._system_changed(Qt.ColorScheme.Dark)  # as the signal does; reads the hints again
    assert manager.effective == theme.system_scheme()
    manager.apply(mode="light")
    manager._system_changed(Qt.ColorScheme.Dark)  # an explicit choice is kept
    assert manager.effective == "light"


def test_preferences_apply_live_and_store_no_secret(
    open_client: OpenClient, team: TestServer, qtbot: QtBot, qapp: QApplication
) -> None:
    session = _with_mention(qtbot, team, open_client)
    window = session.window
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(PreferencesDialog)
    if dialog is None:  # the offscreen platform may not route the key: the action does
        window.actions_by_name["preferences"].trigger()
        dialog = window.findChild(PreferencesDialog)
    assert isinstance(dialog, PreferencesDialog)
    assert dialog.server.text() == session.server_url and dialog.server.isReadOnly()
    assert "eva" in dialog.account.text()
    assert len(dialog.shortcuts.entries()) >= 15

    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    assert qapp.palette().color(QPalette.ColorRole.Base).name() == palette.DARK["base"]
    normal = window.detail.author.font().pixelSize()  # the stylesheet's 17px
    before = qapp.font().pointSizeF()
    dialog.font_scale.setValue(150)
    assert qapp.font().pointSizeF() == pytest.approx(before * 1.5)
    assert window.detail.author.font().pixelSize() == round(normal * 1.5)  # 17px → 26px
    dialog.notify_banner.setChecked(False)
    dialog.notify_sound.setChecked(True)
    dialog.language.setCurrentIndex(dialog.language.findData("nl"))
    assert i18n.installed_language(qapp) == "nl"  # for windows opened from now on
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    assert dialog.notice.isVisibleTo(dialog)

    settings = session.controller.settings
    assert settings is not None
    assert settings.value("ui/theme") == "dark"
    assert int(str(settings.value("ui/font_scale"))) == 150
    assert settings.value("ui/language") == "en"
    stored = " ".join(f"{k}={settings.value(k)}" for k in settings.allKeys()).lower()
    assert "token" not in stored.replace("plaintext_token_opt_in", "")
    # the banner preference is honoured
    session.controller.status.announce([1], session.controller.filter.view)
    assert session.controller.notifications and not window.banner.isVisibleTo(window)


def test_the_walker_finds_an_unnamed_control(qtbot: QtBot) -> None:
    root = QWidget()
    root.setObjectName("root")
    qtbot.addWidget(root)
    QLineEdit(root).setObjectName("bare")
    named = QLineEdit(root)
    named.setAccessibleName("Named")
    assert unnamed_controls(root) == ["QLineEdit 'bare' in root"]


# --- checkboxes and the selected row, as drawn -----------------------------------------------


def _most_common(image: QImage, skip: QRect) -> QColor:
    counts: Counter[int] = Counter()
    for y in range(image.height()):
        for x in range(image.width()):
            if not skip.contains(x, y):
                counts[image.pixel(x, y)] += 1
    return QColor.fromRgb(counts.most_common(1)[0][0])


def _ratio(a: QColor, b: QColor) -> float:
    return palette.contrast_ratio(a.name(), b.name())


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_internal_note_checkbox_stands_out_in_both_themes(
    qapp: QApplication, qtbot: QtBot, mode: str
) -> None:
    theme.ThemeManager.of(qapp).apply(mode=mode)
    pane = DetailPane()  # the composer where it really is: on the mention pane
    qtbot.addWidget(pane)
    pane.show_empty(False)
    pane.resize(600, 500)
    pane.show()
    box = pane.composer.note_toggle
    qtbot.waitUntil(box.isVisible, timeout=3000)
    option = QStyleOptionButton()
    box.initStyleOption(option)
    indicator = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    assert indicator.width() >= 12 and indicator.height() >= 12  # big enough to hit and see
    for checked in (False, True):
        box.setChecked(checked)
        image = box.grab().toImage()
        background = _most_common(image, indicator)
        assert background.name() in (
            palette.PALETTES[mode]["base"],
            palette.PALETTES[mode]["window"],
        )
        edge = indicator.adjusted(2, 2, -2, -2)  # inside this: not the outline
        ring = [
            QColor.fromRgb(image.pixel(x, y))
            for x in range(indicator.left(), indicator.right() + 1)
            for y in range(indicator.top(), indicator.bottom() + 1)
            if not edge.contains(x, y)
        ]
        outline = max(_ratio(c, background) for c in ring)
        assert outline >= palette.LARGE_OR_UI, (mode, checked, round(outline, 2))
        if checked:  # a filled box with a visible tick
            inside = indicator.adjusted(3, 3, -3, -3)
            fill = QColor.fromRgb(image.pixel(inside.left(), inside.top()))
            assert _ratio(fill, background) >= palette.LARGE_OR_UI, mode
            tick = max(
                _ratio(QColor.fromRgb(image.pixel(x, y)), fill)
                for x in range(inside.left(), inside.right() + 1)
                for y in range(inside.top(), inside.bottom() + 1)
            )
            assert tick >= palette.LARGE_OR_UI, (mode, round(tick, 2))
    box.setChecked(False)


def _row_colour(session: Session, row: int) -> str:
    table = session.window.table
    rect = table.visualRect(session.controller.model.index(row, Col.STATE))
    image = table.viewport().grab().toImage()
    return QColor.fromRgb(image.pixel(rect.right() - 3, rect.center().y())).name()


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_selected_row_keeps_its_colour_with_and_without_focus(
    open_client: OpenClient, team: TestServer, qtbot: QtBot, qapp: QApplication, mode: str
) -> None:
    team.add_mentions(3)
    session = open_client("eva")
    theme.ThemeManager.of(qapp).apply(mode=mode)
    c, window = session.controller, session.window
    qtbot.waitUntil(lambda: c.model.rowCount() == 3 and c.detail is not None, timeout=10_000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    colours = palette.PALETTES[mode]
    window.table.setFocus()
    qtbot.waitUntil(window.table.hasFocus, timeout=3000)
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: window.table.currentIndex().row() == 1, timeout=3000)
    assert _row_colour(session, 1) == colours["selection_bg"]
    assert _row_colour(session, 0) != colours["selection_bg"]
    window.search.setFocus()
    qtbot.waitUntil(window.search.hasFocus, timeout=3000)
    assert _row_colour(session, 1) == colours["selection_bg"]


def test_a_row_made_current_without_a_click_is_selected_too(
    qtbot: QtBot, qapp: QApplication
) -> None:
    """Focusing the queue while nothing is current makes Qt pick a row "NoUpdate": the pane
    would show that mention while the row looked unselected (only a focus rectangle)."""
    model = QStandardItemModel(3, 2)
    for row in range(3):
        for col in range(2):
            model.setItem(row, col, QStandardItem(f"mention {row}"))
    view = QueueView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    other = QLineEdit(view)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow, timeout=3000)
    other.setFocus()
    view.selectionModel().clear()
    assert not view.currentIndex().isValid()
    view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(view.hasFocus, timeout=3000)
    current = view.currentIndex()
    assert current.isValid()
    assert [i.row() for i in view.selectionModel().selectedRows()] == [current.row()]
    view.selectionModel().setCurrentIndex(
        model.index(2, 1), QItemSelectionModel.SelectionFlag.NoUpdate
    )
    assert [i.row() for i in view.selectionModel().selectedRows()] == [2]
