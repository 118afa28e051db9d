"""``webcare import twcs``: read the file, store each brand's batch."""

from __future__ import annotations

from pathlib import Path

from webcare.channels import twcs
from webcare.server.services.ingest import IngestStats, ingest
from webcare.storage.db import Database


def import_file(db: Database, path: Path, *, now: float) -> IngestStats:
    batches, problems = twcs.read_file(path)
    total = IngestStats(problems=problems)
    for batch in batches:
        total.add(ingest(db, batch, now, history=True))
    return total
