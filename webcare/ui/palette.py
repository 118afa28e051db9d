"""The colours of the light and dark themes, and the arithmetic to check them (no Qt here).

``resources/styles/base.qss`` names colours as ``@variables``; :func:`render` substitutes one
palette into it (``packaging/build_resources.py`` writes ``light.qss`` and ``dark.qss`` from
it). :data:`CONTRAST_PAIRS` lists every text/background pair the stylesheet uses, with the
WCAG 2.x minimum it must meet; ``tests/gui/test_accessibility.py`` computes them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Palette = dict[str, str]

LIGHT: Palette = {
    "window": "#f6f7f9",
    "base": "#ffffff",
    "alt_base": "#f9fafb",
    "text": "#111827",
    "text_muted": "#4b5563",
    "text_subtle": "#6b7280",
    "text_disabled": "#9ca3af",
    "border": "#858f9d",  # input and button outlines: 3:1 (WCAG 1.4.11)
    "check_border": "#6b7280",
    "border_soft": "#e2e6eb",
    "header_bg": "#eef1f5",
    "header_text": "#374151",
    "sidebar_bg": "#1f2a37",
    "sidebar_text": "#e5e9f0",
    "sidebar_hover": "#2c3a4b",
    "accent": "#2563eb",
    "accent_text": "#ffffff",
    "accent_disabled": "#93c5fd",
    "focus": "#2563eb",
    "selection_bg": "#bfdbfe",
    "selection_text": "#111827",
    "button_hover": "#f3f4f6",
    "presence_bg": "#eef2f7",
    "presence_text": "#374151",
    "mine_bg": "#dcfce7",
    "mine_text": "#14532d",
    "other_bg": "#fde7d9",
    "other_text": "#7c2d12",
    "final_bg": "#e5e7eb",
    "final_text": "#374151",
    "mention_bg": "#f3f4f6",
    "mention_border": "#e5e7eb",
    "reply_bg": "#e0edff",
    "reply_border": "#c7dcff",
    "note_bg": "#fff7d6",
    "note_border": "#e5c96b",
    "outbox_bg": "#f1f5f9",
    "outbox_border": "#94a3b8",
    "rejected_bg": "#fee2e2",
    "rejected_border": "#f87171",
    "error": "#b91c1c",
    "warning": "#9a3412",
    "success": "#15803d",
    "banner_bg": "#dbeafe",
    "banner_text": "#1e3a8a",
    "conflict_bg": "#fef3c7",
    "conflict_text": "#78350f",
    "match_bg": "#fde68a",
    "match_text": "#111827",
    "icon": "#374151",
}

DARK: Palette = {
    "window": "#14181e",
    "base": "#1b2027",
    "alt_base": "#20262e",
    "text": "#e6e9ee",
    "text_muted": "#b3bcc8",
    "text_subtle": "#9aa4b2",
    "text_disabled": "#5f6874",
    "border": "#667080",
    "check_border": "#8b95a3",
    "border_soft": "#2c333d",
    "header_bg": "#232a33",
    "header_text": "#cdd3dc",
    "sidebar_bg": "#0e1116",
    "sidebar_text": "#d5dbe3",
    "sidebar_hover": "#1d242d",
    "accent": "#2563eb",
    "accent_text": "#ffffff",
    "accent_disabled": "#233a63",
    "focus": "#60a5fa",
    "selection_bg": "#1e3a5f",
    "selection_text": "#f3f6fa",
    "button_hover": "#262d36",
    "presence_bg": "#262e38",
    "presence_text": "#d1d7df",
    "mine_bg": "#12331f",
    "mine_text": "#a7f3c5",
    "other_bg": "#3b2114",
    "other_text": "#fdc6a6",
    "final_bg": "#2a3038",
    "final_text": "#c3cad3",
    "mention_bg": "#232a33",
    "mention_border": "#303844",
    "reply_bg": "#16263d",
    "reply_border": "#26436e",
    "note_bg": "#2f2710",
    "note_border": "#6b5a22",
    "outbox_bg": "#1f262f",
    "outbox_border": "#566172",
    "rejected_bg": "#3a1618",
    "rejected_border": "#b93b3b",
    "error": "#f87171",
    "warning": "#fbbf24",
    "success": "#4ade80",
    "banner_bg": "#1e3a5f",
    "banner_text": "#dbeafe",
    "conflict_bg": "#3a2e0c",
    "conflict_text": "#fde68a",
    "match_bg": "#854d0e",
    "match_text": "#fef9c3",
    "icon": "#cdd3dc",
}

PALETTES: dict[str, Palette] = {"light": LIGHT, "dark": DARK}

BODY_TEXT = 4.5  # WCAG 2.x AA, normal text
LARGE_OR_UI = 3.0  # WCAG 2.x AA, large text (18pt, 14pt bold) and UI components / states


@dataclass(frozen=True)
class Pair:
    """A foreground on a background as the stylesheet uses it, and the contrast it needs."""

    what: str
    fg: str
    bg: str
    minimum: float


CONTRAST_PAIRS: tuple[Pair, ...] = (
    Pair("body text", "text", "base", BODY_TEXT),
    Pair("text on the window", "text", "window", BODY_TEXT),
    Pair("alternate queue rows", "text", "alt_base", BODY_TEXT),
    Pair("secondary text (profile, headers)", "text_muted", "base", BODY_TEXT),
    Pair("secondary text on the window", "text_muted", "window", BODY_TEXT),
    Pair("secondary text on mentions", "text_muted", "mention_bg", BODY_TEXT),
    Pair("secondary text on replies", "text_muted", "reply_bg", BODY_TEXT),
    Pair("hints and empty states", "text_subtle", "base", BODY_TEXT),
    Pair("hints on the window", "text_subtle", "window", BODY_TEXT),
    Pair("table headers", "header_text", "header_bg", BODY_TEXT),
    Pair("views sidebar", "sidebar_text", "sidebar_bg", BODY_TEXT),
    Pair("selected view", "accent_text", "accent", BODY_TEXT),
    Pair("send button", "accent_text", "accent", BODY_TEXT),
    Pair("selected queue row", "selection_text", "selection_bg", BODY_TEXT),
    Pair("presence: free", "presence_text", "presence_bg", BODY_TEXT),
    Pair("presence: mine", "mine_text", "mine_bg", BODY_TEXT),
    Pair("presence: someone else", "other_text", "other_bg", BODY_TEXT),
    Pair("presence: closed", "final_text", "final_bg", BODY_TEXT),
    Pair("internal note text", "text", "note_bg", BODY_TEXT),
    Pair("refused write text", "text", "rejected_bg", BODY_TEXT),
    Pair("errors", "error", "base", BODY_TEXT),
    Pair("errors on the window", "error", "window", BODY_TEXT),
    Pair("warnings", "warning", "base", BODY_TEXT),
    Pair("status bar: online", "success", "window", BODY_TEXT),
    Pair("status bar: offline", "warning", "window", BODY_TEXT),
    Pair("banner", "banner_text", "banner_bg", BODY_TEXT),
    Pair("edit conflict note", "conflict_text", "conflict_bg", BODY_TEXT),
    Pair("offline banner, a claim that may lapse", "conflict_text", "conflict_bg", BODY_TEXT),
    Pair("search matches in the queue", "match_text", "match_bg", BODY_TEXT),
    Pair("search result count", "text_muted", "window", BODY_TEXT),
    Pair("icons", "icon", "base", LARGE_OR_UI),
    Pair("icons on the window", "icon", "window", LARGE_OR_UI),
    Pair("input and button outlines", "border", "base", LARGE_OR_UI),
    Pair("input outlines on the window", "border", "window", LARGE_OR_UI),
    Pair("current mention outline", "focus", "mention_bg", LARGE_OR_UI),
    Pair("over-limit counter", "error", "base", LARGE_OR_UI),
    Pair("a template value still to fill in: outline", "error", "rejected_bg", LARGE_OR_UI),
    Pair("checkbox outline", "check_border", "base", LARGE_OR_UI),
    Pair("checkbox outline on the window", "check_border", "window", LARGE_OR_UI),
    Pair("ticked checkbox", "accent", "base", LARGE_OR_UI),
    Pair("ticked checkbox on the window", "accent", "window", LARGE_OR_UI),
    Pair("checkbox tick", "accent_text", "accent", LARGE_OR_UI),
)

_VARIABLE = re.compile(r"@([a-z_]+)\b")
_FONT_SIZE = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)px")


def render(template: str, palette: Palette) -> str:
    """Substitute ``@name`` by the palette's colour; an unknown name is an error."""

    def colour(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in palette:
            raise KeyError(f"base.qss uses @{name}, which the palette does not define")
        return palette[name]

    return _VARIABLE.sub(colour, template)


def variables(template: str) -> set[str]:
    return set(_VARIABLE.findall(template))


def scale_font_sizes(stylesheet: str, scale: float) -> str:
    """Scale every ``font-size: Npx`` (the user's font size setting)."""
    if abs(scale - 1.0) < 1e-6:
        return stylesheet
    return _FONT_SIZE.sub(lambda m: f"font-size: {round(float(m.group(1)) * scale)}px", stylesheet)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    h = colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG contrast ratio, 1.0 … 21.0."""
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def contrast_report(palette: Palette) -> list[tuple[Pair, float]]:
    return [(p, contrast_ratio(palette[p.fg], palette[p.bg])) for p in CONTRAST_PAIRS]
