"""Building a connector in a test the way the registry builds it for the team server."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from webcare.channels import registry
from webcare.channels.base import ChannelInfo, ConnectorBase, ConnectorSpec
from webcare.channels.settings import Settings

C = TypeVar("C", bound=ConnectorBase)


def build(
    cls: type[C],
    info: ChannelInfo,
    config: Mapping[str, Any],
    secrets: Mapping[str, str],
    *,
    clock: Callable[[], float] = time.time,
) -> C:
    """``cls`` for a channel with these settings: the required ones checked first, in the
    registry's words, then ``cls.from_settings``."""
    spec: ConnectorSpec = importlib.import_module(cls.__module__).SPEC
    registry.check_config(spec.kind, config, secrets)
    return cls.from_settings(info, Settings(spec, config, secrets), clock=clock)
