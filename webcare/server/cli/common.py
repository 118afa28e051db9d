"""What every server command shares: which database, the time, reading a password."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from webcare.domain.errors import ValidationError

if TYPE_CHECKING:
    from webcare.storage.db import Database


def db_path(args: argparse.Namespace) -> Path:
    value = args.db or os.environ.get("WEBCARE_DB")
    if not value:
        raise ValidationError("Say which server database to use: --db PATH (or set WEBCARE_DB).")
    return Path(value)


@contextmanager
def database(args: argparse.Namespace) -> Iterator[Database]:
    """The server database of ``--db`` (or ``$WEBCARE_DB``), migrated, closed afterwards."""
    from webcare.storage.server_schema import open_server_db

    db = open_server_db(db_path(args))
    try:
        yield db
    finally:
        db.close()


def now() -> float:
    return datetime.now(UTC).timestamp()


def read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            raise ValidationError("The two passwords differ.")
    return password
