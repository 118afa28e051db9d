"""What every request handler needs: settings, database, notifier, sign-in throttle."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from webcare.server.config import ServerConfig
from webcare.server.notifier import ChangeNotifier
from webcare.server.presence import Presence
from webcare.server.services.login_throttle import LoginThrottle, ThrottleLimits
from webcare.server.services.platform_templates import PlatformTemplates
from webcare.server.services.push import PushReceiver
from webcare.storage.db import Database
from webcare.storage.files import ContentStore

if TYPE_CHECKING:
    from webcare.server.runner import ChannelRunner


@dataclass
class ServerContext:
    config: ServerConfig
    db: Database
    notifier: ChangeNotifier = field(default_factory=ChangeNotifier)
    #: when each account's client was last heard from (who is online, for the hand-over picker)
    presence: Presence = field(default_factory=Presence)
    throttle: LoginThrottle = field(init=False)
    #: Media files, by content (``<db dir>/media``; ``ServerConfig.media_dir``).
    media: ContentStore = field(init=False)
    push: PushReceiver = field(init=False)
    platform_templates: PlatformTemplates = field(init=False)
    closing: bool = False
    runner: ChannelRunner | None = None

    def __post_init__(self) -> None:
        cfg = self.config
        limits = ThrottleLimits(
            pair=cfg.login_max_failures,
            address=cfg.effective_login_address_max_failures,
            user=cfg.effective_login_user_max_failures,
            window_s=cfg.login_window_s,
        )
        self.throttle = LoginThrottle(self.db, limits)
        self.media = ContentStore(cfg.media_dir)
        self.push = PushReceiver(self.db, self.now)
        self.platform_templates = PlatformTemplates(self.db, self.now)

    def now(self) -> float:
        return self.config.clock()
