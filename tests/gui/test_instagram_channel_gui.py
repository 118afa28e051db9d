"""An admin adds an Instagram account in the Channels tab: the form comes from the connector's
SPEC (the account id, the Page token and app secret as write-only secrets), and the verify token
and the callback URL for the Meta app are shown once — real widgets against a real server."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from tests.support.gui import OpenClient, team_view
from tests.support.server import TestServer
from webcare.domain.models import Role
from webcare.ui.team.channels_view import ChannelsView


def test_adding_an_instagram_account_shows_the_verify_token_and_the_callback_url(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    team.add_user("anna", Role.ADMIN, name="Anna")
    session = open_client("anna")
    view = team_view(qtbot, session, "channels")
    assert isinstance(view, ChannelsView)
    qtbot.waitUntil(
        lambda: any(c["kind"] == "instagram" for c in view.connectors) and view.add.isEnabled(),
        timeout=10_000,
    )
    dialog = view.open_add()
    dialog.connector.setCurrentIndex(dialog.connector.findData("instagram"))
    assert dialog.connector.currentText() == "Instagram"
    assert {"ig_user_id", "page_access_token", "app_secret", "verify_token"} <= set(dialog.inputs)
    assert "instagram_manage_messages" in dialog.inputs["page_access_token"].toolTip()
    dialog.name.setText("@webcarebv on Instagram")
    for name, value in (("ig_user_id", "17841405726653026"), ("page_access_token", "EAAB-token"),
                        ("app_secret", "app-secret")):  # fmt: skip
        box = dialog.inputs[name]
        assert isinstance(box, QLineEdit)
        box.setText(value)
    dialog.accept()
    qtbot.waitUntil(lambda: "shown once" in view.status.text(), timeout=10_000)
    status = view.status.text()
    assert "verify_token (shown once, keep it safe): " in status
    with team.ctx.db.read() as conn:
        row = conn.execute(
            "SELECT id, config FROM channels WHERE connector = 'instagram'"
        ).fetchone()
        secrets = {
            r[0]
            for r in conn.execute(
                "SELECT name FROM channel_secrets WHERE channel_id = ?", (row[0],)
            )
        }
    assert f"Callback URL for the platform: {team.url}/v1/hooks/{row[0]}" in status
    assert json.loads(row[1])["ig_user_id"] == "17841405726653026"  # the id, as text
    assert {"page_access_token", "app_secret", "verify_token"} <= secrets
    assert "EAAB-token" not in row[1] and "app-secret" not in row[1]
