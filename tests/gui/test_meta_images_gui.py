"""Images per mention in the composer, on a real team server with Facebook and Instagram
channels on the fake Graph API and the real client: a Facebook comment offers "Attach image…"
for one image, a private reply to it none (with Meta's reason), a Messenger message several
(each sent as its own message after the text), and an Instagram DM none, with the reason
shown before anything is typed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.integration.channels.test_instagram import instagram_channel
from tests.support.channels import arrived, facebook_channel
from tests.support.fakes.graph import FakeGraph
from tests.support.fakes.instagram import FakeInstagram
from tests.support.gui import OpenClient, open_mention
from tests.support.media import png
from tests.support.server import TestServer
from webcare.app import Session
from webcare.channels import instagram
from webcare.domain.models import Role


@pytest.fixture
def fake() -> Iterator[FakeGraph]:
    with FakeGraph() as server:
        yield server


@pytest.fixture
def ig() -> Iterator[FakeInstagram]:
    with FakeInstagram() as server:
        yield server


def attach(qtbot: QtBot, session: Session, path: Path, count: int) -> None:
    session.controller.attach_file(path)
    composer = session.window.detail.composer
    qtbot.waitUntil(lambda: len(composer.attachments) == count, timeout=10_000)


def test_the_composer_offers_images_as_each_mention_allows(
    open_client: OpenClient, team: TestServer, qtbot: QtBot, fake: FakeGraph, ig: FakeInstagram,
    tmp_path: Path,
) -> None:  # fmt: skip
    team.add_user("anna", Role.ADMIN, name="Anna")
    facebook_channel(team.login("anna"), fake)
    instagram_channel(team.login("anna"), ig)
    jan = fake.user("Jan de Vries")
    comment = arrived(team, fake.add_comment(fake.add_post("Nieuw"), "Welke kabel?", by=jan).id)
    dm = arrived(team, fake.add_message("Stuur je een foto?", by=jan).mid)
    ig_dm = arrived(team, ig.dm_in("Heb je een foto van de doos?").mid)
    session = open_client("eva")
    c, w = session.controller, session.window
    composer = w.detail.composer
    photos = []
    for n in range(3):
        path = tmp_path / f"foto{n}.png"
        path.write_bytes(png(20 + n, 20, (n * 60, 10, 10)))
        photos.append(path)

    # a Facebook comment: one image, then the button is done
    open_mention(qtbot, session, comment["id"])
    qtbot.waitUntil(lambda: composer.attach_button.isVisibleTo(w), timeout=10_000)
    assert composer.attach_button.isEnabled()
    assert composer.attach_button.toolTip().endswith("it can carry one")
    attach(qtbot, session, photos[0], 1)
    assert not composer.attach_button.isEnabled()
    c.attach_file(photos[1])  # the shortcut and the file dialog say why, and upload nothing
    assert c.last_notice == "This reply can carry one image, and it has one."
    assert len(composer.attachments) == 1
    # privately it is one Messenger message: no image, and Send waits until it is removed
    assert composer.private_toggle.isVisibleTo(w)
    composer.editor.setPlainText("Deze kabel.")
    composer.private_toggle.setChecked(True)
    assert not composer.attach_button.isVisibleTo(w)
    assert composer.notice.text().startswith("A private reply is one Messenger message")
    assert composer.notice.text().endswith("Remove the image to send the reply.")
    assert not composer.send_button.isEnabled()
    assert "No images: A private reply is one Messenger message" in (
        composer.editor.placeholderText()
    )
    composer.private_toggle.setChecked(False)
    assert composer.send_button.isEnabled() and not composer.notice.isVisible()
    composer.clear()

    # a Messenger message: up to four, each its own message after the text
    open_mention(qtbot, session, dm["id"])
    qtbot.waitUntil(lambda: composer.attach_button.isVisibleTo(w), timeout=10_000)
    assert composer.attach_button.toolTip().endswith("it can carry 4")
    attach(qtbot, session, photos[1], 1)
    attach(qtbot, session, photos[2], 2)
    assert composer.attach_button.isEnabled()
    c.claim()
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.holder_id == c.me.id, timeout=15_000)
    composer.editor.setPlainText("Hier zijn ze.")
    composer.request_send()
    qtbot.waitUntil(lambda: len(fake.sent_messages) == 3, timeout=15_000)
    assert [m["message"].get("text") for m in fake.sent_messages] == ["Hier zijn ze. ^Eva",
                                                                      None, None]  # fmt: skip
    assert [m["upload"][0] for m in fake.sent_messages[1:]] == [
        photos[1].read_bytes(), photos[2].read_bytes(),
    ]  # fmt: skip

    # an Instagram DM: no image, and why, before a word is typed
    open_mention(qtbot, session, ig_dm["id"])
    qtbot.waitUntil(lambda: "No images:" in composer.editor.placeholderText(), timeout=10_000)
    assert not composer.attach_button.isVisibleTo(w)
    assert composer.editor.placeholderText().endswith(instagram.DM_NO_IMAGES)
    c.attach_file(photos[0])
    assert c.last_notice == f"{instagram.DM_NO_IMAGES} Send the text alone."
    assert composer.attachments == []
