"""Media in the conversation, through a real server, a fake Mastodon and the real client: the
server fetches the files; the client shows a thumbnail for the image and chips for the rest
(with the reason for a refused one), downloads only from our API into its owner-only cache,
and opens the cached copy with the system viewer (by mouse or by Tab and Enter)."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QImage
from pytestqt.qtbot import QtBot

from tests.gui.conftest import OpenClient
from tests.gui.test_inbox import select
from tests.support.fakes.mastodon import FakeMastodon
from tests.support.media import pdf, png
from tests.support.server import TestServer, running_server, wait_until
from webcare.domain.models import Role
from webcare.storage.media_cache import cache_dir_for
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
    QDesktopServices.setUrlHandler("file", handler, "show")
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
