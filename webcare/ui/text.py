"""Helpers for showing untrusted text (mentions, names) safely and compactly."""

from __future__ import annotations

import html
import re
import time
from datetime import datetime

from PySide6.QtCore import QCoreApplication


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


def weekday_names() -> tuple[str, ...]:
    """Short weekday names, Monday first, in the language of the interface."""
    return (
        QCoreApplication.translate("Time", "Mon"),
        QCoreApplication.translate("Time", "Tue"),
        QCoreApplication.translate("Time", "Wed"),
        QCoreApplication.translate("Time", "Thu"),
        QCoreApplication.translate("Time", "Fri"),
        QCoreApplication.translate("Time", "Sat"),
        QCoreApplication.translate("Time", "Sun"),
    )


def month_names() -> tuple[str, ...]:
    """Short month names, January first, in the language of the interface."""
    return (
        QCoreApplication.translate("Time", "Jan"),
        QCoreApplication.translate("Time", "Feb"),
        QCoreApplication.translate("Time", "Mar"),
        QCoreApplication.translate("Time", "Apr"),
        QCoreApplication.translate("Time", "May"),
        QCoreApplication.translate("Time", "Jun"),
        QCoreApplication.translate("Time", "Jul"),
        QCoreApplication.translate("Time", "Aug"),
        QCoreApplication.translate("Time", "Sep"),
        QCoreApplication.translate("Time", "Oct"),
        QCoreApplication.translate("Time", "Nov"),
        QCoreApplication.translate("Time", "Dec"),
    )


def relative_time(ts: float, now: float | None = None) -> str:
    """'3 min ago', 'Wed 14:05', '11 Oct 2017' (translated: '3 min geleden', 'wo 14:05')."""
    now = now if now is not None else time.time()
    delta = now - ts
    if delta < 60:
        return QCoreApplication.translate("Time", "just now")
    if delta < 3600:
        return QCoreApplication.translate("Time", "{n} min ago").format(n=int(delta // 60))
    if delta < 86400:
        return QCoreApplication.translate("Time", "{n} h ago").format(n=int(delta // 3600))
    dt = datetime.fromtimestamp(ts)
    if delta < 7 * 86400:
        return f"{weekday_names()[dt.weekday()]} {dt:%H:%M}"
    return f"{dt.day:02d} {month_names()[dt.month - 1]} {dt.year}"


def day_label(ts: float, now: float | None = None) -> str:
    """A day: 'today', 'yesterday', '12 Nov' in this year, else '11 Oct 2017' (translated)."""
    now = now if now is not None else time.time()
    day, today = datetime.fromtimestamp(ts).date(), datetime.fromtimestamp(now).date()
    if day == today:
        return QCoreApplication.translate("Time", "today")
    if (today - day).days == 1:
        return QCoreApplication.translate("Time", "yesterday")
    month = month_names()[day.month - 1]
    if day.year == today.year:
        return f"{day.day} {month}"
    return f"{day.day} {month} {day.year}"


def wake_time(ts: float, now: float | None = None) -> str:
    """When a snoozed mention wakes, on this computer's clock: 'today 14:32', 'tomorrow
    09:00', 'Mon 26 Oct 08:00', '3 Jan 2027 09:00' (translated)."""
    now = now if now is not None else time.time()
    dt, today = datetime.fromtimestamp(ts), datetime.fromtimestamp(now).date()
    ahead = (dt.date() - today).days
    if ahead == 0:
        day = QCoreApplication.translate("Time", "today")
    elif ahead == 1:
        day = QCoreApplication.translate("Time", "tomorrow")
    elif dt.year == today.year or 0 < ahead < 180:
        day = f"{weekday_names()[dt.weekday()]} {dt.day} {month_names()[dt.month - 1]}"
    else:
        day = f"{dt.day} {month_names()[dt.month - 1]} {dt.year}"
    return f"{day} {dt:%H:%M}"


def minutes(seconds: float) -> str:
    m = max(0, round(seconds / 60))
    if m == 0:
        return QCoreApplication.translate("Time", "under a minute")
    return QCoreApplication.translate("Time", "{n} min").format(n=m)


def hours(seconds: float) -> str:
    """A span of hours for the messaging window: "23 h 12 min", "26 h", "40 min"; after
    three days in days ("4 days")."""
    if seconds < 3600:
        return minutes(seconds)
    if seconds >= 72 * 3600:
        return QCoreApplication.translate("Time", "{n} days").format(n=round(seconds / 86400))
    if seconds > 24 * 3600:
        return QCoreApplication.translate("Time", "{h} h").format(h=round(seconds / 3600))
    h, m = divmod(round(seconds / 60), 60)
    if m == 0:
        return QCoreApplication.translate("Time", "{h} h").format(h=h)
    return QCoreApplication.translate("Time", "{h} h {m} min").format(h=h, m=m)


# A channel name of the form the server builds itself (``@AppleSupport on Twitter``, see
# ``webcare.channels.twcs.channel_for``) or an admin typed alike: one handle, one platform.
_HANDLE_ON_PLATFORM = re.compile(r"(?P<handle>@[^\s@]+(?:@[^\s@]+)?) on (?P<platform>[A-Z][\w.]*)")


def channel_label(name: str) -> str:
    """A channel's name for the screen: "@AppleSupport on Twitter" reads "@AppleSupport op
    Twitter" in Dutch. Other names are the admin's own words and are shown as they are."""
    match = _HANDLE_ON_PLATFORM.fullmatch(name)
    if match is None:
        return name
    #: a brand's account on a platform: "@AppleSupport on Twitter", "@kpn on Mastodon"
    return QCoreApplication.translate("Channel", "{handle} on {platform}").format(
        handle=match["handle"], platform=match["platform"]
    )
