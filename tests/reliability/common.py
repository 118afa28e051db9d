"""Shared knobs of the reliability tests: short and bounded in `make test`, long in `make stress`.

``WEBCARE_STRESS=1`` (set by ``make stress``) multiplies rounds, seeds and clients; every loop is
still bounded in count and in time, and all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import os


def stress() -> bool:
    return os.environ.get("WEBCARE_STRESS", "") not in ("", "0")


def rounds(short: int, long: int) -> int:
    """How many rounds/seeds/iterations: ``short`` in make test, ``long`` in make stress."""
    return long if stress() else short
