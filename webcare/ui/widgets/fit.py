"""Widgets and layouts that keep their text readable in a narrow window.

At 1024x700, in Dutch, the inbox has less room than its controls would like. Rather than
squeezing them below their text (Qt lets a combo box or a line edit shrink to "Z…"), these
size themselves to what they show and give way in a defined order:

* :class:`FitComboBox` is as wide as its *current* text (the list drops down at full width);
* :class:`HintLineEdit` shows the longest of its placeholders that fits;
* :class:`CompactRow` shows only the icon of its :class:`CompactButton` s (their text stays
  in the tooltip and the accessible name) when the row is narrower than all their texts;
* :class:`FilterLayout` puts a search box and its filter boxes in one row while they fit and
  wraps the boxes onto rows below the search box when they do not.

``tests/gui/test_layout.py`` renders the windows at 1024x700 and larger, in both languages and
both themes, and fails on any control narrower than its text.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMargins, QObject, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QPaintEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QStylePainter,
    QWidget,
)

#: room a line edit keeps for its clear button (Qt reserves it while text is shown)
CLEAR_BUTTON_ROOM = 24


def button_width(button: QPushButton, text: str) -> int:
    """The width ``button`` asks for to show ``text`` (and its icon): what
    ``QPushButton::sizeHint`` computes, for a text it need not have now."""
    opt = QStyleOptionButton()
    button.initStyleOption(opt)
    opt.text = text
    width = height = 0
    if not button.icon().isNull():
        width, height = opt.iconSize.width() + 4, opt.iconSize.height()
    size = button.fontMetrics().size(Qt.TextFlag.TextShowMnemonic, text or "XXXX")
    if text or not width:
        width += size.width()
    if text or not height:
        height = max(height, size.height())
    if button.menu() is not None:
        width += button.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, opt, button)
    hint = button.style().sizeFromContents(
        QStyle.ContentsType.CT_PushButton, opt, QSize(width, height), button
    )
    return hint.width()


class FitComboBox(QComboBox):
    """A combo box as wide as the item it shows (not the widest item); its drop-down list is
    as wide as its widest item, so nothing in it is cut either."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.currentIndexChanged.connect(lambda _i: self.updateGeometry())

    def sizeHint(self) -> QSize:  # noqa: N802
        base = super().sizeHint()
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        width = self.fontMetrics().horizontalAdvance(self.currentText()) + 2
        if not self.itemIcon(self.currentIndex()).isNull():
            width += self.iconSize().width() + 4
        size = self.style().sizeFromContents(
            QStyle.ContentsType.CT_ComboBox, opt, QSize(width, base.height()), self
        )
        return QSize(size.width(), base.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()

    def showPopup(self) -> None:  # noqa: N802
        view = self.view()
        view.setMinimumWidth(view.sizeHintForColumn(0) + 2 * view.frameWidth() + 24)
        super().showPopup()


class HintLineEdit(QLineEdit):
    """A line edit whose placeholder is the longest of ``hints`` that fits its width (the
    first is the fullest; the last must fit at the minimum width)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hints: tuple[str, ...] = ()

    def set_hints(self, *hints: str) -> None:
        self._hints = hints
        self._choose()
        self.updateGeometry()

    def hints(self) -> tuple[str, ...]:
        return self._hints

    def text_room(self) -> int:
        """The width the line edit draws its text (and placeholder) in."""
        opt = QStyleOptionFrame()
        self.initStyleOption(opt)
        rect = self.style().subElementRect(QStyle.SubElement.SE_LineEditContents, opt, self)
        margins = self.textMargins()
        room = rect.width() - margins.left() - margins.right() - 4  # Qt's inner margin: 2 + 2
        return room - (CLEAR_BUTTON_ROOM if self.isClearButtonEnabled() else 0)

    def _width_for(self, hint: str) -> int:
        return self.fontMetrics().horizontalAdvance(hint) + self.width() - self.text_room() + 1

    def _choose(self) -> None:
        if not self._hints:
            return
        room = self.text_room()
        fm = self.fontMetrics()
        fitting = [h for h in self._hints if fm.horizontalAdvance(h) <= room]
        self.setPlaceholderText(fitting[0] if fitting else self._hints[-1])

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        base = super().minimumSizeHint()
        if not self._hints:
            return base
        return QSize(max(base.width(), self._width_for(self._hints[-1])), base.height())

    def sizeHint(self) -> QSize:  # noqa: N802
        """Wide enough for the second hint (the first is a bonus for wide windows)."""
        base = super().sizeHint()
        if not self._hints:
            return base
        hint = self._hints[min(1, len(self._hints) - 1)]
        return QSize(max(base.width(), self._width_for(hint)), base.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._choose()


class CompactButton(QPushButton):
    """A push button that can show only its icon. Its text stays its text (``text()``, the
    accessible name, what tests and screen readers read); only the drawing leaves it out, and
    the size hints follow. The property ``iconOnly`` tells style sheets and layout checks."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._icon_only = False
        self.setProperty("iconOnly", False)

    def icon_only(self) -> bool:
        return self._icon_only

    def set_icon_only(self, icon_only: bool) -> None:
        if icon_only == self._icon_only:
            return
        self._icon_only = icon_only
        self.setProperty("iconOnly", icon_only)
        self.updateGeometry()
        self.update()

    def full_width(self) -> int:
        return button_width(self, self.text())

    def icon_width(self) -> int:
        return button_width(self, "")

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        return QSize(self.icon_width(), hint.height()) if self._icon_only else hint

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        if not self._icon_only:
            super().paintEvent(event)
            return
        painter = QStylePainter(self)
        opt = QStyleOptionButton()
        self.initStyleOption(opt)
        opt.text = ""
        painter.drawControl(QStyle.ControlElement.CE_PushButton, opt)


class CompactRow(QWidget):
    """A row of widgets in which :class:`CompactButton` s show only their icon when the row is
    too narrow for all the texts: one by one (disabled ones first, then the last one added,
    or in the order given to :meth:`give_way_in`), with their text kept in the tooltip and
    the accessible name. The row never makes a widget narrower than what it shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._order: list[CompactButton] = []  # the order in which they drop their text

    def add(self, widget: QWidget) -> None:
        self._layout.addWidget(widget)
        if isinstance(widget, CompactButton):
            self._order.insert(0, widget)
            widget.installEventFilter(self)

    def add_stretch(self) -> None:
        self._layout.addStretch(1)

    def give_way_in(self, order: list[CompactButton]) -> None:
        """The buttons in the order they drop their text (after the disabled ones)."""
        self._order = [b for b in order if b in self._order] + [
            b for b in self._order if b not in order
        ]
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.EnabledChange:
            QTimer.singleShot(0, self, self.fit)  # a disabled button gives way first
        return False

    def _giving_way(self) -> list[CompactButton]:
        return sorted(self._order, key=lambda b: b.isEnabled())

    def _width(self, icons_only: int) -> int:
        """The row's width when the first ``icons_only`` buttons that give way show icons."""
        dropped = {id(b) for b in self._giving_way()[:icons_only]}
        width = shown = 0
        for i in range(self._layout.count()):
            item = self._layout.itemAt(i)
            widget = item.widget() if item is not None else None
            if widget is None or widget.isHidden():
                continue
            shown += 1
            if isinstance(widget, CompactButton):
                width += widget.icon_width() if id(widget) in dropped else widget.full_width()
            else:
                width += max(widget.sizeHint().width(), widget.minimumSizeHint().width())
        return width + max(0, self._layout.spacing()) * max(0, shown - 1)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self._width(0), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(self._width(len(self._order)), super().minimumSizeHint().height())

    def fit(self) -> None:
        """As many buttons with their text as the row's width allows."""
        if not self.isVisible():
            return  # laid out when shown
        dropped = next(
            (n for n in range(len(self._order) + 1) if self._width(n) <= self.width()),
            len(self._order),
        )
        for index, button in enumerate(self._giving_way()):
            button.set_icon_only(index < dropped)

    def event(self, event: QEvent) -> bool:
        # a button's size hint changes with its font (a style sheet's bold, the font size
        # setting): the row's own hints change with it, and the parent layout must ask again
        if event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
            QTimer.singleShot(0, self, self.fit)
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.fit()


class FilterLayout(QLayout):
    """A search box (the first widget added) and filter boxes.

    Everything in one row while the search box keeps its size hint (at least ``search_min``
    pixels); else the
    boxes go on a row below the search box, and if they do not fit in one, the last ones (the
    sort order) stay beside the search box while it keeps ``search_min_wrapped`` and the others
    follow on rows below it, as many to a row as fit, each at its own size hint.
    """

    def __init__(
        self, parent: QWidget | None = None, *, search_min: int = 260, search_min_wrapped: int = 200
    ) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.search_min = search_min
        self.search_min_wrapped = search_min_wrapped
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(6)

    # --- QLayout --------------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def _visible(self) -> list[QLayoutItem]:
        return [i for i in self._items if not i.isEmpty()]

    def sizeHint(self) -> QSize:  # noqa: N802
        items = self._visible()
        if not items:
            return QSize(0, 0)
        boxes = items[1:]
        width = max(self.search_min, items[0].sizeHint().width()) + sum(
            i.sizeHint().width() + self.spacing() for i in boxes
        )
        height = max(i.sizeHint().height() for i in items)
        return QSize(width, height) + self._margin_size()

    def minimumSize(self) -> QSize:  # noqa: N802
        items = self._visible()
        if not items:
            return QSize(0, 0)
        width = max(
            [max(i.minimumSize().width(), i.sizeHint().width()) for i in items[1:]]
            + [items[0].minimumSize().width()]
        )
        return QSize(width, self.heightForWidth(width)) + self._margin_size()

    def _margin_size(self) -> QSize:
        m = self.contentsMargins()
        return QSize(m.left() + m.right(), m.top() + m.bottom())

    # --- the arrangement ----------------------------------------------------------------------

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Place the items in ``rect`` (if ``move``); returns the height they take."""
        m: QMargins = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        items = self._visible()
        if not items:
            return 0
        search, boxes = items[0], items[1:]
        gap = self.spacing()
        boxes_width = sum(b.sizeHint().width() for b in boxes) + gap * len(boxes)
        row_height = max(i.sizeHint().height() for i in items)
        one_row = area.width() - boxes_width >= max(self.search_min, search.sizeHint().width())
        if one_row:
            x = area.x()
            widths = [area.width() - boxes_width] + [b.sizeHint().width() for b in boxes]
            for item, width in zip(items, widths, strict=True):
                if move:
                    item.setGeometry(QRect(QPoint(x, area.y()), QSize(width, row_height)))
                x += width + gap
            return row_height + m.top() + m.bottom()
        widths = [b.sizeHint().width() for b in boxes]

        # the boxes in one row below the search box; if they do not fit there, the last ones
        # (the sort order) stay beside the search box while it keeps ``search_min_wrapped``
        def row_width(ws: list[int]) -> int:
            return sum(ws) + gap * max(0, len(ws) - 1)

        beside = 0  # as few as make the rest fit in one row, as many as leave the search room
        while (
            row_width(widths[: len(boxes) - beside]) > area.width()
            and beside < len(boxes) - 1
            and area.width() - row_width(widths[len(boxes) - beside - 1 :]) - gap
            >= self.search_min_wrapped
        ):
            beside += 1
        first_row = boxes[len(boxes) - beside :] if beside else []
        search_width = area.width() - sum(b.sizeHint().width() + gap for b in first_row)
        if move:
            search.setGeometry(QRect(area.topLeft(), QSize(search_width, row_height)))
            x = area.x() + search_width + gap
            for box in first_row:
                box.setGeometry(
                    QRect(QPoint(x, area.y()), QSize(box.sizeHint().width(), row_height))
                )
                x += box.sizeHint().width() + gap
        y = area.y() + row_height + gap
        x = area.x()
        for box in boxes[: len(boxes) - beside]:
            width = box.sizeHint().width()
            if x > area.x() and x + width > area.right() + 1:
                x = area.x()
                y += row_height + gap
            if move:
                box.setGeometry(QRect(QPoint(x, y), QSize(width, row_height)))
            x += width + gap
        return y + row_height - area.y() + m.top() + m.bottom()
