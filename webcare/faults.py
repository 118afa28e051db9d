"""Named crash points for the crash tests; no-ops in production.

The outbox and the sync applier call :func:`crash_point` at the exact boundaries a crash can
fall on (before and after a local commit, after the server answered, around recording the
answer). Nothing happens unless the process was started with ``WEBCARE_CRASH_AT=<name>`` or
``WEBCARE_CRASH_AT=<name>:<nth>``: then the ``nth`` time (default: the first) the point named
``name`` is reached, the process ends at once with exit status 137, like ``kill -9``: no
``finally``, no ``atexit``, no flushing, no closing of database connections.

The variable is read once, at import; without it a crash point costs one comparison. This
module imports nothing from the application.
"""

from __future__ import annotations

import os

ENV_VAR = "WEBCARE_CRASH_AT"
EXIT_STATUS = 137  # 128 + SIGKILL, what a shell reports for ``kill -9``

#: Every crash point the application has (the tests iterate over these).
POINTS = (
    "outbox.before_commit",  # enqueue: the write is inserted, the transaction not committed
    "outbox.after_commit",  # enqueue: the write is committed locally, not yet sent
    "push.before_send",  # push: the batch is read from the outbox, not yet sent
    "push.after_send",  # push: the server committed and answered; the answer is not recorded
    "push.ack_before_commit",  # push: the answer is written, its transaction not committed
    "push.after_ack",  # push: the answer is committed locally
)


def _parse(value: str | None) -> tuple[str, int] | None:
    if not value:
        return None
    name, _sep, nth = value.partition(":")
    count = int(nth) if nth else 1
    if count < 1:
        raise ValueError(f"{ENV_VAR}: the count must be 1 or more, not {nth!r}")
    return name, count


_TARGET = _parse(os.environ.get(ENV_VAR))
_hits = [0]  # how often the named point was reached in this process


def crash_point(name: str) -> None:
    """End the process here (exit 137) if ``WEBCARE_CRASH_AT`` names this point, the nth time."""
    if _TARGET is None or _TARGET[0] != name:
        return
    _hits[0] += 1
    if _hits[0] >= _TARGET[1]:
        os._exit(EXIT_STATUS)
