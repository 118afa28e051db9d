"""The values a template asks the agent for (``{{ask:order number}}``), one input per label.

The composer's text keeps the placeholders, highlighted (yellow: still empty; green: filled),
so it stays freely editable and a value can change until the reply is sent; the preview under
the composer shows the reply with the values in, exactly as it goes out. The inputs follow the
text: a placeholder typed or pasted adds one, deleting the template's text removes them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QApplication, QGridLayout, QLabel, QLineEdit, QWidget

from webcare.domain.templates import (
    AskField,
    ask_fields,
    ask_key,
    ask_spans,
    clean_value,
    value_problem,
)
from webcare.ui import theme


def _utf16(text: str, index: int) -> int:
    """A Python (code point) index as Qt's (UTF-16) index."""
    return len(text[:index].encode("utf-16-le")) // 2


class AskHighlighter(QSyntaxHighlighter):
    """Marks each ``{{ask:…}}`` of the composer's text: empty ones like a search match, filled
    ones like a mention of mine (the palette's colours, which meet the contrast minimum)."""

    def __init__(self, document: QTextDocument, fields: AskFields) -> None:
        super().__init__(document)
        self.fields = fields

    def highlightBlock(self, text: str) -> None:  # noqa: N802
        for start, end, key in ask_spans(text):
            filled = bool(clean_value(self.fields.values.get(key, "")))
            mark = QTextCharFormat()
            mark.setBackground(theme.colour("mine_bg" if filled else "match_bg"))
            mark.setForeground(theme.colour("mine_text" if filled else "match_text"))
            begin = _utf16(text, start)
            self.setFormat(begin, _utf16(text, end) - begin, mark)


class AskFields(QWidget):
    """One labelled input per ask-variable of the text, in order of first appearance."""

    changed = Signal()  # a value changed
    done = Signal()  # Enter in the last field: back to the text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("askFields")
        # every value typed while this text is in the composer, by field key (a field that
        # disappears for a moment, cut and pasted elsewhere, keeps its value)
        self.values: dict[str, str] = {}
        self.fields: list[AskField] = []
        self.edits: list[QLineEdit] = []
        self._labels: list[QLabel] = []
        # a row per field: its label, its input (no title line: the room is the conversation's)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(6)
        self._grid.setVerticalSpacing(3)
        self.setVisible(False)

    # --- following the text ------------------------------------------------------------------

    def follow(self, text: str, before: QWidget) -> bool:
        """Show the fields ``text`` asks for; True when they changed (the Tab order is then
        the composer's to set; ``before``: the composer's text, which gets the focus when
        the field that had it goes)."""
        fields = ask_fields(text)
        if [f.key for f in fields] == [f.key for f in self.fields]:
            for label, f in zip(self._labels, fields, strict=True):
                label.setText(f.label)
            self.fields = fields
            return False
        focused = QApplication.focusWidget() in self.edits
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self._grid.setColumnStretch(1, 1)
        self.fields, self.edits, self._labels = fields, [], []
        hint = self.tr("Fill in before sending (Tab: next field)")
        for n, f in enumerate(fields):
            edit = QLineEdit(self)
            edit.setObjectName("askField")
            edit.setProperty("ask_key", f.key)
            edit.setAccessibleName(f.label)
            edit.setPlaceholderText(self.tr("fill in before sending"))
            edit.setToolTip(hint)
            edit.setAccessibleDescription(hint)
            edit.setText(self.values.get(f.key, ""))
            edit.textEdited.connect(lambda value, k=f.key: self._edited(k, value))
            edit.returnPressed.connect(lambda i=n: self._next(i))
            label = QLabel(f.label, self)
            label.setTextFormat(Qt.TextFormat.PlainText)  # a label is the admin's text
            label.setBuddy(edit)
            self._grid.addWidget(label, n, 0)
            self._grid.addWidget(edit, n, 1)
            self.edits.append(edit)
            self._labels.append(label)
        self.setVisible(bool(fields))
        if focused and not self.edits:
            before.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _edited(self, key: str, value: str) -> None:
        edit = self.edit(key)
        one_line = "".join(" " if c in "\r\n\t\v\f\u2028\u2029" else c for c in value)
        if one_line != value and edit is not None:  # pasted lines: a value is one line
            at = edit.cursorPosition()
            edit.setText(one_line)
            edit.setCursorPosition(at)
            value = one_line
        self.values[key] = value
        fine = bool(clean_value(value)) and value_problem(value) is None
        if edit is not None and edit.property("missing") and fine:
            self.mark(edit, False)
        self.changed.emit()

    def _next(self, index: int) -> None:
        if index + 1 < len(self.edits):
            self.edits[index + 1].setFocus(Qt.FocusReason.TabFocusReason)
        else:
            self.done.emit()

    # --- values -------------------------------------------------------------------------------

    def edit(self, key: str) -> QLineEdit | None:
        return next((e for e in self.edits if e.property("ask_key") == key), None)

    def current(self) -> dict[str, str]:
        """The values of the fields the text has now (by key; empty ones included)."""
        return {f.key: self.values.get(f.key, "") for f in self.fields}

    def set_values(self, values: dict[str, str]) -> None:
        self.values.update({ask_key(k): v for k, v in values.items()})
        for f, edit in zip(self.fields, self.edits, strict=True):
            edit.setText(self.values.get(f.key, ""))
        self.changed.emit()

    def reset(self) -> None:
        self.values = {}
        for edit in self.edits:
            edit.clear()
            self.mark(edit, False)

    def first_empty(self) -> QLineEdit | None:
        for f, edit in zip(self.fields, self.edits, strict=True):
            if not clean_value(self.values.get(f.key, "")):
                return edit
        return None

    def problem(self) -> tuple[AskField, QLineEdit, str] | None:
        """The first field that stops sending: empty (reason ``"empty"``) or with a value that
        would read as a placeholder (``"braces"``)."""
        for f, edit in zip(self.fields, self.edits, strict=True):
            value = self.values.get(f.key, "")
            if not clean_value(value):
                return f, edit, "empty"
            if value_problem(value) is not None:
                return f, edit, "braces"
        return None

    @staticmethod
    def mark(edit: QLineEdit, missing: bool) -> None:
        """Highlight ``edit`` as the field that stops sending (or not any more)."""
        if bool(edit.property("missing")) == missing:
            return
        edit.setProperty("missing", missing)
        edit.style().unpolish(edit)
        edit.style().polish(edit)
