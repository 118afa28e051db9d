"""A fresh `webcare server` process with a Telegram channel (on the local fake Bot API), set up
with `webcare channel add`: a customer's message arrives by long polling, an agent's reply is
posted once, quoting it — and when the server is killed (SIGKILL) after Telegram took a reply
but before the server heard back, the restarted server does not post it again (Telegram has no
idempotency key and no way to look it up): the reply shows "may have been posted" for an agent
to check. That is the measured outcome documented in ARCHITECTURE.md and the README."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

from tests.support.cli import run
from tests.support.client import HeadlessClient
from tests.support.e2e import HoldsAnswer, replies_of
from tests.support.fakes.mastodon import Request
from tests.support.fakes.telegram import FakeTelegram
from tests.support.server import PASSWORD, server_process, wait_until
from webcare.storage.server_schema import open_server_db


class HoldingTelegram(HoldsAnswer, FakeTelegram):
    """Sends a message, then holds Telegram's answer until released (the ack is in flight)."""

    def holds(self, request: Request) -> bool:
        return request.path.endswith("/sendMessage")


def test_a_telegram_message_is_answered_once_and_a_kill_never_posts_twice(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    with HoldingTelegram() as tg:
        jan = tg.user("Jan", "de Vries", "jandevries")
        first = tg.message(
            "Mijn internet doet het al twee dagen niet, wat moet ik doen?", sender=jan
        )
        added = run(
            "agent", "add", "eva", "--name", "Eva", "--signature", "^Eva", "--password-stdin",
            "--db", str(db), stdin=PASSWORD + "\n",
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        channel = run(
            "channel", "add", "--connector", "telegram", "--name", "KPN on Telegram",
            "--brand", "KPN", "--set", f"api_url={tg.base_url}",
            "--set", f"allowed_chat_ids={jan['id']}",
            "--secret", "bot_token=env:WEBCARE_TEST_TELEGRAM_TOKEN", "--db", str(db),
        )  # fmt: skip
        assert channel.returncode == 0, channel.stderr
        assert "Added channel 1: KPN on Telegram (telegram)." in channel.stdout
        assert "webhook_secret (shown once, keep it safe): " in channel.stdout
        env = {**os.environ, "WEBCARE_TEST_TELEGRAM_TOKEN": tg.token}

        with server_process(db, env=env) as (url, proc):
            eva = HeadlessClient(url, "eva", tmp_path / "eva.db")
            try:

                def arrived(mention_id: int) -> bool:
                    eva.engine.catch_up()
                    return eva.store.detail(mention_id) is not None

                assert wait_until(lambda: arrived(1), 20, 0.2)
                detail = eva.store.detail(1)
                assert detail is not None
                assert detail.text == first["text"]
                assert detail.handle == "@jandevries" and detail.language == "nl"
                # eva answers: posted once, quoting the customer's message
                epoch = eva.api.claim(1)["mention"]["claim_epoch"]
                eva.store.enqueue(
                    "reply", 1, {"body": "Vervelend! Zet je modem even uit en aan. ^Eva",
                                 "claim_epoch": epoch},
                )  # fmt: skip
                (result,) = eva.engine.push_all()
                assert result["outcome"] == "accepted"
                assert wait_until(lambda: replies_of(url, 1)[0]["delivery_state"] == "sent", 20)
                [sent] = tg.sent
                assert sent["text"] == "Vervelend! Zet je modem even uit en aan. ^Eva"
                assert sent["reply_to_message"]["message_id"] == first["message_id"]
                assert replies_of(url, 1)[0]["platform_post_id"] == (
                    f"{jan['id']}:{sent['message_id']}"
                )
                # a second message; Telegram takes the reply but the answer never gets back
                second = tg.message("Werkt nog steeds niet", sender=jan)
                assert wait_until(lambda: arrived(2), 20, 0.2)
                epoch = eva.api.claim(2)["mention"]["claim_epoch"]
                tg.hold = True
                eva.store.enqueue("reply", 2, {"body": "We sturen een monteur. ^Eva",
                                               "claim_epoch": epoch})  # fmt: skip
                (result,) = eva.engine.push_all()
                assert result["outcome"] == "accepted"
                assert tg.held.wait(20), "the server never posted"
                proc.send_signal(signal.SIGKILL)  # killed between sendMessage and the commit
                proc.wait(10)
            finally:
                eva.close()
                tg.release.set()
        assert len(tg.sent) == 2  # Telegram has it

        with server_process(db, env=env) as (url, _proc):
            assert wait_until(lambda: replies_of(url, 2)[0]["delivery_state"] == "failed", 30, 0.2)
            (reply,) = replies_of(url, 2)
            assert reply["delivery_error"].startswith("May have been posted: the server stopped")
            assert "Telegram offers no way to check" in reply["delivery_error"]
            time.sleep(1.5)  # and it is not posted again later
            assert len(tg.sent) == 2
            assert tg.sent[1]["reply_to_message"]["message_id"] == second["message_id"]
            assert replies_of(url, 1)[0]["delivery_state"] == "sent"  # the first one untouched
        database = open_server_db(db)
        with database.read() as conn:
            attempts = conn.execute(
                "SELECT delivery_attempts FROM replies WHERE mention_id = 2"
            ).fetchone()[0]
            actions = [r[0] for r in conn.execute("SELECT action FROM audit ORDER BY id")]
            config = json.loads(
                conn.execute("SELECT config FROM channels WHERE id = 1").fetchone()[0]
            )
        database.close()
        assert attempts == 1 and "reply.uncertain" in actions
        assert config["allowed_chat_ids"] == [str(jan["id"])]  # a number on the command line
