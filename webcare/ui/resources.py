"""Icons and stylesheets of the client, found by a plain directory lookup.

The sources in ``resources/`` are formats Qt reads directly (SVG, QSS), so nothing is compiled
into Python: the client looks in the installed package first (``webcare/resources``, put there
by the wheel, see ``pyproject.toml``) and then in the source tree. ``packaging/build_resources.py``
generates what is derived from the sources (``styles/light.qss``, ``styles/dark.qss``, the PNG
app icons for desktops) next to them; ``tests/unit/test_resources.py`` checks that every path
used here exists and that the generated files are current.

Action icons are line drawings in ``currentColor``; :func:`icon` paints them in the theme's
icon colour at paint time, so they follow a theme switch without being rebuilt.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QIconEngine, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

ACTION_ICONS = (
    "claim",
    "release",
    "reply",
    "template",
    "note",
    "send",
    "resolve",
    "reopen",
    "spam",
    "next",
    "previous",
    "search",
    "sync",
    "settings",
    "team",
    "export",
    "open_link",
    "keyboard",
    "sign_out",
)
APP_ICON = "icons/webcare.svg"
APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

_colours = {"normal": "#374151", "disabled": "#9ca3af"}


def resource_dirs() -> list[Path]:
    """Where resources live: in the installed package, or in the source tree."""
    package = Path(__file__).resolve().parents[1]
    return [package / "resources", package.parent / "resources"]


def resource_path(relative: str) -> Path:
    """The file ``relative`` (e.g. ``"styles/light.qss"``); FileNotFoundError if absent."""
    for folder in resource_dirs():
        path = folder / relative
        if path.is_file():
            return path
    raise FileNotFoundError(f"resource {relative!r} not found in {resource_dirs()}")


def app_icon_png(size: int) -> str:
    return f"icons/png/webcare-{size}.png"


def set_icon_colours(normal: str, disabled: str) -> None:
    """The theme's colours for line icons (called when a theme is applied)."""
    _colours["normal"] = normal
    _colours["disabled"] = disabled


@cache
def _svg(relative: str) -> bytes:
    return resource_path(relative).read_bytes()


class _LineIconEngine(QIconEngine):
    """Renders a ``currentColor`` SVG in the current (or a fixed) colour, at any size."""

    def __init__(self, svg: bytes, colour: str | None) -> None:
        super().__init__()
        self._svg = svg
        self._colour = colour

    def _tinted(self, mode: QIcon.Mode) -> QSvgRenderer:
        if self._colour is not None:
            colour = self._colour
        else:
            colour = _colours["disabled" if mode == QIcon.Mode.Disabled else "normal"]
        return QSvgRenderer(QByteArray(self._svg.replace(b"currentColor", colour.encode())))

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        self._tinted(mode).render(painter, QRectF(rect))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return _LineIconEngine(self._svg, self._colour)

    def key(self) -> str:
        return "webcare-line-icon"


def icon(name: str, colour: str | None = None) -> QIcon:
    """The action icon ``icons/<name>.svg``, in the theme's icon colour unless ``colour``."""
    return QIcon(_LineIconEngine(_svg(f"icons/{name}.svg"), colour))


def app_icon() -> QIcon:
    """The application icon: the SVG, plus the exported PNGs where they exist."""
    result = QIcon()
    for size in APP_ICON_SIZES:
        try:
            result.addFile(str(resource_path(app_icon_png(size))), QSize(size, size))
        except FileNotFoundError:
            continue
    result.addFile(str(resource_path(APP_ICON)))
    return result
