"""The team window: what a lead or an admin may use, as tabs. Agents never see it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMainWindow, QPushButton, QTabWidget, QWidget

from webcare.net.agent_api import ApiClient
from webcare.net.team_api import TeamApi
from webcare.ui.tasks import TaskRunner
from webcare.ui.team.agents_view import AgentsView
from webcare.ui.team.audit_view import AuditView
from webcare.ui.team.channels_view import ChannelsView
from webcare.ui.team.common import ExportButton
from webcare.ui.team.contacts_view import ContactsView
from webcare.ui.team.reports_view import ReportsView
from webcare.ui.team.settings_view import SettingsView
from webcare.ui.team.templates_view import TemplatesView
from webcare.ui.team.workload_view import WorkloadView

#: tab -> the roles that see it (the server checks the same roles again)
TABS: dict[str, tuple[str, ...]] = {
    "reports": ("lead", "admin"),
    "workload": ("lead", "admin"),
    "audit": ("lead", "admin"),
    "contacts": ("lead", "admin"),
    "templates": ("admin",),
    "agents": ("admin",),
    "channels": ("admin",),
    "settings": ("admin",),
}


def tabs_for(role: str) -> list[str]:
    return [name for name, roles in TABS.items() if role in roles]


class TeamWindow(QMainWindow):
    """One tab per job; the status bar confirms every export with its path ("Open folder").

    ``openMentionRequested`` carries a mention a tab asked to open (an audit entry, an SLA
    breach, a claim): the inbox controller shows it. The tabs call the server through a
    :class:`~webcare.net.team_api.TeamApi` over the inbox's signed-in ``api``.
    """

    openMentionRequested = Signal(int)  # noqa: N815

    def __init__(
        self,
        runner: TaskRunner,
        api: ApiClient,
        role: str,
        me_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Webcare — Team"))
        self.resize(1200, 780)
        self.tabs = QTabWidget(self)
        self.setCentralWidget(self.tabs)
        self.views: dict[str, QWidget] = {}
        self._loaded: set[str] = set()
        team = TeamApi(api)
        factories: dict[str, tuple[str, Callable[[], QWidget]]] = {
            "reports": (self.tr("Reports"), lambda: ReportsView(runner, team, self)),
            "workload": (self.tr("Workload"), lambda: WorkloadView(runner, team, self)),
            "audit": (self.tr("Audit log"), lambda: AuditView(runner, team, self)),
            "contacts": (self.tr("Contacts"), lambda: ContactsView(runner, team, self)),
            "templates": (self.tr("Templates"), lambda: TemplatesView(runner, team, self)),
            "agents": (self.tr("Agents"), lambda: AgentsView(runner, team, me_id, self)),
            "channels": (self.tr("Channels"), lambda: ChannelsView(runner, team, self)),
            "settings": (self.tr("Settings"), lambda: SettingsView(runner, team, self)),
        }
        for name in tabs_for(role):
            title, make = factories[name]
            view = make()
            self.views[name] = view
            self.tabs.addTab(view, title)
        self.tabs.currentChanged.connect(self._load_current)
        for view in self.views.values():
            opener = getattr(view, "openMentionRequested", None)
            if opener is not None:
                opener.connect(self.openMentionRequested)
            exported = getattr(view, "exported", None)
            if exported is not None:
                exported.connect(self.show_exported)
        for button in self.findChildren(ExportButton):
            button.exported.connect(self.show_exported)
            button.failed.connect(self.show_export_failed)
        self.exported_path: Path | None = None
        self.open_folder = QPushButton(self.tr("Open folder"), self)
        self.open_folder.setToolTip(self.tr("Show the exported file's folder"))
        self.open_folder.clicked.connect(self.show_folder)
        self.open_folder.hide()
        self.statusBar().addPermanentWidget(self.open_folder)
        self.statusBar().messageChanged.connect(
            lambda text: self.open_folder.setVisible(bool(text) and self.exported_path is not None)
        )

    def show_exported(self, path: str) -> None:
        """'Saved …/sla-breaches.csv' in the status bar, with a button to open its folder."""
        self.exported_path = Path(path)
        self.statusBar().showMessage(self.tr("Saved {path}").format(path=path))
        self.open_folder.show()

    def show_export_failed(self, message: str) -> None:
        self.exported_path = None
        self.open_folder.hide()
        self.statusBar().showMessage(message)

    def show_folder(self) -> None:
        if self.exported_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.exported_path.parent)))

    def open_tab(self, name: str) -> QWidget | None:
        view = self.views.get(name)
        if view is None:
            return None
        self.tabs.setCurrentWidget(view)
        self._load_current()
        self.show()
        self.raise_()
        self.activateWindow()
        return view

    def _load_current(self) -> None:
        view = self.tabs.currentWidget()
        name = next((n for n, v in self.views.items() if v is view), None)
        if name is not None and name not in self._loaded:
            self._loaded.add(name)
            refresh: Callable[[], None] | None = getattr(view, "refresh", None)
            if refresh is not None:
                refresh()
