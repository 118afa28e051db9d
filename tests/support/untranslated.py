"""Find English text of the app's own catalogue on screen in a Dutch window.

The catalogue (``resources/translations/webcare_nl.ts``) says which English sources have a
Dutch translation that differs from them; seeing such a source (or a text formatted from it) in
a window that runs in Dutch means a string was not translated where it is shown. The walk reads
what a person sees: texts, placeholders, tooltips, titles, items and headers of every visible
widget, the menus and the status bar.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCharts import QChartView
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

TS = Path(__file__).resolve().parents[2] / "resources" / "translations" / "webcare_nl.ts"
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%n")
_MAX_ROWS = 60  # rows of a table to read (the rest is more of the same)


@dataclass(frozen=True)
class Catalogue:
    """English texts that must not appear in Dutch: exact sources, and formatted ones."""

    exact: frozenset[str]
    patterns: tuple[tuple[re.Pattern[str], str], ...]

    def source_of(self, text: str) -> str | None:
        """The catalogue source ``text`` is (or was formatted from), if it is English."""
        candidates = {text.strip(), text.replace("&", "").strip()}
        for candidate in candidates:
            if candidate in self.exact:
                return candidate
        for pattern, source in self.patterns:
            if any(pattern.fullmatch(c) for c in candidates):
                return source
        return None


def _forms(message: ET.Element) -> list[str]:
    translation = message.find("translation")
    if translation is None:
        return []
    forms = [f.text or "" for f in translation.iter("numerusform")]
    return forms or [translation.text or ""]


def catalogue(path: Path = TS) -> Catalogue:
    english: set[str] = set()
    dutch: set[str] = set()
    kept: set[str] = set()  # sources some context keeps as they are ("Status", "Team")
    for message in ET.parse(path).getroot().iter("message"):
        source = message.findtext("source") or ""
        forms = _forms(message)
        dutch.update(f.replace("&", "") for f in forms)
        if source in forms:
            kept.add(source)
        else:
            english.add(source)
    english -= kept
    exact: set[str] = set()
    patterns: list[tuple[re.Pattern[str], str]] = []
    for source in english:
        plain = source.replace("&&", "\0").replace("&", "").replace("\0", "&")
        if plain in dutch or not re.search(r"[A-Za-z]{2}", plain):
            continue  # the same word in Dutch, or no words at all
        pieces = _PLACEHOLDER.split(plain)
        if len(pieces) == 1:
            exact.add(plain)
            continue
        literal = "".join(pieces)
        if len(re.findall(r"[A-Za-z]", literal)) < 4:
            continue  # "{a} · {b}": nothing English to recognise
        regex = "(?:.+?)".join(re.escape(p) for p in pieces)
        patterns.append((re.compile(regex, re.DOTALL), source))
    return Catalogue(frozenset(exact), tuple(patterns))


def _model_texts(view: QAbstractItemView) -> list[tuple[str, str]]:
    model: QAbstractItemModel | None = view.model()  # None when no model is set
    if model is None:
        return []
    out: list[tuple[str, str]] = []
    for column in range(model.columnCount()):
        header = model.headerData(column, Qt.Orientation.Horizontal)
        if header is not None:
            out.append(("header", str(header)))

    def walk(parent: QModelIndex) -> None:
        for row in range(min(model.rowCount(parent), _MAX_ROWS)):
            for column in range(model.columnCount(parent)):
                index = model.index(row, column, parent)
                for role, what in ((Qt.ItemDataRole.DisplayRole, "item"),
                                   (Qt.ItemDataRole.ToolTipRole, "item tooltip")):  # fmt: skip
                    value = index.data(role)
                    if isinstance(value, str) and value:
                        out.append((what, value))
            first = model.index(row, 0, parent)
            if model.rowCount(first) > 0:  # a tree's children (table models have none)
                walk(first)

    walk(QModelIndex())
    return out


def _tree_headers(tree: QTreeWidget) -> list[tuple[str, str]]:
    header: QTreeWidgetItem | None = tree.headerItem()
    if header is None:
        return []
    return [("header", header.text(c)) for c in range(header.columnCount())]


def _menu_texts(menu: QMenu, where: str) -> list[tuple[str, str]]:
    out = [(f"{where} menu", menu.title())]
    for action in menu.actions():
        out.extend(_action_texts(action, where))
    return out


def _action_texts(action: QAction, where: str) -> list[tuple[str, str]]:
    if action.isSeparator():
        return []
    out = [(f"{where} menu item", action.text())]
    if action.toolTip() and action.toolTip() != action.text().replace("&", ""):
        out.append((f"{where} menu tooltip", action.toolTip()))
    sub = action.menu()
    if isinstance(sub, QMenu):
        out.extend(_menu_texts(sub, where))
    return out


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """``(where, text)`` for everything a person can read in ``root`` right now."""
    out: list[tuple[str, str]] = [("window title", root.windowTitle())]
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        if not w.isVisible():
            continue
        name = f"{type(w).__name__} {w.objectName()!r}"

        def add(what: str, text: str | None, name: str = name) -> None:
            if text:
                out.append((f"{name} {what}", text))

        add("tooltip", w.toolTip())
        if w.isWindow():
            add("title", w.windowTitle())
        if isinstance(w, QLabel):
            add("text", w.text())
        if isinstance(w, QAbstractButton):
            add("text", w.text())
        if isinstance(w, QLineEdit):
            add("text", w.text())
            add("placeholder", w.placeholderText())
        if isinstance(w, QPlainTextEdit | QTextEdit):
            add("placeholder", w.placeholderText())
        if isinstance(w, QGroupBox):
            add("title", w.title())
        if isinstance(w, QTabWidget):
            for i in range(w.count()):
                add("tab", w.tabText(i))
                add("tab tooltip", w.tabToolTip(i))
        if isinstance(w, QComboBox):
            for i in range(w.count()):
                add("item", w.itemText(i))
        if isinstance(w, QAbstractSpinBox):
            add("special value", w.specialValueText())
        if isinstance(w, QSpinBox):
            add("suffix", w.suffix())
            add("prefix", w.prefix())
        if isinstance(w, QListWidget):
            for i in range(w.count()):
                add("item", w.item(i).text())
                add("item tooltip", w.item(i).toolTip())
        elif isinstance(w, QTreeWidget):
            for what, text in _tree_headers(w) + _model_texts(w):
                add(what, text)
        elif isinstance(w, QAbstractItemView):
            for what, text in _model_texts(w):
                add(what, text)
        if isinstance(w, QChartView):
            chart = w.chart()
            add("chart title", chart.title())
            for axis in chart.axes():
                add("axis title", axis.titleText())
            for series in chart.series():
                add("series", series.name())
        if isinstance(w, QMainWindow):
            for action in w.menuBar().actions():
                menu = action.menu()
                if isinstance(menu, QMenu):
                    out.extend(_menu_texts(menu, name))
            add("status bar", w.statusBar().currentMessage())
    return out


def english_on_screen(root: QWidget, known: Catalogue) -> list[str]:
    """Every visible text of ``root`` that is an English source of the catalogue."""
    found = []
    for where, text in visible_texts(root):
        source = known.source_of(text)
        if source is not None:
            found.append(f"{where}: {text!r} (source {source!r})")
    return sorted(set(found))
