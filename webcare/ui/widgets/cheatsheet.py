"""Every shortcut, grouped and searchable: the cheat sheet (F1 or ?) and the preferences.

Both show :func:`shortcut_groups` of the window's actions, so they can never disagree: an
action added to the window appears in both, in the group of its name (or of its menu).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QAction, QFont, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from webcare.ui.widgets.conversation import plain_label

GROUPS = ("navigation", "mention", "writing", "views", "window")

# action name -> group; actions not listed go by the menu they are in (``_BY_MENU``)
_GROUP_OF = {
    "next": "navigation",
    "previous": "navigation",
    "queue": "navigation",
    "search": "navigation",
    "claim": "mention",
    "release": "mention",
    "handover": "mention",
    "resolve": "mention",
    "spam": "mention",
    "snooze": "mention",
    "unsnooze": "mention",
    "undo": "mention",
    "open_link": "mention",
    "reply": "writing",
    "template": "writing",
    "note": "writing",
    "attach": "writing",
    "send": "writing",
    "refresh": "views",
    "save_view": "views",
    "shortcuts": "window",
    "preferences": "window",
    "quit": "window",
}
_BY_MENU = {"mention": "mention", "view": "navigation", "team": "window", "help": "window"}


def group_title(group: str) -> str:
    titles = {
        "navigation": QCoreApplication.translate("Shortcuts", "Navigation"),
        "mention": QCoreApplication.translate("Shortcuts", "Mention"),
        "writing": QCoreApplication.translate("Shortcuts", "Writing"),
        "views": QCoreApplication.translate("Shortcuts", "Views"),
        "window": QCoreApplication.translate("Shortcuts", "Window"),
    }
    return titles[group]


def _keys_outside_actions() -> dict[str, list[tuple[str, str]]]:
    """Keys that are not actions of the window but worth knowing (keys are never translated)."""
    return {
        "navigation": [
            (QCoreApplication.translate("Shortcuts", "Next / previous control"), "Tab, Shift+Tab")
        ],
        "writing": [
            (
                QCoreApplication.translate("Shortcuts", "Template picker: choose, insert"),
                "Up, Down, Enter",
            )
        ],
    }


def _group(action: QAction) -> str:
    name = action.objectName().removeprefix("action_")
    if name in _GROUP_OF:
        return _GROUP_OF[name]
    if name.startswith(("view_", "saved_view_")):
        return "views"
    return _BY_MENU.get(str(action.property("menu") or ""), "window")


def keys_text(action: QAction) -> str:
    return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())


def shortcut_groups(actions: list[QAction]) -> list[tuple[str, list[tuple[str, str]]]]:
    """``[(group, [(action text, keys), …]), …]`` in :data:`GROUPS` order, actions in menu
    order; only actions that have a key, then the keys that belong to no action."""
    rows: dict[str, list[tuple[str, str]]] = {g: [] for g in GROUPS}
    for action in actions:
        if action.shortcuts():
            rows[_group(action)].append((action.text().replace("&", ""), keys_text(action)))
    for group, extra in _keys_outside_actions().items():
        rows[group].extend(extra)
    return [(g, rows[g]) for g in GROUPS if rows[g]]


class ShortcutList(QWidget):
    """A filter box over a read-only list of shortcuts in titled groups."""

    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(self)
        self.search.setObjectName("shortcutSearch")
        self.search.setPlaceholderText(self.tr("Find a shortcut by action or key"))
        self.search.setAccessibleName(self.tr("Find a shortcut"))
        self.search.setClearButtonEnabled(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("shortcuts")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("Action"), self.tr("Keys")])
        self.tree.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.tree.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # arrows and Page keys scroll it
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = plain_label(self.tr("No shortcut matches."), selectable=False)
        self.empty.setObjectName("emptyState")
        self.empty.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty)

        self.groups: list[QTreeWidgetItem] = []
        for group, rows in shortcut_groups(actions):
            title = QTreeWidgetItem([group_title(group)])
            title.setData(0, Qt.ItemDataRole.UserRole, group)
            title.setFlags(Qt.ItemFlag.ItemIsEnabled)
            bold = QFont(self.tree.font())
            bold.setBold(True)
            title.setFont(0, bold)
            self.tree.addTopLevelItem(title)
            title.setFirstColumnSpanned(True)
            for name, keys in rows:
                item = QTreeWidgetItem([name, keys])
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # read-only, nothing to select
                title.addChild(item)
            title.setExpanded(True)
            self.groups.append(title)
        self.search.textChanged.connect(self.filter)

    @staticmethod
    def _rows(title: QTreeWidgetItem) -> list[QTreeWidgetItem]:
        return [item for i in range(title.childCount()) if (item := title.child(i)) is not None]

    def filter(self, text: str) -> None:
        """Show the shortcuts whose action or keys contain every word of ``text``."""
        words = text.lower().split()
        shown = 0
        for title in self.groups:
            visible = 0
            for item in self._rows(title):
                haystack = f"{item.text(0)} {item.text(1)}".lower()
                hide = not all(w in haystack for w in words)
                item.setHidden(hide)
                visible += not hide
            title.setHidden(visible == 0)
            shown += visible
        self.empty.setVisible(shown == 0)

    def entries(self, *, visible_only: bool = False) -> list[tuple[str, str, str]]:
        """``(group, action, keys)`` of every row (or of the rows the filter shows)."""
        out = []
        for title in self.groups:
            group = str(title.data(0, Qt.ItemDataRole.UserRole))
            for item in self._rows(title):
                if not visible_only or not (item.isHidden() or title.isHidden()):
                    out.append((group, item.text(0), item.text(1)))
        return out


class CheatSheet(QDialog):
    """The shortcuts over the inbox: type to find one; Esc, ? or F1 close it again."""

    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cheatSheet")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.resize(520, 640)
        self.list = ShortcutList(actions, self)
        hint = plain_label(self.tr("Esc, ? or F1 closes this list."), selectable=False)
        hint.setObjectName("hint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        for widget in (self, self.list.search, self.list.tree):
            widget.installEventFilter(self)
        self.list.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # "?" and F1 open the sheet, so they close it too, even while the search box has focus
        if event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.text() == "?" or event.key() == Qt.Key.Key_F1:
                self.reject()
                return True
        return super().eventFilter(watched, event)

    def entries(self) -> list[tuple[str, str]]:
        """``(action, keys)`` of every row."""
        return [(name, keys) for _group, name, keys in self.list.entries()]
