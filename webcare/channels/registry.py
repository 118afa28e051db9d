"""Which connectors exist, what an admin configures for each, and how one is built.

Each connector module defines ``SPEC`` (a :class:`ConnectorSpec`) and a connector class that
builds itself from a channel's settings (``from_settings(info, settings, *, clock)``, the
settings read by :class:`~webcare.channels.settings.Settings`). Modules are imported on first
use, so the team server only loads the platforms it has channels for.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Mapping
from typing import Any

from webcare.channels.base import AttachRule, ChannelInfo, Connector, ConnectorBase, ConnectorSpec
from webcare.channels.errors import NotConfigured
from webcare.channels.settings import Settings
from webcare.domain.errors import ValidationError
from webcare.domain.media import MAX_ATTACHMENTS

#: kind -> "module:ConnectorClass"; each module defines ``SPEC`` (a :class:`ConnectorSpec`)
#: and its connector class builds itself from a channel's settings (``from_settings``).
CONNECTORS: dict[str, str] = {
    "mastodon": "webcare.channels.mastodon:MastodonConnector",
    "bluesky": "webcare.channels.bluesky:BlueskyConnector",
    "twitter": "webcare.channels.twitter:TwitterConnector",
    "facebook": "webcare.channels.facebook:FacebookConnector",
    "instagram": "webcare.channels.instagram:InstagramConnector",
    "whatsapp": "webcare.channels.whatsapp:WhatsAppConnector",
    "telegram": "webcare.channels.telegram:TelegramConnector",
    "email": "webcare.channels.mail:MailConnector",
    "rss": "webcare.channels.rss:RssConnector",
    "webhook": "webcare.channels.webhook:WebhookConnector",
    "sandbox": "webcare.channels.sandbox:SandboxConnector",
}
MODULES: dict[str, str] = {kind: target.partition(":")[0] for kind, target in CONNECTORS.items()}


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


def connector_class(kind: str) -> type[ConnectorBase]:
    """The class that drives ``kind`` (imported on first use)."""
    cls: type[ConnectorBase] = getattr(_module(kind), CONNECTORS[kind].partition(":")[2])
    return cls


def create(
    kind: str,
    info: ChannelInfo,
    config: Mapping[str, Any],
    secrets: Mapping[str, str],
    *,
    clock: Callable[[], float] = time.time,
) -> Connector:
    """Build the connector of a channel from its settings: the required ones are checked here,
    in the same words for every connector; the class checks what is its own."""
    check_config(kind, config, secrets)
    settings = Settings(spec(kind), config, secrets)
    connector: Connector = connector_class(kind).from_settings(info, settings, clock=clock)
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


def attach_rule(kind: str | None, meta: Mapping[str, Any], *, private: bool = False) -> AttachRule:
    """How many images a reply to a mention with this ``meta`` may carry, and why none.

    The connector's own ``attach_rule(meta, private)`` decides where it has one (a Facebook
    comment takes one image, a Messenger message several, a private reply none); otherwise the
    channel's ``SPEC``: ``attach_max_count`` (else the server's :data:`MAX_ATTACHMENTS`) when it
    ``can_attach``, else none. Never more than the server's limit.
    """
    if kind is None:
        return AttachRule(0, "This channel's replies cannot carry images from Webcare.")
    try:
        module = _module(kind)
    except ValidationError:
        return AttachRule(0, "This channel's replies cannot carry images from Webcare.")
    decide = getattr(module, "attach_rule", None)
    rule: AttachRule | None = decide(meta, private) if callable(decide) else None
    if rule is None:
        s: ConnectorSpec = module.SPEC
        if not s.can_attach:
            return AttachRule(0, f"{s.label} replies cannot carry images from Webcare.")
        rule = AttachRule(s.attach_max_count or MAX_ATTACHMENTS)
    return AttachRule(max(0, min(rule.limit, MAX_ATTACHMENTS)), rule.reason, rule.what)


def has_attach_rule(kind: str | None) -> bool:
    """Whether the connector decides per mention how many images a reply may carry (its
    refusals are then the platform's own words, which the composer shows as they are)."""
    if kind is None or kind not in MODULES:
        return False
    return callable(getattr(_module(kind), "attach_rule", None))


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
