"""Contact merge through the real path: a real server, two clients with their own stores.

The fixed data is the demo's people on two channels (``webcare.server.demo.DEMO_PEOPLE``):
Sanne on Mastodon and X (the same handle text), Pieter by e-mail and by web form (the same
address in another case), Lotte on Bluesky and Mastodon, Bram on X alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.support.client import HeadlessClient
from tests.support.server import Api, TestServer, running_server
from webcare.domain.models import Role
from webcare.reports.response_times import GroupBy
from webcare.server.demo import seed_people
from webcare.server.services import contacts, reports
from webcare.server.services.contacts import email_of, handle_key


@dataclass
class People:
    team: TestServer
    lead: Api
    agent: Api
    ids: dict[str, int]  # "sanne-x", "sanne-mastodon", ... -> contact id
    eva: HeadlessClient  # an agent's client
    lars: HeadlessClient  # the lead's client

    def mention_of(self, key: str) -> int:
        with self.team.ctx.db.read() as conn:
            row = conn.execute(
                "SELECT id FROM mentions WHERE contact_id = ?", (self.ids[key],)
            ).fetchone()
        return int(row[0])

    def merge(self, key: str, into: str, api: Api | None = None) -> requests.Response:
        return (api or self.lead).post(
            f"/v1/contacts/{self.ids[key]}/merge", json={"into": self.ids[into]}
        )


_KEYS = {
    "@sanne@mastodon.example": "sanne-mastodon",
    "@Sanne": "sanne-x",
    "pieter.jansen@example.org": "pieter-mail",
    "Pieter.Jansen@Example.org": "pieter-form",
    "lottevb.bsky.social": "lotte-bluesky",
    "@LotteVB@social.example": "lotte-mastodon",
    "@bram_k": "bram-x",
}


@pytest.fixture
def people(tmp_path: Path) -> Iterator[People]:
    with running_server(tmp_path) as team:
        seed_people(team.ctx.db, team.ctx.now())
        with team.ctx.db.read() as conn:
            ids = {_KEYS[r[1]]: int(r[0]) for r in conn.execute("SELECT id, handle FROM contacts")}
        team.add_user("eva")
        team.add_user("lars", Role.LEAD)
        lead, agent = team.login("lars"), team.login("eva")
        eva = HeadlessClient(team.url, "eva", tmp_path / "eva.db")
        lars = HeadlessClient(team.url, "lars", tmp_path / "lars.db")
        try:
            for client in (eva, lars):
                client.engine.catch_up()
            yield People(team, lead, agent, ids, eva, lars)
        finally:
            eva.close()
            lars.close()


def _history(client: HeadlessClient, mention_id: int) -> list[tuple[str, str, str]]:
    """The author history the pane shows: (author, channel, text) of each mention."""
    return [
        (i.author, i.channel, i.text)
        for i in client.store.conversation(mention_id)
        if i.kind == "mention"
    ]


def test_match_rules_are_careful() -> None:
    # the same address in any case, from an e-mail channel or a web form's handle
    assert email_of("email", "pieter@example.org", "pieter@example.org") == "pieter@example.org"
    assert email_of("webhook", "form-1", "Pieter@Example.ORG") == "pieter@example.org"
    # a Mastodon handle looks like an address but is none
    assert email_of("mastodon", "1", "@pieter@example.org") is None
    assert email_of("twitter", "1", "@pieter") is None
    # handles: without @, case and a fediverse server or the Bluesky suffix
    assert handle_key("mastodon", "@Sanne@mastodon.example") == "sanne"
    assert handle_key("twitter", "@SANNE") == "sanne"
    assert handle_key("bluesky", "sanne.bsky.social") == "sanne"
    # not handles to compare: an address, a name with spaces, an id, too short
    assert handle_key("email", "sanne@example.org") is None
    assert handle_key("facebook", "Sanne de Vries") is None
    assert handle_key("twcs", "@115712") is None
    assert handle_key("twitter", "@jo") is None


def test_suggestions_on_fixed_data_with_their_reason(people: People) -> None:
    r = people.lead.get("/v1/contacts/suggestions")
    assert r.status_code == 200, r.text
    found = {(s["reason"], s["value"], s["contact"]["id"], s["other"]["id"]) for s in r.json()}
    ids = people.ids
    assert found == {
        ("email", "pieter.jansen@example.org", ids["pieter-mail"], ids["pieter-form"]),
        ("handle", "sanne", ids["sanne-mastodon"], ids["sanne-x"]),
        ("handle", "lottevb", ids["lotte-mastodon"], ids["lotte-bluesky"]),  # the older one
    }
    first = r.json()[0]  # an address says more than a handle: listed first
    assert first["reason"] == "email"
    assert first["contact"]["channels"] == ["Webcare e-mail"]
    assert first["other"]["mentions"] == 1
    # a dismissed pair is not suggested again; a retry of the dismissal changes nothing
    body = {"contact_id": ids["lotte-bluesky"], "other_id": ids["lotte-mastodon"]}
    assert people.lead.post("/v1/contacts/suggestions/dismiss", json=body).json() == {
        "result": "dismissed"
    }
    again = people.lead.post("/v1/contacts/suggestions/dismiss", json=body)
    assert again.json() == {"result": "unchanged"}
    values = {s["value"] for s in people.lead.get("/v1/contacts/suggestions").json()}
    assert values == {"pieter.jansen@example.org", "sanne"}
    # a merged pair is no suggestion either
    assert people.merge("sanne-x", "sanne-mastodon").status_code == 200
    values = {s["value"] for s in people.lead.get("/v1/contacts/suggestions").json()}
    assert values == {"pieter.jansen@example.org"}
    # the search finds by handle, name or address, case-insensitively, with the group
    # (only the Mastodon handle holds "sanne@"; its group comes along)
    sanne, on_x = people.lead.get("/v1/contacts", params={"q": "SANNE@"}).json()
    assert (sanne["platform"], sanne["members"]) == ("mastodon", [ids["sanne-x"]])
    assert (on_x["handle"], on_x["merged_into"]) == ("@Sanne", ids["sanne-mastodon"])
    found_by_name = people.lead.get("/v1/contacts", params={"q": "jansen"}).json()
    assert [c["handle"] for c in found_by_name] == [
        "pieter.jansen@example.org", "Pieter.Jansen@Example.org"]  # fmt: skip


def test_a_merge_shows_one_history_on_another_client_and_a_split_restores_it(
    people: People,
) -> None:
    on_x, on_mastodon = people.mention_of("sanne-x"), people.mention_of("sanne-mastodon")
    assert [t for _a, _c, t in _history(people.eva, on_x)] == [
        "@Webcare still the same problem with my router, any news?"
    ]
    r = people.merge("sanne-x", "sanne-mastodon")
    assert r.status_code == 200, r.text
    assert r.json()["result"] == "merged"
    assert r.json()["contact"]["merged_into"] == people.ids["sanne-mastodon"]
    # the agent's client syncs the change feed: one history, each mention with its channel
    people.eva.engine.catch_up()
    merged = [
        ("Sanne de Vries", "@Webcare on Mastodon",
         "My router keeps dropping the connection every evening"),
        ("Sanne de Vries", "@Webcare on X",
         "@Webcare still the same problem with my router, any news?"),
    ]  # fmt: skip
    assert _history(people.eva, on_x) == merged
    assert _history(people.eva, on_mastodon) == merged
    detail = people.eva.store.detail(on_x)
    assert detail is not None and detail.contact_id == people.ids["sanne-x"]  # kept its own
    assert detail.author.also == ("@sanne@mastodon.example (mastodon)",)
    assert detail.author.open_count == 1  # the Mastodon one is open too
    # the server's author history is the group's as well
    history = people.agent.get(f"/v1/contacts/{people.ids['sanne-x']}").json()
    assert [m["id"] for m in history["mentions"]] == [on_mastodon, on_x]
    assert [c["id"] for c in history["merged"]] == [people.ids["sanne-mastodon"]]
    # a retry of the same merge is harmless: unchanged, no second audit entry
    again = people.merge("sanne-x", "sanne-mastodon")
    assert again.status_code == 200 and again.json()["result"] == "unchanged"
    # a split restores both histories, on every client
    split = people.lead.post(f"/v1/contacts/{people.ids['sanne-x']}/split")
    assert split.status_code == 200 and split.json()["result"] == "split"
    assert split.json()["contact"]["merged_into"] is None
    assert people.lead.post(f"/v1/contacts/{people.ids['sanne-x']}/split").json()["result"] == (
        "unchanged"
    )
    for client in (people.eva, people.lars):
        client.engine.catch_up()
        assert [t for _a, _c, t in _history(client, on_x)] == [merged[1][2]]
        assert [t for _a, _c, t in _history(client, on_mastodon)] == [merged[0][2]]
        assert _history(client, on_x)[0][1] == ""  # one channel: not said
        d = client.store.detail(on_x)
        assert d is not None and d.author.also == ()
    # the audit log has one merge and one split, readable
    entries = people.lead.get("/v1/audit", params={"entity": "contact"}).json()
    assert [(e["action"], e["entity_label"]) for e in entries] == [
        ("contact.split", "@Sanne"), ("contact.merge", "@Sanne")]  # fmt: skip
    assert entries[1]["detail"]["into_name"] == "@sanne@mastodon.example (mastodon)"
    assert entries[1]["actor_name"] == "Lars"


def test_a_fresh_client_bootstraps_the_merged_history(people: People, tmp_path: Path) -> None:
    assert people.merge("pieter-form", "pieter-mail").status_code == 200
    fresh = HeadlessClient(people.team.url, "eva", tmp_path / "fresh.db")
    try:
        fresh.engine.catch_up()
        channels = [c for _a, c, _t in _history(fresh, people.mention_of("pieter-form"))]
        assert channels == ["Webcare e-mail", "Webcare web form"]
    finally:
        fresh.close()


def test_agents_are_refused_and_bad_merges_get_a_clear_4xx(people: People) -> None:
    ids = people.ids
    for method, path, body in (
        ("GET", "/v1/contacts/suggestions", None),
        ("GET", "/v1/contacts?q=sanne", None),
        ("POST", f"/v1/contacts/{ids['sanne-x']}/merge", {"into": ids["sanne-mastodon"]}),
        ("POST", f"/v1/contacts/{ids['sanne-x']}/split", None),
        ("POST", "/v1/contacts/suggestions/dismiss",
         {"contact_id": ids["sanne-x"], "other_id": ids["bram-x"]}),
    ):  # fmt: skip
        r = people.agent.request(method, path, json=body)
        assert r.status_code == 403, (path, r.text)
    with people.team.ctx.db.read() as conn:
        assert contacts.group_ids(conn, ids["sanne-x"]) == [ids["sanne-x"]]  # nothing merged

    def refused(key: str, into: str) -> tuple[int, str]:
        r = people.merge(key, into)
        return r.status_code, str(r.json()["message"])

    assert refused("sanne-x", "sanne-x") == (
        422, "A contact cannot be merged with itself: choose two contacts.")  # fmt: skip
    r = people.lead.post(f"/v1/contacts/{ids['sanne-x']}/merge", json={"into": 999_999})
    assert r.status_code == 404 and "999999" in r.json()["message"]
    assert people.lead.post(f"/v1/contacts/{ids['sanne-x']}/merge", json={}).status_code == 422
    assert people.merge("sanne-x", "sanne-mastodon").status_code == 200
    # a chain: merging into a contact that is merged itself names the one to merge into
    status, message = refused("bram-x", "sanne-x")
    assert status == 409
    assert message == (
        "@Sanne (twitter) is itself merged into @sanne@mastodon.example (mastodon): merge into"
        f" @sanne@mastodon.example (mastodon) (contact {ids['sanne-mastodon']}) instead."
    )
    # a cycle: the head into its own member
    assert refused("sanne-mastodon", "sanne-x")[0] == 409
    # a head into another contact: the other way round
    status, message = refused("sanne-mastodon", "bram-x")
    assert status == 409 and "merge @bram_k (twitter) into @sanne@mastodon.example" in message
    # merged elsewhere already: split it first
    status, message = refused("sanne-x", "bram-x")
    assert status == 409 and "Split it first" in message
    # a head is not split (its members are)
    r = people.lead.post(f"/v1/contacts/{ids['sanne-mastodon']}/split")
    assert r.status_code == 409 and "split each of them" in r.json()["message"]
    assert people.lead.post("/v1/contacts/0/split").status_code == 422
    # nothing of the refusals changed anything, and only the one merge is in the audit log
    with people.team.ctx.db.read() as conn:
        assert contacts.group_ids(conn, ids["bram-x"]) == [ids["bram-x"]]
        assert contacts.group_ids(conn, ids["sanne-x"]) == sorted(
            [ids["sanne-x"], ids["sanne-mastodon"]]
        )
        assert contacts.canonical_contact_id(conn, ids["sanne-x"]) == ids["sanne-mastodon"]
    actions = [
        e["action"] for e in people.lead.get("/v1/audit", params={"entity": "contact"}).json()
    ]
    assert actions == ["contact.merge"]


def test_reports_count_a_merged_contact_once(people: People) -> None:
    db, now = people.team.ctx.db, people.team.ctx.now()

    def counted() -> tuple[int, int]:
        s = reports.response_times(db, by=GroupBy.CHANNEL, now=now).summary
        return s.mentions, s.contacts

    assert counted() == (7, 7)
    assert people.merge("sanne-x", "sanne-mastodon").status_code == 200
    assert people.merge("pieter-form", "pieter-mail").status_code == 200
    assert counted() == (7, 5)
    # through the API too, overall and per channel (each channel's own people)
    data = people.lead.get("/v1/reports/response-times", params={"by": "channel"}).json()
    assert data["summary"]["contacts"] == 5
    per_channel = {g["key"]: g["contacts"] for g in data["groups"]}
    assert per_channel["@Webcare on Mastodon"] == 2
    assert people.lead.post(f"/v1/contacts/{people.ids['sanne-x']}/split").status_code == 200
    assert counted() == (7, 6)
