"""Sign-in throttling through the real server: kept in the database (several processes,
restarts), and an attacker who knows a user name cannot lock its owner out.

Clients connect from different loopback addresses (127.0.0.2, 127.0.0.3, ...: Linux routes
all of 127/8 to the loopback interface), so the server sees really different peers.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import requests

from tests.support.server import PASSWORD, Api, password_hash, running_server, server_process
from webcare.domain.models import Role
from webcare.server.services import accounts
from webcare.storage.server_schema import open_server_db

WRONG = "not-the-password"


def attempt(
    api: Api, username: str = "eva", password: str = WRONG, device_id: str | None = None
) -> requests.Response:
    body = {"username": username, "password": password}
    if device_id is not None:
        body["device_id"] = device_id
    return api.post("/v1/auth/login", json=body)


def codes(api: Api, n: int, username: str = "eva", device_id: str | None = None) -> list[int]:
    return [attempt(api, username, device_id=device_id).status_code for _ in range(n)]


def assert_throttled(r: requests.Response, window_s: float) -> None:
    assert r.status_code == 429, r.text
    assert 0 < int(r.headers["Retry-After"]) <= window_s
    assert r.json()["error"] == "too_many_attempts"
    assert f"Try again in {r.headers['Retry-After']} seconds" in r.json()["message"]


def test_an_attacker_at_one_address_does_not_lock_out_the_owner(tmp_path: Path) -> None:
    with running_server(tmp_path, channels=False) as server:  # default: 5 per name and address
        server.add_user("eva")
        attacker = server.anonymous(source="127.0.0.2")
        assert codes(attacker, 5) == [401] * 5
        assert_throttled(attempt(attacker), 300)
        # the attacker is refused even with the right password: guessing is what is stopped
        assert_throttled(attempt(attacker, password=PASSWORD), 300)
        # the owner, at another address, signs in at once (no device id needed)
        owner = server.login("eva", source="127.0.0.3")
        assert owner.get("/v1/me").json()["username"] == "eva"
        # ... and the owner's sign-in does not let the attacker go on
        assert_throttled(attempt(attacker), 300)


def test_a_known_device_signs_in_while_the_account_is_guessed_from_many_addresses(
    tmp_path: Path,
) -> None:
    with running_server(
        tmp_path, login_max_failures=3, login_user_max_failures=6, channels=False
    ) as server:
        server.add_user("eva")
        server.add_user("tom")
        laptop = secrets.token_urlsafe(24)
        server.login("eva", source="127.0.0.9", device_id=laptop)  # it has signed in before
        # a distributed guesser uses up the per-user-name limit (3 + 3 failures) ...
        assert codes(server.anonymous("127.0.0.2"), 3) == [401] * 3
        assert codes(server.anonymous("127.0.0.3"), 3) == [401] * 3
        # ... so a fresh address gets no more guesses at eva
        fourth = server.anonymous("127.0.0.4")
        assert_throttled(attempt(fourth), 300)
        # a device id that never signed in to eva counts as a new device
        assert_throttled(
            attempt(fourth, password=PASSWORD, device_id=secrets.token_urlsafe(24)), 300
        )
        # eva's laptop is not held back by the others' failures, from any address
        server.login("eva", source="127.0.0.4", device_id=laptop)
        server.login("eva", source="127.0.0.5", device_id=laptop)
        # other accounts are unaffected by eva's throttle
        server.login("tom", source="127.0.0.4")
        # a device known to eva is a new device for tom
        assert codes(server.anonymous("127.0.0.6"), 3, "tom", device_id=laptop) == [401] * 3
        # the laptop's own failures do count: 3, then it waits too
        own = server.anonymous("127.0.0.7")
        assert codes(own, 3, device_id=laptop) == [401] * 3
        assert_throttled(attempt(own, password=PASSWORD, device_id=laptop), 300)
        with server.ctx.db.read() as conn:
            keys = [r[0] for r in conn.execute("SELECT key FROM login_failures")]
            devices = conn.execute("SELECT COUNT(*) FROM login_devices").fetchone()[0]
        # neither user names nor device ids are stored as typed
        assert keys and not any(laptop in k or "eva" in k or "127.0.0" in k for k in keys)
        assert devices == 1


def test_spraying_user_names_from_one_address_is_throttled(tmp_path: Path) -> None:
    with running_server(tmp_path, login_max_failures=2, channels=False) as server:
        server.add_user("eva")
        sprayer = server.anonymous("127.0.0.2")
        statuses = [attempt(sprayer, f"guess{i}").status_code for i in range(9)]
        assert statuses == [401] * 8 + [429]  # 4 x the per-name limit, whatever the names
        assert_throttled(attempt(sprayer, "eva", PASSWORD), 300)
        server.login("eva", source="127.0.0.3")  # other addresses are not affected


def _team_db(path: Path) -> None:
    database = open_server_db(path)
    try:
        with database.write() as conn:
            accounts.insert_user(
                conn, username="eva", display_name="Eva", signature="^Eva", role=Role.AGENT,
                password_hash=password_hash(), now=0, actor_id=None,
            )  # fmt: skip
    finally:
        database.close()


def test_failures_count_across_server_processes_and_restarts(tmp_path: Path) -> None:
    db_path = tmp_path / "team.db"
    _team_db(db_path)
    with server_process(db_path) as (url_a, _a), server_process(db_path) as (url_b, _b):
        a, b = Api(url_a), Api(url_b)
        # 5 failures spread over two processes count together (3 here, 2 there)
        statuses = [attempt(api).status_code for api in (a, b, a, b, a)]
        assert statuses == [401] * 5
        assert_throttled(attempt(b, password=PASSWORD), 300)
        assert_throttled(attempt(a, password=PASSWORD), 300)
        a.close()
        b.close()
    # a restart keeps them
    with server_process(db_path) as (url_c, _c):
        c = Api(url_c)
        assert_throttled(attempt(c, password=PASSWORD), 300)
        other = Api(url_c, source="127.0.0.2")  # the owner elsewhere is still let in
        assert attempt(other, password=PASSWORD).status_code == 200
        c.close()
        other.close()
