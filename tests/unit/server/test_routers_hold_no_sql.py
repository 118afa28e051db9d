"""The server's SQL lives in its services (ARCHITECTURE.md, "Layers"): a router parses, checks
the role, calls a service and answers; a server command (``webcare/server/cli/``) parses its
options, calls a service and prints.

Read from their source: none runs a statement (``.execute``, ``.executemany``,
``.executescript``), opens a write transaction (``.write()``: one use case = one transaction,
in its service) or holds SQL text. The import-linter contract "Routers hold no SQL" keeps
``sqlite3`` and ``sqlite_utils`` out of them as well.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import webcare.server.cli
import webcare.server.routers

ROUTERS = Path(webcare.server.routers.__file__).parent
COMMANDS = Path(webcare.server.cli.__file__).parent
#: what may not be called there: running SQL, or (``write()`` without arguments: not a file's
#: ``write(text)``) opening the write transaction of a use case
FORBIDDEN_CALLS = {"execute", "executemany", "executescript"}
#: a string that begins like a statement ("SELECT …", "UPDATE … SET"), not prose
SQL_TEXT = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|WITH|CREATE|DROP|PRAGMA)\s")


def offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and (
                node.func.attr in FORBIDDEN_CALLS
                or (node.func.attr == "write" and not node.args and not node.keywords)
            )
        ):
            found.append(f"{path.name}:{node.lineno}: .{node.func.attr}(...)")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SQL_TEXT.match(node.value)
        ):
            found.append(f"{path.name}:{node.lineno}: SQL text {node.value[:40]!r}")
    return found


def test_the_check_sees_sql_in_a_router(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def route(ctx):\n"
        "    with ctx.db.write() as conn:\n"
        '        conn.execute("UPDATE replies SET x = 1")\n'
        '    sql = f"SELECT * FROM {ctx.table}"\n'
        "    ctx.out.write(sql)\n",  # a file's write(text) is no transaction
        encoding="utf-8",
    )
    assert sorted(offences(sample)) == [
        "sample.py:2: .write(...)",
        "sample.py:3: .execute(...)",
        "sample.py:3: SQL text 'UPDATE replies SET x = 1'",
        "sample.py:4: SQL text 'SELECT * FROM '",  # an f-string's text counts too
    ]


def test_no_router_runs_sql() -> None:
    routers = sorted(ROUTERS.glob("*.py"))
    assert len(routers) > 5
    found = [offence for path in routers for offence in offences(path)]
    assert found == [], "move these into webcare/server/services/:\n" + "\n".join(found)


def test_no_server_command_runs_sql() -> None:
    commands = sorted(COMMANDS.glob("*.py"))
    assert len(commands) > 5
    found = [offence for path in commands for offence in offences(path)]
    assert found == [], "move these into webcare/server/services/:\n" + "\n".join(found)
