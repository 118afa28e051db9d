"""Untrusted text in every view of the client is shown as text, and fetches nothing.

Markup (``<img src=…>`` pointing at a loopback listener, ``<a href>``, ``<style>``), entities,
right-to-left overrides, emoji, a 10 000-character mention and names with markup go through the
real server and the real client: the queue (cells and tooltips), the conversation, the profile
line, the presence line, the status bar, the template picker (list, tooltip, preview) and the
team tabs (workload, audit, reports). What is displayed equals the raw string, or its
documented shortening (``snippet``/``one_line``; tooltips escaped by ``plain_tooltip``); the
listener receives no request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtGuiQt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QWidget
from pytestqt.qtbot import QtBot

from tests.support.gui import OpenClient
from tests.support.server import TestServer
from tests.support.trap import Trap
from webcare.app import Session
from webcare.channels.base import Author, Batch, ChannelInfo, IncomingMention
from webcare.client_store.records import View
from webcare.domain.models import Role
from webcare.server.services import ingest
from webcare.ui.models.queue_model import Col
from webcare.ui.models.queue_model import Role as ModelRole
from webcare.ui.team.audit_view import AuditView
from webcare.ui.team.reports_view import ReportsView
from webcare.ui.team.workload_view import WorkloadView
from webcare.ui.text import one_line, plain_tooltip, relative_time, snippet


def payloads(trap: str) -> list[str]:
    return [
        f'<img src="{trap}/img.png"> <b>bold</b> <a href="{trap}/a">klik</a>'
        f" <style>*{{color:red}}</style> &lt;b&gt;not bold&lt;/b&gt; &amp;"
        " \u202etxet desrever\u202c \u2067RTL\u2069 مرحبا 😀👍🏽",
        f"<html><body background='{trap}/bg.png'><script>alert(1)</script></body></html>",
        "x" * 9_000 + f'<img src="{trap}/late.png">' + "y" * 960,  # 10 000 characters
    ]


def _labels_are_plain(root: QWidget) -> None:
    """No label under ``root`` would interpret its text as markup."""
    for label in root.findChildren(QLabel):
        text = label.text()
        plain = label.textFormat() == Qt.TextFormat.PlainText
        assert plain or not QtGuiQt.mightBeRichText(text), (label.objectName(), text[:120])


def _carries_raw(shown: str, raw_values: set[str]) -> bool:
    """The cell is a raw value, its documented shortening, or JSON holding it (audit detail)."""
    if any(shown in raw or shown == one_line(raw, 80) for raw in raw_values):
        return True
    try:
        data = json.loads(shown)
    except ValueError:
        return False
    return isinstance(data, dict) and any(value in raw_values for value in data.values())


def _views_show_raw(root: QWidget, raw_values: set[str]) -> int:
    """Every item view cell that holds markup shows it unchanged; returns how many."""
    seen = 0
    for view in root.findChildren(QAbstractItemView):
        model = view.model()
        for row in range(model.rowCount()):
            for col in range(model.columnCount()):
                shown = model.index(row, col).data(Qt.ItemDataRole.DisplayRole)
                if isinstance(shown, str) and "<" in shown:
                    seen += 1
                    assert _carries_raw(shown, raw_values), shown
                tip = model.index(row, col).data(Qt.ItemDataRole.ToolTipRole)
                assert tip is None or "<img" not in str(tip)
    return seen


def _shows(session: Session, mention_id: int) -> Callable[[], bool]:
    def check() -> bool:
        detail = session.controller.detail
        return detail is not None and detail.id == mention_id

    return check


def _has_rows(view: WorkloadView) -> bool:
    return view.table.model.rowCount() > 0


def _has_usage(view: ReportsView) -> bool:
    return "usage" in view.data


def test_markup_everywhere_is_text_and_fetches_nothing(
    open_client: OpenClient,
    team: TestServer,
    qtbot: QtBot,
    trap: Trap,
) -> None:
    texts = payloads(trap.url)
    evil_name = f'<b>Mal</b><img src="{trap.url}/n.png">\u202e'
    evil_handle = f"<i>h</i><img src={trap.url}/h.png>"
    mids = [team.add_mentions(1, text=t, author=evil_handle)[0] for t in texts]
    team.add_user("mal", Role.LEAD, name=evil_name, signature="^<i>M</i>")
    team.add_user("anna", Role.ADMIN)
    admin = team.login("anna")
    template_title = f'<img src="{trap.url}/t.png">Sorry &amp; <b>more</b>'
    template_body = f'Sorry! <a href="{trap.url}/t">link</a> &lt;3 \u202eabc 😀'
    r = admin.post("/v1/templates", json={"title": template_title, "body": template_body})
    assert r.status_code == 201, r.text
    mal = team.login("mal")
    assert mal.post(f"/v1/mentions/{mids[0]}/claim").status_code == 200
    with team.ctx.db.read() as conn:
        stored = {r[0]: r[1] for r in conn.execute("SELECT id, text FROM mentions")}
    assert [stored[m] for m in mids] == texts  # the server keeps the text as sent

    session = open_client("eva")
    c = session.controller
    c.set_view(View.ALL)
    session.window.views.setCurrentRow(2)
    qtbot.waitUntil(lambda: c.model.rowCount() == len(mids), timeout=10_000)
    # the queue: cells are the documented snippet, tooltips escaped (shown literally)
    for row in range(c.model.rowCount()):
        mid = c.model.index(row, 0).data(ModelRole.MENTION_ID)
        raw = stored[mid]
        assert c.model.index(row, Col.TEXT).data() == snippet(raw)
        assert c.model.index(row, Col.TEXT).data(Qt.ItemDataRole.ToolTipRole) == plain_tooltip(raw)
        assert c.model.index(row, Col.AUTHOR).data() == "@" + evil_handle
    # the detail pane of every mention: conversation, author, profile, presence
    pane = session.window.detail
    for mid in mids:
        for row in range(c.model.rowCount()):
            if c.model.index(row, 0).data(ModelRole.MENTION_ID) == mid:
                session.window.table.setFocus()
                c.queue.select_row(row)
        qtbot.waitUntil(_shows(session, mid), timeout=5000)
        # the author's whole history: all three mentions, each exactly as sent
        assert sorted(pane.conversation.texts()) == sorted(texts)
        assert pane.author.text() == "@" + evil_handle  # the test connector adds the "@"
        if mid == mids[0]:
            qtbot.waitUntil(lambda: evil_name in pane.presence.text(), timeout=10_000)
        _labels_are_plain(session.window)
        session.window.grab()
    assert c.me.display_name == "Eva"
    # the template picker: list entries, tooltips and preview are text
    c.queue.select_row(0)
    session.window.actions_by_name["template"].trigger()
    qtbot.waitUntil(lambda: c.picker is not None, timeout=5000)
    picker = c.picker
    assert picker is not None
    item = picker.list.item(0)
    assert item.text().startswith(template_title)
    assert item.toolTip() == plain_tooltip(one_line(template_body, 120))
    assert template_body in picker.preview.text()
    _labels_are_plain(picker)
    picker.grab()
    picker.reject()

    # a lead with a markup name: status bar, and the team tabs
    lead = open_client("mal")
    _labels_are_plain(lead.window)
    assert evil_name in lead.window.user_label.text()
    cells = 0
    raw_values = {*texts, evil_name, "@" + evil_handle, template_title, template_body}
    for tab, kind in (("workload", WorkloadView), ("audit", AuditView), ("reports", ReportsView)):
        window = lead.controller.open_team(tab)
        qtbot.addWidget(window)
        view = window.views[tab]
        assert isinstance(view, kind)
        if isinstance(view, WorkloadView):
            view.refresh()
            qtbot.waitUntil(partial(_has_rows, view), timeout=10_000)
            assert view.table.model.value(0, 0) == evil_name
            assert view.table.model.index(0, 3).data() == one_line(texts[0], 80)
            assert evil_name in view.summary.text()
        if isinstance(view, ReportsView):
            qtbot.waitUntil(partial(_has_usage, view), timeout=15_000)
        qtbot.wait(300)
        _labels_are_plain(window)
        cells += _views_show_raw(window, raw_values)
        window.grab()
    assert cells >= 3  # workload text and name, audit details: the check saw markup
    qtbot.wait(300)
    assert trap.hits == []


def _ingest_as(server: TestServer, author: Author, text: str, source: str, age_s: float) -> int:
    now = server.ctx.now()
    channel = ChannelInfo(kind="mastodon", name="@Webcare on Mastodon", brand="Webcare",
                          handle="@Webcare", char_limit=500)  # fmt: skip
    mention = IncomingMention(source_id=source, author=author, text=text, created_at=now - age_s)
    ingest.ingest(server.ctx.db, Batch(channel=channel, mentions=[mention]), now, history=False)
    with server.ctx.db.read() as conn:
        row = conn.execute("SELECT id FROM mentions WHERE source_id = ?", (source,)).fetchone()
    return int(row[0])


def test_the_author_card_shows_markup_as_text_and_fetches_nothing(
    open_client: OpenClient,
    team: TestServer,
    qtbot: QtBot,
    trap: Trap,
) -> None:
    """The author card (issue 14.8): name, handle, followers, history, tags and the other open
    mention's text in the "go to" tooltip; the conversation's status and "go to" buttons."""
    evil_name = f'<b>Mal</b><img src="{trap.url}/n.png">\u202e &amp;'
    evil_handle = f"@<i>h</i><img src={trap.url}/h.png>"
    evil_tag = f'<img src="{trap.url}/g">'  # a tag an admin's rule gives
    team.add_user("anna", Role.ADMIN)
    rules = {"keywords": [{"words": ["klik"], "priority": 2, "tag": evil_tag}]}
    assert team.login("anna").put("/v1/settings/priority-rules", json=rules).status_code == 200
    author = Author(platform_user_id="mal", handle=evil_handle, name=evil_name, followers=42)
    texts = payloads(trap.url)
    older = _ingest_as(team, author, texts[1], "mal-1", 3 * 86400)
    other = _ingest_as(team, author, texts[0], "mal-2", 3600)  # has "klik": the evil tag
    current = _ingest_as(team, author, "klik <a href='x'>hier</a> " + texts[0], "mal-3", 60)
    tom = team.login("tom")
    assert tom.post(f"/v1/mentions/{older}/claim").status_code == 200
    batch = [{"client_seq": 1, "op_id": "close-older", "type": "set_status",
              "mention_id": older, "status": "spam"}]  # fmt: skip
    r = tom.post("/v1/mutations", json={"client_id": "untrusted-test", "mutations": batch})
    assert r.status_code == 200, r.text

    session = open_client("eva")
    c = session.controller
    qtbot.waitUntil(lambda: c.model.rowCount() == 2, timeout=10_000)
    for row in range(c.model.rowCount()):
        if c.model.index(row, 0).data(ModelRole.MENTION_ID) == current:
            session.window.table.setFocus()
            c.queue.select_row(row)
    qtbot.waitUntil(_shows(session, current), timeout=5000)
    pane = session.window.detail
    assert pane.author.text() == evil_name
    assert pane.profile.text().startswith(evil_handle + " · 42 followers")
    assert pane.history.text().startswith("1 earlier conversation: 1 spam; last ")
    assert pane.tags.text() == f"Tags: {evil_tag}"  # the other mention's tag is the same
    assert pane.others.text() == "1 other open mention from this author"
    assert c.detail is not None
    when = relative_time(c.detail.author.open_mentions[0].created_at)
    assert pane.goto_button.toolTip() == plain_tooltip(
        f"Go to their newest open mention ({when}): {one_line(texts[0], 160)}"
    )
    for label in (pane.author, pane.profile, pane.history, pane.tags, pane.others):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    headers = [f.header for f in pane.conversation.frames]
    assert all(h.textFormat() == Qt.TextFormat.PlainText for h in headers)
    assert any(h.text().startswith(evil_name) for h in headers)
    _labels_are_plain(session.window)
    session.window.grab()
    # the other open mention, reached from the card
    pane.goto_button.click()
    qtbot.waitUntil(_shows(session, other), timeout=5000)
    assert pane.author.text() == evil_name
    _labels_are_plain(session.window)
    session.window.grab()
    qtbot.wait(300)
    assert trap.hits == []
