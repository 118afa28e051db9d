"""Files holding the team's data and secrets are owner-only, whatever the umask.

The server database (password hashes, channel secrets), the client's local store (mentions,
replies, notes), SQLite's ``-wal`` and ``-shm`` beside them, the directories created for them
and the opt-in sign-in file: 0600 files, 0700 directories, under umask 022 and 000, through
the real ``webcare server`` process, the real local store and the real credential store.
Existing files with loose modes are tightened when they are opened, and that is logged.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.keyring import NoKeyring, installed
from tests.support.server import Api, server_process
from webcare.client_store.store import LocalStore
from webcare.credentials import CredentialStore

UMASKS = [0o022, 0o000]


@contextmanager
def umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(*paths: Path) -> dict[str, str]:
    return {p.name: oct(mode(p)) for p in paths}


@pytest.mark.parametrize("mask", UMASKS, ids=lambda m: f"umask{m:03o}")
def test_the_server_database_and_its_directory_are_private(tmp_path: Path, mask: int) -> None:
    db_path = tmp_path / "srv" / "data" / "team.db"
    before = mode(tmp_path)
    with umask(mask), server_process(db_path) as (url, _proc):
        api = Api(url)
        # a write, so the WAL has content (sign-in failures are written)
        r = api.post("/v1/auth/login", json={"username": "eva", "password": "not-it-at-all"})
        assert r.status_code == 401
        api.close()
        wal, shm = Path(f"{db_path}-wal"), Path(f"{db_path}-shm")
        assert wal.exists() and shm.exists()
        assert modes(db_path, wal, shm) == dict.fromkeys(
            ("team.db", "team.db-wal", "team.db-shm"), "0o600"
        )
        assert modes(db_path.parent, db_path.parent.parent) == {"data": "0o700", "srv": "0o700"}
    assert mode(tmp_path) == before  # an existing directory is left as it was


@pytest.mark.parametrize("mask", UMASKS, ids=lambda m: f"umask{m:03o}")
def test_an_existing_loose_server_database_is_tightened_on_start(tmp_path: Path, mask: int) -> None:
    db_path = tmp_path / "team.db"
    with umask(mask):
        holder = sqlite3.connect(db_path)  # as an older version made it: 0644 or 0666
        holder.execute("PRAGMA journal_mode=WAL")
        holder.execute("CREATE TABLE t (x)")
        wal, shm = Path(f"{db_path}-wal"), Path(f"{db_path}-shm")
        loose = 0o666 & ~mask | 0o644
        for p in (db_path, wal, shm):
            os.chmod(p, loose)
        try:
            with server_process(db_path) as (_url, proc):
                assert modes(db_path, wal, shm) == dict.fromkeys(
                    ("team.db", "team.db-wal", "team.db-shm"), "0o600"
                )
                proc.send_signal(2)
                proc.wait(15)
                assert proc.stderr is not None
                err = proc.stderr.read()
        finally:
            holder.close()
    assert f"{db_path} could be read by other users (mode {loose:o}); made it owner-only" in err


@pytest.mark.parametrize("mask", UMASKS, ids=lambda m: f"umask{m:03o}")
def test_the_client_store_and_its_directory_are_private(
    tmp_path: Path, mask: int, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "data" / "webcare" / "stores" / "server_443-eva.db"
    with umask(mask):
        store = LocalStore(path)
        try:
            store.set_state("cursor", 7)
            wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
            assert wal.exists() and shm.exists()
            assert set(modes(path, wal, shm).values()) == {"0o600"}
            dirs = [path.parent, path.parent.parent, path.parent.parent.parent]
            assert set(modes(*dirs).values()) == {"0o700"}
        finally:
            store.close()
        # a store left readable by an older version is tightened when it is opened again
        os.chmod(path, 0o644)
        with caplog.at_level(logging.WARNING, logger="webcare.storage.files"):
            again = LocalStore(path)
        try:
            assert mode(path) == 0o600
            assert "made it owner-only" in caplog.text
        finally:
            again.close()


@pytest.mark.parametrize("mask", UMASKS, ids=lambda m: f"umask{m:03o}")
def test_the_opt_in_sign_in_file_and_its_directories_are_private(
    tmp_path: Path, mask: int, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "home" / ".config" / "webcare" / "tokens.json"
    with umask(mask), installed(NoKeyring()):
        store = CredentialStore(plaintext_path=path, allow_plaintext=True)
        assert store.save("https://webcare.example.com", "eva", "wct_" + "x" * 40).where == "file"
        assert mode(path) == 0o600
        dirs = [path.parent, path.parent.parent, path.parent.parent.parent]
        assert set(modes(*dirs).values()) == {"0o700"}
        os.chmod(path, 0o644)  # copied or restored with a loose mode
        with caplog.at_level(logging.WARNING, logger="webcare.credentials"):
            assert store.load("https://webcare.example.com", "eva")
        assert mode(path) == 0o600
        assert "made it owner-only" in caplog.text
