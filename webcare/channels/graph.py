"""Meta's Graph API, the parts every Meta connector shares (Facebook Pages and Messenger now;
Instagram and the WhatsApp Cloud API use the same host, errors, limits and webhooks).

* **Versions.** Every call goes to ``{base}/{version}/…``; :data:`DEFAULT_VERSION` is a version
  Meta supports until mid 2028; a channel may set another (a version lives about two years).
* **Errors** are ``{"error": {"message", "type", "code", "error_subcode", "error_user_msg",
  "fbtrace_id", "is_transient"}}`` with (mostly) HTTP 400, so :func:`graph_error` decides by
  ``code`` and never by the HTTP status:

  - 190 (and 102): the token is dead → :class:`TokenError`, permanent, with what the admin
    must do for its subcode (458 app removed, 460 password changed, 463 expired, …);
  - 4, 17, 32, 613, 80001-80014, 130429, 131056: rate limits → :class:`RateLimited`, waiting as
    long as the usage headers say (``estimated_time_to_regain_access``, in minutes), else
    exponentially (the channel runner's backoff);
  - 1, 2, ``is_transient``, HTTP 5xx: a retry may help; 368 (blocked for a while): in an hour;
  - 10 / 2018278: outside the messaging window → :class:`OutsideWindow`; 10900 (a private
    reply was already sent for this comment) → :class:`AlreadyReplied`; everything else is
    permanent (a retry cannot help), in Meta's own words.
* **Usage headers** (``X-App-Usage``, ``X-Page-Usage``, ``X-Business-Use-Case-Usage``, JSON
  percentages 0-100): :func:`usage_wait` asks to slow down at 90 % and to stop at 100 % (or for
  as long as Meta estimates), so the limit is rarely hit at all.
* **Paging**: ``paging.next`` (an absolute URL) is the only reliable sign that there is more (a
  page may be empty and still have one); :meth:`Graph.pages` follows it, only on our own host.
* **Times**: REST reads give ISO 8601 with ``+0000`` (:func:`parse_time`); webhooks give Unix
  seconds (Pages ``feed``) or milliseconds (Messenger) (:func:`epoch_seconds`, :func:`epoch_ms`).
* **Files** of messages (and of Facebook comments) are signed addresses on Meta's CDN
  (``lookaside.fbsbx.com``, ``*.fbcdn.net``, ``*.cdninstagram.com``) that need no token and
  expire: :func:`attachment_refs` turns a message's attachments into :class:`MediaRef` records
  whose ref is that address, and :meth:`Graph.fetch_file` downloads one, from those hosts only,
  without the token (the team server checks type and size).
* **Webhooks**: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>``
  (:func:`signature_ok`; the raw bytes as received: Meta escapes ``/``, ``<``, ``@``, ``%`` and
  every non-ASCII character before signing, so never re-serialize), and the subscription
  handshake ``hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`` (:func:`challenge`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from webcare.channels.base import ConfigField, MediaBlob, MediaRef
from webcare.channels.errors import (
    AuthFailed,
    ChannelError,
    MalformedResponse,
    NotConfigured,
    RateLimited,
    readable,
)
from webcare.channels.http import Http, platform_message
from webcare.channels.settings import Settings

DEFAULT_BASE_URL = "https://graph.facebook.com"

#: v25.0 (February 2026) is available until July 2028; newer ones work as well.
DEFAULT_VERSION = "v25.0"


#: The settings every Meta connector's form ends with: the app secret, the webhook verify
#: token (``verify_token_field``), the Graph API version and address.
APP_SECRET_FIELD = ConfigField(
    "app_secret",
    "App secret",
    required=True,
    secret=True,
    help="The Meta app's App Secret (App settings > Basic): every webhook delivery is"
    " checked against it.",
)
API_FIELDS = (
    ConfigField(
        "api_version",
        "Graph API version",
        default=DEFAULT_VERSION,
        help="Meta keeps each version about two years, e.g. v25.0.",
    ),
    ConfigField(
        "base_url",
        "Graph API address",
        default=DEFAULT_BASE_URL,
        kind="url",
        help="Leave as it is (only for a proxy or a test server).",
    ),
)


def api_settings(settings: Settings) -> tuple[str, str]:
    """(the Graph API version, its address) of a Meta channel's settings (``API_FIELDS``),
    the version checked."""
    version = settings.text("api_version") or DEFAULT_VERSION
    if not (version.startswith("v") and version[1:].replace(".", "", 1).isdigit()):
        raise NotConfigured(f"Graph API version must look like v25.0, not {version!r}.")
    return version, settings.text("base_url") or DEFAULT_BASE_URL


def verify_token_field(where: str) -> ConfigField:
    """The generated webhook verify token; ``where``: where it goes in the Meta app."""
    return ConfigField(
        "verify_token",
        "Webhook verify token",
        secret=True,
        generate=True,
        help="Leave empty: Webcare makes one and shows it once. Paste it, with the callback"
        f" URL, in the Meta app's {where}.",
    )


#: How many pages one paged read follows before it stops (the rest comes next time).
MAX_PAGES = 10

#: Throttling: app (4), user (17), page (32), custom (613), business use case (80000–80014),
#: WhatsApp (130429 throughput, 131056 pair rate), application limit (341).
RATE_LIMIT_CODES = frozenset({4, 17, 32, 341, 613, 130429, 131056, *range(80000, 80015)})
TOKEN_CODES = frozenset({102, 190})
TRANSIENT_CODES = frozenset({1, 2})

#: What the admin must do about a dead token, by its subcode (Graph "Handling Errors").
TOKEN_ADVICE: dict[int | None, str] = {
    458: "The app was removed from the Page (or the business integrations): connect the Page"
    " to the app again and paste a new Page access token.",
    459: "The token's owner must log in at facebook.com and clear the security checkpoint,"
    " then create a new Page access token.",
    460: "The token's owner changed their password: create a new Page access token.",
    463: "The token has expired: create a new one. A long-lived Page token or a system user's"
    " token does not expire.",
    464: "The token's owner must confirm their Facebook account, then create a new token.",
    467: "The token was revoked or its owner logged out: create a new Page access token.",
    490: "The token's owner must clear a security checkpoint at facebook.com, then create a"
    " new token.",
    492: "The token's owner has no role on the Page any more: give them the Page task"
    " (MODERATE for comments, MESSAGING for Messenger) again, then create a new token.",
    None: "The token is not valid (pasted wrongly?): paste the Page access token again.",
}

_MINUTE = 60.0

#: Where Meta keeps the files of messages and comments (platforms.md §5): a file elsewhere is
#: not fetched (a delivery names the address; the Graph host itself is allowed for a proxy).
CDN_DOMAINS = ("fbcdn.net", "fbsbx.com", "cdninstagram.com")
#: A message attachment's ``type`` (webhooks) as a media kind. Stickers are PNG or GIF images.
#: The rest (share, story_mention, reel, template, fallback, location) are not files.
ATTACHMENT_KINDS = {"image": "image", "sticker": "image", "animated_image": "image",
                    "video": "video", "audio": "audio", "file": "document"}  # fmt: skip
#: Files kept per message.
MAX_MEDIA = 10


class GraphError(ChannelError):
    """Meta refused a call; ``code`` / ``subcode`` are Meta's (``None`` when it said none)."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        subcode: int | None = None,
        permanent: bool = False,
        retry_after_s: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message, permanent=permanent, retry_after_s=retry_after_s, status=status)
        self.code = code
        self.subcode = subcode


class TokenError(AuthFailed):
    """Graph error 190: the token is expired, revoked or wrong. An admin must replace it."""

    def __init__(self, message: str, *, code: int, subcode: int | None, status: int) -> None:
        super().__init__(message, permanent=True, status=status)
        self.code = code
        self.subcode = subcode


class GraphRateLimited(RateLimited):
    """A Graph rate limit (4, 17, 32, 613, 80001 …)."""

    def __init__(
        self, message: str, *, code: int, retry_after_s: float | None, status: int
    ) -> None:
        super().__init__(message, retry_after_s=retry_after_s, status=status)
        self.code = code


class OutsideWindow(GraphError):
    """10 / 2018278: the messaging window has closed (the customer wrote too long ago)."""


class AlreadyReplied(GraphError):
    """10900: a private reply was sent for this comment already (by us, or by hand)."""


# --- times -----------------------------------------------------------------------------------
def parse_time(value: Any) -> float:
    """A Graph REST time (``2026-11-20T08:01:44+0000``; also ``Z``, ``+00:00`` or Unix
    seconds, which some endpoints give) as epoch seconds; ``ValueError`` if it is none."""
    if isinstance(value, bool):
        raise ValueError("not a time")
    if isinstance(value, int | float):
        return epoch_seconds(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError("not a time")
    text = value.strip()
    if text.isdigit():
        return epoch_seconds(int(text))
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def epoch_seconds(value: Any) -> float:
    """Unix seconds (an int, or digits in a string as WhatsApp sends them)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("not a Unix time")
    return float(value)


def epoch_ms(value: Any) -> float:
    """Unix milliseconds (Messenger's ``timestamp`` and watermarks) as epoch seconds."""
    return epoch_seconds(value) / 1000.0


def iso(epoch: float) -> str:
    """Epoch seconds the way Graph writes them: ``2026-11-20T08:01:44+0000``."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


# --- ids -------------------------------------------------------------------------------------
def graph_id(value: Any, limit: int = 200) -> str | None:
    """An id as Meta gives it (a digit string, ``m_…``, ``t_…``; old payloads send numbers),
    opaque, never parsed; ``None`` when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip() and len(value) <= limit:
        return value.strip()
    return None


# --- webhooks --------------------------------------------------------------------------------
def sign(app_secret: str, body: bytes) -> str:
    """``sha256=<hex>``: what Meta puts in ``X-Hub-Signature-256`` for ``body``."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(app_secret: str, header: str | None, body: bytes) -> bool:
    """Whether ``header`` (``X-Hub-Signature-256``) signs ``body`` with ``app_secret``.

    The HMAC is computed even when the header or the secret is missing, and compared in
    constant time, so every wrong request costs the same.
    """
    expected = sign(app_secret or "\x00no secret", body).encode()
    given = (header or "").strip().lower().encode("ascii", "replace")
    return hmac.compare_digest(expected, given) and bool(app_secret) and bool(header)


def challenge(params: Mapping[str, str], verify_token: str) -> str | None:
    """The GET handshake: ``hub.challenge`` to echo when ``hub.mode`` is ``subscribe`` and
    ``hub.verify_token`` is ours (compared in constant time); else ``None``."""
    given = params.get("hub.verify_token", "")
    same = hmac.compare_digest(given.encode(), (verify_token or "\x00").encode())
    if not (same and verify_token and params.get("hub.mode") == "subscribe"):
        return None
    answer = params.get("hub.challenge", "")
    if not answer or len(answer) > 200:
        return None
    return answer


def load_push(body: bytes, obj: str) -> list[dict[str, Any]]:
    """The ``entry`` list of a webhook delivery for object ``obj`` (``page``, ``instagram``,
    ``whatsapp_business_account``); ``ValueError`` naming what is wrong with it."""
    try:
        payload = json.loads(body)
    except RecursionError:
        raise ValueError("the body is nested too deeply") from None
    except (ValueError, UnicodeDecodeError):
        raise ValueError("the body is not JSON") from None
    if not isinstance(payload, dict):
        raise ValueError("the body is not a JSON object")
    if payload.get("object") != obj:
        raise ValueError(
            f"the body is not a {obj!r} notification (object: {payload.get('object')!r})"
        )
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise ValueError("the body has no entry list")
    return [e for e in entries if isinstance(e, dict)]


# --- rate limits -----------------------------------------------------------------------------
def _percentages(value: Any) -> list[float]:
    if not isinstance(value, dict):
        return []
    out = []
    for key in ("call_count", "total_cputime", "total_time", "acc_id_util_pct"):
        number = value.get(key)
        if isinstance(number, int | float) and not isinstance(number, bool):
            out.append(float(number))
    return out


def usage_wait(headers: Mapping[str, str]) -> float | None:
    """How long to pause according to Meta's usage headers, or ``None`` (carry on).

    ``estimated_time_to_regain_access`` (minutes) is Meta's own estimate; otherwise at 100 %
    of any share we stop for 10 minutes and from 90 % slow down to one call every 2 minutes.
    """
    shares: list[float] = []
    regain_min = 0.0
    for name in ("X-App-Usage", "X-Page-Usage", "X-Ad-Account-Usage"):
        raw = headers.get(name)
        if raw:
            try:
                shares.extend(_percentages(json.loads(raw)))
            except ValueError:
                continue
    raw = headers.get("X-Business-Use-Case-Usage")
    if raw:
        try:
            usage = json.loads(raw)
        except ValueError:
            usage = None
        if isinstance(usage, dict):
            for entries in usage.values():
                for entry in entries if isinstance(entries, list) else []:
                    shares.extend(_percentages(entry))
                    if isinstance(entry, dict):
                        eta = entry.get("estimated_time_to_regain_access")
                        if isinstance(eta, int | float) and not isinstance(eta, bool):
                            regain_min = max(regain_min, float(eta))
    if regain_min > 0:
        return regain_min * _MINUTE
    top = max(shares, default=0.0)
    if top >= 100:
        return 10 * _MINUTE
    if top >= 90:
        return 2 * _MINUTE
    return None


# --- errors ----------------------------------------------------------------------------------
def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def graph_error(response: requests.Response, platform: str, wait_s: float | None) -> ChannelError:
    """The :class:`ChannelError` for a refused Graph call (see the module docstring)."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or _int(error.get("code")) is None:
        # not Graph's envelope (a proxy's page, a gateway error): judge by the status
        words = f"{platform} refused the request ({platform_message(response)})."
        if status == 429:
            return RateLimited(words, retry_after_s=wait_s, status=status)
        if status == 401:
            return AuthFailed(words, status=status)
        return ChannelError(words, permanent=400 <= status < 500 and status != 408,
                            retry_after_s=wait_s, status=status)  # fmt: skip
    code = _int(error.get("code"))
    assert code is not None
    subcode = _int(error.get("error_subcode"))
    said = readable(str(error.get("message") or ""), 160)
    user_said = readable(str(error.get("error_user_msg") or ""), 160)
    details = error.get("error_data")
    if isinstance(details, dict) and isinstance(details.get("details"), str):
        user_said = user_said or readable(details["details"], 160)
    number = f"{code}/{subcode}" if subcode is not None else str(code)
    words = said or f"error {number}"
    if user_said and user_said not in words:
        words += f" — {user_said}"
    quoted = f"{platform}: {words} (code {number})"
    if code in TOKEN_CODES:
        advice = TOKEN_ADVICE.get(subcode, TOKEN_ADVICE[None])
        return TokenError(
            f"{platform} no longer accepts the access token: {advice} ({words}; code {number})",
            code=code, subcode=subcode, status=status,
        )  # fmt: skip
    if code in RATE_LIMIT_CODES:
        return GraphRateLimited(
            f"{platform} is rate limiting us; we wait before trying again ({words}; code"
            f" {number}).",
            code=code, retry_after_s=wait_s, status=status,
        )  # fmt: skip
    if code == 10900:
        return AlreadyReplied(quoted, code=code, subcode=subcode, permanent=True, status=status)
    if code == 10 and subcode in (2018278, 2534022):
        return OutsideWindow(quoted, code=code, subcode=subcode, permanent=True, status=status)
    if code == 368:
        return GraphError(quoted, code=code, subcode=subcode, retry_after_s=3600.0,
                          status=status)  # fmt: skip
    transient = code in TRANSIENT_CODES or error.get("is_transient") is True or status >= 500
    return GraphError(
        quoted, code=code, subcode=subcode, permanent=not transient,
        retry_after_s=wait_s if transient else None, status=status,
    )  # fmt: skip


# --- files -----------------------------------------------------------------------------------
def _cdn_url(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) > 2000:
        return None
    return value if value.startswith(("https://", "http://")) else None


def _file_name(url: str) -> str | None:
    """The last part of a CDN address when it looks like a file's name (``factuur.pdf``)."""
    name = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1][:200]
    return name if "." in name.strip(".") else None


def _size(value: Any) -> int | None:
    number = _int(value)
    return number if number is not None and number >= 0 else None


def attachment_refs(attachments: Any) -> tuple[MediaRef, ...]:
    """The files among a message's attachments, in order: the webhook's list of ``{type,
    payload: {url}}`` (images, stickers, video, audio, files), or the Conversations API's
    ``{"data": [{mime_type, name, size, image_data{url} | video_data{url} | file_url}]}``.
    What is not a file (a shared post, a story mention, a template) has no ref here."""
    if isinstance(attachments, dict):
        attachments = attachments.get("data")
    found: list[MediaRef] = []
    for item in attachments if isinstance(attachments, list) else []:
        if not isinstance(item, dict) or len(found) >= MAX_MEDIA:
            continue
        payload = item.get("payload")
        if "type" in item:  # a webhook's attachment
            kind = ATTACHMENT_KINDS.get(str(item.get("type")))
            url = _cdn_url(payload.get("url")) if isinstance(payload, dict) else None
            if kind is not None and url is not None:
                name = _file_name(url) if kind == "document" else None
                found.append(MediaRef(kind, url, filename=name))
            continue
        mime = item.get("mime_type") if isinstance(item.get("mime_type"), str) else None
        image, video = item.get("image_data"), item.get("video_data")
        if isinstance(image, dict) and _cdn_url(image.get("url")):
            kind, url = "image", _cdn_url(image.get("url"))
        elif isinstance(video, dict) and _cdn_url(video.get("url")):
            kind, url = "video", _cdn_url(video.get("url"))
        elif _cdn_url(item.get("file_url")):
            kind = "audio" if (mime or "").startswith("audio/") else "document"
            url = _cdn_url(item.get("file_url"))
        else:
            continue
        assert url is not None
        name = item.get("name")
        found.append(
            MediaRef(
                kind,
                url,
                mime=mime.strip()[:200] or None if mime else None,
                size=_size(item.get("size")),
                filename=name.strip()[:200] or None if isinstance(name, str) else None,
            )
        )
    return tuple(found)


# --- the client ------------------------------------------------------------------------------
class Graph(Http):
    """Calls to ``{base_url}/{version}`` with a bearer token, raising Graph's errors as
    :class:`ChannelError` and keeping what the usage headers ask in ``last_wait_s``."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        version: str = DEFAULT_VERSION,
        platform: str = "Facebook",
        clock: Callable[[], float] = time.time,
    ) -> None:
        root = base_url.rstrip("/")
        super().__init__(
            f"{root}/{version}" if version else root,
            platform=platform,
            clock=clock,
            headers={"Authorization": f"Bearer {token}"},
        )
        self._host = urlsplit(root).netloc
        self._files: Http | None = None

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            # paging.next: followed only on the host we were given (never where a page says)
            if urlsplit(path).netloc != self._host:
                raise MalformedResponse(f"{self.platform} gave a next page on another host.")
            return path
        return self.base_url + path

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        try:
            response = self.session.request(method, self.url(path), **kwargs)
        except requests.Timeout as exc:
            raise ChannelError(f"{self.platform} did not answer in time ({exc}).") from exc
        except requests.RequestException as exc:
            raise ChannelError(f"Could not reach {self.platform}: {exc}") from exc
        self.last_wait_s = usage_wait(response.headers)
        if 200 <= response.status_code < 300:
            return response
        raise graph_error(response, self.platform, self.last_wait_s)

    def object(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """A call whose answer must be a JSON object."""
        answer = self.json(method, path, **kwargs)
        if not isinstance(answer, dict):
            raise MalformedResponse(f"{self.platform} did not answer with an object.")
        return answer

    def pages(
        self, path: str, params: Mapping[str, str] | None = None, *, max_pages: int = MAX_PAGES
    ) -> Iterator[list[Any]]:
        """The ``data`` of each page of a paged read, following ``paging.next``."""
        url: str | None = path
        query: Mapping[str, str] | None = params
        for _ in range(max_pages):
            assert url is not None
            page = self.object("GET", url, params=query)
            data = page.get("data")
            if not isinstance(data, list):
                raise MalformedResponse(f"{self.platform} answered a page without data.")
            yield data
            url = next_page(page)
            query = None
            if url is None:
                return

    def fetch_file(self, url: str, *, max_bytes: int) -> MediaBlob:
        """A file of a message or comment from Meta's CDN (:data:`CDN_DOMAINS`), without the
        token (the address is signed), read up to ``max_bytes`` (``MediaTooLarge`` beyond).

        An address the CDN no longer serves (it expired, or the message was deleted) is a
        permanent error that says so."""
        host = (urlsplit(url).hostname or "").lower()
        ours = host == (urlsplit(self.base_url).hostname or "").lower()
        if not ours and not any(host == d or host.endswith("." + d) for d in CDN_DOMAINS):
            raise ChannelError(
                f"{self.platform} gave a file address outside Meta's CDN ({host or url[:80]});"
                " Webcare does not fetch from there.",
                permanent=True,
            )
        if self._files is None:  # a session of its own: the token never goes with a file
            self._files = Http(self.base_url, platform=self.platform, clock=self.clock,
                               timeout=self.timeout, headers={"Accept": "*/*"})  # fmt: skip
        try:
            return self._files.download(url, max_bytes=max_bytes)
        except ChannelError as exc:
            if exc.status not in (403, 404, 410):
                raise
            raise ChannelError(
                f"{self.platform} no longer serves this file (its address expired, or the"
                f" message was deleted); it can still be seen in {self.platform}'s own inbox."
                f" ({exc.message})",
                permanent=True,
                status=exc.status,
            ) from exc

    def close(self) -> None:
        if self._files is not None:
            self._files.close()
        super().close()


def next_page(page: Any) -> str | None:
    """``paging.next`` of a page (an edge inside an object has one too), or ``None``."""
    paging = page.get("paging") if isinstance(page, dict) else None
    nxt = paging.get("next") if isinstance(paging, dict) else None
    return nxt if isinstance(nxt, str) and nxt.startswith(("http://", "https://")) else None


def edge(obj: Any, name: str) -> list[Any]:
    """The ``data`` of an edge inlined with ``fields=name{…}`` (``[]`` when absent)."""
    value = obj.get(name) if isinstance(obj, dict) else None
    data = value.get("data") if isinstance(value, dict) else None
    return data if isinstance(data, list) else []
