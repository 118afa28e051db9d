"""Mentions per weekday and hour as a coloured grid (QtCharts has no heatmap)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from webcare.ui.text import weekday_names


class Heatmap(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: list[list[int]] = [[0] * 24 for _ in range(7)]
        self.setMinimumSize(QSize(520, 200))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(self.tr("Mentions per weekday and hour"))
        self.setMouseTracking(True)

    def set_counts(self, counts: list[list[int]]) -> None:
        self.counts = [list(row) for row in counts]
        total = sum(map(sum, self.counts))
        peak = max((max(r) for r in self.counts), default=0)
        self.setAccessibleDescription(
            self.tr("{n} mentions; busiest hour has {p}").format(n=total, p=peak)
        )
        self.update()

    def _cell(self, day: int, hour: int) -> QRect:
        left, top = 44, 22
        w = max(1, (self.width() - left - 8) // 24)
        h = max(1, (self.height() - top - 8) // 7)
        return QRect(left + hour * w, top + day * h, w - 2, h - 2)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        pal = self.palette()  # the theme's colours (light or dark)
        painter.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        peak = max((max(r) for r in self.counts), default=0) or 1
        painter.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
        days = weekday_names()
        for hour in range(0, 24, 3):
            cell = self._cell(0, hour)
            painter.drawText(cell.left(), 14, f"{hour:02d}")
        for day in range(7):
            cell = self._cell(day, 0)
            painter.setPen(pal.color(QPalette.ColorRole.Text))
            painter.drawText(
                QRect(0, cell.top(), 40, cell.height()),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                days[day],
            )
            for hour in range(24):
                n = self.counts[day][hour]
                strength = n / peak
                color = (
                    QColor.fromRgbF(1 - 0.85 * strength, 1 - 0.55 * strength, 1 - 0.1 * strength)
                    if n
                    else pal.color(QPalette.ColorRole.AlternateBase)
                )
                painter.fillRect(self._cell(day, hour), color)
        painter.end()

    def event(self, event: QEvent) -> bool:  # tooltips with the exact count
        if isinstance(event, QHelpEvent) and event.type() == QEvent.Type.ToolTip:
            pos: QPoint = event.pos()
            days = weekday_names()
            for day in range(7):
                for hour in range(24):
                    if self._cell(day, hour).contains(pos):
                        QToolTip.showText(
                            event.globalPos(),
                            f"{days[day]} {hour:02d}:00–{hour:02d}:59: {self.counts[day][hour]}",
                            self,
                        )
                        return True
            QToolTip.hideText()
            return True
        return super().event(event)
