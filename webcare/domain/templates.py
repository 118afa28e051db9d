"""Canned answers: ``{{variable}}`` placeholders, validation and rendering.

The syntax is deliberately tiny: ``{{ name }}`` with a known name, or ``{{ask:label}}`` for a
value the agent types in the composer before sending (an order number, a date). Anything else
that looks like a placeholder is an error at save time, so an agent never sends a reply with a
raw ``{{`` in it; the team server refuses a reply that still holds an ``{{ask:…}}``.

Rendering is one pass over the template (:func:`render`): the values put in are never read
again as placeholders, so a customer called ``{{ask:x}}`` stays a name. Known variables are
filled per mention; ask-variables are left as ``{{ask:label}}`` for the composer, or filled
from ``asks`` (one set of values for every mention a bulk reply goes to).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

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
#: ``ask:`` at the start of a placeholder's name (any case, spaces around the colon).
_ASK_NAME = re.compile(r"ask\s*:(.*)\Z", re.IGNORECASE | re.DOTALL)
#: Anything written as an ask-variable, braces in its label included (to name the mistake).
_ASK_LOOSE = re.compile(r"\{\{\s*ask\s*:(.*?)\}\}", re.IGNORECASE | re.DOTALL)

MAX_TITLE = 200
MAX_BODY = 5000
MAX_SHORTCUT = 32
#: The longest label of an ask-variable (after its spaces are normalised).
MAX_ASK_LABEL = 40


@dataclass(frozen=True, slots=True)
class AskField:
    """A value the agent fills in: ``key`` (the label folded: what makes two spellings one
    field) and ``label`` (as first written, its spaces normalised)."""

    key: str
    label: str

    @property
    def placeholder(self) -> str:
        return "{{ask:" + self.label + "}}"


class AskProblem(StrEnum):
    """What is wrong with an ask-variable's label."""

    EMPTY = "empty"
    BRACES = "braces"
    TOO_LONG = "too_long"
    UNPRINTABLE = "unprintable"


@dataclass(frozen=True, slots=True)
class BodyCheck:
    """What a template text uses and what is wrong with it (the template editor's check)."""

    variables: tuple[str, ...]  # known variables, in order of first use
    asks: tuple[AskField, ...]  # ask-variables, in order of first use, one per label
    unknown: tuple[str, ...]  # ``{{name}}`` with a name no template may use
    ask_problems: tuple[tuple[AskProblem, str], ...]  # (problem, the label as written)
    unbalanced: bool  # a ``{{`` or ``}}`` that is no placeholder


def _label(raw: str) -> str:
    return " ".join(raw.split())


def ask_key(label: str) -> str:
    """The field a label names: case and spaces do not count ("Order  Number" = "order number")."""
    return _label(label).casefold()


def _ask_problem(raw: str) -> AskProblem | None:
    label = raw.strip()
    if "{" in label or "}" in label:
        return AskProblem.BRACES
    if not label:
        return AskProblem.EMPTY
    if not label.isprintable():
        return AskProblem.UNPRINTABLE
    if len(_label(label)) > MAX_ASK_LABEL:
        return AskProblem.TOO_LONG
    return None


def _ask_label(name: str) -> str | None:
    """The raw label of a placeholder's name when it is an ask-variable (else None)."""
    match = _ASK_NAME.match(name)
    return match.group(1) if match else None


def check_body(body: str, allowed: frozenset[str] | None = None) -> BodyCheck:
    """Read ``body``'s placeholders: known, ask-variables, unknown, and malformed ones."""
    names = allowed if allowed is not None else frozenset(VARIABLES)
    known: dict[str, None] = {}
    asks: dict[str, AskField] = {}
    unknown: dict[str, None] = {}
    problems: dict[tuple[AskProblem, str], None] = {}
    for match in _ASK_LOOSE.finditer(body):  # braces inside a label: no placeholder matches it
        if "{" in match.group(1) or "}" in match.group(1):
            problems.setdefault((AskProblem.BRACES, match.group(1).strip()), None)
    for match in _PLACEHOLDER.finditer(body):
        name = match.group(1)
        raw = _ask_label(name)
        if raw is None:
            (known if name in names else unknown).setdefault(name, None)
            continue
        problem = _ask_problem(raw)
        if problem is not None:
            problems.setdefault((problem, raw.strip()), None)
            continue
        asks.setdefault(ask_key(raw), AskField(ask_key(raw), _label(raw)))
    rest = _PLACEHOLDER.sub("", _ASK_LOOSE.sub("", body) if problems else body)
    return BodyCheck(
        tuple(known), tuple(asks.values()), tuple(unknown), tuple(problems),
        "{{" in rest or "}}" in rest,
    )  # fmt: skip


def variables_in(body: str) -> list[str]:
    """The placeholder names used in ``body``, in order of first use."""
    seen: dict[str, None] = {}
    for match in _PLACEHOLDER.finditer(body):
        seen.setdefault(match.group(1), None)
    return list(seen)


def ask_fields(text: str) -> list[AskField]:
    """The ask-variables of ``text`` (a template, or a rendered one in the composer), in order
    of first appearance, one per label; malformed ones are not fields."""
    return list(check_body(text).asks)


def ask_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, key) of every well-formed ask-variable in ``text`` (to highlight them)."""
    spans = []
    for match in _PLACEHOLDER.finditer(text):
        raw = _ask_label(match.group(1))
        if raw is not None and _ask_problem(raw) is None:
            spans.append((match.start(), match.end(), ask_key(raw)))
    return spans


def unfilled_asks(text: str) -> list[str]:
    """Every ``{{ask:…}}`` still in ``text``, as written (a reply holding one is not sent)."""
    return [m.group(0) for m in _ASK_LOOSE.finditer(text)]


def ask_problem_text(problem: AskProblem, label: str) -> str:
    shown = "{{ask:" + label + "}}"
    if problem is AskProblem.EMPTY:
        return (
            f"{shown} has no label. Write what the agent fills in, e.g. {{{{ask:order number}}}}."
        )
    if problem is AskProblem.BRACES:
        return f"The label of {shown} contains a brace; write it without {{ or }}."
    if problem is AskProblem.UNPRINTABLE:
        return f"The label of {shown} must be one line of ordinary characters."
    return (
        f"The label of {shown} is longer than {MAX_ASK_LABEL} characters; a few words are enough."
    )


def validate_body(body: str, allowed: frozenset[str] | None = None) -> None:
    """Raise :class:`TemplateError` unless every placeholder in ``body`` is a known variable
    or a well-formed ask-variable."""
    names = allowed if allowed is not None else frozenset(VARIABLES)
    if not body.strip():
        raise TemplateError("A template needs a text.")
    if len(body) > MAX_BODY:
        raise TemplateError(f"A template may be at most {MAX_BODY} characters long.")
    check = check_body(body, names)
    if check.ask_problems:
        raise TemplateError(" ".join(ask_problem_text(p, label) for p, label in check.ask_problems))
    if check.unknown:
        known = ", ".join("{{" + n + "}}" for n in sorted(names))
        listed = ", ".join("{{" + n + "}}" for n in check.unknown)
        raise TemplateError(
            f"Unknown variable {listed}. Known variables: {known}."
            " To have the agent fill in a value, write {{ask:" + check.unknown[0] + "}}."
        )
    if check.unbalanced:
        raise TemplateError(
            "The template has an unbalanced '{{' or '}}'. Write variables as {{agent_name}}."
        )


def render(body: str, context: TemplateContext, asks: Mapping[str, str] | None = None) -> str:
    """Fill in the placeholders of a validated template body, in one pass.

    Known variables come from ``context``; an ask-variable from ``asks`` (by :func:`ask_key`,
    values as :func:`clean_value` makes them) when it has a value there, else it stays as
    ``{{ask:label}}`` for the composer to ask for.
    """
    values = context.as_dict()

    def _sub(match: re.Match[str]) -> str:
        name = match.group(1)
        raw = _ask_label(name)
        if raw is not None:
            problem = _ask_problem(raw)
            if problem is not None:
                raise TemplateError(ask_problem_text(problem, raw.strip()))
            value = clean_value((asks or {}).get(ask_key(raw), ""))
            return value if value else "{{ask:" + _label(raw) + "}}"
        if name not in values:
            raise TemplateError(f"Unknown variable {{{{{name}}}}}.")
        return values[name]

    return _PLACEHOLDER.sub(_sub, body)


def fill_asks(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each ask-variable that has a value in ``values`` (by :func:`ask_key`)
    replaced by it, in one pass; the others stay."""

    def _sub(match: re.Match[str]) -> str:
        raw = _ask_label(match.group(1))
        if raw is None or _ask_problem(raw) is not None:
            return match.group(0)
        value = clean_value(values.get(ask_key(raw), ""))
        return value or match.group(0)

    return _PLACEHOLDER.sub(_sub, text)


def clean_value(value: str) -> str:
    """An agent's value as it goes into the reply: one line, spaces normalised."""
    return " ".join(value.split())


def value_problem(value: str) -> str | None:
    """Why a value cannot go into a reply (it would read as a placeholder), or None."""
    if "{{" in value or "}}" in value:
        return "A value cannot contain {{ or }}."
    return None


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
