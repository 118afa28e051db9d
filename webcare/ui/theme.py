"""The look of the client: a light and a dark theme that follow the system, and font scaling.

One stylesheet (``resources/styles/base.qss``) with the colours of :mod:`webcare.ui.palette`;
the build writes ``light.qss`` and ``dark.qss`` from it. The theme choice is ``"system"``
(follow ``QStyleHints.colorScheme()`` and react to ``colorSchemeChanged``), ``"light"`` or
``"dark"``, stored as ``ui/theme``; the font size is a percentage, ``ui/font_scale``. Both are
applied live by the one :class:`ThemeManager` of the application.
"""

from __future__ import annotations

import logging
import re

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from webcare.ui import resources
from webcare.ui.palette import PALETTES, Palette, render, scale_font_sizes

log = logging.getLogger("webcare.ui.theme")

THEME_SETTING = "ui/theme"
THEMES = ("system", "light", "dark")
FONT_SETTING = "ui/font_scale"
FONT_SCALES = (80, 200)  # percent, inclusive
MIN_POINT_SIZE = 10.0


_in_effect: dict[str, Palette] = {"colours": PALETTES["light"]}


def colour(name: str) -> QColor:
    """A colour of the palette in effect (for text drawn by models and painters)."""
    return QColor(_in_effect["colours"][name])


def theme_setting(settings: QSettings) -> str:
    value = str(settings.value(THEME_SETTING, "system") or "system").strip().lower()
    return value if value in THEMES else "system"


def font_setting(settings: QSettings) -> int:
    try:
        value = int(str(settings.value(FONT_SETTING, 100)))
    except ValueError:
        return 100
    return max(FONT_SCALES[0], min(FONT_SCALES[1], value))


def system_scheme() -> str:
    """``"dark"`` when the system (or Qt's override) asks for dark, else ``"light"``."""
    scheme = QGuiApplication.styleHints().colorScheme()
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"


_URL = re.compile(r"url\(\s*([^():\s]+)\s*\)")


def _absolute_urls(text: str) -> str:
    """``url(styles/check.svg)`` -> the file's absolute path: Qt would read a relative one
    from the current directory, not from the resources."""

    def absolute(match: re.Match[str]) -> str:
        return f'url("{resources.resource_path(match.group(1)).as_posix()}")'

    return _URL.sub(absolute, text)


def stylesheet(mode: str, font_scale: int = 100) -> str:
    """The generated sheet of ``mode`` (rendered from base.qss if the build has not run)."""
    try:
        text = resources.resource_path(f"styles/{mode}.qss").read_text(encoding="utf-8")
    except FileNotFoundError:
        log.warning("styles/%s.qss missing; rendering base.qss", mode)
        base = resources.resource_path("styles/base.qss").read_text(encoding="utf-8")
        text = render(base, PALETTES[mode])
    return scale_font_sizes(_absolute_urls(text), font_scale / 100)


def qpalette(colours: Palette) -> QPalette:
    """The Qt palette for widgets the stylesheet does not style (menus, tabs, dialogs)."""
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "window",
        QPalette.ColorRole.WindowText: "text",
        QPalette.ColorRole.Base: "base",
        QPalette.ColorRole.AlternateBase: "alt_base",
        QPalette.ColorRole.Text: "text",
        QPalette.ColorRole.Button: "base",
        QPalette.ColorRole.ButtonText: "text",
        QPalette.ColorRole.BrightText: "error",
        QPalette.ColorRole.Highlight: "accent",
        QPalette.ColorRole.HighlightedText: "accent_text",
        QPalette.ColorRole.ToolTipBase: "base",
        QPalette.ColorRole.ToolTipText: "text",
        QPalette.ColorRole.PlaceholderText: "text_subtle",
        QPalette.ColorRole.Link: "accent",
        QPalette.ColorRole.Mid: "border",
        QPalette.ColorRole.Midlight: "border_soft",
        QPalette.ColorRole.Light: "base",
        QPalette.ColorRole.Dark: "border",
    }
    for role, key in roles.items():
        p.setColor(role, QColor(colours[key]))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(colours["text_disabled"]))
    if colours is PALETTES["dark"]:
        p.setColor(QPalette.ColorRole.Link, QColor(colours["focus"]))
    return p


class ThemeManager(QObject):
    """Applies theme and font size to the application; one per QApplication."""

    changed = Signal(str)  # the theme in effect: "light" or "dark"

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName("webcare-theme")
        self.app = app
        self.mode = "system"
        self.font_scale = 100
        self.effective = ""
        self._applied: tuple[str, int] | None = None
        self._base_point_size = max(MIN_POINT_SIZE, app.font().pointSizeF())
        app.styleHints().colorSchemeChanged.connect(self._system_changed)

    @classmethod
    def of(cls, app: QApplication) -> ThemeManager:
        found = app.findChild(ThemeManager, "webcare-theme")
        return found if isinstance(found, ThemeManager) else cls(app)

    def apply(self, mode: str | None = None, font_scale: int | None = None) -> None:
        """Switch theme (``system``/``light``/``dark``) and/or font size, live."""
        if mode is not None:
            self.mode = mode if mode in THEMES else "system"
            self._override_scheme()
        if font_scale is not None:
            self.font_scale = max(FONT_SCALES[0], min(FONT_SCALES[1], int(font_scale)))
        effective = system_scheme() if self.mode == "system" else self.mode
        if self._applied == (effective, self.font_scale):
            return
        self._applied = (effective, self.font_scale)
        self.effective = effective
        colours = PALETTES[effective]
        _in_effect["colours"] = colours
        resources.set_icon_colours(colours["icon"], colours["text_disabled"])
        self.app.setStyle("Fusion")
        self.app.setPalette(qpalette(colours))
        font = QFont(self.app.font())
        font.setPointSizeF(self._base_point_size * self.font_scale / 100)
        self.app.setFont(font)
        self.app.setStyleSheet(stylesheet(effective, self.font_scale))
        self.changed.emit(effective)

    def _override_scheme(self) -> None:
        """Tell Qt (and so native dialogs and Qt's own styles) about an explicit choice."""
        hints = self.app.styleHints()
        if self.mode == "system":
            hints.unsetColorScheme()
        else:
            hints.setColorScheme(
                Qt.ColorScheme.Dark if self.mode == "dark" else Qt.ColorScheme.Light
            )

    def _system_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.mode == "system":
            self.apply()


def apply(app: QApplication, settings: QSettings | None = None) -> ThemeManager:
    """Apply the stored (or default: system, 100 %) theme and font size to ``app``."""
    manager = ThemeManager.of(app)
    if settings is None:
        manager.apply(mode=manager.mode, font_scale=manager.font_scale)
    else:
        manager.apply(mode=theme_setting(settings), font_scale=font_setting(settings))
    return manager
