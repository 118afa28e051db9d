"""The snooze menu (S): a few presets, a date of one's choosing, or until the customer writes.

The presets are the team's (``webcare.domain.snooze``: "tomorrow 9:00" is 9:00 in the team's
time zone, "next business day" its next opening); each item says when that is on this
computer's clock. The menu is a plain ``QMenu``: arrows, Enter, the underlined letters and Esc
work as in any menu. Choosing emits :class:`SnoozeChoice`; the inbox's actions queue it.
"""

from __future__ import annotations

import time as clock
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QMenu,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from webcare.domain import snooze
from webcare.domain.business_hours import BusinessHours
from webcare.ui.text import wake_time
from webcare.ui.widgets.conversation import plain_label


@dataclass(frozen=True, slots=True)
class SnoozeChoice:
    """Until when: a wake time (epoch seconds), or until the customer writes again."""

    until: float | None = None
    until_customer: bool = False


class SnoozeMenu(QMenu):
    """The presets of a snooze, computed for ``now`` in the team's ``hours``."""

    chosen = Signal(object)  # SnoozeChoice

    def __init__(self, hours: BusinessHours, parent: QWidget | None = None, *,
                 now: float | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("snoozeMenu")
        self.setTitle(self.tr("Snooze"))
        self.setAccessibleName(self.tr("Snooze until"))
        self.hours = hours
        self.now = now if now is not None else clock.time()
        self.dialog: SnoozeDateDialog | None = None
        hour = snooze.in_one_hour(self.now)
        self._add(self.tr("For 1 &hour ({when})"), SnoozeChoice(hour), "hour", hour)
        tomorrow = snooze.tomorrow_at(self.now, hours)
        self._add(self.tr("&Tomorrow 9:00 ({when})"), SnoozeChoice(tomorrow), "tomorrow", tomorrow)
        business = snooze.next_business_day(self.now, hours)
        if business is not None:
            self._add(
                self.tr("&Next business day ({when})"), SnoozeChoice(business), "business", business
            )
        pick = self.addAction(self.tr("Pick a &date…"))
        pick.setObjectName("snooze_date")
        pick.triggered.connect(self.pick_date)
        self.addSeparator()
        customer = self.addAction(self.tr("Until the &customer writes again"))
        customer.setObjectName("snooze_customer")
        customer.triggered.connect(lambda: self.chosen.emit(SnoozeChoice(until_customer=True)))

    def _add(self, text: str, choice: SnoozeChoice, name: str, until: float) -> None:
        action = self.addAction(text.format(when=wake_time(until, self.now)))
        action.setObjectName(f"snooze_{name}")
        action.triggered.connect(lambda: self.chosen.emit(choice))

    def pick_date(self) -> None:
        """A date and time of one's own (in the team's time zone), checked as it is typed."""
        dialog = SnoozeDateDialog(self.hours, self.parentWidget(), now=self.now)
        self.dialog = dialog

        def done(code: int) -> None:
            self.dialog = None
            dialog.deleteLater()
            if code == QDialog.DialogCode.Accepted:
                self.chosen.emit(SnoozeChoice(dialog.until()))

        dialog.finished.connect(done)
        dialog.open()


class SnoozeDateDialog(QDialog):
    """Snooze until a date and time of the team's time zone (9:00 tomorrow to begin with)."""

    def __init__(self, hours: BusinessHours, parent: QWidget | None = None, *,
                 now: float | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("snoozeDateDialog")
        self.setWindowTitle(self.tr("Snooze until a date"))
        self.hours = hours
        self.now = now if now is not None else clock.time()
        zone = ZoneInfo(hours.timezone)
        today = datetime.fromtimestamp(self.now, zone).date()
        start = today + timedelta(days=1)
        self.date = QDateEdit(QDate(start.year, start.month, start.day), self)
        self.date.setObjectName("snoozeDate")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        last = today + timedelta(days=365)
        self.date.setDateRange(
            QDate(today.year, today.month, today.day), QDate(last.year, last.month, last.day)
        )
        self.time = QTimeEdit(QTime(snooze.MORNING.hour, snooze.MORNING.minute), self)
        self.time.setObjectName("snoozeTime")
        self.time.setDisplayFormat("HH:mm")
        self.when = plain_label("", selectable=False)
        self.when.setObjectName("snoozeWhen")
        self.when.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("&Snooze"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("&Date:"), self.date)
        form.addRow(self.tr("&Time ({zone}):").format(zone=hours.timezone), self.time)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.when)
        layout.addWidget(self.buttons)
        self.date.dateChanged.connect(self._check)
        self.time.timeChanged.connect(self._check)
        self._check()
        self.date.setFocus(Qt.FocusReason.OtherFocusReason)

    def until(self) -> float:
        d, t = self.date.date(), self.time.time()
        return snooze.on_date(
            date(d.year(), d.month(), d.day()), time(t.hour(), t.minute()), self.hours
        )

    def problem(self) -> str | None:
        """Why the chosen moment cannot be a wake time (the server's own rule, on our clock)."""
        reason = snooze.problem(self.until(), clock.time())
        if reason is None:
            return None
        if self.until() <= clock.time():
            return self.tr("That moment has passed; choose a later one.")
        return self.tr("A mention can be snoozed for at most a year.")

    def _check(self) -> None:
        reason = self.problem()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(reason is None)
        self.when.setText(
            reason
            if reason is not None
            else self.tr("It comes back {when} (your computer's time).").format(
                when=wake_time(self.until())
            )
        )
