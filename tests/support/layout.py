"""Does every visible control of a window have the room its text needs?

:func:`cramped` walks a shown window and reports every label, button, check box, combo box,
spin box, line edit placeholder, tab, group box title and table header section that is
narrower than its text (``fontMetrics().horizontalAdvance(text)`` plus what the style draws
around it: padding, borders, the icon, the arrow), every word-wrapped label cut at the bottom,
every widget cut off by a parent, every form that scrolls sideways, and the status bar
message if it is cut. What a widget needs
is computed from the style the way the widget draws itself (e.g. ``SE_PushButtonContents`` for
a button's label, ``SC_ComboBoxEditField`` for a combo box's text), not from its size hint, so
a layout that squeezes a control below its text is caught however it came about.

:func:`columns_outside` reports the columns of a table that are not wholly inside its viewport.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QRect, Qt
from PySide6.QtGui import Qt as QtGuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizeGrip,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QTabBar,
    QTableView,
    QToolButton,
    QWidget,
)

#: a line edit keeps this much room for its clear button (Qt reserves it while text is shown)
CLEAR_BUTTON_ROOM = 24


def _name(widget: QWidget) -> str:
    names: list[str] = []
    w: QWidget | None = widget
    while w is not None and len(names) < 3:
        names.append(w.objectName() or type(w).__name__)
        w = w.parentWidget()
    return "/".join(reversed(names))


def _shown(widget: QWidget, root: QWidget) -> bool:
    if not widget.isVisible() or widget.width() <= 0 or widget.height() <= 0:
        return False
    return widget.window() is root.window()


def _visible_rect(widget: QWidget) -> QRect:
    """The part of ``widget`` its ancestors leave visible, in its own coordinates."""
    rect = widget.rect()
    child: QWidget = widget
    parent = widget.parentWidget()
    offset = widget.pos()
    while parent is not None and not child.isWindow():
        parent_rect = parent.rect().translated(-offset)
        rect = rect.intersected(parent_rect)
        offset += parent.pos()
        child, parent = parent, parent.parentWidget()
    return rect


def _in_scroll_viewport(widget: QWidget) -> bool:
    """Inside a scroll area (whose scroll bars show what is cut off)?"""
    parent = widget.parentWidget()
    while parent is not None:
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and parent is area.viewport():
            return True
        parent = parent.parentWidget()
    return False


def _mnemonic_free(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _label_problem(label: QLabel) -> str | None:
    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return None
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and QtGuiQt.mightBeRichText(text)
    )
    if label.wordWrap():
        needed = label.heightForWidth(label.width())
        if needed > label.height() + 1:
            return f"wrapped text needs {needed} px of height, has {label.height()}"
        return None
    if rich:
        needed = label.minimumSizeHint().width()
        return f"needs {needed} px, has {label.width()}" if needed > label.width() else None
    fm = label.fontMetrics()
    shown = _mnemonic_free(text) if label.buddy() is not None else text
    text_width = max(fm.horizontalAdvance(line) for line in shown.split("\n"))
    indent = label.indent()
    if indent < 0:
        indent = fm.horizontalAdvance("x") // 2 if label.frameWidth() > 0 else 0
    room = label.contentsRect().width() - 2 * label.margin() - indent
    if text_width > room:
        return f"text needs {text_width} px, has {room}"
    return None


def _button_problem(button: QAbstractButton) -> str | None:
    if button.property("iconOnly"):  # webcare.ui.widgets.fit.CompactButton: drawn as its icon
        return None
    text = _mnemonic_free(button.text())
    if not text:
        return None
    fm = button.fontMetrics()
    text_width = fm.horizontalAdvance(text)
    style = button.style()
    if isinstance(button, QPushButton):
        opt = QStyleOptionButton()
        button.initStyleOption(opt)
        room = style.subElementRect(QStyle.SubElement.SE_PushButtonContents, opt, button).width()
        if not button.icon().isNull():
            text_width += button.iconSize().width() + 4
        if button.menu() is not None:
            text_width += style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, opt, button)
    elif isinstance(button, QCheckBox | QRadioButton):
        opt = QStyleOptionButton()
        button.initStyleOption(opt)
        element = (
            QStyle.SubElement.SE_CheckBoxContents
            if isinstance(button, QCheckBox)
            else QStyle.SubElement.SE_RadioButtonContents
        )
        room = style.subElementRect(element, opt, button).width()
        if not button.icon().isNull():
            text_width += button.iconSize().width() + 4
    elif isinstance(button, QToolButton):
        needed = button.sizeHint().width()
        return f"needs {needed} px, has {button.width()}" if needed > button.width() else None
    else:
        return None
    if text_width > room:
        return f"text needs {text_width} px, has {room}"
    return None


def _combo_problem(combo: QComboBox) -> str | None:
    if combo.isEditable():
        return None  # its line edit scrolls
    text = combo.currentText()
    if not text:
        return None
    opt = QStyleOptionComboBox()
    combo.initStyleOption(opt)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, opt, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    text_width = combo.fontMetrics().horizontalAdvance(text)
    if not combo.itemIcon(combo.currentIndex()).isNull():
        text_width += combo.iconSize().width() + 4
    if text_width > field.width():
        return f"'{text}' needs {text_width} px, has {field.width()}"
    return None


def line_edit_room(edit: QLineEdit) -> int:
    """The width a line edit draws its text and placeholder in."""
    opt = QStyleOptionFrame()
    edit.initStyleOption(opt)
    rect = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, opt, edit)
    margins = edit.textMargins()
    room = rect.width() - margins.left() - margins.right() - 4  # QLineEdit's inner margin
    return room - (CLEAR_BUTTON_ROOM if edit.isClearButtonEnabled() else 0)


def _line_edit_problem(edit: QLineEdit) -> str | None:
    spin = edit.parentWidget()
    if isinstance(spin, QAbstractSpinBox):
        text = edit.text()  # a time or a number: shown whole, or not readable
    elif not edit.text() and edit.placeholderText():
        text = edit.placeholderText()
    else:
        return None
    if not text:
        return None
    text_width = edit.fontMetrics().horizontalAdvance(text)
    room = edit.width() - 4 if isinstance(spin, QAbstractSpinBox) else line_edit_room(edit)
    if text_width > room:
        return f"'{text[:40]}' needs {text_width} px, has {room}"
    return None


def _tab_problems(bar: QTabBar) -> list[str]:
    problems = []
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        rect = bar.tabRect(i)
        text = _mnemonic_free(bar.tabText(i))
        if rect.left() < 0 or rect.right() > bar.width():
            problems.append(f"tab '{text}' is outside the tab bar (scrolled away)")
            continue
        needed = bar.tabSizeHint(i).width()
        if needed > rect.width():
            problems.append(f"tab '{text}' needs {needed} px, has {rect.width()}")
    return problems


def _header_problems(header: QHeaderView) -> list[str]:
    if header.orientation() != Qt.Orientation.Horizontal or not header.isVisible():
        return []
    model: QAbstractItemModel | None = header.model()  # None when no model is set
    if model is None:
        return []
    problems = []
    for logical in range(header.count()):
        if header.isSectionHidden(logical):
            continue
        size = header.sectionSize(logical)
        needed = header.sectionSizeFromContents(logical).width()
        if needed > size:
            text = model.headerData(logical, Qt.Orientation.Horizontal)
            problems.append(f"column '{text}' needs {needed} px, has {size}")
    return problems


def _group_problem(box: QGroupBox) -> str | None:
    title = _mnemonic_free(box.title())
    if not title:
        return None
    needed = box.fontMetrics().horizontalAdvance(title) + 16
    return f"title needs {needed} px, has {box.width()}" if needed > box.width() else None


def cramped(root: QWidget) -> list[str]:
    """Every visible control under ``root`` whose text does not fit (one line each)."""
    problems: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not _shown(widget, root):
            continue
        problem: str | None = None
        if isinstance(widget, QLabel):
            problem = _label_problem(widget)
        elif isinstance(widget, QAbstractButton):
            problem = _button_problem(widget)
        elif isinstance(widget, QComboBox):
            problem = _combo_problem(widget)
        elif isinstance(widget, QLineEdit):
            problem = _line_edit_problem(widget)
        elif isinstance(widget, QGroupBox):
            problem = _group_problem(widget)
        if problem is not None:
            problems.append(f"{_name(widget)} {_text_of(widget)!r}: {problem}")
        if isinstance(widget, QScrollArea) and widget.horizontalScrollBar().isVisible():
            inner = widget.widget()
            needed = inner.minimumSizeHint().width() if inner is not None else 0
            problems.append(
                f"{_name(widget)}: scrolls sideways (its content needs {needed} px,"
                f" has {widget.viewport().width()})"
            )
        if isinstance(widget, QTabBar):
            problems += [f"{_name(widget)}: {p}" for p in _tab_problems(widget)]
        if isinstance(widget, QHeaderView):
            problems += [f"{_name(widget)}: {p}" for p in _header_problems(widget)]
        if isinstance(widget, QLabel | QAbstractButton | QComboBox | QLineEdit) and not (
            _in_scroll_viewport(widget)
        ):
            visible = _visible_rect(widget)
            if visible.width() < widget.width() - 1:
                problems.append(
                    f"{_name(widget)} {_text_of(widget)!r}: cut off by a parent"
                    f" ({visible.width()} of {widget.width()} px visible)"
                )
    if isinstance(root, QMainWindow):
        problems += _status_problems(root)
    return problems


def _status_problems(window: QMainWindow) -> list[str]:
    bar = window.statusBar()
    message = bar.currentMessage()
    if not message or not bar.isVisible():
        return []
    # the message is drawn left of the first widget in the bar
    lefts = [
        w.x()
        for w in bar.findChildren(QWidget)
        if w.parentWidget() is bar and w.isVisible() and not isinstance(w, QSizeGrip)
    ]
    room = min(lefts, default=bar.width()) - 8
    needed = bar.fontMetrics().horizontalAdvance(message)
    return (
        [f"status bar message {message!r} needs {needed} px, has {room}"] if needed > room else []
    )


def _text_of(widget: QWidget) -> str:
    if isinstance(widget, QLabel | QAbstractButton):
        return widget.text()[:50]
    if isinstance(widget, QComboBox):
        return widget.currentText()[:50]
    if isinstance(widget, QLineEdit):
        return (widget.text() or widget.placeholderText())[:50]
    if isinstance(widget, QGroupBox):
        return widget.title()
    return ""


def columns_outside(view: QAbstractItemView) -> list[str]:
    """The columns of ``view`` not wholly inside its viewport (behind a scroll bar)."""
    if not isinstance(view, QTableView):
        return []
    header = view.horizontalHeader()
    model = view.model()
    width = view.viewport().width()
    outside = []
    for logical in range(header.count()):
        if header.isSectionHidden(logical):
            continue
        left = header.sectionPosition(logical)
        right = left + header.sectionSize(logical)
        if left < 0 or right > width:
            name = model.headerData(logical, Qt.Orientation.Horizontal) if model else logical
            outside.append(f"column {name!r} at {left}–{right} px, viewport {width} px")
    return outside
