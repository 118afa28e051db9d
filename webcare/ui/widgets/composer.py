"""Write a reply or an internal note: template, live preview with signature, character count."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from webcare.domain.templates import append_signature
from webcare.ui.resources import icon
from webcare.ui.widgets.conversation import plain_label


class Composer(QWidget):
    """Emits intents; the controller decides (claim check, outbox)."""

    sendRequested = Signal(str, bool)  # noqa: N815 - final text, is_note
    templateRequested = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self._signature = ""
        self._limit: int | None = None
        self._blocked_reason = ""

        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("composerEditor")
        self.editor.setAccessibleName(self.tr("Reply text"))
        self.editor.setPlaceholderText(
            self.tr("Write a reply… (T: template, Ctrl+Enter: send, N: internal note)")
        )
        self.editor.setTabChangesFocus(True)
        self.editor.setMaximumHeight(140)
        self.editor.textChanged.connect(self._update)

        self.template_button = QPushButton(self.tr("Template…"), self)
        self.template_button.setToolTip(self.tr("Pick a canned answer (T)"))
        self.template_button.setIcon(icon("template"))
        self.template_button.clicked.connect(self.templateRequested.emit)
        self.note_toggle = QCheckBox(self.tr("Internal note"), self)
        self.note_toggle.setToolTip(self.tr("Write a note only your team sees (N)"))
        self.note_toggle.setAccessibleDescription(self.tr("Write a note only your team sees (N)"))
        self.note_toggle.toggled.connect(self._update)
        self.counter = plain_label("", selectable=False)
        self.counter.setObjectName("charCounter")
        self.counter.setAccessibleName(self.tr("Characters"))
        self.send_button = QPushButton(self.tr("Send"), self)
        self.send_button.setObjectName("sendButton")
        self.send_button.setToolTip(self.tr("Send (Ctrl+Enter)"))
        self.send_button.setAccessibleDescription(self.tr("Send (Ctrl+Enter)"))
        self.send_button.setIcon(icon("send", "#ffffff"))  # white on the accent colour
        self.send_button.clicked.connect(self.request_send)
        self.preview = plain_label("", selectable=True)
        self.preview.setObjectName("composerPreview")
        self.preview.setAccessibleName(self.tr("Preview"))
        self.notice = plain_label("", selectable=False)
        self.notice.setObjectName("composerNotice")

        top = QHBoxLayout()
        top.addWidget(self.template_button)
        top.addWidget(self.note_toggle)
        top.addStretch(1)
        top.addWidget(self.counter)
        top.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.notice)
        layout.addWidget(self.editor)
        layout.addLayout(top)
        layout.addWidget(self.preview)
        for first, second in pairwise(self.focus_chain()):
            QWidget.setTabOrder(first, second)
        self._update()

    def focus_chain(self) -> list[QWidget]:
        """The composer's controls in Tab order: write, then pick, then send."""
        return [self.editor, self.template_button, self.note_toggle, self.send_button]

    # --- state from the controller ----------------------------------------------------------

    def set_context(self, *, signature: str, limit: int | None) -> None:
        self._signature = signature
        self._limit = limit
        self._update()

    def set_blocked(self, reason: str) -> None:
        """Explain why sending a reply is not possible right now (empty: it is possible)."""
        self._blocked_reason = reason
        self._update()

    @property
    def is_note(self) -> bool:
        return self.note_toggle.isChecked()

    def final_text(self) -> str:
        text = self.editor.toPlainText().strip()
        if self.is_note or not text:
            return text
        return append_signature(text, self._signature)

    def insert_text(self, text: str) -> None:
        """Insert (a rendered template) at the cursor, replacing a selection."""
        self.editor.insertPlainText(text)
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear(self) -> None:
        self.editor.clear()
        self.note_toggle.setChecked(False)

    # --- behaviour --------------------------------------------------------------------------

    def over_limit(self) -> bool:
        return self._limit is not None and not self.is_note and len(self.final_text()) > self._limit

    def _update(self) -> None:
        final = self.final_text()
        note = self.is_note
        self.setProperty("note", note)
        self.editor.setProperty("note", note)
        self.editor.style().unpolish(self.editor)
        self.editor.style().polish(self.editor)
        if note:
            self.counter.setText(self.tr("{n} characters").format(n=len(final)))
        elif self._limit is not None:
            self.counter.setText(f"{len(final)}/{self._limit}")
        else:
            self.counter.setText(self.tr("{n} characters").format(n=len(final)))
        self.counter.setProperty("over", self.over_limit())
        self.counter.style().unpolish(self.counter)
        self.counter.style().polish(self.counter)
        if final and not note:
            self.preview.setText(self.tr("Will be sent as: {text}").format(text=final))
        elif final:
            self.preview.setText(self.tr("Internal note — customers never see it."))
        else:
            self.preview.setText("")
        blocked = self._blocked_reason and not note
        self.notice.setText(self._blocked_reason if blocked else "")
        self.notice.setVisible(bool(blocked))
        self.send_button.setText(self.tr("Save note") if note else self.tr("Send"))
        self.send_button.setEnabled(bool(final) and not self.over_limit() and not blocked)

    def request_send(self) -> None:
        if not self.send_button.isEnabled():
            return
        self.sendRequested.emit(self.final_text(), self.is_note)
