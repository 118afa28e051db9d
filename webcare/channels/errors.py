"""Errors a connector raises when a platform cannot be read or written.

The scheduler and the delivery worker only need two facts from an error: may a retry help
(``permanent`` is false), and how long the platform asked us to wait (``retry_after_s``). The
message is shown to admins (channel status) and agents (a reply that failed), so it says what
the platform said, in words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

#: How long the platform's own words in an error may be (the rest is cut with an ellipsis).
MAX_WORDS = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
_LOOKS_HTML = re.compile(
    r"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|title|h1|center)\b",
    re.IGNORECASE | re.DOTALL,
)


def readable(text: str, limit: int = MAX_WORDS) -> str:
    """Words fit for one line of an error: control characters out, white space collapsed,
    at most ``limit`` characters (cut at a word where it can be, with an ellipsis)."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" .,;:") + "…"


def looks_like_html(text: str) -> bool:
    return _LOOKS_HTML.match(text) is not None


class _Summary(HTMLParser):
    """The title, the first heading and the first words of a page; scripts and styles skipped."""

    _SKIP = frozenset({"script", "style", "template", "noscript", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.heading: list[str] = []
        self.text: list[str] = []
        self._in: list[str] = []
        self._headings = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "hr", "img", "meta", "link", "input"}:
            return
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            while self._in and self._in.pop() != tag:
                pass
        if tag in {"h1", "h2"} and self.heading:
            self._headings += 1

    def handle_data(self, data: str) -> None:
        if "title" in self._in:
            self.title.append(data)
        elif any(t in self._SKIP for t in self._in):
            return
        elif self._headings == 0 and any(t in {"h1", "h2"} for t in self._in):
            self.heading.append(data)
        elif sum(len(t) for t in self.text) < 4 * MAX_WORDS:
            self.text.append(data)


def html_summary(page: str, useful: Callable[[str], bool] = bool) -> str:
    """A page in a few plain words: its title, else its first heading, else its first text.

    ``useful`` can pass over a part that says nothing new (a title that only repeats the
    status line).
    """
    parser = _Summary()
    try:
        parser.feed(page[:100_000])
        parser.close()
    except (AssertionError, ValueError):  # HTMLParser on badly broken markup
        pass
    for part in (parser.title, parser.heading, parser.text):
        words = readable(" ".join(part))
        if words and useful(words):
            return words
    return ""


class ChannelError(Exception):
    """The platform refused or could not be reached."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        retry_after_s: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after_s = retry_after_s
        self.status = status

    def __str__(self) -> str:
        return self.message


class RateLimited(ChannelError):
    """HTTP 429 or an exhausted quota: wait ``retry_after_s`` and try again."""


class AuthFailed(ChannelError):
    """The platform refused our credentials (401). Retried slowly: an admin may fix them."""


class MalformedResponse(ChannelError):
    """The platform answered something we cannot read as its documented format."""


class MediaTooLarge(ChannelError):
    """A file is larger than the team server keeps; ``size`` when the platform said it."""

    def __init__(self, message: str, *, size: int | None = None) -> None:
        super().__init__(message, permanent=True)
        self.size = size


class NotConfigured(ChannelError):
    """A required setting or secret is missing; nothing is tried until an admin sets it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)
