"""Media attached to messages: kinds, the types each kind may be, and how a file is recognised.

A platform says what a file is (a MIME type, a file name); the bytes say what it really is.
:func:`check` decides from the bytes (:func:`sniff`, magic numbers) and refuses a file whose
type is not on the allow-list of its kind, or that is something else than the platform claimed
(an SVG or an HTML page sent as "image/png" is refused: neither is an image we show).

Recognising uses the ``filetype`` package's magic-number matchers, with two things it lacks:
the ISO base media family is told apart by its ``ftyp`` brand (3GPP, MP4 audio, MP4 video;
``filetype`` looks for 3GPP at the wrong offset), and plain text is recognised as UTF-8 without
control characters that is not markup.

Pure: no I/O. Shared by the team server (checks) and the desktop client (sizes in words).
"""

from __future__ import annotations

import re

import filetype

KINDS = ("image", "sticker", "audio", "video", "document")
#: Only images can be attached to a reply (where the platform allows attachments at all).
ATTACHABLE = ("image",)
#: The default largest file the team server fetches or accepts (``media_max_bytes``).
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
#: How many images one reply may carry (Mastodon and Bluesky allow four).
MAX_ATTACHMENTS = 4

IMAGES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
AUDIO = frozenset({"audio/ogg", "audio/mpeg", "audio/mp4", "audio/aac", "audio/amr"})
VIDEO = frozenset({"video/mp4", "video/3gpp"})
OFFICE = frozenset(
    {
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
    }
)
DOCUMENTS = frozenset({"application/pdf", "text/plain", *OFFICE})

#: What each kind may be. A document may also be an image or a recording (a photo sent as a
#: file): it is offered as a download either way.
ALLOWED: dict[str, frozenset[str]] = {
    "image": IMAGES,
    "sticker": frozenset({"image/webp", "image/png"}),
    "audio": AUDIO,
    "video": VIDEO,
    "document": DOCUMENTS | IMAGES | AUDIO | VIDEO,
}

#: Other names platforms use for the same types.
_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/apng": "image/png",
    "image/x-png": "image/png",
    "audio/opus": "audio/ogg",
    "audio/oga": "audio/ogg",
    "audio/vorbis": "audio/ogg",
    "application/ogg": "audio/ogg",
    "audio/mp3": "audio/mpeg",
    "audio/mpeg3": "audio/mpeg",
    "audio/x-mpeg": "audio/mpeg",
    "audio/m4a": "audio/mp4",
    "audio/x-m4a": "audio/mp4",
    "audio/aacp": "audio/aac",
    "audio/x-aac": "audio/aac",
    "audio/amr-nb": "audio/amr",
    "audio/3gpp": "video/3gpp",  # the same container; a voice note in it is still 3GPP
    "video/3gp": "video/3gpp",
    "application/x-pdf": "application/pdf",
}
#: Claims that say nothing about the type: the bytes decide alone.
_GENERIC = frozenset({"", "application/octet-stream", "binary/octet-stream", "application/binary"})

#: Words for the types, in refusals ("the file is a PDF document, not an image").
NAMES = {
    "image/jpeg": "a JPEG image",
    "image/png": "a PNG image",
    "image/gif": "a GIF image",
    "image/webp": "a WebP image",
    "audio/ogg": "an Ogg recording",
    "audio/mpeg": "an MP3 recording",
    "audio/mp4": "an MP4 recording",
    "audio/aac": "an AAC recording",
    "audio/amr": "an AMR recording",
    "video/mp4": "an MP4 video",
    "video/3gpp": "a 3GPP video",
    "application/pdf": "a PDF document",
    "text/plain": "plain text",
    "text/html": "an HTML page",
    "image/svg+xml": "an SVG drawing (markup)",
    "text/xml": "XML markup",
    "application/zip": "a ZIP archive",
    "application/x-msdownload": "a Windows program",
    "application/x-executable": "a program",
    "video/quicktime": "a QuickTime video",
}
_KIND_WORDS = {
    "image": "an image",
    "sticker": "a sticker",
    "audio": "a recording",
    "video": "a video",
    "document": "a document",
}

_BRANDS_3GPP = re.compile(rb"^3g[p2gsre][0-9a-z]")
_BRANDS_AUDIO = frozenset({b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "})
_BRANDS_VIDEO = frozenset(
    {
        b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"mp71",
        b"avc1", b"dash", b"M4V ", b"M4VH", b"M4VP", b"mmp4", b"MSNV", b"NDAS", b"f4v ",
    }
)  # fmt: skip
_MARKUP = re.compile(rb"^\s*<(\?xml|!doctype|html|svg|head|body|script|!--|[a-z][\w:-]*[\s>/])",
                     re.IGNORECASE)  # fmt: skip
_TEXT_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
#: How much of a file the recognisers look at.
HEAD_BYTES = 8192


def normalize(mime: str | None) -> str | None:
    """A MIME type in its usual lower-case name without parameters; ``None`` for none."""
    if mime is None:
        return None
    base = mime.split(";", 1)[0].strip().lower()
    if not base:
        return None
    return _ALIASES.get(base, base)


def _iso_media(head: bytes) -> str | None:
    """The type of an ISO base media file (``ftyp`` box) by its major and compatible brands."""
    size = int.from_bytes(head[0:4], "big")
    brands = [head[8:12]]
    end = min(size if size >= 16 else 16, len(head), 256)
    brands += [head[i : i + 4] for i in range(16, end - 3, 4)]
    if any(_BRANDS_3GPP.match(b) for b in brands[:1]):
        return "video/3gpp"
    if brands[0] in _BRANDS_AUDIO:
        return "audio/mp4"
    if brands[0] == b"qt  ":
        return "video/quicktime"
    if brands[0] in _BRANDS_VIDEO or any(b in _BRANDS_VIDEO for b in brands[1:]):
        return "video/mp4"
    if any(_BRANDS_3GPP.match(b) for b in brands[1:]):
        return "video/3gpp"
    if any(b in _BRANDS_AUDIO for b in brands[1:]):
        return "audio/mp4"
    return None


def _text_type(head: bytes, complete: bool) -> str | None:
    """``text/plain`` for UTF-8 text; a markup type (refused everywhere) for HTML, SVG, XML."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if _MARKUP.match(head):
        lowered = head[:1024].lower()
        if b"<svg" in lowered:
            return "image/svg+xml"
        if b"<html" in lowered or b"<!doctype html" in lowered or b"<script" in lowered:
            return "text/html"
        return "text/xml"
    if _TEXT_CONTROL.search(head):
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut off at the end of the sample is still text
        if complete or exc.start < len(head) - 3:
            return None
    return "text/plain"


def sniff(data: bytes, *, complete: bool = True) -> str | None:
    """What the bytes are (a MIME type), from their first bytes; ``None`` when unknown.

    ``complete``: ``data`` is the whole file (else only its beginning).
    """
    head = data[:HEAD_BYTES]
    if not head:
        return None
    if head[4:8] == b"ftyp":
        return _iso_media(head)
    guessed = filetype.guess_mime(head)
    if guessed is not None:
        return normalize(str(guessed))
    return _text_type(head, complete and len(data) <= HEAD_BYTES)


def type_words(mime: str | None) -> str:
    if mime is None:
        return "of a type Webcare does not recognise"
    return NAMES.get(mime, mime)


class Refused(Exception):
    """Why a file is not kept: ``reason`` (``too_large``, ``wrong_type``) and ``message``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

    def __str__(self) -> str:
        return self.message


def check(kind: str, claimed: str | None, data: bytes) -> str:
    """The MIME type to store ``data`` under, for a file of ``kind`` the platform says is
    ``claimed``; raises :class:`Refused` (``wrong_type``) when the bytes are not allowed for
    the kind, or are something else than claimed."""
    if kind not in ALLOWED:
        raise Refused("wrong_type", f"{kind!r} is not a kind of media Webcare keeps.")
    found = sniff(data)
    allowed = ALLOWED[kind]
    wanted = _KIND_WORDS[kind]
    if found is None or found not in allowed:
        raise Refused("wrong_type", f"The file is {type_words(found)}, not {wanted}.")
    said = normalize(claimed)
    if said is not None and said not in _GENERIC and said != found:
        raise Refused(
            "wrong_type",
            f"The platform said {type_words(said)} ({said}), but the file is {type_words(found)}.",
        )
    return found


def size_words(size: int) -> str:
    """A size as people read it: ``"820 KB"``, ``"40 MB"``, ``"1.5 GB"`` (1024-based)."""
    if size < 1024:
        return f"{size} bytes" if size != 1 else "1 byte"
    for unit, power in (("KB", 1), ("MB", 2), ("GB", 3), ("TB", 4)):
        value = size / 1024**power
        if value < 1024 or unit == "TB":
            text = f"{value:.1f}" if value < 10 else f"{value:.0f}"
            return f"{text.removesuffix('.0')} {unit}"
    raise AssertionError("unreachable")


def too_large(size: int | None, limit: int) -> Refused:
    """The refusal of a file over ``limit`` (``size``: its size if known)."""
    if size is None:
        return Refused("too_large", f"The file is over the {size_words(limit)} limit.")
    return Refused("too_large", f"{size_words(size)} is over the {size_words(limit)} limit.")


def kind_for(mime: str | None) -> str:
    """The kind a file of this type is shown as when the platform does not say (e-mail)."""
    said = normalize(mime) or ""
    if said in IMAGES:
        return "image"
    if said in AUDIO:
        return "audio"
    if said in VIDEO:
        return "video"
    return "document"


# JPEG's start-of-frame markers (SOF0-SOF15 without DHT C4, JPG C8 and DAC CC): they carry
# the height and width of the picture
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def image_size(data: bytes) -> tuple[int, int] | None:
    """An image's width and height in pixels, read from its header (PNG ``IHDR``, GIF's
    logical screen, JPEG's start of frame, WebP's ``VP8``/``VP8L``/``VP8X``), without decoding
    it; ``None`` when the header cannot be read."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        chunk = data[12:16]
        if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a" and len(data) >= 30:
            width = int.from_bytes(data[26:28], "little") & 0x3FFF
            return width, int.from_bytes(data[28:30], "little") & 0x3FFF
        if chunk == b"VP8L" and data[20:21] == b"\x2f" and len(data) >= 25:
            bits = int.from_bytes(data[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        if chunk == b"VP8X" and len(data) >= 30:
            width = int.from_bytes(data[24:27], "little") + 1
            return width, int.from_bytes(data[27:30], "little") + 1
        return None
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 4 <= len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            if marker == 0xFF:  # fill byte
                i += 1
                continue
            if marker in (0x01, *range(0xD0, 0xD8)):  # no length
                i += 2
                continue
            length = int.from_bytes(data[i + 2 : i + 4], "big")
            if marker in _JPEG_SOF and i + 9 <= len(data):
                height = int.from_bytes(data[i + 5 : i + 7], "big")
                return int.from_bytes(data[i + 7 : i + 9], "big"), height
            if length < 2:
                return None
            i += 2 + length
    return None
