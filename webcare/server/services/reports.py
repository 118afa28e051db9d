"""Load what the lead's reports need from the server database."""

from __future__ import annotations

import dataclasses
from typing import Any

from webcare.domain.timeutil import iso
from webcare.reports import response_times as rt
from webcare.reports.response_times import GroupBy, MentionTiming, Report, SlaTargets
from webcare.server.services import settings
from webcare.server.services.contacts import CANONICAL_CONTACT_SQL
from webcare.storage.db import Database

# the person (a merged contact counts as the contact it was merged into): CANONICAL_CONTACT_SQL
_SQL = f"""
SELECT m.id, ch.name AS channel, ch.brand, m.received_at, m.created_at, m.priority, m.status,
       m.closed_at, r.accepted_at, r.posted_at, r.agent_id, u.display_name, u.brand AS agent_brand,
       c.handle, {CANONICAL_CONTACT_SQL} AS person
FROM mentions m
JOIN channels ch ON ch.id = m.channel_id
LEFT JOIN contacts c ON c.id = m.contact_id
LEFT JOIN replies r ON r.id = (
    SELECT r2.id FROM replies r2 WHERE r2.mention_id = m.id AND r2.automatic = 0
    ORDER BY r2.accepted_at, r2.id LIMIT 1
)
LEFT JOIN users u ON u.id = r.agent_id
WHERE m.received_at >= ? AND m.received_at < ?
"""  # noqa: S608 - only our own constant is interpolated


def load_timings(
    db: Database, *, since: float | None, until: float | None, channel_id: int | None = None
) -> list[MentionTiming]:
    sql = _SQL
    args: list[object] = [since if since is not None else float("-inf"),
                          until if until is not None else float("inf")]  # fmt: skip
    if channel_id is not None:
        sql += " AND m.channel_id = ?"
        args.append(channel_id)
    with db.read() as conn:
        rows = conn.execute(sql, args).fetchall()
    out = []
    for row in rows:
        agent = row["display_name"]
        if agent is not None and row["agent_brand"] and agent != row["agent_brand"]:
            agent = f"{agent} ({row['agent_brand']})"
        out.append(
            MentionTiming(
                mention_id=row["id"],
                channel=row["channel"],
                brand=row["brand"],
                received_at=row["received_at"],
                created_at=row["created_at"],
                priority=row["priority"],
                status=row["status"],
                first_reply_at=row["accepted_at"],
                first_reply_posted_at=row["posted_at"],
                agent_id=row["agent_id"],
                agent_name=agent,
                closed_at=row["closed_at"],
                author=row["handle"],
                contact_id=row["person"],
            )
        )
    return out


def options(
    db: Database, *, business: bool = False, sla_s: float | None = None
) -> rt.ReportOptions:
    with db.read() as conn:
        opts = settings.report_options(conn, business=business)
    if sla_s is not None:
        opts = dataclasses.replace(opts, targets=SlaTargets.uniform(sla_s))
    return opts


def response_times(
    db: Database,
    *,
    by: GroupBy,
    now: float,
    since: float | None = None,
    until: float | None = None,
    channel_id: int | None = None,
    business: bool = False,
    sla_s: float | None = None,
) -> Report:
    return rt.compute(
        load_timings(db, since=since, until=until, channel_id=channel_id),
        by=by,
        now=now,
        options=options(db, business=business, sla_s=sla_s),
    )


def volume(db: Database, *, since: float | None, until: float | None) -> dict[str, Any]:
    opts = options(db)
    grid = rt.volume(load_timings(db, since=since, until=until), opts)
    return {"timezone": opts.hours.timezone, "weekdays": list(rt.WEEKDAYS), "counts": grid}


def backlog(db: Database, *, since: float, until: float, step: str) -> dict[str, Any]:
    """Mentions waiting for us at the end of each hour or day of the range."""
    opts = options(db)
    points = rt.bucket_ends(since, until, step, opts)
    # everything received before the range end matters: old mentions may still be waiting
    series = rt.backlog(load_timings(db, since=None, until=until), points)
    return {
        "timezone": opts.hours.timezone,
        "step": step,
        "points": [{"at": iso(at), "waiting": n} for at, n in series],
    }


def workload(db: Database, now: float) -> list[dict[str, Any]]:
    """Who holds which claims right now, and for how long; every agent who can sign in."""
    with db.read() as conn:
        agents = conn.execute(
            "SELECT id, display_name, role, availability FROM users WHERE disabled = 0"
            " AND password_hash IS NOT NULL ORDER BY display_name COLLATE NOCASE"
        ).fetchall()
        claims = conn.execute(
            "SELECT m.id, m.claim_agent_id, m.claimed_at, m.lease_expires_at, m.status,"
            " m.text, c.handle FROM mentions m LEFT JOIN contacts c ON c.id = m.contact_id"
            " WHERE m.claim_agent_id IS NOT NULL AND m.lease_expires_at > ?"
            " AND m.status NOT IN ('closed', 'spam') ORDER BY m.claimed_at",
            (now,),
        ).fetchall()
    held: dict[int, list[dict[str, Any]]] = {}
    for c in claims:
        held.setdefault(c["claim_agent_id"], []).append(
            {
                "mention_id": c["id"],
                "author": c["handle"],
                "text": c["text"][:200],
                "status": c["status"],
                "held_for_s": round(now - c["claimed_at"], 1) if c["claimed_at"] else None,
                "lease_remaining_s": round(c["lease_expires_at"] - now, 1),
            }
        )
    return [
        {
            "agent_id": a["id"],
            "name": a["display_name"],
            "role": a["role"],
            "availability": a["availability"],
            "claims": held.get(a["id"], []),
            "count": len(held.get(a["id"], [])),
            "longest_s": max((c["held_for_s"] or 0 for c in held.get(a["id"], [])), default=0),
        }
        for a in agents
    ]


def template_usage(
    db: Database, *, since: float | None, until: float | None
) -> list[dict[str, Any]]:
    """How often each template was used in replies, in total and per agent."""
    lo = since if since is not None else float("-inf")
    hi = until if until is not None else float("inf")
    with db.read() as conn:
        templates = conn.execute(
            "SELECT id, title, language, archived FROM templates ORDER BY title COLLATE NOCASE"
        ).fetchall()
        uses = conn.execute(
            "SELECT r.template_id, u.display_name, count(*) AS n FROM replies r"
            " JOIN users u ON u.id = r.agent_id WHERE r.template_id IS NOT NULL"
            " AND r.accepted_at >= ? AND r.accepted_at < ? GROUP BY r.template_id, u.id",
            (lo, hi),
        ).fetchall()
    by_template: dict[int, dict[str, int]] = {}
    for u in uses:
        by_template.setdefault(u["template_id"], {})[u["display_name"]] = u["n"]
    rows = [
        {
            "template_id": t["id"],
            "title": t["title"],
            "language": t["language"],
            "archived": bool(t["archived"]),
            "total": sum(by_template.get(t["id"], {}).values()),
            "by_agent": by_template.get(t["id"], {}),
        }
        for t in templates
    ]
    return sorted(rows, key=lambda r: (-int(r["total"]), str(r["title"]).lower()))
