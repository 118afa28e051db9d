"""Errors a connector raises when a platform cannot be read or written.

The scheduler and the delivery worker only need two facts from an error: may a retry help
(``permanent`` is false), and how long the platform asked us to wait (``retry_after_s``). The
message is shown to admins (channel status) and agents (a reply that failed), so it says what
the platform said, in words.
"""

from __future__ import annotations


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


class NotConfigured(ChannelError):
    """A required setting or secret is missing; nothing is tried until an admin sets it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)
