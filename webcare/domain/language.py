"""Which language a mention is written in (Dutch or English), so the right templates come first.

A small, dependency-free detector: it counts very common function words of each language.
Short or mixed texts are left undecided (``None``) rather than guessed: a wrong suggestion costs
the agent more than none. Handles, links and hashtags are ignored.
"""

from __future__ import annotations

import re


def _vocab(words: str) -> frozenset[str]:
    return frozenset(words.split())


_WORDS = {
    "nl": _vocab(
        """de het een en van ik je jij u uw mijn is zijn niet wat dat die dit er op te met voor
        maar ook nog al heb hebt heeft kan kun kunt wil wilt moet graag bij naar om geen wel
        waarom hoe wanneer waar mag al even nu dan toch weer al sinds deze ons onze jullie
        jullie bent ben was waren worden wordt hallo hoi dank bedankt alstublieft aub svp"""
    ),
    "en": _vocab(
        """the a an and of i you your my is are not what that this there on to with for but
        also still have has had can could would will want must please at from why how when
        where may now then yet again since these our us was were be been being hello hi
        thanks thank it its me do does did don't can't won't i'm it's any no"""
    ),
}
_STRIP = re.compile(r"(https?://\S+|[@#]\w+)")
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)

MIN_HITS = 2
#: word -> (counts for nl, counts for en): one dictionary lookup per word (ingest calls this
#: for every mention of an import, so it is on the hot path)
_LANGS = ("nl", "en")
_HITS = {
    word: (int(word in _WORDS["nl"]), int(word in _WORDS["en"]))
    for word in _WORDS["nl"] | _WORDS["en"]
}


def detect(text: str) -> str | None:
    """``"nl"``, ``"en"`` or ``None`` when the text does not say clearly enough."""
    nl = en = 0
    for word in _TOKEN.findall(_STRIP.sub(" ", text.lower())):
        hit = _HITS.get(word)
        if hit is not None:
            nl += hit[0]
            en += hit[1]
    best, other = (nl, en) if nl >= en else (en, nl)
    if best < MIN_HITS or best < 1.5 * other:
        return None
    return _LANGS[0] if nl >= en else _LANGS[1]
