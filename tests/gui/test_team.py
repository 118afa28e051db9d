"""Leads' and admins' screens through real widgets, a real server and real data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from functools import partial
from pathlib import Path

import shiboken6
from PySide6.QtCharts import QBarCategoryAxis
from PySide6.QtCore import QCoreApplication, QDate, QEvent, QPoint, Qt, QTime
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QTimeEdit,
    QWidget,
)
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.support.gui import OpenClient, make_app, team_view
from tests.support.qt import table_item
from tests.support.sample import SAMPLE, SAMPLE_EXIT
from tests.support.server import PASSWORD, TestServer
from webcare.app import Session, WebcareApp
from webcare.cli import main
from webcare.client_store.records import View
from webcare.domain.models import Role
from webcare.domain.priority import PriorityRules
from webcare.net.agent_api import ApiClient
from webcare.net.team_api import TeamApi
from webcare.reports.export import response_times_rows, to_csv
from webcare.team_screenshots import SHOTS, SIZE
from webcare.ui import i18n
from webcare.ui.models.queue_model import Role as ModelRole
from webcare.ui.team.agents_view import AgentsView
from webcare.ui.team.audit_view import AuditView
from webcare.ui.team.channels_view import ChannelsView
from webcare.ui.team.common import RowsModel, duration, local_time
from webcare.ui.team.reports_view import ReportsView
from webcare.ui.team.settings_view import RulesEditor, SettingsView
from webcare.ui.team.team_window import TeamWindow
from webcare.ui.team.templates_view import TemplatesView
from webcare.ui.team.workload_view import WorkloadView
from webcare.ui.widgets.main_window import MainWindow
from webcare.ui.widgets.preferences import PreferencesDialog


def colours(image: QImage, step: int = 7) -> int:
    seen = set()
    for x in range(0, image.width(), step):
        for y in range(0, image.height(), step):
            seen.add(image.pixel(x, y))
    return len(seen)


def test_menus_follow_the_role(open_client: OpenClient, team: TestServer) -> None:
    team.add_user("anna", Role.ADMIN, name="Anna")
    eva, lars, anna = open_client("eva"), open_client("lars"), open_client("anna")
    assert not any(n.startswith("team_") for n in eva.window.actions_by_name)
    assert sorted(n for n in lars.window.actions_by_name if n.startswith("team_")) == [
        "team_audit", "team_contacts", "team_reports", "team_workload"]  # fmt: skip
    assert len([n for n in anna.window.actions_by_name if n.startswith("team_")]) == 8
    assert eva.window.menuBar().actions()[-1].text().replace("&", "") == "Help"


def test_rows_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = RowsModel()
    model.set_rows(["a", "b"], [[1, "x"], [2.5, None], ["<b>html</b>", 3]])
    qtmodeltester.check(model)
    assert model.index(2, 0).data() == "<b>html</b>"


def test_reports_view_on_the_sample(
    open_client: OpenClient, team: TestServer, qtbot: QtBot, tmp_path: Path
) -> None:
    assert main(["import", "twcs", str(SAMPLE), "--db", str(team.db_path)]) == SAMPLE_EXIT
    session = open_client("lars")
    view = team_view(qtbot, session, "reports")
    assert isinstance(view, ReportsView)
    answers = ("times", "backlog", "volume", "usage")
    qtbot.waitUntil(lambda: all(k in view.data for k in answers), timeout=15_000)
    assert view.summary.text().startswith("49 mentions · 41 answered")
    agents = [view.times.model.value(r, 0) for r in range(view.times.model.rowCount())]
    assert "MM (VirginTrains)" in agents and agents[-1] == "all"
    # the exported CSV is exactly what `webcare report ... --csv` writes
    view.times.export.export_to(tmp_path / "times.csv")
    assert (tmp_path / "times.csv").read_text() == to_csv(response_times_rows(view.data["times"]))
    assert sum(map(sum, view.heatmap.counts)) == 49
    assert (
        view.breaches.model.rowCount()
        == view.data["times"]["summary"]["sla_breaches"]
        + view.data["times"]["summary"]["open_breaches"]
    )
    points = view.data["backlog"]["points"]
    assert view.data["backlog"]["step"] == "hour" and max(p["waiting"] for p in points) > 0
    # every tab renders something, not an empty widget
    view.resize(1100, 700)
    for index in range(view.tabs.count()):
        view.tabs.setCurrentIndex(index)
        image = view.grab().toImage()
        assert colours(image) > 8, view.tabs.tabText(index)
    view.tabs.setCurrentIndex(0)
    view.grab().save(str(tmp_path / "reports.png"))
    assert (tmp_path / "reports.png").stat().st_size > 10_000
    # calendar vs business time: the group-by and basis controls reload
    view.group_by.setCurrentIndex(view.group_by.findData("brand"))
    qtbot.waitUntil(lambda: view.data["times"]["by"] == "brand", timeout=10_000)
    view.basis.setCurrentIndex(1)
    qtbot.waitUntil(lambda: view.data["times"]["basis"] == "business", timeout=10_000)


def test_workload_reassign_and_release(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    (m1, m2) = team.add_mentions(2)
    eva, lars = open_client("eva"), open_client("lars")
    eva.api.claim(m1)
    eva.api.claim(m2)
    view = team_view(qtbot, lars, "workload")
    assert isinstance(view, WorkloadView)
    qtbot.waitUntil(lambda: view.table.model.rowCount() == 2, timeout=10_000)
    assert "Eva: 2" in view.summary.text()
    assert view.table.view.isColumnHidden(1)  # the claim reads as its author, not an id
    assert _cell(view.table.view, 0, 2) == "@jan"
    _double_click(qtbot, view.table.view, 0, 2)  # and opens in the inbox
    qtbot.waitUntil(lambda: lars.controller.current_id == view.table.model.value(0, 1),
                    timeout=10_000)  # fmt: skip
    view.table.view.selectRow(0)
    view.target.setCurrentIndex(view.target.findText("Tom"))
    view.assign_selected()
    qtbot.waitUntil(lambda: "Tom: 1" in view.summary.text(), timeout=10_000)
    row = next(r for r in range(2) if view.table.model.value(r, 0) == "Eva")
    view.table.view.selectRow(row)
    view.release_selected()
    qtbot.waitUntil(lambda: view.table.model.rowCount() == 1, timeout=10_000)
    with team.ctx.db.read() as conn:
        holders = sorted(r[0] for r in conn.execute(
            "SELECT claim_agent_id FROM mentions WHERE claim_agent_id IS NOT NULL"))  # fmt: skip
    assert holders == [team.users["tom"]]


def test_template_manager_edits_and_resolves_a_conflict(
    open_client: OpenClient, team: TestServer, qtbot: QtBot, tmp_path: Path
) -> None:
    team.add_user("anna", Role.ADMIN, name="Anna")
    team.add_user("bert", Role.ADMIN, name="Bert")
    anna, bert = open_client("anna"), open_client("bert")
    view = team_view(qtbot, anna, "templates")
    assert isinstance(view, TemplatesView)
    qtbot.waitUntil(lambda: view.list.model.columnCount() > 0, timeout=10_000)

    view.new_template()
    view.title.setText("DM vragen")
    view.body.setPlainText("Hoi {{klant}}!")
    assert "Unknown variable {{klant}}" in view.problem.text()
    assert not view.save_button.isEnabled()
    view.body.setPlainText("Hoi {{customer_name}}, stuur ons een DM! {{agent_signature}}")
    assert view.preview.text() == "Hoi Jan de Vries, stuur ons een DM! ^Eva"
    view.shortcut.setText("dm")
    view.save()
    qtbot.waitUntil(
        lambda: view.current is not None and view.current.get("version") == 1, timeout=10_000
    )

    # bert edits the same template and saves first
    other = team_view(qtbot, bert, "templates")
    assert isinstance(other, TemplatesView)
    qtbot.waitUntil(lambda: len(other.templates) == 1, timeout=10_000)
    other.list.view.selectRow(0)
    other.body.setPlainText("Bert's tekst {{agent_signature}}")
    other.save()
    qtbot.waitUntil(
        lambda: other.current is not None and other.current["version"] == 2, timeout=10_000
    )

    view.body.setPlainText("Anna's tekst {{agent_signature}}")
    view.save()
    qtbot.waitUntil(view.conflict_note.isVisible, timeout=10_000)
    assert "Bert's tekst" in view.conflict_note.text()
    assert view.body.toPlainText() == "Anna's tekst {{agent_signature}}"  # nothing lost
    view.keep_mine.click()
    qtbot.waitUntil(
        lambda: view.current is not None and view.current["version"] == 3, timeout=10_000
    )
    with team.ctx.db.read() as conn:
        stored = conn.execute("SELECT body FROM templates").fetchone()[0]
    assert stored == "Anna's tekst {{agent_signature}}"

    # duplicate, archive, usage counts column, export and import
    view.duplicate()
    assert view.title.text() == "DM vragen (copy)" and view.shortcut.text() == ""
    view.save()
    qtbot.waitUntil(lambda: len(view.templates) == 2, timeout=10_000)
    view.export_file(tmp_path / "templates.json")
    exported = json.loads((tmp_path / "templates.json").read_text())
    assert {t["title"] for t in exported} == {"DM vragen", "DM vragen (copy)"}
    (tmp_path / "in.json").write_text(json.dumps([
        {"title": "Storing", "body": "Er is een storing, {{customer_name}}.", "language": "nl"},
        {"title": "Kapot", "body": "Hoi {{onbekend}}"},
    ]))  # fmt: skip
    view.import_file(tmp_path / "in.json")
    qtbot.waitUntil(lambda: len(view.templates) == 3, timeout=10_000)
    assert "Imported 1 template(s)" in view.status.text()
    assert "row 2: Unknown variable {{onbekend}}" in view.status.text()
    row = next(i for i, t in enumerate(view.templates) if t["title"] == "Storing")
    view.list.view.selectRow(row)
    view.toggle_archived()
    qtbot.waitUntil(lambda: any(t["archived"] for t in view.templates), timeout=10_000)


def test_agent_manager(open_client: OpenClient, team: TestServer, qtbot: QtBot) -> None:
    team.add_user("anna", Role.ADMIN, name="Anna")
    session = open_client("anna")
    view = team_view(qtbot, session, "agents")
    assert isinstance(view, AgentsView)
    qtbot.waitUntil(lambda: len(view.users) == 4, timeout=10_000)
    view.add_agent()  # first press: an empty form
    view.username.setText("bram")
    view.display_name.setText("Bram")
    view.signature.setText("^Bram")
    view._create("bram-secret-1")
    qtbot.waitUntil(lambda: any(u["username"] == "bram" for u in view.users), timeout=10_000)
    bram_api = team.login("bram", "bram-secret-1")
    view.select_username("bram")
    view.role.setCurrentIndex(view.role.findData("lead"))
    view.save_selected()

    def bram() -> dict[str, object]:
        return next(u for u in view.users if u["username"] == "bram")

    qtbot.waitUntil(lambda: bram()["role"] == "lead", timeout=10_000)
    view.select_username("bram")
    view.toggle_disabled()
    qtbot.waitUntil(lambda: bool(bram()["disabled"]), timeout=10_000)
    assert bram_api.get("/v1/me").status_code == 401  # out at once
    view.select_username("anna")
    assert not view.disable_button.isEnabled()  # cannot lock yourself out


def test_channels_settings_and_audit(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    team.add_user("anna", Role.ADMIN, name="Anna")
    team.add_mentions(1)
    session = open_client("anna")
    channels = team_view(qtbot, session, "channels")
    assert isinstance(channels, ChannelsView)
    qtbot.waitUntil(lambda: len(channels.channels) == 1, timeout=10_000)
    channels.table.view.selectRow(0)
    channels.toggle_selected()
    qtbot.waitUntil(lambda: channels.channels[0]["enabled"] is False, timeout=10_000)

    settings = team_view(qtbot, session, "settings")
    assert isinstance(settings, SettingsView)
    qtbot.waitUntil(lambda: settings.timezone.currentText() == "UTC", timeout=10_000)
    settings.timezone.setCurrentText("Europe/Amsterdam")
    settings.set_day("mon", [["08:00", "22:00"]])
    settings.copy_monday_to_weekdays()
    settings.set_day("sat", [["10:00", "18:00"]])
    settings.targets["urgent"].setValue(10)
    settings.save()
    qtbot.waitUntil(lambda: settings.status.text().startswith("Saved:"), timeout=10_000)
    stored = TeamApi(session.api).settings()
    assert stored["business_hours"]["weekly"]["sat"] == [["10:00", "18:00"]]
    assert stored["sla_targets_s"]["urgent"] == 600

    audit = team_view(qtbot, session, "audit")
    assert isinstance(audit, AuditView)
    qtbot.waitUntil(lambda: len(audit.entries) > 0, timeout=10_000)
    actions = [e["action"] for e in audit.entries]
    assert "settings.sla_targets" in actions and "channel.update" in actions
    audit.entity.setCurrentIndex(audit.entity.findData("channel"))
    qtbot.waitUntil(
        lambda: [e["action"] for e in audit.entries][:1] == ["channel.update"], timeout=10_000
    )
    audit.entity.setCurrentIndex(0)
    qtbot.waitUntil(lambda: audit.actor.findText("Eva") >= 0, timeout=10_000)
    audit.actor.setCurrentIndex(audit.actor.findText("Eva"))  # eva did nothing audited
    qtbot.waitUntil(lambda: audit.entries == [], timeout=10_000)
    audit.actor.setCurrentIndex(audit.actor.findText("Anna"))
    audit.dated.setChecked(True)  # the last 7 days: everything anna did just now
    qtbot.waitUntil(
        lambda: {e["actor_username"] for e in audit.entries} == {"anna"}, timeout=10_000
    )


def test_lead_cannot_reach_admin_tabs(open_client: OpenClient, qtbot: QtBot) -> None:
    session = open_client("lars")
    window = session.controller.open_team("reports")
    qtbot.addWidget(window)
    assert sorted(window.views) == ["audit", "contacts", "reports", "workload"]
    assert window.open_tab("templates") is None


def _sign_in(app: WebcareApp, qtbot: QtBot, server: TestServer, username: str) -> Session:
    """Sign in through the real sign-in dialog, as a person at the desk would."""
    if app.login_dialog is None or not app.login_dialog.isVisible():
        app.show_login()
    dialog = app.login_dialog
    assert dialog is not None
    dialog.server.setText(server.url)
    dialog.username.setText(username)
    dialog.password.setText(PASSWORD)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(
        lambda: app.session is not None and app.session.username == username, timeout=10_000
    )
    assert app.session is not None
    qtbot.waitUntil(lambda: app.session is not None and app.session.controller.bootstrapped,
                    timeout=15_000)  # fmt: skip
    return app.session


def _flush_deletes() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def test_sign_out_closes_every_window_of_the_session(
    qapp: QApplication, qtbot: QtBot, team: TestServer, tmp_path: Path, memory_keyring: object
) -> None:
    (mention,) = team.add_mentions(1)
    team.login("eva", PASSWORD).post(f"/v1/mentions/{mention}/claim")
    app = make_app(qapp, tmp_path, "desk")
    try:
        lars = _sign_in(app, qtbot, team, "lars")
        assert not _password_fields()  # the hidden sign-in dialog does not keep it either
        team_window = lars.controller.open_team("reports")
        views = dict(team_window.views)
        for tab in ("reports", "workload", "audit"):
            team_window.open_tab(tab)
            qtbot.waitUntil(partial(_has_data, views[tab]), timeout=15_000)
        preferences = app.show_preferences()
        lars.controller.show_shortcuts()
        old = [lars.window, team_window, preferences, lars.controller.cheatsheet, *views.values()]
        assert all(w is not None and w.isVisible() for w in old[:4])

        app.sign_out()
        _flush_deletes()
        visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        assert visible == [app.login_dialog], [type(w).__name__ for w in visible]
        # nothing of the old session is left alive, shown or hidden, to hold its data
        assert not any(shiboken6.isValid(w) for w in old)
        leftovers = [w for w in QApplication.allWidgets() if w.window() is not app.login_dialog]
        assert leftovers == [], sorted({type(w).__name__ for w in leftovers})
        assert not _password_fields()
        assert not any(
            isinstance(w, TeamWindow | MainWindow | PreferencesDialog | AuditView | ReportsView)
            for w in QApplication.topLevelWidgets()
        )

        eva = _sign_in(app, qtbot, team, "eva")
        assert not any(n.startswith("team_") for n in eva.window.actions_by_name)
        menus = [a.text().replace("&", "") for a in eva.window.menuBar().actions()]
        assert "Team" not in menus
        _flush_deletes()
        windows = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        assert windows == [eva.window], [type(w).__name__ for w in windows]
    finally:
        app.shutdown()
        _flush_deletes()


def _password_fields() -> list[QLineEdit]:
    return [
        w for w in QApplication.allWidgets() if isinstance(w, QLineEdit) and w.text() == PASSWORD
    ]


def _has_data(view: object) -> bool:
    if isinstance(view, ReportsView):
        return {"times", "backlog", "volume", "usage"} <= view.data.keys()
    if isinstance(view, WorkloadView):
        return view.table.model.rowCount() > 0
    if isinstance(view, AuditView):
        return len(view.entries) > 0
    return False


def _mutations(api: ApiClient, *items: dict[str, object]) -> None:
    batch = [{"client_seq": n, "op_id": uuid.uuid4().hex, **m} for n, m in enumerate(items, 1)]
    results = api.post_mutations(f"test-{uuid.uuid4().hex[:8]}", batch)["results"]
    assert [r["outcome"] for r in results] == ["accepted"] * len(items), results


def _cell(view: QTableView, row: int, column: int) -> str:
    return str(view.model().index(row, column).data())


def _double_click(qtbot: QtBot, view: QTableView, row: int, column: int) -> None:
    rect = view.visualRect(view.model().index(row, column))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_audit_log_reads_as_sentences_with_names_and_opens_the_mention(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    first, second = team.add_mentions(2, author="klant_anja")
    eva = open_client("eva")
    epoch = eva.api.claim(first)["mention"]["claim_epoch"]
    eva.api.claim(second)
    _mutations(
        eva.api,
        {"type": "reply", "mention_id": first, "claim_epoch": epoch, "body": "We kijken mee!"},
        {"type": "set_status", "mention_id": first, "status": "closed"},
    )
    lars = open_client("lars")
    TeamApi(lars.api).assign(second, team.users["tom"])
    view = team_view(qtbot, lars, "audit")
    assert isinstance(view, AuditView)
    qtbot.waitUntil(lambda: any(e["action"] == "claim.assign" for e in view.entries),
                    timeout=10_000)  # fmt: skip
    table = view.table.view
    rows = {view.entries[r]["action"]: r for r in reversed(range(len(view.entries)))}
    status, assign = rows["mention.status"], rows["claim.assign"]
    # local times in the locale's short form, not ISO 8601 with milliseconds
    when = _cell(table, status, 0)
    assert "T" not in when and "Z" not in when and "." not in when.split()[-1]
    assert when == local_time(view.entries[status]["at"])
    # people and mentions by name, details as sentences
    assert _cell(table, status, 1) == "Eva"
    assert _cell(table, status, 2) == "Status changed"
    assert _cell(table, status, 3) == "@klant_anja"
    assert _cell(table, status, 4) == "status answered → closed"
    assert _cell(table, assign, 1) == "Lars"
    assert _cell(table, assign, 4) == "assigned to Tom (was Eva)"
    login = rows["auth.login"]
    assert _cell(table, login, 3) in ("Eva", "Lars")  # an account by its name, not "user 25"
    for row in range(len(view.entries)):
        assert "{" not in _cell(table, row, 4) and '"' not in _cell(table, row, 4)
        assert not _cell(table, row, 3).startswith(("user ", "mention "))
    # the mention's own text is its tooltip (plain text, escaped)
    tip = str(view.table.model.index(status, 3).data(Qt.ItemDataRole.ToolTipRole))
    assert "Help, my internet is down" in tip
    # the action filter offers words, and asks the server for the code
    view.action.setCurrentIndex(view.action.findData("claim.assign"))
    qtbot.waitUntil(lambda: [e["action"] for e in view.entries] == ["claim.assign"],
                    timeout=10_000)  # fmt: skip
    # double-click the mention: the inbox shows it (All, nothing filtered away)
    lars.window.search.setText("something that matches nothing")
    _double_click(qtbot, table, 0, 3)
    qtbot.waitUntil(lambda: lars.controller.current_id == second, timeout=10_000)
    assert lars.window.search.text() == ""
    assert lars.controller.filter.view == View.ALL
    assert lars.window.table.currentIndex().data(ModelRole.MENTION_ID) == second
    qtbot.waitUntil(lambda: lars.controller.detail is not None
                    and lars.controller.detail.id == second, timeout=5000)  # fmt: skip


def test_reports_read_well_with_an_outlier_and_exports_are_confirmed(
    open_client: OpenClient, team: TestServer, qtbot: QtBot, tmp_path: Path
) -> None:
    assert main(["import", "twcs", str(SAMPLE), "--db", str(team.db_path)]) == SAMPLE_EXIT
    eva = open_client("eva")
    with team.ctx.db.read() as conn:
        old = conn.execute(
            "SELECT id FROM mentions m WHERE status = 'open' AND NOT EXISTS"
            " (SELECT 1 FROM replies r WHERE r.mention_id = m.id) ORDER BY received_at LIMIT 1"
        ).fetchone()[0]
        handle = conn.execute(
            "SELECT c.handle FROM mentions m JOIN contacts c ON c.id = m.contact_id"
            " WHERE m.id = ?", (old,)).fetchone()[0]  # fmt: skip
    epoch = eva.api.claim(old)["mention"]["claim_epoch"]  # a 2017 mention answered today
    _mutations(
        eva.api,
        {"type": "set_priority", "mention_id": old, "priority": 3},
        {"type": "reply", "mention_id": old, "claim_epoch": epoch, "body": "Hoi!"},
    )
    lars = open_client("lars")
    window = lars.controller.open_team("reports")
    qtbot.addWidget(window)
    window.resize(1200, 900)
    view = window.views["reports"]
    assert isinstance(view, ReportsView)
    view.group_by.setCurrentIndex(view.group_by.findData("priority"))
    qtbot.waitUntil(lambda: view.data.get("times", {}).get("by") == "priority", timeout=15_000)
    qtbot.waitUntil(lambda: {"backlog", "volume", "usage"} <= view.data.keys(), timeout=15_000)

    # the chart's scale is not flattened by eva's answer after nine years: it is cut off,
    # drawn grey and named under the chart
    (urgent,) = (g for g in view.data["times"]["groups"] if g["key"] == "3 urgent")
    outlier_s = urgent["first_response"]["p90_s"]
    assert outlier_s > 365 * 86400
    axis_top_s = view.times_chart_values.max() * view.times_chart_unit_s
    assert axis_top_s < outlier_s / 100
    assert view.times_note.isVisible()
    assert "above the scale" in view.times_note.text() and "Urgent" in view.times_note.text()
    assert duration(outlier_s) in view.times_note.text()
    axis = view.times_chart.axes(Qt.Orientation.Vertical)[0]
    assert isinstance(axis, QBarCategoryAxis)
    labels = axis.categories()
    assert "Urgent" in labels and not any(label.endswith("…") for label in labels)

    # SLA breaches: local times, names, words, and a double-click opens the mention
    table = view.breaches.view
    row = next(r for r, m in enumerate(view._breached) if m["mention_id"] == old)
    assert _cell(table, row, 0) == handle
    assert _cell(table, row, 1) == "Urgent"
    assert _cell(table, row, 3) == local_time(view._breached[row]["received_at"])
    assert "T" not in _cell(table, row, 3)
    view.tabs.setCurrentIndex(1)
    table.scrollTo(table.model().index(row, 0))
    _double_click(qtbot, table, row, 0)
    qtbot.waitUntil(lambda: lars.controller.current_id == old, timeout=10_000)

    # the heatmap writes its counts in the cells and has a colour legend with the numbers
    heatmap = view.heatmap
    view.tabs.setCurrentIndex(2)
    image = heatmap.grab().toImage()
    busy = [(d, h) for d in range(7) for h in range(24) if heatmap.counts[d][h]]
    quiet = [(d, h) for d in range(7) for h in range(24) if not heatmap.counts[d][h]]
    ratio = image.width() / heatmap.width()

    def inks(day: int, hour: int) -> int:
        r = heatmap._cell(day, hour)
        xs, ys = range(r.left() + 1, r.right()), range(r.top() + 1, r.bottom())
        return len({image.pixel(int(x * ratio), int(y * ratio)) for x in xs for y in ys})

    assert all(inks(d, h) > 2 for d, h in busy)  # a number drawn on the colour
    assert all(inks(d, h) == 1 for d, h in quiet[:20])
    total = sum(map(sum, heatmap.counts))
    assert (
        heatmap.legend_text() == f"{heatmap.peak} mentions in the busiest hour · {total} in total"
    )
    assert heatmap.peak == max(max(r) for r in view.data["volume"]["counts"])

    # every CSV export says where the file went, with a way to open its folder
    target = tmp_path / "breaches.csv"
    view.breaches.export.export_to(target)
    assert target.exists()
    assert window.statusBar().currentMessage() == f"Saved {target}"
    assert window.open_folder.isVisible()
    view.volume_export.export_to(tmp_path / "missing" / "volume.csv")
    assert (
        window.statusBar()
        .currentMessage()
        .startswith(f"Could not save {tmp_path / 'missing' / 'volume.csv'}")
    )
    assert not window.open_folder.isVisible()


def test_settings_form_with_time_pickers_rules_example_and_one_save(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    team.add_user("anna", Role.ADMIN, name="Anna")
    session = open_client("anna")
    view = team_view(qtbot, session, "settings")
    assert isinstance(view, SettingsView)
    qtbot.waitUntil(lambda: bool(view.baseline), timeout=10_000)
    # time pickers, not free text: the default is open around the clock
    assert all(day.all_day.isChecked() for day in view.days.values())
    assert isinstance(view.days["mon"].spans[0].start, QTimeEdit)
    # no holidays yet, and it says so (no example dates that look like real ones)
    assert view.holidays.list.count() == 0 and view.holidays.empty.isVisible()
    assert not view.holidays.list.isVisible()
    assert not view.save_button.isEnabled()  # nothing changed yet

    # Monday 08:00-22:00 with the pickers, copied to the weekdays; Saturday with a break
    monday = view.days["mon"]
    qtbot.mouseClick(monday.all_day, Qt.MouseButton.LeftButton)
    monday.spans[0].start.setTime(QTime(8, 0))
    monday.spans[0].end.setTime(QTime(22, 0))
    qtbot.mouseClick(view.copy_monday, Qt.MouseButton.LeftButton)
    saturday = view.days["sat"]
    qtbot.mouseClick(saturday.all_day, Qt.MouseButton.LeftButton)
    saturday.spans[0].start.setTime(QTime(10, 0))
    saturday.spans[0].end.setTime(QTime(14, 0))
    qtbot.mouseClick(saturday.add, Qt.MouseButton.LeftButton)
    saturday.spans[1].start.setTime(QTime(15, 0))
    saturday.spans[1].end.setTime(QTime(0, 0))  # closing at midnight
    qtbot.mouseClick(view.days["sun"].closed, Qt.MouseButton.LeftButton)
    view.holidays.date.setDate(QDate(2026, 12, 25))
    qtbot.mouseClick(view.holidays.add_button, Qt.MouseButton.LeftButton)
    assert view.holidays.dates() == ["2026-12-25"] and view.holidays.list.isVisible()
    assert view.changes.text() == (
        "Not saved yet: Monday–Friday hours 08:00–22:00, Saturday hours 10:00–14:00 and"
        " 15:00–24:00, Sunday closed, 1 holiday added"
    )

    # a keyword rule in the table, tried on an example with the server's own domain code
    qtbot.mouseClick(view.rules.add_button, Qt.MouseButton.LeftButton)
    row = view.rules.table.rowCount() - 1
    table_item(view.rules.table, row, RulesEditor.WORDS).setText("storing*, outage")
    priority = view.rules.table.cellWidget(row, RulesEditor.PRIORITY)
    assert isinstance(priority, QComboBox)
    priority.setCurrentIndex(priority.findData(3))
    table_item(view.rules.table, row, RulesEditor.TAG).setText("storing")
    qtbot.keyClicks(view.example, "Grote storingen in Utrecht")
    assert view.example_result.text() == (
        "Matches rule 2 (storing*, outage) → priority Urgent · tags storing"
    )
    expected = PriorityRules.from_dict(view.priority_rules_dict()).evaluate(
        "Grote storingen in Utrecht", None
    )
    assert expected == (3, ["storing"])
    highlighted = table_item(view.rules.table, row, RulesEditor.WORDS).background().color()
    assert highlighted.alpha() > 0  # the matching rule lights up

    # one Save: only what changed is sent, and it says what it saved
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.status.text().startswith("Saved:"), timeout=10_000)
    assert view.status.text() == (
        "Saved: Monday–Friday hours 08:00–22:00, Saturday hours 10:00–14:00 and 15:00–24:00,"
        " Sunday closed, 1 holiday added, 1 keyword rule added."
    )
    assert not view.save_button.isEnabled()
    stored = TeamApi(session.api).settings()
    weekly = stored["business_hours"]["weekly"]
    assert weekly["mon"] == weekly["fri"] == [["08:00", "22:00"]]
    assert weekly["sat"] == [["10:00", "14:00"], ["15:00", "24:00"]] and weekly["sun"] == []
    assert stored["business_hours"]["holidays"] == ["2026-12-25"]
    assert {"words": ["storing*", "outage"], "priority": 3, "tag": "storing"} in stored[
        "priority_rules"]["keywords"]  # fmt: skip
    with team.ctx.db.read() as conn:
        actions = [
            r[0] for r in conn.execute("SELECT action FROM audit WHERE action LIKE 'settings.%'")
        ]
    assert sorted(actions) == ["settings.business_hours", "settings.priority_rules"]

    # the domain's checks while editing, next to the field they are about
    monday.spans[0].start.setTime(QTime(22, 0))
    monday.spans[0].end.setTime(QTime(8, 0))
    assert monday.error.isVisible()
    assert monday.error.text() == (
        "Monday: an opening span must end after it starts (22:00–08:00)."
    )
    qtbot.mouseClick(view.discard_button, Qt.MouseButton.LeftButton)
    assert monday.value() == [["08:00", "22:00"]] and not monday.error.isVisible()

    # the server decides: what it refuses is shown next to the field, the rest is saved
    TeamApi(session.api).create_template(
        {"title": "Buiten kantoortijden", "body": "We zijn er om 8 uur!"}
    )
    templates = session.api.templates()
    view.refresh()
    qtbot.waitUntil(lambda: view.ack_template.count() == len(templates) + 1, timeout=10_000)
    view.ack_enabled.setChecked(True)
    view.ack_template.setCurrentIndex(1)
    view.targets["high"].setValue(45)
    chosen = templates[0]
    TeamApi(session.api).set_template_archived(chosen["id"], True, version=chosen["version"])
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(view.ack_error.isVisible, timeout=10_000)
    assert (
        view.ack_error.text() == "Choose an active template for the out-of-hours acknowledgement."
    )
    assert view.status.text() == (
        "Saved: High target 30 min → 45 min. Not saved: out-of-hours reply — Choose an active"
        " template for the out-of-hours acknowledgement."
    )
    assert TeamApi(session.api).settings()["sla_targets_s"]["high"] == 2700
    assert view.save_button.isEnabled()  # the refused change is still there to fix


def test_demo_renders_every_team_tab(tmp_path: Path) -> None:
    """`webcare demo --team-screenshots DIR` (resources/README.md) writes one PNG per tab."""
    run = subprocess.run(
        [sys.executable, "-m", "webcare", "demo", "--language", "nl", "--theme", "light",
         "--team-screenshots", str(tmp_path)],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    expected = {f"{name}-nl.png" for _tab, _page, name in SHOTS}
    assert {p.name for p in tmp_path.glob("*.png")} == expected
    for name in expected:
        image = QImage(str(tmp_path / name))
        assert (image.width(), image.height()) == SIZE
        assert colours(image) > 8, name


def _shown_texts(widget: QWidget) -> list[str]:
    """What the person at the desk can read in ``widget``: the visible labels' texts."""
    return [w.text() for w in widget.findChildren(QLabel) if w.isVisible() and w.text()]


def test_every_team_table_says_when_it_is_empty(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    """A fresh team: no claims, channels, templates or breaches. Each table says so and what
    it will show, instead of an empty grid; a filter that matches nothing says that."""
    team.add_user("anna", Role.ADMIN, name="Anna")
    anna = open_client("anna")
    workload = team_view(qtbot, anna, "workload")
    assert isinstance(workload, WorkloadView)
    qtbot.waitUntil(lambda: workload.table.model.columnCount() > 0, timeout=10_000)
    shown = _shown_texts(workload)
    assert "Nobody is working on a mention right now." in shown
    assert any("who holds which one" in text for text in shown)
    assert not workload.table.view.isVisible()
    assert not workload.release_button.isEnabled() and not workload.assign_button.isEnabled()

    channels = team_view(qtbot, anna, "channels")
    assert isinstance(channels, ChannelsView)
    qtbot.waitUntil(lambda: channels.table.model.columnCount() > 0, timeout=10_000)
    assert "There are no channels yet." in _shown_texts(channels)
    assert not channels.table.view.isVisible()

    templates = team_view(qtbot, anna, "templates")
    assert isinstance(templates, TemplatesView)
    qtbot.waitUntil(lambda: templates.list.model.columnCount() > 0, timeout=10_000)
    assert "There are no templates yet." in _shown_texts(templates)
    assert not templates.list.view.isVisible()

    reports = team_view(qtbot, anna, "reports")
    assert isinstance(reports, ReportsView)
    qtbot.waitUntil(lambda: {"times", "usage"} <= reports.data.keys(), timeout=15_000)
    reports.tabs.setCurrentIndex(1)
    shown = _shown_texts(reports)
    assert "No SLA breaches." in shown
    assert not reports.breaches.view.isVisible() and not reports.breach_hint.isVisible()
    reports.tabs.setCurrentIndex(4)
    assert "There are no templates yet." in _shown_texts(reports)
    assert not reports.usage.view.isVisible()
    reports.preset.setCurrentIndex(reports.preset.findData("7"))
    reports.tabs.setCurrentIndex(1)
    qtbot.waitUntil(
        lambda: "No SLA breaches in this period." in _shown_texts(reports), timeout=10_000
    )

    audit = team_view(qtbot, anna, "audit")
    assert isinstance(audit, AuditView)
    qtbot.waitUntil(lambda: len(audit.entries) > 0, timeout=10_000)
    assert audit.table.view.isVisible()
    qtbot.waitUntil(lambda: audit.actor.findText("Eva") >= 0, timeout=10_000)
    audit.actor.setCurrentIndex(audit.actor.findText("Eva"))  # eva did nothing audited
    qtbot.waitUntil(lambda: "No entries match these filters." in _shown_texts(audit),
                    timeout=10_000)  # fmt: skip
    assert not audit.table.view.isVisible()

    # once there is something, the table is back
    (mention,) = team.add_mentions(1)
    team.login("eva").post(f"/v1/mentions/{mention}/claim")
    window = workload.window()
    assert isinstance(window, TeamWindow)
    window.open_tab("workload")
    workload.refresh()
    qtbot.waitUntil(lambda: workload.table.model.rowCount() == 1, timeout=10_000)
    assert workload.table.view.isVisible()
    assert "Nobody is working on a mention right now." not in _shown_texts(workload)
    assert not workload.release_button.isEnabled()  # nothing selected yet
    workload.table.view.selectRow(0)
    assert workload.release_button.isEnabled() and workload.assign_button.isEnabled()
    with qtbot.waitSignal(workload.loaded, timeout=10_000):
        workload.refresh()  # as the auto-refresh does: the claim stays selected
    assert workload.table.view.currentIndex().row() == 0
    assert workload.release_button.isEnabled()


def test_answered_is_explained_where_it_is_counted(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    """The inbox's Answered view counts mentions answered and still open; the reports' answered
    counts every mention that got a reply. Both say which, where the word is shown."""
    lars = open_client("lars")
    views = lars.window.views
    item = next(views.item(r) for r in range(views.count())
                if views.item(r).data(Qt.ItemDataRole.UserRole) == View.ANSWERED.value)  # fmt: skip
    assert item.toolTip().startswith("Answered and still open: a reply was sent, but nobody")
    assert all(views.item(r).toolTip() for r in range(views.count()))
    status = lars.window.status_filter
    tip = status.itemData(status.findData("answered"), Qt.ItemDataRole.ToolTipRole)
    assert tip == item.toolTip()

    reports = team_view(qtbot, lars, "reports")
    assert isinstance(reports, ReportsView)
    qtbot.waitUntil(lambda: "times" in reports.data, timeout=15_000)
    model = reports.times.model
    column = model.header().index("answered")
    header_tip = str(model.headerData(column, Qt.Orientation.Horizontal,
                                      Qt.ItemDataRole.ToolTipRole))  # fmt: skip
    assert "at least one reply, whether resolved since or still open" in header_tip
    assert "answered" in reports.summary.text()
    assert "whether resolved since or still open" in reports.summary.toolTip()
    late = model.header().index("waiting late")
    assert "Not answered yet" in str(
        model.headerData(late, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    )


def test_a_new_template_is_checked_once_typed_in_or_saved(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    team.add_user("anna", Role.ADMIN, name="Anna")
    anna = open_client("anna")
    view = team_view(qtbot, anna, "templates")
    assert isinstance(view, TemplatesView)
    qtbot.waitUntil(lambda: view.list.model.columnCount() > 0, timeout=10_000)
    # an empty new template is not a mistake: a neutral hint, no red error
    assert view.current is None and view.title.text() == ""
    shown = _shown_texts(view)
    assert "A template needs a title." not in shown
    assert "A new template: give it a title and write its text, then Save." in shown
    assert not view.problem.isVisible()
    # typing the text first does not make it complain about the title not typed yet
    qtbot.keyClicks(view.body, "Hoi {{customer_name}}!")
    assert "A template needs a title." not in _shown_texts(view)
    assert view.preview.text() == "Hoi Jan de Vries!"
    # a mistake in what was typed is shown at once
    qtbot.keyClicks(view.body, " {{klant}}")
    assert "Unknown variable {{klant}}" in view.problem.text() and view.problem.isVisible()
    assert not view.save_button.isEnabled()
    qtbot.keyClick(view.body, Qt.Key.Key_End)
    for _ in " {{klant}}":
        qtbot.keyClick(view.body, Qt.Key.Key_Backspace)
    assert view.body.toPlainText() == "Hoi {{customer_name}}!"
    # Save checks everything: now the missing title is a mistake, and nothing is sent
    assert view.save_button.isEnabled()
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert view.problem.isVisible() and view.problem.text() == "A template needs a title."
    assert not view.hint.isVisible() and not view.save_button.isEnabled()
    qtbot.keyClicks(view.title, "Groet")
    assert view.problem.text() == "" and view.save_button.isEnabled()
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(view.templates) == 1, timeout=10_000)
    assert [t["title"] for t in anna.api.templates()] == ["Groet"]
    # the next new template starts neutral again
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    assert view.hint.isVisible() and not view.problem.isVisible()
    # a title typed and erased again was touched: that is a mistake
    qtbot.keyClicks(view.title, "x")
    qtbot.keyClick(view.title, Qt.Key.Key_Backspace)
    assert view.problem.isVisible() and view.problem.text() == "A template needs a title."


def test_team_form_placeholders_read_as_examples(
    open_client: OpenClient, team: TestServer, qtbot: QtBot, qapp: QApplication
) -> None:
    """An empty signature field must not look filled in: its placeholder is an example."""
    team.add_user("anna", Role.ADMIN, name="Anna")
    anna = open_client("anna")
    agents = team_view(qtbot, anna, "agents")
    assert isinstance(agents, AgentsView)
    qtbot.waitUntil(lambda: len(agents.users) > 0, timeout=10_000)
    qtbot.mouseClick(agents.add_button, Qt.MouseButton.LeftButton)  # the empty form
    assert agents.signature.text() == ""
    assert agents.signature.placeholderText() == "e.g. ^Eva"
    palette = agents.signature.palette()
    assert palette.color(QPalette.ColorRole.PlaceholderText) != palette.color(
        QPalette.ColorRole.Text
    )
    templates = team_view(qtbot, anna, "templates")
    assert isinstance(templates, TemplatesView)
    assert templates.body.placeholderText().startswith("e.g. Hoi {{customer_name}}")
    # every placeholder of the team forms is an example or an instruction, not a value
    window = agents.window()
    edits: list[QLineEdit | QPlainTextEdit] = [
        *window.findChildren(QLineEdit),
        *window.findChildren(QPlainTextEdit),
    ]
    for edit in edits:
        text = edit.placeholderText()
        assert not text or text.startswith("e.g. ") or " " in text, text
    i18n.install_translator(qapp, "nl")
    dutch = AgentsView(anna.runner, TeamApi(anna.api), 0)
    qtbot.addWidget(dutch)
    assert dutch.signature.placeholderText() == "bijv. ^Eva"


def test_imported_brand_accounts_are_kept_apart_from_the_team(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    """The twcs import makes accounts for the signatures of old brand replies; they cannot
    sign in. The Agents tab lists the team, with the imported ones behind a switch, and the
    reassign picker never offers them."""
    assert main(["import", "twcs", str(SAMPLE), "--db", str(team.db_path)]) == SAMPLE_EXIT
    team.add_user("anna", Role.ADMIN, name="Anna")
    with team.ctx.db.read() as conn:
        imported = {r[0] for r in conn.execute(
            "SELECT username FROM users WHERE password_hash IS NULL")}  # fmt: skip
        people = {r[0] for r in conn.execute(
            "SELECT display_name FROM users WHERE password_hash IS NOT NULL")}  # fmt: skip
    assert len(imported) > 10
    anna = open_client("anna")
    view = team_view(qtbot, anna, "agents")
    assert isinstance(view, AgentsView)
    qtbot.waitUntil(lambda: view.table.model.rowCount() > 0, timeout=10_000)
    listed = {view.table.model.value(r, 0) for r in range(view.table.model.rowCount())}
    assert listed == {"anna", "eva", "tom", "lars"}
    assert view.show_imported.isVisible() and not view.show_imported.isChecked()
    assert view.show_imported.text() == (
        f"Show imported accounts ({len(imported)}) — they cannot sign in"
    )
    box = view.show_imported
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(10, box.height() // 2))
    rows = [view.table.model.rows()[r] for r in range(view.table.model.rowCount())]
    assert {r[0] for r in rows} == imported | listed
    assert [r[0] for r in rows[:4]] == ["anna", "eva", "lars", "tom"]  # the team first
    assert {r[4] for r in rows[4:]} == {"imported, cannot sign in"}
    view.select_username(sorted(imported)[0])
    assert view.username.text() == sorted(imported)[0]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(10, box.height() // 2))  # hide
    assert view.selected() is None and view.username.text() == ""

    workload = team_view(qtbot, anna, "workload")
    assert isinstance(workload, WorkloadView)
    qtbot.waitUntil(lambda: workload.target.count() > 0, timeout=10_000)
    offered = {workload.target.itemText(i) for i in range(workload.target.count())}
    assert offered == people
