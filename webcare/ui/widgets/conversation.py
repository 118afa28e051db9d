"""An author's history as a column of messages. Every text is a plain-text label."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from webcare.client_store.records import ConversationItem
from webcare.ui.text import relative_time
from webcare.ui.widgets.media import MediaSource, MediaStrip

# a mention that still waits for the team (the queue shows it as "Open")
OPEN = ("open", "claimed")
# receipts a posted reply's bubble shows (the platform's "sent" is what "posted" says already)
RECEIPTS = ("delivered", "read")


def plain_label(text: str, *, selectable: bool = True, wrap: bool = True) -> QLabel:
    """A QLabel that never interprets its text (no HTML, no links, no images)."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setOpenExternalLinks(False)
    return label


class MessageFrame(QFrame):
    def __init__(self, item: ConversationItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setObjectName(f"msg_{item.kind}")
        self.setProperty("kind", item.kind)
        self.setProperty("state", item.state)
        self.setProperty("current", item.current)
        self.setProperty("receipt", item.receipt)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(3)
        self.header = plain_label(self._header_text(), selectable=False)
        self.header.setObjectName("msgHeader")
        self.body = plain_label(self._body_text())
        self.body.setObjectName("msgBody")
        self.body.setAccessibleName(self._header_text())
        layout.addWidget(self.header)
        layout.addWidget(self.body)
        if item.detail:
            detail = plain_label(item.detail, selectable=False)
            detail.setObjectName("msgDetail")
            layout.addWidget(detail)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def _body_text(self) -> str:
        """The message; a hand-over's note says whom the mention went to, then the note."""
        item = self.item
        if item.kind != "note" or not item.handover_to:
            return item.text
        if item.text:
            return self.tr("Handed over to {name}: {note}").format(
                name=item.handover_to, note=item.text
            )
        return self.tr("Handed over to {name}.").format(name=item.handover_to)

    def _header_text(self) -> str:
        item = self.item
        when = relative_time(item.at, time.time())
        kind = {
            "mention": "",
            "reply": self.tr("reply"),
            "note": self.tr("hand-over") if item.handover_to else self.tr("internal note"),
        }.get(item.kind, "")
        if item.kind == "mention":
            # where each of the author's mentions stands: their open ones are shown together
            kind = {
                "open": self.tr("open", "mention status"),
                "claimed": self.tr("open", "mention status"),
                "answered": self.tr("answered", "mention status"),
                "closed": self.tr("closed", "mention status"),
                "spam": self.tr("spam", "mention status"),
            }.get(item.state, "")
        elif item.kind == "outbox":
            kind = {
                "queued": self.tr("queued — will be sent when the server is reachable"),
                "accepted": self.tr("sent to the team server"),
                "rejected": self.tr("NOT SENT"),
            }.get(item.state, item.state)
        elif item.kind == "reply" and item.state in ("queued", "sending"):
            kind = self.tr("reply · sent to the team server, not posted yet")
            if item.detail:
                kind = self.tr("reply · delivery delayed, retrying")
        elif item.kind == "reply" and item.state == "failed":
            kind = self.tr("reply · delivery failed")
        elif item.kind == "reply" and item.state == "sent" and item.receipt in RECEIPTS:
            # what the platform reports (Messenger, WhatsApp): the customer got it, or read it
            kind = {
                "delivered": self.tr("reply · Delivered"),
                "read": self.tr("reply · Read"),
            }[item.receipt]
        elif item.kind == "reply" and item.state == "sent":
            kind = self.tr("reply · posted on the platform")
        if item.kind == "reply" and item.private:
            # "private reply · Read": the word put in front of what the header says
            kind = self.tr("private", "a reply sent as a private message") + " " + kind
        # a merged contact's history: each mention says which channel it came in on
        parts = [item.author, when] + ([item.channel] if item.channel else [])
        return " · ".join(parts + ([kind] if kind else []))


class ConversationView(QScrollArea):
    """The selected author's messages, oldest first, scrolled to the newest."""

    mentionRequested = Signal(int)  # noqa: N815 - go to another open mention of the author
    dismissRequested = Signal(str)  # noqa: N815 - op id of a rejected write
    reuseRequested = Signal(str)  # noqa: N815 - put a rejected text back into the composer
    reattachRequested = Signal(object)  # noqa: N815 - its images too (tuple of MediaItem)
    retryRequested = Signal(str)  # noqa: N815 - reply id whose delivery failed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAccessibleName(self.tr("Conversation"))
        self._inner = QWidget()
        self._inner.setObjectName("conversationInner")
        self._layout = QVBoxLayout(self._inner)
        self._layout.setContentsMargins(8, 8, 8, 8)
        self._layout.setSpacing(8)
        self._layout.addStretch(1)
        self.setWidget(self._inner)
        self.frames: list[MessageFrame] = []
        #: Where the files of messages come from (set by the controller; None: chips only).
        self.media_source: MediaSource | None = None

    def _reuse(self, item: ConversationItem) -> None:
        self.reuseRequested.emit(item.text)
        if item.media:
            self.reattachRequested.emit(item.media)

    def clear(self) -> None:
        for frame in self.frames:
            self._layout.removeWidget(frame)
            frame.deleteLater()
        self.frames = []
        while self._layout.count() > 1:
            taken = self._layout.takeAt(1)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()

    def set_items(self, items: list[ConversationItem]) -> None:
        self.clear()
        for item in items:
            frame = MessageFrame(item, self._inner)
            if item.media:  # thumbnails and file chips (widgets/media.py)
                frame_layout = frame.layout()
                assert isinstance(frame_layout, QVBoxLayout)
                frame_layout.insertWidget(2, MediaStrip(item.media, self.media_source, frame))
            if item.kind == "outbox" and item.state == "rejected":
                row = QHBoxLayout()
                reuse = QPushButton(self.tr("Put text back in the composer"), frame)
                reuse.clicked.connect(lambda _=False, i=item: self._reuse(i))
                dismiss = QPushButton(self.tr("Dismiss"), frame)
                dismiss.clicked.connect(lambda _=False, o=item.id: self.dismissRequested.emit(o))
                row.addWidget(reuse)
                row.addWidget(dismiss)
                row.addStretch(1)
                layout = frame.layout()
                assert isinstance(layout, QVBoxLayout)
                layout.addLayout(row)
            elif item.kind == "mention" and not item.current and item.state in OPEN:
                row = QHBoxLayout()
                goto = QPushButton(self.tr("Go to this mention"), frame)
                goto.setObjectName("gotoMention")
                goto.setToolTip(self.tr("Select it in the queue (under All)"))
                goto.clicked.connect(
                    lambda _=False, m=item.mention_id: self.mentionRequested.emit(m)
                )
                row.addWidget(goto)
                row.addStretch(1)
                layout = frame.layout()
                assert isinstance(layout, QVBoxLayout)
                layout.addLayout(row)
            elif item.kind == "reply" and item.state == "failed":
                row = QHBoxLayout()
                retry = QPushButton(self.tr("Try delivering again"), frame)
                retry.setObjectName("retryDelivery")
                retry.clicked.connect(lambda _=False, r=item.id: self.retryRequested.emit(r))
                row.addWidget(retry)
                row.addStretch(1)
                layout = frame.layout()
                assert isinstance(layout, QVBoxLayout)
                layout.addLayout(row)
            self._layout.addWidget(frame)
            self.frames.append(frame)
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._scroll_to_end)

    def _scroll_to_end(self, _minimum: int, maximum: int) -> None:
        self.verticalScrollBar().setValue(maximum)
        self.verticalScrollBar().rangeChanged.disconnect(self._scroll_to_end)

    def texts(self) -> list[str]:
        """What the messages display (for tests and accessibility checks)."""
        return [frame.body.text() for frame in self.frames]
