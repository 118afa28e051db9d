"""Malformed input gets a 4xx with a message, never a 5xx, and changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.server import Api, TestServer, running_server

JSON = {"content-type": "application/json"}

RAW_BODIES = {
    "truncated": (b'{"client_id": "abcdefgh", "mutations": [', 400),
    "invalid utf-8": (b'{"client_id": "abcdefgh\xff\xfe", "mutations": []}', 400),
    "lone surrogate": (
        b'{"client_id": "abcdefgh", "mutations": [{"client_seq": 1, "op_id": "op-12345678",'
        b' "type": "note", "mention_id": 1, "body": "\\ud800 hi"}]}',
        422,
    ),
    "wrong types": (b'{"client_id": 5, "mutations": "x"}', 422),
    "array": (b"[1, 2, 3]", 422),
    "empty": (b"", 422),
    "NaN": (b'{"client_id": "abcdefgh", "mutations": [{"client_seq": NaN}]}', 422),
    "huge numbers": (
        b'{"client_id": "abcdefgh", "mutations": [{"client_seq": 1e999, "op_id": "op-12345678",'
        b' "type": "note", "mention_id": 99999999999999999999999, "body": "x"}]}',
        422,
    ),
    "deep nesting": (b"[" * 100_000 + b"]" * 100_000, 400),
    "missing fields for type": (
        b'{"client_id": "abcdefgh", "mutations": [{"client_seq": 1, "op_id": "op-12345678",'
        b' "type": "reply", "mention_id": 1}]}',
        422,
    ),
    "non-contiguous batch": (
        b'{"client_id": "abcdefgh", "mutations": ['
        b'{"client_seq": 1, "op_id": "op-12345678", "type": "note", "mention_id": 1, "body": "a"},'
        b'{"client_seq": 3, "op_id": "op-12345679", "type": "note", "mention_id": 1, "body": "b"}'
        b"]}",
        422,
    ),
}


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestServer, Api]]:
    with running_server(tmp_path_factory.mktemp("bad")) as server:
        server.add_mentions(1)
        yield server, server.user("eva")


def _state(server: TestServer) -> tuple[int, int, int]:
    with server.ctx.db.read() as conn:
        return (
            conn.execute("SELECT count(*) FROM replies").fetchone()[0],
            conn.execute("SELECT count(*) FROM notes").fetchone()[0],
            conn.execute("SELECT count(*) FROM clients").fetchone()[0],
        )


@pytest.mark.parametrize("name", list(RAW_BODIES))
def test_malformed_outbox_bodies(shared: tuple[TestServer, Api], name: str) -> None:
    server, eva = shared
    before = _state(server)
    body, status = RAW_BODIES[name]
    r = eva.post("/v1/mutations", data=body, headers=JSON)
    assert r.status_code == status, r.text
    assert r.json()["message"]
    assert _state(server) == before


def test_oversized_body_is_413(tmp_path: Path) -> None:
    with running_server(tmp_path, max_body_bytes=10_000) as server:
        eva = server.user("eva")
        r = eva.post("/v1/mutations", data=b"x" * 20_000, headers=JSON)
        assert r.status_code == 413
        assert r.json()["error"] == "body_too_large"

        def chunks() -> Iterator[bytes]:  # no Content-Length: streamed
            for _ in range(30):
                yield b"x" * 1000

        r = eva.post("/v1/mutations", data=chunks(), headers=JSON)
        assert r.status_code == 413


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/mentions/abc"),
        ("GET", "/v1/mentions/99999999999999999999999"),
        ("POST", "/v1/mentions/0/claim"),
        ("POST", "/v1/mentions/-5/release"),
        ("GET", "/v1/changes?since=-1"),
        ("GET", "/v1/changes?since=1&limit=0"),
        ("GET", "/v1/changes?since=abc"),
        ("GET", "/v1/changes"),
        ("GET", "/v1/bootstrap/secrets"),
        ("GET", "/v1/bootstrap/mentions?limit=100000000"),
        ("GET", "/v1/clients/x"),
        ("GET", "/v1/templates/99999999999999999999"),
        ("DELETE", "/v1/mutations"),
    ],
)
def test_bad_urls_are_4xx(shared: tuple[TestServer, Api], method: str, path: str) -> None:
    _server, eva = shared
    r = eva.request(method, path)
    assert 400 <= r.status_code < 500, r.text
    assert r.json()["message"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
mutation_like = st.fixed_dictionaries(
    {},
    optional={
        "client_seq": json_values | st.integers(-5, 2**70),
        "op_id": json_values | st.text(min_size=8, max_size=90),
        "type": json_values | st.sampled_from(["reply", "note", "set_status", "set_tags", "x"]),
        "mention_id": json_values | st.integers(-5, 2**70),
        "claim_epoch": json_values | st.integers(-5, 2**70),
        "body": json_values,
        "status": json_values | st.sampled_from(["open", "closed", "spam", "claimed"]),
        "tags": json_values,
        "priority": json_values | st.integers(-5, 10),
    },
)
batches = st.fixed_dictionaries(
    {},
    optional={
        "client_id": json_values | st.text(min_size=8, max_size=90),
        "mutations": st.lists(mutation_like, max_size=4) | json_values,
    },
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=batches)
def test_fuzzed_outbox_payloads_never_5xx(shared: tuple[TestServer, Api], payload: Any) -> None:
    _server, eva = shared
    r = eva.post("/v1/mutations", data=json.dumps(payload).encode(), headers=JSON)
    assert r.status_code < 500, (payload, r.text)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=st.sampled_from(["/v1/auth/login", "/v1/templates", "/v1/users", "/v1/mentions/1/assign"]),
    payload=json_values,
)
def test_fuzzed_bodies_on_other_endpoints_never_5xx(
    shared: tuple[TestServer, Api], path: str, payload: Any
) -> None:
    _server, eva = shared
    r = eva.post(path, data=json.dumps(payload).encode(), headers=JSON)
    assert r.status_code < 500, (path, payload, r.text)
