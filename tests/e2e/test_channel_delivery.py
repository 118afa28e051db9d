"""A fresh `webcare server` process configured with a Mastodon channel (on a local stand-in):
the queue fills itself, a reply written in a client appears on the platform — and when the
server is killed (SIGKILL) while the platform holds its answer, the restarted server finds the
post by lookup and it still appears exactly once."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

from tests.support.cli import run
from tests.support.client import HeadlessClient
from tests.support.e2e import HoldsAnswer, replies_of
from tests.support.fakes.mastodon import FakeMastodon, Request
from tests.support.server import PASSWORD, server_process, wait_until
from webcare.storage.server_schema import open_server_db


class HoldingMastodon(HoldsAnswer, FakeMastodon):
    """Stores a posted status, then holds the answer until released (the ack is in flight)."""

    def holds(self, request: Request) -> bool:
        return request.method == "POST" and request.path == "/api/v1/statuses"


def test_fresh_server_fills_the_queue_and_posts_once_even_when_killed(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    with HoldingMastodon() as masto:
        status = masto.add_mention(
            "<p>@brand mijn internet doet het al twee dagen niet, wat moet ik doen?</p>",
            acct="jan@other.example",
            followers=50_000,
        )["status"]
        added = run(
            "agent",
            "add",
            "eva",
            "--name",
            "Eva",
            "--signature",
            "^Eva",
            "--password-stdin",
            "--db",
            str(db),
            stdin=PASSWORD + "\n",
        )
        assert added.returncode == 0, added.stderr
        channel = run(
            "channel",
            "add",
            "--connector",
            "mastodon",
            "--name",
            "@brand on Mastodon",
            "--brand",
            "Brand",
            "--set",
            f"base_url={masto.base_url}",
            "--secret",
            "access_token=env:WEBCARE_TEST_MASTODON_TOKEN",
            "--db",
            str(db),
        )
        assert channel.returncode == 0, channel.stderr
        env = {**os.environ, "WEBCARE_TEST_MASTODON_TOKEN": masto.token}

        with server_process(db, env=env) as (url, proc):
            eva = HeadlessClient(url, "eva", tmp_path / "eva.db")
            try:
                # the queue fills itself from the platform
                def arrived() -> bool:
                    eva.engine.catch_up()
                    return eva.store.detail(1) is not None

                assert wait_until(arrived, 20, 0.2)
                detail = eva.store.detail(1)
                assert detail is not None
                assert (
                    detail.text
                    == "@brand mijn internet doet het al twee dagen niet, wat moet ik doen?"
                )
                assert (detail.handle, detail.followers, detail.language) == (
                    "@jan@other.example",
                    50_000,
                    "nl",
                )
                assert detail.priority == 2 and "influencer" in detail.tags
                # eva answers; the platform stores the post but the answer never gets back
                epoch = eva.api.claim(1)["mention"]["claim_epoch"]
                masto.hold = True
                eva.store.enqueue(
                    "reply", 1, {"body": "Vervelend! We kijken mee. ^Eva", "claim_epoch": epoch}
                )
                (result,) = eva.engine.push_all()
                assert result["outcome"] == "accepted"
                assert masto.held.wait(20), "the server never posted"
                proc.send_signal(signal.SIGKILL)  # killed mid-delivery
                proc.wait(10)
            finally:
                eva.close()
                masto.release.set()
        assert len(masto.posted) == 1

        with server_process(db, env=env) as (url, _proc):
            assert wait_until(lambda: replies_of(url, 1)[0]["delivery_state"] == "sent", 30, 0.2)
            (reply,) = replies_of(url, 1)
            posted = masto.posted
            assert len(posted) == 1  # exactly once on the platform
            assert reply["platform_post_id"] == posted[0]["id"]
            assert posted[0]["in_reply_to_id"] == status["id"]
            assert "Vervelend! We kijken mee. ^Eva" in str(posted[0]["content"])
            time.sleep(1.0)  # and nothing more later
            assert len(masto.posted) == 1
        # the restarted server found the earlier post (it did not post again and hope)
        database = open_server_db(db)
        with database.read() as conn:
            attempts = conn.execute("SELECT delivery_attempts FROM replies").fetchone()[0]
            detail = conn.execute(
                "SELECT detail FROM audit WHERE action = 'reply.delivered'"
            ).fetchone()[0]
        database.close()
        assert attempts == 2
        assert json.loads(detail)["found_by_lookup"] is True
