"""Canned answers: ``{{variable}}`` placeholders, validation and rendering.

The syntax is deliberately tiny: ``{{ name }}`` with a known name. Anything else that looks like
a placeholder is an error at save time, so an agent never sends a reply with a raw ``{{`` in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from webcare.domain.errors import TemplateError
from webcare.domain.models import TemplateContext

#: Variables every template may use, with a one-line description (shown in the template editor).
VARIABLES: dict[str, str] = {
    "customer_name": "The customer's display name (falls back to the handle)",
    "customer_handle": "The customer's handle on the platform, e.g. @jan",
    "agent_name": "Your display name, e.g. Eva",
    "agent_signature": "Your signature, e.g. ^Eva",
    "brand": "The brand account the mention was sent to",
}

#: Sample values for previews in editors.
SAMPLE_CONTEXT = TemplateContext(
    customer_name="Jan de Vries",
    customer_handle="@jandevries",
    agent_name="Eva",
    agent_signature="^Eva",
    brand="Webcare",
)

LANGUAGES = ("nl", "en")

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")

MAX_TITLE = 200
MAX_BODY = 5000
MAX_SHORTCUT = 32


def variables_in(body: str) -> list[str]:
    """The placeholder names used in ``body``, in order of first use."""
    seen: dict[str, None] = {}
    for match in _PLACEHOLDER.finditer(body):
        seen.setdefault(match.group(1), None)
    return list(seen)


def validate_body(body: str, allowed: frozenset[str] | None = None) -> None:
    """Raise :class:`TemplateError` unless every placeholder in ``body`` is a known variable."""
    names = allowed if allowed is not None else frozenset(VARIABLES)
    if not body.strip():
        raise TemplateError("A template needs a text.")
    if len(body) > MAX_BODY:
        raise TemplateError(f"A template may be at most {MAX_BODY} characters long.")
    unknown = [name for name in variables_in(body) if name not in names]
    if unknown:
        known = ", ".join("{{" + n + "}}" for n in sorted(names))
        listed = ", ".join("{{" + n + "}}" for n in unknown)
        raise TemplateError(f"Unknown variable {listed}. Known variables: {known}.")
    rest = _PLACEHOLDER.sub("", body)
    if "{{" in rest or "}}" in rest:
        raise TemplateError(
            "The template has an unbalanced '{{' or '}}'. Write variables as {{agent_name}}."
        )


def render(body: str, context: TemplateContext) -> str:
    """Fill in the placeholders of a validated template body."""
    values = context.as_dict()

    def _sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise TemplateError(f"Unknown variable {{{{{name}}}}}.")
        return values[name]

    return _PLACEHOLDER.sub(_sub, body)


def append_signature(body: str, signature: str) -> str:
    """Return ``body`` signed with ``signature`` unless it already ends with it."""
    text = body.rstrip()
    sig = signature.strip()
    if not sig or text.endswith(sig):
        return text
    return f"{text} {sig}" if text else sig


@dataclass(frozen=True, slots=True)
class TemplateFields:
    """The editable fields of a template, validated."""

    title: str
    body: str
    language: str
    shortcut: str
    tags: tuple[str, ...]

    @classmethod
    def create(
        cls,
        *,
        title: str,
        body: str,
        language: str = "nl",
        shortcut: str = "",
        tags: tuple[str, ...] | list[str] = (),
    ) -> TemplateFields:
        for what, text in (("title", title), ("body", body), ("shortcut", shortcut), *(
            ("tag", t) for t in tags
        )):  # fmt: skip
            if "\x00" in text:
                raise TemplateError(f"A template's {what} must not contain NUL characters.")
        title = title.strip()
        if not title:
            raise TemplateError("A template needs a title.")
        if len(title) > MAX_TITLE:
            raise TemplateError(f"A template title may be at most {MAX_TITLE} characters long.")
        if language not in LANGUAGES:
            raise TemplateError(f"Language must be one of: {', '.join(LANGUAGES)}.")
        shortcut = shortcut.strip()
        if len(shortcut) > MAX_SHORTCUT or any(c.isspace() for c in shortcut):
            raise TemplateError(
                f"A shortcut is one word of at most {MAX_SHORTCUT} characters, e.g. 'dm'."
            )
        validate_body(body)
        clean_tags = tuple(dict.fromkeys(t.strip().lower() for t in tags if t.strip()))
        return cls(title, body, language, shortcut, clean_tags)
