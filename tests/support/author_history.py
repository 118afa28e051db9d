"""An author with a history with the team, made through the real ingest path and the real API.

Joanna (25,400 followers on Mastodon) wrote four times, each a conversation of its own: an
invoice question the team resolved, a question it answered, a spam post, and one still open;
then a fifth, the "current" one, which the default priority rules tag (cancel → churn-risk,
terrible → negative, 25k followers → influencer).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from tests.support.server import PASSWORD, TestServer
from webcare.channels.base import Author, Batch, ChannelInfo, IncomingMention
from webcare.net.agent_api import ApiClient
from webcare.server.services import ingest

NAME = "Joanna van den Berg-Schoonhoven"
HANDLE = "@joanna@mastodon.example"
FOLLOWERS = 25_400
CHANNEL = "@Webcare on Mastodon"
TEXTS = {
    "resolved": "My invoice for October is wrong, I was billed twice",
    "answered": "Do you have an outage in Utrecht?",
    "spam": "Buy followers cheap at example dot com",
    "open": "Still no internet since this morning, please help",
    "current": "I want to cancel my subscription, this is terrible service",
}


@dataclass(frozen=True)
class History:
    ids: dict[str, int]  # what became of it -> mention id

    @property
    def current(self) -> int:
        return self.ids["current"]


def _ingest(team: TestServer, key: str, age_s: float, source: str) -> int:
    now = team.ctx.now()
    batch = Batch(
        channel=ChannelInfo(
            kind="mastodon", name=CHANNEL, brand="Webcare", handle="@Webcare", char_limit=500
        ),
        mentions=[
            IncomingMention(
                source_id=source,
                author=Author(
                    platform_user_id="joanna", handle=HANDLE, name=NAME, followers=FOLLOWERS
                ),
                text=TEXTS[key],
                created_at=now - age_s,
            )
        ],
    )
    ingest.ingest(team.ctx.db, batch, now, history=False)
    with team.ctx.db.read() as conn:
        row = conn.execute("SELECT id FROM mentions WHERE source_id = ?", (source,)).fetchone()
    return int(row[0])


def add_author_history(team: TestServer, agent: str = "tom") -> History:
    """Joanna's five mentions; ``agent`` (an account of ``team`` with the test password)
    resolves, answers and marks as spam the earlier ones through the API."""
    ages = {"resolved": 9 * 86400, "answered": 5 * 86400, "spam": 3 * 86400,
            "open": 2 * 3600, "current": 60}  # fmt: skip
    ids = {key: _ingest(team, key, age, f"joanna-{key}-{uuid.uuid4().hex[:6]}")
           for key, age in ages.items()}  # fmt: skip
    with ApiClient(team.url) as api:
        api.login(agent, PASSWORD, "author history")
        writes: list[dict[str, object]] = []
        for key in ("resolved", "answered", "spam"):
            epoch = int(api.claim(ids[key])["mention"]["claim_epoch"])
            if key != "spam":
                writes.append({"type": "reply", "mention_id": ids[key], "claim_epoch": epoch,
                               "body": f"We are on it ({key}) ^Tom"})  # fmt: skip
            if key != "answered":
                status = "closed" if key == "resolved" else "spam"
                writes.append({"type": "set_status", "mention_id": ids[key], "status": status})
        batch = [{"client_seq": n, "op_id": uuid.uuid4().hex, **w} for n, w in enumerate(writes, 1)]
        results = api.post_mutations(f"history-{uuid.uuid4().hex[:8]}", batch)["results"]
        assert [r["outcome"] for r in results] == ["accepted"] * len(batch), results
        api.release(ids["answered"])  # answered, waiting for the customer
    return History(ids)
