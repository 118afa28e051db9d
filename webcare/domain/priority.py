"""Priority rules: what makes a mention more urgent than the rest, decided when it arrives.

An admin sets the rules (``/v1/settings/priority-rules``): an influencer threshold on the
author's followers, keyword rules (``"opzeg*"`` matches opzeggen and opzegging; ``*`` only at the
end) and a list of negative words. Every matching rule can raise the priority and add a tag; the
highest priority wins, the tags add up. Rules never lower a priority.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from webcare.domain.errors import ValidationError
from webcare.domain.models import Priority

MAX_WORDS = 200
MAX_RULES = 50


def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    parts = []
    for word in words:
        stem = word.strip().lower()
        if not stem:
            continue
        wildcard = stem.endswith("*")
        stem = re.escape(stem.rstrip("*"))
        parts.append(stem + (r"\w*" if wildcard else ""))
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


def _priority(value: Any, what: str) -> int:
    try:
        return int(Priority(int(value)))
    except (TypeError, ValueError):
        raise ValidationError(f"{what}: priority must be 0 (low) to 3 (urgent).") from None


def _words(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise ValidationError(f"{what}: give a list of words.")
    words = tuple(w.strip() for w in value if w.strip())
    if len(words) > MAX_WORDS or any(len(w) > 60 for w in words):
        raise ValidationError(f"{what}: at most {MAX_WORDS} words of at most 60 characters.")
    if any("*" in w.rstrip("*") for w in words):
        raise ValidationError(f"{what}: '*' is only allowed at the end of a word.")
    return words


@dataclass(frozen=True)
class KeywordRule:
    words: tuple[str, ...]
    priority: int = int(Priority.HIGH)
    tag: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_pattern", _word_pattern(self.words))

    def matches(self, text: str) -> bool:
        pattern: re.Pattern[str] | None = self.__dict__.get("_pattern") or _word_pattern(self.words)
        return bool(pattern and pattern.search(text))


@dataclass(frozen=True)
class PriorityRules:
    influencer_followers: int | None = 10_000
    influencer_priority: int = int(Priority.HIGH)
    keywords: tuple[KeywordRule, ...] = field(
        default_factory=lambda: (
            KeywordRule(("opzeg*", "cancel*", "klacht*", "complaint*"), int(Priority.HIGH),
                        "churn-risk"),
        )
    )  # fmt: skip
    negative_words: tuple[str, ...] = (
        "boos", "slecht", "waardeloos", "schandalig", "teleurgesteld", "belachelijk",
        "angry", "terrible", "awful", "worst", "useless", "disappointed", "ridiculous",
    )  # fmt: skip
    negative_priority: int = int(Priority.HIGH)

    def evaluate(self, text: str, followers: int | None) -> tuple[int, list[str]]:
        """The priority (at least normal) and the tags a new mention gets."""
        priority = int(Priority.NORMAL)
        tags: list[str] = []
        if (
            self.influencer_followers is not None
            and followers is not None
            and followers >= self.influencer_followers
        ):
            priority = max(priority, self.influencer_priority)
            tags.append("influencer")
        for rule in self.keywords:
            if rule.matches(text):
                priority = max(priority, rule.priority)
                if rule.tag and rule.tag not in tags:
                    tags.append(rule.tag)
        negative = KeywordRule(self.negative_words, self.negative_priority, "negative")
        if self.negative_words and negative.matches(text):
            priority = max(priority, self.negative_priority)
            tags.append("negative")
        return priority, tags

    def to_dict(self) -> dict[str, Any]:
        return {
            "influencer_followers": self.influencer_followers,
            "influencer_priority": self.influencer_priority,
            "keywords": [
                {"words": list(r.words), "priority": r.priority, "tag": r.tag}
                for r in self.keywords
            ],
            "negative_words": list(self.negative_words),
            "negative_priority": self.negative_priority,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PriorityRules:
        """Validate an admin's rules; every mistake is a :class:`ValidationError` in words."""
        if not isinstance(data, dict):
            raise ValidationError("Priority rules must be an object.")
        followers = data.get("influencer_followers")
        if followers is not None and (
            not isinstance(followers, int) or isinstance(followers, bool) or followers < 1
        ):
            raise ValidationError("influencer_followers must be a positive number or null.")
        raw_rules = data.get("keywords", [])
        if not isinstance(raw_rules, list) or len(raw_rules) > MAX_RULES:
            raise ValidationError(f"keywords must be a list of at most {MAX_RULES} rules.")
        rules = []
        for i, raw in enumerate(raw_rules, 1):
            if not isinstance(raw, dict):
                raise ValidationError(f"keyword rule {i} must be an object.")
            tag = raw.get("tag", "")
            if not isinstance(tag, str) or len(tag) > 40:
                raise ValidationError(f"keyword rule {i}: tag must be text of at most 40.")
            rules.append(
                KeywordRule(
                    _words(raw.get("words"), f"keyword rule {i}"),
                    _priority(raw.get("priority", Priority.HIGH), f"keyword rule {i}"),
                    tag.strip(),
                )
            )
        return cls(
            influencer_followers=followers,
            influencer_priority=_priority(data.get("influencer_priority", 2), "influencers"),
            keywords=tuple(rules),
            negative_words=_words(data.get("negative_words", []), "negative words"),
            negative_priority=_priority(data.get("negative_priority", 2), "negative words"),
        )
