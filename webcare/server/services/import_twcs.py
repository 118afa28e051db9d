"""``webcare import twcs|csv``: read a file through its connector, store each batch as history."""

from __future__ import annotations

from pathlib import Path

from webcare.channels.base import ChannelInfo, Connector
from webcare.channels.csvfile import CsvConnector
from webcare.channels.twcs import TwcsConnector
from webcare.server.services.ingest import IngestStats, ingest
from webcare.storage.db import Database


def import_from(db: Database, connector: Connector, *, now: float) -> IngestStats:
    """Everything the connector fetches, each batch in one transaction."""
    total = IngestStats()
    for batch in connector.fetch(None):
        total.add(ingest(db, batch, now, history=True))
    return total


def import_file(db: Database, path: Path, *, now: float) -> IngestStats:
    return import_from(db, TwcsConnector(path), now=now)


def import_csv(db: Database, path: Path, info: ChannelInfo, *, now: float) -> IngestStats:
    return import_from(db, CsvConnector(path, info, now), now=now)
