"""``domain.media.image_size``: an image's pixels from its header (Telegram's photo limits are
checked with it before an album goes out)."""

from __future__ import annotations

import struct

import pytest

from tests.support.media import png
from webcare.domain.media import image_size


def jpeg(width: int, height: int) -> bytes:
    """SOI, an APP0 (JFIF) segment, a DQT-like filler, then SOF2 (progressive) with the size."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    filler = b"\xff\xdb" + struct.pack(">H", 5) + b"\x00\x01\x02"
    sof = b"\xff\xc2" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + b"\xff" + filler + sof + b"\xff\xda"


def webp(chunk: bytes, payload: bytes) -> bytes:
    body = b"WEBP" + chunk + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_png_gif_and_jpeg_headers() -> None:
    assert image_size(png(321, 45)) == (321, 45)
    gif = b"GIF89a" + struct.pack("<HH", 640, 480) + b"\x80\x00\x00" + b"\x00" * 10
    assert image_size(gif) == (640, 480)
    assert image_size(jpeg(4000, 3000)) == (4000, 3000)


def test_webp_lossy_lossless_and_extended() -> None:
    lossy = webp(b"VP8 ", b"\x00\x00\x00\x9d\x01\x2a" + struct.pack("<HH", 1920, 1080))
    assert image_size(lossy) == (1920, 1080)
    bits = (800 - 1) | ((600 - 1) << 14)
    lossless = webp(b"VP8L", b"\x2f" + struct.pack("<I", bits))
    assert image_size(lossless) == (800, 600)
    extended = webp(b"VP8X", b"\x00\x00\x00\x00" + (12000 - 1).to_bytes(3, "little")
                    + (300 - 1).to_bytes(3, "little"))  # fmt: skip
    assert image_size(extended) == (12000, 300)


@pytest.mark.parametrize(
    "data",
    [b"", b"not an image", png()[:20], b"\xff\xd8\xff\xe0\x00", b"\xff\xd8" + b"\x00" * 20],
)
def test_what_cannot_be_read_is_none(data: bytes) -> None:
    assert image_size(data) is None


@pytest.mark.parametrize("form", ["JPEG", "PNG", "WEBP"])
def test_images_a_real_encoder_wrote(form: str) -> None:
    """Qt's encoders (libjpeg, libpng, libwebp) as an independent source of real files."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QImageWriter

    picture = QImage(333, 77, QImage.Format.Format_RGB32)
    picture.fill(0x336699)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not QImageWriter(buffer, QByteArray(form.encode())).write(picture):
        pytest.skip(f"Qt has no {form} writer here")
    assert image_size(bytes(data.data())) == (333, 77)
