"""Who is here: when the server last heard from each account's client.

Every signed-in request marks its account as seen (``deps.current_user``); a desktop client
long-polls ``/v1/changes`` every 25 s at most, so an account is *online* while it was seen
within :data:`ONLINE_S`. Kept in memory, per server process: presence is a hint for people
choosing a colleague, not a rule anything is decided by, and it is worth no write per request.
(Several API processes would keep it in the database, or in each process and ask the others,
like the change notifier's ``LISTEN/NOTIFY``; see ARCHITECTURE.md, "How the server grows".)
"""

from __future__ import annotations

import threading

#: seen within this many seconds = online (a long-poll comes at least every 25 s)
ONLINE_S = 60.0


class Presence:
    def __init__(self) -> None:
        self._seen: dict[int, float] = {}
        self._lock = threading.Lock()

    def seen(self, user_id: int, now: float) -> None:
        with self._lock:
            self._seen[user_id] = now

    def forget(self, user_id: int) -> None:
        """The account signed out (or was disabled): offline at once."""
        with self._lock:
            self._seen.pop(user_id, None)

    def last_seen(self) -> dict[int, float]:
        with self._lock:
            return dict(self._seen)
