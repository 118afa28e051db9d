"""WhatsApp's 24 hours in the client, on a real team server with a WhatsApp channel whose Cloud
API and webhooks come from the fake: inside them the composer writes a reply and its Template
button picks canned answers; once they are over, free text is refused before anything is typed
and the Template button offers WhatsApp's approved templates instead, with the variables Webcare
knows filled in, and the one chosen is sent as a template."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.support.channels import arrived, whatsapp_channel
from tests.support.fakes.whatsapp import FakeWhatsApp
from tests.support.gui import OpenClient, open_mention, team_view
from tests.support.server import TestServer
from tests.support.untranslated import catalogue, english_on_screen
from webcare.domain.models import Role
from webcare.ui import i18n
from webcare.ui.team.channels_view import ChannelsView
from webcare.ui.widgets.platform_template_picker import PlatformTemplatePicker
from webcare.ui.widgets.template_picker import TemplatePicker


@pytest.fixture
def fake() -> Iterator[FakeWhatsApp]:
    with FakeWhatsApp() as server:
        yield server


def test_the_composer_offers_whatsapp_templates_only_once_the_window_closed(
    open_client: OpenClient, team: TestServer, qtbot: QtBot, fake: FakeWhatsApp
) -> None:
    team.add_user("anna", Role.ADMIN, name="Anna")
    whatsapp_channel(team.login("anna"), fake)
    team.login("anna").post("/v1/templates", json={"title": "Sorry", "body": "Sorry!"})
    jan = fake.customer("Jan de Vries")
    old = arrived(team, fake.message(jan, "Hallo?", created_at=time.time() - 26 * 3600))
    petra = fake.customer("Petra Jansen")
    fresh = arrived(team, fake.message(petra, "Is mijn pakket onderweg?"))
    session = open_client("eva")
    c, w = session.controller, session.window
    composer = w.detail.composer

    # inside the 24 hours: a countdown, free text, and Template… picks canned answers
    open_mention(qtbot, session, fresh["id"])
    assert composer.window_label.isVisible() and not composer.notice.isVisible()
    assert composer.template_button.text() == "Template…"
    assert composer.platform_templates == ""
    c.pick_template()
    qtbot.waitUntil(lambda: c.picker is not None, timeout=5000)
    assert isinstance(c.picker, TemplatePicker) and c.platform_picker is None
    c.picker.reject()
    qtbot.waitUntil(lambda: c.picker is None, timeout=5000)

    # 26 hours ago: refused before typing; the Template button offers WhatsApp's templates
    open_mention(qtbot, session, old["id"])
    assert composer.editor.toPlainText() == "" and composer.notice.isVisible()
    refusal = composer.notice.text()
    assert refusal.startswith("The customer last wrote 26 h ago; after 24 h WhatsApp only")
    assert "approved template message. Choose one with Template… (Ctrl+T)" in refusal
    assert composer.template_button.text() == "WhatsApp template…"
    assert not w.actions_by_name["reply"].isEnabled()
    composer.editor.setPlainText("Sorry voor het wachten!")
    assert not composer.send_button.isEnabled()  # free text cannot go
    composer.clear()
    composer.template_button.click()
    qtbot.waitUntil(lambda: c.platform_picker is not None, timeout=10_000)
    picker: object = getattr(c, "platform_picker")  # noqa: B009 - read again, not narrowed
    assert isinstance(picker, PlatformTemplatePicker)
    offered = [picker.list.item(i).text() for i in range(picker.list.count())]
    assert offered == ["follow_up [nl] · Utility", "order_update [nl] · Utility"]
    assert "summer_sale" in picker.note.text()  # the ones Webcare cannot send, named
    picker.list.setCurrentRow(1)
    fields = dict(picker._fields)
    assert fields["customer_name"].text() == "Jan de Vries"  # Webcare knows this one
    assert (
        fields["order_number"].text() == "" and "1234" in fields["order_number"].placeholderText()
    )
    assert not picker.send_button.isEnabled()  # not every variable is filled in
    fields["order_number"].setText("5678")
    assert picker.send_button.isEnabled()
    expected = "Hallo Jan de Vries, je bestelling 5678 is vandaag verzonden.\n\nWebcare BV"
    assert picker.text() == expected
    assert picker.preview.text() == expected
    picker.send_button.click()

    qtbot.waitUntil(lambda: len(fake.outgoing) == 1, timeout=15_000)
    [sent] = fake.outgoing
    assert sent.body["type"] == "template" and sent.customer is jan
    assert fake.rendered(sent) == "Hallo Jan de Vries, je bestelling 5678 is vandaag verzonden."

    def reply_bodies() -> list[str]:
        return [f.item.text for f in w.detail.conversation.frames if f.item.kind == "reply"]

    qtbot.waitUntil(lambda: reply_bodies() == [expected], timeout=15_000)

    def reply_header() -> str:
        frames = [f for f in w.detail.conversation.frames if f.item.kind == "reply"]
        return frames[-1].header.text() if frames else ""

    # the bubble follows WhatsApp's statuses, which only move forward
    fake.status(sent, "delivered")
    qtbot.waitUntil(lambda: reply_header().endswith("reply · Delivered"), timeout=15_000)
    fake.status(sent, "read")
    fake.status(sent, "delivered")  # late: changes nothing
    qtbot.waitUntil(lambda: reply_header().endswith("reply · Read"), timeout=15_000)
    assert fake.wait_webhooks()
    qtbot.wait(300)
    assert reply_header().endswith("reply · Read")


def test_the_template_picker_in_dutch_shows_no_english(qapp: QApplication, qtbot: QtBot) -> None:
    i18n.install_translator(qapp, "nl")
    listing = {
        "available": True,
        "templates": [
            {"name": "order_update", "language": "nl", "category": "UTILITY", "header": "",
             "body": "Hallo {{customer_name}}, bestelling {{order_number}} is onderweg.",
             "footer": "", "buttons": [],
             "parameters": [{"name": "customer_name", "example": "Jan"},
                            {"name": "order_number", "example": "1234"}]},
        ],
        "unsupported": [{"name": "summer_sale", "language": "nl", "reason": "an image"}],
        "fetched_at": None,
        "error": "WhatsApp did not answer in time.",
    }  # fmt: skip
    picker = PlatformTemplatePicker(
        listing, platform="WhatsApp", language="nl", variables={"customer_name": "Piet Bakker"}
    )
    qtbot.addWidget(picker)
    picker.show()
    qtbot.waitUntil(picker.isVisible, timeout=5000)
    assert picker.windowTitle() == "Goedgekeurde WhatsApp-sjablonen"
    assert picker.send_button.text() == "Sjabloon versturen"
    assert "Nog invullen: {{order_number}}" in picker.preview.text()
    assert english_on_screen(picker, catalogue()) == []
    # Meta's words (a template, an error) are shown as plain text, never as markup
    assert picker.preview.textFormat() == Qt.TextFormat.PlainText
    assert picker.note.textFormat() == Qt.TextFormat.PlainText


def test_adding_a_whatsapp_number_in_the_channels_tab(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    team.add_user("anna", Role.ADMIN, name="Anna")
    session = open_client("anna")
    view = team_view(qtbot, session, "channels")
    assert isinstance(view, ChannelsView)
    qtbot.waitUntil(
        lambda: any(c["kind"] == "whatsapp" for c in view.connectors) and view.add.isEnabled(),
        timeout=10_000,
    )
    dialog = view.open_add()
    dialog.connector.setCurrentIndex(dialog.connector.findData("whatsapp"))
    assert {"phone_number_id", "waba_id", "access_token", "app_secret", "verify_token"} <= set(
        dialog.inputs
    )
    dialog.name.setText("Webcare BV on WhatsApp")
    values = {
        "phone_number_id": "106540352242922",
        "waba_id": "102290129340398",
        "access_token": "EAAJB-system-user",
        "app_secret": "app-secret",
    }
    for name, value in values.items():
        dialog.inputs[name].setText(value)  # type: ignore[attr-defined]
    dialog.accept()
    qtbot.waitUntil(lambda: "shown once" in view.status.text(), timeout=10_000)
    status = view.status.text()
    assert "verify_token (shown once, keep it safe): " in status
    with team.ctx.db.read() as conn:
        row = conn.execute(
            "SELECT id, config FROM channels WHERE connector = 'whatsapp'"
        ).fetchone()
    assert f"Callback URL for the platform: {team.url}/v1/hooks/{row[0]}" in status
    assert '"phone_number_id": "106540352242922"' in row[1]  # an id is text, not a number
