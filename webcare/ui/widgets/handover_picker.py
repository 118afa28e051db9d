"""Hand a mention over to a colleague: type to filter, arrows to choose, a note, Enter.

The colleagues come from the team server (``GET /v1/presence``) with whether they are here
(online, away, offline), those who are online first. The note is plain text, one line, at most
``NOTE_MAX`` characters; Esc cancels.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from webcare.domain.wire import PresenceRecord
from webcare.ui.theme import colour
from webcare.ui.widgets.conversation import plain_label
from webcare.ui.widgets.template_picker import step_with_arrows

#: as long as the server takes (``services.claims.MAX_HANDOVER_NOTE``)
NOTE_MAX = 500
_ORDER = {"online": 0, "away": 1, "offline": 2}


def presence_icon(presence: str) -> QIcon:
    """A dot: filled green online, filled amber away, an empty ring offline (the word is in
    the text too, so nothing depends on the colour)."""
    size = 16
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    dot = QRectF(3.5, 3.5, 9, 9)
    if presence == "offline":
        painter.setPen(QPen(colour("text_muted"), 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
    else:
        fill = colour("success") if presence == "online" else QColor("#d97706")
        painter.setPen(QPen(fill, 1))
        painter.setBrush(fill)
    painter.drawEllipse(dot)
    painter.end()
    return QIcon(pixmap)


class HandoverPicker(QDialog):
    """Choose the colleague and write the note; ``chosen`` and ``note`` once accepted."""

    def __init__(
        self,
        people: list[PresenceRecord],
        *,
        who: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("handoverPicker")
        self.setWindowTitle(self.tr("Hand over to a colleague"))
        self.setModal(True)
        self.resize(500, 380)
        self._people = sorted(
            people, key=lambda p: (_ORDER.get(p["presence"], 3), p["display_name"].lower())
        )
        self.chosen: PresenceRecord | None = None
        self.note = ""

        self.intro = plain_label(
            self.tr(
                "Hand {who} over: the claim moves to your colleague at once, and a reply you"
                " queued for it is not sent."
            ).format(who=who)
        )
        self.intro.setObjectName("handoverIntro")
        self.search = QLineEdit(self)
        self.search.setObjectName("handoverFilter")
        self.search.setPlaceholderText(self.tr("Type a name to filter"))
        self.search.setAccessibleName(self.tr("Filter colleagues"))
        self.list = QListWidget(self)
        self.list.setObjectName("handoverList")
        self.list.setAccessibleName(self.tr("Colleagues"))
        self.empty = plain_label("", selectable=False)
        self.empty.setObjectName("handoverEmpty")
        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName("handoverNote")
        self.note_edit.setMaxLength(NOTE_MAX)
        self.note_edit.setPlaceholderText(
            self.tr("A note for them (optional), e.g. “knows this customer”")
        )
        self.note_edit.setAccessibleName(self.tr("Note for your colleague"))
        self.hint = plain_label("", selectable=False)
        self.hint.setObjectName("handoverHint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = buttons.addButton(
            self.tr("Hand over"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("handoverOk")
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addWidget(plain_label(self.tr("Note"), selectable=False))
        layout.addWidget(self.note_edit)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)

        self.search.textChanged.connect(self._fill)
        self.list.currentItemChanged.connect(self._update)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.search.installEventFilter(self)
        # Tab from the filter goes to the note (the arrows choose in the list meanwhile)
        QWidget.setTabOrder(self.search, self.note_edit)
        QWidget.setTabOrder(self.note_edit, self.list)
        QWidget.setTabOrder(self.list, self.ok_button)
        self._fill("")
        self.search.setFocus()

    def presence_word(self, presence: str) -> str:
        words = {
            "online": self.tr("online"),
            "away": self.tr("away"),
            "offline": self.tr("offline"),
        }
        return words.get(presence, presence)

    def role_word(self, role: str) -> str:
        words = {"agent": self.tr("agent"), "lead": self.tr("lead"), "admin": self.tr("admin")}
        return words.get(role, role)

    def _fill(self, text: str) -> None:
        needle = text.strip().lower()
        self.list.clear()
        for person in self._people:
            if needle and needle not in person["display_name"].lower():
                continue
            label = self.tr("{name} ({role}) — {presence}").format(
                name=person["display_name"],
                role=self.role_word(person["role"]),
                presence=self.presence_word(person["presence"]),
            )
            item = QListWidgetItem(presence_icon(person["presence"]), label)
            item.setData(Qt.ItemDataRole.UserRole, person["user_id"])
            item.setData(Qt.ItemDataRole.AccessibleTextRole, label)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
            self.empty.setVisible(False)
        else:
            self.empty.setText(
                self.tr("Nobody matches “{text}”.").format(text=text.strip())
                if self._people
                else self.tr("There is no colleague who can take mentions.")
            )
            self.empty.setVisible(True)
        self._update()

    def current(self) -> PresenceRecord | None:
        item: QListWidgetItem | None = self.list.currentItem()
        if item is None:
            return None
        user_id = item.data(Qt.ItemDataRole.UserRole)
        return next((p for p in self._people if p["user_id"] == user_id), None)

    def _update(self) -> None:
        person = self.current()
        self.ok_button.setEnabled(person is not None)
        if person is None:
            self.hint.setText("")
        elif person["presence"] == "offline":
            self.hint.setText(
                self.tr(
                    "{name} is offline: they see it when they are back, unless their claim"
                    " runs out first (then it is back in Unclaimed)."
                ).format(name=person["display_name"])
            )
        elif person["presence"] == "away":
            self.hint.setText(
                self.tr("{name} is connected but has said they are away.").format(
                    name=person["display_name"]
                )
            )
        else:
            self.hint.setText(
                self.tr("{name} is online and is told at once.").format(name=person["display_name"])
            )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Up/Down in the filter box move through the list: no mouse needed.
        if watched is self.search and step_with_arrows(self.list, event):
            return True
        return super().eventFilter(watched, event)

    def accept(self) -> None:
        self.chosen = self.current()
        self.note = self.note_edit.text().strip()
        if self.chosen is not None:
            super().accept()
