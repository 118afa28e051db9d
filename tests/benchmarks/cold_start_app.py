"""The child process of the cold-start benchmark: the real ``webcare`` command, observed.

It runs ``webcare.cli.main([])`` (what the installed ``webcare`` command does) in a home
prepared by :func:`tests.benchmarks.client.prepare_cold_start`: the settings name the server and
account, the token waits in the opt-in file, the store is filled. The only addition is an
observer on the session: when the inbox's queue has its first rows, the window is painted, one
``READY {json}`` line is printed (with wall-clock marks of each step) and the process ends at
once (``os._exit``: stopping a long-polling sync loop is not part of starting).
"""

from __future__ import annotations

import json
import os
import sys
import time

MARKS: dict[str, float] = {"main": time.time()}


def main() -> None:
    from webcare import app as app_module
    from webcare.cli import main as webcare_main

    MARKS["imported"] = time.time()
    original_start = app_module.WebcareApp.start

    def start(self: app_module.WebcareApp) -> None:
        MARKS["app_created"] = time.time()
        self.on_session = observe
        original_start(self)

    def observe(session: app_module.Session) -> None:
        MARKS["window_shown"] = time.time()
        model = session.controller.model

        def ready(_position: object) -> None:
            if model.rowCount() == 0 or model.row_at(0) is None:
                return
            session.window.repaint()
            MARKS["first_rows_painted"] = time.time()
            line = {
                "rows": model.rowCount(),
                "title": session.window.windowTitle(),
                "marks": MARKS,
            }
            print("READY " + json.dumps(line), flush=True)
            os._exit(0)

        model.refreshed.connect(ready)

    app_module.WebcareApp.start = start  # type: ignore[method-assign]  # timed through the real start
    sys.exit(webcare_main([]))


if __name__ == "__main__":
    main()
