"""Contact merge: one person's contacts on several channels (or two handles) as one.

**The model** (ARCHITECTURE.md, "Contact merge"). A merged contact points at the contact it
joined: ``contacts.merged_into``. Mentions keep their own ``contact_id`` (and so their channel
and platform author); the group is "the contact and every contact merged into it". A group is
one level deep: a contact others are merged into is never merged itself, so there are no
chains and no cycles, and the person's canonical id is ``COALESCE(merged_into, id)``
(:data:`CANONICAL_CONTACT_SQL`, :func:`canonical_contact_id`, :func:`group_ids`). A split sets
``merged_into`` back to NULL: both histories are as they were before the merge.

**The rules** of a merge of ``source`` into ``target`` (lead or admin):

* both must exist (``404``); a contact cannot be merged with itself (``422``);
* ``source`` already merged into ``target``: nothing happens (``unchanged``) — a retry;
* ``source`` merged into another contact: ``409`` (split it first);
* ``target`` merged itself: ``409`` naming the contact to merge into instead (no chains);
* ``source`` has contacts merged into it: ``409`` (merge the other way round);

each merge and split is one transaction with its audit entry and a change row for the
contact whose ``merged_into`` changed, so every client's history joins (or parts) at its next
sync. Suggestions (:func:`suggestions`) pair contacts of different groups whose e-mail address
or handle match; a lead may dismiss one, so it is not suggested again.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, Literal

from webcare.domain.errors import ConflictError, NotFoundError, ValidationError
from webcare.server import changes, serialize
from webcare.server.services import audit
from webcare.storage.db import Database, chunks, marks

#: The person a contact row ``c`` belongs to, as SQL: the contact it was merged into, else
#: itself. Use it with ``LEFT JOIN contacts c ON c.id = m.contact_id``; a mention without a
#: contact gives NULL. Reports count distinct people with ``COUNT(DISTINCT ...)`` of it.
CANONICAL_CONTACT_SQL = "COALESCE(c.merged_into, c.id)"

#: a handle text too short or too generic to suggest a merge by
MIN_HANDLE = 3
#: a handle or address shared by more contacts than this is not one person (info@, support)
MAX_BUCKET = 5
#: suggestions listed at most
MAX_SUGGESTIONS = 200

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: platforms whose handles look like e-mail addresses but are not (a fediverse account)
_FEDIVERSE = frozenset({"mastodon"})
#: a platform's own suffix of a handle, left out when comparing handles
_HANDLE_SUFFIX = {"bluesky": ".bsky.social"}


def canonical_contact_id(conn: sqlite3.Connection, contact_id: int | None) -> int | None:
    """The person ``contact_id`` belongs to (its group's contact), or None for no contact."""
    if contact_id is None:
        return None
    row = conn.execute("SELECT merged_into FROM contacts WHERE id = ?", (contact_id,)).fetchone()
    return int(row[0]) if row is not None and row[0] is not None else contact_id


def group_ids(conn: sqlite3.Connection, contact_id: int) -> list[int]:
    """Every contact of the same person as ``contact_id`` (itself included), in id order: the
    mentions of all of them are that person's history (``mentions_contact`` per id)."""
    head = canonical_contact_id(conn, contact_id)
    members = conn.execute(
        "SELECT id FROM contacts WHERE merged_into = ? ORDER BY id", (head,)
    ).fetchall()
    return sorted({int(head or contact_id), *(int(r[0]) for r in members)})


# --- merge and split ------------------------------------------------------------------------


def _contact(conn: sqlite3.Connection, contact_id: int) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM contacts WHERE id = ?", (contact_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"There is no contact with id {contact_id}.")
    return row  # type: ignore[no-any-return]


def _name(row: sqlite3.Row) -> str:
    """How a lead recognises a contact in a message: '@anna (mastodon)'."""
    handle = str(row["handle"])
    shown = handle if "@" in handle[1:] or not handle else "@" + handle.lstrip("@")
    return f"{shown} ({row['platform']})"


def _members(conn: sqlite3.Connection, contact_id: int) -> int:
    return int(
        conn.execute(
            "SELECT count(*) FROM contacts WHERE merged_into = ?", (contact_id,)
        ).fetchone()[0]
    )


def merge(
    db: Database, actor_id: int, source_id: int, target_id: int, now: float
) -> dict[str, Any]:
    """Merge contact ``source_id`` into ``target_id`` (the rules: the module's docstring).

    Returns ``{"result": "merged" | "unchanged", "contact": …, "into": …}``.
    """
    if source_id == target_id:
        raise ValidationError("A contact cannot be merged with itself: choose two contacts.")
    with db.write() as conn:
        source, target = _contact(conn, source_id), _contact(conn, target_id)
        if source["merged_into"] == target_id:
            result: Literal["merged", "unchanged"] = "unchanged"
        else:
            if source["merged_into"] is not None:
                other = _contact(conn, source["merged_into"])
                raise ConflictError(
                    f"{_name(source)} is already merged into {_name(other)}. Split it first to"
                    " merge it elsewhere."
                )
            if target["merged_into"] is not None:
                head = _contact(conn, target["merged_into"])
                raise ConflictError(
                    f"{_name(target)} is itself merged into {_name(head)}: merge into"
                    f" {_name(head)} (contact {head['id']}) instead."
                )
            members = _members(conn, source_id)
            if members:
                raise ConflictError(
                    f"{members} other contact(s) are merged into {_name(source)}: merge"
                    f" {_name(target)} into {_name(source)} instead, or split them first."
                )
            conn.execute(
                "UPDATE contacts SET merged_into = ?, merged_at = ?, merged_by = ?,"
                " updated_at = ? WHERE id = ?",
                (target_id, now, actor_id, now, source_id),
            )
            changes.record(conn, "contact", source_id, now)
            audit.record(
                conn, now, actor_id, "contact.merge", "contact", source_id,
                into=target_id, contact_name=_name(source), into_name=_name(target),
            )  # fmt: skip
            result = "merged"
        return {
            "result": result,
            "contact": serialize.load_one(conn, "contact", source_id, now),
            "into": serialize.load_one(conn, "contact", target_id, now),
        }


def split(db: Database, actor_id: int, contact_id: int, now: float) -> dict[str, Any]:
    """Take ``contact_id`` out of the contact it was merged into: both histories are separate
    again. A contact that is not merged: ``unchanged`` (a retry); one that others are merged
    into: ``409`` (split those)."""
    with db.write() as conn:
        row = _contact(conn, contact_id)
        head_id = row["merged_into"]
        if head_id is None:
            members = _members(conn, contact_id)
            if members:
                raise ConflictError(
                    f"{members} other contact(s) are merged into {_name(row)}: split each of"
                    " them from it."
                )
            result: Literal["split", "unchanged"] = "unchanged"
        else:
            head = _contact(conn, head_id)
            conn.execute(
                "UPDATE contacts SET merged_into = NULL, merged_at = NULL, merged_by = NULL,"
                " updated_at = ? WHERE id = ?",
                (now, contact_id),
            )
            changes.record(conn, "contact", contact_id, now)
            audit.record(
                conn, now, actor_id, "contact.split", "contact", contact_id,
                was_merged_into=head_id, contact_name=_name(row), into_name=_name(head),
            )  # fmt: skip
            result = "split"
        return {
            "result": result,
            "contact": serialize.load_one(conn, "contact", contact_id, now),
            "from": head_id,
        }


# --- the Contacts tab: search, groups, suggestions -------------------------------------------


def _summaries(conn: sqlite3.Connection, rows: Iterable[sqlite3.Row]) -> list[dict[str, Any]]:
    """Contacts as the Contacts tab lists them: the record, its mention count and channels,
    and the group it is in (``members``: the contacts merged into it)."""
    rows = list(rows)
    ids = [int(r["id"]) for r in rows]
    counts: dict[int, int] = {}
    channels: dict[int, set[str]] = defaultdict(set)
    members: dict[int, list[int]] = defaultdict(list)
    for part in chunks(ids):
        sql = f"SELECT m.contact_id, ch.name, count(*) FROM mentions m JOIN channels ch ON ch.id = m.channel_id WHERE m.contact_id IN ({marks(part)}) GROUP BY m.contact_id, ch.name"  # noqa: E501, S608
        for r in conn.execute(sql, part):
            counts[r[0]] = counts.get(r[0], 0) + int(r[2])
            channels[r[0]].add(str(r[1]))
        for r in conn.execute(
            f"SELECT merged_into, id FROM contacts WHERE merged_into IN ({marks(part)})"  # noqa: S608
            " ORDER BY id",
            part,
        ):
            members[r[0]].append(int(r[1]))
    return [
        {
            **serialize.contact(r, 0.0),
            "mentions": counts.get(int(r["id"]), 0),
            "channels": sorted(channels.get(int(r["id"]), ())),
            "members": members.get(int(r["id"]), []),
        }
        for r in rows
    ]


def search(db: Database, query: str, limit: int) -> list[dict[str, Any]]:
    """Contacts whose handle, name or platform id contains ``query`` (case-insensitive), and
    with each found one the rest of its group, so a lead sees whom they would merge."""
    needle = query.strip().lower()
    if not needle:
        return []
    like = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with db.read() as conn:
        found = conn.execute(
            "SELECT * FROM contacts WHERE lower(handle) LIKE ? ESCAPE '\\'"
            " OR lower(COALESCE(name, '')) LIKE ? ESCAPE '\\'"
            " OR lower(platform_user_id) LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?",
            (like, like, like, limit),
        ).fetchall()
        # the rest of each found contact's group: its head and the head's other members
        heads = sorted({int(r["merged_into"] or r["id"]) for r in found})
        seen = {int(r["id"]) for r in found}
        extra: list[sqlite3.Row] = []
        for part in chunks(heads):
            extra += [
                r
                for r in conn.execute(
                    f"SELECT * FROM contacts WHERE id IN ({marks(part)})"  # noqa: S608
                    f" OR merged_into IN ({marks(part)})",
                    [*part, *part],
                )
                if int(r["id"]) not in seen
            ]
        rows = sorted([*found, *extra], key=lambda r: int(r["id"]))
        return _summaries(conn, rows)


def email_of(platform: str, platform_user_id: str, handle: str) -> str | None:
    """A contact's e-mail address, lower-case: the address an e-mail channel's contact writes
    from, or a handle that is an e-mail address on a channel whose handles may be one (a web
    form, a CSV import) — never a fediverse handle (``@anna@mastodon.social`` is no address)."""
    if platform == "email":
        value = platform_user_id.strip().lower()
        return value if _EMAIL.match(value) else None
    if platform in _FEDIVERSE:
        return None
    value = handle.strip().lower()
    return value if _EMAIL.match(value) else None


def handle_key(platform: str, handle: str) -> str | None:
    """The text of a handle as two channels may share it: lower-case, without the leading
    ``@``, a Mastodon handle without its server (``@Anna@mastodon.social`` → ``anna``), a
    Bluesky one without ``.bsky.social``. None for what is no handle to compare: an e-mail
    address (compared as one), a name with spaces, a number (a platform id), or shorter than
    :data:`MIN_HANDLE`."""
    text = handle.strip().lower().lstrip("@")
    if platform in _FEDIVERSE:
        text = text.split("@", 1)[0]
    elif "@" in text:
        return None
    suffix = _HANDLE_SUFFIX.get(platform)
    if suffix and text.endswith(suffix):
        text = text[: -len(suffix)]
    if len(text) < MIN_HANDLE or any(ch.isspace() for ch in text) or text.isdigit():
        return None
    return text


def suggestions(db: Database, limit: int = MAX_SUGGESTIONS) -> list[dict[str, Any]]:
    """Pairs of contacts that may be one person, with the reason: ``email`` (the same e-mail
    address, case-insensitive) or ``handle`` (the same handle text, see :func:`handle_key`).

    Only contacts of different groups are paired (a merged contact stands for its group's
    contact); an address or handle shared by more than :data:`MAX_BUCKET` groups is left out
    (a shared mailbox, a common word), and so are dismissed pairs. Each pair names as
    ``contact`` the one to merge into: the one others are merged into already, else the one
    with more mentions, else the older one.
    """
    with db.read() as conn:
        rows = conn.execute(
            "SELECT id, platform, platform_user_id, handle, merged_into FROM contacts"
        ).fetchall()
        buckets: dict[tuple[str, str], set[int]] = defaultdict(set)
        for r in rows:
            head = int(r["merged_into"] if r["merged_into"] is not None else r["id"])
            address = email_of(r["platform"], r["platform_user_id"], r["handle"])
            if address is not None:
                buckets[("email", address)].add(head)
            key = handle_key(r["platform"], r["handle"])
            if key is not None:
                buckets[("handle", key)].add(head)
        dismissed = {
            (int(r[0]), int(r[1]))
            for r in conn.execute("SELECT low_id, high_id FROM contact_merge_dismissals")
        }
        pairs: dict[tuple[int, int], tuple[str, str]] = {}
        for (reason, value), heads in sorted(buckets.items()):
            if not 2 <= len(heads) <= MAX_BUCKET:
                continue
            ordered = sorted(heads)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    if (a, b) in dismissed:
                        continue
                    if (a, b) not in pairs or reason == "email":  # an address says more
                        pairs[(a, b)] = (reason, value)
        chosen = sorted(pairs.items(), key=lambda kv: (kv[1][0] != "email", kv[0]))[:limit]
        wanted = sorted({i for (a, b), _ in chosen for i in (a, b)})
        loaded: dict[int, dict[str, Any]] = {}
        for part in chunks(wanted):
            found = conn.execute(
                f"SELECT * FROM contacts WHERE id IN ({marks(part)})",  # noqa: S608
                part,
            ).fetchall()
            for s in _summaries(conn, found):
                loaded[int(s["id"])] = s
    out: list[dict[str, Any]] = []
    for (a, b), (reason, value) in chosen:
        first, second = loaded[a], loaded[b]

        def weight(c: dict[str, Any]) -> tuple[int, int, int]:
            return (len(c["members"]), c["mentions"], -int(c["id"]))

        into, other = (first, second) if weight(first) >= weight(second) else (second, first)
        out.append({"reason": reason, "value": value, "contact": into, "other": other})
    return out


def dismiss(db: Database, actor_id: int, contact_id: int, other_id: int, now: float) -> bool:
    """Stop suggesting ``contact_id`` and ``other_id`` as one person. True when it was new (a
    retry changes nothing and writes no second audit entry)."""
    if contact_id == other_id:
        raise ValidationError("Choose two different contacts.")
    low, high = sorted((contact_id, other_id))
    with db.write() as conn:
        first, second = _contact(conn, low), _contact(conn, high)
        done = conn.execute(
            "INSERT OR IGNORE INTO contact_merge_dismissals(low_id, high_id, dismissed_by,"
            " dismissed_at) VALUES (?, ?, ?, ?)",
            (low, high, actor_id, now),
        ).rowcount
        if done:
            audit.record(
                conn, now, actor_id, "contact.dismiss", "contact", low,
                other=high, contact_name=_name(first), other_name=_name(second),
            )  # fmt: skip
    return bool(done)
