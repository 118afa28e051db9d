"""The desktop client's local store: one :class:`LocalStore` per server and account.

It is made of the store's parts: the sync applier, the outbox, the queue's queries with their
text search, and a mention's detail, all on one SQLite connection
(:class:`~webcare.client_store.core.StoreCore`). In the app it lives on the one DB worker
thread (see ``webcare.ui.tasks``); nothing here knows about threads or Qt.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from webcare.client_store.applier import SyncApplier
from webcare.client_store.detail import MentionDetails
from webcare.client_store.outbox import Outbox
from webcare.client_store.queries import QueueQueries


def default_store_path(server_url: str, username: str) -> Path:
    """One store per server and account, under the platform's data directory."""
    parts = urlsplit(server_url)
    host = f"{parts.hostname or 'server'}_{parts.port or (443 if parts.scheme == 'https' else 80)}"
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{host}-{username.lower()}")
    return Path(platformdirs.user_data_dir("webcare", appauthor=False)) / "stores" / f"{slug}.db"


class LocalStore(SyncApplier, Outbox, QueueQueries, MentionDetails):
    """The client's SQLite store. Use it from one thread only."""
