"""GUI fixtures: English texts in every GUI test.

The team server and client-session fixtures (``team``, ``open_client``) and ``make_app`` live in
``tests/support/gui.py`` (shared with tests/security); ``OpenClient`` and ``make_app`` are also
importable from here, where GUI test modules have always imported them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from tests.support.gui import OpenClient, make_app
from webcare.ui import i18n

__all__ = ["OpenClient", "make_app"]


@pytest.fixture(autouse=True)
def _english_ui(qapp: QApplication) -> Iterator[None]:
    """GUI tests read English texts: no translator, whatever the machine's locale."""
    i18n.install_translator(qapp, "en")
    yield
    i18n.install_translator(qapp, "en")
