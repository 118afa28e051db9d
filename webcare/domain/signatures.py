"""Find the agent's signature at the end of a brand reply (``^MM``, ``/AY``, ``-JS``, ``- Paige``).

Brands sign their replies so customers know who they talk to. Real replies end in many ways:
``... Miriam ^MM``, ``... /AY``, ``Sprint Cares. -AC``, ``Thanks - Lee 2/2``,
``^Rashmi https://t.co/…``. Trailing links and part counters (``1/2``) are skipped first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TRAILING_NOISE = re.compile(r"(?:\s+(?:https?://\S+|\d+/\d+))+\s*\Z")
_PATTERNS = (
    # ^MM, ^Jools, ^Rashmi
    re.compile(r"(?:^|\s)\^\s?(?P<name>[A-Za-z][A-Za-z]{0,19})\Z"),
    # /AY (a slash must be glued to initials, so dates and fractions do not match)
    re.compile(r"(?:^|\s)/(?P<name>[A-Z]{1,4})\Z"),
    # -AC, - Paige, – Mike
    re.compile(r"(?:^|\s)[-–—]\s?(?P<name>[A-Z][A-Za-z]{0,19})\Z"),
)


@dataclass(frozen=True, slots=True)
class Signature:
    """A signature found in a text: the name and the mark as written (``^MM``)."""

    name: str
    mark: str


def find_signature(text: str) -> Signature | None:
    """Return the signature that ends ``text``, or None when the reply is unsigned."""
    stripped = _TRAILING_NOISE.sub("", text.strip())
    for pattern in _PATTERNS:
        match = pattern.search(stripped)
        if match:
            mark = match.group(0).strip()
            return Signature(name=match.group("name"), mark=mark)
    return None
