"""The files of a message in the conversation: image thumbnails and file chips.

Every byte comes from our own team server (``ApiClient.media``), on the network pool, into the
owner-only media cache beside the local store (``webcare.client_store.media_cache``); a
platform's URL is never fetched here. Images are decoded with :class:`QImageReader` off the UI
thread, with an allocation limit and a scaled size (a decompression bomb is refused, a large
photo is decoded small), and shown as a pixmap: never through rich text or HTML. A click (or
Enter on the focused tile) opens the cached copy with the system viewer.

Other kinds, and files the server refused or could not fetch, are chips: an icon, the file name
and its size, or why it is not shown ("Not shown: 40 MB is over the 25 MB limit.").
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QIcon, QImage, QImageReader, QKeyEvent, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QStyle, QToolButton, QWidget

from webcare.client_store.media_cache import MediaCache
from webcare.client_store.records import MediaItem
from webcare.domain.errors import WebcareError
from webcare.domain.media import size_words
from webcare.net.agent_api import ApiClient
from webcare.ui.tasks import TaskRunner
from webcare.ui.text import plain_tooltip

log = logging.getLogger("webcare.ui.media")

#: The box a thumbnail is scaled into (device-independent pixels).
THUMBNAIL = QSize(240, 180)
#: What QImageReader may allocate for one image, in MiB (a 30000 x 30000 PNG is refused).
ALLOCATION_LIMIT_MB = 128
#: Images with more pixels than this are not decoded at all (not even scaled).
MAX_PIXELS = 60_000_000
#: Decoded thumbnails kept in memory (the conversation is rebuilt on every change).
MEMORY_CACHE = 64


def decode_thumbnail(path: Path, box: QSize = THUMBNAIL) -> QImage:
    """``path`` decoded no larger than ``box`` (aspect kept); a null image when it cannot be
    (not an image, too many pixels, over the allocation limit). Safe on any thread."""
    reader = QImageReader(str(path))
    reader.setDecideFormatFromContent(True)  # the bytes decide, not the name
    reader.setAllocationLimit(ALLOCATION_LIMIT_MB)
    reader.setAutoTransform(True)
    size = reader.size()
    if not size.isValid() or size.width() * size.height() > MAX_PIXELS:
        return QImage()
    if size.width() > box.width() or size.height() > box.height():
        reader.setScaledSize(size.scaled(box, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


class MediaSource(QObject):
    """Downloads files from the team server into the cache, and decodes thumbnails."""

    def __init__(
        self, runner: TaskRunner, api: ApiClient, cache: MediaCache, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.api = api
        self.cache = cache
        self._images: OrderedDict[int, QImage] = OrderedDict()

    def _local(self, item: MediaItem) -> Path:
        """The cached copy of ``item``, downloaded first when there is none (worker thread)."""
        found = self.cache.get(item)
        if found is not None:
            return found
        data = self.api.media(item.id, max_bytes=max(item.size or 0, 1) * 2 + 1024 * 1024)
        return self.cache.put(item, data)

    def file(
        self, item: MediaItem, on_ok: Callable[[Path], None], on_err: Callable[[str], None]
    ) -> None:
        """The cached copy of ``item`` (downloading it if needed); callbacks on the UI thread."""
        self.runner.net(
            lambda: self._local(item), on_ok, lambda e: on_err(_words(e)), receiver=self
        )

    def thumbnail(
        self, item: MediaItem, on_ok: Callable[[QImage], None], on_err: Callable[[str], None]
    ) -> None:
        known = self._images.get(item.id)
        if known is not None:
            self._images.move_to_end(item.id)
            on_ok(known)
            return

        def work() -> QImage:
            return decode_thumbnail(self._local(item))

        def done(image: QImage) -> None:
            if image.isNull():
                on_err(self.tr("This image cannot be shown."))
                return
            self._images[item.id] = image
            while len(self._images) > MEMORY_CACHE:
                self._images.popitem(last=False)
            on_ok(image)

        self.runner.net(work, done, lambda e: on_err(_words(e)), receiver=self)


def _words(error: BaseException) -> str:
    return error.message if isinstance(error, WebcareError) else str(error)


def open_file(path: Path) -> bool:
    """Open ``path`` with the system viewer (a ``file:`` URL, never anything else)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class MediaTile(QToolButton):
    """One file: a thumbnail (stored images) or a chip. Tab reaches it; Enter opens it."""

    def __init__(
        self, item: MediaItem, source: MediaSource | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.item = item
        self.source = source
        self.setObjectName("mediaTile")
        self.setProperty("kind", item.kind)
        self.setProperty("state", item.state)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoRaise(False)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setIcon(self._kind_icon())
        self.setIconSize(QSize(24, 24))
        self.clicked.connect(self.open)
        self.opened: Path | None = None  # the copy last handed to the viewer (for tests)
        available = item.state == "stored" and source is not None
        self.setText(self._chip_text())
        self.setEnabled(available)
        tooltip = item.caption or item.filename or ""
        self.setToolTip(plain_tooltip(tooltip) if tooltip else "")
        self.setAccessibleName(self._accessible_name())
        if available and item.kind in ("image", "sticker"):
            self.setText(self.tr("Loading image…"))
            assert source is not None
            source.thumbnail(item, self._show_image, self._image_failed)

    # --- what it shows ------------------------------------------------------------------------
    def kind_word(self) -> str:
        return {
            "image": self.tr("Image"),
            "sticker": self.tr("Sticker"),
            "audio": self.tr("Voice message or audio"),
            "video": self.tr("Video"),
            "document": self.tr("Document"),
        }.get(self.item.kind, self.tr("File"))

    def _kind_icon(self) -> QIcon:
        pixmap = {
            "image": QStyle.StandardPixmap.SP_FileIcon,
            "sticker": QStyle.StandardPixmap.SP_FileIcon,
            "audio": QStyle.StandardPixmap.SP_MediaVolume,
            "video": QStyle.StandardPixmap.SP_MediaPlay,
        }.get(self.item.kind, QStyle.StandardPixmap.SP_FileIcon)
        return self.style().standardIcon(pixmap)

    def _chip_text(self) -> str:
        item = self.item
        name = item.filename or self.kind_word()
        if item.state == "refused":
            return self.tr("{name} — not shown: {reason}").format(
                name=name, reason=item.error or self.tr("refused by the server")
            )
        if item.state == "failed":
            return self.tr("{name} — not available: {reason}").format(
                name=name, reason=item.error or self.tr("the platform did not give it")
            )
        if item.state == "pending":
            return self.tr("{name} — being fetched from the platform…").format(name=name)
        if item.size is not None:
            return f"{name} · {size_words(item.size)}"
        return name

    def _accessible_name(self) -> str:
        parts = [self.kind_word()]
        if self.item.caption:
            parts.append(self.item.caption)
        parts.append(self._chip_text())
        return ": ".join(dict.fromkeys(parts))

    def _show_image(self, image: QImage) -> None:
        if not shiboken6.isValid(self):
            return
        pixmap = QPixmap.fromImage(image)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.setIcon(QIcon(pixmap))
        self.setIconSize(pixmap.size())
        self.setText(self.item.caption or self.kind_word())
        self.setProperty("thumbnail", True)

    def _image_failed(self, reason: str) -> None:
        if shiboken6.isValid(self):
            self.setText(f"{self.item.filename or self.kind_word()} — {reason}")
            self.setAccessibleName(self.text())

    @property
    def has_thumbnail(self) -> bool:
        return bool(self.property("thumbnail"))

    # --- opening ----------------------------------------------------------------------------
    def open(self) -> None:
        if self.source is None or self.item.state != "stored":
            return
        self.setEnabled(False)

        def ok(path: Path) -> None:
            if shiboken6.isValid(self):
                self.setEnabled(True)
                self.opened = path
            open_file(path)

        def failed(reason: str) -> None:
            if shiboken6.isValid(self):
                self.setEnabled(True)
                self.setToolTip(plain_tooltip(reason))
            log.warning("media %s could not be opened: %s", self.item.id, reason)

        self.source.file(self.item, ok, failed)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.isEnabled():
            self.click()
            event.accept()
            return
        super().keyPressEvent(event)


class MediaStrip(QWidget):
    """The files of one message, side by side (wrapping is left to the tiles' width)."""

    def __init__(
        self,
        items: Sequence[MediaItem],
        source: MediaSource | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mediaStrip")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(6)
        self.tiles = [MediaTile(item, source, self) for item in items]
        for tile in self.tiles:
            layout.addWidget(tile)
        layout.addStretch(1)
