"""The client's own preferences in QSettings (never a secret: tokens live in the keyring)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSettings

NOTIFY_TRAY = "notifications/tray"
NOTIFY_BANNER = "notifications/banner"
NOTIFY_SOUND = "notifications/sound"


def read_bool(settings: QSettings, key: str, default: bool) -> bool:
    value = settings.value(key, default)
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Notifications:
    """How new mentions are announced: tray message, in-window banner, a sound (off)."""

    tray: bool = True
    banner: bool = True
    sound: bool = False

    @classmethod
    def load(cls, settings: QSettings | None) -> Notifications:
        if settings is None:
            return cls()
        return cls(
            tray=read_bool(settings, NOTIFY_TRAY, True),
            banner=read_bool(settings, NOTIFY_BANNER, True),
            sound=read_bool(settings, NOTIFY_SOUND, False),
        )
