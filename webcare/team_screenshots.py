"""``webcare demo --team-screenshots DIR``: every tab of the Team window as a PNG.

The demo server is seeded with the real sample; before the admin (anna) signs in, eva and lars
do a little morning work through the real API (claims, a reply, a resolve, a reassignment) so
the workload and the audit log show what a lead sees on a working day. Then each tab (and each
page of the reports) is opened, waited for until it shows its data, and rendered.
"""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from webcare.domain.templates import ask_fields
from webcare.net.agent_api import ApiClient
from webcare.net.team_api import TeamApi
from webcare.ui.team.contacts_view import ContactsView
from webcare.ui.team.reports_view import ReportsView
from webcare.ui.team.settings_view import SettingsView
from webcare.ui.team.templates_view import TemplatesView

if TYPE_CHECKING:
    from webcare.app import Session

#: (tab, page of the reports or None, file name without the language/theme suffix)
SHOTS: tuple[tuple[str, int | None, str], ...] = (
    ("reports", 0, "team-reports"),
    ("reports", 1, "team-reports-sla"),
    ("reports", 2, "team-reports-volume"),
    ("reports", 3, "team-reports-backlog"),
    ("reports", 4, "team-reports-templates"),
    ("workload", None, "team-workload"),
    ("audit", None, "team-audit"),
    ("contacts", None, "team-contacts"),
    ("templates", None, "team-templates"),
    ("agents", None, "team-agents"),
    ("channels", None, "team-channels"),
    ("settings", None, "team-settings"),
)
SIZE = (1200, 780)


def suffix(language: str | None, theme_name: str | None) -> str:
    """'' for English in the light theme, else '-nl', '-dark' or '-nl-dark'."""
    parts = [p for p in (language if language == "nl" else None,
                         theme_name if theme_name == "dark" else None) if p]  # fmt: skip
    return "".join(f"-{p}" for p in parts)


def morning_work(url: str, password: str) -> None:
    """Eva claims four mentions, answers and resolves one, releases one; Lars hands one of
    hers to himself. All through the API, as the desktop client would."""
    with ApiClient(url) as eva, ApiClient(url) as lars:
        eva.login("eva", password, "demo")
        lars.login("lars", password, "demo")
        rows: list[dict[str, Any]] = eva.bootstrap_page("mentions", 0, 1000)["items"]
        open_ids = [int(r["id"]) for r in rows if r.get("status") == "open"][:4]
        if len(open_ids) < 4:
            return
        epochs = {m: int(eva.claim(m)["mention"]["claim_epoch"]) for m in open_ids}
        first, second, third, fourth = open_ids
        client = f"demo-{uuid.uuid4().hex[:12]}"
        eva.post_mutations(
            client,
            [
                {
                    "client_seq": 1,
                    "op_id": uuid.uuid4().hex,
                    "type": "reply",
                    "mention_id": first,
                    "claim_epoch": epochs[first],
                    "body": "Sorry to hear that! Could you DM us your customer number? ^Eva",
                },
                {
                    "client_seq": 2,
                    "op_id": uuid.uuid4().hex,
                    "type": "set_status",
                    "mention_id": first,
                    "status": "closed",
                },
            ],
        )
        eva.release(second)
        lars_id = int(lars.me()["id"])
        TeamApi(lars).assign(third, lars_id)
        del fourth  # stays with eva: the workload shows a claim held for a while


def stage_settings(view: SettingsView) -> None:
    """An admin halfway through setting up opening hours: what the unsaved summary, the time
    pickers, the holiday list and the rule example look like in use."""
    view.set_day("mon", [["08:00", "22:00"]])
    view.copy_monday_to_weekdays()
    view.set_day("sat", [["10:00", "14:00"], ["15:00", "18:00"]])
    view.set_day("sun", [])
    view.holidays.date.setDate(QDate(QDate.currentDate().year(), 12, 25))
    view.holidays.add_current()
    view.example.setText("Ik wil mijn abonnement opzeggen, echt waardeloos")
    view.example.setCursorPosition(0)


def stage_templates(view: TemplatesView, language: str) -> None:
    """The editor open on a template that asks the agent for values: its check lists them."""
    for row, template in enumerate(view.templates):
        if template["language"] == language and ask_fields(template["body"]):
            view.list.view.selectRow(row)
            return


class TeamScreenshots(QObject):
    """Steps through :data:`SHOTS`: open, wait for the data, render, next; then quits."""

    def __init__(
        self,
        session: Session,
        out_dir: Path,
        name_suffix: str,
        qapp: QApplication,
        timeout_s: float = 90,
    ) -> None:
        super().__init__()
        self.session = session
        self.out_dir = out_dir
        self.suffix = name_suffix
        self.qapp = qapp
        self.deadline = time.monotonic() + timeout_s
        self.todo = list(SHOTS)
        self.loaded: set[str] = set()
        self.staged: set[str] = set()
        self.saved: list[Path] = []
        self.window: QWidget | None = None

    def start(self) -> None:
        controller = self.session.controller
        window = controller.open_team("reports")
        window.resize(*SIZE)
        self.window = window
        for name, view in window.views.items():
            signal = getattr(view, "loaded", None)
            if signal is not None:
                signal.connect(lambda n=name: self.loaded.add(n))
        QTimer.singleShot(0, self.step)

    def step(self) -> None:
        if time.monotonic() > self.deadline:
            print("webcare demo: timed out waiting for the Team window", file=sys.stderr)
            self.qapp.exit(1)
            return
        if not self.todo:
            self.qapp.quit()
            return
        tab, page, name = self.todo[0]
        team = self.session.controller.team_window
        assert team is not None
        view = team.open_tab(tab)
        if isinstance(view, ReportsView) and page is not None:
            view.tabs.setCurrentIndex(page)
        if tab not in self.loaded:
            QTimer.singleShot(100, self.step)
            return
        if isinstance(view, SettingsView) and tab not in self.staged:
            self.staged.add(tab)
            stage_settings(view)
        if isinstance(view, ContactsView) and tab not in self.staged:
            self.staged.add(tab)  # a search too: the contacts a lead would merge by hand
            view.search.setText("sanne")
            view.search_contacts()
            QTimer.singleShot(200, self.step)  # rendered once the search answered
            return
        if isinstance(view, ContactsView) and not view.found:
            QTimer.singleShot(100, self.step)
            return
        if isinstance(view, TemplatesView) and tab not in self.staged:
            self.staged.add(tab)
            stage_templates(view, "nl" if "nl" in self.suffix else "en")
        QTimer.singleShot(400, lambda: self._render(name))  # let charts lay out and paint

    def _render(self, name: str) -> None:
        team = self.session.controller.team_window
        assert team is not None
        self.out_dir.mkdir(parents=True, exist_ok=True)
        path = self.out_dir / f"{name}{self.suffix}.png"
        team.grab().save(str(path))
        self.saved.append(path)
        print(f"Saved {path}", flush=True)
        self.todo.pop(0)
        QTimer.singleShot(0, self.step)
