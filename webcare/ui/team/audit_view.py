"""The audit log: who did what, when; filter and page back in time.

Times are local, people and mentions have names, details are sentences (``audit_text``);
double-click (or Enter on) an entry about a mention to open it in the inbox.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QDate, QLocale, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from webcare.net.team_api import TeamApi
from webcare.reports.export import Row
from webcare.ui.tasks import TaskRunner
from webcare.ui.team import audit_text
from webcare.ui.team.common import Latest, TableBlock, error_text, local_time, ui_locale
from webcare.ui.widgets.conversation import plain_label

PAGE = 200


class AuditView(QWidget):
    loaded = Signal()
    openMentionRequested = Signal(int)  # noqa: N815 - a mention id, for the inbox to show

    def __init__(self, runner: TaskRunner, api: TeamApi, parent: QWidget | None = None):
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
            (self.tr("Contacts"), "contact"),
            (self.tr("Saved views"), "view"),
            (self.tr("Settings"), "settings"),
        ):
            self.entity.addItem(label, value)
        self.actor = QComboBox(self)
        self.actor.setAccessibleName(self.tr("Who"))
        self.actor.addItem(self.tr("Anyone"), None)
        self.dated = QCheckBox(self.tr("Between"), self)
        self.date_from = QDateEdit(QDate.currentDate().addDays(-7), self)
        self.date_to = QDateEdit(QDate.currentDate(), self)
        date_format = ui_locale().dateFormat(QLocale.FormatType.ShortFormat)
        for edit, name in ((self.date_from, self.tr("From")), (self.date_to, self.tr("To"))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(date_format)
            edit.setLocale(ui_locale())
            edit.setAccessibleName(name)
        self.action = QComboBox(self)
        self.action.setAccessibleName(self.tr("Action"))
        self.action.addItem(self.tr("Any action"), "")
        self.action.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.action.setMinimumContentsLength(16)
        for code, label in sorted(audit_text.action_names().items(), key=lambda kv: kv[1]):
            self.action.addItem(label, code)
        self.search = QPushButton(self.tr("Show"), self)
        self.open_button = QPushButton(self.tr("Open in inbox"), self)
        self.open_button.setToolTip(self.tr("Show the selected entry's mention in the inbox"))
        self.open_button.setEnabled(False)
        self.more = QPushButton(self.tr("Older…"), self)
        self.table = TableBlock(self.tr("Audit log"), "audit-log", self)
        self.table.raw_rows = self.export_rows
        model = self.table.model
        model.formatters = {0: local_time}
        model.link_column = 3
        model.is_link = lambda row: self._mention_at(row) is not None
        model.tooltips = self._tooltip
        self.status = plain_label("", selectable=True)
        top = QHBoxLayout()
        for w in (self.entity, self.actor, self.action, self.dated, self.date_from, self.date_to):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.search)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.open_button)
        bottom.addWidget(self.more)
        layout.addLayout(bottom)
        self.search.clicked.connect(self.refresh)
        self.action.currentIndexChanged.connect(self.refresh)
        self.entity.currentIndexChanged.connect(self.refresh)
        self.table.rowActivated.connect(self.open_row)
        self.table.view.selectionModel().currentRowChanged.connect(self._selection_changed)
        self.open_button.clicked.connect(self.open_selected)
        self.actor.currentIndexChanged.connect(self.refresh)
        self.dated.toggled.connect(self.refresh)
        self.dated.toggled.connect(self._dates_enabled)
        self.date_from.dateChanged.connect(self._dates_changed)
        self.date_to.dateChanged.connect(self._dates_changed)
        self._dates_enabled(False)
        self.more.clicked.connect(self.load_older)

    def _dates_enabled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)

    def _dates_changed(self) -> None:
        if self.dated.isChecked():
            self.refresh()

    def set_people(self, people: list[tuple[int, str]]) -> None:
        """Who can be picked as the actor (from the local store: leads cannot list accounts)."""
        for user_id, name in people:
            self.actor.addItem(name, user_id)

    def _filters(self) -> dict[str, Any]:
        filters: dict[str, Any] = {
            "entity": self.entity.currentData() or None,
            "action": self.action.currentData() or None,
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

    def _filtered(self) -> bool:
        f = self._filters()
        return any(f.get(k) for k in ("entity", "action", "since")) or f["actor_id"] is not None

    def _append(self, entries: list[dict[str, Any]]) -> None:
        self.entries.extend(entries)
        if self._filtered():
            self.table.set_empty_text(
                self.tr("No entries match these filters."),
                self.tr(
                    "Choose another kind, person, action or period — or Everything, Anyone and"
                    " Any action to see the whole log."
                ),
            )
        else:
            self.table.set_empty_text(
                self.tr("Nothing has been recorded yet."),
                self.tr(
                    "Sign-ins, claims, replies, status changes and every change to templates,"
                    " accounts, channels and settings are listed here."
                ),
            )
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
                    audit_text.actor_text(e),
                    audit_text.action_text(e["action"]),
                    audit_text.subject_text(e),
                    audit_text.detail_text(e),
                ]
                for e in self.entries
            ],
        )
        self._selection_changed()
        count = self.tr("{n} entries").format(n=len(self.entries)) if self.entries else ""
        if any(e.get("mention_id") for e in self.entries):
            count += " · " + self.tr("double-click a mention to open it in the inbox")
        self.status.setText(count)
        self.loaded.emit()

    # --- opening a mention ------------------------------------------------------------------

    def _mention_at(self, row: int) -> int | None:
        if not 0 <= row < len(self.entries):
            return None
        mention_id = self.entries[row].get("mention_id")
        return int(mention_id) if mention_id else None

    def _tooltip(self, row: int, column: int) -> str | None:
        entry = self.entries[row] if 0 <= row < len(self.entries) else None
        if entry is None:
            return None
        if column == 0:
            return str(entry["at"])
        if column == 2:
            return str(entry["action"])
        if column == 3:
            return entry.get("entity_text") or None
        if column == 4:
            return audit_text.detail_text(entry) or None
        return None

    def _selection_changed(self, *_args: object) -> None:
        index = self.table.view.currentIndex()
        self.open_button.setEnabled(index.isValid() and self._mention_at(index.row()) is not None)

    def open_row(self, row: int) -> None:
        mention_id = self._mention_at(row)
        if mention_id is not None:
            self.openMentionRequested.emit(mention_id)

    def open_selected(self) -> None:
        index = self.table.view.currentIndex()
        if index.isValid():
            self.open_row(index.row())

    def export_rows(self) -> list[Row]:
        """The CSV: every field, times in ISO 8601 (UTC), the readable summary beside the raw
        detail."""
        header = ["id", "at", "actor", "action", "entity", "entity_id", "about", "summary",
                  "detail"]  # fmt: skip
        return [
            header,
            *(
                [
                    e["id"],
                    e["at"],
                    e.get("actor_username") or "",
                    e["action"],
                    e["entity"],
                    e["entity_id"],
                    audit_text.subject_text(e),
                    audit_text.detail_text(e),
                    json.dumps(e["detail"], ensure_ascii=False, sort_keys=True),
                ]
                for e in self.entries
            ),
        ]
