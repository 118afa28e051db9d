"""Every route of the app x {anonymous, agent, lead, admin} against the table in SECURITY.md.

The routes are enumerated from ``app.routes`` (routers included), so a new endpoint without a
row in the table fails here. For each row the test sends a *valid* request as each role: an
allowed role must succeed (2xx), a refused one must get exactly 401 or 403 (never a 2xx).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from starlette.routing import BaseRoute, Route

from tests.security.common import USERNAMES, RoleTokens
from tests.support.media import png
from tests.support.server import PASSWORD, TestServer, running_server
from webcare.channels import webhook
from webcare.domain.models import Role
from webcare.server.services import contacts

SECURITY_MD = Path(__file__).resolve().parents[2] / "SECURITY.md"
COLUMNS = (None, "agent", "lead", "admin")
Key = tuple[str, str]


def documented_table() -> dict[Key, dict[str | None, str]]:
    """The role table of SECURITY.md: (method, path) -> {role: "✓" | "401" | "403" | "sig"}."""
    rows: dict[Key, dict[str | None, str]] = {}
    pattern = re.compile(r"^\|\s*`(\w+)`\s*\|\s*`([^`]+)`\s*\|(.*)$")
    for line in SECURITY_MD.read_text(encoding="utf-8").splitlines():
        match = pattern.match(line)
        if not match:
            continue
        cells = [c.strip() for c in match.group(3).split("|")]
        assert all(c in ("✓", "401", "403", "sig") for c in cells[:4]), line
        key = (match.group(1).upper(), match.group(2))
        assert key not in rows, f"two rows for {key}"
        rows[key] = dict(zip(COLUMNS, cells[:4], strict=True))
    return rows


def _walk(routes: list[BaseRoute], prefix: str = "") -> Iterator[Key]:
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:  # FastAPI >= 0.120 keeps included routers as nodes
            context = getattr(route, "include_context", None)
            yield from _walk(included.routes, prefix + str(getattr(context, "prefix", "")))
        elif isinstance(route, Route):
            for method in sorted(route.methods or {"GET"}):
                if method != "HEAD":  # HEAD is GET without a body: same guard
                    yield method, prefix + route.path
        else:  # a mount or websocket would need its own rule: make it visible here
            yield "ANY", prefix + str(getattr(route, "path", repr(route)))


def app_routes(server: TestServer) -> set[Key]:
    return set(_walk(server.thread.app.routes))


def test_every_route_has_a_row_and_every_row_a_route(tmp_path: Path) -> None:
    with running_server(tmp_path, channels=False) as server:
        routes = app_routes(server)
        schema_paths = {
            (method.upper(), path)
            for path, ops in server.anonymous().get("/openapi.json").json()["paths"].items()
            for method in ops
        }
    table = documented_table()
    assert schema_paths <= routes  # the walk sees at least what the schema publishes
    assert sorted(routes - table.keys()) == [], "routes missing from SECURITY.md's role table"
    assert sorted(table.keys() - routes) == [], "rows in SECURITY.md for routes that do not exist"


# --- valid requests for every route ---------------------------------------------------------


@dataclass
class World:
    """A server with data every route can act on, and fresh tokens per role."""

    server: TestServer
    roles: RoleTokens
    mention_ids: list[int]
    contact_id: int
    template_id: int
    target_user: int
    channel_id: int
    signing_secret: str
    _next_mention: int = 0

    def mention(self) -> int:
        """A mention nobody has touched yet (each claim-like request gets its own)."""
        mid = self.mention_ids[self._next_mention]
        self._next_mention += 1
        return mid

    def headers(self, role: str | None) -> dict[str, str]:
        return {} if role is None else {"Authorization": f"Bearer {self.roles.token(role)}"}

    def call(self, role: str | None, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {**self.headers(role), **kwargs.pop("headers", {})}
        return requests.request(
            method, self.server.url + path, headers=headers, timeout=30, **kwargs
        )

    def template_version(self) -> str:
        r = self.call("admin", "GET", f"/v1/templates/{self.template_id}")
        return f'"{r.json()["version"]}"'

    def claimed_by(self, role: str | None) -> int:
        mid = self.mention()
        if role is not None:
            assert self.call(role, "POST", f"/v1/mentions/{mid}/claim").status_code == 200
        return mid

    def colleague_of(self, role: str | None) -> int:
        """Someone other than ``role``'s account to hand a mention to (eva, or the lead)."""
        return self.server.users["lars" if role == "agent" else "eva"]

    def failed_reply_of(self, role: str | None) -> str:
        """A reply of ``role``'s account whose delivery failed (a lead's for anonymous)."""
        author = role or "lead"
        mid = self.claimed_by(author)
        detail = self.call(author, "GET", f"/v1/mentions/{mid}").json()["mention"]
        op_id = f"op-{uuid.uuid4().hex}"
        body = {
            "client_id": f"cl-{uuid.uuid4().hex}",
            "mutations": [
                {
                    "client_seq": 1,
                    "op_id": op_id,
                    "type": "reply",
                    "mention_id": mid,
                    "claim_epoch": detail["claim_epoch"],
                    "body": "Sorry! ^Eva",
                }
            ],
        }
        r = self.call(author, "POST", "/v1/mutations", json=body)
        assert r.json()["results"][0]["outcome"] == "accepted", r.text
        with self.server.ctx.db.write() as conn:
            conn.execute("UPDATE replies SET delivery_state = 'failed' WHERE id = ?", (op_id,))
        return op_id

    def view_of(self, role: str | None) -> int:
        """A personal saved view of ``role``'s account (an admin's for anonymous)."""
        r = self.call(role or "admin", "POST", "/v1/views", json={"name": f"V {_unique()}"})
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    def upload_of(self, role: str | None) -> int:
        """An image ``role``'s account uploaded (an admin's for anonymous)."""
        r = self.call(
            role or "admin", "POST", "/v1/media", data=png(8, 8, (len(role or ""), 1, 2)),
            headers={"Content-Type": "image/png"},
        )  # fmt: skip
        assert r.status_code in (200, 201), r.text
        return int(r.json()["id"])


Request = Callable[[World, str | None], requests.Response]


def _unique() -> str:
    return uuid.uuid4().hex[:10]


def _fresh_contact(w: World) -> int:
    """A contact of its own (a new author's mention through the real ingest path)."""
    (mid,) = w.server.add_mentions(1, author=f"p{_unique()}")
    with w.server.ctx.db.read() as conn:
        return int(
            conn.execute("SELECT contact_id FROM mentions WHERE id = ?", (mid,)).fetchone()[0]
        )


def _merged_contact(w: World) -> int:
    """A contact merged into the world's contact (so it can be split)."""
    contact = _fresh_contact(w)
    contacts.merge(w.server.ctx.db, w.server.users["anna"], contact, w.contact_id, 0.0)
    return contact


def _ingest(w: World, role: str | None) -> requests.Response:
    body = json.dumps({"mentions": []}).encode()
    return w.call(role, "POST", f"/v1/ingest/{w.channel_id}", data=body)


REQUESTS: dict[Key, Request] = {
    ("GET", "/openapi.json"): lambda w, r: w.call(r, "GET", "/openapi.json"),
    ("GET", "/docs"): lambda w, r: w.call(r, "GET", "/docs"),
    ("GET", "/docs/oauth2-redirect"): lambda w, r: w.call(r, "GET", "/docs/oauth2-redirect"),
    ("GET", "/redoc"): lambda w, r: w.call(r, "GET", "/redoc"),
    ("GET", "/v1/health"): lambda w, r: w.call(r, "GET", "/v1/health"),
    ("POST", "/v1/auth/login"): lambda w, r: w.call(
        r,
        "POST",
        "/v1/auth/login",
        json={"username": USERNAMES[r or "agent"], "password": PASSWORD},
    ),
    ("POST", "/v1/auth/logout"): lambda w, r: w.call(r, "POST", "/v1/auth/logout"),
    ("GET", "/v1/me"): lambda w, r: w.call(r, "GET", "/v1/me"),
    ("PATCH", "/v1/me"): lambda w, r: w.call(r, "PATCH", "/v1/me", json={"availability": "away"}),
    ("GET", "/v1/bootstrap"): lambda w, r: w.call(r, "GET", "/v1/bootstrap"),
    ("GET", "/v1/bootstrap/{entity}"): lambda w, r: w.call(r, "GET", "/v1/bootstrap/mentions"),
    ("GET", "/v1/changes"): lambda w, r: w.call(r, "GET", "/v1/changes?since=0"),
    ("GET", "/v1/mentions/{mention_id}"): lambda w, r: w.call(
        r, "GET", f"/v1/mentions/{w.mention_ids[0]}"
    ),
    ("POST", "/v1/mentions/{mention_id}/claim"): lambda w, r: w.call(
        r, "POST", f"/v1/mentions/{w.mention()}/claim"
    ),
    ("POST", "/v1/mentions/{mention_id}/renew"): lambda w, r: w.call(
        r, "POST", f"/v1/mentions/{w.claimed_by(r)}/renew"
    ),
    ("POST", "/v1/mentions/{mention_id}/release"): lambda w, r: w.call(
        r, "POST", f"/v1/mentions/{w.claimed_by(r)}/release"
    ),
    ("POST", "/v1/mentions/{mention_id}/assign"): lambda w, r: w.call(
        r,
        "POST",
        f"/v1/mentions/{w.mention()}/assign",
        json={"agent_id": w.server.users["eva"]},
    ),
    ("POST", "/v1/mentions/{mention_id}/handover"): lambda w, r: w.call(
        r,
        "POST",
        f"/v1/mentions/{w.claimed_by(r)}/handover",
        json={"to_user_id": w.colleague_of(r), "note": "Lars knows this customer"},
    ),
    ("GET", "/v1/presence"): lambda w, r: w.call(r, "GET", "/v1/presence"),
    ("GET", "/v1/contacts/{contact_id}"): lambda w, r: w.call(
        r, "GET", f"/v1/contacts/{w.contact_id}"
    ),
    ("GET", "/v1/contacts"): lambda w, r: w.call(r, "GET", "/v1/contacts?q=jan"),
    ("GET", "/v1/contacts/suggestions"): lambda w, r: w.call(r, "GET", "/v1/contacts/suggestions"),
    ("POST", "/v1/contacts/suggestions/dismiss"): lambda w, r: w.call(
        r,
        "POST",
        "/v1/contacts/suggestions/dismiss",
        json={"contact_id": w.contact_id, "other_id": _fresh_contact(w)},
    ),
    ("POST", "/v1/contacts/{contact_id}/merge"): lambda w, r: w.call(
        r, "POST", f"/v1/contacts/{_fresh_contact(w)}/merge", json={"into": w.contact_id}
    ),
    ("POST", "/v1/contacts/{contact_id}/split"): lambda w, r: w.call(
        r, "POST", f"/v1/contacts/{_merged_contact(w)}/split"
    ),
    ("POST", "/v1/mutations"): lambda w, r: w.call(
        r,
        "POST",
        "/v1/mutations",
        json={
            "client_id": f"cl-{_unique()}",
            "mutations": [
                {
                    "client_seq": 1,
                    "op_id": f"op-{_unique()}",
                    "type": "note",
                    "mention_id": w.mention_ids[0],
                    "body": "internal",
                }
            ],
        },
    ),
    ("GET", "/v1/clients/{client_id}"): lambda w, r: w.call(
        r, "GET", f"/v1/clients/cl-{_unique()}"
    ),
    ("POST", "/v1/replies/{reply_id}/retry"): lambda w, r: w.call(
        r, "POST", f"/v1/replies/{w.failed_reply_of(r)}/retry"
    ),
    ("GET", "/v1/templates"): lambda w, r: w.call(r, "GET", "/v1/templates"),
    ("GET", "/v1/views"): lambda w, r: w.call(r, "GET", "/v1/views"),
    ("POST", "/v1/views"): lambda w, r: w.call(
        r, "POST", "/v1/views", json={"name": f"V {_unique()}", "search": "tag:storing"}
    ),
    ("PATCH", "/v1/views/{view_id}"): lambda w, r: w.call(
        r, "PATCH", f"/v1/views/{w.view_of(r)}", json={"name": f"W {_unique()}"}
    ),
    ("DELETE", "/v1/views/{view_id}"): lambda w, r: w.call(
        r, "DELETE", f"/v1/views/{w.view_of(r)}"
    ),
    ("POST", "/v1/templates"): lambda w, r: w.call(
        r, "POST", "/v1/templates", json={"title": f"T {_unique()}", "body": "Hoi!"}
    ),
    ("GET", "/v1/templates/{template_id}"): lambda w, r: w.call(
        r, "GET", f"/v1/templates/{w.template_id}"
    ),
    ("PUT", "/v1/templates/{template_id}"): lambda w, r: w.call(
        r,
        "PUT",
        f"/v1/templates/{w.template_id}",
        json={"title": f"T {_unique()}", "body": "Hallo!"},
        headers={"If-Match": w.template_version()},
    ),
    ("POST", "/v1/templates/{template_id}/archive"): lambda w, r: w.call(
        r,
        "POST",
        f"/v1/templates/{w.template_id}/archive",
        headers={"If-Match": w.template_version()},
    ),
    ("POST", "/v1/templates/{template_id}/restore"): lambda w, r: w.call(
        r,
        "POST",
        f"/v1/templates/{w.template_id}/restore",
        headers={"If-Match": w.template_version()},
    ),
    ("GET", "/v1/users"): lambda w, r: w.call(r, "GET", "/v1/users"),
    ("POST", "/v1/users"): lambda w, r: w.call(
        r,
        "POST",
        "/v1/users",
        json={"username": f"u{_unique()}", "display_name": "New", "password": "password1"},
    ),
    ("PATCH", "/v1/users/{user_id}"): lambda w, r: w.call(
        r, "PATCH", f"/v1/users/{w.target_user}", json={"display_name": f"Tim {_unique()}"}
    ),
    ("GET", "/v1/reports/response-times"): lambda w, r: w.call(
        r, "GET", "/v1/reports/response-times"
    ),
    ("GET", "/v1/reports/volume"): lambda w, r: w.call(r, "GET", "/v1/reports/volume"),
    ("GET", "/v1/reports/backlog"): lambda w, r: w.call(r, "GET", "/v1/reports/backlog"),
    ("GET", "/v1/reports/workload"): lambda w, r: w.call(r, "GET", "/v1/reports/workload"),
    ("GET", "/v1/reports/template-usage"): lambda w, r: w.call(
        r, "GET", "/v1/reports/template-usage"
    ),
    ("GET", "/v1/audit"): lambda w, r: w.call(r, "GET", "/v1/audit"),
    ("GET", "/v1/settings"): lambda w, r: w.call(r, "GET", "/v1/settings"),
    ("GET", "/v1/business-hours"): lambda w, r: w.call(r, "GET", "/v1/business-hours"),
    ("PUT", "/v1/settings/business-hours"): lambda w, r: w.call(
        r,
        "PUT",
        "/v1/settings/business-hours",
        json={"timezone": "Europe/Amsterdam", "weekly": {}},
    ),
    ("PUT", "/v1/settings/sla-targets"): lambda w, r: w.call(
        r,
        "PUT",
        "/v1/settings/sla-targets",
        json={"low": 14400, "normal": 3600, "high": 1800, "urgent": 900},
    ),
    ("PUT", "/v1/settings/auto-ack"): lambda w, r: w.call(
        r, "PUT", "/v1/settings/auto-ack", json={"enabled": False}
    ),
    ("PUT", "/v1/settings/priority-rules"): lambda w, r: w.call(
        r, "PUT", "/v1/settings/priority-rules", json={}
    ),
    ("GET", "/v1/channels"): lambda w, r: w.call(r, "GET", "/v1/channels"),
    ("POST", "/v1/channels"): lambda w, r: w.call(
        r, "POST", "/v1/channels", json={"connector": "webhook", "name": f"Hook {_unique()}"}
    ),
    ("GET", "/v1/channels/{channel_id}/config"): lambda w, r: w.call(
        r, "GET", f"/v1/channels/{w.channel_id}/config"
    ),
    ("PATCH", "/v1/channels/{channel_id}"): lambda w, r: w.call(
        r, "PATCH", f"/v1/channels/{w.channel_id}", json={"enabled": True}
    ),
    ("POST", "/v1/channels/{channel_id}/fetch"): lambda w, r: w.call(
        r, "POST", f"/v1/channels/{w.channel_id}/fetch"
    ),
    ("GET", "/v1/channels/{channel_id}/platform-templates"): lambda w, r: w.call(
        r, "GET", f"/v1/channels/{w.channel_id}/platform-templates"
    ),
    ("GET", "/v1/connectors"): lambda w, r: w.call(r, "GET", "/v1/connectors"),
    ("POST", "/v1/ingest/{channel_id}"): _ingest,
    ("GET", "/v1/media/{media_id}"): lambda w, r: w.call(r, "GET", f"/v1/media/{w.upload_of(r)}"),
    ("POST", "/v1/media"): lambda w, r: w.call(
        r, "POST", "/v1/media", data=png(9, 9, (3, 2, 1)), headers={"Content-Type": "image/png"}
    ),
    ("GET", "/v1/hooks/{channel_id}"): lambda w, r: w.call(
        r,
        "GET",
        f"/v1/hooks/{w.channel_id}",
        params={"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "42"},
    ),
    ("POST", "/v1/hooks/{channel_id}"): lambda w, r: w.call(
        r, "POST", f"/v1/hooks/{w.channel_id}", data=b'{"object": "page", "entry": []}'
    ),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with running_server(tmp_path_factory.mktemp("roles"), channels=False) as server:
        roles = RoleTokens(server)
        roles.create()
        target = server.add_user("tim")
        mentions = server.add_mentions(40)
        admin = server.login("anna")
        template = admin.post("/v1/templates", json={"title": "Sorry", "body": "Sorry!"})
        channel = admin.post("/v1/channels", json={"connector": "webhook", "name": "Forum"})
        assert template.status_code == 201 and channel.status_code == 201, channel.text
        contact = admin.get(f"/v1/mentions/{mentions[0]}").json()["contact"]["id"]
        yield World(
            server=server,
            roles=roles,
            mention_ids=mentions,
            contact_id=contact,
            template_id=template.json()["id"],
            target_user=target,
            channel_id=channel.json()["id"],
            signing_secret=channel.json()["generated_secrets"]["signing_secret"],
        )


def test_the_table_has_a_valid_request_for_every_row() -> None:
    assert sorted(documented_table().keys() - REQUESTS.keys()) == []


@pytest.mark.parametrize("key", sorted(documented_table()), ids=lambda k: f"{k[0]} {k[1]}")
def test_role_matrix(world: World, key: Key) -> None:
    expected = documented_table()[key]
    request = REQUESTS[key]
    for role in COLUMNS:
        want = expected[role]
        r = request(world, role)
        got = r.status_code
        where = (key, role or "anonymous", got, r.text[:300])
        if want == "✓":
            assert 200 <= got < 300, where
        elif want == "sig":
            assert got == 401, where  # a bearer token is no substitute for the signature
        else:
            assert got == int(want), where
    if key == ("POST", "/v1/ingest/{channel_id}"):  # and with the signature, it works
        body = json.dumps({"mentions": []}).encode()
        headers = webhook.signed_headers(world.signing_secret, body, world.server.ctx.now())
        r = requests.post(
            f"{world.server.url}/v1/ingest/{world.channel_id}",
            data=body,
            headers=headers,
            timeout=30,
        )
        assert r.status_code == 202, r.text


def test_an_agent_cannot_act_on_what_is_not_theirs(world: World) -> None:
    """The allowed-with-a-condition rows: another's reply, client id and claim."""
    reply_of_lead = world.failed_reply_of("lead")
    r = world.call("agent", "POST", f"/v1/replies/{reply_of_lead}/retry")
    assert r.status_code == 403, r.text
    client = f"cl-{_unique()}"
    note = {
        "client_seq": 1,
        "op_id": f"op-{_unique()}",
        "type": "note",
        "mention_id": world.mention_ids[0],
        "body": "mine",
    }
    lead = world.call(
        "lead", "POST", "/v1/mutations", json={"client_id": client, "mutations": [note]}
    )
    assert lead.status_code == 200
    assert world.call("agent", "GET", f"/v1/clients/{client}").status_code == 403
    other = {**note, "op_id": f"op-{_unique()}", "client_seq": 2}
    r = world.call(
        "agent", "POST", "/v1/mutations", json={"client_id": client, "mutations": [other]}
    )
    assert r.status_code == 403, r.text
    held = world.claimed_by("lead")
    r = world.call("agent", "POST", f"/v1/mentions/{held}/release")
    assert r.status_code == 409, r.text  # held by the lead: not the agent's to release
    assert world.call("agent", "POST", f"/v1/mentions/{held}/claim").status_code == 409
    holder = world.call("lead", "GET", f"/v1/mentions/{held}").json()["mention"]
    assert holder["claim_agent_id"] == world.server.users["lars"]
    r = world.call(
        "agent", "PATCH", f"/v1/users/{world.server.users['eva']}", json={"role": "admin"}
    )
    assert r.status_code == 403
    with world.server.ctx.db.read() as conn:
        role = conn.execute("SELECT role FROM users WHERE username = 'eva'").fetchone()[0]
    assert role == Role.AGENT.value


def test_saved_views_an_agent_keeps_to_their_own(world: World) -> None:
    """The conditions of the views rows: publishing and the team's views are a lead's, and
    another account's personal view does not exist for anyone else (not even a lead)."""
    r = world.call("agent", "POST", "/v1/views", json={"name": f"T {_unique()}", "published": True})
    assert r.status_code == 403, r.text
    team = world.call(
        "lead", "POST", "/v1/views", json={"name": f"T {_unique()}", "published": True}
    )
    assert team.status_code == 201, team.text
    team_id = team.json()["id"]
    for method, body in (("PATCH", {"name": f"X {_unique()}"}), ("DELETE", None)):
        r = world.call("agent", method, f"/v1/views/{team_id}", json=body)
        assert r.status_code == 403, (method, r.text)
    own = world.view_of("agent")
    assert (
        world.call("agent", "PATCH", f"/v1/views/{own}", json={"published": True}).status_code
        == 403
    )
    for role in ("lead", "admin"):
        assert world.call(role, "DELETE", f"/v1/views/{own}").status_code == 404
        assert own not in [v["id"] for v in world.call(role, "GET", "/v1/views").json()]
    assert world.call("admin", "DELETE", f"/v1/views/{team_id}").status_code == 204
