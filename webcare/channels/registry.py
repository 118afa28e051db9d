"""Which connectors exist, what an admin configures for each, and how one is built.

Each connector module defines ``SPEC`` (a :class:`ConnectorSpec`) and
``create(info, config, secrets, *, clock) -> Connector``. Modules are imported on first use,
so the team server only loads the platforms it has channels for.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Mapping
from typing import Any

from webcare.channels.base import ChannelInfo, Connector, ConnectorSpec
from webcare.channels.errors import NotConfigured
from webcare.domain.errors import ValidationError

MODULES: dict[str, str] = {
    "mastodon": "webcare.channels.mastodon",
    "bluesky": "webcare.channels.bluesky",
    "twitter": "webcare.channels.twitter",
    "facebook": "webcare.channels.facebook",
    "instagram": "webcare.channels.instagram",
    "whatsapp": "webcare.channels.whatsapp",
    "telegram": "webcare.channels.telegram",
    "email": "webcare.channels.mail",
    "rss": "webcare.channels.rss",
    "webhook": "webcare.channels.webhook",
    "sandbox": "webcare.channels.sandbox",
}


def kinds() -> list[str]:
    return list(MODULES)


def _module(kind: str) -> Any:
    if kind not in MODULES:
        raise ValidationError(
            f"Unknown connector {kind!r}; known: {', '.join(MODULES)}.", title="Unknown connector"
        )
    return importlib.import_module(MODULES[kind])


def spec(kind: str) -> ConnectorSpec:
    result: ConnectorSpec = _module(kind).SPEC
    return result


def check_config(kind: str, config: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
    """Raise :class:`NotConfigured` naming the first required setting that is missing."""
    for f in spec(kind).fields:
        if not f.required:
            continue
        value = secrets.get(f.name) if f.secret else config.get(f.name)
        if value in (None, "", []):
            raise NotConfigured(f"{f.label} is not set for this channel.")


def create(
    kind: str,
    info: ChannelInfo,
    config: Mapping[str, Any],
    secrets: Mapping[str, str],
    *,
    clock: Callable[[], float] = time.time,
) -> Connector:
    check_config(kind, config, secrets)
    connector: Connector = _module(kind).create(info, config, secrets, clock=clock)
    return connector


def can_reply(kind: str | None, config: Mapping[str, Any]) -> bool:
    """Whether a channel driven by ``kind`` can post replies (import-only channels: yes, later)."""
    if kind is None:
        return True
    try:
        module = _module(kind)
    except ValidationError:
        return False
    decide = getattr(module, "can_reply", None)
    if callable(decide):
        return bool(decide(config))
    return bool(module.SPEC.can_reply)


def can_attach(kind: str | None) -> bool:
    """Whether replies on a channel driven by ``kind`` may carry images."""
    if kind is None:
        return False
    try:
        return spec(kind).can_attach
    except ValidationError:
        return False


def receives_push(kind: str | None) -> bool:
    """Whether the platform pushes to this kind of channel (``/v1/hooks/{channel}``)."""
    if kind is None:
        return False
    try:
        return spec(kind).receives_push
    except ValidationError:
        return False


def attach_max_bytes(kind: str | None) -> int | None:
    """The largest image a reply on a channel driven by ``kind`` may carry (None: no limit of
    the platform's own; the team server's ``media_max_bytes`` still holds)."""
    if not can_attach(kind):
        return None
    assert kind is not None
    return spec(kind).attach_max_bytes


def polls(kind: str | None) -> bool:
    """Whether the scheduler fetches this kind of channel (a webhook is pushed to)."""
    if kind is None:
        return False
    try:
        return spec(kind).polls
    except ValidationError:
        return False
