"""The runner's shared parts: its limits, backoff, and the connector cache every job uses."""

from __future__ import annotations

import random
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass

from webcare.channels import registry
from webcare.channels.base import Connector
from webcare.channels.errors import ChannelError
from webcare.server.services.channels import ChannelRuntime, runtime
from webcare.storage.db import Database
from webcare.storage.files import ContentStore

MAX_BACKOFF_S = 3600.0
MAX_DELIVERY_ATTEMPTS = 12
DELIVERY_BASE_S = 15.0
DELIVERIES_PER_JOB = 20
MEDIA_PER_JOB = 20
PUSHES_PER_JOB = 50
ACTIONS_PER_JOB = 20
MAX_ACTION_ATTEMPTS = 8
#: Parsed pushes are kept this long (for an admin to look at), then deleted.
PUSH_KEEP_S = 7 * 24 * 3600.0
PRUNE_EVERY_S = 3600.0
#: How many long-polling channels can wait at their platform at the same time.
LONG_POLL_WORKERS = 32


def backoff(failures: int, base_s: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter: between half and all of ``base * 2**(n-1)``, capped."""
    ceiling = min(MAX_BACKOFF_S, base_s * 2 ** max(0, min(failures - 1, 20)))
    return (rng or random).uniform(ceiling / 2, ceiling)


@dataclass
class Cached:
    version: float
    connector: Connector


class RunnerBase:
    """What every job of the runner shares: the database, the clock, the media settings, and a
    connector per (job, channel) built again when the channel's settings change."""

    db: Database
    clock: Callable[[], float]
    delivery_base_s: float
    media_store: ContentStore | None
    media_max_bytes: int
    media_retry_base_s: float
    _stop: threading.Event
    _cache: dict[tuple[str, int], Cached]

    def _connector(self, purpose: str, rt: ChannelRuntime) -> Connector:
        key = (purpose, rt.id)
        cached = self._cache.get(key)
        if cached is not None and cached.version == rt.version:
            return cached.connector
        if cached is not None:
            close = getattr(cached.connector, "close", None)
            if callable(close):
                close()
        connector = registry.create(rt.connector, rt.info, rt.config, rt.secrets, clock=self.clock)
        self._cache[key] = Cached(rt.version, connector)
        return connector

    def _job_connector(
        self,
        purpose: str,
        channel_id: int,
        failed: Callable[[int, ChannelError], None] | None = None,
    ) -> tuple[ChannelRuntime, Connector] | None:
        """A job's channel and connector; None when the channel is gone or its connector cannot
        start (``failed`` is told why: the delivery and push jobs postpone the channel)."""
        loaded = self._runtime(channel_id)
        if loaded is None:
            return None
        _row, rt = loaded
        try:
            return rt, self._connector(purpose, rt)
        except ChannelError as exc:
            if failed is not None:
                failed(channel_id, exc)
            return None

    def _runtime(self, channel_id: int) -> tuple[sqlite3.Row, ChannelRuntime] | None:
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM channels WHERE id = ?", (channel_id,)).fetchone()
            if row is None or row["connector"] is None:
                return None
            return row, runtime(conn, row)
