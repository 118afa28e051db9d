"""``webcare report response-times|volume|backlog|template-usage``: the server's reports as
text, or as the same JSON as the server, or as the client's CSV."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from webcare.domain.errors import ValidationError
from webcare.server.cli.common import database, now


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    s = round(seconds)
    sign = "-" if s < 0 else ""
    s = abs(s)
    if s < 60:
        return f"{sign}{s}s"
    if s < 3600:
        return f"{sign}{s // 60}m {s % 60:02d}s"
    if s < 86400:
        return f"{sign}{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{sign}{s // 86400}d {s % 86400 // 3600:02d}h"


def _parse_when(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        dt = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError(
            f"'{text}' is not a date like 2017-10-11 or 2017-10-11T13:00."
        ) from exc
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp()


def _report_range(args: argparse.Namespace) -> tuple[float | None, float | None]:
    return _parse_when(args.since), _parse_when(args.until)


def _emit(args: argparse.Namespace, data: Any, rows: list[Any]) -> bool:
    """Print JSON or CSV when asked; True when done."""
    from webcare.reports.export import to_csv

    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return True
    if args.csv:
        sys.stdout.write(to_csv(rows))
        return True
    return False


def response_times(args: argparse.Namespace) -> int:
    from webcare.reports.export import mention_rows, response_times_rows
    from webcare.reports.response_times import GroupBy
    from webcare.server.services import reports

    since, until = _report_range(args)
    with database(args) as db:
        report = reports.response_times(
            db,
            by=GroupBy(args.by),
            now=now(),
            since=since,
            until=until,
            business=args.business,
            sla_s=args.sla_minutes * 60 if args.sla_minutes else None,
        )
    data = report.as_dict(include_mentions=args.mentions)
    rows = mention_rows(data) if args.mentions else response_times_rows(data)
    if _emit(args, data, rows):
        return 0
    head = f"{args.by:<32} {'mentions':>8} {'answered':>8} {'median':>9} {'p90':>9} {'SLA late':>8}"
    targets = ", ".join(f"{k} {_duration(v)}" for k, v in data["sla_targets_s"].items())
    print(f"First response times by {args.by} ({data['basis']} time; SLA {targets})")
    print(head)
    print("-" * len(head))
    for group in [*data["groups"], data["summary"]]:
        frt = group["first_response"]
        late = group["sla_breaches"] + group["open_breaches"]
        print(
            f"{group['key'][:32]:<32} {group['mentions']:>8} {group['answered']:>8}"
            f" {_duration(frt['median_s']):>9} {_duration(frt['p90_s']):>9} {late:>8}"
        )
    return 0


def volume(args: argparse.Namespace) -> int:
    from webcare.reports.export import volume_rows
    from webcare.server.services import reports

    since, until = _report_range(args)
    with database(args) as db:
        data = reports.volume(db, since=since, until=until)
    rows = volume_rows(data)
    if not _emit(args, data, rows):
        print(f"Mentions per weekday and hour ({data['timezone']})")
        print("     " + "".join(f"{h:>4}" for h in range(24)))
        for row in rows[1:]:
            print(f"{row[0]:<5}" + "".join(f"{n or '.':>4}" for n in row[1:]))
    return 0


def backlog(args: argparse.Namespace) -> int:
    from webcare.reports.export import backlog_rows
    from webcare.server.services import reports

    since, until = _report_range(args)
    end = until if until is not None else now()
    start = since if since is not None else end - 14 * 86400
    with database(args) as db:
        data = reports.backlog(db, since=start, until=end, step=args.step)
    rows = backlog_rows(data)
    if not _emit(args, data, rows):
        print(f"Mentions waiting for a first reply, by {args.step} ({data['timezone']})")
        for at, waiting in rows[1:]:
            print(f"{at}  {waiting:>6}")
    return 0


def template_usage(args: argparse.Namespace) -> int:
    from webcare.reports.export import template_usage_rows
    from webcare.server.services import reports

    since, until = _report_range(args)
    with database(args) as db:
        data = reports.template_usage(db, since=since, until=until)
    if not _emit(args, data, template_usage_rows(data)):
        for t in data:
            agents = ", ".join(f"{a} {n}" for a, n in sorted(t["by_agent"].items()))
            print(f"{t['total']:>6}  {t['title'][:40]:<40} {agents}")
    return 0
