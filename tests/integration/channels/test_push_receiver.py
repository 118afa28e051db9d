"""The push receiver, delivery receipts, the messaging window and platform actions on a real
team server (uvicorn on 127.0.0.1, a real SQLite file) with a Facebook Page channel whose Graph
API and webhooks come from the fake (tests/support/fakes/graph.py)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.channels import (
    Agent,
    arrived,
    facebook_channel,
    mention_by_source,
    reply_state,
    rows,
)
from tests.support.fakes.graph import PAGE_ID, FakeGraph, error, meta_json, sign
from tests.support.fakes.telegram import FakeTelegram
from tests.support.server import TestServer, running_server, wait_until
from webcare.domain.models import Role
from webcare.server.routers import hooks
from webcare.server.services import push


@pytest.fixture
def fake() -> Iterator[FakeGraph]:
    with FakeGraph() as server:
        yield server


@pytest.fixture
def srv(tmp_path: Path) -> Iterator[TestServer]:
    with running_server(tmp_path, delivery_base_s=0.05, channel_tick_s=0.05) as server:
        yield server


# --- the receiver -----------------------------------------------------------------------------
def test_verification_and_unauthenticated_deliveries_are_answered_alike(
    srv: TestServer, fake: FakeGraph
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    r = admin.post(
        "/v1/channels",
        json={
            "connector": "facebook",
            "name": "FB",
            "brand": "Webcare",
            "config": {"page_id": PAGE_ID, "base_url": fake.base_url},
            "secrets": {"page_access_token": fake.token, "app_secret": fake.app_secret},
            "interval_s": 86_400,
        },
    )
    assert r.status_code == 201, r.text
    channel = r.json()
    verify = channel["generated_secrets"]["verify_token"]  # shown once, for the Meta app
    assert len(verify) >= 24
    assert verify not in json.dumps(admin.get("/v1/channels").json())
    mastodon = admin.post(
        "/v1/channels",
        json={
            "connector": "mastodon",
            "name": "M",
            "config": {"base_url": "http://127.0.0.1:9"},
            "secrets": {"access_token": "x"},
        },
    ).json()["id"]
    anon = srv.anonymous()
    hook = channel["hook_path"]
    ok = {"hub.mode": "subscribe", "hub.verify_token": verify, "hub.challenge": "1158201444"}
    r = anon.get(hook, params=ok)
    assert (r.status_code, r.text) == (200, "1158201444")
    assert r.headers["content-type"].startswith("text/plain")
    refused = [
        anon.get(hook, params={**ok, "hub.verify_token": "wrong"}),
        anon.get(hook, params={**ok, "hub.mode": "unsubscribe"}),
        anon.get("/v1/hooks/999", params=ok),
        anon.get(f"/v1/hooks/{mastodon}", params=ok),
        anon.get("/v1/hooks/abc", params=ok),
    ]
    assert {(x.status_code, x.text) for x in refused} == {(403, "The verify token does not match.")}
    body = meta_json({"object": "page", "entry": []})
    answers = []
    for path in (hook, "/v1/hooks/999", f"/v1/hooks/{mastodon}", "/v1/hooks/x%20y"):
        for signature in (sign("wrong secret", body), None, "sha1=abc"):
            headers = {"Content-Type": "application/json"}
            if signature:
                headers["X-Hub-Signature-256"] = signature
            answers.append(anon.post(path, data=body, headers=headers))
    assert {a.status_code for a in answers} == {401}
    assert len({a.text for a in answers}) == 1
    assert answers[0].json() == {"error": "unauthorized", "message": hooks.NOT_AUTHENTICATED}
    # not even a body no JSON parser could read changes the answer before the signature
    broken = anon.post(hook, data=b"{[" * 100, headers={"X-Hub-Signature-256": "sha256=00"})
    assert broken.status_code == 401 and broken.text == answers[0].text
    assert rows(srv, "SELECT * FROM push_deliveries") == []


def test_a_run_of_bad_signatures_is_the_channels_error_until_a_good_delivery(
    srv: TestServer, fake: FakeGraph
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    channel = facebook_channel(admin, fake)
    body = meta_json({"object": "page", "entry": []})
    for _ in range(push.SIGNATURE_STREAK - 1):
        assert fake.post_now(body, signature="bad").status_code == 401

    def shown() -> str | None:
        listed = {c["id"]: c for c in admin.get("/v1/channels").json()}
        error_: str | None = listed[channel["id"]]["last_error"]
        return error_

    assert shown() is None
    assert fake.post_now(body, signature="bad").status_code == 401
    message = shown()
    assert message is not None and "3 in a row had a wrong or missing signature" in message
    assert "app secret" in message
    assert fake.post_now(body).status_code == 200
    assert shown() is None
    audit = [a["action"] for a in admin.get("/v1/audit").json()]
    assert "channel.push_refused" in audit and "channel.push_recovered" in audit


def test_a_webhook_comment_is_stored_once_however_often_it_comes(
    srv: TestServer, fake: FakeGraph
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    channel = facebook_channel(admin, fake)
    post = fake.add_post("Onze winkel is zondag open.")
    jan = fake.user("Jan de Vries")
    comment = fake.add_comment(post, "Mijn pakket is nog steeds niet aangekomen 😡", by=jan)
    assert fake.wait_webhooks()
    stored = arrived(srv, comment.id)
    assert stored["text"] == "Mijn pakket is nog steeds niet aangekomen 😡"
    assert json.loads(stored["meta"])["kind"] == "comment"
    # Meta delivers it again (a retry), and the poll brings it too
    first_body = next(d.body for d in fake.deliveries if comment.id.encode() in d.body)
    assert fake.post_now(first_body).status_code == 200
    assert admin.post(f"/v1/channels/{channel['id']}/fetch").status_code == 202
    assert wait_until(lambda: len(fake.calls("/feed")) >= 2, 10)
    assert wait_until(lambda: not rows(srv, "SELECT 1 FROM push_deliveries WHERE state = 'queued'"))
    time.sleep(0.3)
    assert len(rows(srv, "SELECT id FROM mentions WHERE source_id = ?", comment.id)) == 1
    states = {r["state"] for r in rows(srv, "SELECT state FROM push_deliveries")}
    assert states == {"done"}
    # an answer to it threads under it, and out of order (the answer first) it still does
    answer = fake.add_comment(comment, "Ik ook!", by=fake.user("Petra"))
    later = fake.add_comment(post, "Een andere vraag", by=jan)
    assert fake.wait_webhooks()
    threaded = arrived(srv, answer.id)
    assert threaded["parent_mention_id"] == stored["id"]
    assert arrived(srv, later.id)["parent_mention_id"] is None


def test_bad_content_is_kept_marked_failed_and_never_a_5xx(
    srv: TestServer, fake: FakeGraph
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    channel = facebook_channel(admin, fake)
    for body in (b"{not json", b'{"object": "instagram", "entry": []}', b"[" * 5000):
        r = fake.post_now(body)
        assert r.status_code == 200, r.text
    assert wait_until(
        lambda: len(rows(srv, "SELECT 1 FROM push_deliveries WHERE state = 'failed'")) == 3, 10
    )
    failed = rows(srv, "SELECT body, error FROM push_deliveries ORDER BY id")
    assert bytes(failed[0]["body"]) == b"{not json"  # kept as it came, for the admin
    assert "not JSON" in failed[0]["error"]
    assert "not a 'page' notification" in failed[1]["error"]
    assert "nested too deeply" in failed[2]["error"] or "not JSON" in failed[2]["error"]
    listed = {c["id"]: c for c in admin.get("/v1/channels").json()}
    assert "was kept but not used" in listed[channel["id"]]["last_error"]
    # a big delivery (WhatsApp's are up to 3 MB) is taken; the next good one clears the error
    jan = fake.user()
    entries = [
        {
            "id": PAGE_ID,
            "time": 1790000000000,
            "messaging": [
                {
                    "sender": {"id": jan.psid},
                    "recipient": {"id": PAGE_ID},
                    "timestamp": 1790000000000 + i,
                    "message": {"mid": f"m_big_{i}", "text": "x" * 1000},
                }
            ],
        }
        for i in range(1500)
    ]
    big = meta_json({"object": "page", "entry": entries})
    assert 1024 * 1024 < len(big) < 4 * 1024 * 1024
    assert fake.post_now(big).status_code == 200
    arrived(srv, "m_big_1499", 20)
    assert len(rows(srv, "SELECT 1 FROM mentions WHERE source_id LIKE 'm_big_%'")) == 1500
    listed = {c["id"]: c for c in admin.get("/v1/channels").json()}
    assert listed[channel["id"]]["last_error"] is None


def test_a_delivery_stored_before_a_crash_is_parsed_after_it(
    tmp_path: Path, fake: FakeGraph
) -> None:
    with running_server(tmp_path, channels=False) as first:  # stores, never parses
        admin = first.user("anna", Role.ADMIN)
        facebook_channel(admin, fake)
        dm = fake.add_message("Is er iemand?", by=fake.user("Jan de Vries"))
        assert fake.wait_webhooks()
        assert [r["state"] for r in rows(first, "SELECT state FROM push_deliveries")] == ["queued"]
        assert mention_by_source(first, dm.mid) is None
    with running_server(tmp_path, channel_tick_s=0.05) as second:
        stored = arrived(second, dm.mid)
        assert stored["text"] == "Is er iemand?"
        contact = rows(second, "SELECT * FROM contacts WHERE id = ?", stored["contact_id"])[0]
        assert contact["name"] == "Jan de Vries"  # asked from the Graph (complete_push)
        assert [r["state"] for r in rows(second, "SELECT state FROM push_deliveries")] == ["done"]


# --- receipts ---------------------------------------------------------------------------------
def test_messenger_reply_goes_sent_delivered_read_and_never_back(
    srv: TestServer, fake: FakeGraph
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    facebook_channel(admin, fake)
    eva = Agent(srv.user("eva"))
    jan = fake.user("Jan de Vries")
    dm = fake.add_message("Waar blijft mijn bestelling?", by=jan)
    mention = arrived(srv, dm.mid)
    result = eva.reply(mention["id"], "We kijken het na! ^Eva")
    assert result["outcome"] == "accepted", result
    reply_id = result["entity_id"]
    assert wait_until(lambda: reply_state(srv, reply_id)["platform_status"] == "sent", 10)
    sent = reply_state(srv, reply_id)
    assert sent["delivery_state"] == "sent"
    assert fake.sent_messages[-1]["message"]["metadata"] == f"webcare:{reply_id}"
    assert fake.sent_messages[-1]["messaging_type"] == "RESPONSE"  # inside the window
    fake.deliver_receipt(jan)
    assert wait_until(lambda: reply_state(srv, reply_id)["platform_status"] == "delivered", 10)
    fake.read_receipt(jan)
    assert wait_until(lambda: reply_state(srv, reply_id)["platform_status"] == "read", 10)
    # a late "delivered" (out of order, or a retry of the old one) changes nothing
    fake.deliver_receipt(jan)
    assert fake.wait_webhooks()
    assert wait_until(lambda: not rows(srv, "SELECT 1 FROM push_deliveries WHERE state = 'queued'"))
    assert reply_state(srv, reply_id)["platform_status"] == "read"
    wire = next(r for r in eva.detail(mention["id"])["replies"] if r["id"] == reply_id)
    assert wire["platform_status"] == "read" and wire["platform_status_at"] is not None
    # the feed carries it to clients
    feed = eva.api.get("/v1/changes", params={"since": 0}).json()
    assert any(
        c.get("entity") == "reply" and c.get("data", {}).get("platform_status") == "read"
        for c in feed["changes"]
    )


def test_a_lost_answer_is_recorded_by_the_echo_and_posted_once(
    srv: TestServer, fake: FakeGraph
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    facebook_channel(admin, fake)
    eva = Agent(srv.user("eva"))
    jan = fake.user()
    mention = arrived(srv, fake.add_message("Hallo?", by=jan).mid)
    fake.lose_next_ack()  # Meta sends it (and the echo), the answer never reaches us
    reply_id = eva.reply(mention["id"], "Hoi Jan! ^Eva")["entity_id"]
    assert wait_until(lambda: reply_state(srv, reply_id)["delivery_state"] == "sent", 15)
    time.sleep(0.5)
    assert len(fake.sent_messages) == 1
    row = reply_state(srv, reply_id)
    assert row["platform_post_id"] == fake.sent_messages[0]["mid"]
    details = [
        json.loads(a["detail"])
        for a in rows(srv, "SELECT detail FROM audit WHERE action = 'reply.delivered'")
    ]
    assert len(details) == 1
    assert details[0].get("found_by_echo") or details[0].get("found_by_lookup")


# --- the messaging window ---------------------------------------------------------------------
def test_the_window_runs_from_the_customers_last_message(srv: TestServer, fake: FakeGraph) -> None:
    admin = srv.user("anna", Role.ADMIN)
    facebook_channel(admin, fake)
    eva = Agent(srv.user("eva"))
    jan = fake.user()
    now = time.time()
    old = arrived(srv, fake.add_message("Hallo?", by=jan, created_at=now - 26 * 3600).mid)
    detail = eva.detail(old["id"])
    assert detail["mention"]["reply_window_remaining_s"] == 0
    assert 26 * 3600 - 60 < detail["mention"]["reply_window_since_s"] < 26 * 3600 + 60
    refused = eva.reply(old["id"], "Sorry voor het wachten")
    assert (refused["outcome"], refused["reason"]) == ("rejected", "outside_window")
    assert refused["message"].startswith("The customer last wrote 26 h ago; Messenger only")
    assert refused["body"] == "Sorry voor het wachten"  # what the agent typed comes back
    assert fake.sent_messages == []
    # Jan writes again: both his messages can be answered for 24 h from now
    new = arrived(srv, fake.add_message("Nog steeds geen antwoord", by=jan).mid)
    for mid in (old["id"], new["id"]):
        left = eva.detail(mid)["mention"]["reply_window_remaining_s"]
        assert 23.9 * 3600 < left <= 24 * 3600
    eva.api.post(f"/v1/mentions/{old['id']}/release")
    assert eva.reply(old["id"], "Nu wel! ^Eva")["outcome"] == "accepted"
    assert wait_until(lambda: len(fake.sent_messages) == 1, 10)
    # a comment has no window
    comment = arrived(srv, fake.add_comment(fake.add_post("p"), "vraag", by=jan).id)
    assert eva.detail(comment["id"])["mention"]["reply_window_remaining_s"] is None


# --- private replies and hiding ---------------------------------------------------------------
def test_private_reply_once_and_spam_hides_the_comment(srv: TestServer, fake: FakeGraph) -> None:
    admin = srv.user("anna", Role.ADMIN)
    facebook_channel(admin, fake)
    eva = Agent(srv.user("eva"))
    jan = fake.user()
    post = fake.add_post("Actie!")
    question = arrived(srv, fake.add_comment(post, "Mijn ordernummer is privé", by=jan).id)
    first = eva.reply(question["id"], "Stuur het ons in een bericht? ^Eva", private=True)
    assert first["outcome"] == "accepted", first
    assert wait_until(lambda: reply_state(srv, first["entity_id"])["delivery_state"] == "sent", 10)
    assert question["source_id"] in fake.private_replies
    assert fake.page_comments == []  # nothing public
    assert eva.detail(question["id"])["replies"][0]["private"] is True
    second = eva.reply(question["id"], "Nog een keer privé", private=True)
    assert (second["outcome"], second["reason"]) == ("rejected", "invalid")
    assert second["message"] == (
        "Facebook Page allows one private reply per comment, and this one has it. Answer"
        " publicly, or in Messenger once the customer writes back."
    )
    dm = arrived(srv, fake.add_message("Hoi", by=jan).mid)
    refused = eva.reply(dm["id"], "x", private=True)
    assert "not possible here" in refused["message"]
    # spam: hidden on Facebook; taken off: shown again
    spam = arrived(srv, fake.add_comment(post, "Koop volgers!", by=fake.user("Spammer")).id)
    assert eva.write(spam["id"], "set_status", status="spam")["outcome"] == "accepted"
    assert wait_until(lambda: fake.comments[spam["source_id"]].hidden, 10)
    assert wait_until(
        lambda: (
            eva.detail(spam["id"])["mention"]["platform_action"]
            == {"action": "hide", "state": "done", "error": None}
        ),
        10,
    )
    assert eva.write(spam["id"], "set_status", status="open")["outcome"] == "accepted"
    assert wait_until(lambda: not fake.comments[spam["source_id"]].hidden, 10)
    # a refusal is shown with Meta's words
    other = arrived(srv, fake.add_comment(post, "Nog meer spam", by=fake.user("Spammer")).id)
    fake.fail_next(
        1,
        403,
        body=error(
            200,
            "(#200) Requires pages_manage_engagement permission to manage the object",
            status=403,
        ).body,
        path=f"/{other['source_id']}",
    )
    eva.write(other["id"], "set_status", status="spam")
    assert wait_until(
        lambda: (
            (eva.detail(other["id"])["mention"]["platform_action"] or {}).get("state") == "failed"
        ),
        10,
    )
    action = eva.detail(other["id"])["mention"]["platform_action"]
    assert "pages_manage_engagement" in action["error"]
    assert not fake.comments[other["source_id"]].hidden


def test_an_echo_during_the_send_is_kept_when_the_answer_is_lost(
    srv: TestServer, fake: FakeGraph
) -> None:
    """Meta's echo can arrive while our call is still open: the reply is recorded as posted
    then, and the lost answer that follows must not put it back in the queue."""
    admin = srv.user("anna", Role.ADMIN)
    facebook_channel(admin, fake)
    eva = Agent(srv.user("eva"))
    mention = arrived(srv, fake.add_message("Hallo?", by=fake.user()).mid)
    answer = fake.answer
    reply_id = ""

    def held(request: Any) -> Any:
        response = answer(request)
        if request.method == "POST" and request.path.endswith("/messages"):
            # the answer waits until the echo has recorded the reply, then is lost
            assert wait_until(lambda: reply_state(srv, reply_id)["delivery_state"] == "sent", 10)
            return None
        return response

    fake.answer = held  # type: ignore[method-assign]
    reply_id = "op-held-reply"
    r = eva.api.post(f"/v1/mentions/{mention['id']}/claim")
    epoch = r.json()["mention"]["claim_epoch"]
    r = eva.api.post(
        "/v1/mutations",
        json={
            "client_id": "client-held",
            "mutations": [
                {
                    "client_seq": 1,
                    "op_id": reply_id,
                    "type": "reply",
                    "mention_id": mention["id"],
                    "claim_epoch": epoch,
                    "body": "Hoi! ^Eva",
                }
            ],
        },
    )
    assert r.json()["results"][0]["outcome"] == "accepted"
    assert wait_until(lambda: len(fake.sent_messages) == 1, 10)
    time.sleep(1.0)  # long enough for a (wrong) retry to have happened
    row = reply_state(srv, reply_id)
    assert (row["delivery_state"], row["delivery_attempts"]) == ("sent", 1)
    assert row["platform_post_id"] == fake.sent_messages[0]["mid"]
    assert len(fake.sent_messages) == 1
    details = [
        json.loads(a["detail"])
        for a in rows(srv, "SELECT detail FROM audit WHERE action = 'reply.delivered'")
    ]
    assert details == [{"post_id": fake.sent_messages[0]["mid"], "found_by_echo": True}]


# --- Facebook end to end: catch-up, public replies, dead tokens -------------------------------
def test_the_catch_up_poll_brings_what_was_missed_while_the_server_was_away(
    tmp_path: Path, fake: FakeGraph
) -> None:
    fake.retry_delays = (0.0,)  # Meta gives up on a receiver that is away (here: at once)
    with running_server(tmp_path, channel_tick_s=0.05) as first:
        admin = first.user("anna", Role.ADMIN)
        channel = facebook_channel(admin, fake)  # a poll a day: only the restart can catch up
        assert wait_until(lambda: len(fake.calls("/feed")) >= 1, 10)
        assert wait_until(
            lambda: rows(first, "SELECT last_fetch_at FROM channels")[0]["last_fetch_at"], 10
        )
    jan = fake.user("Jan de Vries")
    post = fake.add_post("Zondag open!")
    comment = fake.add_comment(post, "Ook met Pasen?", by=jan)
    dm = fake.add_message("Mijn bestelling is kapot aangekomen", by=jan)
    assert fake.wait_webhooks()
    missed = [d.body for d in fake.deliveries if d.status is None]
    assert len(missed) == 2  # neither webhook reached anyone
    polls_before = len(fake.calls("/feed"))
    with running_server(tmp_path, channel_tick_s=0.05) as second:
        admin = second.login("anna")
        fake.webhook_url = second.url + channel["hook_path"]
        stored_comment = arrived(second, comment.id)
        stored_dm = arrived(second, dm.mid)
        assert len(fake.calls("/feed")) > polls_before
        assert stored_comment["text"] == "Ook met Pasen?"
        assert stored_dm["text"] == "Mijn bestelling is kapot aangekomen"
        left = Agent(admin).detail(stored_dm["id"])["mention"]["reply_window_remaining_s"]
        assert 23 * 3600 < left <= 24 * 3600  # the window runs from Jan's message, not the poll
        # Meta's late retries of the missed webhooks change nothing
        for body in missed:
            assert fake.post_now(body).status_code == 200
        assert wait_until(
            lambda: not rows(second, "SELECT 1 FROM push_deliveries WHERE state = 'queued'")
        )
        for source_id in (comment.id, dm.mid):
            assert len(rows(second, "SELECT 1 FROM mentions WHERE source_id = ?", source_id)) == 1


def test_a_public_reply_is_posted_once_under_the_comment(srv: TestServer, fake: FakeGraph) -> None:
    admin = srv.user("anna", Role.ADMIN)
    facebook_channel(admin, fake)
    eva = Agent(srv.user("eva"))
    post = fake.add_post("Nieuwe tarieven per 1 januari")
    question = arrived(srv, fake.add_comment(post, "Wat kost het dan?", by=fake.user()).id)
    result = eva.reply(question["id"], "Dat staat in de link in het bericht. ^Eva")
    assert result["outcome"] == "accepted", result
    reply_id = result["entity_id"]
    assert wait_until(lambda: reply_state(srv, reply_id)["delivery_state"] == "sent", 10)
    assert [c.message for c in fake.page_comments] == ["Dat staat in de link in het bericht. ^Eva"]
    answer = fake.page_comments[0]
    assert answer.parent_id == question["source_id"]  # in the comment's thread, in public
    assert reply_state(srv, reply_id)["platform_post_id"] == answer.id
    assert fake.sent_messages == [] and fake.private_replies == {}
    # the Page's own comment comes back by webhook: it is no new mention
    assert fake.wait_webhooks()
    assert wait_until(lambda: not rows(srv, "SELECT 1 FROM push_deliveries WHERE state = 'queued'"))
    assert rows(srv, "SELECT source_id FROM mentions") == [{"source_id": question["source_id"]}]
    time.sleep(0.3)
    assert len(fake.page_comments) == 1


def test_a_dead_token_is_the_channels_error_and_replies_wait_for_the_new_one(
    srv: TestServer, fake: FakeGraph
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    channel = facebook_channel(admin, fake)
    eva = Agent(srv.user("eva"))
    mention = arrived(srv, fake.add_message("Hallo?", by=fake.user()).mid)
    fake.expire_token(463)
    reply_id = eva.reply(mention["id"], "Hoi! ^Eva")["entity_id"]

    def shown() -> str:
        listed = {c["id"]: c for c in admin.get("/v1/channels").json()}
        return str(listed[channel["id"]]["last_error"] or "")

    assert wait_until(lambda: "190/463" in shown(), 10)
    assert "A long-lived Page token or a system user's token does not expire" in shown()
    row = reply_state(srv, reply_id)
    assert row["delivery_state"] == "queued"  # not failed: it waits for the admin
    assert "190/463" in row["delivery_error"]
    assert fake.sent_messages == []
    # the admin pastes a new token: the waiting reply goes out at once, once
    fake.token = "a-new-page-token"
    fake.token_errors.clear()
    r = admin.patch(
        f"/v1/channels/{channel['id']}", json={"secrets": {"page_access_token": fake.token}}
    )
    assert r.status_code == 200, r.text
    assert wait_until(lambda: reply_state(srv, reply_id)["delivery_state"] == "sent", 10)
    assert len(fake.sent_messages) == 1
    assert wait_until(lambda: shown() == "", 10)


# --- Telegram's webhook mode through the same receiver ----------------------------------------
def test_telegrams_webhook_calls_are_stored_and_ingested_through_the_receiver(
    srv: TestServer,
) -> None:
    admin = srv.user("anna", Role.ADMIN)
    with FakeTelegram() as fake:
        r = admin.post(
            "/v1/channels",
            json={
                "connector": "telegram",
                "name": "KPN on Telegram",
                "brand": "KPN",
                "config": {"api_url": fake.base_url, "webhook": True,
                           "webhook_url": "https://team.example/v1/hooks/1"},
                "secrets": {"bot_token": fake.token},
            },
        )  # fmt: skip
        assert r.status_code == 201, r.text
        channel = r.json()
        assert channel["hook_path"] == f"/v1/hooks/{channel['id']}"
        secret = channel["generated_secrets"]["webhook_secret"]
        assert wait_until(lambda: fake.webhook.get("secret_token") == secret, 10)  # setWebhook
        fake.webhook["url"] = srv.url + channel["hook_path"]  # where team.example leads
        fake.message("Waar blijft mijn pakket?")
        assert fake.push_webhook() == 1
        assert wait_until(
            lambda: rows(srv, "SELECT text FROM mentions") == [{"text": "Waar blijft mijn pakket?"}]
        )
        assert [d["state"] for d in rows(srv, "SELECT state FROM push_deliveries")] == ["done"]
        # a call without the secret token: 401, nothing stored, and the update waits at Telegram
        fake.webhook["secret_token"] = "not-the-secret"
        fake.message("Hallo?")
        assert fake.push_webhook() == 0 and fake.pending_ids() != []
        assert len(rows(srv, "SELECT 1 FROM push_deliveries")) == 1
