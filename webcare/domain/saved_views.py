"""A saved view: a name, a base view, the queue's filters, the search box's words and tokens,
and a sort. The rules both sides check (the server refuses with a ``422``, the client's dialog
says it before sending): what a name may be, which base views and sorts exist, how many."""

from __future__ import annotations

from dataclasses import dataclass

from webcare.domain.errors import ValidationError
from webcare.domain.search_syntax import parse_search

#: the built-in views a saved view starts from (the client's ``View``)
BASE_VIEWS = ("unclaimed", "mine", "all", "answered", "snoozed")
#: the queue's sort orders (the client's ``Sort``)
SORTS = ("newest", "oldest", "priority")
#: the status filter's values ("" is any status)
STATUSES = ("", "open", "claimed", "answered", "closed", "spam")
MAX_NAME = 60
MAX_SEARCH = 300
#: an account's personal views, and the team's published ones (each list stays a glance)
MAX_PERSONAL = 30
MAX_PUBLISHED = 30


@dataclass(frozen=True, slots=True)
class SavedViewFields:
    """What a saved view holds, checked (:meth:`create` raises ``ValidationError``)."""

    name: str
    base: str = "unclaimed"
    search: str = ""
    status: str = ""
    channel_id: int | None = None
    min_priority: int | None = None
    sort: str = "newest"

    @classmethod
    def create(
        cls,
        *,
        name: str,
        base: str = "unclaimed",
        search: str = "",
        status: str = "",
        channel_id: int | None = None,
        min_priority: int | None = None,
        sort: str = "newest",
    ) -> SavedViewFields:
        name = " ".join(name.split())
        if not name:
            raise ValidationError("Give the view a name.")
        if len(name) > MAX_NAME:
            raise ValidationError(f"A view's name is at most {MAX_NAME} characters.")
        if base not in BASE_VIEWS:
            raise ValidationError(
                f"'{base}' is not a view to start from; use one of {', '.join(BASE_VIEWS)}."
            )
        if sort not in SORTS:
            raise ValidationError(f"'{sort}' is not a sort order; use one of {', '.join(SORTS)}.")
        if status not in STATUSES:
            raise ValidationError(
                f"'{status}' is not a status; use one of {', '.join(s for s in STATUSES if s)}."
            )
        if min_priority is not None and not 0 <= min_priority <= 3:
            raise ValidationError("The priority filter is 0 (low) to 3 (urgent).")
        search = " ".join(search.split())
        if len(search) > MAX_SEARCH:
            raise ValidationError(f"A view's search is at most {MAX_SEARCH} characters.")
        problems = parse_search(search).problems
        if problems:
            raise ValidationError("The search cannot be read: " + "; ".join(problems) + ".")
        return cls(name, base, search, status, channel_id, min_priority, sort)
