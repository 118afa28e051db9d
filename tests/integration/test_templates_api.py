"""Canned answers over HTTP: admin-only writes, versions with If-Match, validation."""

from __future__ import annotations

from tests.support.server import TestServer
from webcare.domain.models import Role

BODY = "Hoi {{customer_name}}, stuur ons een DM! {{agent_signature}}"


def test_create_update_with_if_match_and_stale_version(server: TestServer) -> None:
    anna = server.user("anna", Role.ADMIN)
    bert = server.user("bert", Role.ADMIN)
    r = anna.post(
        "/v1/templates",
        json={"title": "DM vragen", "body": BODY, "language": "nl", "shortcut": "dm",
              "tags": ["DM", "dm", " privacy "]},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    tpl = r.json()
    assert r.headers["ETag"] == '"1"'
    assert tpl["version"] == 1
    assert tpl["tags"] == ["dm", "privacy"]

    # both admins opened version 1; anna saves first
    ok = anna.put(
        f"/v1/templates/{tpl['id']}",
        json={**tpl, "body": BODY + " Fijne dag!"},
        headers={"If-Match": '"1"'},
    )
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    stale = bert.put(
        f"/v1/templates/{tpl['id']}",
        json={**tpl, "body": "Bert's version"},
        headers={"If-Match": '"1"'},
    )
    assert stale.status_code == 412
    err = stale.json()
    assert err["error"] == "version_conflict"
    assert err["current_version"] == 2
    assert err["current"]["body"] == BODY + " Fijne dag!"  # shown the newer text
    assert server.anonymous().get("/v1/health").status_code == 200
    current = bert.get(f"/v1/templates/{tpl['id']}")
    assert current.json()["body"] == BODY + " Fijne dag!"  # nothing overwritten
    assert current.headers["ETag"] == '"2"'


def test_if_match_is_required(server: TestServer) -> None:
    anna = server.user("anna", Role.ADMIN)
    tpl = anna.post("/v1/templates", json={"title": "A", "body": BODY}).json()
    r = anna.put(f"/v1/templates/{tpl['id']}", json={"title": "A", "body": BODY})
    assert r.status_code == 428
    r = anna.put(
        f"/v1/templates/{tpl['id']}", json={"title": "A", "body": BODY}, headers={"If-Match": "x"}
    )
    assert r.status_code == 422


def test_unknown_variable_is_a_clear_error(server: TestServer) -> None:
    anna = server.user("anna", Role.ADMIN)
    r = anna.post("/v1/templates", json={"title": "Oops", "body": "Hoi {{klantnaam}}!"})
    assert r.status_code == 422
    message = r.json()["message"]
    assert "{{klantnaam}}" in message
    assert "{{customer_name}}" in message  # tells what is allowed
    r = anna.post("/v1/templates", json={"title": "Oops", "body": "Hoi {{customer_name}!"})
    assert r.status_code == 422
    assert "unbalanced" in r.json()["message"]


def test_shortcuts_are_unique_among_active_templates(server: TestServer) -> None:
    anna = server.user("anna", Role.ADMIN)
    first = anna.post("/v1/templates", json={"title": "A", "body": BODY, "shortcut": "dm"}).json()
    dup = anna.post("/v1/templates", json={"title": "B", "body": BODY, "shortcut": "dm"})
    assert dup.status_code == 422
    assert "'A'" in dup.json()["message"]
    archived = anna.post(f"/v1/templates/{first['id']}/archive", headers={"If-Match": '"1"'})
    assert archived.status_code == 200
    assert archived.json()["archived"] is True
    assert (
        anna.post("/v1/templates", json={"title": "B", "body": BODY, "shortcut": "dm"}).status_code
        == 201
    )
    assert [t["title"] for t in anna.get("/v1/templates").json()] == ["B"]
    assert len(anna.get("/v1/templates", params={"include_archived": True}).json()) == 2


def test_agents_read_but_cannot_write_templates(server: TestServer) -> None:
    anna = server.user("anna", Role.ADMIN)
    eva = server.user("eva")
    tpl = anna.post("/v1/templates", json={"title": "A", "body": BODY}).json()
    assert eva.get("/v1/templates").status_code == 200
    r = eva.put(f"/v1/templates/{tpl['id']}", json={"title": "A", "body": "x"},
                headers={"If-Match": '"1"'})  # fmt: skip
    assert r.status_code == 403
    assert (
        eva.post(f"/v1/templates/{tpl['id']}/archive", headers={"If-Match": '"1"'}).status_code
        == 403
    )


def test_template_changes_are_audited(server: TestServer) -> None:
    anna = server.user("anna", Role.ADMIN)
    tpl = anna.post("/v1/templates", json={"title": "A", "body": BODY}).json()
    anna.put(f"/v1/templates/{tpl['id']}", json={"title": "A2", "body": BODY},
             headers={"If-Match": '"1"'})  # fmt: skip
    log = anna.get("/v1/audit", params={"entity": "template"}).json()
    assert [(e["action"], e["actor_username"]) for e in reversed(log)] == [
        ("template.create", "anna"),
        ("template.update", "anna"),
    ]


def test_ask_variables_are_checked_on_write(server: TestServer) -> None:
    anna = server.user("anna", Role.ADMIN)
    body = "Je order {{ask:ordernummer}} van {{ask: Datum }} is onderweg. {{agent_signature}}"
    ok = anna.post("/v1/templates", json={"title": "Order", "body": body})
    assert ok.status_code == 201, ok.text
    assert ok.json()["body"] == body  # stored as written; the labels are read when used
    for bad, fragment in (
        ("Je order {{ask:}}", "has no label"),
        ("Je order {{ask:order {nr}}", "brace"),
        ("Je order {{ask:" + "n" * 41 + "}}", "40 characters"),
    ):
        r = anna.post("/v1/templates", json={"title": "Fout", "body": bad})
        assert r.status_code == 422, bad
        assert fragment in r.json()["message"]
    tpl = ok.json()
    r = anna.put(f"/v1/templates/{tpl['id']}", json={**tpl, "body": "Order {{ask:}}"},
                 headers={"If-Match": '"1"'})  # fmt: skip
    assert r.status_code == 422
    assert "has no label" in r.json()["message"]


def test_the_acknowledgement_cannot_ask_the_agent(server: TestServer) -> None:
    anna = server.user("anna", Role.ADMIN)
    asking = anna.post("/v1/templates", json={
        "title": "Vraag", "body": "Je order {{ask:ordernummer}} is onderweg."}).json()  # fmt: skip
    r = anna.put("/v1/settings/auto-ack", json={"enabled": True, "template_id": asking["id"]})
    assert r.status_code == 422
    assert "ordernummer" in r.json()["message"]
    plain = anna.post("/v1/templates", json={"title": "Nacht", "body": "We zijn er om 9:00."})
    ack = plain.json()
    r = anna.put("/v1/settings/auto-ack", json={"enabled": True, "template_id": ack["id"]})
    assert r.status_code == 200, r.text
    r = anna.put(f"/v1/templates/{ack['id']}", json={**ack, "body": "Order {{ask:nummer}}?"},
                 headers={"If-Match": '"1"'})  # fmt: skip
    assert r.status_code == 422
    assert "out-of-hours acknowledgement" in r.json()["message"]
    assert anna.get(f"/v1/templates/{ack['id']}").json()["body"] == "We zijn er om 9:00."
