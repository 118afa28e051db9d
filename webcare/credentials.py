"""Where the sign-in token is kept: the system keyring, and a plain file only on request.

Tokens live in the keyring under service ``webcare`` and key ``<server url>|<account>``. Keyring
trouble (none installed, locked, broken) never stops the app: every call degrades and says what
happens instead (usually: you sign in again next time) as a :class:`KeyringProblem` code with its
details; the window words it in the user's language (``webcare.ui.keyring_text``), and the
``reason``/``message`` properties give the same in English for logs. A token is written to a
plain file only when the user explicitly opted in (``allow_plaintext``); that file is JSON,
readable by its owner only (0600), and replaced atomically.

This is the only module that imports :mod:`keyring`. Nothing here logs or prints a token.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import chainer, fail, null

SERVICE = "webcare"
#: The key ``status()`` reads to see whether the keyring answers; nothing is ever stored there.
PROBE_KEY = "__webcare_probe__"

IN_KEYRING = "Your sign-in is kept in the system keyring."
_AGAIN = "so you will be asked to sign in again next time"

log = logging.getLogger("webcare.credentials")


class KeyringProblem(StrEnum):
    """Why the keyring cannot keep a sign-in (the window turns it into a sentence)."""

    NO_KEYRING = "no_keyring"  # none installed, or a backend that keeps nothing
    LOCKED = "locked"  # one exists but is locked
    NO_ANSWER = "no_answer"  # the backend did not answer in time
    BROKEN = "broken"  # the backend failed in its own way (``detail``: the exception's class)
    NOT_KEPT = "not_kept"  # a write was accepted but reading it back found nothing

    def cause(self, detail: str = "") -> str:
        """The first half of the English sentence (logs, the command line)."""
        return {
            KeyringProblem.NO_KEYRING: "No system keyring is available",
            KeyringProblem.LOCKED: "The system keyring is locked",
            KeyringProblem.NO_ANSWER: "The system keyring did not answer",
            KeyringProblem.BROKEN: f"The system keyring is not working ({detail})",
            KeyringProblem.NOT_KEPT: "The system keyring did not keep the sign-in",
        }[self]


def _reason(problem: KeyringProblem, detail: str) -> str:
    reason = f"{problem.cause(detail)}, {_AGAIN}."
    if problem is KeyringProblem.LOCKED:
        reason += " Unlock the keyring to avoid this."
    return reason


@dataclass(frozen=True, slots=True)
class KeyringStatus:
    """Whether the system keyring can keep a sign-in.

    Attributes:
        available: The keyring answered and can store secrets.
        locked: A keyring exists but is locked (unlocking it would make it available).
        problem: Why it is not available (``None`` when it is).
        detail: More about the problem, e.g. the exception class of a broken backend.
    """

    available: bool
    locked: bool
    problem: KeyringProblem | None = None
    detail: str = ""

    @property
    def reason(self) -> str:
        """One English sentence describing the situation (logs; the UI words it itself)."""
        return IN_KEYRING if self.problem is None else _reason(self.problem, self.detail)


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    """Where :meth:`CredentialStore.save` put the token, and why not in the keyring.

    Attributes:
        where: ``"keyring"``, ``"file"`` (the user's plain-file opt-in) or ``"nowhere"``.
        problem: Why the keyring was not used (``None`` when it was).
        detail: More about the problem (see :class:`KeyringStatus`).
        path: The opt-in file, when it was written or could not be written.
    """

    where: Literal["keyring", "file", "nowhere"]
    problem: KeyringProblem | None = None
    detail: str = ""
    path: Path | None = None

    @property
    def message(self) -> str:
        """What this means for the user, in English (logs; the UI words it itself)."""
        if self.problem is None:
            return IN_KEYRING
        cause = self.problem.cause(self.detail)
        if self.where == "file":
            return (
                f"{cause}, so your sign-in is kept in {self.path}, a file only you can read,"
                " as you chose."
            )
        if self.path is not None:
            return f"{cause}, and the file {self.path} could not be written, {_AGAIN}."
        return _reason(self.problem, self.detail)


@dataclass(frozen=True, slots=True)
class _Problem:
    """Why the keyring cannot be used."""

    kind: KeyringProblem
    detail: str = ""

    @property
    def locked(self) -> bool:
        return self.kind is KeyringProblem.LOCKED

    def status(self) -> KeyringStatus:
        return KeyringStatus(False, self.locked, self.kind, self.detail)


_NO_KEYRING = _Problem(KeyringProblem.NO_KEYRING)
_LOCKED = _Problem(KeyringProblem.LOCKED)
_NO_ANSWER = _Problem(KeyringProblem.NO_ANSWER)
#: How long one keyring call may take. A backend that hangs (a D-Bus service that never
#: answers) must not freeze the window, which asks the keyring before it shows the sign-in.
KEYRING_TIMEOUT_S = 2.0


class _KeyringTimeout(Exception):
    """The keyring backend did not answer within :data:`KEYRING_TIMEOUT_S`."""


def _bounded(fn: Callable[[], Any], timeout_s: float) -> Any:
    """``fn()`` on a daemon thread; :class:`_KeyringTimeout` if it has not returned in time.

    A hanging call is left behind on its daemon thread (it cannot be interrupted); the store
    stops asking the keyring after the first timeout, so at most one call hangs at a time.
    """
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="webcare-keyring", daemon=True).start()
    if not done.wait(timeout_s):
        raise _KeyringTimeout()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _broken(exc: BaseException) -> _Problem:
    return _Problem(KeyringProblem.BROKEN, type(exc).__name__)


def _classify(exc: BaseException) -> _Problem:
    if isinstance(exc, _KeyringTimeout):
        return _NO_ANSWER
    if isinstance(exc, keyring.errors.KeyringLocked):
        return _LOCKED
    if isinstance(exc, keyring.errors.NoKeyringError | keyring.errors.InitError):
        return _NO_KEYRING
    return _broken(exc)


def normalize_server_url(server_url: str) -> str:
    """The canonical form of a server address: lower-case scheme and host, no trailing slash.

    It matches :func:`webcare.net.urls.normalize_url` for every address the client accepts (a
    test keeps the two in step; this module may not import the network layer), and it never
    raises: an address the client would refuse still gets a stable key, so it can be deleted.
    """
    text = server_url.strip()
    parts = urlsplit(text)
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if not parts.scheme or not host:
        return text.rstrip("/")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path.rstrip("/"), "", ""))


def credential_key(server_url: str, account: str) -> str:
    """The keyring user name for ``account`` on ``server_url``.

    Account names are not case-sensitive on the server, so the key uses the lower-case name:
    ``Eva`` and ``eva`` find the same sign-in.

    Returns:
        ``"<normalized server url>|<account>"``, e.g. ``"https://webcare.example.com|eva"``.
    """
    return f"{normalize_server_url(server_url)}|{account.strip().lower()}"


def _private_dirs(path: Path) -> None:
    """Create ``path`` and its missing parents owner-only (0700), whatever the umask."""
    missing: list[Path] = []
    while not path.exists() and path != path.parent:
        missing.append(path)
        path = path.parent
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):
            directory.mkdir(mode=0o700)
            if os.name == "posix":
                os.chmod(directory, 0o700)


def _make_private(path: Path) -> None:
    """A sign-in file others may read (copied, restored from a backup) becomes 0600 again."""
    if os.name != "posix":
        return
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            os.chmod(path, mode & ~0o077)
            log.warning("the sign-in file could be read by other users; made it owner-only")
    except OSError as exc:
        log.warning("could not make the sign-in file owner-only: %s", type(exc).__name__)


def _unusable_backend(backend: keyring.backend.KeyringBackend) -> _Problem | None:
    """Backends that answer without storing anything count as no keyring.

    ``fail.Keyring`` raises on every call, but ``null.Keyring`` (keyring disabled) and a
    chainer with nothing to chain accept writes silently and keep nothing, which would make
    a save look successful.
    """
    if isinstance(backend, fail.Keyring | null.Keyring):
        return _NO_KEYRING
    if isinstance(backend, chainer.ChainerBackend) and not list(backend.backends):
        return _NO_KEYRING
    return None


class CredentialStore:
    """Keeps sign-in tokens in the system keyring, or (opt-in) a plain file.

    All methods are safe to call from worker threads and never raise because of the keyring:
    they degrade (a token is not found; a save lands ``"nowhere"``) and say so.

    Attributes:
        plaintext_path: The JSON file used when the user opted in; ``None``: no file ever.
        allow_plaintext: The user explicitly chose to keep the sign-in in that file when no
            keyring works. May be changed at any time (the login dialog's checkbox).
    """

    def __init__(self, *, plaintext_path: Path | None = None, allow_plaintext: bool = False):
        """Set up the store; no keyring access happens here.

        Args:
            plaintext_path: Where the opt-in file lives (e.g. the user's config folder).
            allow_plaintext: The user's explicit opt-in to that file.
        """
        self.plaintext_path = plaintext_path
        self.allow_plaintext = allow_plaintext
        self._file_lock = threading.Lock()
        self.timeout_s = KEYRING_TIMEOUT_S
        self._unresponsive = False  # a call timed out: do not ask (and wait) again

    def _keyring(self, fn: Callable[[], Any]) -> Any:
        """Run one keyring call, bounded in time (see :data:`KEYRING_TIMEOUT_S`)."""
        if self._unresponsive:
            raise _KeyringTimeout()
        try:
            return _bounded(fn, self.timeout_s)
        except _KeyringTimeout:
            self._unresponsive = True
            raise

    # --- the keyring ------------------------------------------------------------------------

    def status(self) -> KeyringStatus:
        """Probe the keyring: is there one, is it locked, does it answer?

        Reads one harmless key (nothing is written). On some desktops this may show the
        keyring's own unlock prompt, as any later read would.
        """
        try:
            problem = _unusable_backend(keyring.get_keyring())
            if problem is None:
                self._keyring(lambda: keyring.get_password(SERVICE, PROBE_KEY))
        except Exception as exc:  # any backend failure means "not usable", never a crash
            problem = _classify(exc)
        if problem is not None:
            log.info("keyring not usable: %s", problem.kind.cause(problem.detail))
            return problem.status()
        return KeyringStatus(available=True, locked=False)

    def load(self, server_url: str, account: str) -> str | None:
        """The kept token for ``account`` on ``server_url``, or ``None``.

        Looks in the keyring, then (only with the opt-in) in the plain file.
        """
        key = credential_key(server_url, account)
        token: str | None = None
        try:
            if _unusable_backend(keyring.get_keyring()) is None:
                token = self._keyring(lambda: keyring.get_password(SERVICE, key))
        except Exception as exc:  # a broken keyring reads as "nothing kept"
            log.info("keyring read failed: %s", type(exc).__name__)
        if isinstance(token, str) and token:
            return token
        if self.allow_plaintext:
            return self._read_file().get(key)
        return None

    def save(self, server_url: str, account: str, token: str) -> SaveOutcome:
        """Keep ``token`` for the next start.

        Returns:
            Where it went: the keyring; the plain file (only with the opt-in, when the keyring
            cannot be used); or nowhere, with a message saying the user will sign in again.
        """
        key = credential_key(server_url, account)
        problem: _Problem | None
        try:
            problem = _unusable_backend(keyring.get_keyring())
            if problem is None:
                self._keyring(lambda: keyring.set_password(SERVICE, key, token))
                # Read back: some backends accept a write and keep nothing.
                if self._keyring(lambda: keyring.get_password(SERVICE, key)) != token:
                    problem = _Problem(KeyringProblem.NOT_KEPT)
        except Exception as exc:  # keep the app running whatever the backend does
            problem = _classify(exc)
            log.info("keyring write failed: %s", type(exc).__name__)
        if problem is None:
            # A copy left in the file from an earlier opt-in must not outlive this one.
            self._remove_from_file(key)
            return SaveOutcome("keyring")
        if self.allow_plaintext and self.plaintext_path is not None:
            try:
                with self._file_lock:
                    data = self._read_file_unlocked()
                    data[key] = token
                    self._write_file_unlocked(data)
            except OSError as exc:
                log.warning("could not write the sign-in file: %s", type(exc).__name__)
                return SaveOutcome("nowhere", problem.kind, problem.detail, self.plaintext_path)
            return SaveOutcome("file", problem.kind, problem.detail, self.plaintext_path)
        return SaveOutcome("nowhere", problem.kind, problem.detail)

    def delete(self, server_url: str, account: str) -> None:
        """Forget the token for ``account`` on ``server_url`` everywhere it may be kept.

        The plain file is cleaned too, even without the opt-in (the user may have withdrawn
        it since the token was written).
        """
        key = credential_key(server_url, account)
        try:
            if _unusable_backend(keyring.get_keyring()) is None:
                self._keyring(lambda: keyring.delete_password(SERVICE, key))
        except keyring.errors.PasswordDeleteError:
            pass  # nothing was kept: already forgotten
        except Exception as exc:  # a broken keyring cannot hold it either
            log.info("keyring delete failed: %s", type(exc).__name__)
        self._remove_from_file(key)

    # --- the opt-in file --------------------------------------------------------------------

    def _read_file(self) -> dict[str, str]:
        with self._file_lock:
            return self._read_file_unlocked()

    def _read_file_unlocked(self) -> dict[str, str]:
        path = self.plaintext_path
        if path is None:
            return {}
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            # A damaged file must not stop the start-up; it is rewritten on the next save.
            log.warning("ignoring unreadable sign-in file: %s", type(exc).__name__)
            return {}
        _make_private(path)
        if not isinstance(data, dict):
            return {}
        return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}

    def _remove_from_file(self, key: str) -> None:
        if self.plaintext_path is None:
            return
        try:
            with self._file_lock:
                data = self._read_file_unlocked()
                if key not in data:
                    return
                del data[key]
                if data:
                    self._write_file_unlocked(data)
                else:
                    self.plaintext_path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not update the sign-in file: %s", type(exc).__name__)

    def _write_file_unlocked(self, data: dict[str, str]) -> None:
        """Write the file atomically, created 0600 from the start (never briefly readable)."""
        path = self.plaintext_path
        assert path is not None
        _private_dirs(path.parent)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(tmp, flags, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
