"""Channels in the client: listen-only mentions, failed deliveries with the platform's words and
a retry button, and the admin's channel settings dialog — real widgets, server and delivery."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot

from tests.support.fakes.receiver import receiver
from tests.support.fakes.telegram import FakeTelegram
from tests.support.gui import OpenClient, push, select, team_view, webhook
from tests.support.qt import table_item
from tests.support.server import TestServer
from webcare.domain.models import Role
from webcare.ui.team.channels_view import ChannelsView
from webcare.ui.team.settings_view import RulesEditor, SettingsView


def test_listen_only_mentions_cannot_be_answered(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    _admin, cid, secret = webhook(team, None)
    mid = push(team, cid, secret, "De nieuwe modem van KPN is echt top")
    session = open_client("eva")
    c, w = session.controller, session.window
    select(qtbot, session, mid)
    c.claim()
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.holder_id == c.me.id, timeout=5000)
    composer = w.detail.composer
    composer.editor.setPlainText("Dank je!")
    assert not composer.send_button.isEnabled()
    assert "Forum is listen-only" in composer.notice.text()
    assert not w.actions_by_name["reply"].isEnabled()
    assert w.actions_by_name["open_link"].isEnabled()  # O opens the forum post instead
    assert c.detail is not None and c.detail.language == "nl"


def test_a_failed_delivery_shows_the_platform_error_and_can_be_retried(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    with receiver() as rx:
        _admin, cid, secret = webhook(team, rx.url)
        rx.secret = secret
        mid = push(team, cid, secret, "My order never arrived, can you help?")
        rx.fail_next(422, {"error": "Message rejected: the thread is locked"})
        session = open_client("eva")
        c, w = session.controller, session.window
        select(qtbot, session, mid)
        c.claim()
        qtbot.waitUntil(
            lambda: c.detail is not None and c.detail.holder_id == c.me.id, timeout=5000
        )
        w.detail.composer.editor.setPlainText("Sorry! We sent a new one.")
        w.detail.composer.request_send()

        def frame_states() -> list[tuple[str, str]]:
            return [(f.item.kind, f.item.state) for f in w.detail.conversation.frames]

        qtbot.waitUntil(lambda: ("reply", "failed") in frame_states(), timeout=15_000)
        frame = w.detail.conversation.frames[-1]
        assert "delivery failed" in frame.header.text()
        assert "the thread is locked" in frame.item.detail
        button = frame.findChild(QPushButton, "retryDelivery")
        assert button is not None
        button.click()
        qtbot.waitUntil(lambda: ("reply", "sent") in frame_states(), timeout=15_000)
        assert [p["text"] for p in rx.posts] == ["Sorry! We sent a new one. ^Eva"]
        assert "queued for delivery again" in c.last_notice


def test_admin_adds_and_edits_a_channel(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    team.add_user("anna", Role.ADMIN, name="Anna")
    session = open_client("anna")
    view = team_view(qtbot, session, "channels")
    assert isinstance(view, ChannelsView)
    qtbot.waitUntil(lambda: len(view.connectors) >= 7 and view.add.isEnabled(), timeout=10_000)
    dialog = view.open_add()
    dialog.connector.setCurrentIndex(dialog.connector.findData("webhook"))
    assert set(dialog.inputs) == {"reply_url", "signing_secret"}
    dialog.name.setText("Community forum")
    reply_url = dialog.inputs["reply_url"]
    assert isinstance(reply_url, QLineEdit)
    reply_url.setText("https://forum.example.org/hooks/webcare")
    dialog.accept()
    qtbot.waitUntil(lambda: "shown once" in view.status.text(), timeout=10_000)
    qtbot.waitUntil(
        lambda: any(c["name"] == "Community forum" for c in view.channels), timeout=10_000
    )
    row = next(i for i, c in enumerate(view.channels) if c["name"] == "Community forum")
    channel = view.channels[row]
    assert channel["connector"] == "webhook" and channel["can_reply"] is True
    # edit: the secret is shown as set, never its value; the interval changes
    view.table.view.selectRow(row)
    view.open_edit()
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog is not dialog, timeout=10_000)
    edit = view.dialog
    assert edit is not None
    secret_box = edit.inputs["signing_secret"]
    assert isinstance(secret_box, QLineEdit)
    assert secret_box.placeholderText() == "set — leave empty to keep"
    assert secret_box.text() == ""
    edit.interval.setValue(120)
    edit.accept()
    qtbot.waitUntil(lambda: "Saved Community forum" in view.status.text(), timeout=10_000)
    qtbot.waitUntil(lambda: any(c.get("interval_s") == 120 for c in view.channels), timeout=10_000)
    with team.ctx.db.read() as conn:
        secrets = conn.execute("SELECT COUNT(*) FROM channel_secrets").fetchone()[0]
    assert secrets == 1  # kept, not wiped by the empty field


def test_admin_adds_a_telegram_bot_from_its_spec(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    team.add_user("anna", Role.ADMIN, name="Anna")
    session = open_client("anna")
    view = team_view(qtbot, session, "channels")
    assert isinstance(view, ChannelsView)
    qtbot.waitUntil(
        lambda: "telegram" in [c["kind"] for c in view.connectors] and view.add.isEnabled(),
        timeout=10_000,
    )
    with FakeTelegram() as fake:
        jan = fake.user()
        fake.message("Hallo, is daar iemand?", sender=jan)
        dialog = view.open_add()
        dialog.connector.setCurrentIndex(dialog.connector.findData("telegram"))
        inputs = dialog.inputs
        assert list(inputs) == [
            "bot_token", "allowed_chat_ids", "all_group_messages", "webhook", "webhook_url",
            "webhook_secret", "api_url",
        ]  # fmt: skip
        token, chats = inputs["bot_token"], inputs["allowed_chat_ids"]
        assert isinstance(token, QLineEdit) and token.echoMode() == QLineEdit.EchoMode.Password
        assert isinstance(chats, QPlainTextEdit)
        assert isinstance(inputs["webhook"], QCheckBox) and not inputs["webhook"].isChecked()
        assert isinstance(inputs["all_group_messages"], QCheckBox)
        api = inputs["api_url"]
        assert isinstance(api, QLineEdit) and api.text() == "https://api.telegram.org"
        assert "never sent twice" in dialog.help.text()  # not "at-least-once"
        assert "@BotFather" in token.toolTip()
        dialog.name.setText("KPN on Telegram")
        token.setText(fake.token)
        chats.setPlainText(str(jan["id"]))
        api.setText(fake.base_url)
        dialog.accept()
        qtbot.waitUntil(lambda: "webhook_secret (shown once" in view.status.text(), timeout=10_000)
        with team.ctx.db.read() as conn:
            row = conn.execute("SELECT * FROM channels WHERE name = 'KPN on Telegram'").fetchone()
            secrets = [r[0] for r in conn.execute(
                "SELECT name FROM channel_secrets WHERE channel_id = ? ORDER BY name", (row["id"],)
            )]  # fmt: skip
        assert (row["kind"], row["connector"], row["char_limit"]) == ("telegram", "telegram", 4096)
        assert json.loads(row["config"])["allowed_chat_ids"] == [str(jan["id"])]
        assert secrets == ["bot_token", "webhook_secret"]
        # the server polls the bot at once; the message is in the queue
        qtbot.waitUntil(lambda: bool(fake.calls("/getUpdates")), timeout=10_000)

        def stored() -> bool:
            with team.ctx.db.read() as conn:
                return (
                    conn.execute(
                        "SELECT 1 FROM mentions WHERE text = 'Hallo, is daar iemand?'"
                    ).fetchone()
                    is not None
                )

        qtbot.waitUntil(stored, timeout=10_000)
        view.refresh()
        qtbot.waitUntil(
            lambda: any(c["name"] == "KPN on Telegram" and c["last_fetch_at"]
                        for c in view.channels),
            timeout=10_000,
        )  # fmt: skip
        channel = next(c for c in view.channels if c["name"] == "KPN on Telegram")
        assert channel["last_error"] is None and channel["can_reply"] is True


def test_admin_sets_priority_rules(open_client: OpenClient, team: TestServer, qtbot: QtBot) -> None:
    team.add_user("anna", Role.ADMIN, name="Anna")
    session = open_client("anna")
    view = team_view(qtbot, session, "settings")
    assert isinstance(view, SettingsView)
    qtbot.waitUntil(lambda: view.rules.table.rowCount() == 1, timeout=10_000)
    table = view.rules.table
    assert table_item(table, 0, RulesEditor.TAG).text() == "churn-risk"  # the defaults are shown
    assert view.influencers.value() == 10_000
    table_item(table, 0, RulesEditor.WORDS).setText("storing, do*wn")
    # checked while typing, with the server's own rules, next to the table
    assert view.rules.error.isVisible()
    assert view.rules.error.text() == "keyword rule 1: '*' is only allowed at the end of a word."
    table_item(table, 0, RulesEditor.WORDS).setText("storing, down")
    assert not view.rules.error.isVisible()
    box = table.cellWidget(0, RulesEditor.PRIORITY)
    assert isinstance(box, QComboBox)
    box.setCurrentIndex(box.findData(3))
    table_item(table, 0, RulesEditor.TAG).setText("outage")
    view.influencers.setValue(0)  # off
    view.negative_words.setPlainText("boos, slecht")
    view.save()
    qtbot.waitUntil(lambda: view.status.text().startswith("Saved:"), timeout=10_000)
    assert "1 keyword rule changed" in view.status.text()
    rules = team.login("anna").get("/v1/settings").json()["priority_rules"]
    assert rules["influencer_followers"] is None
    assert rules["keywords"] == [{"words": ["storing", "down"], "priority": 3, "tag": "outage"}]
    assert rules["negative_words"] == ["boos", "slecht"]


def test_adding_a_facebook_page_shows_the_verify_token_and_the_callback_url(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    team.add_user("anna", Role.ADMIN, name="Anna")
    session = open_client("anna")
    view = team_view(qtbot, session, "channels")
    assert isinstance(view, ChannelsView)
    qtbot.waitUntil(
        lambda: any(c["kind"] == "facebook" for c in view.connectors) and view.add.isEnabled(),
        timeout=10_000,
    )
    dialog = view.open_add()
    dialog.connector.setCurrentIndex(dialog.connector.findData("facebook"))
    assert {"page_id", "page_access_token", "app_secret", "verify_token"} <= set(dialog.inputs)
    dialog.name.setText("Webcare BV on Facebook")
    for name, value in (("page_id", "102938475610293"), ("page_access_token", "EAAB-token"),
                        ("app_secret", "app-secret")):  # fmt: skip
        dialog.inputs[name].setText(value)  # type: ignore[attr-defined]
    dialog.accept()
    qtbot.waitUntil(lambda: "shown once" in view.status.text(), timeout=10_000)
    status = view.status.text()
    assert "verify_token (shown once, keep it safe): " in status
    with team.ctx.db.read() as conn:
        cid = conn.execute("SELECT id FROM channels WHERE connector = 'facebook'").fetchone()[0]
    assert f"Callback URL for the platform: {team.url}/v1/hooks/{cid}" in status
