"""The error tree every layer raises and every user-facing edge knows how to show.

Each error carries a short ``title`` (a dialog caption, a status bar word) and a ``message``
written for the person in front of the screen, not for a developer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class WebcareError(Exception):
    """Base of every error Webcare raises on purpose."""

    title = "Webcare error"

    def __init__(self, message: str, *, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if title is not None:
            self.title = title

    def __str__(self) -> str:
        return self.message


class ValidationError(WebcareError):
    """Input that can never be accepted as it is (a permanent, user-fixable problem)."""

    title = "Invalid input"


class PreconditionRequired(ValidationError):
    """A write that must say which version it was based on, and did not."""

    title = "Version needed"


class TemplateError(ValidationError):
    """A reply template whose body cannot be rendered (unknown variable, broken braces)."""

    title = "Template error"


class NotFoundError(WebcareError):
    """The thing asked for does not exist (or is not visible to the asker)."""

    title = "Not found"


class ConflictError(WebcareError):
    """The request lost a race: the state changed underneath it."""

    title = "Conflict"


class ClaimConflict(ConflictError):
    """Somebody else holds the claim on a mention."""

    title = "Already claimed"

    def __init__(
        self,
        message: str,
        *,
        holder_id: int | None,
        holder_name: str | None,
        lease_remaining_s: float,
    ) -> None:
        super().__init__(message)
        self.holder_id = holder_id
        self.holder_name = holder_name
        self.lease_remaining_s = lease_remaining_s


class AuthError(WebcareError):
    """Not signed in, wrong password, expired or revoked token."""

    title = "Sign-in needed"


class PermissionDenied(WebcareError):
    """Signed in, but the role does not allow this."""

    title = "Not allowed"


class TransientError(WebcareError):
    """A failure that may go away on its own: worth retrying later.

    The message says what the server did (an outbox batch: which writes it applied first).
    """

    title = "Temporarily unavailable"

    def __init__(self, message: str, *, retry_after_s: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class VersionConflict(ConflictError):
    """An edit was based on an older version than the one stored (optimistic concurrency)."""

    title = "Changed by someone else"

    def __init__(
        self, message: str, *, current_version: int, current: Mapping[str, object]
    ) -> None:
        super().__init__(message)
        self.current_version = current_version
        self.current: dict[str, Any] = dict(current)
