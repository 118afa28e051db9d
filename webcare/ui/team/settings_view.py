"""Team settings (admin): business hours and holidays, SLA targets, out-of-hours reply, priority
rules — one form with one Save that says what changed.

Opening hours are time pickers per weekday ("Closed", "24 h", more than one span for a lunch
break); holidays a list of dates; keyword rules a table with a live example that runs the same
domain code as the server (``webcare.domain.priority``). The form is checked with the server's
own domain code while you edit, but the server decides: what it refuses (a 422) is shown next
to the field it is about, and the sections it accepted stay saved.
"""

from __future__ import annotations

import contextlib
import re
import zoneinfo
from typing import Any

from PySide6.QtCore import QDate, QLocale, Qt, QTime, Signal
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from webcare.domain.business_hours import BusinessHours
from webcare.domain.errors import ValidationError, WebcareError
from webcare.domain.priority import PriorityRules
from webcare.net.team_api import TeamApi
from webcare.ui.tasks import TaskRunner
from webcare.ui.team import settings_changes
from webcare.ui.team.common import PRIORITY_KEYS, error_text, priority_name, ui_locale
from webcare.ui.widgets.conversation import plain_label

DAY_KEYS = settings_changes.DAY_KEYS
PRIORITY_LEVELS = {key: level for level, key in enumerate(PRIORITY_KEYS)}
#: section of ``GET /v1/settings`` -> the ``PUT /v1/settings/<name>`` that saves it
SECTIONS = {
    "business_hours": "business-hours",
    "sla_targets_s": "sla-targets",
    "auto_ack": "auto-ack",
    "priority_rules": "priority-rules",
}
#: the server writes its messages in English and names the weekday first ("Monday: …")
_SERVER_DAYS = dict(
    zip(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), DAY_KEYS,
        strict=True)
)  # fmt: skip
_RULE_NUMBER = re.compile(r"keyword rule (\d+)", re.IGNORECASE)


def error_label(parent: QWidget) -> QLabel:
    label = plain_label("", selectable=True)
    label.setParent(parent)
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.hide()
    return label


def show_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def _time_text(value: QTime, *, end: bool) -> str:
    """'08:00'; a closing time of 00:00 is midnight at the end of the day: '24:00'."""
    if end and value.hour() == 0 and value.minute() == 0:
        return "24:00"
    return f"{value.hour():02d}:{value.minute():02d}"


def _qtime(text: str) -> QTime:
    if text == "24:00":
        return QTime(0, 0)
    hour, minute = (int(p) for p in text.split(":")[:2])
    return QTime(hour, minute)


# --- opening hours of one weekday -----------------------------------------------------------


class SpanEdit(QWidget):
    """From [08:00] to [22:00], and a button to remove this span (all but the first)."""

    changed = Signal()
    removeRequested = Signal(object)  # noqa: N815

    def __init__(self, day: str, start: str, end: str, removable: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self.start = QTimeEdit(_qtime(start), self)
        self.end = QTimeEdit(_qtime(end), self)
        for edit, name in ((self.start, self.tr("{day} opens")),
                           (self.end, self.tr("{day} closes"))):  # fmt: skip
            edit.setDisplayFormat("HH:mm")
            edit.setAccessibleName(name.format(day=day))
            edit.timeChanged.connect(self.changed)
        self.end.setToolTip(self.tr("00:00 as the closing time is midnight (24:00)"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.start)
        layout.addWidget(QLabel("–", self))
        layout.addWidget(self.end)
        self.remove = QToolButton(self)
        self.remove.setText("×")
        self.remove.setToolTip(self.tr("Remove this opening span"))
        self.remove.setAccessibleName(self.tr("Remove this opening span"))
        self.remove.setVisible(removable)
        self.remove.clicked.connect(lambda: self.removeRequested.emit(self))
        layout.addWidget(self.remove)
        layout.addStretch(1)

    def value(self) -> list[str]:
        return [_time_text(self.start.time(), end=False), _time_text(self.end.time(), end=True)]


class DayHours(QWidget):
    """One weekday: Closed, 24 h, or one or more spans (a lunch break is two)."""

    changed = Signal()

    def __init__(self, key: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.name = name
        self.closed = QCheckBox(self.tr("Closed"), self)
        self.closed.setAccessibleName(self.tr("{day} closed").format(day=name))
        self.all_day = QCheckBox(self.tr("24 h"), self)
        self.all_day.setAccessibleName(self.tr("{day} open 24 hours").format(day=name))
        self.add = QToolButton(self)
        self.add.setText("+")
        self.add.setToolTip(self.tr("Add an opening span (for a break in the day)"))
        self.add.setAccessibleName(self.tr("Add an opening span to {day}").format(day=name))
        self.spans: list[SpanEdit] = []
        self._span_box = QVBoxLayout()
        self._span_box.setContentsMargins(0, 0, 0, 0)
        self._span_box.setSpacing(2)
        self.error = error_label(self)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.closed)
        row.addWidget(self.all_day)
        row.addLayout(self._span_box, 1)
        row.addWidget(self.add, 0, Qt.AlignmentFlag.AlignTop)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        outer.addLayout(row)
        outer.addWidget(self.error)
        self._last_spans: list[list[str]] = [["09:00", "17:00"]]
        self.closed.toggled.connect(self._mode_changed)
        self.all_day.toggled.connect(self._mode_changed)
        self.add.clicked.connect(self.add_span)
        self.set_spans([["09:00", "17:00"]])

    def _clear_spans(self) -> None:
        for span in self.spans:
            span.setParent(None)
            span.deleteLater()
        self.spans = []

    def _append_span(self, start: str, end: str) -> SpanEdit:
        span = SpanEdit(self.name, start, end, bool(self.spans), self)
        span.changed.connect(self.changed)
        span.removeRequested.connect(self._remove_span)
        self.spans.append(span)
        self._span_box.addWidget(span)
        return span

    def set_spans(self, spans: list[list[str]]) -> None:
        for box in (self.closed, self.all_day):
            box.blockSignals(True)
        self.closed.setChecked(not spans)
        self.all_day.setChecked([list(s) for s in spans] == [["00:00", "24:00"]])
        for box in (self.closed, self.all_day):
            box.blockSignals(False)
        shown = spans if spans and not self.all_day.isChecked() else self._last_spans
        self._clear_spans()
        for start, end in shown:
            self._append_span(start, end)
        if spans and not self.all_day.isChecked():
            self._last_spans = [list(s) for s in spans]
        self._update_enabled()

    def value(self) -> list[list[str]]:
        if self.closed.isChecked():
            return []
        if self.all_day.isChecked():
            return [["00:00", "24:00"]]
        return [span.value() for span in self.spans]

    def add_span(self) -> None:
        last = self.spans[-1].end.time() if self.spans else QTime(12, 0)
        start = last.addSecs(3600) if last.hour() < 23 else QTime(23, 0)
        end = start.addSecs(4 * 3600) if start.hour() < 20 else QTime(0, 0)
        self._append_span(_time_text(start, end=False), _time_text(end, end=True))
        self.changed.emit()

    def _remove_span(self, span: SpanEdit) -> None:
        if span in self.spans and len(self.spans) > 1:
            self.spans.remove(span)
            span.setParent(None)
            span.deleteLater()
            self.changed.emit()

    def _mode_changed(self, checked: bool) -> None:
        sender = self.sender()
        if checked and sender is self.closed:
            self.all_day.blockSignals(True)
            self.all_day.setChecked(False)
            self.all_day.blockSignals(False)
        elif checked and sender is self.all_day:
            self.closed.blockSignals(True)
            self.closed.setChecked(False)
            self.closed.blockSignals(False)
        self._update_enabled()
        self.changed.emit()

    def _update_enabled(self) -> None:
        spans = not (self.closed.isChecked() or self.all_day.isChecked())
        for span in self.spans:
            span.setEnabled(spans)
        self.add.setEnabled(spans)
        self.all_day.setEnabled(not self.closed.isChecked())


# --- holidays -------------------------------------------------------------------------------


class HolidayList(QWidget):
    """Pick a date and Add it; the list shows each as a date, newest last; an empty list
    says so (it never shows example dates that look like real holidays)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.date = QDateEdit(QDate.currentDate(), self)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat(ui_locale().dateFormat(QLocale.FormatType.ShortFormat))
        self.date.setLocale(ui_locale())  # the calendar's month and day names too
        self.date.setAccessibleName(self.tr("Holiday to add"))
        self.add_button = QPushButton(self.tr("Add holiday"), self)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.remove_button.setEnabled(False)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Holidays"))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setMinimumHeight(72)
        self.list.setMaximumHeight(150)
        self.empty = plain_label(
            self.tr("No holidays yet: pick a date and press Add holiday."), selectable=False
        )
        self.empty.setObjectName("hint")
        self.error = error_label(self)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.date)
        top.addWidget(self.add_button)
        top.addStretch(1)
        top.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.empty)
        layout.addWidget(self.list)
        layout.addWidget(self.error)
        self.add_button.clicked.connect(self.add_current)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.itemSelectionChanged.connect(
            lambda: self.remove_button.setEnabled(bool(self.list.selectedItems()))
        )
        self._show_empty()

    def dates(self) -> list[str]:
        return sorted(
            str(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())
        )

    def set_dates(self, dates: list[str]) -> None:
        self.list.clear()
        for text in sorted(set(dates)):
            self._add_item(text)
        self._show_empty()

    def _add_item(self, iso_date: str) -> None:
        day = QDate.fromString(iso_date, "yyyy-MM-dd")
        shown = (
            ui_locale().toString(day, QLocale.FormatType.LongFormat) if day.isValid() else iso_date
        )
        item = QListWidgetItem(shown)
        item.setData(Qt.ItemDataRole.UserRole, iso_date)
        self.list.addItem(item)

    def add_current(self) -> None:
        iso_date = self.date.date().toString("yyyy-MM-dd")
        if iso_date in self.dates():
            show_error(self.error, self.tr("That date is already a holiday."))
            return
        show_error(self.error, "")
        dates = [*self.dates(), iso_date]
        self.set_dates(dates)
        self.changed.emit()

    def remove_selected(self) -> None:
        gone = {item.data(Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()}
        if gone:
            self.set_dates([d for d in self.dates() if d not in gone])
            self.changed.emit()

    def _show_empty(self) -> None:
        empty = self.list.count() == 0
        self.empty.setVisible(empty)
        self.list.setVisible(not empty)


# --- keyword rules --------------------------------------------------------------------------


class RulesEditor(QWidget):
    """Keyword rules as a table: the words (``opzeg*`` matches every word that starts with
    it), the priority a match gives and the tag it adds."""

    changed = Signal()
    WORDS, PRIORITY, TAG = 0, 1, 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 3, self)
        self.table.setAccessibleName(self.tr("Keyword rules"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Keywords"), self.tr("Priority"), self.tr("Tag")]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.WORDS, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.PRIORITY, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.TAG, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(self.TAG, 100)  # "Keywords" keeps its header at 1024 px
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(96)
        self.table.setMaximumHeight(124)
        self.add_button = QPushButton(self.tr("Add rule"), self)
        self.remove_button = QPushButton(self.tr("Remove rule"), self)
        self.hint = plain_label(
            self.tr("Separate words with commas; opzeg* matches every word that starts with"
                    " opzeg."),
            selectable=False,
        )  # fmt: skip
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.error = error_label(self)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        self.add_button.clicked.connect(self.add_rule)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())

    def _priority_box(self, level: int) -> QComboBox:
        box = QComboBox(self.table)
        box.setAccessibleName(self.tr("Priority of this rule"))
        for key in PRIORITY_KEYS:
            box.addItem(priority_name(key), PRIORITY_LEVELS[key])
        box.setCurrentIndex(max(0, box.findData(level)))
        box.currentIndexChanged.connect(lambda _i: self.changed.emit())
        return box

    def _append(self, words: str, level: int, tag: str) -> int:
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        self.table.setItem(row, self.WORDS, QTableWidgetItem(words))
        self.table.setCellWidget(row, self.PRIORITY, self._priority_box(level))
        self.table.setItem(row, self.TAG, QTableWidgetItem(tag))
        self.table.blockSignals(False)
        return row

    def set_rules(self, rules: list[dict[str, Any]]) -> None:
        self.table.setRowCount(0)
        for rule in rules:
            self._append(", ".join(rule.get("words") or []), int(rule.get("priority", 2)),
                         str(rule.get("tag") or ""))  # fmt: skip

    def rules(self) -> list[dict[str, Any]]:
        """The rules in the server's form; a row left blank is not a rule."""
        out = []
        for row in range(self.table.rowCount()):
            words_item, tag_item = self.table.item(row, self.WORDS), self.table.item(row, self.TAG)
            words = [w.strip() for w in (words_item.text() if words_item else "").split(",")]
            tag = (tag_item.text() if tag_item else "").strip()
            box = self.table.cellWidget(row, self.PRIORITY)
            level = box.currentData() if isinstance(box, QComboBox) else 2
            if any(words) or tag:
                out.append({"words": [w for w in words if w], "priority": level, "tag": tag})
        return out

    def rule_rows(self) -> list[int]:
        """The table row of each rule :meth:`rules` returns."""
        rows = []
        for row in range(self.table.rowCount()):
            words_item, tag_item = self.table.item(row, self.WORDS), self.table.item(row, self.TAG)
            if (words_item and words_item.text().strip()) or (tag_item and tag_item.text().strip()):
                rows.append(row)
        return rows

    def add_rule(self) -> None:
        row = self._append("", PRIORITY_LEVELS["high"], "")
        self.table.setCurrentCell(row, self.WORDS)
        item = self.table.item(row, self.WORDS)
        if item is not None:
            self.table.editItem(item)
        self.changed.emit()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.changed.emit()

    def highlight(self, rows: set[int]) -> None:
        """Mark the rules that match the example text."""
        colour = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        colour.setAlpha(60)
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            for column in (self.WORDS, self.TAG):
                item = self.table.item(row, column)
                if item is not None:
                    item.setBackground(QBrush(colour) if row in rows else QBrush())
        self.table.blockSignals(False)


# --- the form -------------------------------------------------------------------------------


class SettingsView(QWidget):
    loaded = Signal()
    saved = Signal(object)  # the settings as the server stored them

    def __init__(self, runner: TaskRunner, api: TeamApi, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.api = api
        self.baseline: dict[str, Any] = {}  # what the server has (as last loaded or saved)
        self.template_titles: dict[int, str] = {}
        self._showing = False  # filling the form from the server: not an edit

        # business hours
        self.timezone = QComboBox(self)
        self.timezone.setEditable(True)
        self.timezone.addItems(sorted(zoneinfo.available_timezones()))
        self.timezone.setAccessibleName(self.tr("Time zone"))
        self.timezone_error = error_label(self)
        names = {k: v[:1].upper() + v[1:] for k, v in settings_changes.day_names().items()}
        self.days = {key: DayHours(key, names[key], self) for key in DAY_KEYS}
        self.copy_monday = QPushButton(self.tr("Copy Monday to Tuesday–Friday"), self)
        self.holidays = HolidayList(self)
        hours_box = QGroupBox(self.tr("Business hours (SLA clocks pause outside them)"), self)
        grid = QGridLayout(hours_box)
        grid.addWidget(QLabel(self.tr("Time zone"), hours_box), 0, 0)
        grid.addWidget(self.timezone, 0, 1)
        grid.addWidget(self.timezone_error, 1, 1)
        for row, key in enumerate(DAY_KEYS, 2):
            label = QLabel(names[key], hours_box)
            label.setBuddy(self.days[key].closed)
            label.setMinimumHeight(self.days[key].spans[0].sizeHint().height())
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(self.days[key], row, 1)
        grid.addWidget(self.copy_monday, 9, 1, Qt.AlignmentFlag.AlignLeft)
        line = QFrame(hours_box)
        line.setFrameShape(QFrame.Shape.HLine)
        grid.addWidget(line, 10, 0, 1, 2)
        grid.addWidget(QLabel(self.tr("Holidays"), hours_box), 11, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.holidays, 11, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(12, 1)

        # SLA targets
        priority_names = {key: priority_name(key) for key in PRIORITY_KEYS}
        self.targets = {key: QSpinBox(self) for key in ("urgent", "high", "normal", "low")}
        self.sla_error = error_label(self)
        sla_box = QGroupBox(self.tr("First-response targets"), self)
        sf = QGridLayout(sla_box)
        for i, (key, spin) in enumerate(self.targets.items()):
            spin.setRange(1, 7 * 24 * 60)
            spin.setSuffix(self.tr(" min"))
            spin.setAccessibleName(
                self.tr("{priority} target").format(priority=priority_names[key])
            )
            sf.addWidget(QLabel(priority_names[key], sla_box), i // 2, (i % 2) * 2)
            sf.addWidget(spin, i // 2, (i % 2) * 2 + 1)
        sf.addWidget(self.sla_error, 2, 0, 1, 4)

        # out-of-hours reply
        self.ack_enabled = QCheckBox(
            self.tr("Acknowledge mentions that arrive outside hours"), self
        )
        self.ack_template = QComboBox(self)
        self.ack_template.setAccessibleName(self.tr("Acknowledgement template"))
        self.ack_error = error_label(self)
        ack_box = QGroupBox(self.tr("Out-of-hours reply"), self)
        al = QGridLayout(ack_box)
        al.addWidget(self.ack_enabled, 0, 0, 1, 2)
        al.addWidget(QLabel(self.tr("Template"), ack_box), 1, 0)
        al.addWidget(self.ack_template, 1, 1)
        al.addWidget(self.ack_error, 2, 1)
        al.setColumnStretch(1, 1)

        # priority rules
        self.influencers = QSpinBox(self)
        self.influencers.setRange(0, 1_000_000_000)
        self.influencers.setSingleStep(1000)
        self.influencers.setGroupSeparatorShown(True)
        self.influencers.setSpecialValueText(self.tr("off"))
        self.influencers.setSuffix(self.tr(" followers"))
        self.influencers.setAccessibleName(self.tr("Influencer threshold"))
        self.influencer_priority = QComboBox(self)
        self.influencer_priority.setAccessibleName(self.tr("Influencer priority"))
        self.negative_priority = QComboBox(self)
        self.negative_priority.setAccessibleName(self.tr("Negative priority"))
        for box in (self.influencer_priority, self.negative_priority):
            for key in PRIORITY_KEYS:
                box.addItem(priority_names[key], PRIORITY_LEVELS[key])
        self.influencer_error = error_label(self)
        self.rules = RulesEditor(self)
        self.negative_words = QPlainTextEdit(self)
        self.negative_words.setAccessibleName(self.tr("Negative words"))
        self.negative_words.setPlaceholderText(self.tr("Words separated by commas"))
        self.negative_words.setFixedHeight(self.fontMetrics().lineSpacing() * 2 + 14)
        self.negative_error = error_label(self)
        self.example = QLineEdit(self)
        self.example.setAccessibleName(self.tr("Example text"))
        self.example.setPlaceholderText(self.tr("Type a mention to see which rules match"))
        self.example_followers = QSpinBox(self)
        self.example_followers.setRange(0, 1_000_000_000)
        self.example_followers.setGroupSeparatorShown(True)
        self.example_followers.setSuffix(self.tr(" followers"))
        self.example_followers.setAccessibleName(self.tr("Followers of the example's author"))
        self.example_followers.setMaximumWidth(170)
        self.example_result = plain_label("", selectable=True)
        self.example_result.setObjectName("hint")
        self.example_result.setWordWrap(True)
        rules_box = QGroupBox(self.tr("Priority rules for new mentions"), self)
        rf = QFormLayout(rules_box)
        rf.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # labels above when narrow
        influencer_row = QHBoxLayout()
        influencer_row.addWidget(self.influencers, 1)
        influencer_row.addWidget(QLabel(self.tr("get"), rules_box))
        influencer_row.addWidget(self.influencer_priority)
        rf.addRow(self.tr("Influencers from"), influencer_row)
        rf.addRow("", self.influencer_error)
        rf.addRow(self.tr("Keyword rules"), self.rules)
        negative_row = QVBoxLayout()
        negative_row.addWidget(self.negative_words)
        negative_priority_row = QHBoxLayout()
        negative_priority_row.addWidget(QLabel(self.tr("A negative word gives"), rules_box))
        negative_priority_row.addWidget(self.negative_priority)
        negative_priority_row.addStretch(1)
        negative_row.addLayout(negative_priority_row)
        negative_row.addWidget(self.negative_error)
        rf.addRow(self.tr("Negative words"), negative_row)
        # the example's text takes the whole row (its placeholder fits at 1024 px, in Dutch)
        example_row = QHBoxLayout()
        example_row.addWidget(self.example_followers)
        example_row.addStretch(1)
        example_box = QVBoxLayout()
        example_box.setSpacing(2)
        example_box.addWidget(self.example)
        example_box.addLayout(example_row)
        example_box.addWidget(self.example_result)
        # the example spans the form (its placeholder fits at 1024 px, in Dutch too)
        rf.addRow(QLabel(self.tr("Try it"), rules_box))
        rf.addRow(example_box)

        # the page: two columns that scroll, and one Save for everything
        page = QWidget(self)
        columns = QHBoxLayout(page)
        columns.addWidget(hours_box, 5)
        right = QVBoxLayout()
        right.addWidget(sla_box)
        right.addWidget(ack_box)
        right.addWidget(rules_box)
        right.addStretch(1)
        columns.addLayout(right, 6)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        self.changes = plain_label("", selectable=True)
        self.changes.setObjectName("pendingChanges")
        self.changes.setWordWrap(True)
        self.changes.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.status = self.changes  # what the last action did (tests and screen readers)
        self.discard_button = QPushButton(self.tr("Discard changes"), self)
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setDefault(True)
        bar = QHBoxLayout()
        bar.addWidget(self.changes, 1)
        bar.addWidget(self.discard_button)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(bar)

        for spin in self.findChildren(QSpinBox):  # 10.000 in Dutch, 10,000 in English
            spin.setLocale(ui_locale())

        # every edit updates the summary of changes, the local checks and the example
        edits: list[Any] = [
            self.timezone.currentTextChanged,
            self.holidays.changed,
            self.ack_enabled.toggled,
            self.ack_template.currentIndexChanged,
            self.influencers.valueChanged,
            self.influencer_priority.currentIndexChanged,
            self.negative_priority.currentIndexChanged,
            self.negative_words.textChanged,
            self.rules.changed,
            *(day.changed for day in self.days.values()),
            *(spin.valueChanged for spin in self.targets.values()),
        ]
        for signal in edits:
            signal.connect(self._edited)
        self.example.textChanged.connect(self._update_example)
        self.example_followers.valueChanged.connect(self._update_example)
        self.copy_monday.clicked.connect(self.copy_monday_to_weekdays)
        self.save_button.clicked.connect(self.save)
        self.discard_button.clicked.connect(self.discard)
        self.save_button.setEnabled(False)
        self.discard_button.setEnabled(False)

    # --- loading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        def load() -> tuple[dict[str, Any], list[dict[str, Any]]]:
            return self.api.settings(), self.api.client.templates()

        self.runner.net(load, lambda result: self._loaded(*result), self._failed)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(error_text(error))

    def _loaded(self, data: dict[str, Any], templates: list[dict[str, Any]]) -> None:
        self.template_titles = {int(t["id"]): str(t["title"]) for t in templates}
        self.ack_template.blockSignals(True)
        self.ack_template.clear()
        self.ack_template.addItem(self.tr("Choose a template…"), None)
        for t in templates:
            self.ack_template.addItem(f"{t['title']} [{t['language']}]", t["id"])
        self.ack_template.blockSignals(False)
        self.baseline = {key: data[key] for key in SECTIONS if key in data}
        self._show(self.baseline)
        self.status.setText("")
        self.loaded.emit()

    def _show(self, data: dict[str, Any]) -> None:
        """Fill the form with ``data`` (the server's settings)."""
        self._showing = True
        try:
            hours = data["business_hours"]
            self.timezone.setCurrentText(hours["timezone"])
            for key, day in self.days.items():
                day.set_spans(hours["weekly"].get(key, []))
            self.holidays.set_dates(list(hours.get("holidays", [])))
            for key, spin in self.targets.items():
                spin.setValue(round(data["sla_targets_s"][key] / 60))
            ack = data["auto_ack"]
            self.ack_enabled.setChecked(bool(ack["enabled"]))
            self.ack_template.setCurrentIndex(
                max(0, self.ack_template.findData(ack["template_id"]))
            )
            rules = data["priority_rules"]
            self.influencers.setValue(rules["influencer_followers"] or 0)
            for box, value in (
                (self.influencer_priority, rules["influencer_priority"]),
                (self.negative_priority, rules["negative_priority"]),
            ):
                box.setCurrentIndex(max(0, box.findData(value)))
            self.rules.set_rules(rules["keywords"])
            self.negative_words.setPlainText(", ".join(rules["negative_words"]))
        finally:
            self._showing = False
        self._clear_errors()
        self._edited()

    # --- the form's value -------------------------------------------------------------------

    def business_hours_dict(self) -> dict[str, Any]:
        return {
            "timezone": self.timezone.currentText().strip(),
            "weekly": {key: day.value() for key, day in self.days.items()},
            "holidays": self.holidays.dates(),
        }

    def priority_rules_dict(self) -> dict[str, Any]:
        words = self.negative_words.toPlainText().replace("\n", ",").split(",")
        return {
            "influencer_followers": self.influencers.value() or None,
            "influencer_priority": self.influencer_priority.currentData(),
            "keywords": self.rules.rules(),
            "negative_words": [w.strip() for w in words if w.strip()],
            "negative_priority": self.negative_priority.currentData(),
        }

    def form(self) -> dict[str, Any]:
        """Every section as the server would store it (normalised with the domain code when
        it is valid, so an unchanged form compares equal to what was loaded)."""
        hours = self.business_hours_dict()
        rules = self.priority_rules_dict()
        with contextlib.suppress(ValidationError):
            hours = BusinessHours.from_dict(hours).to_dict()
        with contextlib.suppress(ValidationError):
            rules = PriorityRules.from_dict(rules).to_dict()
        return {
            "business_hours": hours,
            "sla_targets_s": {k: float(spin.value() * 60) for k, spin in self.targets.items()},
            "auto_ack": {
                "enabled": self.ack_enabled.isChecked(),
                "template_id": self.ack_template.currentData(),
            },
            "priority_rules": rules,
        }

    def changed_sections(self) -> list[str]:
        form = self.form()
        return [key for key in SECTIONS if key in self.baseline and form[key] != self.baseline[key]]

    def pending_changes(self) -> list[str]:
        return settings_changes.describe(self.baseline, self.form(), self.template_titles)

    # --- editing ----------------------------------------------------------------------------

    def _edited(self, *_args: object) -> None:
        if self._showing or not self.baseline:
            return
        self._check_locally()
        changes = self.pending_changes() if self.changed_sections() else []
        dirty = bool(self.changed_sections())
        self.save_button.setEnabled(dirty)
        self.discard_button.setEnabled(dirty)
        if changes:
            self.changes.setText(
                self.tr("Not saved yet: {changes}").format(changes=", ".join(changes))
            )
        elif dirty:
            self.changes.setText(self.tr("Not saved yet."))
        elif self.changes.text().startswith(self.tr("Not saved yet")):
            self.changes.setText("")
        self._update_example()

    def _check_locally(self) -> None:
        """The server's own checks, while typing (the server checks again on Save)."""
        self._clear_errors()
        try:
            BusinessHours.from_dict(self.business_hours_dict())
        except ValidationError as exc:
            self._place("business_hours", exc.message)
        try:
            PriorityRules.from_dict(self.priority_rules_dict())
        except ValidationError as exc:
            self._place("priority_rules", exc.message)
        if self.ack_enabled.isChecked() and self.ack_template.currentData() is None:
            show_error(self.ack_error, self.tr("Choose the template to answer with."))

    def _clear_errors(self) -> None:
        for label in self._error_labels():
            show_error(label, "")

    def _error_labels(self) -> list[QLabel]:
        return [
            self.timezone_error,
            *(day.error for day in self.days.values()),
            self.holidays.error,
            self.sla_error,
            self.ack_error,
            self.influencer_error,
            self.rules.error,
            self.negative_error,
        ]

    def error_for(self, section: str, message: str) -> QLabel:
        """The label next to the field a message is about ("Monday: …" -> Monday's row)."""
        if section == "business_hours":
            first = message.split(":", 1)[0].strip()
            if first in _SERVER_DAYS:
                return self.days[_SERVER_DAYS[first]].error
            if "holiday" in message.lower():
                return self.holidays.error
            return self.timezone_error
        if section == "sla_targets_s":
            return self.sla_error
        if section == "auto_ack":
            return self.ack_error
        lower = message.lower()
        if "keyword rule" in lower or lower.startswith("keywords"):
            return self.rules.error
        if "negative" in lower:
            return self.negative_error
        if "influencer" in lower:
            return self.influencer_error
        return self.rules.error

    def _place(self, section: str, message: str) -> None:
        label = self.error_for(section, message)
        show_error(label, message)
        match = _RULE_NUMBER.search(message)
        rows = self.rules.rule_rows()
        if label is self.rules.error and match and 0 < int(match[1]) <= len(rows):
            self.rules.table.selectRow(rows[int(match[1]) - 1])

    def _update_example(self) -> None:
        text = self.example.text()
        if not text.strip():
            self.example_result.setText(
                self.tr(
                    "Type a text above: the rules it matches light up, with the priority"
                    " and tags a new mention would get."
                )
            )
            self.rules.highlight(set())
            return
        try:
            rules = PriorityRules.from_dict(self.priority_rules_dict())
        except ValidationError as exc:
            self.example_result.setText(exc.message)
            return
        followers = self.example_followers.value() or None
        level, tags = rules.evaluate(text, followers)
        rows = self.rules.rule_rows()
        matching = {rows[i] for i, rule in enumerate(rules.keywords) if rule.matches(text)}
        self.rules.highlight(matching)
        reasons = [
            self.tr("rule {n} ({words})").format(n=rows.index(row) + 1, words=self._words_at(row))
            for row in sorted(matching)
        ]
        if "negative" in tags:
            reasons.append(self.tr("a negative word"))
        if "influencer" in tags:
            reasons.append(self.tr("an influencer"))
        verdict = self.tr("priority {p}").format(p=priority_name(level))
        if tags:
            verdict += " · " + self.tr("tags {tags}").format(tags=", ".join(tags))
        if reasons:
            self.example_result.setText(
                self.tr("Matches {reasons} → {verdict}").format(
                    reasons=", ".join(reasons), verdict=verdict
                )
            )
        else:
            self.example_result.setText(
                self.tr("No rule matches → {verdict}").format(verdict=verdict)
            )

    def _words_at(self, row: int) -> str:
        item = self.rules.table.item(row, RulesEditor.WORDS)
        return item.text() if item is not None else ""

    def copy_monday_to_weekdays(self) -> None:
        monday = self.days["mon"].value()
        self._showing = True
        try:
            for key in ("tue", "wed", "thu", "fri"):
                self.days[key].set_spans(monday)
        finally:
            self._showing = False
        self._edited()

    def discard(self) -> None:
        if self.baseline:
            self._show(self.baseline)
            self.status.setText(self.tr("Changes discarded."))

    # --- saving -----------------------------------------------------------------------------

    def save(self) -> None:
        """Send every changed section; say what was saved and what the server refused."""
        todo = self.changed_sections()
        if not todo:
            self.status.setText(self.tr("Nothing to save."))
            return
        form = self.form()
        values = {
            "business_hours": self.business_hours_dict(),
            "sla_targets_s": {k: spin.value() * 60 for k, spin in self.targets.items()},
            "auto_ack": form["auto_ack"],
            "priority_rules": self.priority_rules_dict(),
        }
        api = self.api

        def work() -> list[tuple[str, dict[str, Any] | None, str]]:
            done: list[tuple[str, dict[str, Any] | None, str]] = []
            for section in todo:
                try:
                    done.append((section, api.put_setting(SECTIONS[section], values[section]), ""))
                except WebcareError as exc:
                    done.append((section, None, exc.message))
            return done

        self.save_button.setEnabled(False)
        self.status.setText(self.tr("Saving…"))
        self.runner.net(work, self._saved, self._save_failed)

    def _save_failed(self, error: BaseException) -> None:
        self.status.setText(self.tr("Nothing was saved: {e}").format(e=error_text(error)))
        self._edited()

    def _saved(self, results: list[tuple[str, dict[str, Any] | None, str]]) -> None:
        before = dict(self.baseline)
        refused: list[tuple[str, str]] = []
        stored: dict[str, Any] | None = None
        for section, answer, message in results:
            if answer is None:
                refused.append((section, message))
            else:
                stored = answer
        if stored is not None:
            self.baseline = {key: stored[key] for key in SECTIONS if key in stored}
        saved = settings_changes.describe(
            {k: v for k, v in before.items() if k not in dict(refused)},
            {k: v for k, v in self.baseline.items() if k not in dict(refused)},
            self.template_titles,
        )
        self._edited()  # what is still different (the refused sections)
        titles = {
            "business_hours": self.tr("business hours"),
            "sla_targets_s": self.tr("SLA targets"),
            "auto_ack": self.tr("out-of-hours reply"),
            "priority_rules": self.tr("priority rules"),
        }
        parts = []
        if saved:
            parts.append(self.tr("Saved: {changes}.").format(changes=", ".join(saved)))
        elif stored is not None:
            parts.append(self.tr("Saved."))
        for section, message in refused:
            self._place(section, message)
            parts.append(
                self.tr("Not saved: {what} — {message}").format(
                    what=titles[section], message=message
                )
            )
        self.status.setText(" ".join(parts))
        if stored is not None:
            self.saved.emit(stored)

    # helpers for tests and the screenshots

    def set_day(self, key: str, spans: list[list[str]]) -> None:
        self.days[key].set_spans(spans)
        self._edited()
