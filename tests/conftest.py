"""Test set-up shared by every test.

Qt must run headless, and must be told so before it is imported anywhere.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading
import time
from collections.abc import Iterator

import pytest

#: shared fixtures from tests/support: the GUI sessions and their team server, the loopback trap
pytest_plugins = ["tests.support.gui", "tests.support.trap"]

_ALLOWED_THREAD_PREFIXES = ("AnyIO worker thread", "asyncio_", "ThreadPoolExecutor")


@pytest.fixture(autouse=True)
def _no_leftover_threads() -> Iterator[None]:
    """Fail a test that leaves its own threads running (servers not stopped, workers leaked)."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5
    while True:
        extra = [
            t
            for t in threading.enumerate()
            if t not in before and t.is_alive() and not t.name.startswith(_ALLOWED_THREAD_PREFIXES)
        ]
        if not extra or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert not extra, f"threads left running: {[t.name for t in extra]}"


# --- keyring backends for tests (the machine has none) -------------------------------------

from tests.support.keyring import LockedKeyring, MemoryKeyring, NoKeyring, installed  # noqa: E402


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with installed(MemoryKeyring()) as backend:
        yield backend


@pytest.fixture
def no_keyring() -> Iterator[NoKeyring]:
    with installed(NoKeyring()) as backend:
        yield backend


@pytest.fixture
def locked_keyring() -> Iterator[LockedKeyring]:
    with installed(LockedKeyring()) as backend:
        yield backend
