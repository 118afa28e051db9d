"""Team settings (admin): business hours and holidays, SLA targets, out-of-hours reply."""

from __future__ import annotations

import zoneinfo
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from webcare.domain.business_hours import BusinessHours
from webcare.domain.errors import ValidationError
from webcare.domain.priority import PriorityRules
from webcare.net.api import ApiClient
from webcare.ui.tasks import TaskRunner
from webcare.ui.team.common import error_text
from webcare.ui.widgets.conversation import plain_label

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PRIORITY_KEYS = ("urgent", "high", "normal", "low")
PRIORITY_LEVELS = {"low": 0, "normal": 1, "high": 2, "urgent": 3}


def rules_text(keywords: list[dict[str, Any]]) -> str:
    """Keyword rules as lines: ``high | churn-risk | opzeg*, cancel*``."""
    names = {v: k for k, v in PRIORITY_LEVELS.items()}
    return "\n".join(
        f"{names.get(r['priority'], 'high')} | {r.get('tag', '')} | {', '.join(r['words'])}"
        for r in keywords
    )


def parse_rules(text: str) -> list[dict[str, Any]]:
    rules = []
    for n, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.split("|")]
        if len(parts) != 3 or parts[0].lower() not in PRIORITY_LEVELS:
            raise ValidationError(
                QCoreApplication.translate(
                    "SettingsView",
                    "Line {n}: write a rule as 'high | tag | word, word*' (priority: low,"
                    " normal, high or urgent).",
                ).format(n=n)
            )
        words = [w.strip() for w in parts[2].split(",") if w.strip()]
        rules.append(
            {"priority": PRIORITY_LEVELS[parts[0].lower()], "tag": parts[1], "words": words}
        )
    return rules


def spans_text(spans: list[list[str]]) -> str:
    return ", ".join(f"{a}-{b}" for a, b in spans)


def parse_spans(text: str) -> list[list[str]]:
    """'08:00-12:00, 13:00-22:00' -> [['08:00', '12:00'], ['13:00', '22:00']]; '' = closed."""
    spans = []
    for raw in text.split(","):
        part = raw.strip()
        if not part:
            continue
        if "-" not in part:
            raise ValidationError(
                QCoreApplication.translate(
                    "SettingsView", "'{part}' is not a span like 08:00-22:00."
                ).format(part=part)
            )
        start, end = (p.strip() for p in part.split("-", 1))
        spans.append([start, end])
    return spans


class SettingsView(QWidget):
    loaded = Signal()
    saved = Signal(object)

    def __init__(self, runner: TaskRunner, api: ApiClient, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.api = api
        self.timezone = QComboBox(self)
        self.timezone.setEditable(True)
        self.timezone.addItems(sorted(zoneinfo.available_timezones()))
        self.timezone.setAccessibleName(self.tr("Time zone"))
        day_names = dict(
            zip(
                DAY_KEYS,
                (
                    self.tr("Monday"),
                    self.tr("Tuesday"),
                    self.tr("Wednesday"),
                    self.tr("Thursday"),
                    self.tr("Friday"),
                    self.tr("Saturday"),
                    self.tr("Sunday"),
                ),
                strict=True,
            )
        )
        priority_names = dict(
            zip(
                PRIORITY_KEYS,
                (
                    self.tr("Urgent"),
                    self.tr("High"),
                    self.tr("Normal"),
                    self.tr("Low"),
                ),
                strict=True,
            )
        )
        self.days = {key: QLineEdit(self) for key in DAY_KEYS}
        for key, edit in self.days.items():
            edit.setPlaceholderText(self.tr("closed"))
            edit.setAccessibleName(day_names[key])
        self.holidays = QPlainTextEdit(self)
        self.holidays.setPlaceholderText("2026-12-25\n2026-12-26")
        self.holidays.setAccessibleName(self.tr("Holidays"))
        self.holidays.setMaximumHeight(90)
        self.save_hours = QPushButton(self.tr("Save business hours"), self)
        hours_box = QGroupBox(self.tr("Business hours (SLA clocks pause outside them)"), self)
        hf = QFormLayout(hours_box)
        hf.addRow(self.tr("Time zone"), self.timezone)
        for key in DAY_KEYS:
            hf.addRow(day_names[key], self.days[key])
        hf.addRow(self.tr("Holidays (one date per line)"), self.holidays)
        hf.addRow(self.save_hours)

        self.targets = {key: QSpinBox(self) for key in PRIORITY_KEYS}
        sla_box = QGroupBox(self.tr("First-response targets"), self)
        sf = QFormLayout(sla_box)
        for key in PRIORITY_KEYS:
            spin = self.targets[key]
            spin.setRange(1, 7 * 24 * 60)
            spin.setSuffix(self.tr(" min"))
            spin.setAccessibleName(priority_names[key])
            sf.addRow(priority_names[key], spin)
        self.save_sla = QPushButton(self.tr("Save targets"), self)
        sf.addRow(self.save_sla)

        self.ack_enabled = QCheckBox(
            self.tr("Acknowledge mentions that arrive outside hours"), self
        )
        self.ack_template = QComboBox(self)
        self.ack_template.setAccessibleName(self.tr("Acknowledgement template"))
        self.save_ack = QPushButton(self.tr("Save"), self)
        ack_box = QGroupBox(self.tr("Out-of-hours reply"), self)
        af = QFormLayout(ack_box)
        af.addRow(self.ack_enabled)
        af.addRow(self.tr("Template"), self.ack_template)
        af.addRow(self.save_ack)

        self.influencers = QSpinBox(self)
        self.influencers.setRange(0, 1_000_000_000)
        self.influencers.setSpecialValueText(self.tr("off"))
        self.influencers.setSuffix(self.tr(" followers"))
        self.influencers.setAccessibleName(self.tr("Influencer threshold"))
        self.influencer_priority = QComboBox(self)
        self.negative_priority = QComboBox(self)
        for box in (self.influencer_priority, self.negative_priority):
            for key in PRIORITY_KEYS:
                box.addItem(priority_names[key], PRIORITY_LEVELS[key])
        self.keyword_rules = QPlainTextEdit(self)
        self.keyword_rules.setPlaceholderText("high | churn-risk | opzeg*, cancel*")
        self.keyword_rules.setAccessibleName(self.tr("Keyword rules"))
        self.keyword_rules.setMaximumHeight(80)
        self.keyword_rules.setToolTip(
            self.tr(
                "One rule per line: priority | tag | words. A word ending in * matches"
                " every word that starts with it (opzeg* = opzeggen, opzegging)."
            )
        )
        self.negative_words = QLineEdit(self)
        self.negative_words.setAccessibleName(self.tr("Negative words"))
        self.save_rules = QPushButton(self.tr("Save rules"), self)
        rules_box = QGroupBox(self.tr("Priority rules for new mentions"), self)
        rf = QFormLayout(rules_box)
        rf.addRow(self.tr("Influencer from"), self.influencers)
        rf.addRow(self.tr("Influencer priority"), self.influencer_priority)
        rf.addRow(self.tr("Keyword rules"), self.keyword_rules)
        rf.addRow(self.tr("Negative words"), self.negative_words)
        rf.addRow(self.tr("Negative priority"), self.negative_priority)
        rf.addRow(self.save_rules)

        self.status = plain_label("", selectable=True)
        columns = QHBoxLayout()
        columns.addWidget(hours_box, 3)
        right = QVBoxLayout()
        right.addWidget(sla_box)
        right.addWidget(ack_box)
        right.addWidget(rules_box)
        right.addStretch(1)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.status)
        self.save_hours.clicked.connect(self.save_business_hours)
        self.save_sla.clicked.connect(self.save_targets)
        self.save_ack.clicked.connect(self.save_auto_ack)
        self.save_rules.clicked.connect(self.save_priority_rules)

    def refresh(self) -> None:
        def load() -> tuple[dict[str, Any], list[dict[str, Any]]]:
            return self.api.settings(), self.api.templates()

        self.runner.net(load, lambda result: self._show(*result), self._failed)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(error_text(error))

    def _show(self, data: dict[str, Any], templates: list[dict[str, Any]]) -> None:
        hours = data["business_hours"]
        self.timezone.setCurrentText(hours["timezone"])
        for key, edit in self.days.items():
            edit.setText(spans_text(hours["weekly"].get(key, [])))
        self.holidays.setPlainText("\n".join(hours.get("holidays", [])))
        for key, spin in self.targets.items():
            spin.setValue(round(data["sla_targets_s"][key] / 60))
        self.ack_template.clear()
        for t in templates:
            self.ack_template.addItem(f"{t['title']} [{t['language']}]", t["id"])
        ack = data["auto_ack"]
        self.ack_enabled.setChecked(bool(ack["enabled"]))
        if ack["template_id"] is not None:
            self.ack_template.setCurrentIndex(
                max(0, self.ack_template.findData(ack["template_id"]))
            )
        rules = data.get("priority_rules")
        if rules:
            self.influencers.setValue(rules["influencer_followers"] or 0)
            for box, value in (
                (self.influencer_priority, rules["influencer_priority"]),
                (self.negative_priority, rules["negative_priority"]),
            ):
                box.setCurrentIndex(max(0, box.findData(value)))
            self.keyword_rules.setPlainText(rules_text(rules["keywords"]))
            self.negative_words.setText(", ".join(rules["negative_words"]))
        self.loaded.emit()

    def priority_rules_dict(self) -> dict[str, Any]:
        data = {
            "influencer_followers": self.influencers.value() or None,
            "influencer_priority": self.influencer_priority.currentData(),
            "keywords": parse_rules(self.keyword_rules.toPlainText()),
            "negative_words": [
                w.strip() for w in self.negative_words.text().split(",") if w.strip()
            ],
            "negative_priority": self.negative_priority.currentData(),
        }
        PriorityRules.from_dict(data)
        return data

    def save_priority_rules(self) -> None:
        try:
            data = self.priority_rules_dict()
        except ValidationError as exc:
            self.status.setText(exc.message)
            return
        self._put("priority-rules", data)

    def business_hours_dict(self) -> dict[str, Any]:
        """What the form says, checked locally first (the server checks again)."""
        data = {
            "timezone": self.timezone.currentText().strip(),
            "weekly": {key: parse_spans(edit.text()) for key, edit in self.days.items()},
            "holidays": [
                line.strip() for line in self.holidays.toPlainText().splitlines() if line.strip()
            ],
        }
        BusinessHours.from_dict(data)
        return data

    def _put(self, name: str, value: dict[str, Any]) -> None:
        def done(result: dict[str, Any]) -> None:
            self.status.setText(self.tr("Saved."))
            self.saved.emit(result)

        self.runner.net(lambda: self.api.put_setting(name, value), done, self._failed)

    def save_business_hours(self) -> None:
        try:
            data = self.business_hours_dict()
        except ValidationError as exc:
            self.status.setText(exc.message)
            return
        self._put("business-hours", data)

    def save_targets(self) -> None:
        self._put("sla-targets", {k: spin.value() * 60 for k, spin in self.targets.items()})

    def save_auto_ack(self) -> None:
        self._put(
            "auto-ack",
            {
                "enabled": self.ack_enabled.isChecked(),
                "template_id": self.ack_template.currentData(),
            },
        )
