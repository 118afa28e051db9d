"""A Messenger reply with text and two images, from a fresh `webcare server` process whose
Graph API is the fake: the server is killed (SIGKILL) while Meta holds its answer to the first
image (which it sent); the restarted server reads the conversation, finds the text and that
image, and sends only the second: the customer gets every part exactly once, in order."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

from tests.support.cli import run
from tests.support.client import HeadlessClient
from tests.support.e2e import HoldsAnswer, replies_of
from tests.support.fakes.graph import PAGE_ID, FakeGraph
from tests.support.fakes.mastodon import Request
from tests.support.media import png
from tests.support.server import PASSWORD, server_process, wait_until


class HoldingGraph(HoldsAnswer, FakeGraph):
    """Sends the ``hold_at``-th Messenger message, then holds the answer until released."""

    def __init__(self, hold_at: int) -> None:
        super().__init__()
        self.hold = True
        self.hold_at = hold_at
        self.sends = 0

    def holds(self, request: Request) -> bool:
        if request.method == "POST" and request.path.endswith(f"/{PAGE_ID}/messages"):
            self.sends += 1
            return self.sends == self.hold_at
        return False


def test_a_messenger_reply_with_images_killed_between_its_parts_posts_each_once(
    tmp_path: Path,
) -> None:
    db = tmp_path / "team.db"
    with HoldingGraph(hold_at=2) as fake:
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
        env = {**os.environ, "WEBCARE_TEST_FB_TOKEN": fake.token,
               "WEBCARE_TEST_FB_SECRET": fake.app_secret}  # fmt: skip
        jan = fake.user("Jan de Vries")
        images = [png(30, 20, (250, 0, 0)), png(20, 30, (0, 0, 250))]
        with server_process(db, env=env) as (url, proc):
            fake.webhook_url = f"{url}/v1/hooks/{channel_id}"
            fake.add_message("Hoe ziet de aansluiting eruit?", by=jan)
            eva = HeadlessClient(url, "eva", tmp_path / "eva.db")
            try:

                def arrived() -> bool:
                    eva.engine.catch_up()
                    return eva.store.detail(1) is not None

                assert wait_until(arrived, 20, 0.2)
                ids = [eva.api.upload_media(data, "image/png", filename=f"{n}.png")["id"]
                       for n, data in enumerate(images)]  # fmt: skip
                epoch = eva.api.claim(1)["mention"]["claim_epoch"]
                eva.store.enqueue("reply", 1, {"body": "Zo ziet hij eruit. ^Eva",
                                               "claim_epoch": epoch, "media_ids": ids})  # fmt: skip
                (result,) = eva.engine.push_all()
                assert result["outcome"] == "accepted", result
                assert fake.held.wait(20), "the server never sent the first image"
                proc.send_signal(signal.SIGKILL)  # killed between the parts
                proc.wait(10)
            finally:
                eva.close()
                fake.release.set()
        assert len(fake.sent_messages) == 2  # the text and the first image went out

        with server_process(db, env=env) as (url, _proc):
            fake.webhook_url = f"{url}/v1/hooks/{channel_id}"
            assert wait_until(lambda: replies_of(url, 1)[0]["delivery_state"] == "sent", 30, 0.2)
            (reply,) = replies_of(url, 1)
            time.sleep(1.0)  # and nothing more later
        sent = fake.sent_messages
        assert [m["message"].get("text") for m in sent] == ["Zo ziet hij eruit. ^Eva", None, None]
        assert [m["upload"][0] for m in sent[1:]] == images
        assert reply["platform_post_id"] == sent[-1]["mid"]
