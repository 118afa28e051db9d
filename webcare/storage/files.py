"""Database files are private: owner-only (0600 files, 0700 directories), whatever the umask.

A server database holds password hashes and channel secrets, a client store the team's
mentions and replies. :func:`private_file` runs before SQLite opens a file: it creates a new
one as 0600 (SQLite then gives its ``-wal`` and ``-shm`` the database's mode), and tightens an
existing one, and its ``-wal``, ``-shm`` and ``-journal``, when group or others may read it
(logged: the admin should know their mode was changed). Directories that do not exist yet are
created 0700; existing ones are left alone (a database may live in a directory the user shares
on purpose, such as the current one). On Windows, where files get their owner's ACL and mode
bits mean little, only the directories are created.

:class:`ContentStore` keeps other private files (the team server's media) by their SHA-256,
written atomically as 0600 files.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import secrets
import stat
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
#: The files SQLite keeps beside a database (same contents, same secrets).
SQLITE_SIBLINGS = ("-wal", "-shm", "-journal")

log = logging.getLogger("webcare.storage.files")
_POSIX = os.name == "posix"


def private_dir(path: Path) -> None:
    """Create ``path`` and its missing parents as 0700 (existing directories stay as they are).

    Raises:
        OSError: A directory could not be created (as :meth:`Path.mkdir` would).
    """
    missing: list[Path] = []
    current = path
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, PRIVATE_DIR)
        except FileExistsError:
            continue  # created by someone else meanwhile: theirs to decide
        if _POSIX:
            os.chmod(directory, PRIVATE_DIR)  # the umask may have taken the owner's bits too


def _tighten(path: Path) -> None:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode) or not mode & 0o077:
        return
    try:
        os.chmod(path, stat.S_IMODE(mode) & ~0o077)
    except OSError as exc:
        log.warning(
            "%s can be read by other users (mode %o) and could not be made private: %s",
            path, stat.S_IMODE(mode), exc.strerror,
        )  # fmt: skip
        return
    log.warning(
        "%s could be read by other users (mode %o); made it owner-only (%o)",
        path, stat.S_IMODE(mode), stat.S_IMODE(mode) & ~0o077,
    )  # fmt: skip


def private_file(path: str | Path) -> None:
    """Make sure the SQLite database at ``path`` is owner-only before SQLite opens it.

    Creates it (empty, 0600) and its missing directories (0700) when it does not exist;
    otherwise removes group and other permissions from it and its ``-wal``, ``-shm`` and
    ``-journal``. An error while creating the file is left to SQLite to report.
    """
    text = str(path)
    if text in ("", ":memory:") or text.startswith("file:"):
        return
    target = Path(text)
    private_dir(target.parent)
    if not _POSIX:
        return
    try:
        fd = os.open(target, os.O_RDONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_FILE)
    except FileExistsError:
        _tighten(target)
    except OSError as exc:
        log.debug("could not create %s before SQLite: %s", target, exc.strerror)
    else:
        try:
            os.fchmod(fd, PRIVATE_FILE)  # the umask may have taken the owner's bits too
        finally:
            os.close(fd)
    for suffix in SQLITE_SIBLINGS:
        _tighten(Path(text + suffix))


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` as a 0600 file, atomically: a temporary file beside it (0600
    from the start), flushed to disk, then renamed over ``path``. Its directory is made 0700
    when it does not exist."""
    private_dir(path.parent)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(temp, flags | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
    try:
        if _POSIX:
            os.fchmod(fd, PRIVATE_FILE)  # whatever the umask took
        with os.fdopen(fd, "wb", closefd=True) as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    if _POSIX:
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)


_DIGEST = re.compile(r"[0-9a-f]{64}")


class ContentStore:
    """Files kept by their content: ``<root>/<sha256>``, owner-only (0600 files, 0700 root).

    One copy per content: storing the same bytes again writes nothing. Files are written
    atomically (:func:`write_private`), so a crash leaves either the whole file or none.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, digest: str) -> Path:
        if not _DIGEST.fullmatch(digest):
            raise ValueError(f"{digest!r} is not a SHA-256 in hex")
        return self.root / digest

    def put(self, data: bytes) -> str:
        """Keep ``data``; its SHA-256 (hex), the name it is kept under."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if not target.exists():
            write_private(target, data)
        return digest

    def has(self, digest: str) -> bool:
        return self.path(digest).is_file()

    def read(self, digest: str) -> bytes:
        return self.path(digest).read_bytes()
