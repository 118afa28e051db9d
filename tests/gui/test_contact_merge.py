"""Contact merge in the Team window's Contacts tab, seen at once in another agent's inbox:
real widgets, a real server, two real clients (a lead's and an agent's)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.gui import OpenClient, open_mention, team_view
from tests.support.server import TestServer
from webcare.app import Session
from webcare.server.demo import seed_people
from webcare.ui.team.audit_text import action_text, detail_text
from webcare.ui.team.audit_view import AuditView
from webcare.ui.team.contacts_view import ContactsView, into_and_source


def _mention_of(team: TestServer, handle: str) -> int:
    with team.ctx.db.read() as conn:
        row = conn.execute(
            "SELECT m.id FROM mentions m JOIN contacts c ON c.id = m.contact_id WHERE c.handle = ?",
            (handle,),
        ).fetchone()
    return int(row[0])


def _headers(session: Session) -> list[str]:
    pane = session.window.detail
    return [f.header.text() for f in pane.conversation.frames if f.item.kind == "mention"]


def test_a_lead_merges_a_suggestion_and_the_agents_inbox_shows_one_history_then_splits(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    seed_people(team.ctx.db, team.ctx.now())
    on_x = _mention_of(team, "@Sanne")
    eva = open_client("eva")
    open_mention(qtbot, eva, on_x)
    qtbot.waitUntil(lambda: len(_headers(eva)) == 1, timeout=10_000)
    pane = eva.window.detail
    assert "also" not in pane.profile.text()

    lars = open_client("lars")
    view = team_view(qtbot, lars, "contacts")
    assert isinstance(view, ContactsView)
    view.refresh()
    qtbot.waitUntil(lambda: view.suggestions.model.rowCount() == 3, timeout=10_000)
    reasons = [view.suggestions.model.value(r, 0) for r in range(3)]
    assert reasons == [
        "same e-mail address pieter.jansen@example.org",
        "same handle “sanne”",
        "same handle “lottevb”",
    ]
    assert view.suggestions.model.value(1, 1) == "@sanne@mastodon.example (mastodon) · 1 mention"
    assert view.suggestions.model.value(1, 2) == "@Sanne (twitter) · 1 mention"
    assert not view.merge_button.isEnabled()  # nothing selected yet
    view.suggestions.view.selectRow(1)
    assert view.merge_button.isEnabled() and view.dismiss_button.isEnabled()
    qtbot.mouseClick(view.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.suggestions.model.rowCount() == 2, timeout=10_000)
    assert view.status.text() == (
        "Merged @Sanne (twitter) into @sanne@mastodon.example (mastodon): one history in every"
        " inbox (recorded in the audit log)."
    )

    # the agent's inbox, without doing anything: one history, each mention with its channel
    qtbot.waitUntil(lambda: len(_headers(eva)) == 2, timeout=15_000)
    channels = [h.split(" · ")[2] for h in _headers(eva)]
    assert channels == ["@Webcare on Mastodon", "@Webcare on X"]
    assert "also @sanne@mastodon.example (mastodon)" in pane.profile.text()

    # the search finds both; the merged one can be split
    view.search.setText("sanne")
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.results.model.rowCount() == 2, timeout=10_000)
    groups = [view.results.model.value(r, 4) for r in range(2)]
    assert groups == ["1 merged into it", "merged into @sanne@mastodon.example (mastodon)"]
    view.results.view.selectRow(0)
    assert not view.split_button.isEnabled()  # the one others are merged into: not split
    view.results.view.selectRow(1)
    assert view.split_button.isEnabled()
    qtbot.mouseClick(view.split_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.results.model.value(1, 4) == "", timeout=10_000)
    qtbot.waitUntil(lambda: len(_headers(eva)) == 1, timeout=15_000)
    assert "also" not in pane.profile.text()

    # and the lead reads it in the audit log
    audit = team_view(qtbot, lars, "audit")
    assert isinstance(audit, AuditView)
    audit.refresh()
    qtbot.waitUntil(
        lambda: any(e["action"] == "contact.split" for e in audit.entries), timeout=10_000
    )
    said = [
        (action_text(e["action"]), detail_text(e))
        for e in audit.entries
        if e["entity"] == "contact"
    ]
    assert said == [
        ("Contacts split", "@Sanne (twitter) split from @sanne@mastodon.example (mastodon):"
                           " separate histories again"),
        ("Contacts merged", "@Sanne (twitter) merged into @sanne@mastodon.example (mastodon):"
                            " one person, one history"),
    ]  # fmt: skip


def test_dismiss_and_merge_two_found_by_hand(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    seed_people(team.ctx.db, team.ctx.now())
    lars = open_client("lars")
    view = team_view(qtbot, lars, "contacts")
    assert isinstance(view, ContactsView)
    view.refresh()
    qtbot.waitUntil(lambda: view.suggestions.model.rowCount() == 3, timeout=10_000)
    view.suggestions.view.selectRow(2)  # Lotte: not the same person, says the lead
    qtbot.mouseClick(view.dismiss_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.suggestions.model.rowCount() == 2, timeout=10_000)
    assert view.status.text() == "This pair will not be suggested again."
    # by hand: Bram on X and Lotte on Bluesky share nothing, but a lead may know better
    view.search.setText("b")
    qtbot.mouseClick(view.search_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.results.model.rowCount() > 0, timeout=10_000)
    names = [view.results.model.value(r, 0) for r in range(view.results.model.rowCount())]
    bram, lotte = names.index("@bram_k (twitter)"), names.index("lottevb.bsky.social (bluesky)")
    assert not view.merge_selected_button.isEnabled()
    view.results.view.selectRow(bram)
    view.results.view.selectionModel().select(
        view.results.model.index(lotte, 0),
        view.results.view.selectionModel().SelectionFlag.Select
        | view.results.view.selectionModel().SelectionFlag.Rows,
    )
    assert view.merge_selected_button.isEnabled()
    qtbot.mouseClick(view.merge_selected_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.status.text().startswith("Merged"), timeout=10_000)
    # as many mentions each: the older contact (Bram's, first seen) is merged into
    assert view.status.text().startswith("Merged lottevb.bsky.social (bluesky) into @bram_k")


def test_which_way_two_found_contacts_merge() -> None:
    lone: dict[str, Any] = {"id": 5, "merged_into": None, "members": [], "mentions": 1}
    busy: dict[str, Any] = {"id": 9, "merged_into": None, "members": [], "mentions": 4}
    member: dict[str, Any] = {"id": 7, "merged_into": 3, "members": [], "mentions": 1}
    head: dict[str, Any] = {"id": 3, "merged_into": None, "members": [7], "mentions": 1}
    assert into_and_source(lone, busy) == (5, 9)  # into the one with more mentions
    assert into_and_source(lone, {**lone, "id": 6}) == (6, 5)  # else the older one
    assert into_and_source(busy, member) == (9, 3)  # a member stands for its group's head
    assert into_and_source(member, head) is None  # one person already
