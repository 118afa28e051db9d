"""Shared pieces of the team screens: a rows model, an exportable table, formatting."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from webcare.domain.errors import WebcareError
from webcare.domain.timeutil import parse_iso
from webcare.reports.export import Row, to_csv
from webcare.ui import i18n
from webcare.ui.resources import icon
from webcare.ui.text import plain_tooltip
from webcare.ui.widgets.conversation import plain_label

AnyIndex = QModelIndex | QPersistentModelIndex

#: the locale of each interface language, for when the system's speaks another one
_LANGUAGE_LOCALES = {
    "nl": (QLocale.Language.Dutch, QLocale.Country.Netherlands),
    "en": (QLocale.Language.English, QLocale.Country.UnitedKingdom),
}


def ui_locale() -> QLocale:
    """How dates and numbers are written: the system's locale when it speaks the interface's
    language (its regional formats win), else that language's own (a Dutch interface on an
    English or "C" system writes 03-12-2026 and 1.234)."""
    system = QLocale()
    app = QCoreApplication.instance()
    language = i18n.installed_language(app) if app is not None else "en"
    wanted, country = _LANGUAGE_LOCALES.get(language, _LANGUAGE_LOCALES["en"])
    if system.language() == wanted:
        return system
    return QLocale(wanted, country)


def local_time(value: str | float | None) -> str:
    """An ISO 8601 time (or epoch seconds) as a short local date and time: '03-12-2026 14:09'."""
    if value is None or value == "":
        return ""
    ts = parse_iso(value) if isinstance(value, str) else float(value)
    moment = QDateTime.fromMSecsSinceEpoch(round(ts * 1000)).toLocalTime()
    return ui_locale().toString(moment, QLocale.FormatType.ShortFormat)


def number(value: float) -> str:
    """A count or amount with the locale's digit grouping: 4,808,625 (nl: 4.808.625)."""
    if float(value).is_integer():
        return ui_locale().toString(int(value))
    return ui_locale().toString(float(value), "f", 1)


def duration(seconds: float | None) -> str:
    """'7m 53s', '2h 05m', '3d 04h', '-' for nothing (units translated: '2u 05m')."""
    if seconds is None:
        return "–"
    s = round(seconds)
    if s < 60:
        return QCoreApplication.translate("Duration", "{s}s").format(s=s)
    if s < 3600:
        return QCoreApplication.translate("Duration", "{m}m {s}s").format(
            m=s // 60, s=f"{s % 60:02d}"
        )
    if s < 86400:
        return QCoreApplication.translate("Duration", "{h}h {m}m").format(
            h=s // 3600, m=f"{s % 3600 // 60:02d}"
        )
    return QCoreApplication.translate("Duration", "{d}d {h}h").format(
        d=s // 86400, h=f"{s % 86400 // 3600:02d}"
    )


PRIORITY_KEYS = ("low", "normal", "high", "urgent")  # Priority 0..3


def priority_name(priority: object) -> str:
    """A priority (0-3, 'high', or the reports' '2 high') as a word: 'High' (nl: 'Hoog')."""
    names = {
        "low": QCoreApplication.translate("Priority", "Low"),
        "normal": QCoreApplication.translate("Priority", "Normal"),
        "high": QCoreApplication.translate("Priority", "High"),
        "urgent": QCoreApplication.translate("Priority", "Urgent"),
    }
    key = str(priority).split()[-1].lower() if priority is not None else ""
    if key.isdigit() and 0 <= int(key) < len(PRIORITY_KEYS):
        key = PRIORITY_KEYS[int(key)]
    return names.get(key, str(priority))


def status_name(status: str) -> str:
    names = {
        "open": QCoreApplication.translate("Status", "open"),
        "claimed": QCoreApplication.translate("Status", "claimed"),
        "answered": QCoreApplication.translate("Status", "answered"),
        "closed": QCoreApplication.translate("Status", "closed"),
        "spam": QCoreApplication.translate("Status", "spam"),
    }
    return names.get(status, status)


def role_name(role: str) -> str:
    names = {
        "agent": QCoreApplication.translate("Role", "agent"),
        "lead": QCoreApplication.translate("Role", "lead"),
        "admin": QCoreApplication.translate("Role", "admin"),
    }
    return names.get(role, role)


class Latest:
    """Only the newest request's answer counts.

    The network pool runs requests side by side, so answers may arrive out of order; when a
    filter changes twice, the first answer must not overwrite the second.
    """

    def __init__(self) -> None:
        self._generation = 0

    def next(self) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
        """Start a new request; returns a wrapper that drops the callback if it went stale."""
        self._generation += 1
        generation = self._generation

        def guard(callback: Callable[[Any], None]) -> Callable[[Any], None]:
            def deliver(value: Any) -> None:
                if generation == self._generation:
                    callback(value)

            return deliver

        return guard


def error_text(error: BaseException) -> str:
    return error.message if isinstance(error, WebcareError) else str(error)


class RowsModel(QAbstractTableModel):
    """An immutable table (header + rows), replaced as a whole when the data changes.

    Cells are shown as text; ``sort_keys`` keep numbers sortable. Untrusted text stays text:
    item views never interpret display strings as markup.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._header: list[str] = []
        self._rows: list[list[Any]] = []
        self._display: list[list[str]] = []
        self.formatters: dict[int, Callable[[Any], str]] = {}
        #: (row, column) -> plain text shown as the cell's tooltip (escaped: never markup)
        self.tooltips: Callable[[int, int], str | None] | None = None
        #: the column whose cells open something on double-click, and which rows do
        self.link_column: int | None = None
        self.is_link: Callable[[int], bool] = lambda _row: False
        # column -> what the header means (plain text), shown when hovering the header
        self.header_tooltips: dict[int, str] = {}

    def set_rows(self, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self.beginResetModel()
        self._header = list(header)
        self._rows = [list(r) for r in rows]
        self._display = [
            [self.formatters.get(c, _text)(v) for c, v in enumerate(r)] for r in self._rows
        ]
        self.endResetModel()

    def rows(self) -> list[list[Any]]:
        return [list(r) for r in self._rows]

    def header(self) -> list[str]:
        return list(self._header)

    def value(self, row: int, column: int) -> Any:
        return self._rows[row][column]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._header)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display[index.row()][index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and self.tooltips is not None:
            tip = self.tooltips(index.row(), index.column())
            return plain_tooltip(tip) if tip else None
        link = index.column() == self.link_column and self.is_link(index.row())
        if link and role == Qt.ItemDataRole.ForegroundRole:
            return QApplication.palette().color(QPalette.ColorRole.Link)
        if link and role == Qt.ItemDataRole.FontRole:
            font = QFont(QApplication.font())
            font.setUnderline(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            value = self._rows[index.row()][index.column()]
            if isinstance(value, int | float) and not isinstance(value, bool):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if not horizontal or not 0 <= section < len(self._header):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._header[section]
        if role == Qt.ItemDataRole.ToolTipRole and section in self.header_tooltips:
            return plain_tooltip(self.header_tooltips[section])
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class ExportButton(QPushButton):
    """'Export CSV…': asks for a file and writes what ``rows()`` returns.

    ``exported`` (the path) or ``failed`` (a sentence) says how it went; the Team window shows
    either in its status bar.
    """

    exported = Signal(str)
    failed = Signal(str)

    def __init__(self, rows: Callable[[], list[Row]], name: str, parent: QWidget | None = None):
        super().__init__(self.tr("Export CSV…"), parent)
        self._rows = rows
        self._name = name
        self.setToolTip(self.tr("Save this table as a CSV file"))
        self.setIcon(icon("export"))
        self.clicked.connect(self.choose_and_export)

    def choose_and_export(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export CSV"), f"{self._name}.csv", self.tr("CSV files (*.csv)")
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> bool:
        try:
            path.write_text(to_csv(self._rows()), encoding="utf-8")
        except OSError as exc:
            self.failed.emit(
                self.tr("Could not save {path}: {reason}").format(
                    path=path, reason=exc.strerror or exc
                )
            )
            return False
        self.exported.emit(str(path))
        return True


class TableBlock(QWidget):
    """A titled table with an export button.

    ``rowActivated`` (double-click or Enter on a row) lets a view open what the row is about.
    With :meth:`set_empty_text`, a loaded table without rows is replaced by a short message
    (what is empty, and what the table will show), not left as an empty grid.
    """

    rowActivated = Signal(int)  # noqa: N815

    def __init__(self, title: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RowsModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName(title)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.activated.connect(lambda index: self.rowActivated.emit(index.row()))
        self.raw_rows: Callable[[], list[Row]] = lambda: [self.model.header(), *self.model.rows()]
        self.export = ExportButton(self._export_rows, name, self)
        top = QHBoxLayout()
        label = QLabel(title, self)
        label.setObjectName("blockTitle")
        top.addWidget(label)
        top.addStretch(1)
        top.addWidget(self.export)
        self.empty = QFrame(self)  # drawn like the table it stands in for (base.qss)
        self.empty.setObjectName("emptyTable")
        self.empty_title = plain_label("", selectable=False)
        self.empty_title.setObjectName("emptyState")
        self.empty_detail = plain_label("", selectable=False)
        self.empty_detail.setObjectName("hint")
        column = QWidget(self.empty)  # at most a readable line wide, in the middle
        column.setMaximumWidth(self.fontMetrics().averageCharWidth() * 90)
        column_layout = QVBoxLayout(column)
        for label in (self.empty_title, self.empty_detail):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column_layout.addWidget(label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 10)
        row.addStretch(1)
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.addStretch(1)
        empty_layout.addLayout(row)
        empty_layout.addStretch(2)
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty, 1)
        self.model.modelReset.connect(self._show_empty)

    def set_empty_text(self, title: str, detail: str = "") -> None:
        """What to say instead of a table without rows: 'Nobody is working on a mention right
        now.' and what the table shows once there is something."""
        self.empty_title.setText(title)
        self.empty_detail.setText(detail)
        self.empty_detail.setVisible(bool(detail))
        self._show_empty()

    def is_empty(self) -> bool:
        """Loaded (it has columns) but without a row."""
        return self.model.columnCount() > 0 and self.model.rowCount() == 0

    def _show_empty(self) -> None:
        empty = bool(self.empty_title.text()) and self.is_empty()
        self.empty.setVisible(empty)
        self.view.setVisible(not empty)
        self.export.setEnabled(not empty)  # nothing to export yet

    def _export_rows(self) -> list[Row]:
        return self.raw_rows()  # looked up at export time: views replace raw_rows
