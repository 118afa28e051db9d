"""Every action and its shortcut, in one table (F1 or ?)."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def shortcut_rows(actions: list[QAction]) -> list[tuple[str, str]]:
    """(action, keys) for every action that has a shortcut: the cheat sheet's data."""
    rows = []
    for action in actions:
        if action.shortcuts():
            keys = ", ".join(
                s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts()
            )
            rows.append((action.text().replace("&", ""), keys))
    return rows


class ShortcutTable(QTableWidget):
    """A read-only table of actions and their keys (the cheat sheet, the preferences)."""

    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        rows = shortcut_rows(actions)
        super().__init__(len(rows), 2, parent)
        self.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Keys")])
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab leaves the table: keyboard users move on
        self.setAccessibleName(self.tr("Keyboard shortcuts"))
        for i, (name, keys) in enumerate(rows):
            self.setItem(i, 0, QTableWidgetItem(name))
            self.setItem(i, 1, QTableWidgetItem(keys))
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)


class CheatSheet(QDialog):
    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.resize(460, 520)
        self.table = ShortcutTable(actions, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    def entries(self) -> list[tuple[str, str]]:
        out = []
        for r in range(self.table.rowCount()):
            name, keys = self.table.item(r, 0), self.table.item(r, 1)
            if name is not None and keys is not None:
                out.append((name.text(), keys.text()))
        return out
