"""``webcare import twcs|csv``: mentions from a file, every skipped row reported."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING

from webcare.server.cli.common import database, now

if TYPE_CHECKING:
    from webcare.server.services.ingest import IngestStats

#: Exit status of an import that stored what it could but skipped some rows.
EXIT_SKIPPED = 3
IMPORT_EPILOG = (
    "Exit status: 0 when every row was imported, 3 when some rows were skipped (each is listed"
    " with its line and reason; the other rows were imported), 1 when the file could not be"
    " imported at all."
)


def twcs(args: argparse.Namespace) -> int:
    from webcare.server.services.import_twcs import import_file

    with database(args) as db:
        stats = import_file(db, Path(args.file), now=now(), shift_to_now=args.shift_to_now)
    return _print_import(args, stats)


def csv_file(args: argparse.Namespace) -> int:
    from webcare.channels.base import ChannelInfo
    from webcare.server.services.import_twcs import import_csv

    info = ChannelInfo(
        kind=args.platform, name=args.channel, brand=args.brand or "", handle=args.handle or ""
    )
    with database(args) as db:
        stats = import_csv(db, Path(args.file), info, now=now())
    return _print_import(args, stats)


def _print_import(args: argparse.Namespace, stats: IngestStats) -> int:
    print(
        f"Imported {args.file}: {stats.mentions_new} new mentions ({stats.mentions_known} known),"
        f" {stats.replies_new} new replies ({stats.replies_known} known),"
        f" {stats.agents_new} new agents, {stats.contacts_new} new contacts,"
        f" {stats.channels_new} new channels."
    )
    if not stats.problems:
        return 0
    problems: list[str] = stats.problems
    shown = max(args.show_problems, 0)
    print(f"Skipped {len(problems)} row(s) that could not be imported{':' if shown else '.'}")
    for problem in problems[:shown]:
        print(f"  - {problem}")
    if len(problems) > shown:
        if shown:
            print(f"  ... and {len(problems) - shown} more (--show-problems N lists more).")
        print("Skipped rows by reason:")
        for reason, count in _by_reason(problems):
            print(f"  {count:>7}  {reason}")
    return EXIT_SKIPPED


def _by_reason(problems: list[str]) -> list[tuple[str, int]]:
    """Problems counted by their reason: the text after ``where:``, with its values as "…"."""
    counts: dict[str, int] = {}
    for problem in problems:
        _where, _sep, reason = problem.partition(": ")
        key = re.sub(r"'[^']*'|\"[^\"]*\"|\d+", "…", reason or problem)
        counts[key] = counts.get(key, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
