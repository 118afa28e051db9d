"""Request and response bodies of the HTTP API (they also make ``/openapi.json``)."""

from __future__ import annotations

from itertools import pairwise
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from webcare.domain.media import MAX_ATTACHMENTS
from webcare.domain.models import MutationType, Role
from webcare.domain.priority import MAX_RULES, MAX_WORDS
from webcare.domain.saved_views import MAX_NAME as MAX_VIEW_NAME
from webcare.domain.saved_views import MAX_SEARCH as MAX_VIEW_SEARCH
from webcare.domain.templates import MAX_BODY as MAX_TEMPLATE_BODY
from webcare.domain.templates import MAX_SHORTCUT, MAX_TITLE
from webcare.domain.timeutil import PORTABLE_MAX
from webcare.domain.wire import (
    Availability,
    MediaRecord,
    MentionRecord,
    NoteRecord,
    PresenceRecord,
    SavedViewRecord,
    TemplateRecord,
    UserRecord,
)
from webcare.server.services.claims import MAX_HANDOVER_NOTE
from webcare.server.services.mutations import MAX_BODY as MAX_MUTATION_BODY

MAX_ID = 2**62
ID = Field(ge=1, le=MAX_ID)
#: An id in a URL path: bounded, so a huge number is a 422 and never reaches SQLite.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
OP_ID_PATTERN = r"^[A-Za-z0-9_.-]{8,80}$"
#: A client installation's random id, sent with a sign-in (see ``login_throttle``).
DEVICE_ID_PATTERN = r"^[A-Za-z0-9_-]{16,128}$"
#: The records the server sends are defined once, for both sides, in webcare/domain/wire.py;
#: they are the response models here (pydantic reads TypedDicts).
UserOut = UserRecord
PresenceOut = PresenceRecord
TemplateOut = TemplateRecord
MediaOut = MediaRecord
SavedViewOut = SavedViewRecord


class ErrorOut(BaseModel):
    error: str
    message: str


def nul_in(value: Any, path: str = "") -> str | None:
    """Where in ``value`` (a JSON value) a text holds a NUL character, or ``None``."""
    if isinstance(value, str):
        return (path or "the text") if "\x00" in value else None
    items: Any = ()
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    for key, item in items:
        where = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and "\x00" in key:
            return where
        found = nul_in(item, where)
        if found is not None:
            return found
    return None


class TextIn(BaseModel):
    """A request body none of whose texts holds a NUL character (``\\u0000``): no one types
    one, and they cut C strings short, break exports and confuse terminals. A ``422`` names
    the field. (The outbox rejects such a reply or note on its own, keeping the text.)"""

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        where = nul_in(data)
        if where is not None:
            raise PydanticCustomError(
                "nul_character", "{field} must not contain NUL characters", {"field": where}
            )
        return data


class LoginIn(TextIn):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    client_name: str = Field(default="", max_length=200)
    #: This installation's random id: a device that signed in to the account before is not
    #: throttled by other people's failures. Optional (scripts need not send one).
    device_id: str | None = Field(default=None, pattern=DEVICE_ID_PATTERN)


class LoginOut(BaseModel):
    token: str
    expires_at: str
    user: UserOut


class TemplateParameterIn(BaseModel):
    name: str = Field(min_length=1, max_length=100, pattern=r"^[a-z0-9_]+$")
    text: str = Field(min_length=1, max_length=1024)


class PlatformTemplateIn(BaseModel):
    """An approved platform template (WhatsApp): its name, language and body parameters."""

    name: str = Field(min_length=1, max_length=512, pattern=r"^[a-z0-9_]+$")
    language: str = Field(
        min_length=2, max_length=20, pattern=r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8}){0,2}$"
    )
    parameters: list[TemplateParameterIn] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _distinct(self) -> PlatformTemplateIn:
        names = [p.name for p in self.parameters]
        if len(set(names)) != len(names):
            raise ValueError("each template parameter is given once")
        return self


class MutationIn(BaseModel):
    client_seq: int = Field(ge=1, le=2**62)
    op_id: str = Field(pattern=OP_ID_PATTERN)
    type: MutationType
    mention_id: int = ID
    claim_epoch: int | None = Field(default=None, ge=0, le=2**62)
    body: str | None = Field(default=None, max_length=MAX_MUTATION_BODY)
    template_id: int | None = Field(default=None, ge=1, le=2**62)
    status: Literal["open", "closed", "spam"] | None = None
    tags: list[str] | None = Field(default=None, max_length=50)
    priority: int | None = Field(default=None, ge=0, le=3)
    #: Images uploaded with ``POST /v1/media`` that a reply carries (by their author only).
    media_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = Field(
        default=None, max_length=MAX_ATTACHMENTS
    )
    #: A reply: answer privately (Facebook/Instagram: a private reply to the comment).
    private: bool = False
    #: A reply that is the platform's approved template (WhatsApp outside the 24 h window);
    #: ``body`` is then its text as the customer reads it.
    platform_template: PlatformTemplateIn | None = None
    #: A snooze: the wake time (epoch seconds, the server checks it against its clock) ...
    until: float | None = Field(default=None, ge=0, le=PORTABLE_MAX, allow_inf_nan=False)
    #: ... or until the customer writes again in the thread or conversation.
    until_customer: bool = False
    #: An undo: the ``op_id`` of this account's status, snooze, tag or priority write that
    #: this write (its inverse) takes back; applied only while the mention is as it left it.
    undoes: str | None = Field(default=None, pattern=OP_ID_PATTERN)

    @model_validator(mode="after")
    def _fields_for_type(self) -> MutationIn:
        needed = {
            MutationType.REPLY: ("body", "claim_epoch"),
            MutationType.NOTE: ("body",),
            MutationType.SET_STATUS: ("status",),
            MutationType.SET_TAGS: ("tags",),
            MutationType.SET_PRIORITY: ("priority",),
            MutationType.SNOOZE: (),
            MutationType.UNSNOOZE: (),
        }[self.type]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.type.value} needs {', '.join(missing)}")
        if self.tags is not None and any(len(t) > 100 for t in self.tags):
            raise ValueError("tags are at most 100 characters")
        if self.media_ids and self.type is not MutationType.REPLY:
            raise ValueError("only a reply can carry media_ids")
        if self.type is MutationType.SNOOZE and (self.until is None) == (not self.until_customer):
            raise ValueError("a snooze needs either until (a time) or until_customer: true")
        if self.undoes is not None and self.type in (MutationType.REPLY, MutationType.NOTE):
            raise ValueError("a reply or a note cannot undo a write")
        if self.type is not MutationType.SNOOZE and (self.until is not None or self.until_customer):
            raise ValueError("only a snooze has until or until_customer")
        return self


class MutationBatchIn(BaseModel):
    client_id: str = Field(pattern=OP_ID_PATTERN)
    mutations: list[MutationIn] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _contiguous(self) -> MutationBatchIn:
        seqs = [m.client_seq for m in self.mutations]
        if any(b != a + 1 for a, b in pairwise(seqs)):
            raise ValueError("client_seq must increase by one within a batch")
        if len({m.op_id for m in self.mutations}) != len(self.mutations):
            raise ValueError("op_id must be unique within a batch")
        return self


class MutationResultOut(BaseModel):
    client_seq: int
    op_id: str
    type: str
    outcome: Literal["accepted", "rejected"]
    reason: str | None
    message: str
    entity: str | None
    entity_id: str | None
    mention_id: int
    body: str | None = None
    replayed: bool = False


class MutationBatchOut(BaseModel):
    results: list[MutationResultOut]
    last_seq: int


class MutationBatchErrorOut(ErrorOut):
    """A batch that stopped: ``results`` are the writes applied before it (in order)."""

    results: list[MutationResultOut] = []
    last_seq: int | None = None


class ClientStateOut(BaseModel):
    client_id: str
    last_seq: int


class ClaimOut(BaseModel):
    result: Literal["granted", "renewed", "not_holder"]
    mention: dict[str, Any]


class AssignIn(TextIn):
    agent_id: int = ID


class ContactMergeIn(TextIn):
    """Merge the contact of the path into ``into`` (the same person)."""

    into: int = ID


class ContactDismissIn(TextIn):
    """Stop suggesting these two contacts as one person."""

    contact_id: int = ID
    other_id: int = ID


class HandoverIn(TextIn):
    """Pass a mention you hold to a colleague, with a note for them (plain text)."""

    to_user_id: int = ID
    note: str = Field(default="", max_length=MAX_HANDOVER_NOTE)
    #: the client's id for this request: the same id again (an answer that was lost) answers
    #: what was done instead of failing or doing it twice
    op_id: str | None = Field(default=None, pattern=OP_ID_PATTERN)


class HandoverOut(BaseModel):
    result: Literal["handed_over"]
    replayed: bool
    mention: MentionRecord
    note: NoteRecord


class TemplateIn(TextIn):
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    body: str = Field(min_length=1, max_length=MAX_TEMPLATE_BODY)
    language: Literal["nl", "en"] = "nl"
    shortcut: str = Field(default="", max_length=MAX_SHORTCUT)
    tags: list[str] = Field(default_factory=list, max_length=20)


class SavedViewIn(TextIn):
    """A saved view to create; the server checks the rest (``SavedViewFields``: unknown base
    view or sort, a search it cannot read) and answers ``422`` with the reason."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=MAX_VIEW_NAME * 4)
    base: str = Field(default="unclaimed", max_length=40)
    search: str = Field(default="", max_length=MAX_VIEW_SEARCH * 4)
    status: str = Field(default="", max_length=40)
    channel_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    min_priority: int | None = Field(default=None, ge=0, le=3, strict=True)
    sort: str = Field(default="newest", max_length=40)
    published: bool = False


class SavedViewPatchIn(TextIn):
    """A change to a saved view: a field left out stays as it is."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=MAX_VIEW_NAME * 4)
    base: str | None = Field(default=None, max_length=40)
    search: str | None = Field(default=None, max_length=MAX_VIEW_SEARCH * 4)
    status: str | None = Field(default=None, max_length=40)
    channel_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    min_priority: int | None = Field(default=None, ge=0, le=3, strict=True)
    sort: str | None = Field(default=None, max_length=40)
    published: bool | None = None


class UserCreateIn(TextIn):
    username: str = Field(min_length=1, max_length=64)
    display_name: str = Field(min_length=1, max_length=100)
    signature: str = Field(default="", max_length=40)
    role: Role = Role.AGENT
    password: str = Field(min_length=8, max_length=1024)


class KeywordRuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    words: list[Annotated[str, Field(max_length=60)]] = Field(max_length=MAX_WORDS)
    priority: int = Field(default=2, ge=0, le=3, strict=True)
    tag: str = Field(default="", max_length=40)


class PriorityRulesIn(TextIn):
    """What makes a new mention more urgent (``"opzeg*"``: a word and everything after it)."""

    model_config = ConfigDict(extra="forbid")

    influencer_followers: int | None = Field(default=None, ge=1, le=2**62, strict=True)
    influencer_priority: int = Field(default=2, ge=0, le=3, strict=True)
    keywords: list[KeywordRuleIn] = Field(default_factory=list, max_length=MAX_RULES)
    negative_words: list[Annotated[str, Field(max_length=60)]] = Field(
        default_factory=list, max_length=MAX_WORDS
    )
    negative_priority: int = Field(default=2, ge=0, le=3, strict=True)


class UserPatchIn(TextIn):
    display_name: str | None = Field(default=None, min_length=1, max_length=100)
    signature: str | None = Field(default=None, max_length=40)
    role: Role | None = None
    disabled: bool | None = None
    password: str | None = Field(default=None, min_length=8, max_length=1024)


class MePatchIn(BaseModel):
    """What anyone may change about their own account; role, password and the rest are not
    here (an unknown field is a 422, not silently ignored)."""

    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(default=None, min_length=1, max_length=100)
    signature: str | None = Field(default=None, max_length=40)
    availability: Availability | None = None


class ChangeOut(BaseModel):
    seq: int
    entity: Literal["mention", "contact", "reply", "note", "template", "user", "channel", "view"]
    id: str
    op: Literal["upsert", "delete"]
    data: dict[str, Any] | None


class ChangesOut(BaseModel):
    db_id: str
    changes: list[ChangeOut]
    cursor: int
    has_more: bool
    head: int


class BootstrapOut(BaseModel):
    db_id: str
    cursor: int
    server_time: str | None
    lease_s: float
    me: UserOut
    users: list[UserOut]
    channels: list[dict[str, Any]]
    templates: list[TemplateOut]
    views: list[SavedViewOut]
    counts: dict[str, int]


class BootstrapPageOut(BaseModel):
    items: list[dict[str, Any]]
    next_after: int | None


class HealthOut(BaseModel):
    status: Literal["ok"]
    version: str
    db_id: str
