"""A channel's settings, read as its connector's form (``SPEC.fields``) defines them.

Every connector is built from the same three things: the channel (``ChannelInfo``), its
settings (``config``, shown to admins) and its secrets (write-only). :class:`Settings` reads
them the one way the form promises — a secret field from the secrets, any other from the config,
the field's default when it is empty, text stripped — and refuses a required one that is missing
in the same words everywhere ("Bot token is not set for this channel."), so a connector's
:meth:`~webcare.channels.base.ConnectorBase.from_settings` only checks what is its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from webcare.channels.base import ConfigField, ConnectorSpec
from webcare.channels.errors import NotConfigured


class Settings:
    """The settings and secrets of one channel, as its connector's form defines them."""

    def __init__(
        self, spec: ConnectorSpec, config: Mapping[str, Any], secrets: Mapping[str, str]
    ) -> None:
        self.spec = spec
        self.config = config
        self.secrets = secrets
        self._fields = {f.name: f for f in spec.fields}

    def field(self, name: str) -> ConfigField | None:
        """The form's field of that name; None for a setting the form does not show (an
        address a test or a proxy set-up overrides, such as ``api_url``)."""
        return self._fields.get(name)

    def raw(self, name: str) -> Any:
        """The value as stored (the field's default when it is absent or empty)."""
        f = self.field(name)
        value = self.secrets.get(name) if f is not None and f.secret else self.config.get(name)
        if value in (None, "") and f is not None:
            return f.default
        return value

    def text(self, name: str) -> str:
        """The value as stripped text; a required one that is empty is refused."""
        value = self.raw(name)
        text = "" if value is None else str(value).strip()
        f = self.field(name)
        if not text and f is not None and f.required:
            raise NotConfigured(f"{f.label} is not set for this channel.")
        return text

    def url(self, name: str) -> str:
        """An address: ``https://`` is put in front when the admin left the scheme out."""
        text = self.text(name)
        if text and not text.startswith(("https://", "http://")):
            text = "https://" + text
        return text

    def flag(self, name: str) -> bool:
        value = self.raw(name)
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "on")
        return bool(value)
