"""The desktop client's copies of media files, downloaded from the team server on demand.

One folder beside the local store (``<store>.media/``), owner-only (0700, files 0600, written
atomically). A file's content never changes under its id, so a copy, once complete, is good
for ever; it is named ``<id>-<safe name><extension>`` so that the system viewer it is opened
with knows its type. Nothing here talks to the network or to Qt.
"""

from __future__ import annotations

import re
from pathlib import Path

from webcare.client_store.records import MediaItem
from webcare.storage.files import private_dir, write_private

#: Extensions for the types the server keeps (what the viewer goes by on some systems).
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "audio/ogg": ".ogg",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/aac": ".aac",
    "audio/amr": ".amr",
    "video/mp4": ".mp4",
    "video/3gpp": ".3gp",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-powerpoint": ".ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
}
_UNSAFE = re.compile(r"[^\w.-]+", re.UNICODE)


def cache_dir_for(store_path: Path) -> Path:
    """Where the copies for the store at ``store_path`` live."""
    return store_path.with_name(store_path.name + ".media")


class MediaCache:
    """Complete copies of kept files, by media id."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, item: MediaItem) -> Path:
        """Where ``item``'s copy is (or will be): the extension follows the checked type, never
        the sender's name (a ``.exe`` named file that is a PDF opens as a PDF)."""
        stem = Path(item.filename or "").stem
        safe = _UNSAFE.sub("_", stem).strip("._")[:60] or item.kind
        extension = EXTENSIONS.get(item.mime or "", ".bin")
        return self.root / f"{int(item.id)}-{safe}{extension}"

    def get(self, item: MediaItem) -> Path | None:
        path = self.path(item)
        return path if path.is_file() else None

    def put(self, item: MediaItem, data: bytes) -> Path:
        private_dir(self.root)
        path = self.path(item)
        write_private(path, data)
        return path
