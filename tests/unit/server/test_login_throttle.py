"""The sign-in throttle's window arithmetic and clean-up, on a real server database file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from webcare.domain.models import Role
from webcare.server.services import accounts
from webcare.server.services.login_throttle import Attempt, LoginThrottle, ThrottleLimits
from webcare.storage.db import Database
from webcare.storage.server_schema import open_server_db


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_server_db(tmp_path / "server.db")
    yield database
    database.close()


def rows(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute("SELECT COUNT(*) FROM login_failures").fetchone()[0])


def test_the_window_slides_and_expired_failures_are_deleted(db: Database) -> None:
    t = LoginThrottle(db, ThrottleLimits(pair=3, address=100, user=100, window_s=60))
    for at in (0, 10, 20):
        assert isinstance(t.begin("Eva", "10.0.0.1", None, at), Attempt)
    assert t.begin(" eva ", "10.0.0.1", None, 30) == 30  # until the first one expires
    assert t.begin("eva", "10.0.0.1", None, 59) == 1
    assert isinstance(t.begin("eva", "10.0.0.1", None, 60.5), Attempt)  # one slot came back
    assert t.begin("eva", "10.0.0.1", None, 61) == 9  # now until the 10 s one expires
    assert rows(db) == 3 * 3  # the failure at 0 was deleted (3 keys per attempt)
    assert isinstance(t.begin("eva", "10.0.0.1", None, 500), Attempt)
    assert rows(db) == 3  # only the newest attempt is left


def test_a_success_takes_its_attempt_back_and_forgives_its_pair(db: Database) -> None:
    t = LoginThrottle(db, ThrottleLimits(pair=2, address=3, user=100, window_s=60))
    with db.write() as conn:
        eva = accounts.insert_user(
            conn, username="eva", display_name="Eva", signature="", role=Role.AGENT,
            password_hash=None, now=0, actor_id=None,
        )  # fmt: skip
    assert isinstance(t.begin("eva", "10.0.0.1", None, 0), Attempt)  # a failure
    ok = t.begin("eva", "10.0.0.1", "d" * 20, 1)
    assert isinstance(ok, Attempt)
    t.succeeded(ok, eva, 1)
    # eva's pair is forgiven, but the address keeps its failure (it is not eva's to forgive)
    assert isinstance(t.begin("eva", "10.0.0.1", None, 2), Attempt)
    assert isinstance(t.begin("eva", "10.0.0.1", None, 3), Attempt)
    assert t.begin("tom", "10.0.0.1", None, 4) == 56  # address: 3 failures (at 0, 2, 3)
    assert isinstance(t.begin("eva", "10.0.0.1", "d" * 20, 5), Attempt)  # a known device


def test_a_clock_set_back_never_asks_for_more_than_the_window(db: Database) -> None:
    t = LoginThrottle(db, ThrottleLimits(pair=1, address=10, user=10, window_s=60))
    assert isinstance(t.begin("eva", "10.0.0.1", None, 1000), Attempt)
    assert t.begin("eva", "10.0.0.1", None, 990) == 60
