"""Channels: list, switch on/off, last fetch and errors (connectors arrive later)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from webcare.net.api import ApiClient
from webcare.ui.tasks import TaskRunner
from webcare.ui.team.common import TableBlock, error_text
from webcare.ui.widgets.conversation import plain_label


class ChannelsView(QWidget):
    loaded = Signal()

    def __init__(self, runner: TaskRunner, api: ApiClient, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.api = api
        self.channels: list[dict[str, Any]] = []
        self._select_after: int | None = None
        self.table = TableBlock(self.tr("Channels"), "channels", self)
        self.toggle = QPushButton(self.tr("Switch off"), self)
        self.status = plain_label("", selectable=True)
        row = QHBoxLayout()
        row.addWidget(self.toggle)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.toggle.clicked.connect(self.toggle_selected)
        self.table.view.selectionModel().currentRowChanged.connect(self._update)

    def refresh(self) -> None:
        self.runner.net(self.api.channels, self._show, self._failed)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(error_text(error))

    def _show(self, channels: list[dict[str, Any]]) -> None:
        self.channels = channels
        self.table.model.set_rows(
            [
                self.tr("channel"),
                self.tr("platform"),
                self.tr("on"),
                self.tr("last fetch"),
                self.tr("last error"),
            ],
            [
                [
                    c["name"],
                    c["kind"],
                    self.tr("yes") if c["enabled"] else self.tr("no"),
                    c["last_fetch_at"] or self.tr("never"),
                    c["last_error"] or "",
                ]
                for c in channels
            ],
        )
        if self._select_after is not None:
            self.table.view.selectRow(self._select_after)
            self._select_after = None
        self._update()
        self.loaded.emit()

    def _selected(self) -> dict[str, Any] | None:
        index = self.table.view.currentIndex()
        return self.channels[index.row()] if index.isValid() else None

    def _update(self) -> None:
        channel = self._selected()
        self.toggle.setEnabled(channel is not None)
        self.toggle.setText(
            self.tr("Switch on") if channel and not channel["enabled"] else self.tr("Switch off")
        )

    def toggle_selected(self) -> None:
        channel = self._selected()
        if channel is None:
            return
        row = self.table.view.currentIndex().row()
        enable = not channel["enabled"]

        def done(_c: object) -> None:
            self.status.setText(self.tr("Saved."))
            self._select_after = row
            self.refresh()

        self.runner.net(
            lambda: self.api.set_channel_enabled(channel["id"], enable), done, self._failed
        )
