"""The lead's reports: response times, SLA breaches, volume heatmap, backlog, template use."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QDateTime, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from webcare.domain.timeutil import parse_iso
from webcare.net.api import ApiClient
from webcare.reports.export import (
    backlog_rows,
    mention_rows,
    response_times_rows,
    template_usage_rows,
    volume_rows,
)
from webcare.ui.tasks import TaskRunner
from webcare.ui.team.common import ExportButton, Latest, TableBlock, duration, error_text
from webcare.ui.team.heatmap import Heatmap
from webcare.ui.widgets.conversation import plain_label

PRESETS = (("all", 0), ("7", 7), ("30", 30), ("90", 90), ("custom", -1))


def _chart_view(parent: QWidget) -> QChartView:
    """A chart view with its own chart: Qt owns the chart, no Python-held orphan."""
    view = QChartView(parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(220)
    return view


def _clear(chart: QChart) -> None:
    chart.removeAllSeries()  # deletes the series
    for axis in chart.axes():
        chart.removeAxis(axis)  # hands the axis back without deleting it
        axis.deleteLater()


class ReportsView(QWidget):
    """Everything a lead asks on Monday: how fast, who is overloaded, where SLAs broke."""

    loaded = Signal()  # every block has its data (used by tests and screenshots)

    def __init__(self, runner: TaskRunner, api: ApiClient, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.api = api
        self.data: dict[str, Any] = {}
        self._pending = 0
        self._latest = Latest()
        self._fresh = self._latest.next()

        self.preset = QComboBox(self)
        self.preset.setAccessibleName(self.tr("Period"))
        for label, (key, _days) in zip(
            (
                self.tr("All time"),
                self.tr("Last 7 days"),
                self.tr("Last 30 days"),
                self.tr("Last 90 days"),
                self.tr("Custom range"),
            ),
            PRESETS,
            strict=True,
        ):
            self.preset.addItem(label, key)
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(-7), self)
        self.date_to = QDateEdit(today, self)
        for edit, name in ((self.date_from, self.tr("From")), (self.date_to, self.tr("To"))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
        self.basis = QComboBox(self)
        self.basis.setAccessibleName(self.tr("Time basis"))
        self.basis.addItem(self.tr("Calendar time"), "calendar")
        self.basis.addItem(self.tr("Business hours only"), "business")
        self.group_by = QComboBox(self)
        self.group_by.setAccessibleName(self.tr("Group by"))
        for label, key in (
            (self.tr("Agent"), "agent"),
            (self.tr("Channel"), "channel"),
            (self.tr("Brand"), "brand"),
            (self.tr("Day"), "day"),
            (self.tr("Hour of day"), "hour"),
            (self.tr("Priority"), "priority"),
        ):
            self.group_by.addItem(label, key)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.summary = plain_label("", selectable=True)
        self.summary.setObjectName("reportSummary")
        self.status = plain_label("", selectable=False)
        self.status.setObjectName("reportStatus")

        controls = QHBoxLayout()
        for w in (
            QLabel(self.tr("Period"), self),
            self.preset,
            self.date_from,
            QLabel("–", self),
            self.date_to,
            self.basis,
            QLabel(self.tr("by"), self),
            self.group_by,
        ):
            controls.addWidget(w)
        controls.addStretch(1)
        controls.addWidget(self.refresh_button)

        # response times: table + chart
        self.times = TableBlock(self.tr("First response and resolution"), "response-times", self)
        times_view = _chart_view(self)
        self.times_chart = times_view.chart()
        self.times_chart.setTitle(self.tr("First response, minutes (median and p90)"))
        self.times_chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        times_tab = QSplitter(Qt.Orientation.Vertical, self)
        times_tab.addWidget(self.times)
        times_tab.addWidget(times_view)
        times_tab.setSizes([330, 330])
        self.times.view.horizontalHeader().setStretchLastSection(False)
        # SLA breaches
        self.breaches = TableBlock(self.tr("Mentions over their SLA target"), "sla-breaches", self)
        # volume
        self.heatmap = Heatmap(self)
        self.volume_export = ExportButton(lambda: volume_rows(self.data["volume"]), "volume", self)
        volume_tab = QWidget(self)
        vl = QVBoxLayout(volume_tab)
        vt = QHBoxLayout()
        self.volume_title = plain_label(self.tr("Mentions per weekday and hour"), selectable=False)
        vt.addWidget(self.volume_title, 1)
        vt.addWidget(self.volume_export)
        vl.addLayout(vt)
        vl.addWidget(self.heatmap, 1)
        # backlog
        backlog_view = _chart_view(self)
        self.backlog_chart = backlog_view.chart()
        self.backlog_chart.setTitle(self.tr("Waiting for a first reply"))
        self.backlog_chart.legend().hide()
        self.backlog_export = ExportButton(
            lambda: backlog_rows(self.data["backlog"]), "backlog", self
        )
        backlog_tab = QWidget(self)
        bl = QVBoxLayout(backlog_tab)
        bt = QHBoxLayout()
        bt.addStretch(1)
        bt.addWidget(self.backlog_export)
        bl.addLayout(bt)
        bl.addWidget(backlog_view, 1)
        # templates
        self.usage = TableBlock(self.tr("Template use"), "template-usage", self)
        self.usage.raw_rows = lambda: template_usage_rows(self.data.get("usage", []))

        self.tabs = QTabWidget(self)
        self.tabs.addTab(times_tab, self.tr("Response times"))
        self.tabs.addTab(self.breaches, self.tr("SLA breaches"))
        self.tabs.addTab(volume_tab, self.tr("Volume"))
        self.tabs.addTab(backlog_tab, self.tr("Backlog"))
        self.tabs.addTab(self.usage, self.tr("Templates"))

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)

        self.preset.currentIndexChanged.connect(self._preset_changed)
        self.refresh_button.clicked.connect(self.refresh)
        for combo in (self.basis, self.group_by):
            combo.currentIndexChanged.connect(self.refresh)
        self.date_from.dateChanged.connect(self._custom_changed)
        self.date_to.dateChanged.connect(self._custom_changed)
        self._preset_changed()

    # --- range ------------------------------------------------------------------------------

    def _preset_changed(self) -> None:
        key = self.preset.currentData()
        custom = key == "custom"
        self.date_from.setEnabled(custom)
        self.date_to.setEnabled(custom)
        if not custom and key != "all":
            today = QDate.currentDate()
            for edit in (self.date_from, self.date_to):
                edit.blockSignals(True)
            self.date_from.setDate(today.addDays(-int(key)))
            self.date_to.setDate(today)
            for edit in (self.date_from, self.date_to):
                edit.blockSignals(False)
        self.refresh()

    def _custom_changed(self) -> None:
        if self.preset.currentData() == "custom":
            self.refresh()

    def period(self) -> tuple[str | None, str | None]:
        """ISO since/until (until exclusive: the day after 'To'), or None for all time."""
        if self.preset.currentData() == "all":
            return None, None
        start = self.date_from.date().toString("yyyy-MM-dd")
        end = self.date_to.date().addDays(1).toString("yyyy-MM-dd")
        return start, end

    # --- loading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        since, until = self.period()
        basis, by = self.basis.currentData(), self.group_by.currentData()
        self.status.setText(self.tr("Loading…"))
        self._pending = 3
        api = self.api
        self._fresh = fresh = self._latest.next()  # answers to older settings are dropped
        self.runner.net(
            lambda: api.report(
                "response-times",
                by=by,
                basis=basis,
                since=since,
                until=until,
                include_mentions=True,
            ),
            fresh(self._show_times),
            self._failed,
        )
        self.runner.net(
            lambda: api.report("volume", since=since, until=until),
            fresh(self._show_volume),
            self._failed,
        )
        self.runner.net(
            lambda: api.report("template-usage", since=since, until=until),
            fresh(self._show_usage),
            self._failed,
        )

    def _done_one(self) -> None:
        self._pending -= 1
        if self._pending <= 0:
            self.status.setText("")
            self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        self.status.setText(self.tr("Could not load the report: {e}").format(e=error_text(error)))
        self._pending = 0

    def _show_times(self, data: dict[str, Any]) -> None:
        self.data["times"] = data
        s = data["summary"]
        frt = s["first_response"]
        self.summary.setText(
            self.tr(
                "{m} mentions · {a} answered · first response median {med}, p90 {p90} ·"
                " {b} answered late, {o} waiting past their target ({basis})"
            ).format(
                m=s["mentions"],
                a=s["answered"],
                med=duration(frt["median_s"]),
                p90=duration(frt["p90_s"]),
                b=s["sla_breaches"],
                o=s["open_breaches"],
                basis=self.tr("business time")
                if data["basis"] == "business"
                else self.tr("calendar time"),
            )
        )
        groups = {
            "agent": self.tr("agent"),
            "channel": self.tr("channel"),
            "brand": self.tr("brand"),
            "day": self.tr("day"),
            "hour": self.tr("hour"),
            "priority": self.tr("priority"),
        }
        header = [
            groups.get(data["by"], data["by"]),
            self.tr("mentions"),
            self.tr("answered"),
            self.tr("first resp. median"),
            self.tr("p90"),
            self.tr("resolution median"),
            self.tr("p90"),
            self.tr("late"),
            self.tr("waiting late"),
        ]
        rows = [
            [
                g["key"],
                g["mentions"],
                g["answered"],
                g["first_response"]["median_s"],
                g["first_response"]["p90_s"],
                g["resolution"]["median_s"],
                g["resolution"]["p90_s"],
                g["sla_breaches"],
                g["open_breaches"],
            ]
            for g in [*data["groups"], data["summary"]]
        ]
        for col in (3, 4, 5, 6):
            self.times.model.formatters[col] = duration
        self.times.model.set_rows(header, rows)
        self.times.raw_rows = lambda: response_times_rows(data)
        self._chart_times(data)
        breached = [m for m in data.get("mentions", []) if m["sla_breached"]]
        self.breaches.model.formatters = {5: duration, 6: duration}
        self.breaches.model.set_rows(
            [
                self.tr("mention"),
                self.tr("priority"),
                self.tr("channel"),
                self.tr("received"),
                self.tr("agent"),
                self.tr("first response"),
                self.tr("target"),
            ],
            [
                [
                    m["mention_id"],
                    m["priority"],
                    m["channel"],
                    m["received_at"],
                    m["agent"] or "",
                    m["first_response_s"],
                    m["sla_target_s"],
                ]
                for m in breached
            ],
        )
        self.breaches.raw_rows = lambda: mention_rows(
            {"mentions": [m for m in data.get("mentions", []) if m["sla_breached"]]}
        )
        self._load_backlog(data)
        self._done_one()

    def _chart_times(self, data: dict[str, Any]) -> None:
        chart = self.times_chart
        _clear(chart)
        groups = [g for g in data["groups"] if g["first_response"]["count"]][:15]
        median, p90 = QBarSet(self.tr("median")), QBarSet(self.tr("p90"))
        for g in groups:
            median.append((g["first_response"]["median_s"] or 0) / 60)
            p90.append((g["first_response"]["p90_s"] or 0) / 60)
        series = QBarSeries()
        series.append(median)
        series.append(p90)
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([str(g["key"])[:18] for g in groups])
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        values = QValueAxis()
        values.setLabelFormat("%.0f")
        values.setTitleText(self.tr("minutes"))
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(values)

    def _load_backlog(self, times: dict[str, Any]) -> None:
        since, until = self.period()
        received = [parse_iso(m["received_at"]) for m in times.get("mentions", [])]
        if since is None:  # all time: the span of the data, not years of empty days
            if not received:
                self._show_backlog({"points": [], "step": "day", "timezone": "UTC"})
                return
            start = min(received)
            end = min(time.time(), max(received) + 86400)
        else:
            start = datetime.fromisoformat(since).replace(tzinfo=UTC).timestamp()
            end = datetime.fromisoformat(until or since).replace(tzinfo=UTC).timestamp()
        step = "hour" if end - start <= 4 * 86400 else "day"
        if step == "day" and end - start > 400 * 86400:
            start = end - 400 * 86400
        api = self.api
        self._pending += 1
        self.runner.net(
            lambda: api.report(
                "backlog",
                since=datetime.fromtimestamp(start, UTC).isoformat(),
                until=datetime.fromtimestamp(end, UTC).isoformat(),
                step=step,
            ),
            self._fresh(self._show_backlog),
            self._failed,
        )

    def _show_backlog(self, data: dict[str, Any]) -> None:
        self.data["backlog"] = data
        chart = self.backlog_chart
        _clear(chart)
        series = QLineSeries()
        series.setName(self.tr("waiting"))
        for point in data["points"]:
            ms = int(parse_iso(point["at"]) * 1000)
            series.append(float(ms), float(point["waiting"]))
        chart.addSeries(series)
        axis_x = QDateTimeAxis()
        axis_x.setFormat("dd MMM HH:mm" if data.get("step") == "hour" else "dd MMM")
        if data["points"]:
            first, last = data["points"][0]["at"], data["points"][-1]["at"]
            axis_x.setRange(
                QDateTime.fromMSecsSinceEpoch(int(parse_iso(first) * 1000)),
                QDateTime.fromMSecsSinceEpoch(int(parse_iso(last) * 1000)),
            )
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        axis_y = QValueAxis()
        axis_y.setLabelFormat("%d")
        top = max((p["waiting"] for p in data["points"]), default=0)
        axis_y.setRange(0, max(1, top))
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        self._done_one()

    def _show_volume(self, data: dict[str, Any]) -> None:
        self.data["volume"] = data
        self.heatmap.set_counts(data["counts"])
        self.volume_title.setText(
            self.tr("Mentions per weekday and hour ({tz})").format(tz=data["timezone"])
        )
        self._done_one()

    def _show_usage(self, data: list[dict[str, Any]]) -> None:
        self.data["usage"] = data
        self.usage.model.set_rows(
            [self.tr("template"), self.tr("language"), self.tr("uses"), self.tr("by agent")],
            [
                [
                    t["title"] + (self.tr(" (archived)") if t["archived"] else ""),
                    t["language"],
                    t["total"],
                    ", ".join(f"{a} {n}" for a, n in sorted(t["by_agent"].items())),
                ]
                for t in data
            ],
        )
        self._done_one()
