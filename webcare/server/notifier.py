"""Wake long-polling ``/v1/changes`` requests when something was committed.

Writers run on worker threads; the waiters are coroutines on the event loop. A write hands the
loop a wake-up with ``call_soon_threadsafe``; a waiter takes the current event *before* it reads,
so a commit between its read and its wait is never missed.
"""

from __future__ import annotations

import asyncio
import contextlib


class ChangeNotifier:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._event = asyncio.Event()

    def unbind(self) -> None:
        self._loop = None

    def current(self) -> asyncio.Event:
        """The event the next commit will set. Take it before reading."""
        if self._event is None:
            self._event = asyncio.Event()
        return self._event

    def notify_threadsafe(self) -> None:
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # loop closed during shutdown
            loop.call_soon_threadsafe(self.notify)

    def notify(self) -> None:
        """Wake every waiter. Must run on the loop."""
        event, self._event = self.current(), asyncio.Event()
        event.set()

    @staticmethod
    async def wait(event: asyncio.Event, timeout: float) -> bool:
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return False
        return True
