"""First response and resolution times, grouped and summarised; volume and backlog.

Definitions (ARCHITECTURE.md, "Reports"):

* first response = the first accepted (non-automatic) reply minus the time the server received
  the mention. For imported history, the server "received" a mention at its platform time and
  accepted a reply at its platform time, so this is the platform's own response time.
* platform response = the first reply's platform post time (or acceptance, until delivered)
  minus the mention's platform post time: includes any delay before the mention reached us.
* resolution = closed time minus received time, for closed mentions.
* every duration is measured in calendar time, or in business time (only the seconds inside
  the team's opening hours count: SLA clocks pause outside them). Platform response stays
  calendar time: it measures the platform, not the team.
* an SLA breach is a first response slower than the target for the mention's priority; a
  mention still unanswered after its target is an open breach. Spam is not counted.
* days, hours and weekdays are the team's local ones (the business-hours time zone).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from webcare.domain.business_hours import BusinessHours
from webcare.domain.errors import ValidationError
from webcare.domain.models import Priority
from webcare.domain.timeutil import iso
from webcare.reports.stats import Summary


class GroupBy(StrEnum):
    AGENT = "agent"
    BRAND = "brand"
    CHANNEL = "channel"
    DAY = "day"
    HOUR = "hour"
    PRIORITY = "priority"


class Basis(StrEnum):
    CALENDAR = "calendar"
    BUSINESS = "business"


_PRIORITY_NAMES = ("low", "normal", "high", "urgent")


@dataclass(frozen=True, slots=True)
class SlaTargets:
    """First-response targets in seconds, per priority (low, normal, high, urgent)."""

    seconds: tuple[float, float, float, float] = (4 * 3600.0, 3600.0, 1800.0, 900.0)

    @classmethod
    def uniform(cls, seconds: float) -> SlaTargets:
        return cls((seconds, seconds, seconds, seconds))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SlaTargets:
        values = []
        for name, default in zip(_PRIORITY_NAMES, cls().seconds, strict=True):
            raw = data.get(name, default)
            if not isinstance(raw, int | float) or isinstance(raw, bool) or not 0 < raw <= 1e7:
                raise ValidationError(
                    f"The SLA target for {name} must be a number of seconds between 1 and"
                    f" 10,000,000, not {raw!r}."
                )
            values.append(float(raw))
        unknown = set(data) - set(_PRIORITY_NAMES)
        if unknown:
            raise ValidationError(
                f"Unknown priority {', '.join(sorted(unknown))}; use {', '.join(_PRIORITY_NAMES)}."
            )
        return cls((values[0], values[1], values[2], values[3]))

    def to_dict(self) -> dict[str, float]:
        return dict(zip(_PRIORITY_NAMES, self.seconds, strict=True))

    def target(self, priority: int) -> float:
        return self.seconds[max(0, min(3, priority))]


@dataclass(frozen=True, slots=True)
class MentionTiming:
    """One mention's clock readings, as loaded from the server database."""

    mention_id: int
    channel: str
    brand: str
    received_at: float
    created_at: float
    priority: int
    status: str
    first_reply_at: float | None = None
    first_reply_posted_at: float | None = None
    agent_id: int | None = None
    agent_name: str | None = None
    closed_at: float | None = None
    author: str | None = None  # the customer's handle, to recognise the mention by
    #: the person who wrote it: the canonical contact id (a merged contact's group), so a
    #: person on two channels counts once in ``Group.contacts``
    contact_id: int | None = None

    @property
    def waiting_until(self) -> float | None:
        """When the mention stopped waiting for us (first reply or close), if it did."""
        ends = [t for t in (self.first_reply_at, self.closed_at) if t is not None]
        return max(self.received_at, min(ends)) if ends else None


@dataclass(frozen=True)
class ReportOptions:
    """How durations are measured and judged."""

    targets: SlaTargets = field(default_factory=SlaTargets)
    hours: BusinessHours = field(default_factory=BusinessHours.always_open)
    basis: Basis = Basis.CALENDAR

    def measure(self, start: float, end: float) -> float:
        if self.basis is Basis.BUSINESS:
            return self.hours.business_seconds(start, end)
        return end - start

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.hours.timezone)

    def local(self, ts: float) -> datetime:
        return datetime.fromtimestamp(ts, self.zone)


@dataclass(frozen=True, slots=True)
class Measured:
    """A mention with its durations under one set of options."""

    t: MentionTiming
    first_response_s: float | None
    platform_response_s: float | None
    resolution_s: float | None
    target_s: float
    breached: bool

    @classmethod
    def of(cls, t: MentionTiming, options: ReportOptions, now: float) -> Measured:
        frt = prt = res = None
        if t.first_reply_at is not None:
            frt = options.measure(t.received_at, t.first_reply_at)
            prt = (t.first_reply_posted_at or t.first_reply_at) - t.created_at
        if t.closed_at is not None:
            res = options.measure(t.received_at, t.closed_at)
        target = options.targets.target(t.priority)
        if frt is not None:
            breached = frt > target
        else:
            breached = t.status != "closed" and options.measure(t.received_at, now) > target
        return cls(t, frt, prt, res, target, breached)

    def as_dict(self) -> dict[str, Any]:
        t = self.t
        return {
            "mention_id": t.mention_id,
            "author": t.author,
            "channel": t.channel,
            "brand": t.brand,
            "priority": _PRIORITY_NAMES[max(0, min(3, t.priority))],
            "received_at": iso(t.received_at),
            "first_reply_at": iso(t.first_reply_at),
            "agent_id": t.agent_id,
            "agent": t.agent_name,
            "first_response_s": self.first_response_s,
            "platform_response_s": self.platform_response_s,
            "resolution_s": self.resolution_s,
            "sla_target_s": self.target_s,
            "sla_breached": self.breached,
        }


def _priority_label(priority: int) -> str:
    level = Priority(max(0, min(3, priority)))
    return f"{level.value} {level.name.lower()}"


def _group_keys(options: ReportOptions) -> dict[GroupBy, Callable[[MentionTiming], str | None]]:
    return {
        GroupBy.AGENT: lambda t: t.agent_name,
        GroupBy.BRAND: lambda t: t.brand,
        GroupBy.CHANNEL: lambda t: t.channel,
        GroupBy.DAY: lambda t: options.local(t.received_at).strftime("%Y-%m-%d"),
        GroupBy.HOUR: lambda t: f"{options.local(t.received_at).hour:02d}:00",
        GroupBy.PRIORITY: lambda t: _priority_label(t.priority),
    }


@dataclass(frozen=True)
class Group:
    key: str
    mentions: int
    answered: int
    first_response: Summary
    platform_response: Summary
    resolution: Summary
    sla_breaches: int
    open_breaches: int
    contacts: int = 0  # distinct people who wrote (merged contacts once)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "mentions": self.mentions,
            "contacts": self.contacts,
            "answered": self.answered,
            "first_response": self.first_response.as_dict(),
            "platform_response": self.platform_response.as_dict(),
            "resolution": self.resolution.as_dict(),
            "sla_breaches": self.sla_breaches,
            "open_breaches": self.open_breaches,
        }


def _group(key: str, items: list[Measured]) -> Group:
    frt = [m.first_response_s for m in items if m.first_response_s is not None]
    prt = [m.platform_response_s for m in items if m.platform_response_s is not None]
    res = [m.resolution_s for m in items if m.resolution_s is not None]
    answered = [m for m in items if m.first_response_s is not None]
    return Group(
        key=key,
        mentions=len(items),
        answered=len(answered),
        first_response=Summary.of(frt),
        platform_response=Summary.of(prt),
        resolution=Summary.of(res),
        sla_breaches=sum(1 for m in answered if m.breached),
        open_breaches=sum(1 for m in items if m.first_response_s is None and m.breached),
        contacts=len({m.t.contact_id for m in items if m.t.contact_id is not None}),
    )


@dataclass(frozen=True)
class Report:
    by: GroupBy
    options: ReportOptions
    generated_at: float
    summary: Group
    groups: list[Group]
    mentions: list[Measured]

    def as_dict(self, *, include_mentions: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "generated_at": iso(self.generated_at),
            "by": self.by.value,
            "basis": self.options.basis.value,
            "timezone": self.options.hours.timezone,
            "sla_targets_s": self.options.targets.to_dict(),
            "summary": self.summary.as_dict(),
            "groups": [g.as_dict() for g in self.groups],
        }
        if include_mentions:
            out["mentions"] = [m.as_dict() for m in self.mentions]
        return out


def compute(
    timings: Iterable[MentionTiming],
    *,
    by: GroupBy,
    now: float,
    options: ReportOptions | None = None,
) -> Report:
    """Summarise ``timings`` overall and per group (groups sorted by key)."""
    opts = options or ReportOptions()
    measured = [Measured.of(t, opts, now) for t in timings if t.status != "spam"]
    key_of = _group_keys(opts)[by]
    grouped: dict[str, list[Measured]] = defaultdict(list)
    for m in measured:
        key = key_of(m.t)
        if key is not None:
            grouped[key].append(m)
    return Report(
        by=by,
        options=opts,
        generated_at=now,
        summary=_group("all", measured),
        groups=[_group(k, grouped[k]) for k in sorted(grouped)],
        mentions=sorted(measured, key=lambda m: (m.t.received_at, m.t.mention_id)),
    )


# --- volume and backlog ---------------------------------------------------------------------

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def volume(timings: Iterable[MentionTiming], options: ReportOptions) -> list[list[int]]:
    """Mentions received per local weekday (rows, Monday first) and hour (columns)."""
    grid = [[0] * 24 for _ in range(7)]
    for t in timings:
        if t.status == "spam":
            continue
        local = options.local(t.received_at)
        grid[local.weekday()][local.hour] += 1
    return grid


def bucket_ends(start: float, end: float, step: str, options: ReportOptions) -> list[float]:
    """Local bucket boundaries after ``start`` up to and including the first one >= ``end``."""
    if step not in ("hour", "day"):
        raise ValidationError("The backlog step is 'hour' or 'day'.")
    if end <= start:
        return []
    zone = options.zone
    first = datetime.fromtimestamp(start, zone)
    if step == "day":
        point = first.replace(hour=0, minute=0, second=0, microsecond=0)
    else:
        point = first.replace(minute=0, second=0, microsecond=0)
    out: list[float] = []
    limit = 24 * 400 if step == "hour" else 3700
    while len(out) < limit:
        # advance on the wall clock, so a day is a local day even across DST changes
        if step == "day":
            # a day is a local calendar day, also across DST changes
            naive = point.replace(tzinfo=None) + timedelta(days=1)
            point = naive.replace(tzinfo=zone)
        else:
            point = datetime.fromtimestamp(point.timestamp() + 3600, zone)
        ts = point.timestamp()
        if ts > start:
            out.append(ts)
        if ts >= end:
            break
    return out


def backlog(timings: Iterable[MentionTiming], points: list[float]) -> list[tuple[float, int]]:
    """How many mentions were waiting for us (received, not yet answered nor closed) at each
    point in time."""
    arrivals: list[float] = []
    departures: list[float] = []
    for t in timings:
        if t.status == "spam":
            continue
        arrivals.append(t.received_at)
        done = t.waiting_until
        if done is not None:
            departures.append(done)
    arrivals.sort()
    departures.sort()
    return [
        (p, bisect.bisect_right(arrivals, p) - bisect.bisect_right(departures, p)) for p in points
    ]
