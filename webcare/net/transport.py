"""Transport: sending one request to the team server and reading its answer or its error.

* One ``requests.Session`` per thread: the app calls from a small thread pool and a long-poll
  thread at once, and a ``Session`` is not documented as thread-safe.
* Explicit ``(connect, read)`` timeouts on every call; a long-poll's read timeout covers its
  ``wait``, so a quiet feed is not mistaken for a dead server.
* Every failure is turned into the :mod:`webcare.domain.errors` tree here, at the edge, with the
  server's own ``message`` when it sent one. No ``requests`` exception and no JSON decoding
  error leaves this module.

The API modules build on :class:`Transport`: :class:`~webcare.net.agent_api.ApiClient` is one,
and :class:`~webcare.net.team_api.TeamApi` sends through the agent's.
"""

from __future__ import annotations

import email.utils
import errno
import math
import os
import socket
import threading
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, Self
from urllib.parse import urlsplit

import requests
import requests.auth

from webcare import __version__
from webcare.domain.errors import (
    AuthError,
    ClaimConflict,
    ConflictError,
    NotFoundError,
    PermissionDenied,
    TransientError,
    ValidationError,
    VersionConflict,
    WebcareError,
)
from webcare.net.errors import (
    CertificateError,
    CursorGone,
    OfflineError,
    OutboxInterrupted,
    OutboxOutOfStep,
    ServerError,
)
from webcare.net.urls import normalize_url
from webcare.net.wire import Json

USER_AGENT = f"Webcare/{__version__} (desktop)"
#: Retry-After values above this are treated as this: a broken header must not park the client.
MAX_RETRY_AFTER_S = 3600.0


class _BearerAuth(requests.auth.AuthBase):
    """Sets ``Authorization: Bearer`` (or nothing).

    Passing any ``auth`` object, even one that adds nothing, also stops ``requests`` from
    filling in credentials from ``~/.netrc``, which would replace or leak beside the token.
    """

    def __init__(self, token: str | None) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.token:
            request.headers["Authorization"] = f"Bearer {self.token}"
        return request


class Transport:
    """Requests to one team server with one sign-in, safe to use from several threads at once.

    Every call raises only :class:`~webcare.domain.errors.WebcareError` subclasses:

    * :class:`~webcare.net.errors.OfflineError` (transient): server unreachable or too slow;
    * :class:`~webcare.net.errors.CertificateError`: TLS could not be verified, not connected;
    * :class:`~webcare.domain.errors.AuthError` (401), :class:`PermissionDenied` (403),
      :class:`NotFoundError` (404), :class:`ClaimConflict` / :class:`OutboxOutOfStep` /
      :class:`ConflictError` (409), :class:`~webcare.net.errors.CursorGone` (410),
      :class:`VersionConflict` (412), :class:`ValidationError` (400, 413, 422, 428);
    * :class:`TransientError` (429, 502, 503, 504) with ``retry_after_s``;
      :class:`~webcare.net.errors.OutboxInterrupted` for an outbox ``503`` with ``results``;
    * :class:`~webcare.net.errors.ServerError`: other 5xx, or an answer that cannot be read.

    Attributes:
        base_url: The normalized server address (no trailing slash).
        host: The server's host name, for messages.
        verify: ``True`` (system CAs) or the path of a CA bundle, as given to ``requests``.
        connect_timeout: Seconds to wait for a connection.
        read_timeout: Seconds to wait for an answer (a long-poll adds its ``wait``).
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        verify: bool | str = True,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        allow_insecure_http: bool = False,
    ) -> None:
        """Check the address and settings; no network traffic happens here.

        Args:
            base_url: The team server, e.g. ``https://webcare.example.com``. Plain ``http://``
                is accepted only for this machine unless ``allow_insecure_http``.
            token: A bearer token from an earlier sign-in, if any.
            verify: ``True`` to check certificates against the system's CAs, or the path of
                a CA bundle (a team's own certificate authority). ``False`` turns checking off
                and is meant for tests only.
            connect_timeout: Seconds to wait for a TCP/TLS connection.
            read_timeout: Seconds to wait for an answer once connected.
            allow_insecure_http: Accept ``http://`` to another machine.

        Raises:
            ValidationError: Bad address, missing CA bundle file or non-positive timeouts.
            InsecureUrlError: ``http://`` to another machine without ``allow_insecure_http``.
        """
        self.base_url = normalize_url(base_url, allow_insecure_http=allow_insecure_http)
        self.host = urlsplit(self.base_url).hostname or self.base_url
        if isinstance(verify, str) and not os.path.exists(verify):
            raise ValidationError(
                f"The certificate file {verify} does not exist.", title="Certificate problem"
            )
        if not (connect_timeout > 0 and read_timeout > 0):
            raise ValidationError("Network timeouts must be more than 0 seconds.")
        self.verify = verify
        self.connect_timeout = float(connect_timeout)
        self.read_timeout = float(read_timeout)
        self._lock = threading.Lock()
        self._token = token
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        # close() bumps the generation: a thread then opens a fresh session instead of
        # reusing one that was closed under it.
        self._generation = 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r})"  # never the token

    # --- token and sessions -----------------------------------------------------------------

    @property
    def token(self) -> str | None:
        """The bearer token sent with every call (``None``: not signed in)."""
        with self._lock:
            return self._token

    @token.setter
    def token(self, value: str | None) -> None:
        with self._lock:
            self._token = value

    def _session(self) -> requests.Session:
        with self._lock:
            generation = self._generation
        local = self._local
        session: requests.Session | None = getattr(local, "session", None)
        if session is None or getattr(local, "generation", None) != generation:
            session = requests.Session()
            session.headers["User-Agent"] = USER_AGENT
            session.headers["Accept"] = "application/json"
            with self._lock:
                self._sessions.append(session)
            local.session = session
            local.generation = generation
        return session

    def close(self) -> None:
        """Close every session this client opened, in all threads.

        A call made after ``close()`` opens a new session, which the next ``close()`` closes;
        a request in flight on another thread finishes and its connection is then dropped.
        """
        with self._lock:
            sessions, self._sessions = self._sessions, []
            self._generation += 1
        for session in sessions:
            session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- sending ----------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None,
        json_body: Any,
        headers: dict[str, str] | None,
        read_timeout: float,
        auth: bool,
        data: bytes | None = None,
        stream: bool = False,
    ) -> requests.Response:
        """One request; network failures become :class:`WebcareError`s."""
        token = self.token if auth else None
        if token is not None and not (token.isascii() and token.isprintable()):
            # A damaged stored token would fail deep inside http.client; ask to sign in.
            raise AuthError("The saved sign-in is damaged. Please sign in again.")
        try:
            return self._session().request(
                method,
                self.base_url + path,
                params=params,
                json=json_body,
                data=data,
                headers=headers,
                stream=stream,
                auth=_BearerAuth(token),
                timeout=(self.connect_timeout, read_timeout),
                verify=self.verify,
                # An API answer never needs a redirect; following one could send the password
                # or the token to another address.
                allow_redirects=False,
            )
        except requests.exceptions.SSLError as exc:
            raise self._certificate_error(exc) from exc
        except requests.exceptions.ConnectTimeout as exc:
            raise OfflineError(
                f"Cannot reach the team server at {self.base_url}: no connection within"
                f" {self.connect_timeout:g} seconds."
            ) from exc
        except requests.exceptions.ReadTimeout as exc:
            raise OfflineError(
                f"The team server at {self.base_url} did not answer within"
                f" {read_timeout:g} seconds."
            ) from exc
        except requests.exceptions.ProxyError as exc:
            raise OfflineError(
                f"Cannot reach the team server at {self.base_url}: the network proxy refused"
                " or failed the connection."
            ) from exc
        except requests.exceptions.ConnectionError as exc:
            raise OfflineError(
                f"Cannot reach the team server at {self.base_url}: {_connection_reason(exc)}."
            ) from exc
        except (
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as exc:
            raise OfflineError(
                f"The connection to the team server at {self.base_url} broke off during the answer."
            ) from exc
        except (
            requests.exceptions.InvalidURL,
            requests.exceptions.InvalidSchema,
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidHeader,
        ) as exc:
            raise ValidationError(
                f"Webcare could not form a request to {self.base_url}; check the server address."
            ) from exc
        except requests.exceptions.RequestException as exc:
            raise OfflineError(
                f"Talking to the team server at {self.base_url} failed ({type(exc).__name__})."
            ) from exc
        except OSError as exc:
            # requests raises a bare OSError for an unusable CA bundle.
            raise CertificateError(
                f"Webcare could not load the certificates to check {self.host} with"
                f" ({exc.strerror or type(exc).__name__}), so it did not connect."
            ) from exc

    def _certificate_error(self, exc: requests.exceptions.SSLError) -> CertificateError:
        detail = _ssl_reason(exc)
        if detail is not None:
            return CertificateError(
                f"The certificate of {self.host} could not be verified ({detail}), so Webcare"
                " refused the connection for your safety: someone could be listening in. If"
                " your team uses its own certificate authority, ask your admin for its"
                " certificate file."
            )
        return CertificateError(
            f"A secure connection to {self.host} could not be set up, so Webcare refused the"
            " connection for your safety. Check that the address (https://) and the port are"
            " right."
        )

    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        read_timeout: float | None = None,
        auth: bool = True,
    ) -> Any:
        """Send a request and return its parsed JSON body (``None`` for an empty answer).

        Args:
            method: ``GET``, ``POST``, ``PUT``, ``PATCH`` or ``DELETE``.
            path: The endpoint, from :func:`~webcare.net.urls.api_path`.
            params: The query string's parameters.
            json_body: Sent as the JSON body unless ``None``.
            headers: Extra request headers (``If-Match``).
            read_timeout: Seconds to wait for the answer (default :attr:`read_timeout`).
            auth: Send the bearer token (``False`` for the sign-in and the health check).

        Raises:
            WebcareError: See the class: every failure, mapped.
        """
        response = self._send(
            method,
            path,
            params=params,
            json_body=json_body,
            headers=headers,
            read_timeout=self.read_timeout if read_timeout is None else read_timeout,
            auth=auth,
        )
        status = response.status_code
        if 200 <= status < 300:
            if status == 204 or not response.content:
                return None
            body = _json_or_none(response)
            if body is None:
                raise ServerError(
                    f"The team server at {self.base_url} sent an answer Webcare cannot read"
                    f" ({status}, not JSON). Is this the right address?"
                )
            return body
        if 300 <= status < 400:
            where = response.headers.get("Location", "another address")
            raise ValidationError(
                f"The server at {self.base_url} sends Webcare on to {where}. If that is the"
                " team server, use that address instead.",
                title="Invalid address",
            )
        raise self._error(response)

    def _error(self, response: requests.Response) -> WebcareError:
        """The error for a 4xx/5xx answer, with the server's message when it sent one."""
        status = response.status_code
        parsed = _json_or_none(response)
        body: Json = parsed if isinstance(parsed, dict) else {}
        code = body.get("error") if isinstance(body.get("error"), str) else ""
        raw_message = body.get("message")
        message = raw_message.strip() if isinstance(raw_message, str) else ""
        status_text = _status_text(status)
        if status == 401:
            return AuthError(message or "Your sign-in is no longer valid. Please sign in again.")
        if status == 403:
            return PermissionDenied(message or "Your role does not allow this.")
        if status == 404:
            return NotFoundError(
                message or f"The team server at {self.base_url} does not know this ({status})."
            )
        if status == 409:
            if code == "claimed":
                holder = body.get("holder")
                holder = holder if isinstance(holder, dict) else {}
                name = holder.get("display_name")
                return ClaimConflict(
                    message or "Someone else is already working on this mention.",
                    holder_id=_int_or_none(holder.get("id")),
                    holder_name=name if isinstance(name, str) else None,
                    lease_remaining_s=_float(body.get("lease_remaining_s"), 0.0),
                )
            if code in ("gap", "seq_conflict"):
                results = body.get("results")
                return OutboxOutOfStep(
                    message or "The outbox is out of step with the team server.",
                    code=code,
                    last_seq=_int_or_none(body.get("last_seq")) or 0,
                    results=[r for r in results if isinstance(r, dict)]
                    if isinstance(results, list)
                    else [],
                )
            return ConflictError(message or "This changed on the server in the meantime.")
        if status == 410:
            return CursorGone(
                message or "The team server cannot continue this sync; loading everything again.",
                reason=code or "cursor_expired",
            )
        if status == 412:
            current = body.get("current")
            return VersionConflict(
                message or "Someone else changed this first.",
                current_version=_int_or_none(body.get("current_version")) or 0,
                current=current if isinstance(current, dict) else {},
            )
        if status == 413:
            return ValidationError(message or "This is too large to send to the team server.")
        if status in (400, 422, 428):
            return ValidationError(
                message or f"The team server did not accept this request ({status_text})."
            )
        if status == 429:
            return TransientError(
                message or "Too many attempts. Please wait a moment and try again.",
                retry_after_s=_retry_after(response, 5.0),
            )
        if status == 503 and isinstance(body.get("results"), list):
            return OutboxInterrupted(
                message or "The team server stopped part-way through; Webcare will try again.",
                retry_after_s=_retry_after(response, 2.0),
                results=[r for r in body["results"] if isinstance(r, dict)],
            )
        if status in (502, 503, 504):
            return TransientError(
                message
                or f"The team server at {self.base_url} is temporarily unavailable"
                f" ({status_text}). Webcare will try again.",
                retry_after_s=_retry_after(response, 2.0),
            )
        if status >= 500:
            return ServerError(
                f"The team server had an internal error ({status}). Try again; if it keeps"
                " happening, tell your admin."
            )
        return WebcareError(
            message or f"The team server did not accept this request ({status_text}).",
            title="Unexpected answer",
        )

    def download(self, path: str, *, max_bytes: int) -> bytes:
        """The bytes of a file answer (``Accept: */*``), read as a stream that stops at
        ``max_bytes``.

        Raises:
            ValidationError: The file is larger than ``max_bytes``.
            OfflineError: The download broke off.
        """
        response = self._send(
            "GET", path, params=None, json_body=None, headers={"Accept": "*/*"},
            read_timeout=self.read_timeout, auth=True, stream=True,
        )  # fmt: skip
        try:
            if response.status_code != 200:
                response.content  # noqa: B018 - the error's JSON is small: read it for the words
                raise self._error(response)
            chunks: list[bytes] = []
            seen = 0
            try:
                for chunk in response.iter_content(64 * 1024):
                    seen += len(chunk)
                    if seen > max_bytes:
                        raise ValidationError("The file is larger than Webcare can show.")
                    chunks.append(chunk)
            except requests.exceptions.RequestException as exc:
                raise OfflineError(
                    f"The download from the team server at {self.base_url} broke off."
                ) from exc
            return b"".join(chunks)
        finally:
            response.close()

    def upload(
        self, path: str, data: bytes, content_type: str, *, params: dict[str, Any] | None
    ) -> Any:
        """``POST`` raw bytes of ``content_type``; the parsed answer of a ``200``/``201``
        (``None`` when it is not JSON)."""
        response = self._send(
            "POST", path, params=params, json_body=None, headers={"Content-Type": content_type},
            read_timeout=self.read_timeout, auth=True, data=data,
        )  # fmt: skip
        if response.status_code not in (200, 201):
            raise self._error(response)
        return _json_or_none(response)


# --- reading answers and failures -----------------------------------------------------------


def _json_or_none(response: requests.Response) -> Any:
    """The parsed body, or ``None`` when it is not JSON (a proxy's HTML page, a bare text)."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:  # requests' JSONDecodeError, and invalid UTF-8
        return None


def _status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _float(value: Any, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    number = float(value)
    return number if math.isfinite(number) else default


def _retry_after(response: requests.Response, default: float) -> float:
    """Seconds from ``Retry-After`` (delta-seconds or an HTTP date), bounded; else ``default``."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return default
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if not math.isfinite(seconds):
        return default
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and everything it wraps (urllib3 nests the socket error two levels down)."""
    found: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo and len(found) < 20:
        current = todo.pop(0)
        if any(current is seen for seen in found):
            continue
        found.append(current)
        reason = getattr(current, "reason", None)
        for nested in (current.__cause__, current.__context__, reason, *current.args):
            if isinstance(nested, BaseException):
                todo.append(nested)
    return found


def _connection_reason(exc: BaseException) -> str:
    """A short human reason for a failed connection."""
    causes = _causes(exc)
    for cause in causes:
        if isinstance(cause, socket.gaierror):
            return "the server name is unknown (check the address and your network)"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused (is the server running?)"
        if isinstance(cause, ConnectionResetError):
            return "the connection was reset"
        if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.ENETDOWN):
            return "the network is unreachable"
        if isinstance(cause, OSError) and cause.errno == errno.EHOSTUNREACH:
            return "the server's machine is unreachable"
    text = " ".join(str(c) for c in causes).lower()
    if "refused" in text:
        return "connection refused (is the server running?)"
    if "name or service not known" in text or "nodename nor servname" in text:
        return "the server name is unknown (check the address and your network)"
    if "remotedisconnected" in text or "connection aborted" in text:
        return "the server closed the connection"
    return "no connection"


def _ssl_reason(exc: BaseException) -> str | None:
    """Why certificate verification failed, or ``None`` if it was not about the certificate."""
    text = " ".join(str(c) for c in _causes(exc))
    lowered = text.lower()
    if "certificate verify failed" not in lowered and "hostname mismatch" not in lowered:
        return None
    if "self-signed" in lowered or "self signed" in lowered:
        return "it is self-signed and not trusted"
    if "expired" in lowered:
        return "it has expired"
    if "hostname mismatch" in lowered or "doesn't match" in lowered or "not valid for" in lowered:
        return "it is for another host name"
    if "unable to get local issuer" in lowered:
        return "it was issued by an authority this computer does not trust"
    return "it is not trusted"
