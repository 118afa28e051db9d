"""First response and resolution times, grouped and summarised.

Definitions (ARCHITECTURE.md, "Reports"):

* first response = the first accepted reply's time minus the time the server received the
  mention. For imported history, the server "received" a mention at its platform time and
  accepted a reply at its platform time, so this is the platform's own response time.
* platform response = the first reply's platform post time (or acceptance, until delivered)
  minus the mention's platform post time: includes any delay before the mention reached us.
* resolution = closed time minus received time, for closed mentions.
* an SLA breach is a first response slower than the target; a mention still unanswered after
  the target is an open breach. Spam is not counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from webcare.domain.timeutil import iso, utc_day, utc_hour
from webcare.reports.stats import Summary


class GroupBy(StrEnum):
    AGENT = "agent"
    BRAND = "brand"
    CHANNEL = "channel"
    DAY = "day"
    HOUR = "hour"


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

    @property
    def first_response_s(self) -> float | None:
        if self.first_reply_at is None:
            return None
        return self.first_reply_at - self.received_at

    @property
    def platform_response_s(self) -> float | None:
        if self.first_reply_at is None:
            return None
        posted = self.first_reply_posted_at or self.first_reply_at
        return posted - self.created_at

    @property
    def resolution_s(self) -> float | None:
        if self.closed_at is None:
            return None
        return self.closed_at - self.received_at

    def breached(self, sla_s: float, now: float) -> bool:
        frt = self.first_response_s
        if frt is not None:
            return frt > sla_s
        return self.status != "closed" and now - self.received_at > sla_s

    def as_dict(self, sla_s: float, now: float) -> dict[str, Any]:
        return {
            "mention_id": self.mention_id,
            "channel": self.channel,
            "brand": self.brand,
            "received_at": iso(self.received_at),
            "first_reply_at": iso(self.first_reply_at),
            "agent_id": self.agent_id,
            "agent": self.agent_name,
            "first_response_s": self.first_response_s,
            "platform_response_s": self.platform_response_s,
            "resolution_s": self.resolution_s,
            "sla_breached": self.breached(sla_s, now),
        }


_KEYS: dict[GroupBy, Callable[[MentionTiming], str | None]] = {
    GroupBy.AGENT: lambda t: t.agent_name,
    GroupBy.BRAND: lambda t: t.brand,
    GroupBy.CHANNEL: lambda t: t.channel,
    GroupBy.DAY: lambda t: utc_day(t.received_at),
    GroupBy.HOUR: lambda t: f"{utc_hour(t.received_at):02d}:00",
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "mentions": self.mentions,
            "answered": self.answered,
            "first_response": self.first_response.as_dict(),
            "platform_response": self.platform_response.as_dict(),
            "resolution": self.resolution.as_dict(),
            "sla_breaches": self.sla_breaches,
            "open_breaches": self.open_breaches,
        }


def _group(key: str, items: list[MentionTiming], sla_s: float, now: float) -> Group:
    frt = [t.first_response_s for t in items if t.first_response_s is not None]
    prt = [t.platform_response_s for t in items if t.platform_response_s is not None]
    res = [t.resolution_s for t in items if t.resolution_s is not None]
    answered = [t for t in items if t.first_reply_at is not None]
    return Group(
        key=key,
        mentions=len(items),
        answered=len(answered),
        first_response=Summary.of(frt),
        platform_response=Summary.of(prt),
        resolution=Summary.of(res),
        sla_breaches=sum(1 for t in answered if t.breached(sla_s, now)),
        open_breaches=sum(1 for t in items if t.first_reply_at is None and t.breached(sla_s, now)),
    )


@dataclass(frozen=True)
class Report:
    sla_s: float
    by: GroupBy
    generated_at: float
    summary: Group
    groups: list[Group]
    mentions: list[MentionTiming]

    def as_dict(self, *, include_mentions: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "generated_at": iso(self.generated_at),
            "sla_s": self.sla_s,
            "by": self.by.value,
            "summary": self.summary.as_dict(),
            "groups": [g.as_dict() for g in self.groups],
        }
        if include_mentions:
            out["mentions"] = [t.as_dict(self.sla_s, self.generated_at) for t in self.mentions]
        return out


def compute(timings: Iterable[MentionTiming], *, by: GroupBy, sla_s: float, now: float) -> Report:
    """Summarise ``timings`` overall and per group (groups sorted by key)."""
    items = [t for t in timings if t.status != "spam"]
    key_of = _KEYS[by]
    grouped: dict[str, list[MentionTiming]] = defaultdict(list)
    for t in items:
        key = key_of(t)
        if key is not None:
            grouped[key].append(t)
    return Report(
        sla_s=sla_s,
        by=by,
        generated_at=now,
        summary=_group("all", items, sla_s, now),
        groups=[_group(k, grouped[k], sla_s, now) for k in sorted(grouped)],
        mentions=sorted(items, key=lambda t: (t.received_at, t.mention_id)),
    )
