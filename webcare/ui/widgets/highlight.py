"""The words a search matched, highlighted in the queue's text column.

The cell's plain text is laid out with :class:`QTextLayout` and coloured ranges — never
interpreted as rich text: a mention's markup stays characters, and nothing is fetched. Matching
reads a word the way the search index does (``unicode61 remove_diacritics``): case and accents do
not count, and a typed word matches the beginning of a word ("stor" lights "Storing").
"""

from __future__ import annotations

import re
import unicodedata

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QPainter, QPalette, QTextCharFormat, QTextLayout, QTextOption
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from webcare.ui import theme

_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case without accents ("Één" -> "een"), as the search index reads words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_words(text: str) -> list[str]:
    """The folded words of a search (what must begin a word of the mention)."""
    return [w for w in (fold(m) for m in _WORD.findall(text)[:20]) if w]


def match_ranges(text: str, words: list[str]) -> list[tuple[int, int]]:
    """(start, length) in ``text`` of every word part that a search word begins."""
    if not words:
        return []
    ranges: list[tuple[int, int]] = []
    for match in _WORD.finditer(text):
        folded = fold(match.group())
        found = [w for w in words if folded.startswith(w)]
        if not found:
            continue
        longest = max(found, key=len)
        word = match.group()
        # the shortest beginning of the word that folds to (at least) the search word
        length = next(
            (n for n in range(1, len(word) + 1) if fold(word[:n]).startswith(longest)),
            len(word),
        )
        ranges.append((match.start(), length))
    return ranges


def _utf16(text: str, index: int) -> int:
    """A Python (code point) index as Qt's (UTF-16) index."""
    return len(text[:index].encode("utf-16-le")) // 2


class HighlightDelegate(QStyledItemDelegate):
    """Paints a text cell with the search's words marked (``set_words``; none: as usual)."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.words: list[str] = []

    def set_words(self, words: list[str]) -> None:
        self.words = words

    def ranges(self, text: str) -> list[tuple[int, int]]:
        return match_ranges(text, self.words)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not self.words or not isinstance(text, str) or not text:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        rect = rect.adjusted(margin, 0, -margin, 0)
        metrics = opt.fontMetrics
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(0, rect.width()))
        formats = []
        mark = QTextCharFormat()
        mark.setBackground(theme.colour("match_bg"))
        mark.setForeground(theme.colour("match_text"))
        for start, length in match_ranges(shown, self.words):
            piece = QTextLayout.FormatRange()
            piece.start = _utf16(shown, start)
            piece.length = _utf16(shown, start + length) - piece.start
            piece.format = mark
            formats.append(piece)
        layout = QTextLayout(shown, opt.font)
        text_option = QTextOption()
        text_option.setWrapMode(QTextOption.WrapMode.NoWrap)
        layout.setTextOption(text_option)
        layout.setFormats(formats)
        layout.beginLayout()
        line = layout.createLine()
        line.setLineWidth(rect.width())
        layout.endLayout()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setPen(opt.palette.color(role))
        top = rect.top() + (rect.height() - line.height()) / 2
        layout.draw(painter, QPointF(rect.left(), top))
        painter.restore()
