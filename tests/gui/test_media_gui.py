"""Media in the conversation, through a real server, a fake Mastodon and the real client: the
server fetches the files; the client shows a thumbnail for the image and chips for the rest
(with the reason for a refused one), downloads only from our API into its owner-only cache,
and opens the cached copy with the system viewer (by mouse or by Tab and Enter). An image
attached in the composer is uploaded, shown with a remove button, and posted once."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QImage
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from tests.support.fakes.bluesky import FakeBluesky
from tests.support.fakes.mastodon import FakeMastodon
from tests.support.gui import OpenClient, key, select
from tests.support.media import pdf, png
from tests.support.server import TestServer, running_server, wait_until
from webcare.client_store.media_cache import cache_dir_for
from webcare.domain.models import Role
from webcare.server.run import ServerThread
from webcare.ui.widgets.media import MediaTile, decode_thumbnail

LIMIT = 256 * 1024


@pytest.fixture
def team(tmp_path: Path) -> Iterator[TestServer]:  # the gui conftest's, with a small limit
    with running_server(
        tmp_path / "server", media_max_bytes=LIMIT, channel_tick_s=0.05, delivery_base_s=0.05
    ) as server:
        server.add_user("eva", name="Eva", signature="^Eva")
        server.add_user("tom", name="Tom", signature="^Tom")
        server.add_user("anna", Role.ADMIN, name="Anna")
        yield server


@pytest.fixture
def masto() -> Iterator[FakeMastodon]:
    with FakeMastodon() as fake:
        yield fake


class Viewer(QObject):
    """Stands in for the system viewer: records the URLs Webcare asks to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def show(self, url: QUrl) -> None:
        self.opened.append(url)


@pytest.fixture
def viewer() -> Iterator[Viewer]:
    handler = Viewer()
    # PySide6 takes the slot's name as str at run time; its stub says bytes (refused there)
    QDesktopServices.setUrlHandler("file", handler, "show")  # type: ignore[arg-type]
    try:
        yield handler
    finally:
        QDesktopServices.unsetUrlHandler("file")


def connect_mastodon(team: TestServer, masto: FakeMastodon) -> int:
    admin = team.login("anna")
    r = admin.post(
        "/v1/channels",
        json={"connector": "mastodon", "name": "@brand on Mastodon", "brand": "Brand",
              "config": {"base_url": masto.base_url},
              "secrets": {"access_token": masto.token}},
    )  # fmt: skip
    assert r.status_code == 201, r.text

    def settled() -> bool:
        with team.ctx.db.read() as conn:
            states = [r[0] for r in conn.execute("SELECT state FROM media")]
        return bool(states) and "pending" not in states

    assert wait_until(settled, 15)
    with team.ctx.db.read() as conn:
        return int(conn.execute("SELECT id FROM mentions").fetchone()[0])


def connect_mastodon_plain(team: TestServer, masto: FakeMastodon) -> int:
    """A Mastodon channel whose mentions carry no files; its mention's id."""
    admin = team.login("anna")
    r = admin.post(
        "/v1/channels",
        json={"connector": "mastodon", "name": "@brand on Mastodon", "brand": "Brand",
              "config": {"base_url": masto.base_url},
              "secrets": {"access_token": masto.token}},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    return first_mention(team)


def first_mention(team: TestServer) -> int:
    """The id of the first mention a channel brought in (waiting for its first fetch)."""

    def arrived() -> bool:
        with team.ctx.db.read() as conn:
            return bool(conn.execute("SELECT count(*) FROM mentions").fetchone()[0])

    assert wait_until(arrived, 15)
    with team.ctx.db.read() as conn:
        return int(conn.execute("SELECT id FROM mentions").fetchone()[0])


def tiles(session: Any) -> list[MediaTile]:
    found: list[MediaTile] = session.window.detail.conversation.findChildren(MediaTile)
    return sorted(found, key=lambda t: t.item.id)


def test_the_conversation_shows_a_thumbnail_and_chips_and_opens_the_cached_file(
    qtbot: QtBot,
    open_client: OpenClient,
    team: TestServer,
    masto: FakeMastodon,
    viewer: Viewer,
    tmp_path: Path,
) -> None:
    image, document = png(640, 480, (0, 128, 0)), pdf()
    masto.add_mention(
        "<p>@brand mijn modem, de factuur en een filmpje</p>",
        media=[
            masto.attachment("image", masto.add_file("modem.png", image, "image/png"),
                             description="Modem met rood lampje"),
            masto.attachment("unknown", masto.add_file("factuur.pdf", document,
                                                       "application/pdf")),
            masto.attachment("video", masto.add_file("filmpje.mp4", bytes(300 * 1024),
                                                     "video/mp4")),
        ],
    )  # fmt: skip
    mention_id = connect_mastodon(team, masto)
    platform_requests = len(masto.calls("/system/media_attachments/"))
    session = open_client("eva")
    select(qtbot, session, mention_id)
    qtbot.waitUntil(lambda: len(tiles(session)) == 3, timeout=5000)
    photo, invoice, film = tiles(session)
    qtbot.waitUntil(lambda: photo.has_thumbnail, timeout=10_000)
    # a thumbnail scaled into its box, never larger; no text interpretation anywhere
    assert photo.iconSize().width() <= 240 and photo.iconSize().height() <= 180
    assert photo.iconSize().width() == 240  # 640x480 scaled to fit: 240x180
    assert photo.accessibleName().startswith("Image: Modem met rood lampje")
    assert invoice.text() == f"factuur.pdf · {len(document)} bytes"
    assert film.text() == "filmpje.mp4 — not shown: 300 KB is over the 256 KB limit."
    assert not film.isEnabled()
    # the client fetched nothing from the platform: only our server did
    assert len(masto.calls("/system/media_attachments/")) == platform_requests
    store = tmp_path / "eva-store.db"
    assert masto.base_url.encode() not in store.read_bytes()

    # click the thumbnail: the cached copy opens in the system viewer
    qtbot.mouseClick(photo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(viewer.opened) == 1, timeout=5000)
    opened = Path(viewer.opened[0].toLocalFile())
    assert viewer.opened[0].scheme() == "file"
    assert opened.parent == cache_dir_for(store)
    assert opened.read_bytes() == image and opened.suffix == ".png"
    assert stat.S_IMODE(opened.stat().st_mode) == 0o600
    assert stat.S_IMODE(opened.parent.stat().st_mode) == 0o700
    # Tab reaches a chip, Enter opens it
    invoice.setFocus(Qt.FocusReason.TabFocusReason)
    assert invoice.focusPolicy() & Qt.FocusPolicy.TabFocus
    qtbot.keyClick(invoice, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(viewer.opened) == 2, timeout=5000)
    assert Path(viewer.opened[1].toLocalFile()).read_bytes() == document
    assert Path(viewer.opened[1].toLocalFile()).suffix == ".pdf"


def test_an_attached_image_is_uploaded_shown_removable_and_posted_once(
    qtbot: QtBot, open_client: OpenClient, team: TestServer, masto: FakeMastodon, tmp_path: Path
) -> None:
    masto.add_mention(
        "<p>@brand waar zit de knop?</p>",
        media=[masto.attachment("image", masto.add_file("a.png", png(), "image/png"))],
    )
    mention_id = connect_mastodon(team, masto)
    session = open_client("eva")
    select(qtbot, session, mention_id)
    composer = session.window.detail.composer
    c = session.controller
    assert composer.attach_button.isVisibleTo(session.window)
    assert session.window.actions_by_name["attach"].shortcut().toString() == "Ctrl+Shift+A"
    first, second = tmp_path / "knop.png", tmp_path / "weg.png"
    first.write_bytes(png(100, 80, (1, 2, 3)))
    second.write_bytes(png(10, 10, (9, 9, 9)))
    c.attach_file(first)
    qtbot.waitUntil(lambda: len(composer.attachments) == 1, timeout=5000)
    c.attach_file(second)
    qtbot.waitUntil(lambda: len(composer.attachments) == 2, timeout=5000)
    assert [a["filename"] for a in composer.attachments] == ["knop.png", "weg.png"]
    # the remove buttons are in the composer's Tab order
    remove = [b for b in composer.focus_chain() if b.objectName() == "removeAttachment"]
    assert len(remove) == 2
    assert remove[1].accessibleName() == "Remove the attachment weg.png"
    qtbot.mouseClick(remove[1], Qt.MouseButton.LeftButton)
    assert [a["filename"] for a in composer.attachments] == ["knop.png"]
    # a file that is no image is refused by the server, and says so
    bad = tmp_path / "stiekem.png"
    bad.write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'><script>x()</script></svg>")
    c.attach_file(bad)
    qtbot.waitUntil(lambda: "was not attached" in c.last_notice, timeout=5000)
    assert "SVG drawing" in c.last_notice
    assert len(composer.attachments) == 1

    c.claim()
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.holder_id is not None, timeout=5000)
    composer.editor.setPlainText("Op de achterkant.")
    composer.request_send()
    qtbot.waitUntil(lambda: len(masto.posted) == 1, timeout=15_000)
    (attached,) = masto.posted[0]["media_attachments"]
    assert next(iter(masto.uploads.values()))["_bytes"] == first.read_bytes()
    assert composer.attachments == []
    qtbot.wait(300)
    assert len(masto.posted) == 1
    assert attached["type"] == "image"


def test_a_decompression_bomb_is_not_decoded(tmp_path: Path) -> None:
    # a real PNG header that claims 40000 x 40000 pixels (6.4 GB of RGBA)
    bomb = bytearray(png(1, 1))
    bomb[16:24] = (40_000).to_bytes(4, "big") * 2
    path = tmp_path / "bomb.png"
    path.write_bytes(bytes(bomb))
    assert decode_thumbnail(path).isNull()
    fine = tmp_path / "fine.png"
    fine.write_bytes(png(1000, 500))
    image = decode_thumbnail(fine)
    assert (image.width(), image.height()) == (240, 120)
    assert isinstance(image, QImage)


def frame_tiles(session: Any, kind: str) -> list[MediaTile]:
    """The file tiles of the last message of ``kind`` in the conversation."""
    frames = [f for f in session.window.detail.conversation.frames if f.item.kind == kind]
    if not frames:
        return []
    found: list[MediaTile] = frames[-1].findChildren(MediaTile)
    return found


def claim(qtbot: QtBot, session: Any) -> None:
    c = session.controller
    c.claim()
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.holder_id == c.me.id, timeout=5000)


def test_an_image_queued_offline_with_the_reply_is_kept_and_posted_once(
    qtbot: QtBot, open_client: OpenClient, team: TestServer, masto: FakeMastodon, tmp_path: Path
) -> None:
    masto.add_mention("<p>@brand de knop doet niks</p>")
    mention_id = connect_mastodon_plain(team, masto)
    session = open_client("eva")
    c, composer = session.controller, session.window.detail.composer
    select(qtbot, session, mention_id)
    claim(qtbot, session)
    photo, later = tmp_path / "knop.png", tmp_path / "later.png"
    photo.write_bytes(png(120, 90, (200, 0, 0)))
    later.write_bytes(png(20, 20, (0, 0, 200)))
    c.attach_file(photo)  # uploaded at once, while the server is there
    qtbot.waitUntil(lambda: len(composer.attachments) == 1, timeout=5000)

    config, port = team.thread.app.state.ctx.config, team.thread.port
    team.thread.stop()  # the server goes away
    qtbot.waitUntil(lambda: c.online is False, timeout=10_000)
    # an image cannot be attached offline (it is uploaded when attached): say so, keep the rest
    c.attach_file(later)
    qtbot.waitUntil(lambda: "was not attached" in c.last_notice, timeout=5000)
    assert "the team server cannot be reached" in c.last_notice
    assert [a["filename"] for a in composer.attachments] == ["knop.png"]

    composer.editor.setPlainText("Houd hem 5 tellen ingedrukt.")
    composer.request_send()
    qtbot.waitUntil(lambda: c.queued == 1, timeout=5000)
    assert composer.attachments == []
    # the queued reply's bubble shows its image, from the local copy (the server is away)
    qtbot.waitUntil(lambda: len(frame_tiles(session, "outbox")) == 1, timeout=5000)
    (tile,) = frame_tiles(session, "outbox")
    qtbot.waitUntil(lambda: tile.has_thumbnail, timeout=5000)
    assert tile.iconSize().width() == 120
    # the outbox keeps the reply with its image, committed to the local store
    with sqlite3.connect(tmp_path / "eva-store.db") as conn:
        payload, media = conn.execute("SELECT payload, media FROM outbox").fetchone()
    assert '"media_ids": [' in payload and "knop.png" in media

    team.thread = ServerThread(config, port=port).start()  # the same server comes back
    qtbot.waitUntil(lambda: c.queued == 0, timeout=20_000)
    qtbot.waitUntil(lambda: len(masto.posted) == 1, timeout=15_000)
    (attached,) = masto.posted[0]["media_attachments"]
    assert attached["type"] == "image"
    assert next(iter(masto.uploads.values()))["_bytes"] == photo.read_bytes()
    qtbot.wait(1000)  # more rounds: still exactly one post, one upload
    assert len(masto.posted) == 1 and len(masto.uploads) == 1
    # the server's copy of the reply now shows the image in the conversation
    qtbot.waitUntil(lambda: len(frame_tiles(session, "reply")) == 1, timeout=5000)


def test_a_rejected_reply_gives_back_its_text_and_its_image(
    qtbot: QtBot, open_client: OpenClient, team: TestServer, masto: FakeMastodon, tmp_path: Path
) -> None:
    masto.add_mention("<p>@brand mijn scherm is zwart</p>")
    mention_id = connect_mastodon_plain(team, masto)
    session = open_client("eva")
    c, composer = session.controller, session.window.detail.composer
    select(qtbot, session, mention_id)
    claim(qtbot, session)
    photo = tmp_path / "scherm.png"
    photo.write_bytes(png(50, 40))
    c.attach_file(photo)
    qtbot.waitUntil(lambda: len(composer.attachments) == 1, timeout=5000)

    config, port = team.thread.app.state.ctx.config, team.thread.port
    team.thread.stop()
    qtbot.waitUntil(lambda: c.online is False, timeout=10_000)
    composer.editor.setPlainText("Probeer de aan-knop.")
    composer.request_send()
    qtbot.waitUntil(lambda: c.queued == 1, timeout=5000)
    # meanwhile (on a port Eva's client does not know) the admin hands the mention to Tom
    team.thread = ServerThread(config).start()
    r = team.login("anna").post(
        f"/v1/mentions/{mention_id}/assign", json={"agent_id": team.users["tom"]}
    )
    assert r.status_code == 200, r.text
    team.thread.stop()
    team.thread = ServerThread(config, port=port).start()
    # Eva's reply was written under her claim: refused, kept, with its image
    view = session.window.detail.conversation
    qtbot.waitUntil(
        lambda: [f.item.state for f in view.frames if f.item.kind == "outbox"] == ["rejected"],
        timeout=20_000,
    )
    assert len(frame_tiles(session, "outbox")) == 1
    assert masto.posted == []
    frame = next(f for f in session.window.detail.conversation.frames if f.item.kind == "outbox")
    (reuse,) = [b for b in frame.findChildren(QPushButton) if "Put text back" in b.text()]
    qtbot.mouseClick(reuse, Qt.MouseButton.LeftButton)
    assert composer.editor.toPlainText().startswith("Probeer de aan-knop.")
    assert [a["filename"] for a in composer.attachments] == ["scherm.png"]


def test_where_a_reply_cannot_carry_an_image_the_agent_is_told_why(
    qtbot: QtBot, open_client: OpenClient, team: TestServer, tmp_path: Path
) -> None:
    (mention_id,) = team.add_mentions(1, kind="test")  # a channel without images in replies
    session = open_client("eva")
    c, composer = session.controller, session.window.detail.composer
    select(qtbot, session, mention_id)
    assert not composer.attach_button.isVisibleTo(session.window)
    action = session.window.actions_by_name["attach"]
    assert action.isEnabled()  # the shortcut answers, with the reason
    key(qtbot, session, "Ctrl+Shift+A")
    assert "cannot carry images" in c.last_notice
    assert "Send the text" in c.last_notice
    photo = tmp_path / "x.png"
    photo.write_bytes(png())
    c.attach_file(photo)  # nothing is uploaded either
    qtbot.wait(200)
    with team.ctx.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM media").fetchone()[0] == 0
    assert composer.attachments == []


def test_a_note_cannot_carry_an_image(
    qtbot: QtBot, open_client: OpenClient, team: TestServer, masto: FakeMastodon, tmp_path: Path
) -> None:
    masto.add_mention("<p>@brand hallo</p>")
    mention_id = connect_mastodon_plain(team, masto)
    session = open_client("eva")
    c, composer = session.controller, session.window.detail.composer
    select(qtbot, session, mention_id)
    composer.note_toggle.setChecked(True)
    assert not composer.attach_button.isEnabled()
    photo = tmp_path / "x.png"
    photo.write_bytes(png())
    c.attach_file(photo)
    assert "An internal note cannot carry images" in c.last_notice


@pytest.fixture
def bsky() -> Iterator[FakeBluesky]:
    with FakeBluesky() as fake:
        yield fake


def test_an_image_over_the_platforms_own_limit_is_refused_before_upload(
    qtbot: QtBot, open_client: OpenClient, team: TestServer, bsky: FakeBluesky, tmp_path: Path
) -> None:
    bsky.add_mention("@brand.bsky.social help")
    r = team.login("anna").post(
        "/v1/channels",
        json={"connector": "bluesky", "name": "@brand on Bluesky", "brand": "Brand",
              "config": {"service_url": bsky.base_url, "identifier": bsky.handle},
              "secrets": {"app_password": bsky.password}},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    mention_id = first_mention(team)
    session = open_client("eva")
    c, composer = session.controller, session.window.detail.composer
    select(qtbot, session, mention_id)
    assert composer.attach_button.isVisibleTo(session.window)
    big = tmp_path / "groot.png"
    big.write_bytes(png(10, 10) + bytes(1_100_000))  # over Bluesky's 1,000,000 bytes
    c.attach_file(big)
    qtbot.waitUntil(lambda: "was not attached" in c.last_notice, timeout=5000)
    assert "takes images up to 977 KB" in c.last_notice
    with team.ctx.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM media").fetchone()[0] == 0


def test_an_attached_image_stays_with_its_draft_while_the_agent_looks_elsewhere(
    qtbot: QtBot, open_client: OpenClient, team: TestServer, masto: FakeMastodon, tmp_path: Path
) -> None:
    masto.add_mention("<p>@brand eerste vraag</p>")
    masto.add_mention("<p>@brand tweede vraag</p>")
    connect_mastodon_plain(team, masto)
    assert wait_until(lambda: len(mention_ids(team)) == 2, 15)
    first, second = mention_ids(team)
    session = open_client("eva")
    c, composer = session.controller, session.window.detail.composer
    select(qtbot, session, first)
    photo = tmp_path / "router.png"
    photo.write_bytes(png(30, 30))
    c.attach_file(photo)
    qtbot.waitUntil(lambda: len(composer.attachments) == 1, timeout=5000)
    composer.editor.setPlainText("Zie de foto.")
    select(qtbot, session, second)
    assert composer.attachments == [] and composer.editor.toPlainText() == ""
    select(qtbot, session, first)
    assert composer.editor.toPlainText() == "Zie de foto."
    assert [a["filename"] for a in composer.attachments] == ["router.png"]
    # an image still uploading when the agent moves on stays with that reply's draft too
    late = tmp_path / "later.png"
    late.write_bytes(png(31, 31))
    c.attach_file(late)
    select(qtbot, session, second)
    qtbot.waitUntil(lambda: "later.png" in str(c.drafts.get(first)), timeout=5000)
    assert composer.attachments == []
    select(qtbot, session, first)
    assert [a["filename"] for a in composer.attachments] == ["router.png", "later.png"]


def mention_ids(team: TestServer) -> list[int]:
    with team.ctx.db.read() as conn:
        return [int(r[0]) for r in conn.execute("SELECT id FROM mentions ORDER BY id")]
