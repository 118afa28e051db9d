"""Shared test helpers."""

from __future__ import annotations

from typing import Any

from tests.support.connectors import build
from tests.support.fakes.telegram import FakeTelegram
from webcare.channels import telegram
from webcare.channels.base import ChannelInfo, OutgoingReply
from webcare.domain.models import Role


def clock() -> float:
    return NOW


def make(fake: FakeTelegram, poll_s: int = 1, **config: Any) -> telegram.TelegramConnector:
    secrets = {"bot_token": fake.token}
    if "webhook_secret" in config:
        secrets["webhook_secret"] = config.pop("webhook_secret")
    conn = build(
        telegram.TelegramConnector, INFO, {"api_url": fake.base_url, **config}, secrets, clock=clock
    )
    conn.poll_timeout_s = poll_s
    return conn


def reply_to(message: dict[str, Any], text: str, reference: str = "r-1") -> OutgoingReply:
    chat_id, message_id = message["chat"]["id"], message["message_id"]
    return OutgoingReply(
        reference=reference,
        text=text,
        mention_source_id=f"{chat_id}:{message_id}",
        author_handle="@" + message["from"].get("username", ""),
        accepted_at=NOW - 5,
        mention_meta={"chat_id": str(chat_id), "message_id": str(message_id)},
    )


# --- on a real team server -----------------------------------------------------------------------
def _telegram_channel(server: Any, fake: FakeTelegram) -> tuple[int, str]:
    admin = server.user("anna", Role.ADMIN)
    r = admin.post(
        "/v1/channels",
        json={"connector": "telegram", "name": "KPN on Telegram", "brand": "KPN",
              "config": {"api_url": fake.base_url}, "secrets": {"bot_token": fake.token}},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    return r.json()["id"], r.json()["generated_secrets"]["webhook_secret"]


def _mention_id(server: Any, source_id: str) -> int | None:
    with server.ctx.db.read() as conn:
        row = conn.execute("SELECT id FROM mentions WHERE source_id = ?", (source_id,)).fetchone()
    return None if row is None else int(row[0])


NOW = 1_790_416_800.0


INFO = ChannelInfo(kind="telegram", name="@webcare_test_bot on Telegram", brand="KPN",
                   handle="@webcare_test_bot", char_limit=4096)  # fmt: skip
