"""A fresh `webcare server` process with a WhatsApp channel added by `webcare channel add` (on
the fake Cloud API, which pushes its webhooks as Meta does): Meta's subscription handshake with
the verify token the command printed, a customer's message arriving by webhook, and the agent's
reply sent exactly once although the server is killed (SIGKILL) while Meta holds its answer:
WhatsApp offers no way to look a message up, so the restarted server does not send it again but
marks it "may have been posted", and WhatsApp's ``sent`` status, which names our reply, settles
it as sent."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import requests

from tests.support.cli import run
from tests.support.client import HeadlessClient
from tests.support.e2e import HoldsAnswer, replies_of
from tests.support.fakes.mastodon import Request
from tests.support.fakes.whatsapp import PHONE_NUMBER_ID, WABA_ID, FakeWhatsApp
from tests.support.server import PASSWORD, server_process, wait_until


class HoldingWhatsApp(HoldsAnswer, FakeWhatsApp):
    """Sends the message, then holds the answer until released (the ack is in flight)."""

    def holds(self, request: Request) -> bool:
        return request.method == "POST" and request.path.endswith("/messages")


def test_a_reply_cut_off_by_a_kill_is_not_sent_twice_and_whatsapp_settles_it(
    tmp_path: Path,
) -> None:
    db = tmp_path / "team.db"
    with HoldingWhatsApp() as fake:
        added = run("agent", "add", "eva", "--name", "Eva", "--signature", "^Eva",
                    "--password-stdin", "--db", str(db), stdin=PASSWORD + "\n")  # fmt: skip
        assert added.returncode == 0, added.stderr
        channel = run(
            "channel", "add", "--connector", "whatsapp", "--name", "Webcare BV on WhatsApp",
            "--brand", "Webcare", "--set", f"phone_number_id={PHONE_NUMBER_ID}",
            "--set", f"waba_id={WABA_ID}", "--set", f"base_url={fake.base_url}",
            "--secret", "access_token=env:WEBCARE_TEST_WA_TOKEN",
            "--secret", "app_secret=env:WEBCARE_TEST_WA_SECRET", "--db", str(db),
        )  # fmt: skip
        assert channel.returncode == 0, channel.stderr
        channel_id = int(re.search(r"Added channel (\d+)", channel.stdout).group(1))  # type: ignore[union-attr]
        verify = re.search(r"verify_token \(shown once[^)]*\): (\S+)", channel.stdout)
        assert verify is not None, channel.stdout
        assert f"/v1/hooks/{channel_id}" in channel.stdout
        env = {
            **os.environ,
            "WEBCARE_TEST_WA_TOKEN": fake.token,
            "WEBCARE_TEST_WA_SECRET": fake.app_secret,
        }
        jan = fake.customer("Jan de Vries")

        with server_process(db, env=env) as (url, proc):
            hook = f"{url}/v1/hooks/{channel_id}"
            handshake = requests.get(
                hook,
                params={"hub.mode": "subscribe", "hub.verify_token": verify.group(1),
                        "hub.challenge": "1158201444"},
                timeout=20,
            )  # fmt: skip
            assert (handshake.status_code, handshake.text) == (200, "1158201444")
            fake.webhook_url = hook
            assert wait_until(lambda: fake.subscribed >= 1, 20, 0.2)  # the health check ran
            fake.message(jan, "Wanneer wordt mijn pakket bezorgd?")
            eva = HeadlessClient(url, "eva", tmp_path / "eva.db")
            try:

                def arrived() -> bool:
                    eva.engine.catch_up()
                    return eva.store.detail(1) is not None

                assert wait_until(arrived, 20, 0.2)
                detail = eva.store.detail(1)
                assert detail is not None and detail.window_templates
                assert (detail.text, detail.name) == (
                    "Wanneer wordt mijn pakket bezorgd?",
                    "Jan de Vries",
                )
                epoch = eva.api.claim(1)["mention"]["claim_epoch"]
                fake.auto_sent = False  # the "sent" status comes later (see below)
                fake.hold = True
                eva.store.enqueue(
                    "reply", 1, {"body": "Morgen tussen 9 en 12. ^Eva", "claim_epoch": epoch}
                )
                (result,) = eva.engine.push_all()
                assert result["outcome"] == "accepted"
                assert fake.held.wait(20), "the server never sent it"
                proc.send_signal(signal.SIGKILL)  # killed while WhatsApp holds its answer
                proc.wait(10)
            finally:
                eva.close()
                fake.release.set()
        assert len(fake.outgoing) == 1

        with server_process(db, env=env) as (url, _proc):
            fake.webhook_url = f"{url}/v1/hooks/{channel_id}"
            assert wait_until(lambda: replies_of(url, 1)[0]["delivery_state"] == "failed", 30, 0.2)
            (reply,) = replies_of(url, 1)
            assert str(reply["delivery_error"]).startswith("May have been posted")
            assert len(fake.outgoing) == 1  # not sent again by itself
            [sent] = fake.outgoing
            assert sent.body["text"]["body"] == "Morgen tussen 9 en 12. ^Eva"
            assert sent.reference == f"webcare:{reply['id']}"
            # WhatsApp's status names our reply: it is recorded as sent, with its wamid
            fake.status(sent, "sent")
            fake.status(sent, "read")
            assert wait_until(lambda: replies_of(url, 1)[0]["platform_status"] == "read", 30, 0.2)
            (reply,) = replies_of(url, 1)
            assert (reply["delivery_state"], reply["platform_post_id"]) == ("sent", sent.wamid)
            assert len(fake.outgoing) == 1
