"""Errors the desktop client raises at its network edge.

Every one of them is a subclass of the :mod:`webcare.domain.errors` tree, so the UI and the sync
loops handle them like any other Webcare error: they show ``title`` and ``message`` and decide
whether to retry from the base class (a :class:`~webcare.domain.errors.TransientError` is worth
retrying, the others are not).
"""

from __future__ import annotations

from typing import Any

from webcare.domain.errors import ConflictError, TransientError, ValidationError, WebcareError


class OfflineError(TransientError):
    """The team server cannot be reached: connection refused, timed out, or no network.

    Nothing is known to have changed on the server, so the work can be retried later (queued
    replies stay in the outbox until then).
    """

    title = "Offline"


class CertificateError(WebcareError):
    """The server's TLS certificate could not be verified, so the client did not connect.

    Not transient: retrying does not help until the address, the certificate or the configured
    CA bundle changes, and a silent retry could hide an interception attempt.
    """

    title = "Certificate problem"


class CursorGone(WebcareError):
    """The change feed cannot continue from the client's cursor (HTTP 410): bootstrap again.

    Attributes:
        reason: The server's code: ``"cursor_expired"`` (the cursor is older than the retained
            log) or ``"cursor_ahead"`` (the cursor is newer than the log: a restored or replaced
            database).
    """

    title = "Sync restarted"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class OutboxOutOfStep(ConflictError):
    """The outbox numbering and the server disagree (HTTP 409 ``gap`` or ``seq_conflict``).

    Attributes:
        code: ``"gap"`` (the server has fewer writes than the client sent before) or
            ``"seq_conflict"`` (the client reused numbers for new writes and must register a
            new client id).
        last_seq: The last ``client_seq`` the server applied for this client.
        results: The results of the writes the server did apply in this batch, in order.
    """

    title = "Outbox out of step"

    def __init__(
        self, message: str, *, code: str, last_seq: int, results: list[dict[str, Any]]
    ) -> None:
        super().__init__(message)
        self.code = code
        self.last_seq = last_seq
        self.results = results


class OutboxInterrupted(TransientError):
    """The server stopped part-way through an outbox batch (HTTP 503 with ``results``): a busy
    or full database. Worth retrying, like any :class:`TransientError`.

    Attributes:
        results: The results of the writes the server committed before it stopped, in order,
            exactly as a ``200`` would have carried them (empty: nothing was applied). The
            writes after them were not applied.
    """

    def __init__(
        self, message: str, *, retry_after_s: float, results: list[dict[str, Any]]
    ) -> None:
        super().__init__(message, retry_after_s=retry_after_s)
        self.results = results


class ServerError(WebcareError):
    """The server failed internally (a 5xx that is not a temporary condition), or answered in
    a form the client cannot read."""

    title = "Server error"


class InsecureUrlError(ValidationError):
    """A plain ``http://`` address of another machine: passwords and tokens would cross the
    network unencrypted, so the client refuses it unless explicitly allowed."""

    title = "Insecure address"
