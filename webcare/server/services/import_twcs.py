"""``webcare import twcs|csv``: read a file into connector batches, store each batch as history.

Every row that cannot be imported comes back in ``IngestStats.problems`` with its reason, also
when nothing at all could be stored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from webcare.channels import twcs
from webcare.channels.base import Batch, ChannelInfo
from webcare.channels.csvfile import CsvConnector
from webcare.server.services.ingest import IngestStats, ingest
from webcare.storage.db import Database, chunks, marks

#: With ``shift_to_now`` the file's newest post is this many seconds old after the shift.
SHIFT_LAG_S = 120.0


def import_batches(
    db: Database,
    batches: Iterable[Batch],
    *,
    now: float,
    problems: Iterable[str] = (),
    shift_to_now: bool = False,
) -> IngestStats:
    """Store each batch in its own transaction; ``problems`` are the rows read but not kept.

    ``shift_to_now`` moves every time of the data by one offset so that its newest post is
    ``SHIFT_LAG_S`` old: a sample then shows live waiting times, its spacing unchanged.
    """
    batches = list(batches)
    if shift_to_now:
        batches = shifted(batches, now - SHIFT_LAG_S)
    total = IngestStats(problems=list(problems))
    for batch in batches:
        total.add(ingest(db, batch, now, history=True))
    return total


def shifted(batches: list[Batch], newest: float) -> list[Batch]:
    """The batches with every post time moved by the offset that makes the newest ``newest``."""
    times = [m.created_at for b in batches for m in b.mentions]
    times += [r.created_at for b in batches for r in b.replies]
    if not times:
        return batches
    offset = newest - max(times)
    return [
        dataclasses.replace(
            b,
            mentions=[dataclasses.replace(m, created_at=m.created_at + offset) for m in b.mentions],
            replies=[dataclasses.replace(r, created_at=r.created_at + offset) for r in b.replies],
        )
        for b in batches
    ]


def known_twitter(db: Database, tweets: list[twcs.Tweet]) -> twcs.Known:
    """The Twitter channels the database holds, and which of them holds each stored tweet that
    the file's customer tweets answer or are answered by."""
    in_file = {t.tweet_id for t in tweets}
    wanted = sorted(
        {
            ref
            for t in tweets
            if t.inbound
            for ref in (t.in_response_to, *t.responses)
            if ref and ref not in in_file
        }
    )
    channels: dict[str, ChannelInfo] = {}
    by_id: dict[int, str] = {}
    posts: dict[str, str] = {}
    with db.read() as conn:
        for r in conn.execute(
            "SELECT id, kind, name, brand, handle, char_limit FROM channels WHERE kind = 'twitter'"
            " ORDER BY id"
        ):
            info = ChannelInfo(r["kind"], r["name"], r["brand"], r["handle"], r["char_limit"])
            key = twcs.screen_name(info)
            channels.setdefault(key, info)
            by_id[r["id"]] = key
        ids = list(by_id)
        for part in chunks(wanted if ids else []):
            found = conn.execute(
                f"SELECT source_id, channel_id FROM mentions WHERE channel_id IN ({marks(ids)})"  # noqa: S608
                f" AND source_id IN ({marks(part)})",
                [*ids, *part],
            ).fetchall()
            found += conn.execute(
                "SELECT r.source_id, m.channel_id FROM replies r"  # noqa: S608
                f" JOIN mentions m ON m.id = r.mention_id WHERE r.source_id IN ({marks(part)})",
                part,
            ).fetchall()
            for row in found:
                if row["channel_id"] in by_id:
                    posts.setdefault(row["source_id"], by_id[row["channel_id"]])
    return twcs.Known(channels=channels, posts=posts)


def import_file(db: Database, path: Path, *, now: float, shift_to_now: bool = False) -> IngestStats:
    """A twcs file, its brands found in the file and among the channels already stored."""
    batches, problems = twcs.read_file(path, known=lambda tweets: known_twitter(db, tweets))
    return import_batches(db, batches, now=now, problems=problems, shift_to_now=shift_to_now)


def import_csv(db: Database, path: Path, info: ChannelInfo, *, now: float) -> IngestStats:
    """A generic CSV file into one channel (the skipped rows travel in its batch)."""
    return import_batches(db, CsvConnector(path, info, now).fetch(None), now=now)
