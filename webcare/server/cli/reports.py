"""``webcare report response-times|volume|backlog|template-usage``: the server's reports as
text, or as the same JSON as the server, or as the client's CSV."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from webcare.domain.errors import ValidationError
from webcare.server.cli.common import database, now

if TYPE_CHECKING:
    from webcare.storage.db import Database

#: computes a report's data from the database and the range (``--since``, ``--until``)
Load = Callable[["Database", float | None, float | None], Any]


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


def _report(
    args: argparse.Namespace,
    load: Load,
    rows_of: Callable[[Any], list[Any]],
    show: Callable[[Any, list[Any]], None],
) -> int:
    """One report command: the range, the data, then JSON, CSV or ``show``'s text."""
    from webcare.reports.export import to_csv

    since, until = _parse_when(args.since), _parse_when(args.until)
    with database(args) as db:
        data = load(db, since, until)
    rows = rows_of(data)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    elif args.csv:
        sys.stdout.write(to_csv(rows))
    else:
        show(data, rows)
    return 0


def response_times(args: argparse.Namespace) -> int:
    from webcare.reports.export import mention_rows, response_times_rows
    from webcare.reports.response_times import GroupBy
    from webcare.server.services import reports

    def load(db: Database, since: float | None, until: float | None) -> Any:
        report = reports.response_times(
            db,
            by=GroupBy(args.by),
            now=now(),
            since=since,
            until=until,
            business=args.business,
            sla_s=args.sla_minutes * 60 if args.sla_minutes else None,
        )
        return report.as_dict(include_mentions=args.mentions)

    def show(data: Any, _rows: list[Any]) -> None:
        head = (
            f"{args.by:<32} {'mentions':>8} {'answered':>8} {'median':>9} {'p90':>9}"
            f" {'SLA late':>8}"
        )
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

    return _report(args, load, mention_rows if args.mentions else response_times_rows, show)


def volume(args: argparse.Namespace) -> int:
    from webcare.reports.export import volume_rows
    from webcare.server.services import reports

    def show(data: Any, rows: list[Any]) -> None:
        print(f"Mentions per weekday and hour ({data['timezone']})")
        print("     " + "".join(f"{h:>4}" for h in range(24)))
        for row in rows[1:]:
            print(f"{row[0]:<5}" + "".join(f"{n or '.':>4}" for n in row[1:]))

    return _report(
        args, lambda db, since, until: reports.volume(db, since=since, until=until),
        volume_rows, show,
    )  # fmt: skip


def backlog(args: argparse.Namespace) -> int:
    from webcare.reports.export import backlog_rows
    from webcare.server.services import reports

    def load(db: Database, since: float | None, until: float | None) -> Any:
        end = until if until is not None else now()
        start = since if since is not None else end - 14 * 86400
        return reports.backlog(db, since=start, until=end, step=args.step)

    def show(data: Any, rows: list[Any]) -> None:
        print(f"Mentions waiting for a first reply, by {args.step} ({data['timezone']})")
        for at, waiting in rows[1:]:
            print(f"{at}  {waiting:>6}")

    return _report(args, load, backlog_rows, show)


def template_usage(args: argparse.Namespace) -> int:
    from webcare.reports.export import template_usage_rows
    from webcare.server.services import reports

    def show(data: Any, _rows: list[Any]) -> None:
        for t in data:
            agents = ", ".join(f"{a} {n}" for a, n in sorted(t["by_agent"].items()))
            print(f"{t['total']:>6}  {t['title'][:40]:<40} {agents}")

    return _report(
        args, lambda db, since, until: reports.template_usage(db, since=since, until=until),
        template_usage_rows, show,
    )  # fmt: skip
