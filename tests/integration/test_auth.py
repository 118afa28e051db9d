"""Sign-in, tokens, throttling and roles through the real server."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.sample import SAMPLE, SAMPLE_EXIT
from tests.support.server import PASSWORD, FakeClock, TestServer, running_server
from webcare.cli import main
from webcare.domain.models import Role


def test_login_returns_a_token_that_is_stored_only_hashed(server: TestServer) -> None:
    server.add_user("eva")
    api = server.login("eva")
    assert api.token and api.token.startswith("wct_")
    me = api.get("/v1/me").json()
    assert me["username"] == "eva"
    assert me["signature"] == "^Eva"
    assert "password_hash" not in me
    with server.ctx.db.read() as conn:
        stored = [r[0] for r in conn.execute("SELECT token_hash FROM tokens")]
        hashes = [r[0] for r in conn.execute("SELECT password_hash FROM users")]
    assert len(stored) == 1 and stored[0] != api.token and len(stored[0]) == 64
    assert all(h.startswith("$argon2id$") for h in hashes)
    # the raw token appears nowhere in the database files
    for path in server.db_path.parent.glob("server.db*"):
        assert api.token.encode() not in path.read_bytes()


def test_wrong_password_and_unknown_user_look_the_same(server: TestServer) -> None:
    server.add_user("eva")
    api = server.anonymous()
    wrong = api.post("/v1/auth/login", json={"username": "eva", "password": "nope nope"})
    unknown = api.post("/v1/auth/login", json={"username": "nobody", "password": "nope nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert (
        wrong.json()
        == unknown.json()
        == {
            "error": "bad_credentials",
            "message": "Wrong username or password.",
        }
    )


def test_repeated_failures_are_throttled(tmp_path: Path) -> None:
    with running_server(tmp_path, login_max_failures=3, login_window_s=60) as server:
        server.add_user("eva")
        api = server.anonymous()
        codes = [
            api.post(
                "/v1/auth/login", json={"username": "eva", "password": "bad-guess"}
            ).status_code
            for _ in range(4)
        ]
        assert codes == [401, 401, 401, 429]
        r = api.post("/v1/auth/login", json={"username": "eva", "password": PASSWORD})
        assert r.status_code == 429  # even the right password waits out the window
        assert 0 < int(r.headers["Retry-After"]) <= 60
        assert "Try again in" in r.json()["message"]


def test_logout_revokes_only_that_token(server: TestServer) -> None:
    server.add_user("eva")
    laptop, phone = server.login("eva"), server.login("eva")
    assert laptop.post("/v1/auth/logout").status_code == 204
    assert laptop.get("/v1/me").status_code == 401
    assert phone.get("/v1/me").status_code == 200


def test_expired_token_is_refused(tmp_path: Path) -> None:
    clock = FakeClock()  # the server's clock: no race with a slow machine
    with running_server(tmp_path, token_ttl_s=60, clock=clock) as server:
        server.add_user("eva")
        api = server.login("eva")
        assert api.get("/v1/me").status_code == 200
        clock.advance(59)
        assert api.get("/v1/me").status_code == 200
        clock.advance(2)
        r = api.get("/v1/me")
        assert r.status_code == 401
        assert r.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer wct_not-a-real-token", "Basic ZXZhOnB3", "Bearer  "]
)
def test_missing_or_tampered_tokens_are_401(server: TestServer, header: str) -> None:
    api = server.anonymous()
    headers = {"Authorization": header} if header else {}
    r = api.get("/v1/bootstrap", headers=headers)
    assert r.status_code in (401, 403)
    assert r.json()["message"]


def test_disabling_an_account_signs_it_out_and_releases_its_claims(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    admin = server.user("anna", Role.ADMIN)
    assert eva.post(f"/v1/mentions/{mid}/claim").status_code == 200
    r = admin.patch(f"/v1/users/{server.users['eva']}", json={"disabled": True})
    assert r.status_code == 200
    assert r.json()["disabled"] is True
    assert eva.get("/v1/me").status_code == 401
    mention = admin.get(f"/v1/mentions/{mid}").json()["mention"]
    assert mention["claim_agent_id"] is None
    assert mention["status"] == "open"
    relogin = server.anonymous().post(
        "/v1/auth/login", json={"username": "eva", "password": PASSWORD}
    )
    assert relogin.status_code == 401


def test_admin_manages_accounts_and_audit_records_it(server: TestServer) -> None:
    admin = server.user("anna", Role.ADMIN)
    r = admin.post(
        "/v1/users",
        json={"username": "Bram", "display_name": "Bram", "signature": "^Bram",
              "role": "agent", "password": "bram-secret-1"},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    bram_id = r.json()["id"]
    assert r.json()["username"] == "bram"
    dup = admin.post(
        "/v1/users",
        json={"username": "bram", "display_name": "B", "password": "another-pass"},
    )
    assert dup.status_code == 422
    assert "already taken" in dup.json()["message"]
    assert admin.patch(f"/v1/users/{bram_id}", json={"role": "lead"}).json()["role"] == "lead"
    bram = server.login("bram", "bram-secret-1")
    admin.patch(f"/v1/users/{bram_id}", json={"password": "new-secret-22"})
    assert bram.get("/v1/me").status_code == 401  # a password reset signs out everywhere
    server.login("bram", "new-secret-22")
    log = admin.get("/v1/audit", params={"entity": "user", "entity_id": str(bram_id)}).json()
    actions = [(e["action"], e["detail"]) for e in reversed(log) if e["action"] != "auth.login"]
    assert actions == [
        ("user.create", {"role": "agent", "username": "bram"}),
        ("user.update", {"role": "lead"}),
        ("user.update", {"password": "reset"}),
    ]
    # no password material in the audit trail
    assert "new-secret" not in str(log)


def test_imported_accounts_are_marked_and_never_hold_claims(server: TestServer) -> None:
    """The twcs import makes an account per brand signature: the API says they cannot sign
    in (and for which brand), the workload leaves them out, and nobody can hand them a claim."""
    assert main(["import", "twcs", str(SAMPLE), "--db", str(server.db_path)]) == SAMPLE_EXIT
    admin, lead = server.user("anna", Role.ADMIN), server.user("lars", Role.LEAD)
    users = admin.get("/v1/users").json()
    imported = [u for u in users if not u["can_login"]]
    assert len(imported) == 23 and all(u["brand"] for u in imported)
    assert sorted(u["username"] for u in users if u["can_login"]) == ["anna", "lars"]
    assert all(u["brand"] is None for u in users if u["can_login"])
    names = {a["name"] for a in lead.get("/v1/reports/workload").json()}
    assert names == {"Anna", "Lars"}
    (mention,) = server.add_mentions(1)
    r = lead.post(f"/v1/mentions/{mention}/assign", json={"agent_id": imported[0]["id"]})
    assert r.status_code == 422
    assert r.json()["message"] == "Assign to an enabled account that can sign in."
    login = server.anonymous().post(
        "/v1/auth/login", json={"username": imported[0]["username"], "password": PASSWORD}
    )
    assert login.status_code == 401


def test_admin_cannot_lock_themselves_out(server: TestServer) -> None:
    admin = server.user("anna", Role.ADMIN)
    r = admin.patch(f"/v1/users/{server.users['anna']}", json={"disabled": True})
    assert r.status_code == 422
    r = admin.patch(f"/v1/users/{server.users['anna']}", json={"role": "agent"})
    assert r.status_code == 422


ROLE_MATRIX = [
    # (method, path, body, {role: expected status}); None = anonymous
    ("GET", "/v1/bootstrap", None, {None: 401, "agent": 200, "lead": 200, "admin": 200}),
    ("GET", "/v1/templates", None, {None: 401, "agent": 200, "lead": 200, "admin": 200}),
    ("POST", "/v1/templates", {"title": "T", "body": "Hoi {{customer_name}}"},
     {None: 401, "agent": 403, "lead": 403, "admin": 201}),
    ("GET", "/v1/users", None, {None: 401, "agent": 403, "lead": 403, "admin": 200}),
    ("POST", "/v1/users", {"username": "x{role}", "display_name": "X", "password": "password1"},
     {None: 401, "agent": 403, "lead": 403, "admin": 201}),
    ("GET", "/v1/reports/response-times", None,
     {None: 401, "agent": 403, "lead": 200, "admin": 200}),
    ("GET", "/v1/audit", None, {None: 401, "agent": 403, "lead": 200, "admin": 200}),
    ("GET", "/v1/health", None, {None: 200, "agent": 200, "lead": 200, "admin": 200}),
    ("GET", "/v1/reports/volume", None, {None: 401, "agent": 403, "lead": 200, "admin": 200}),
    ("GET", "/v1/reports/backlog", None, {None: 401, "agent": 403, "lead": 200, "admin": 200}),
    ("GET", "/v1/reports/workload", None, {None: 401, "agent": 403, "lead": 200, "admin": 200}),
    ("GET", "/v1/reports/template-usage", None,
     {None: 401, "agent": 403, "lead": 200, "admin": 200}),
    ("GET", "/v1/settings", None, {None: 401, "agent": 403, "lead": 200, "admin": 200}),
    ("PUT", "/v1/settings/sla-targets", {"low": 9000, "normal": 3600, "high": 1800, "urgent": 900},
     {None: 401, "agent": 403, "lead": 403, "admin": 200}),
    ("PUT", "/v1/settings/business-hours", {"timezone": "Europe/Amsterdam", "weekly": {}},
     {None: 401, "agent": 403, "lead": 403, "admin": 200}),
    ("PUT", "/v1/settings/auto-ack", {"enabled": False},
     {None: 401, "agent": 403, "lead": 403, "admin": 200}),
    ("PATCH", "/v1/users/1", {"display_name": "Eva"},
     {None: 401, "agent": 403, "lead": 403, "admin": 200}),
    ("GET", "/v1/channels", None, {None: 401, "agent": 200, "lead": 200, "admin": 200}),
]  # fmt: skip


def test_role_matrix(server: TestServer) -> None:
    sessions = {
        None: server.anonymous(),
        "agent": server.user("eva", Role.AGENT),
        "lead": server.user("lars", Role.LEAD),
        "admin": server.user("anna", Role.ADMIN),
    }
    for method, path, body, expected in ROLE_MATRIX:
        for role, status in expected.items():
            payload = None
            if body is not None:
                payload = {
                    k: v.format(role=role or "anon") if isinstance(v, str) else v
                    for k, v in body.items()
                }
                if path == "/v1/templates":
                    payload["title"] = f"T {role}"
            r = sessions[role].request(method, path, json=payload)
            assert r.status_code == status, (method, path, role, r.status_code, r.text)


def test_anyone_changes_their_own_signature_and_availability_and_nothing_else(
    server: TestServer,
) -> None:
    eva_id = server.add_user("eva")
    tom_id = server.add_user("tom")
    eva = server.login("eva")
    assert eva.get("/v1/me").json()["availability"] == "available"
    r = eva.patch("/v1/me", json={"signature": " ^EvaB ", "availability": "away"})
    assert r.status_code == 200, r.text
    assert (r.json()["signature"], r.json()["availability"]) == ("^EvaB", "away")
    assert eva.get("/v1/me").json()["signature"] == "^EvaB"
    # the team sees it: the change feed carries the account, the workload the status
    lead = server.user("lars", Role.LEAD)
    workload = {a["agent_id"]: a for a in lead.get("/v1/reports/workload").json()}
    assert workload[eva_id]["availability"] == "away"
    assert workload[tom_id]["availability"] == "available"
    feed = lead.get("/v1/changes", params={"since": 0}).json()["changes"]
    assert any(c["entity"] == "user" and c["data"]["signature"] == "^EvaB" for c in feed)

    # self only: no role, password or disabled flag through /v1/me, nothing changed
    for body in ({"role": "admin"}, {"password": "new-secret-22"}, {"disabled": True}):
        r = eva.patch("/v1/me", json=body)
        assert r.status_code == 422, (body, r.text)
        assert "message" in r.json()
    # bad values are clear 422s and change nothing
    for body in ({"availability": "sleeping"}, {"signature": "x" * 41}, {"display_name": ""},
                 {"display_name": "   "}):  # fmt: skip
        r = eva.patch("/v1/me", json=body)
        assert r.status_code == 422, (body, r.text)
    me = eva.get("/v1/me").json()
    assert (me["role"], me["display_name"], me["signature"]) == ("agent", "Eva", "^EvaB")
    assert server.login("eva").get("/v1/me").status_code == 200  # password unchanged
    assert server.anonymous().patch("/v1/me", json={"availability": "away"}).status_code == 401
    # another account is still the admin's alone
    assert eva.patch(f"/v1/users/{tom_id}", json={"signature": "^X"}).status_code == 403

    admin = server.user("anna", Role.ADMIN)
    log = admin.get("/v1/audit", params={"entity": "user", "entity_id": str(eva_id)}).json()
    updates = [e["detail"] for e in log if e["action"] == "user.update"]
    assert updates == [{"via": "self", "signature": "^EvaB", "availability": "away"}]
