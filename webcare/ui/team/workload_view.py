"""Live workload: who holds which claims and for how long; release or reassign (audited)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from webcare.net.team_api import TeamApi
from webcare.reports.export import workload_rows
from webcare.ui.tasks import TaskRunner
from webcare.ui.team.common import TableBlock, duration, error_text
from webcare.ui.text import one_line
from webcare.ui.widgets.conversation import plain_label


class WorkloadView(QWidget):
    loaded = Signal()
    openMentionRequested = Signal(int)  # noqa: N815 - double-click a claim to see it

    def __init__(self, runner: TaskRunner, api: TeamApi, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.api = api
        self.agents: list[dict[str, Any]] = []
        self.summary = plain_label("", selectable=False)
        self.table = TableBlock(self.tr("Claims held now"), "workload", self)
        self.table.model.formatters = {4: duration, 5: duration}
        self.table.raw_rows = lambda: workload_rows(self.agents)
        self.table.model.link_column = 2  # the author opens the mention; its id stays hidden
        self.table.model.is_link = lambda _row: True
        self.table.rowActivated.connect(
            lambda row: self.openMentionRequested.emit(int(self.table.model.value(row, 1)))
        )
        self.table.set_empty_text(
            self.tr("Nobody is working on a mention right now."),
            self.tr(
                "When agents claim mentions, this tab shows who holds which one, for how long and"
                " when each claim ends. Select a claim to release it or give it to someone else."
            ),
        )
        self.release_button = QPushButton(self.tr("Release"), self)
        self.target = QComboBox(self)
        self.target.setAccessibleName(self.tr("Reassign to"))
        self.assign_button = QPushButton(self.tr("Reassign to"), self)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.status = plain_label("", selectable=True)
        actions = QHBoxLayout()
        for w in (self.release_button, self.assign_button, self.target):
            actions.addWidget(w)
        actions.addStretch(1)
        actions.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        self.table.view.selectionModel().currentRowChanged.connect(self._update_buttons)
        self._update_buttons()
        self.release_button.clicked.connect(self.release_selected)
        self.assign_button.clicked.connect(self.assign_selected)
        self.refresh_button.clicked.connect(self.refresh)
        self.timer = QTimer(self)
        self.timer.setInterval(15_000)
        self.timer.timeout.connect(self._auto_refresh)
        self.timer.start()

    def _auto_refresh(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        self.runner.net(lambda: self.api.report("workload"), self._show, self._failed)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(error_text(error))

    def _show(self, agents: list[dict[str, Any]]) -> None:
        self.agents = agents
        index = self.table.view.currentIndex()
        selected = self.table.model.value(index.row(), 1) if index.isValid() else None
        rows = []
        for a in agents:
            for c in a["claims"]:
                rows.append(
                    [
                        a["name"],
                        c["mention_id"],
                        c["author"] or "",
                        one_line(c["text"], 80),
                        c["held_for_s"],
                        c["lease_remaining_s"],
                    ]
                )
        self.table.model.set_rows(
            [
                self.tr("agent"),
                self.tr("mention"),
                self.tr("author"),
                self.tr("text"),
                self.tr("held for"),
                self.tr("claim ends in"),
            ],
            rows,
        )
        self.table.view.setColumnHidden(1, True)
        for row, claim in enumerate(rows):  # the auto-refresh keeps the claim you selected
            if selected is not None and claim[1] == selected:
                self.table.view.selectRow(row)
        self._update_buttons()
        busy = sorted(agents, key=lambda a: -a["count"])
        self.summary.setText(
            " · ".join(f"{self._name(a)}: {a['count']}" for a in busy)
            or self.tr("Nobody can sign in yet.")
        )
        current = self.target.currentData()
        self.target.clear()
        for a in agents:
            self.target.addItem(self._name(a), a["agent_id"])
        self.target.setCurrentIndex(max(0, self.target.findData(current)))
        self.loaded.emit()

    def _name(self, agent: dict[str, Any]) -> str:
        """The agent's name, with "(away)" when they said so in their preferences."""
        if agent.get("availability") == "away":
            return self.tr("{name} (away)").format(name=agent["name"])
        return str(agent["name"])

    def _update_buttons(self, *_args: object) -> None:
        """Release and Reassign act on the selected claim: off while there is none."""
        chosen = self.table.view.currentIndex().isValid() and not self.table.is_empty()
        for button in (self.release_button, self.assign_button):
            button.setEnabled(chosen)
        tip = "" if chosen else self.tr("Select a claim first.")
        self.release_button.setToolTip(tip)
        self.assign_button.setToolTip(tip)

    def _selected_mention(self) -> int | None:
        index = self.table.view.currentIndex()
        if not index.isValid():
            self.status.setText(self.tr("Select a claim first."))
            return None
        return int(self.table.model.value(index.row(), 1))

    def release_selected(self) -> None:
        mention_id = self._selected_mention()
        if mention_id is None:
            return
        self.runner.net(lambda: self.api.client.release(mention_id), self._changed, self._failed)

    def assign_selected(self) -> None:
        mention_id = self._selected_mention()
        agent_id = self.target.currentData()
        if mention_id is None or agent_id is None:
            return
        self.runner.net(lambda: self.api.assign(mention_id, agent_id), self._changed, self._failed)

    def _changed(self, _result: object) -> None:
        self.status.setText(self.tr("Done (recorded in the audit log)."))
        self.refresh()
