"""Mentions per weekday and hour as a coloured grid (QtCharts has no heatmap).

Each cell shows its count; a colour scale under the grid says what the colours mean (from the
theme's base colour to its highlight, so it reads in the light and the dark theme alike).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QLinearGradient, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from webcare.ui.team.common import number
from webcare.ui.text import weekday_names

LEFT, TOP, LEGEND = 48, 22, 40


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


def _luminance(c: QColor) -> float:
    return 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF()


class Heatmap(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: list[list[int]] = [[0] * 24 for _ in range(7)]
        self.setMinimumSize(QSize(560, 240))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(self.tr("Mentions per weekday and hour"))
        self.setMouseTracking(True)

    @property
    def peak(self) -> int:
        return max((max(r) for r in self.counts), default=0)

    @property
    def total(self) -> int:
        return sum(map(sum, self.counts))

    def set_counts(self, counts: list[list[int]]) -> None:
        self.counts = [list(row) for row in counts]
        self.setAccessibleDescription(
            self.tr("{n} mentions; busiest hour has {p}").format(
                n=number(self.total), p=number(self.peak)
            )
        )
        self.update()

    def _cell(self, day: int, hour: int) -> QRect:
        w = max(1, (self.width() - LEFT - 8) // 24)
        h = max(1, (self.height() - TOP - LEGEND - 8) // 7)
        return QRect(LEFT + hour * w, TOP + day * h, w - 2, h - 2)

    def colour(self, n: int) -> QColor:
        """The cell colour of a count: the theme's base for 0, towards its highlight at the
        busiest hour."""
        pal = self.palette()
        if n <= 0:
            return pal.color(QPalette.ColorRole.AlternateBase)
        strength = n / (self.peak or 1)
        return _mix(
            pal.color(QPalette.ColorRole.Base),
            pal.color(QPalette.ColorRole.Highlight),
            0.18 + 0.82 * strength,
        )

    def _text_on(self, background: QColor) -> QColor:
        return QColor("#101418") if _luminance(background) > 0.5 else QColor("#ffffff")

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        pal = self.palette()  # the theme's colours (light or dark)
        painter.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        days = weekday_names()
        first = self._cell(0, 0)
        step = 1 if first.width() >= 24 else 3
        painter.setPen(muted)
        for hour in range(0, 24, step):
            cell = self._cell(0, hour)
            painter.drawText(
                QRect(cell.left(), 0, cell.width(), TOP - 4),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                f"{hour:02d}",
            )
        small = painter.font()
        small.setPointSizeF(max(6.5, small.pointSizeF() * 0.85))
        for day in range(7):
            cell = self._cell(day, 0)
            painter.setPen(pal.color(QPalette.ColorRole.Text))
            painter.drawText(
                QRect(0, cell.top(), LEFT - 6, cell.height()),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                days[day],
            )
            for hour in range(24):
                n = self.counts[day][hour]
                rect = self._cell(day, hour)
                colour = self.colour(n)
                painter.fillRect(rect, colour)
                if n and rect.width() >= 16 and rect.height() >= 12:
                    painter.setFont(small)
                    painter.setPen(self._text_on(colour))
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, number(n))
                    painter.setFont(self.font())
        self._paint_legend(painter)
        painter.end()

    def _paint_legend(self, painter: QPainter) -> None:
        """'0 [colour scale] 13 mentions per hour · 49 in total', under the grid."""
        pal = self.palette()
        last = self._cell(6, 0)
        y = last.bottom() + 14
        x = LEFT
        height = 12
        width = 180
        metrics = painter.fontMetrics()
        painter.setPen(pal.color(QPalette.ColorRole.Text))
        zero = "0"
        painter.drawText(x, y + height - 1, zero)
        x += metrics.horizontalAdvance(zero) + 6
        gradient = QLinearGradient(x, 0, x + width, 0)
        gradient.setColorAt(0.0, self.colour(1) if self.peak else self.colour(0))
        gradient.setColorAt(1.0, self.colour(self.peak) if self.peak else self.colour(0))
        bar = QRect(x, y, width, height)
        painter.fillRect(bar, self.colour(0))
        painter.fillRect(bar.adjusted(12, 0, 0, 0), gradient)
        painter.setPen(pal.color(QPalette.ColorRole.Mid))
        painter.drawRect(bar)
        x += width + 6
        painter.setPen(pal.color(QPalette.ColorRole.Text))
        painter.drawText(x, y + height - 1, self.legend_text())

    def legend_text(self) -> str:
        return self.tr("{peak} mentions in the busiest hour · {total} in total").format(
            peak=number(self.peak), total=number(self.total)
        )

    def cell_text(self, day: int, hour: int) -> str:
        """'Wed 13:00-13:59: 18 mentions' (the tooltip of a cell)."""
        n = self.counts[day][hour]
        text = (
            self.tr("{day} {start}–{end}: 1 mention")
            if n == 1
            else self.tr("{day} {start}–{end}: {n} mentions")
        )
        return text.format(
            day=weekday_names()[day], start=f"{hour:02d}:00", end=f"{hour:02d}:59", n=number(n)
        )

    def event(self, event: QEvent) -> bool:  # tooltips with the exact count
        if isinstance(event, QHelpEvent) and event.type() == QEvent.Type.ToolTip:
            pos: QPoint = event.pos()
            for day in range(7):
                for hour in range(24):
                    if self._cell(day, hour).contains(pos):
                        QToolTip.showText(
                            event.globalPos(),
                            self.cell_text(day, hour),
                            self,
                        )
                        return True
            QToolTip.hideText()
            return True
        return super().event(event)
