"""The audit log: who did what, when; filter and page back in time."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from webcare.net.api import ApiClient
from webcare.ui.tasks import TaskRunner
from webcare.ui.team.common import Latest, TableBlock, error_text
from webcare.ui.widgets.conversation import plain_label

PAGE = 200


class AuditView(QWidget):
    loaded = Signal()

    def __init__(self, runner: TaskRunner, api: ApiClient, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.api = api
        self.entries: list[dict[str, Any]] = []
        self._latest = Latest()
        self.entity = QComboBox(self)
        self.entity.setAccessibleName(self.tr("What"))
        for label, value in (
            (self.tr("Everything"), ""),
            (self.tr("Mentions"), "mention"),
            (self.tr("Templates"), "template"),
            (self.tr("Accounts"), "user"),
            (self.tr("Channels"), "channel"),
            (self.tr("Settings"), "settings"),
        ):
            self.entity.addItem(label, value)
        self.actor = QComboBox(self)
        self.actor.setAccessibleName(self.tr("Who"))
        self.actor.addItem(self.tr("Anyone"), None)
        self.dated = QCheckBox(self.tr("Between"), self)
        self.date_from = QDateEdit(QDate.currentDate().addDays(-7), self)
        self.date_to = QDateEdit(QDate.currentDate(), self)
        for edit, name in ((self.date_from, self.tr("From")), (self.date_to, self.tr("To"))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
        self.action = QLineEdit(self)
        self.action.setPlaceholderText(self.tr("action, e.g. claim.assign"))
        self.action.setAccessibleName(self.tr("Action"))
        self.search = QPushButton(self.tr("Show"), self)
        self.more = QPushButton(self.tr("Older…"), self)
        self.table = TableBlock(self.tr("Audit log"), "audit-log", self)
        self.status = plain_label("", selectable=True)
        top = QHBoxLayout()
        for w in (self.entity, self.actor, self.dated, self.date_from, self.date_to):
            top.addWidget(w)
        top.addWidget(self.action, 1)
        top.addWidget(self.search)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.more)
        layout.addLayout(bottom)
        self.search.clicked.connect(self.refresh)
        self.action.returnPressed.connect(self.refresh)
        self.entity.currentIndexChanged.connect(self.refresh)
        self.actor.currentIndexChanged.connect(self.refresh)
        self.dated.toggled.connect(self.refresh)
        self.more.clicked.connect(self.load_older)

    def set_people(self, people: list[tuple[int, str]]) -> None:
        """Who can be picked as the actor (from the local store: leads cannot list accounts)."""
        for user_id, name in people:
            self.actor.addItem(name, user_id)

    def _filters(self) -> dict[str, Any]:
        filters: dict[str, Any] = {
            "entity": self.entity.currentData() or None,
            "action": self.action.text().strip() or None,
            "actor_id": self.actor.currentData(),
            "limit": PAGE,
        }
        if self.dated.isChecked():
            filters["since"] = self.date_from.date().toString("yyyy-MM-dd")
            filters["until"] = self.date_to.date().addDays(1).toString("yyyy-MM-dd")
        return filters

    def refresh(self) -> None:
        filters = self._filters()
        fresh = self._latest.next()
        self.runner.net(lambda: self.api.audit(**filters), fresh(self._replace), self._failed)

    def load_older(self) -> None:
        if not self.entries:
            return
        filters = {**self._filters(), "before_id": self.entries[-1]["id"]}
        fresh = self._latest.next()
        self.runner.net(lambda: self.api.audit(**filters), fresh(self._append), self._failed)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(error_text(error))

    def _replace(self, entries: list[dict[str, Any]]) -> None:
        self.entries = []
        self._append(entries)

    def _append(self, entries: list[dict[str, Any]]) -> None:
        self.entries.extend(entries)
        self.more.setEnabled(len(entries) == PAGE)
        self.table.model.set_rows(
            [
                self.tr("when"),
                self.tr("who"),
                self.tr("action"),
                self.tr("what"),
                self.tr("details"),
            ],
            [
                [
                    e["at"],
                    e["actor_username"] or self.tr("system"),
                    e["action"],
                    f"{e['entity']} {e['entity_id']}",
                    json.dumps(e["detail"], ensure_ascii=False),
                ]
                for e in self.entries
            ],
        )
        self.status.setText(self.tr("{n} entries").format(n=len(self.entries)))
        self.loaded.emit()
