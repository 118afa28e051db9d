"""Language detection and priority rules: the triage a mention gets when it arrives."""

from __future__ import annotations

import pytest

from webcare.domain.errors import ValidationError
from webcare.domain.language import detect
from webcare.domain.priority import KeywordRule, PriorityRules


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mijn internet doet het al twee dagen niet, wat moet ik doen?", "nl"),
        ("@KPN waarom is mijn factuur zo hoog? Ik snap er niets van", "nl"),
        ("My internet has been down for two days, what should I do?", "en"),
        ("@VirginTrains why is the 10:15 from Euston cancelled again? https://t.co/x", "en"),
        ("ok", None),
        ("@kpn #fail https://t.co/abc", None),
        ("", None),
        ("Internet storing Amsterdam 😡", None),  # too little to tell
    ],
)
def test_language(text: str, expected: str | None) -> None:
    assert detect(text) == expected


def test_default_rules_raise_churn_risk_and_negative_and_influencers() -> None:
    rules = PriorityRules()
    assert rules.evaluate("Ik wil mijn abonnement opzeggen", 10) == (2, ["churn-risk"])
    assert rules.evaluate("I will CANCEL my contract", None) == (2, ["churn-risk"])
    assert rules.evaluate("Wat een waardeloze service", 10) == (1, [])  # no stem given
    assert rules.evaluate("Dit is waardeloos", 10) == (2, ["negative"])
    assert rules.evaluate("Nice work!", 10_000) == (2, ["influencer"])
    assert rules.evaluate("Nice work!", 9_999) == (1, [])


def test_highest_rule_wins_and_tags_add_up() -> None:
    rules = PriorityRules.from_dict(
        {
            "influencer_followers": 1000,
            "influencer_priority": 3,
            "keywords": [{"words": ["storing", "down"], "priority": 2, "tag": "outage"}],
            "negative_words": ["boos"],
            "negative_priority": 1,
        }
    )
    assert rules.evaluate("Storing en ik ben boos", 5000) == (
        3,
        ["influencer", "outage", "negative"],
    )
    # whole words only: "downtown" is not "down"
    assert rules.evaluate("I live downtown", 3) == (1, [])
    assert PriorityRules.from_dict(rules.to_dict()) == rules


def test_wildcards_match_word_stems_only_at_the_end() -> None:
    rule = KeywordRule(("opzeg*",), 2, "churn")
    assert rule.matches("OPZEGGING graag") and rule.matches("ik ga opzeggen.")
    assert not rule.matches("niet te zeggen")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"influencer_followers": -5}, "influencer_followers"),
        ({"influencer_followers": True}, "influencer_followers"),
        ({"keywords": [{"words": "opzeggen"}]}, "list of words"),
        ({"keywords": [{"words": ["op*zeggen"]}]}, "only allowed at the end"),
        ({"keywords": [{"words": ["x"], "priority": 7}]}, "priority must be 0"),
        ({"keywords": ["x"]}, "must be an object"),
        ({"negative_words": [1, 2]}, "list of words"),
    ],
)
def test_bad_rules_are_refused_in_words(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        PriorityRules.from_dict(data)
