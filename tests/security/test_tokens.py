"""Tokens, passwords and sign-in through the real server.

Expired, revoked, tampered and disabled-account tokens are refused; raw tokens and passwords
never reach the database or the logs; passwords are argon2id with the documented parameters;
failed sign-ins are throttled per user name and per address.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import Type

from tests.support.server import PASSWORD, FakeClock, TestServer, running_server
from webcare.domain.models import Role
from webcare.server import security


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()} {record.args!r}")


@pytest.fixture
def all_logs() -> Iterator[_Capture]:
    """Every log record of the process at DEBUG, uvicorn's access log included."""
    capture = _Capture()
    root = logging.getLogger()
    names = ["", "uvicorn", "uvicorn.access", "uvicorn.error", "webcare", "fastapi"]
    levels = {name: logging.getLogger(name).level for name in names}
    disabled = {name: logging.getLogger(name).disabled for name in names}
    root.addHandler(capture)
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
        logging.getLogger(name).disabled = False
    try:
        yield capture
    finally:
        root.removeHandler(capture)
        for name in names:
            logging.getLogger(name).setLevel(levels[name])
            logging.getLogger(name).disabled = disabled[name]


def _all_text(db_path: Path) -> str:
    """Every value of every table of the server database, as text."""
    conn = sqlite3.connect(db_path)
    try:
        parts: list[str] = []
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                parts.extend(
                    v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in row
                )
        return "\n".join(parts)
    finally:
        conn.close()


def test_raw_tokens_and_passwords_are_in_no_table_file_or_log(
    tmp_path: Path, all_logs: _Capture
) -> None:
    with running_server(tmp_path, channels=False) as server:
        server.add_user("anna", Role.ADMIN)
        admin = server.login("anna")
        new_password = "bram-Secret-password-9"
        r = admin.post(
            "/v1/users",
            json={"username": "bram", "display_name": "Bram", "password": new_password},
        )
        assert r.status_code == 201
        bram = server.login("bram", new_password)
        (mid,) = server.add_mentions(1)
        for api in (admin, bram):
            assert api.get("/v1/bootstrap").status_code == 200
            assert api.post(f"/v1/mentions/{mid}/claim").status_code in (200, 409)
            api.get("/v1/changes", params={"since": 0})
        bad = server.anonymous().post(
            "/v1/auth/login", json={"username": "bram", "password": "wrong-" + new_password}
        )
        assert bad.status_code == 401
        tokens = [admin.token, bram.token]
        assert all(t and t.startswith("wct_") for t in tokens)
        assert bram.post("/v1/auth/logout").status_code == 204
        text = _all_text(server.db_path)
        raw = b"".join(p.read_bytes() for p in server.db_path.parent.glob("server.db*"))
    for secret in [*tokens, new_password, PASSWORD]:
        assert secret is not None
        assert secret not in text
        assert secret.encode() not in raw
        assert not [line for line in all_logs.lines if secret in line]
    assert admin.token is not None
    assert security.hash_token(admin.token) in text  # what is stored instead
    assert all_logs.lines  # the capture did see the server's logging (access log at least)


def test_argon2id_with_the_documented_parameters(server_with_admin: TestServer) -> None:
    hasher = security._HASHER
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 64 * 1024, 4)
    assert hasher.type is Type.ID
    admin = server_with_admin.login("anna")
    r = admin.post(
        "/v1/users", json={"username": "cor", "display_name": "Cor", "password": "cor-pass-123"}
    )
    assert r.status_code == 201
    with server_with_admin.ctx.db.read() as conn:
        stored = conn.execute("SELECT password_hash FROM users WHERE username = 'cor'").fetchone()
    assert stored[0].startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "cor-pass-123" not in stored[0]
    assert security.verify_password(stored[0], "cor-pass-123")
    assert not security.verify_password(stored[0], "cor-pass-124")


@pytest.fixture
def server_with_admin(tmp_path: Path) -> Iterator[TestServer]:
    with running_server(tmp_path, channels=False) as server:
        server.add_user("anna", Role.ADMIN)
        server.add_user("eva")
        yield server


def _tampered(token: str) -> list[str]:
    body = token.removeprefix("wct_")
    flipped = body[:-1] + ("A" if body[-1] != "A" else "B")
    return [
        "wct_" + flipped,  # one character changed
        token[:-1],  # truncated
        token + "x",  # extended
        body,  # without the prefix
        token.upper(),
        security.hash_token(token),  # the stored hash is not a token
    ]


def test_expired_revoked_tampered_and_disabled_tokens_are_401(tmp_path: Path) -> None:
    clock = FakeClock()
    with running_server(tmp_path, token_ttl_s=600, clock=clock, channels=False) as server:
        server.add_user("anna", Role.ADMIN)
        eva_id = server.add_user("eva")
        admin = server.login("anna")
        eva = server.login("eva")
        assert eva.token is not None
        for fake in _tampered(eva.token):
            r = server.anonymous().get("/v1/me", headers={"Authorization": f"Bearer {fake}"})
            assert r.status_code == 401, (fake, r.text)
            assert r.headers["WWW-Authenticate"] == "Bearer"
        assert eva.get("/v1/me").status_code == 200  # the real one still works
        # revoked: logout ends this token at once
        laptop = server.login("eva")
        assert laptop.post("/v1/auth/logout").status_code == 204
        assert laptop.get("/v1/me").status_code == 401
        assert laptop.post("/v1/auth/logout").status_code == 401
        # disabled: the very next request is refused, on every endpoint kind
        assert admin.patch(f"/v1/users/{eva_id}", json={"disabled": True}).status_code == 200
        for path in ("/v1/me", "/v1/bootstrap", "/v1/templates", "/v1/changes?since=0"):
            assert eva.get(path).status_code == 401, path
        assert admin.patch(f"/v1/users/{eva_id}", json={"disabled": False}).status_code == 200
        assert eva.get("/v1/me").status_code == 401  # enabling again does not revive sessions
        # expired: the server's clock decides
        fresh = server.login("eva")
        clock.advance(599)
        assert fresh.get("/v1/me").status_code == 200
        clock.advance(2)
        assert fresh.get("/v1/me").status_code == 401
        assert admin.get("/v1/me").status_code == 401  # issued at the same time


def test_throttling_per_user_name_and_per_address(tmp_path: Path) -> None:
    with running_server(
        tmp_path, login_max_failures=2, login_window_s=120, channels=False
    ) as server:
        server.add_user("eva")
        anon = server.anonymous()

        def attempt(user: str, password: str = "not-the-password") -> int:
            r = anon.post("/v1/auth/login", json={"username": user, "password": password})
            if r.status_code == 429:
                assert 0 < int(r.headers["Retry-After"]) <= 120
                assert r.json()["error"] == "too_many_attempts"
            return r.status_code

        assert [attempt("eva") for _ in range(3)] == [401, 401, 429]
        assert attempt("eva", PASSWORD) == 429  # even the right password waits
        # per address: 4x the per-user limit, whatever names are tried
        codes = [attempt(f"guess{i}") for i in range(8)]
        assert 429 in codes
        assert codes[codes.index(429) :] == [429] * (len(codes) - codes.index(429))
