"""Reading a ``multipart/form-data`` request body in the fakes, as the platforms' servers do.

Uploads (Mastodon's ``POST /api/v2/media``, a Graph API ``source``/``filedata`` field,
Telegram's ``sendPhoto``/``sendMediaGroup``, WhatsApp's ``/{phone-number-id}/media``) arrive as
``multipart/form-data``; :func:`form_parts` gives each named part with its bytes, file name and
declared type, so a fake can check what a real server would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.parser import BytesParser


@dataclass(frozen=True, slots=True)
class Part:
    """One field of a multipart form: a file (``filename`` set) or a plain value."""

    data: bytes
    filename: str | None
    content_type: str

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


def is_multipart(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == "multipart/form-data"


def form_parts(content_type: str, body: bytes) -> dict[str, Part]:
    """The named parts of a ``multipart/form-data`` body (the last one wins for a repeated
    name); empty when the body is not one."""
    if not is_multipart(content_type):
        return {}
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=policy.default).parsebytes(head + body)
    parts: dict[str, Part] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            parts[name] = Part(payload, part.get_filename(), part.get_content_type())
    return parts
