"""The lead's reports: response times, SLA breaches, volume heatmap, backlog, template use."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QDateTime,
    QEvent,
    QLocale,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from webcare.domain.timeutil import parse_iso
from webcare.net.team_api import TeamApi
from webcare.reports.export import (
    backlog_rows,
    mention_rows,
    response_times_rows,
    template_usage_rows,
    volume_rows,
)
from webcare.ui.tasks import TaskRunner
from webcare.ui.team.chart_scale import robust_scale, time_unit
from webcare.ui.team.common import (
    ExportButton,
    Latest,
    TableBlock,
    duration,
    error_text,
    local_time,
    priority_name,
    ui_locale,
)
from webcare.ui.team.heatmap import Heatmap
from webcare.ui.widgets.conversation import plain_label

PRESETS = (("all", 0), ("7", 7), ("30", 30), ("90", 90), ("custom", -1))
CHART_GROUPS = 20  # at most this many bars' groups per chart (fewer when they do not fit)


def _chart_view(parent: QWidget) -> QChartView:
    """A chart view with its own chart: Qt owns the chart, no Python-held orphan."""
    view = QChartView(parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(220)
    view.chart().setLocale(ui_locale())  # month names, decimal commas: the interface's
    view.chart().setLocalizeNumbers(True)
    return view


def _clear(chart: QChart) -> None:
    chart.removeAllSeries()  # deletes the series
    for axis in chart.axes():
        chart.removeAxis(axis)  # hands the axis back without deleting it
        axis.deleteLater()


class ReportsView(QWidget):
    """Everything a lead asks on Monday: how fast, who is overloaded, where SLAs broke."""

    loaded = Signal()  # every block has its data (used by tests and screenshots)
    openMentionRequested = Signal(int)  # noqa: N815 - an SLA breach to show in the inbox

    def __init__(self, runner: TaskRunner, api: TeamApi, parent: QWidget | None = None):
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
        date_format = ui_locale().dateFormat(QLocale.FormatType.ShortFormat)
        for edit, name in ((self.date_from, self.tr("From")), (self.date_to, self.tr("To"))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(date_format)
            edit.setLocale(ui_locale())
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
        self.summary.setToolTip(_answered_tip())
        self.status = plain_label("", selectable=False)
        self.status.setObjectName("reportStatus")

        controls = QHBoxLayout()
        self.dash = QLabel("–", self)
        for w in (
            QLabel(self.tr("Period"), self),
            self.preset,
            self.date_from,
            self.dash,
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
        self.times_view = times_view
        self.times_chart = times_view.chart()
        self._chart_fit = 0
        self._rechart = QTimer(self)
        self._rechart.setSingleShot(True)
        self._rechart.setInterval(120)
        self._rechart.timeout.connect(self._chart_resized)
        times_view.installEventFilter(self)
        self.times_chart.setTitle(self.tr("First response (median and p90)"))
        self.times_chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        self.times_note = plain_label("", selectable=True)
        self.times_note.setObjectName("chartNote")
        self.times_note.setWordWrap(True)
        self.times_note.hide()
        chart_box = QWidget(self)
        cl = QVBoxLayout(chart_box)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(times_view, 1)
        cl.addWidget(self.times_note)
        times_tab = QSplitter(Qt.Orientation.Vertical, self)
        times_tab.addWidget(self.times)
        times_tab.addWidget(chart_box)
        times_tab.setSizes([230, 430])
        self.times.view.horizontalHeader().setStretchLastSection(True)
        # SLA breaches
        self.breaches = TableBlock(self.tr("Mentions over their SLA target"), "sla-breaches", self)
        self.breaches.model.link_column = 0
        self.breaches.model.is_link = lambda _row: True
        self.breaches.model.tooltips = self._breach_tooltip
        self.breaches.rowActivated.connect(self._open_breach)
        self.breach_hint = plain_label(
            self.tr(
                "Double-click a mention (or select it and press Enter) to open it in the inbox."
            ),
            selectable=False,
        )
        self.breach_hint.setObjectName("hint")
        breaches_tab = QWidget(self)
        brl = QVBoxLayout(breaches_tab)
        brl.setContentsMargins(0, 0, 0, 0)
        brl.addWidget(self.breaches, 1)
        brl.addWidget(self.breach_hint)
        self._breached: list[dict[str, Any]] = []
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
        self.usage.set_empty_text(
            self.tr("There are no templates yet."),
            self.tr(
                "Once an admin adds canned answers (Team ▸ Templates), this shows how often each"
                " one was used, in total and per agent."
            ),
        )

        self.tabs = QTabWidget(self)
        self.tabs.addTab(times_tab, self.tr("Response times"))
        self.tabs.addTab(breaches_tab, self.tr("SLA breaches"))
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
        for w in (self.date_from, self.dash, self.date_to):  # "all time" has no dates to show
            w.setVisible(key != "all")
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
            # people, not handles: a contact merged into another counts once
            + " · "
            + self.tr("written by {n} people").format(n=s.get("contacts", 0))
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
        p90 = self.tr("90% took at most this long (nearest rank)")
        self.times.model.header_tooltips = {
            2: _answered_tip(),
            3: self.tr("First response: the first reply sent minus the time received"),
            4: p90,
            5: self.tr("Resolution: the time resolved minus the time received"),
            6: p90,
            7: self.tr("Answered, but the first reply came after the target for its priority"),
            8: self.tr("Not answered yet and already past the target for its priority"),
        }
        for col in (3, 4, 5, 6):
            self.times.model.formatters[col] = duration
        self.times.model.formatters[0] = lambda key: self.group_text(data["by"], key)
        self.times.model.set_rows(header, rows)
        # the group's name whole (a narrow window scrolls the table sideways instead)
        self.times.view.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.times.raw_rows = lambda: response_times_rows(data)
        self._chart_times(data)
        breached = [m for m in data.get("mentions", []) if m["sla_breached"]]
        self._breached = breached
        waiting = self.tr("not answered yet")
        self.breaches.model.formatters = {
            1: priority_name,
            3: local_time,
            5: lambda s: duration(s) if s is not None else waiting,
            6: duration,
            7: lambda s: duration(s) if s is not None else "",
        }
        self.breaches.set_empty_text(
            self.tr("No SLA breaches in this period.")
            if self.preset.currentData() != "all"
            else self.tr("No SLA breaches."),
            self.tr(
                "Every mention was answered within the target for its priority, and none is"
                " waiting past it. Breaches are listed here with how late they were."
            ),
        )
        self.breaches.model.set_rows(
            [
                self.tr("mention"),
                self.tr("priority"),
                self.tr("channel"),
                self.tr("received"),
                self.tr("agent"),
                self.tr("first response"),
                self.tr("target"),
                self.tr("over by"),
            ],
            [
                [
                    _mention_label(m),
                    m["priority"],
                    m["channel"],
                    m["received_at"],
                    m["agent"] or "",
                    m["first_response_s"],
                    m["sla_target_s"],
                    m["first_response_s"] - m["sla_target_s"]
                    if m["first_response_s"] is not None and m["sla_target_s"] is not None
                    else None,
                ]
                for m in breached
            ],
        )
        self.breach_hint.setVisible(bool(breached))
        self.breaches.raw_rows = lambda: mention_rows(
            {"mentions": [m for m in data.get("mentions", []) if m["sla_breached"]]}
        )
        self._load_backlog(data)
        self._done_one()

    def group_text(self, by: str, key: Any) -> str:
        """A group as a lead reads it: 'Urgent' for '3 urgent', a local date for a day, 'All
        mentions' for the total row; names as they are."""
        if key == "all":
            return self.tr("All mentions")
        if key is None:
            return self.tr("(none)")
        if by == "priority":
            return priority_name(key)
        if by == "day":
            day = QDate.fromString(str(key), "yyyy-MM-dd")
            if day.isValid():
                return ui_locale().toString(day, QLocale.FormatType.ShortFormat)
        return str(key)

    def _breach_tooltip(self, row: int, column: int) -> str | None:
        if not 0 <= row < len(self._breached):
            return None
        m = self._breached[row]
        if column == 0:
            return self.tr("Mention {id} — double-click to open it in the inbox").format(
                id=m["mention_id"]
            )
        if column == 3:
            return str(m["received_at"])
        return None

    def _open_breach(self, row: int) -> None:
        if 0 <= row < len(self._breached):
            self.openMentionRequested.emit(int(self._breached[row]["mention_id"]))

    def chart_capacity(self) -> int:
        """How many groups the chart can show with their names: each needs about 1.6 lines
        (QtCharts elides a name that does not fit)."""
        line = self.times_view.fontMetrics().height() * 1.6
        return max(3, min(CHART_GROUPS, int((self.times_view.height() - 150) / line)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.times_view and event.type() == QEvent.Type.Resize:
            self._rechart.start()
        return super().eventFilter(watched, event)

    def _chart_resized(self) -> None:
        if "times" in self.data and self.chart_capacity() != self._chart_fit:
            self._chart_times(self.data["times"])

    def _chart_times(self, data: dict[str, Any]) -> None:
        """Median and p90 per group as horizontal bars (names fit on the left), on a scale
        that an outlier cannot flatten (``chart_scale``): it is cut off and named below."""
        chart = self.times_chart
        _clear(chart)
        answered = [g for g in data["groups"] if g["first_response"]["count"]]
        self._chart_fit = self.chart_capacity()
        # the groups with the most answers; of equally busy ones the slowest (they need a look)
        busiest = sorted(
            answered,
            key=lambda g: (
                -int(g["first_response"]["count"]),
                -(g["first_response"]["p90_s"] or 0),
            ),
        )[: self._chart_fit]
        groups = [g for g in answered if g in busiest]  # in the table's order
        groups.reverse()  # Qt draws the first category at the bottom; read top-down
        seconds = [
            (g["first_response"][key] or 0.0) for g in groups for key in ("median_s", "p90_s")
        ]
        scale = robust_scale(seconds[1::2])  # the p90s set the scale
        top_s = scale.top if scale.top is not None else max(seconds, default=60.0)
        cut = [i for i, value in enumerate(seconds) if scale.top is not None and value > top_s]
        unit_s, unit = time_unit(top_s)
        units = {"minutes": self.tr("minutes"), "hours": self.tr("hours"), "days": self.tr("days")}
        median, p90 = QBarSet(self.tr("median")), QBarSet(self.tr("p90"))
        cut_colour = QColor("#8a8a8a")
        for bar_set in (median, p90):
            bar_set.setSelectedColor(cut_colour)
        for i, value in enumerate(seconds):
            bar_set = median if i % 2 == 0 else p90
            shown = min(value, top_s) if scale.top is not None else value
            bar_set.append(shown / unit_s)
            if i in cut:
                bar_set.selectBar(i // 2)
        series = QHorizontalBarSeries()
        series.append(median)
        series.append(p90)
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([_elide(self.group_text(data["by"], g["key"]), 28) for g in groups])
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        values = QValueAxis()
        values.setRange(0, max(top_s / unit_s, 1))
        values.applyNiceNumbers()
        values.setLabelFormat("%.0f" if values.max() >= 4 else "%.1f")
        values.setTitleText(units[unit])
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(values)
        self.times_chart_values = values
        self.times_chart_unit_s = unit_s
        self.times_outliers = [
            (
                self.group_text(data["by"], groups[i // 2]["key"]),
                "median" if i % 2 == 0 else "p90",
                seconds[i],
            )
            for i in cut
        ]
        notes = []
        if len(answered) > len(groups):
            text = self.tr(
                "The chart shows the {n} groups with the most answered mentions; the table has all"
                " {total}."
            )
            notes.append(text.format(n=len(groups), total=len(answered)))
        if self.times_outliers:
            by_key: dict[str, list[str]] = {}
            for key, kind, value in self.times_outliers:
                word = self.tr("median") if kind == "median" else self.tr("p90")
                by_key.setdefault(key, []).append(f"{word} {duration(value)}")
            shown = "; ".join(f"{key}: {', '.join(v)}" for key, v in by_key.items())
            above = (
                self.tr("1 value above the scale, drawn cut off in grey: {values}.")
                if len(self.times_outliers) == 1
                else self.tr("{n} values above the scale, drawn cut off in grey: {values}.")
            )
            notes.append(above.format(n=len(self.times_outliers), values=shown))
        self.times_note.setText(" ".join(notes))
        self.times_note.setVisible(bool(notes))

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
        axis_y.setLabelFormat("%.0f")  # localized numbers take f, not d
        axis_y.setTitleText(self.tr("mentions waiting"))
        top = max((p["waiting"] for p in data["points"]), default=0)
        axis_y.setRange(0, max(4, top))
        axis_y.applyNiceNumbers()
        axis_y.setMinorTickCount(0)
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


def _answered_tip() -> str:
    """What "answered" counts in the reports: not the inbox's Answered view."""
    return QCoreApplication.translate(
        "ReportsView",
        "Answered: mentions that got at least one reply, whether resolved since or still open"
        " (the inbox's Answered view lists only the ones still open)",
    )


def _mention_label(m: dict[str, Any]) -> str:
    """'@105848' (the author's handle), else 'mention 23'."""
    author = m.get("author")
    if author:
        return "@" + str(author).lstrip("@")
    return QCoreApplication.translate("ReportsView", "mention {id}").format(id=m["mention_id"])


def _elide(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
