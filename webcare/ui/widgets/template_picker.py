"""Pick a canned answer with the keyboard: type to filter, arrows to choose, Enter to insert."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from webcare.client_store.records import Template
from webcare.domain.templates import ask_fields
from webcare.ui.text import one_line, plain_tooltip
from webcare.ui.widgets.conversation import plain_label

RenderFn = Callable[[Template], str]


def step_with_arrows(items: QListWidget, event: QEvent) -> bool:
    """Up/Down pressed in a picker's filter box: the list's current row moves one step (kept
    in the list); True when the key was one of them."""
    if event.type() != QEvent.Type.KeyPress:
        return False
    assert isinstance(event, QKeyEvent)
    if event.key() not in (Qt.Key.Key_Down, Qt.Key.Key_Up):
        return False
    step = 1 if event.key() == Qt.Key.Key_Down else -1
    items.setCurrentRow(max(0, min(items.count() - 1, items.currentRow() + step)))
    return True


class TemplatePicker(QDialog):
    def __init__(
        self,
        templates: list[Template],
        *,
        language: str | None,
        render: RenderFn,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Templates"))
        self.setModal(True)
        self.resize(560, 420)
        self._templates = sorted(
            templates, key=lambda t: (t.language != (language or t.language), t.title.lower())
        )
        self._render = render
        self.chosen: Template | None = None

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Type to filter by title, shortcut or text"))
        self.search.setAccessibleName(self.tr("Filter templates"))
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Templates"))
        self.preview = plain_label("")
        self.preview.setObjectName("templatePreview")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.preview)
        layout.addWidget(buttons)

        self.search.textChanged.connect(self._fill)
        self.list.currentItemChanged.connect(self._show_preview)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.search.installEventFilter(self)
        self._fill("")

    def _fill(self, text: str) -> None:
        # "/dm" finds the shortcut "dm" too: habits from chat tools should not come up empty
        needle = text.strip().lower().removeprefix("/")
        self.list.clear()
        for template in self._templates:
            haystack = f"{template.title} {template.shortcut} {template.body}".lower()
            if needle and needle not in haystack:
                continue
            label = f"{template.title} [{template.language}]"
            if template.shortcut:
                # written as the template editor writes it (no "/": nothing types it that way)
                label = self.tr("{title} [{language}] · shortcut: {shortcut}").format(
                    title=template.title, language=template.language, shortcut=template.shortcut
                )
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, template.id)
            # escaped, not edited: "&lt;3" or "<b>" in a template shows exactly as written
            item.setToolTip(plain_tooltip(one_line(template.body, 120)))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self.preview.setText(self.tr("No template matches."))

    def _current(self) -> Template | None:
        item: QListWidgetItem | None = self.list.currentItem()
        if item is None:
            return None
        template_id = item.data(Qt.ItemDataRole.UserRole)
        return next((t for t in self._templates if t.id == template_id), None)

    def _show_preview(self) -> None:
        template = self._current()
        if template is None:
            self.preview.setText("")
            return
        text = self._render(template)
        asks = ask_fields(template.body)
        if asks:
            text += "\n" + self.tr("You fill in: {labels}").format(
                labels=", ".join(a.label for a in asks)
            )
        self.preview.setText(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Up/Down in the filter box move through the list: no mouse needed.
        if watched is self.search and step_with_arrows(self.list, event):
            return True
        return super().eventFilter(watched, event)

    def accept(self) -> None:
        self.chosen = self._current()
        if self.chosen is not None:
            super().accept()
