"""GUI fixtures: English texts in every GUI test.

The team server and client-session fixtures (``team``, ``open_client``), ``make_app`` and the
helpers that press keys and pick mentions live in ``tests/support/gui.py`` (shared with
tests/security).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from webcare.ui import i18n


@pytest.fixture(autouse=True)
def _english_ui(qapp: QApplication) -> Iterator[None]:
    """GUI tests read English texts: no translator, whatever the machine's locale."""
    i18n.install_translator(qapp, "en")
    yield
    i18n.install_translator(qapp, "en")
