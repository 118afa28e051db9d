"""Entry point of the PyInstaller bundle (``packaging/webcare.spec``): the ``webcare`` command.

A separate script rather than ``webcare/__main__.py``: PyInstaller puts the script's folder on
the module search path, and ``webcare/`` itself must not become a top-level import location.
"""

from __future__ import annotations

from webcare.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
