from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import TestServer, running_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[TestServer]:
    with running_server(tmp_path) as srv:
        yield srv
