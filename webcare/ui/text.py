"""Helpers for showing untrusted text (mentions, names) safely and compactly."""

from __future__ import annotations

import html
import re
import time
from datetime import datetime


def plain_tooltip(text: str, limit: int = 600) -> str:
    """A tooltip that shows ``text`` literally.

    Qt guesses whether a tooltip is rich text; escaping makes the guess harmless: the markup
    of a mention is displayed, never interpreted, and nothing (images, links) is fetched.
    """
    clipped = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"<p style='white-space:pre-wrap'>{html.escape(clipped, quote=True)}</p>"


def one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


_LEADING_MENTIONS = re.compile(r"^(?:@\w{1,30}[\s,:]+)+")


def snippet(text: str, limit: int = 200) -> str:
    """A queue line: the text without the leading @mentions every tweet to a brand starts with."""
    flat = " ".join(text.split())
    stripped = _LEADING_MENTIONS.sub("", flat)
    return one_line(stripped or flat, limit)


def relative_time(ts: float, now: float | None = None) -> str:
    """'3 min ago', 'yesterday 14:05', '11 Oct 2017'."""
    now = now if now is not None else time.time()
    delta = now - ts
    if delta < 60:
        return "just now"
    if delta < 3600:
        return f"{int(delta // 60)} min ago"
    if delta < 86400:
        return f"{int(delta // 3600)} h ago"
    dt = datetime.fromtimestamp(ts)
    if delta < 7 * 86400:
        return dt.strftime("%a %H:%M")
    return dt.strftime("%d %b %Y")


def minutes(seconds: float) -> str:
    m = max(0, round(seconds / 60))
    return "under a minute" if m == 0 else f"{m} min"
