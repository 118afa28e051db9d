"""ApiClient: the only place the desktop client talks HTTP to the team server.

* One ``requests.Session`` per thread: the app calls from a small thread pool and a long-poll
  thread at once, and a ``Session`` is not documented as thread-safe.
* Explicit ``(connect, read)`` timeouts on every call; a long-poll's read timeout covers its
  ``wait``, so a quiet feed is not mistaken for a dead server.
* Every failure is turned into the :mod:`webcare.domain.errors` tree here, at the edge, with the
  server's own ``message`` when it sent one. No ``requests`` exception and no JSON decoding
  error leaves this module.
"""

from __future__ import annotations

import email.utils
import errno
import ipaddress
import math
import os
import socket
import threading
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

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
    InsecureUrlError,
    OfflineError,
    OutboxInterrupted,
    OutboxOutOfStep,
    ServerError,
)

Json = dict[str, Any]

USER_AGENT = f"Webcare/{__version__} (desktop)"
#: Retry-After values above this are treated as this: a broken header must not park the client.
MAX_RETRY_AFTER_S = 3600.0


# --- addresses ------------------------------------------------------------------------------


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this machine (127.0.0.0/8, ::1 or localhost).

    Args:
        host: A host name or IP address, without brackets or port.

    Returns:
        True for loopback addresses and ``localhost``. Other names are not trusted to resolve
        to this machine (``*.localhost`` is not, either: not every resolver honours RFC 6761).
    """
    name = host.lower().rstrip(".")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def normalize_url(url: str, *, allow_insecure_http: bool = False) -> str:
    """Check a team server address and return its canonical form.

    The canonical form has a lower-case scheme and host and no trailing slash, so the same
    server always gives the same string (it is also the key under which a sign-in is kept).

    Args:
        url: What the user typed, e.g. ``https://webcare.example.com/``.
        allow_insecure_http: Accept ``http://`` to a machine other than this one.

    Returns:
        The address without a trailing slash, e.g. ``https://webcare.example.com``.

    Raises:
        ValidationError: Not an http(s) address with a host, or with a user name, query or
            fragment in it.
        InsecureUrlError: ``http://`` to another machine without ``allow_insecure_http``.
    """
    text = url.strip()
    example = "Use an address like https://webcare.example.com."
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            f"{text or 'An empty address'!r} is not a team server address. {example}",
            title="Invalid address",
        )
    try:
        port = parts.port
    except ValueError:
        raise ValidationError(
            f"{text!r} has an invalid port number. {example}", title="Invalid address"
        ) from None
    if parts.username is not None or parts.password is not None:
        # A password in the address would end up in settings files and logs.
        raise ValidationError(
            "Leave the user name and password out of the server address; Webcare asks for them"
            " when you sign in.",
            title="Invalid address",
        )
    if parts.query or parts.fragment:
        raise ValidationError(
            f"{text!r} has a '?' or '#' part; a team server address has none. {example}",
            title="Invalid address",
        )
    host = parts.hostname.lower()
    if scheme == "http" and not allow_insecure_http and not is_loopback_host(host):
        raise InsecureUrlError(
            f"Webcare will not use http://{host}: over plain http your password and sign-in"
            " would cross the network unencrypted. Use the https:// address of the team"
            " server instead."
        )
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), "", ""))


# --- the client -----------------------------------------------------------------------------


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


class ApiClient:
    """Calls to the team server's JSON API, safe to use from several threads at once.

    Every method raises only :class:`~webcare.domain.errors.WebcareError` subclasses:

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
            token: A bearer token from an earlier :meth:`login`, if any.
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
        return f"ApiClient({self.base_url!r})"  # never the token

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

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- transport --------------------------------------------------------------------------

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

    def _call(
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
        """Send a request and return its parsed JSON body (``None`` for an empty answer)."""
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

    def _dict(self, value: Any, what: str) -> Json:
        if not isinstance(value, dict):
            raise ServerError(f"The team server sent {what} in a form Webcare cannot read.")
        return value

    def _list(self, value: Any, what: str) -> list[Json]:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise ServerError(f"The team server sent {what} in a form Webcare cannot read.")
        return value

    # --- sign-in ----------------------------------------------------------------------------

    def login(
        self, username: str, password: str, client_name: str = "", device_id: str | None = None
    ) -> Json:
        """Sign in and keep the new token for the following calls.

        Args:
            username: The account name (not case-sensitive on the server).
            password: The account's password; sent once, never stored.
            client_name: A label for this session in the server's token list.
            device_id: This installation's random id (16-128 letters, digits, ``-``, ``_``).
                Once it has signed in to the account, other people's failed sign-ins never
                throttle it; only its own do.

        Returns:
            ``{"token", "expires_at", "user"}``.

        Raises:
            AuthError: Wrong username or password, or a disabled account (server's message).
            TransientError: Too many failed sign-ins (``retry_after_s`` says how long).
        """
        result = self._dict(
            self._call(
                "POST",
                "/v1/auth/login",
                json_body={
                    "username": username,
                    "password": password,
                    "client_name": client_name,
                    **({"device_id": device_id} if device_id else {}),
                },
                auth=False,
            ),
            "the sign-in",
        )
        token = result.get("token")
        if not isinstance(token, str) or not token:
            raise ServerError("The team server accepted the sign-in but sent no token.")
        self.token = token
        return result

    def logout(self) -> None:
        """End this token's session on the server and forget the token.

        The token is forgotten locally even when the server cannot be told (it then stays
        valid on the server until it expires). A token the server already rejects counts as
        signed out.

        Raises:
            OfflineError: The server could not be told.
        """
        if self.token is None:
            return
        try:
            self._call("POST", "/v1/auth/logout")
        except AuthError:
            pass  # expired or revoked already: that is what logging out wanted
        finally:
            self.token = None

    def me(self) -> Json:
        """The signed-in account (``id``, ``username``, ``display_name``, ``role``, ...)."""
        return self._dict(self._call("GET", "/v1/me"), "your account")

    def update_me(self, fields: Json) -> Json:
        """Change your own ``display_name``, ``signature`` or ``availability``
        (``"available"`` / ``"away"``); the server answers with the account."""
        return self._dict(self._call("PATCH", "/v1/me", json_body=fields), "your account")

    def health(self) -> Json:
        """Liveness and identity of the server: ``{"status", "version", "db_id"}`` (no sign-in
        needed)."""
        return self._dict(self._call("GET", "/v1/health", auth=False), "its status")

    # --- sync -------------------------------------------------------------------------------

    def bootstrap(self) -> Json:
        """The cursor to sync from, the small entities (users, channels, templates) and counts
        of the big ones."""
        return self._dict(self._call("GET", "/v1/bootstrap"), "the initial sync")

    def bootstrap_page(self, entity: str, after: int = 0, limit: int = 1000) -> Json:
        """One keyset page of a big entity.

        Args:
            entity: ``"mentions"``, ``"contacts"``, ``"replies"`` or ``"notes"``.
            after: Continue after this id (``next_after`` of the previous page; 0 to start).
            limit: Page size (the server may cap it).

        Returns:
            ``{"items": [...], "next_after": int | None}``.
        """
        return self._dict(
            self._call(
                "GET",
                f"/v1/bootstrap/{quote(entity, safe='')}",
                params={"after": after, "limit": limit},
            ),
            "a page of the initial sync",
        )

    def changes(self, since: int, *, limit: int = 500, wait: float = 0.0) -> Json:
        """The changes after cursor ``since``, waiting up to ``wait`` seconds for one.

        The read timeout is ``wait + read_timeout``, so a long-poll that waits its full time
        is not taken for a dead server.

        Args:
            since: The last cursor the client stored.
            limit: At most this many changes.
            wait: Seconds the server may hold the request while nothing changes (long-poll).

        Returns:
            ``{"db_id", "changes", "cursor", "has_more", "head"}``.

        Raises:
            CursorGone: The cursor cannot be served; bootstrap again.
        """
        wait = max(0.0, float(wait))
        return self._dict(
            self._call(
                "GET",
                "/v1/changes",
                params={"since": since, "limit": limit, "wait": wait},
                read_timeout=wait + self.read_timeout,
            ),
            "a page of changes",
        )

    # --- mentions and claims ----------------------------------------------------------------

    def mention(self, mention_id: int) -> Json:
        """A mention with its contact, replies and notes."""
        return self._dict(self._call("GET", f"/v1/mentions/{int(mention_id)}"), "the mention")

    def contact(self, contact_id: int) -> Json:
        """An author with their whole history with the team (mentions and replies)."""
        return self._dict(self._call("GET", f"/v1/contacts/{int(contact_id)}"), "the contact")

    def claim(self, mention_id: int) -> Json:
        """Claim a mention (or renew your own claim).

        Returns:
            ``{"result": "granted" | "renewed", "mention": {...}}``.

        Raises:
            ClaimConflict: Someone else holds it (``holder_name``, ``lease_remaining_s``).
            ConflictError: The mention is closed or spam.
        """
        return self._claim_call(mention_id, "claim")

    def renew(self, mention_id: int) -> Json:
        """Extend your claim's lease.

        Raises:
            ClaimConflict: You do not hold the claim (any more).
        """
        return self._claim_call(mention_id, "renew")

    def release(self, mention_id: int) -> Json:
        """Give up your claim (leads and admins may release anyone's).

        Raises:
            ClaimConflict: Someone else holds it and you may not release it.
        """
        return self._claim_call(mention_id, "release")

    def assign(self, mention_id: int, agent_id: int) -> Json:
        """Lead or admin: hand the mention to another agent (their claim starts now).

        Raises:
            PermissionDenied: Your role may not assign.
        """
        return self._dict(
            self._call(
                "POST",
                f"/v1/mentions/{int(mention_id)}/assign",
                json_body={"agent_id": agent_id},
            ),
            "the claim",
        )

    def _claim_call(self, mention_id: int, action: str) -> Json:
        return self._dict(
            self._call("POST", f"/v1/mentions/{int(mention_id)}/{action}"), "the claim"
        )

    # --- the outbox -------------------------------------------------------------------------

    def post_mutations(self, client_id: str, mutations: list[Json]) -> Json:
        """Send a batch of outbox writes in order.

        Args:
            client_id: This client's outbox id.
            mutations: Writes with contiguous ``client_seq`` and unique ``op_id``.

        Returns:
            ``{"results": [...], "last_seq": int}``; refusals are results, not errors.

        Raises:
            OutboxOutOfStep: ``gap`` or ``seq_conflict`` (with ``last_seq`` and ``results``).
            OutboxInterrupted: The server stopped part-way (busy, disk full): ``results`` are
                the writes it applied before that (none: nothing was changed).
            TransientError: The server could not be reached or could not apply it now; send
                the batch again later (writes it did apply are replayed, not repeated).
        """
        return self._dict(
            self._call(
                "POST", "/v1/mutations", json_body={"client_id": client_id, "mutations": mutations}
            ),
            "the outbox results",
        )

    def client_state(self, client_id: str) -> int:
        """The last outbox ``client_seq`` the server applied for ``client_id`` (0: none)."""
        result = self._dict(
            self._call("GET", f"/v1/clients/{quote(client_id, safe='')}"), "the outbox state"
        )
        last_seq = result.get("last_seq")
        if not isinstance(last_seq, int) or isinstance(last_seq, bool):
            raise ServerError(
                "The team server sent the outbox state in a form Webcare cannot read."
            )
        return last_seq

    # --- templates --------------------------------------------------------------------------

    def templates(self, include_archived: bool = False) -> list[Json]:
        """The canned answers (archived ones too with ``include_archived``)."""
        return self._list(
            self._call(
                "GET",
                "/v1/templates",
                params={"include_archived": "true" if include_archived else "false"},
            ),
            "the templates",
        )

    def create_template(self, fields: Json) -> Json:
        """Admin: create a canned answer.

        Args:
            fields: ``title``, ``body`` and optionally ``language``, ``shortcut``, ``tags``.

        Raises:
            PermissionDenied: Only admins write templates.
            ValidationError: Invalid fields or template variables (server's message).
        """
        return self._dict(self._call("POST", "/v1/templates", json_body=fields), "the template")

    def update_template(self, template_id: int, fields: Json, *, version: int) -> Json:
        """Admin: replace a canned answer that was read at ``version``.

        Raises:
            VersionConflict: Someone saved a newer version (``current_version``, ``current``).
            PermissionDenied: Only admins write templates.
        """
        return self._dict(
            self._call(
                "PUT",
                f"/v1/templates/{int(template_id)}",
                json_body=fields,
                headers={"If-Match": f'"{int(version)}"'},
            ),
            "the template",
        )

    def set_template_archived(self, template_id: int, archived: bool, *, version: int) -> Json:
        """Admin: archive (hide from agents) or restore a template read at ``version``."""
        action = "archive" if archived else "restore"
        return self._dict(
            self._call(
                "POST",
                f"/v1/templates/{int(template_id)}/{action}",
                headers={"If-Match": f'"{int(version)}"'},
            ),
            "the template",
        )

    # --- team: leads and admins -------------------------------------------------------------

    def report(self, name: str, **params: Any) -> Any:
        """A report (``response-times``, ``volume``, ``backlog``, ``workload``,
        ``template-usage``) with its query parameters; None values are left out."""
        if name not in ("response-times", "volume", "backlog", "workload", "template-usage"):
            raise ValidationError(f"Unknown report {name!r}.")
        query = {k: v for k, v in params.items() if v is not None}
        for key, value in query.items():
            if isinstance(value, bool):
                query[key] = "true" if value else "false"
        return self._call("GET", f"/v1/reports/{name}", params=query)

    def settings(self) -> Json:
        return self._dict(self._call("GET", "/v1/settings"), "the team settings")

    def put_setting(self, name: str, value: Json) -> Json:
        """Admin: ``business-hours``, ``sla-targets``, ``auto-ack`` or ``priority-rules``."""
        if name not in ("business-hours", "sla-targets", "auto-ack", "priority-rules"):
            raise ValidationError(f"Unknown setting {name!r}.")
        return self._dict(
            self._call("PUT", f"/v1/settings/{name}", json_body=value), "the team settings"
        )

    def users(self) -> list[Json]:
        """Admin: every account."""
        return self._list(self._call("GET", "/v1/users"), "the accounts")

    def create_user(self, fields: Json) -> Json:
        return self._dict(self._call("POST", "/v1/users", json_body=fields), "the account")

    def update_user(self, user_id: int, fields: Json) -> Json:
        return self._dict(
            self._call("PATCH", f"/v1/users/{int(user_id)}", json_body=fields), "the account"
        )

    def channels(self) -> list[Json]:
        return self._list(self._call("GET", "/v1/channels"), "the channels")

    def set_channel_enabled(self, channel_id: int, enabled: bool) -> Json:
        return self._dict(
            self._call("PATCH", f"/v1/channels/{int(channel_id)}", json_body={"enabled": enabled}),
            "the channel",
        )

    def update_channel(self, channel_id: int, fields: Json) -> Json:
        """Admin: enable, rename, change connector, settings (``config``) or ``secrets``."""
        return self._dict(
            self._call("PATCH", f"/v1/channels/{int(channel_id)}", json_body=fields), "the channel"
        )

    def create_channel(self, fields: Json) -> Json:
        """Admin: a new channel; ``generated_secrets`` holds a webhook's key (shown once)."""
        return self._dict(self._call("POST", "/v1/channels", json_body=fields), "the channel")

    def channel_config(self, channel_id: int) -> Json:
        return self._dict(
            self._call("GET", f"/v1/channels/{int(channel_id)}/config"), "the channel settings"
        )

    def connectors(self) -> list[Json]:
        return self._list(self._call("GET", "/v1/connectors"), "the connectors")

    def fetch_channel_now(self, channel_id: int) -> Json:
        return self._dict(
            self._call("POST", f"/v1/channels/{int(channel_id)}/fetch"), "the channel"
        )

    def platform_templates(self, channel_id: int, *, refresh: bool = False) -> Json:
        """The channel's approved platform templates (WhatsApp): ``templates``, ``unsupported``,
        ``fetched_at``, ``error``; ``available`` is false for a channel without them."""
        params = {"refresh": "true"} if refresh else None
        return self._dict(
            self._call("GET", f"/v1/channels/{int(channel_id)}/platform-templates", params=params),
            "the templates",
        )

    def retry_delivery(self, reply_id: str) -> Json:
        """Queue a failed reply for delivery again (its author or a lead)."""
        return self._dict(
            self._call("POST", f"/v1/replies/{quote(reply_id, safe='')}/retry"), "the reply"
        )

    # --- media --------------------------------------------------------------------------------

    def media(self, media_id: int, *, max_bytes: int = 1024**3) -> bytes:
        """The bytes of a kept file (a mention's, or an image attached to a reply), from our
        own server only: the client never fetches a platform's URL. Read as a stream that stops
        at ``max_bytes`` (:class:`ValidationError` past it)."""
        response = self._send(
            "GET", f"/v1/media/{int(media_id)}", params=None, json_body=None,
            headers={"Accept": "*/*"}, read_timeout=self.read_timeout, auth=True, stream=True,
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

    def upload_media(
        self, data: bytes, content_type: str, *, filename: str | None = None,
        caption: str | None = None,
    ) -> Json:  # fmt: skip
        """Upload an image to attach to a reply (``media_ids``); its ``media`` record. The same
        bytes again give the same record (safe to retry)."""
        params = {k: v for k, v in (("filename", filename), ("caption", caption)) if v}
        response = self._send(
            "POST", "/v1/media", params=params or None, json_body=None,
            headers={"Content-Type": content_type}, read_timeout=self.read_timeout, auth=True,
            data=data,
        )  # fmt: skip
        if response.status_code not in (200, 201):
            raise self._error(response)
        return self._dict(_json_or_none(response), "the uploaded image")

    def audit(self, **filters: Any) -> list[Json]:
        """Lead/admin: the audit trail, newest first (``entity``, ``actor_id``, ``action``,
        ``before_id``, ``limit``)."""
        query = {k: v for k, v in filters.items() if v not in (None, "")}
        return self._list(self._call("GET", "/v1/audit", params=query), "the audit log")


# --- helpers --------------------------------------------------------------------------------


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
