"""Saved views over HTTP (a real server, a real SQLite file): personal ones only to their owner,
published ones to everyone and changed only by leads, bad input refused with a 4xx, the audit
log, and the change feed that brings them to each of the owner's computers."""

from __future__ import annotations

from typing import Any

from tests.support.server import Api, TestServer
from webcare.domain.models import Role
from webcare.domain.saved_views import MAX_NAME, MAX_PERSONAL

VIEW = {"name": "Storingen", "base": "unclaimed", "search": "storing tag:internet",
        "min_priority": 2, "sort": "oldest"}  # fmt: skip


def _feed(api: Api, since: int = 0) -> list[dict[str, Any]]:
    page = api.get("/v1/changes", params={"since": since}).json()
    return [c for c in page["changes"] if c["entity"] == "view"]


def test_personal_view_is_its_owners_and_follows_them(server: TestServer) -> None:
    anna = server.user("anna")
    bram = server.user("bram")
    cursor = anna.get("/v1/bootstrap").json()["cursor"]
    r = anna.post("/v1/views", json=VIEW)
    assert r.status_code == 201, r.text
    view = r.json()
    assert view["name"] == "Storingen" and view["published"] is False
    assert view["search"] == "storing tag:internet" and view["sort"] == "oldest"
    # anna's second laptop: a new sign-in, the same account, sees it at bootstrap and in the feed
    laptop = server.login("anna")
    assert [v["name"] for v in laptop.get("/v1/bootstrap").json()["views"]] == ["Storingen"]
    assert [(c["op"], c["data"]["name"]) for c in _feed(laptop, cursor)] == [
        ("upsert", "Storingen")
    ]
    # bram never sees it: not at bootstrap, not in the list, and the feed says only "deleted"
    assert bram.get("/v1/bootstrap").json()["views"] == []
    assert bram.get("/v1/views").json() == []
    assert [(c["op"], c["data"]) for c in _feed(bram, cursor)] == [("delete", None)]
    # nor may he change or delete it (it does not exist for him)
    assert bram.patch(f"/v1/views/{view['id']}", json={"name": "Mijn"}).status_code == 404
    assert bram.request("DELETE", f"/v1/views/{view['id']}").status_code == 404
    # anna renames and deletes it; each is in the feed
    r = anna.patch(f"/v1/views/{view['id']}", json={"name": "Storingen NL"})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Storingen NL" and r.json()["search"] == VIEW["search"]
    assert anna.request("DELETE", f"/v1/views/{view['id']}").status_code == 204
    assert anna.get("/v1/views").json() == []
    assert _feed(laptop, cursor)[-1]["op"] == "delete"


def test_published_view_is_everyones_and_only_leads_change_it(server: TestServer) -> None:
    lead = server.user("lisa", Role.LEAD)
    agent = server.user("anna")
    # an agent may not publish, nor make a view of hers the team's
    r = agent.post("/v1/views", json={**VIEW, "published": True})
    assert r.status_code == 403, r.text
    assert "lead" in r.json()["message"]
    own = agent.post("/v1/views", json=VIEW).json()
    assert agent.patch(f"/v1/views/{own['id']}", json={"published": True}).status_code == 403
    # the lead publishes one: everyone sees it
    r = lead.post("/v1/views", json={**VIEW, "name": "Urgent", "search": "prio:urgent",
                                     "published": True})  # fmt: skip
    assert r.status_code == 201, r.text
    team = r.json()
    assert {v["name"] for v in agent.get("/v1/views").json()} == {"Storingen", "Urgent"}
    assert [v["name"] for v in server.login("anna").get("/v1/bootstrap").json()["views"]] == [
        "Storingen",
        "Urgent",
    ]
    # the agent cannot change or delete it (she may copy it: a personal view like any other)
    r = agent.patch(f"/v1/views/{team['id']}", json={"name": "Mijn urgent"})
    assert r.status_code == 403
    assert "Copy it" in r.json()["message"]
    assert agent.request("DELETE", f"/v1/views/{team['id']}").status_code == 403
    copy = agent.post("/v1/views", json={**VIEW, "name": "Urgent", "search": "prio:urgent"})
    assert copy.status_code == 201, copy.text
    # another lead may change it; unpublishing makes it its owner's again
    other = server.user("lars", Role.LEAD)
    cursor = agent.get("/v1/bootstrap").json()["cursor"]
    r = other.patch(f"/v1/views/{team['id']}", json={"published": False})
    assert r.status_code == 200, r.text
    assert r.json()["published"] is False and r.json()["owner_id"] == team["owner_id"]
    assert {v["name"] for v in agent.get("/v1/views").json()} == {"Storingen", "Urgent"}
    assert [v["id"] for v in agent.get("/v1/views").json()] == [own["id"], copy.json()["id"]]
    assert [(c["id"], c["op"]) for c in _feed(agent, cursor)] == [(str(team["id"]), "delete")]
    assert lead.patch(f"/v1/views/{team['id']}", json={"published": True}).status_code == 200
    assert lead.request("DELETE", f"/v1/views/{team['id']}").status_code == 204
    # the audit log has each change of a team view, by whom
    audit = server.user("root", Role.ADMIN).get(
        "/v1/audit", params={"entity": "view", "entity_id": str(team["id"])}
    )
    assert audit.status_code == 200, audit.text
    actions = [(e["action"], e["actor_id"]) for e in reversed(audit.json())]
    assert actions == [
        ("view.publish", team["owner_id"]),
        ("view.unpublish", server.users["lars"]),
        ("view.publish", team["owner_id"]),
        ("view.delete", team["owner_id"]),
    ]
    # each reads with the view's name (kept after it was deleted) and whose it is
    assert {e["entity_label"] for e in audit.json()} == {"Urgent"}
    assert {tuple(e["names"].values()) for e in audit.json()} == {("Lisa",)}


def test_bad_views_are_refused_with_a_reason(server: TestServer) -> None:
    anna = server.user("anna")
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({**VIEW, "name": "  "}, 422, "name"),
        ({**VIEW, "name": "x" * (MAX_NAME + 1)}, 422, f"{MAX_NAME}"),
        ({**VIEW, "base": "everything"}, 422, "everything"),
        ({**VIEW, "sort": "random"}, 422, "random"),
        ({**VIEW, "search": "since:gisteren"}, 422, "since"),
        ({**VIEW, "search": "prio:heel-hoog"}, 422, "prio"),
        ({**VIEW, "status": "gone"}, 422, "gone"),
        ({**VIEW, "channel_id": 999}, 422, "channel"),
        ({**VIEW, "min_priority": 9}, 422, ""),
        ({**VIEW, "colour": "red"}, 422, ""),
        ({**VIEW, "name": "a\x00b"}, 422, ""),
    ]
    for body, status, word in cases:
        r = anna.post("/v1/views", json=body)
        assert r.status_code == status, (body, r.text)
        assert word in r.text, (body, r.text)
    assert anna.post("/v1/views", json=VIEW).status_code == 201
    dup = anna.post("/v1/views", json={**VIEW, "name": " storingen "})
    assert dup.status_code == 422 and "already" in dup.json()["message"]
    # another account may use the same name for its own view
    assert server.user("bram").post("/v1/views", json=VIEW).status_code == 201
    for n in range(1, MAX_PERSONAL):
        assert anna.post("/v1/views", json={**VIEW, "name": f"V{n}"}).status_code == 201
    full = anna.post("/v1/views", json={**VIEW, "name": "One more"})
    assert full.status_code == 422 and "delete one" in full.json()["message"]
    assert anna.patch("/v1/views/999", json={"name": "x"}).status_code == 404
    assert anna.patch("/v1/views/0", json={"name": "x"}).status_code == 422
    first = anna.get("/v1/views").json()[0]
    assert anna.patch(f"/v1/views/{first['id']}", json={"name": "V1"}).status_code == 422
    assert anna.patch(f"/v1/views/{first['id']}", json={"sort": "random"}).status_code == 422
