"""What the end-to-end tests (a real ``webcare server`` process, killed mid-delivery) share.

:class:`HoldsAnswer` makes a fake platform carry out the request the test names and then hold
its answer — the acknowledgement is in flight when the test kills the server — until the test
releases it; :func:`replies_of` reads a mention's replies from a server as eva sees them.
"""

from __future__ import annotations

import threading
from typing import Any

import requests

from tests.support.fakes.mastodon import Request, Response
from tests.support.server import PASSWORD


class HoldsAnswer:
    """Mix in before a fake platform's class: once ``hold`` is set, the next request that
    :meth:`holds` accepts is carried out, ``held`` is set, and its answer waits for
    ``release`` (then nobody reads it: the server is gone)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hold = False
        self.held = threading.Event()
        self.release = threading.Event()

    def holds(self, request: Request) -> bool:
        """Whether this is the request whose answer to hold (the platform's post call)."""
        raise NotImplementedError

    def answer(self, request: Request) -> Response | None:
        response: Response | None = super().answer(request)  # type: ignore[misc]  # the fake's
        if self.hold and self.holds(request):
            self.hold = False
            self.held.set()
            self.release.wait(30)
            return None  # the server is gone by now: nobody reads an answer
        return response


def replies_of(url: str, mention_id: int, username: str = "eva") -> list[dict[str, Any]]:
    """A mention's replies on the server at ``url``, read by signing in as ``username``."""
    token = requests.post(
        url + "/v1/auth/login", json={"username": username, "password": PASSWORD}, timeout=20
    ).json()["token"]
    detail = requests.get(
        f"{url}/v1/mentions/{mention_id}", headers={"Authorization": f"Bearer {token}"}, timeout=20
    ).json()
    replies: list[dict[str, Any]] = detail["replies"]
    return replies
