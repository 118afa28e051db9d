"""Sign-in throttling, kept in the server database so it holds across processes and restarts.

Within a sliding window (``login_window_s``, 5 minutes by default) a sign-in is refused with
``429`` and ``Retry-After`` when one of the limits it falls under is used up:

* **per user name and address** (``login_max_failures``, 5): one address guessing one
  account's password;
* **per address** (4 times that, 20): one address trying many user names;
* **per user name** over all addresses (10 times that, 50): many addresses guessing one
  account; this slows a distributed guesser without stopping the owner's known devices;
* a **device that signed in to the account before** (the client's ``device_id``) is held only
  to its own failures (5): other people's failures, from any address, never lock it out.

So an attacker who knows a user name locks out only themselves: the owner still signs in from
another address, and from a known device even while the account is being guessed at from many.

Every attempt that passes is written down *before* the password is checked (in one
``BEGIN IMMEDIATE`` transaction with the check, so concurrent guesses in several processes
cannot exceed a limit); a success takes its rows back and forgives the failures of its own
pair or device. Keys are SHA-256 digests: a password typed into the user-name field is never
stored. Rows older than the window are deleted as new attempts come in.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from webcare.storage.db import Database


@dataclass(frozen=True, slots=True)
class ThrottleLimits:
    """Failures allowed within ``window_s`` seconds, per kind of key (each at least 1)."""

    pair: int
    address: int
    user: int
    window_s: float


@dataclass(frozen=True, slots=True)
class Attempt:
    """A sign-in that may go ahead; its rows count as failures unless it succeeds.

    Attributes:
        id: Ties this attempt's rows together.
        forgiven: Keys whose failures a success clears (its own pair, or its device).
        device_key: The account-and-device key to remember on success (``None``: no device id).
    """

    id: str
    forgiven: tuple[str, ...]
    device_key: str | None


def _key(kind: str, *parts: str) -> str:
    text = "\x00".join((kind, *parts))
    return f"{kind}:{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()}"


def normalize(username: str) -> str:
    """The user name as the throttle counts it (accounts are not case-sensitive)."""
    return username.strip().lower()


class LoginThrottle:
    """The sign-in limits of :mod:`this module <webcare.server.services.login_throttle>`."""

    def __init__(self, db: Database, limits: ThrottleLimits) -> None:
        self._db = db
        self.limits = limits

    def begin(
        self, username: str, address: str, device_id: str | None, now: float
    ) -> Attempt | float:
        """Reserve a sign-in attempt, or say how many seconds to wait (always > 0)."""
        name = normalize(username)
        lim = self.limits
        device_key = _key("device", name, device_id) if device_id else None
        with self._db.read() as conn:
            known = device_key is not None and (
                conn.execute("SELECT 1 FROM login_devices WHERE key = ?", (device_key,)).fetchone()
                is not None
            )
            if known:
                assert device_key is not None
                checks = [(device_key, lim.pair)]
                forgiven: tuple[str, ...] = (device_key,)
            else:
                pair_key = _key("pair", name, address)
                checks = [
                    (pair_key, lim.pair),
                    (_key("address", address), lim.address),
                    (_key("user", name), lim.user),
                ]
                forgiven = (pair_key,)
            wait = self._wait(conn, checks, now)
        if wait > 0:  # refused without a write: a flood of refused attempts costs reads only
            return wait
        attempt = secrets.token_hex(12)
        with self._db.write() as conn:
            conn.execute(
                "DELETE FROM login_failures WHERE at <= ? OR at > ?",
                (now - lim.window_s, now + lim.window_s),  # expired, or from a clock set back
            )
            wait = self._wait(conn, checks, now)  # again: another process may have counted
            if wait > 0:
                return wait
            conn.executemany(
                "INSERT INTO login_failures(key, at, attempt) VALUES (?, ?, ?)",
                [(key, now, attempt) for key, _limit in checks],
            )
        return Attempt(attempt, forgiven, device_key)

    def succeeded(self, attempt: Attempt, user_id: int, now: float) -> None:
        """The password was right: the attempt was no failure; remember the device."""
        with self._db.write() as conn:
            conn.execute("DELETE FROM login_failures WHERE attempt = ?", (attempt.id,))
            for key in attempt.forgiven:
                conn.execute("DELETE FROM login_failures WHERE key = ?", (key,))
            if attempt.device_key is not None:
                conn.execute(
                    "INSERT INTO login_devices(key, user_id, first_at, last_at)"
                    " VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET last_at = excluded.last_at",
                    (attempt.device_key, user_id, now, now),
                )

    def _wait(
        self, conn: sqlite3.Connection, checks: Sequence[tuple[str, int]], now: float
    ) -> float:
        """Seconds until every key is below its limit again (0: allowed now)."""
        window = self.limits.window_s
        worst = 0.0
        for key, limit in checks:
            # the limit-th newest failure in the window: once it expires, one more is allowed
            row = conn.execute(
                "SELECT at FROM login_failures WHERE key = ? AND at > ?"
                " ORDER BY at DESC LIMIT 1 OFFSET ?",
                (key, now - window, max(1, limit) - 1),
            ).fetchone()
            if row is not None:
                worst = max(worst, min(window, float(row[0]) + window - now))
        return worst
