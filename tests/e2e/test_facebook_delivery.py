"""A fresh `webcare server` process with a Facebook Page channel (on the fake Graph API, which
pushes its webhooks as Meta does): Meta's subscription handshake with the verify token `webcare
channel add` printed, a comment arriving by webhook and shown in a client, the agent's public
answer posted exactly once although the server is killed (SIGKILL) while Meta holds its answer,
and a Messenger reply whose read receipt reaches the client."""

from __future__ import annotations

import json
import os
import re
import signal
import time
from pathlib import Path

import requests

from tests.support.cli import run
from tests.support.client import HeadlessClient
from tests.support.e2e import HoldsAnswer, replies_of
from tests.support.fakes.graph import PAGE_ID, FakeGraph
from tests.support.fakes.mastodon import Request
from tests.support.server import PASSWORD, server_process, wait_until
from webcare.storage.server_schema import open_server_db


class HoldingGraph(HoldsAnswer, FakeGraph):
    """Stores the Page's comment, then holds the answer until released (the ack is in flight)."""

    def holds(self, request: Request) -> bool:
        return request.method == "POST" and request.path.endswith("/comments")


def test_a_webhook_comment_is_answered_once_even_when_the_server_is_killed(
    tmp_path: Path,
) -> None:
    db = tmp_path / "team.db"
    with HoldingGraph() as fake:
        fake.retry_delays = (0.0, 0.3, 1.0, 2.0)
        added = run("agent", "add", "eva", "--name", "Eva", "--signature", "^Eva",
                    "--password-stdin", "--db", str(db), stdin=PASSWORD + "\n")  # fmt: skip
        assert added.returncode == 0, added.stderr
        channel = run(
            "channel", "add", "--connector", "facebook", "--name", "Webcare BV on Facebook",
            "--brand", "Webcare", "--set", f"page_id={PAGE_ID}", "--set",
            f"base_url={fake.base_url}", "--secret", "page_access_token=env:WEBCARE_TEST_FB_TOKEN",
            "--secret", "app_secret=env:WEBCARE_TEST_FB_SECRET", "--db", str(db),
        )  # fmt: skip
        assert channel.returncode == 0, channel.stderr
        channel_id = int(re.search(r"Added channel (\d+)", channel.stdout).group(1))  # type: ignore[union-attr]
        verify = re.search(r"verify_token \(shown once[^)]*\): (\S+)", channel.stdout)
        assert verify is not None, channel.stdout
        assert f"Callback URL for the platform: https://<this server>/v1/hooks/{channel_id}" in (
            channel.stdout
        )
        env = {
            **os.environ,
            "WEBCARE_TEST_FB_TOKEN": fake.token,
            "WEBCARE_TEST_FB_SECRET": fake.app_secret,
        }
        post = fake.add_post("Vanaf maandag nieuwe openingstijden!")
        jan = fake.user("Jan de Vries")

        with server_process(db, env=env) as (url, proc):
            # what Meta does when the admin saves the callback URL and the verify token
            hook = f"{url}/v1/hooks/{channel_id}"
            handshake = requests.get(
                hook,
                params={
                    "hub.mode": "subscribe",
                    "hub.verify_token": verify.group(1),
                    "hub.challenge": "1158201444",
                },
                timeout=20,
            )
            assert (handshake.status_code, handshake.text) == (200, "1158201444")
            fake.webhook_url = hook
            comment = fake.add_comment(post, "Ook op zondag open?", by=jan)
            eva = HeadlessClient(url, "eva", tmp_path / "eva.db")
            try:

                def arrived() -> bool:
                    eva.engine.catch_up()
                    return eva.store.detail(1) is not None

                assert wait_until(arrived, 20, 0.2)
                detail = eva.store.detail(1)
                assert detail is not None
                assert (detail.text, detail.handle) == ("Ook op zondag open?", "Jan de Vries")
                assert detail.window_left(time.time()) is None  # a comment has no window
                # eva answers; Meta stores the comment but its answer never gets back
                epoch = eva.api.claim(1)["mention"]["claim_epoch"]
                fake.hold = True
                eva.store.enqueue(
                    "reply", 1, {"body": "Nee, zondag zijn we dicht. ^Eva", "claim_epoch": epoch}
                )
                (result,) = eva.engine.push_all()
                assert result["outcome"] == "accepted"
                assert fake.held.wait(20), "the server never posted"
                proc.send_signal(signal.SIGKILL)  # killed mid-delivery
                proc.wait(10)
            finally:
                eva.close()
                fake.release.set()
        assert len(fake.page_comments) == 1

        with server_process(db, env=env) as (url, _proc):
            fake.webhook_url = f"{url}/v1/hooks/{channel_id}"
            assert wait_until(lambda: replies_of(url, 1)[0]["delivery_state"] == "sent", 30, 0.2)
            (reply,) = replies_of(url, 1)
            assert len(fake.page_comments) == 1  # exactly once on Facebook
            posted = fake.page_comments[0]
            assert reply["platform_post_id"] == posted.id
            assert posted.parent_id == comment.id
            assert posted.message == "Nee, zondag zijn we dicht. ^Eva"
            # a Messenger conversation: answered inside the window, read by the customer
            dm = fake.add_message("En mijn bestelling?", by=jan)
            eva = HeadlessClient(url, "eva", tmp_path / "eva.db")
            try:

                def dm_id() -> int | None:
                    eva.engine.catch_up()
                    row = eva.store.conn.execute(
                        "SELECT id FROM mentions WHERE source_id = ?", (dm.mid,)
                    ).fetchone()
                    return None if row is None else int(row[0])

                assert wait_until(lambda: dm_id() is not None, 20, 0.2)
                mid = dm_id()
                assert mid is not None
                stored = eva.store.detail(mid)
                assert stored is not None
                left = stored.window_left(time.time())
                assert left is not None and 23.9 * 3600 < left <= 24 * 3600
                epoch = eva.api.claim(mid)["mention"]["claim_epoch"]
                eva.store.enqueue("reply", mid, {"body": "Die komt morgen. ^Eva",
                                                 "claim_epoch": epoch})  # fmt: skip
                (result,) = eva.engine.push_all()
                assert result["outcome"] == "accepted"
                assert wait_until(lambda: len(fake.sent_messages) == 1, 20, 0.2)
                fake.read_receipt(jan, at=time.time() + 1)

                def receipt() -> str | None:
                    eva.engine.catch_up()
                    row = eva.store.conn.execute(
                        "SELECT platform_status FROM replies WHERE mention_id = ?", (mid,)
                    ).fetchone()
                    return None if row is None else row[0]

                assert wait_until(lambda: receipt() == "read", 20, 0.2)
                (item,) = [i for i in eva.store.conversation(mid) if i.kind == "reply"]
                assert (item.state, item.receipt) == ("sent", "read")  # what the bubble shows
            finally:
                eva.close()
            time.sleep(1.0)  # and nothing more later
            assert len(fake.page_comments) == 1 and len(fake.sent_messages) == 1
        # the restarted server found the earlier comment (it did not post again and hope)
        database = open_server_db(db)
        with database.read() as conn:
            attempts = conn.execute(
                "SELECT delivery_attempts FROM replies WHERE mention_id = 1"
            ).fetchone()[0]
            detail_json = conn.execute(
                "SELECT detail FROM audit WHERE action = 'reply.delivered' ORDER BY id LIMIT 1"
            ).fetchone()[0]
        database.close()
        assert attempts == 2
        assert json.loads(detail_json)["found_by_lookup"] is True
