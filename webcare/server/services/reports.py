"""Load the clock readings of mentions for the response-time report."""

from __future__ import annotations

from webcare.reports.response_times import GroupBy, MentionTiming, Report, compute
from webcare.storage.db import Database

_SQL = """
SELECT m.id, ch.name AS channel, ch.brand, m.received_at, m.created_at, m.priority, m.status,
       m.closed_at, r.accepted_at, r.posted_at, r.agent_id, u.display_name, u.brand AS agent_brand
FROM mentions m
JOIN channels ch ON ch.id = m.channel_id
LEFT JOIN replies r ON r.id = (
    SELECT r2.id FROM replies r2 WHERE r2.mention_id = m.id ORDER BY r2.accepted_at, r2.id LIMIT 1
)
LEFT JOIN users u ON u.id = r.agent_id
WHERE m.received_at >= ? AND m.received_at < ?
"""


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
        if agent is not None and row["agent_brand"]:
            agent = f"{agent} ({row['agent_brand']})" if agent != row["agent_brand"] else agent
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
            )
        )
    return out


def response_times(
    db: Database,
    *,
    by: GroupBy,
    sla_s: float,
    now: float,
    since: float | None = None,
    until: float | None = None,
    channel_id: int | None = None,
) -> Report:
    return compute(
        load_timings(db, since=since, until=until, channel_id=channel_id),
        by=by,
        sla_s=sla_s,
        now=now,
    )
