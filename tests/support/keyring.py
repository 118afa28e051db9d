"""Keyring backends for tests (the test machines have no system keyring), and a way to install one.

The backends are not offered to keyring's own discovery (``viable = False``): defining a
``KeyringBackend`` subclass registers it globally, and without that flag keyring could pick a
test backend as the process default, or chain it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import keyring
import keyring.backend
import keyring.errors

Backend = TypeVar("Backend", bound=keyring.backend.KeyringBackend)


class TypedKeyringBackend(keyring.backend.KeyringBackend):
    """The base of the test backends: keyring's ``KeyringBackend.__init__`` has no annotations."""

    priority = 1
    viable = False

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring leaves it unannotated


class MemoryKeyring(TypedKeyringBackend):
    """A working keyring that keeps secrets in a dict (``secrets[(service, username)]``)."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("No such password.")


class RaisingKeyring(TypedKeyringBackend):
    """A keyring whose every call raises ``error`` (counts the calls)."""

    error: Callable[[str], Exception] = RuntimeError

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def _fail(self) -> Exception:
        self.calls += 1
        return self.error("test keyring failure")

    def get_password(self, service: str, username: str) -> str | None:
        raise self._fail()

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self._fail()

    def delete_password(self, service: str, username: str) -> None:
        raise self._fail()


class NoKeyring(RaisingKeyring):
    """No usable keyring: every call raises ``NoKeyringError`` (like ``fail.Keyring``)."""

    error = keyring.errors.NoKeyringError


class LockedKeyring(RaisingKeyring):
    """A keyring that stays locked: every call raises ``KeyringLocked``."""

    error = keyring.errors.KeyringLocked


class BrokenKeyring(RaisingKeyring):
    """A backend that fails in its own way (a D-Bus hiccup): every call raises RuntimeError."""

    error = RuntimeError


class ForgetfulKeyring(MemoryKeyring):
    """Accepts writes and keeps nothing (what an empty chainer or the null backend does)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        return None


@contextmanager
def installed(backend: Backend) -> Iterator[Backend]:
    """Make ``backend`` the process keyring for the ``with`` block, then restore the previous.

    Usage as a fixture::

        @pytest.fixture
        def memory_keyring() -> Iterator[MemoryKeyring]:
            with installed(MemoryKeyring()) as backend:
                yield backend
    """
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
