"""The JSON the team server's API answers with, as the client code holds it.

``Json`` is one decoded JSON object whose shape has no record (the team settings, a report); the
records the server sends (a page of changes, the bootstrap, an account) are typed in
:mod:`webcare.domain.wire`, and the API returns them as such once their outer shape is checked;
:func:`expect_dict` and :func:`expect_list` check an answer's outer shape, so a server or a proxy
that sends something else surfaces as a :class:`~webcare.net.errors.ServerError` at the edge
instead of a ``KeyError`` deep in the window.
"""

from __future__ import annotations

from typing import Any

from webcare.domain.wire import Json
from webcare.net.errors import ServerError

__all__ = ["Json", "expect_dict", "expect_list"]


def expect_dict(value: Any, what: str) -> Json:
    """``value`` if it is a JSON object.

    Args:
        value: A decoded answer.
        what: What it should be, for the message (``"the mention"``).

    Raises:
        ServerError: It is not an object.
    """
    if not isinstance(value, dict):
        raise ServerError(f"The team server sent {what} in a form Webcare cannot read.")
    return value


def expect_list(value: Any, what: str) -> list[Json]:
    """``value`` if it is a JSON array of objects (see :func:`expect_dict`)."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ServerError(f"The team server sent {what} in a form Webcare cannot read.")
    return value
