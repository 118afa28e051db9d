"""Name a saved view: "Save view…" (Ctrl+S), rename, or copy a team view to one's own.

The dialog says what the view holds (its base view, search, filters and sort) and stays open
while the team server is asked: a name in use, a search it cannot read, being offline come
back as a line in the dialog (``show_error``), and the name is kept to correct.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from webcare.domain.saved_views import MAX_NAME
from webcare.ui.widgets.conversation import plain_label


class SaveViewDialog(QDialog):
    """``submitted(name, published)`` when Save is pressed; the caller closes it (``done``)."""

    submitted = Signal(str, bool)

    def __init__(
        self,
        *,
        title: str,
        what: str,
        name: str = "",
        can_publish: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("saveViewDialog")
        self.setWindowTitle(title)
        self.setModal(True)
        self.what = plain_label(what, selectable=False)
        self.what.setObjectName("saveViewWhat")
        self.what.setWordWrap(True)
        self.name = QLineEdit(name, self)
        self.name.setObjectName("saveViewName")
        self.name.setMaxLength(MAX_NAME)
        self.name.setPlaceholderText(self.tr("Name, e.g. Storingen NL"))
        self.name.setAccessibleName(self.tr("Name of the view"))
        self.publish = QCheckBox(
            self.tr("Publish to the team (everyone sees it; only leads change it)"), self
        )
        self.publish.setObjectName("saveViewPublish")
        self.publish.setVisible(can_publish)
        self._can_publish = can_publish
        self.error = plain_label("", selectable=True)
        self.error.setObjectName("saveViewError")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self.name.textChanged.connect(self._name_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.what)
        layout.addWidget(self.name)
        layout.addWidget(self.publish)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self._name_changed(name)
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _name_changed(self, text: str) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(bool(text.strip()))

    def _submit(self) -> None:
        name = " ".join(self.name.text().split())
        if not name:
            self.show_error(self.tr("Give the view a name."))
            return
        self.show_error("")
        self.buttons.setEnabled(False)  # until the server answered
        self.submitted.emit(name, self.publish.isChecked() and self._can_publish)

    def show_error(self, text: str) -> None:
        """Why it was not saved ('' hides the line); the dialog can be used again."""
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self.buttons.setEnabled(True)
        if text:
            self.name.setFocus(Qt.FocusReason.OtherFocusReason)
