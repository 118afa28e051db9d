"""The HTTP side shared by the platform connectors: timeouts, errors in words, rate limits.

Every platform reports rate limits a little differently; :func:`rate_limit_wait` reads them all:

* ``Retry-After`` (seconds or an HTTP date) — RFC 9110, sent by most platforms with 429/503;
* ``X-RateLimit-Remaining`` + ``X-RateLimit-Reset`` as an ISO 8601 time — Mastodon;
* ``x-rate-limit-remaining`` + ``x-rate-limit-reset`` as epoch seconds — X API v2;
* ``RateLimit-Remaining`` + ``RateLimit-Reset`` as epoch seconds — Bluesky PDS.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from webcare import __version__
from webcare.channels.base import MediaBlob
from webcare.channels.errors import (
    AuthFailed,
    ChannelError,
    MalformedResponse,
    MediaTooLarge,
    RateLimited,
    html_summary,
    looks_like_html,
    readable,
)
from webcare.domain.media import size_words

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


#: Redirects a media download follows (each hop is checked like the first address).
MAX_REDIRECTS = 3
_CHUNK = 64 * 1024


def _internal(host: str) -> bool:
    """Whether ``host`` is, or resolves to, an address inside this machine or its network
    (loopback, private, link-local, reserved, multicast): not somewhere a platform's files are."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False  # the request itself will say it cannot reach the host
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if (
            address.is_loopback
            or address.is_private
            or address.is_link_local
            or address.is_reserved
            or address.is_multicast
            or address.is_unspecified
        ):
            return True
    return False


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
        if 300 <= status < 400 and kwargs.get("allow_redirects") is False and response.is_redirect:
            return response  # the caller follows it (checking where it leads)
        if kwargs.get("stream"):  # a streamed error: read only what its words can need
            try:
                response._content = response.raw.read(_CHUNK, decode_content=True) or b""
            except Exception:  # a broken connection: the status alone says enough
                response._content = b""
            response.close()
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

    def download(
        self, url: str, *, max_bytes: int, headers: Mapping[str, str] | None = None
    ) -> MediaBlob:
        """A file at ``url`` (absolute, or a path on the platform), read as a stream that stops
        at ``max_bytes``: a larger one raises :class:`MediaTooLarge`, announced or not.

        Addresses inside our own network are refused unless the platform itself lives there
        (an instance on the LAN, a test): a post's media URL must not make the team server
        fetch from its neighbours. Redirects are followed (at most :data:`MAX_REDIRECTS`), each
        hop checked the same way. The session's ``Authorization`` goes only to the platform's
        own host (a CDN or another server never sees the token).
        """
        target = self.url(url)
        base = urlsplit(self.base_url)
        base_host = base.hostname or ""
        inside = _internal(base_host)
        for _hop in range(MAX_REDIRECTS + 1):
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ChannelError(f"{self.platform} gave a media address Webcare cannot fetch.",
                                   permanent=True)  # fmt: skip
            if not inside and _internal(parts.hostname):
                raise ChannelError(
                    f"{self.platform} gave a media address inside the server's own network"
                    f" ({parts.hostname}); Webcare does not fetch from there.",
                    permanent=True,
                )
            sent: dict[str, str | None] = dict(headers or {})
            if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) and (
                "Authorization" not in sent
            ):
                sent["Authorization"] = None  # the platform's token stays with the platform
            response = self.request("GET", target, headers=sent, stream=True, allow_redirects=False)
            if response.is_redirect and response.headers.get("Location"):
                target = urljoin(target, response.headers["Location"])
                response.close()
                continue
            return self._read_limited(response, max_bytes)
        raise ChannelError(f"{self.platform} redirected the media download too often.")

    def _read_limited(self, response: requests.Response, max_bytes: int) -> MediaBlob:
        try:
            announced = response.headers.get("Content-Length", "").strip()
            if announced.isdigit() and int(announced) > max_bytes:
                size = int(announced)
                raise MediaTooLarge(
                    f"{size_words(size)} is over the {size_words(max_bytes)} limit.", size=size
                )
            chunks: list[bytes] = []
            seen = 0
            try:
                for chunk in response.iter_content(_CHUNK):
                    seen += len(chunk)
                    if seen > max_bytes:
                        raise MediaTooLarge(
                            f"The file is over the {size_words(max_bytes)} limit.", size=None
                        )
                    chunks.append(chunk)
            except requests.RequestException as exc:
                raise ChannelError(
                    f"The download from {self.platform} broke off ({type(exc).__name__})."
                ) from exc
            mime = response.headers.get("Content-Type")
            return MediaBlob(b"".join(chunks), mime.strip() if mime else None)
        finally:
            response.close()

    def close(self) -> None:
        self.session.close()
