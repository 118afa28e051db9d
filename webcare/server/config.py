"""Team server settings."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from webcare.domain.claims import DEFAULT_LEASE_S
from webcare.domain.media import DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class ServerConfig:
    """Everything the team server can be tuned with. Defaults suit a team on one machine."""

    db_path: Path
    lease_s: float = DEFAULT_LEASE_S
    token_ttl_s: float = 30 * 24 * 3600
    max_body_bytes: int = 1024 * 1024
    #: Pushed deliveries (``/v1/hooks/…``) may be larger: WhatsApp's are up to 3 MB.
    push_max_body_bytes: int = 4 * 1024 * 1024
    changes_page_max: int = 1000
    bootstrap_page_max: int = 5000
    long_poll_max_s: float = 30.0
    #: Sign-in throttle (``services/login_throttle.py``): failures per user name and address,
    #: and per known device, within ``login_window_s``.
    login_max_failures: int = 5
    login_window_s: float = 300.0
    #: Failures per address, whatever the user names (default: 4 x ``login_max_failures``).
    login_address_max_failures: int | None = None
    #: Failures per user name from all addresses; devices that signed in to the account
    #: before are not held to it (default: 10 x ``login_max_failures``).
    login_user_max_failures: int | None = None
    synchronous: str = "FULL"
    #: How long a write waits for another process's write lock before answering 503.
    busy_timeout_ms: int = 10_000
    #: How often leases that ran out are swept (so every client sees the claim go away).
    sweep_interval_s: float | None = None
    #: How often the server looks for changes written by another process (CLI import).
    external_poll_s: float = 1.0
    #: Run the channel scheduler and delivery outbox (fetch connectors, post replies).
    channels: bool = True
    #: How often the scheduler looks for due work when nothing wakes it.
    channel_tick_s: float = 1.0
    #: First retry delay of a failed delivery (doubles per attempt, capped at an hour).
    delivery_base_s: float = 15.0
    #: The signed webhook accepts timestamps this far from the server's clock.
    webhook_window_s: float = 300.0
    #: The largest file the server fetches from a platform or accepts as an upload (bytes).
    media_max_bytes: int = DEFAULT_MAX_BYTES
    #: Where media files are kept (default: ``media/`` beside the database).
    media_path: Path | None = None
    #: First retry delay of a media download that failed (doubles per attempt).
    media_retry_base_s: float = 30.0
    clock: Callable[[], float] = field(default=time.time, repr=False)

    @property
    def media_dir(self) -> Path:
        return self.media_path if self.media_path is not None else self.db_path.parent / "media"

    @property
    def effective_login_address_max_failures(self) -> int:
        if self.login_address_max_failures is not None:
            return self.login_address_max_failures
        return self.login_max_failures * 4

    @property
    def effective_login_user_max_failures(self) -> int:
        if self.login_user_max_failures is not None:
            return self.login_user_max_failures
        return self.login_max_failures * 10

    @property
    def effective_sweep_interval_s(self) -> float:
        if self.sweep_interval_s is not None:
            return self.sweep_interval_s
        return max(0.2, min(5.0, self.lease_s / 4))
