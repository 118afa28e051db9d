"""Shared pieces of the team screens: a rows model, an exportable table, formatting."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from webcare.domain.errors import WebcareError
from webcare.reports.export import Row, to_csv
from webcare.ui.resources import icon

AnyIndex = QModelIndex | QPersistentModelIndex


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
        if role == Qt.ItemDataRole.TextAlignmentRole:
            value = self._rows[index.row()][index.column()]
            if isinstance(value, int | float) and not isinstance(value, bool):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._header):
            return self._header[section]
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
    """'Export CSV…': asks for a file and writes what ``rows()`` returns."""

    exported = Signal(str)

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

    def export_to(self, path: Path) -> None:
        path.write_text(to_csv(self._rows()), encoding="utf-8")
        self.exported.emit(str(path))


class TableBlock(QWidget):
    """A titled table with an export button."""

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
        self.raw_rows: Callable[[], list[Row]] = lambda: [self.model.header(), *self.model.rows()]
        self.export = ExportButton(self._export_rows, name, self)
        top = QHBoxLayout()
        label = QLabel(title, self)
        label.setObjectName("blockTitle")
        top.addWidget(label)
        top.addStretch(1)
        top.addWidget(self.export)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view)

    def _export_rows(self) -> list[Row]:
        return self.raw_rows()  # looked up at export time: views replace raw_rows
