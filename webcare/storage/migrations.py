"""Running a schema's append-only migrations (sqlite-utils ``Migrations``) on an open
connection: the team server's (:mod:`webcare.storage.server_schema`) and the client store's
(:mod:`webcare.client_store.schema`) alike.

Each migration runs in one transaction together with the record that it ran; a migration
that ran is never run again.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils
from sqlite_utils import Migrations


def apply_migrations(migrations: Migrations, conn: sqlite3.Connection) -> None:
    """Apply the ``migrations`` that have not run on ``conn`` yet, in their order."""
    migrations.apply(sqlite_utils.Database(conn, execute_plugins=False))
