"""What every request handler needs: settings, database, notifier, login throttles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from webcare.server.config import ServerConfig
from webcare.server.notifier import ChangeNotifier
from webcare.server.security import LoginThrottle
from webcare.storage.db import Database

if TYPE_CHECKING:
    from webcare.server.channel_runner import ChannelRunner


@dataclass
class ServerContext:
    config: ServerConfig
    db: Database
    notifier: ChangeNotifier = field(default_factory=ChangeNotifier)
    user_throttle: LoginThrottle | None = None
    ip_throttle: LoginThrottle | None = None
    closing: bool = False
    runner: ChannelRunner | None = None

    def __post_init__(self) -> None:
        cfg = self.config
        if self.user_throttle is None:
            self.user_throttle = LoginThrottle(cfg.login_max_failures, cfg.login_window_s)
        if self.ip_throttle is None:
            self.ip_throttle = LoginThrottle(cfg.login_max_failures * 4, cfg.login_window_s)

    def now(self) -> float:
        return self.config.clock()
