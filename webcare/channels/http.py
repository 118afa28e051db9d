"""The HTTP side shared by the platform connectors: timeouts, errors in words, rate limits.

Every platform reports rate limits a little differently; :func:`rate_limit_wait` reads them all:

* ``Retry-After`` (seconds or an HTTP date) — RFC 9110, sent by most platforms with 429/503;
* ``X-RateLimit-Remaining`` + ``X-RateLimit-Reset`` as an ISO 8601 time — Mastodon;
* ``x-rate-limit-remaining`` + ``x-rate-limit-reset`` as epoch seconds — X API v2;
* ``RateLimit-Remaining`` + ``RateLimit-Reset`` as epoch seconds — Bluesky PDS.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any

import requests

from webcare import __version__
from webcare.channels.errors import (
    AuthFailed,
    ChannelError,
    MalformedResponse,
    RateLimited,
    html_summary,
    looks_like_html,
    readable,
)

DEFAULT_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds
USER_AGENT = f"Webcare/{__version__} (+https://github.com/webcare)"
#: Statuses where a retry cannot help (the request itself is wrong for the platform).
_PERMANENT = {400, 403, 404, 405, 409, 410, 413, 422}


def _reset_seconds(value: str, now: float) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
        return max(0.0, when - now)
    # epoch seconds (X, Bluesky) or, if small, seconds from now
    return max(0.0, number - now) if number > 1_000_000_000 else max(0.0, number)


def _header(headers: Mapping[str, str], *names: str) -> str | None:
    for name in names:
        value = headers.get(name)
        if value is not None:
            return value
    return None


def _retry_after_header(headers: Mapping[str, str], now: float) -> float | None:
    value = _header(headers, "Retry-After", "retry-after")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError, IndexError):
        return None


def retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds to wait after a 429 according to ``Retry-After`` or, as a 429 says the quota is
    spent, the reset header; ``None`` if neither."""
    wait = _retry_after_header(headers, now)
    if wait is not None:
        return wait
    reset = _header(headers, "X-RateLimit-Reset", "x-rate-limit-reset", "RateLimit-Reset")
    return _reset_seconds(reset, now) if reset is not None else None


def server_error_wait(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds to wait after a 5xx: ``Retry-After``, or the reset only if the quota is spent
    too; ``None`` (the caller's backoff) otherwise. Mastodon sends its reset header on every
    response, the end of its 5-minute window: a 503 with the quota left says nothing about
    when to come back."""
    wait = _retry_after_header(headers, now)
    return wait if wait is not None else rate_limit_wait(headers, now)


def rate_limit_wait(headers: Mapping[str, str], now: float) -> float | None:
    """When the quota is spent (remaining = 0), seconds until it resets; else ``None``."""
    remaining = _header(
        headers, "X-RateLimit-Remaining", "x-rate-limit-remaining", "RateLimit-Remaining"
    )
    if remaining is None or remaining.strip() not in {"0", "0.0"}:
        return None
    reset = _header(headers, "X-RateLimit-Reset", "x-rate-limit-reset", "RateLimit-Reset")
    if reset is None:
        return 60.0
    return _reset_seconds(reset, now)


def _reason(response: requests.Response) -> str:
    """The status line's words ("Bad Gateway"), or the standard ones for the code."""
    reason = readable(str(response.reason or ""), 60)
    if not reason:
        try:
            reason = HTTPStatus(response.status_code).phrase
        except ValueError:
            reason = ""
    return reason


def _says_more(summary: str, status: int, reason: str) -> bool:
    """Whether a page's summary says more than its status line ("502 Bad Gateway" does not)."""
    words = set(re.findall(r"\w+", summary.casefold()))
    known = {str(status), "error", "http", "code", *re.findall(r"\w+", reason.casefold())}
    return bool(words - known)


def platform_message(response: requests.Response) -> str:
    """The platform's own words for an error, from the usual JSON shapes, else the status.

    An HTML page (a proxy's or load balancer's error page) is never shown as markup: the status
    with its reason, and the page's title or first heading as plain text when it says more
    ("HTTP 502 Bad Gateway", "HTTP 500 Internal Server Error: We're sorry, but something went
    wrong."). Whatever the platform said is cut to :data:`MAX_WORDS` characters on one line.
    """
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    text = ""
    if isinstance(body, dict):
        for key in ("error_description", "detail", "message", "error", "title"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                text = value.strip()
                break
        errors = body.get("errors")
        if not text and isinstance(errors, list) and errors:
            first = errors[0]
            if isinstance(first, dict):
                text = str(first.get("message") or first.get("detail") or "").strip()
    if not text:
        raw = response.text or ""
        content_type = response.headers.get("Content-Type", "").lower()
        if "html" in content_type or looks_like_html(raw):
            reason = _reason(response)
            head = f"HTTP {status} {reason}".rstrip()
            summary = html_summary(raw, lambda words: _says_more(words, status, reason))
            return f"{head}: {summary}" if summary else head
        text = raw or str(response.reason or "")
    text = readable(text)
    return f"HTTP {status}: {text}" if text else f"HTTP {status}"


class Http:
    """A ``requests.Session`` bound to one platform's base URL, raising :class:`ChannelError`."""

    def __init__(
        self,
        base_url: str,
        *,
        platform: str,
        headers: Mapping[str, str] | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        clock: Callable[[], float] = time.time,
        verify: bool | str = True,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.platform = platform
        self.timeout = timeout
        self.clock = clock
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"
        self.session.verify = verify
        if headers:
            self.session.headers.update(headers)
        #: What the last response said about the rate limit (seconds to wait), for the batch.
        self.last_wait_s: float | None = None

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Send; return the response when it is 2xx, else raise a :class:`ChannelError`."""
        kwargs.setdefault("timeout", self.timeout)
        try:
            response = self.session.request(method, self.url(path), **kwargs)
        except requests.Timeout as exc:
            raise ChannelError(f"{self.platform} did not answer in time ({exc}).") from exc
        except requests.RequestException as exc:
            raise ChannelError(f"Could not reach {self.platform}: {exc}") from exc
        now = self.clock()
        self.last_wait_s = rate_limit_wait(response.headers, now)
        status = response.status_code
        if 200 <= status < 300:
            return response
        message = f"{self.platform} refused the request ({platform_message(response)})."
        if status == 429:
            wait = retry_after(response.headers, now)
            raise RateLimited(message, retry_after_s=wait if wait is not None else 60.0,
                              status=status)  # fmt: skip
        if status == 401:
            raise AuthFailed(message, status=status)
        if status >= 500:
            raise ChannelError(message, retry_after_s=server_error_wait(response.headers, now),
                               status=status)  # fmt: skip
        raise ChannelError(message, permanent=status in _PERMANENT, status=status)

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """Like :meth:`request`, and the body parsed as JSON."""
        response = self.request(method, path, **kwargs)
        try:
            return response.json()
        except ValueError as exc:
            raise MalformedResponse(
                f"{self.platform} answered something that is not JSON"
                f" ({response.headers.get('Content-Type', 'no content type')})."
            ) from exc

    def close(self) -> None:
        self.session.close()
