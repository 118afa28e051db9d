"""A headless client (local store + sync engine + API client) for tests without Qt."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from tests.support.server import PASSWORD
from webcare.client_store.store import LocalStore
from webcare.net.agent_api import ApiClient
from webcare.sync.engine import SyncEngine

T = TypeVar("T")


class HeadlessClient:
    """One agent's desktop client minus the window: same store, engine and API client."""

    def __init__(self, base_url: str, username: str, path: Path, password: str = PASSWORD):
        self.api = ApiClient(base_url)
        self.login = self.api.login(username, password, "test client")
        self.store = LocalStore(path)
        self.engine = SyncEngine(self.api, self.run_db, page_size=7)
        self.username = username

    def run_db(self, fn: Callable[[LocalStore], T]) -> T:
        return fn(self.store)

    @property
    def user_id(self) -> int:
        return int(self.login["user"]["id"])

    def close(self) -> None:
        self.store.close()
        self.api.close()
