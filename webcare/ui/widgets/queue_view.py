"""The queue's table view."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import QTableView

Index = QModelIndex | QPersistentModelIndex


class QueueView(QTableView):
    """A table whose current row is always the selected row.

    Qt makes a row current without selecting it in places (focusing a view with no current
    row picks the first one "NoUpdate"); the inbox shows the current row's mention, so such a
    row would be the one acted on while looking unselected: only a focus rectangle, no colour.
    """

    def currentChanged(self, current: Index, previous: Index) -> None:  # noqa: N802
        super().currentChanged(current, previous)
        selection = self.selectionModel()
        if (
            current.isValid()
            and selection is not None
            and not selection.isRowSelected(current.row(), current.parent())
        ):
            selection.select(
                current,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
