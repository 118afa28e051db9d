"""Database files are private: owner-only (0600 files, 0700 directories), whatever the umask.

A server database holds password hashes and channel secrets, a client store the team's
mentions and replies. :func:`private_file` runs before SQLite opens a file: it creates a new
one as 0600 (SQLite then gives its ``-wal`` and ``-shm`` the database's mode), and tightens an
existing one, and its ``-wal``, ``-shm`` and ``-journal``, when group or others may read it
(logged: the admin should know their mode was changed). Directories that do not exist yet are
created 0700; existing ones are left alone (a database may live in a directory the user shares
on purpose, such as the current one). On Windows, where files get their owner's ACL and mode
bits mean little, only the directories are created.
"""

from __future__ import annotations

import logging
import os
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
