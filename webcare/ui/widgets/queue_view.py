"""The queue's table view."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QTimer,
)
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from webcare.ui.models.queue_model import Col

Index = QModelIndex | QPersistentModelIndex

#: the widest a column grows to show its cells (wider cells elide)
CAPS = {Col.PRIORITY: 40, Col.AUTHOR: 170, Col.CHANNEL: 200, Col.RECEIVED: 160, Col.STATE: 190}
#: the Mention column keeps this share of the width while Channel and Author give way
TEXT_SHARE = 0.25


class QueueView(QTableView):
    """A table whose current row is always the selected row.

    Qt makes a row current without selecting it in places (focusing a view with no current
    row picks the first one "NoUpdate"); the inbox shows the current row's mention, so such a
    row would be the one acted on while looking unselected: only a focus rectangle, no colour.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fit_timer: QTimer | None = None  # set by fit_columns_on_resize

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

    # --- columns that fit the width -----------------------------------------------------------

    def fit_columns_on_resize(self) -> None:
        """Keep every column inside the view: the Mention column stretches, the others are as
        wide as what they show (up to :data:`CAPS`); when the view is narrow, Channel and then
        Author give way first (their cells elide), then Mention; Received and State last."""
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(24)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Col.TEXT, QHeaderView.ResizeMode.Stretch)
        self._fit_timer = timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(0)
        timer.timeout.connect(self.fit_columns)
        model = self.model()
        if model is not None:
            self._watch(model, timer)
        self.fit_columns()

    @staticmethod
    def _watch(model: QAbstractItemModel, timer: QTimer) -> None:
        for signal in (model.modelReset, model.rowsInserted, model.layoutChanged,
                       model.dataChanged):  # fmt: skip
            signal.connect(timer.start)

    def _need(self, col: Col) -> int:
        """What column ``col`` needs: its widest visible cell, and its header text."""
        header = self.horizontalHeader()
        cells = self.sizeHintForColumn(col) if self.model() and self.model().rowCount() else 0
        return max(cells, header.sectionSizeFromContents(col).width())

    def _header_need(self, col: Col) -> int:
        """The narrowest ``col`` may be: its header's text, and never below what the header
        lets a section be (a column given less is drawn wider, and Mention pays for it)."""
        header = self.horizontalHeader()
        return max(header.sectionSizeFromContents(col).width(), header.minimumSectionSize())

    def fit_columns(self) -> None:
        if self.model() is None or self._fit_timer is None:
            return
        room = self.viewport().width()
        want = {c: max(min(self._need(c), CAPS[c]), self._header_need(c)) for c in CAPS}
        text_floor = self._header_need(Col.TEXT)
        text_min = max(text_floor, round(room * TEXT_SHARE))
        # give way in this order, each down to its header's width: Channel, then Author while
        # Mention keeps its share; then Mention (it stretches into what is left); then
        # Received and State
        steps = (((Col.CHANNEL,), text_min), ((Col.AUTHOR,), text_min),
                 ((Col.RECEIVED, Col.STATE), text_floor))  # fmt: skip
        for cols, text_keeps in steps:
            over = sum(want.values()) + text_keeps - room
            slack = {c: max(0, want[c] - self._header_need(c)) for c in cols}
            total = sum(slack.values())
            if over <= 0 or total <= 0:
                continue
            take = min(over, total)
            # shared in proportion to what each can give, to the pixel: rounding each share on
            # its own could leave a pixel or two over, taken from Mention below its header
            shares = {c: take * slack[c] // total for c in cols}
            short = take - sum(shares.values())
            for c in sorted(cols, key=lambda c: slack[c] - shares[c], reverse=True)[:short]:
                shares[c] += 1
            for c in cols:
                want[c] -= shares[c]
        header = self.horizontalHeader()
        for col, width in want.items():
            if header.sectionSize(col) != width:
                header.resizeSection(col, width)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit_columns()
