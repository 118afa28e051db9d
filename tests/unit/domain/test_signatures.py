from __future__ import annotations

import pytest

from webcare.domain.signatures import find_signature


@pytest.mark.parametrize(
    ("text", "name", "mark"),
    [  # real endings from the twcs sample
        ("... from another device, Miriam ^MM", "MM", "^MM"),
        ("... zip code and additional details. ^RR https://t.co/znUu1VJn9r", "RR", "^RR"),
        ("... that'd be great /AY", "AY", "/AY"),
        ("... for further assistance. Sprint Cares. -AC", "AC", "-AC"),
        ("... prove they're of age. - Paige", "Paige", "- Paige"),
        ("... Log this. Thanks - Lee 2/2", "Lee", "- Lee"),
        ("... Kind Regards ^Jools", "Jools", "^Jools"),
        ("... back. ^Rashmi https://t.co/a2xkfCrUG1", "Rashmi", "^Rashmi"),
        ("... delay has caused. 2/2 ^JR", "JR", "^JR"),
    ],
)
def test_signatures_from_the_sample(text: str, name: str, mark: str) -> None:
    sig = find_signature(text)
    assert sig is not None
    assert (sig.name, sig.mark) == (name, mark)


@pytest.mark.parametrize(
    "text",
    [
        "Reply in DM. https://t.co/GDrqU22YpT",
        "... making underage sales. Amanda",
        "... departure time we have is 15:30. 1/2",
        "The price is 10/15 now",
        "well - ",
    ],
)
def test_unsigned_replies(text: str) -> None:
    assert find_signature(text) is None
