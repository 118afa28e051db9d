"""Print a Webcare wheel's requirements minus the desktop's (PySide6, keyring), one a line.

The team server never imports Qt (an import-linter contract) nor the keyring (the client's
token store), so a server-only install can leave out PySide6's ~600 MB:

    python server_requirements.py webcare-0.1.0-py3-none-any.whl > requirements.txt
    pip install -r requirements.txt && pip install --no-deps webcare-0.1.0-py3-none-any.whl

Used by ``Containerfile``, checked by ``packaging/check_wheel.py``. Reads the wheel's own
metadata, so the list follows ``pyproject.toml`` without being written down twice.
"""

from __future__ import annotations

import re
import sys
import zipfile
from email.parser import HeaderParser
from pathlib import Path

DESKTOP_ONLY = {"pyside6", "keyring"}


def wheel_requirements(wheel: Path) -> list[str]:
    """``Requires-Dist`` of the wheel (its ``*.dist-info/METADATA``)."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = HeaderParser().parsestr(archive.read(name).decode("utf-8"))
    return metadata.get_all("Requires-Dist") or []


def server_requirements(wheel: Path) -> list[str]:
    wanted = []
    for requirement in wheel_requirements(wheel):
        if "extra ==" in requirement:
            continue  # optional groups (dev, package)
        name = re.split(r"[\s<>=!~;\[(]", requirement, maxsplit=1)[0]
        if name.lower().replace("_", "-") not in DESKTOP_ONLY:
            wanted.append(requirement)
    # zoneinfo needs a time zone database (business hours); slim images have none of their own
    wanted.append("tzdata")
    return wanted


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(f"usage: {sys.argv[0]} WHEEL")
    print("\n".join(server_requirements(Path(sys.argv[1]))))
