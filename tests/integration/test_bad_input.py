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
from webcare.domain.models import Role

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


# -- settings shapes, NUL characters, documented answers -------------------------------------


@pytest.fixture(scope="module")
def admin_api(shared: tuple[TestServer, Api]) -> Api:
    server, _eva = shared
    return server.user("anna", Role.ADMIN)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"colour": {"a": {"b": 1}}}, "colour: Extra inputs are not permitted"),
        ({"keywords": "opzeg*"}, "keywords: Input should be a valid list"),
        ({"keywords": [{"words": ["x"], "weight": 3}]}, "keywords.0.weight: Extra inputs"),
        ({"keywords": [{"words": [["nested"]]}]}, "keywords.0.words.0: Input should be a valid"),
        ({"keywords": [{"words": ["x"], "priority": 7}]}, "keywords.0.priority: Input should be"),
        ({"influencer_followers": True}, "influencer_followers: Input should be a valid integer"),
        ({"influencer_followers": "5000"}, "influencer_followers: Input should be a valid integer"),
        ({"negative_words": "boos"}, "negative_words: Input should be a valid list"),
        ({"negative_words": ["x" * 61]}, "negative_words.0: String should have at most 60"),
    ],
)
def test_priority_rules_are_checked_against_their_schema(
    admin_api: Api, body: dict[str, Any], words: str
) -> None:
    before = admin_api.get("/v1/settings").json()["priority_rules"]
    r = admin_api.put("/v1/settings/priority-rules", json=body)
    assert r.status_code == 422, r.text
    assert words in r.json()["message"]
    assert admin_api.get("/v1/settings").json()["priority_rules"] == before
    deep: Any = []
    for _ in range(900):
        deep = {"x": deep}
    r = admin_api.put("/v1/settings/priority-rules", data=json.dumps(deep), headers=JSON)
    assert r.status_code == 400, r.text


def test_priority_rules_of_the_right_shape_are_stored(admin_api: Api) -> None:
    rules = {
        "influencer_followers": 5000,
        "influencer_priority": 3,
        "keywords": [{"words": ["opzeg*"], "priority": 2, "tag": "churn-risk"}],
        "negative_words": ["boos"],
        "negative_priority": 2,
    }
    r = admin_api.put("/v1/settings/priority-rules", json=rules)
    assert r.status_code == 200, r.text
    assert r.json()["priority_rules"] == rules
    assert admin_api.put("/v1/settings/priority-rules", json={}).status_code == 200


NUL = "a\x00b"


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/v1/templates", {"title": NUL, "body": "Hoi"}, "title"),
        ("POST", "/v1/templates", {"title": "T", "body": "Hoi " + NUL}, "body"),
        ("POST", "/v1/templates", {"title": "T", "body": "Hoi", "shortcut": NUL}, "shortcut"),
        ("POST", "/v1/templates", {"title": "T", "body": "Hoi", "tags": ["x", NUL]}, "tags.1"),
        ("POST", "/v1/users",
         {"username": "nul", "display_name": NUL, "password": "long enough pw"}, "display_name"),
        ("POST", "/v1/users",
         {"username": "nul", "display_name": "N", "signature": NUL, "password": "long enough pw"},
         "signature"),
        ("PATCH", "/v1/users/1", {"display_name": NUL}, "display_name"),
        ("PATCH", "/v1/users/1", {"signature": NUL}, "signature"),
        ("POST", "/v1/channels", {"connector": "sandbox", "name": NUL}, "name"),
        ("POST", "/v1/channels",
         {"connector": "rss", "name": "N", "config": {"feed_urls": [NUL]}}, "config.feed_urls.0"),
        ("PUT", "/v1/settings/priority-rules", {"negative_words": [NUL]}, "negative_words.0"),
        ("PUT", "/v1/settings/business-hours", {"timezone": "Europe/Amsterdam\x00"}, "timezone"),
        ("POST", "/v1/auth/login", {"username": NUL, "password": "x"}, "username"),
    ],
)  # fmt: skip
def test_nul_characters_are_refused_with_the_field_named(
    shared: tuple[TestServer, Api],
    admin_api: Api,
    method: str,
    path: str,
    body: dict[str, Any],
    field: str,
) -> None:
    server, _eva = shared
    before = _counts(server)
    r = admin_api.request(method, path, json=body)
    assert r.status_code == 422, r.text
    assert f"{field} must not contain NUL characters" in r.json()["message"]
    assert _counts(server) == before


def _counts(server: TestServer) -> list[int]:
    with server.ctx.db.read() as conn:
        return [
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("templates", "users", "channels", "settings")
        ]


def test_outbox_writes_with_nul_are_rejected_keeping_the_text(
    shared: tuple[TestServer, Api],
) -> None:
    server, eva = shared
    (mid,) = server.add_mentions(1)
    epoch = eva.post(f"/v1/mentions/{mid}/claim").json()["mention"]["claim_epoch"]
    mutations = [
        {"client_seq": 1, "op_id": "nul-reply-1", "type": "reply", "mention_id": mid,
         "claim_epoch": epoch, "body": "Hoi\x00 Jan"},
        {"client_seq": 2, "op_id": "nul-note-01", "type": "note", "mention_id": mid,
         "body": "zie\x00 ook"},
        {"client_seq": 3, "op_id": "nul-tags-01", "type": "set_tags", "mention_id": mid,
         "tags": ["ok", "b\x00d"]},
        {"client_seq": 4, "op_id": "nul-note-02", "type": "note", "mention_id": mid,
         "body": "a fine note"},
    ]  # fmt: skip
    r = eva.post("/v1/mutations", json={"client_id": "nul-client", "mutations": mutations})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["outcome"] for x in results] == ["rejected", "rejected", "rejected", "accepted"]
    assert [x["reason"] for x in results[:3]] == ["invalid"] * 3
    assert "NUL character" in results[0]["message"] and results[0]["body"] == "Hoi\x00 Jan"
    assert "The note contains a NUL character" in results[1]["message"]
    assert "A tag contains a NUL character" in results[2]["message"]
    with server.ctx.db.read() as conn:
        assert (
            conn.execute("SELECT count(*) FROM replies WHERE mention_id = ?", (mid,)).fetchone()[0]
            == 0
        )
        notes = [r[0] for r in conn.execute("SELECT body FROM notes WHERE mention_id = ?", (mid,))]
        tags = conn.execute("SELECT tags FROM mentions WHERE id = ?", (mid,)).fetchone()[0]
    assert notes == ["a fine note"]
    assert json.loads(tags) == []


def test_every_route_documents_its_400_and_401(shared: tuple[TestServer, Api]) -> None:
    server, _eva = shared
    schema = server.anonymous().get("/openapi.json").json()
    components = schema["components"]["schemas"]

    def is_error(ref: dict[str, str]) -> bool:
        """ErrorOut, or an answer that carries its fields and more (the outbox's results)."""
        name = ref.get("$ref", "").removeprefix("#/components/schemas/")
        fields = components.get(name, {}).get("properties", {})
        return {"error", "message"} <= set(fields)

    # no token: health, and the platform's webhook handshake (a wrong verify token is 403)
    public = {("get", "/v1/health"), ("get", "/v1/hooks/{channel_id}")}
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = {"400", "413", "503"} | ({"401"} if (method, path) not in public else set())
            for code in sorted(codes):
                answer = operation["responses"].get(code)
                if answer is None or not is_error(answer["content"]["application/json"]["schema"]):
                    missing.append(f"{method.upper()} {path} {code}")
    assert missing == []
