"""The agent's inbox through real widgets, a real local store and a real team server."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.support.gui import OpenClient, answer, key, make_app, replies, select
from tests.support.keyring import MemoryKeyring
from tests.support.server import TestServer
from tests.support.trap import Trap
from webcare.app import WebcareApp
from webcare.credentials import CredentialStore
from webcare.domain.models import Role
from webcare.server.run import ServerThread
from webcare.ui.models.queue_model import PAGE, Col
from webcare.ui.models.queue_model import Role as ModelRole
from webcare.ui.widgets.template_picker import TemplatePicker


def test_queue_model_passes_the_model_tester(
    open_client: OpenClient, team: TestServer, qtmodeltester: ModelTester, qtbot: QtBot
) -> None:
    team.add_mentions(PAGE + 60)
    session = open_client("eva")
    c = session.controller
    qtbot.waitUntil(lambda: c.model.rowCount() == PAGE + 60, timeout=10_000)
    qtmodeltester.check(c.model)
    # windowed: only the pages looked at are in memory; the rest arrives on demand
    assert c.model.loaded_pages() in ([0], [0, 1])
    last = c.model.rowCount() - 1
    assert c.model.index(last, Col.TEXT).data() in ("…", None) or 1 in c.model.loaded_pages()
    qtbot.waitUntil(lambda: 1 in c.model.loaded_pages(), timeout=5000)
    assert c.model.index(last, Col.AUTHOR).data() == "@jan"


def test_claim_template_send_with_the_keyboard(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    (mid,) = team.add_mentions(1, text="Mijn glasvezel doet het niet", author="piet")
    with team.ctx.db.write() as conn:
        conn.execute(
            "INSERT INTO templates(title, body, language, shortcut, tags, created_at, updated_at)"
            " VALUES ('DM', 'Hoi {{customer_handle}}, stuur ons een DM!', 'nl', 'dm', '[]', 0, 0)"
        )
        conn.execute(
            "INSERT INTO changes(entity, entity_id, op, at) VALUES ('template', 1, 'upsert', 0)"
        )
    session = open_client("eva")
    c, w = session.controller, session.window
    qtbot.waitUntil(lambda: c.model.rowCount() == 1, timeout=5000)
    w.table.setFocus()
    key(qtbot, session, "j")  # next mention
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.id == mid, timeout=5000)

    key(qtbot, session, "c")  # claim
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.holder_id == c.me.id, timeout=5000)
    assert "You are working on this" in w.detail.presence.text()

    key(qtbot, session, "t")  # template picker
    qtbot.waitUntil(lambda: isinstance(c.picker, TemplatePicker), timeout=5000)
    picker = c.picker
    assert picker is not None
    qtbot.keyClicks(picker.search, "dm")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    composer = w.detail.composer
    qtbot.waitUntil(lambda: "stuur ons een DM" in composer.editor.toPlainText(), timeout=5000)
    assert composer.editor.toPlainText() == "Hoi @piet, stuur ons een DM!"
    assert composer.final_text() == "Hoi @piet, stuur ons een DM! ^Eva"
    assert "Will be sent as: Hoi @piet, stuur ons een DM! ^Eva" in composer.preview.text()
    assert composer.counter.text() == f"{len(composer.final_text())}/280"

    key(qtbot, session, "Ctrl+Return")  # send
    qtbot.waitUntil(
        lambda: replies(team, mid) == ["Hoi @piet, stuur ons een DM! ^Eva"], timeout=10_000
    )
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.status == "answered", timeout=5000)
    qtbot.waitUntil(
        lambda: any(f.item.kind == "reply" for f in w.detail.conversation.frames), timeout=5000
    )
    assert composer.editor.toPlainText() == ""
    with team.ctx.db.read() as conn:
        template_id = conn.execute("SELECT template_id FROM replies").fetchone()[0]
    assert template_id == 1


def test_offline_reply_is_queued_then_delivered_exactly_once(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    (mid,) = team.add_mentions(1)
    session = open_client("eva")
    c, w = session.controller, session.window
    select(qtbot, session, mid)
    c.claim()
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.holder_id == c.me.id, timeout=5000)

    config, port = team.thread.app.state.ctx.config, team.thread.port
    team.thread.stop()  # the server goes away
    qtbot.waitUntil(lambda: c.online is False, timeout=10_000)
    assert "Offline" in w.sync_label.text()

    w.detail.composer.editor.setPlainText("We kijken ernaar!")
    w.detail.composer.request_send()
    qtbot.waitUntil(lambda: c.queued == 1, timeout=5000)
    assert "1 queued" in w.queued_label.text()
    qtbot.waitUntil(
        lambda: (
            [(f.item.kind, f.item.state) for f in w.detail.conversation.frames][-1:]
            == [("outbox", "queued")]
        ),
        timeout=5000,
    )

    team.thread = ServerThread(config, port=port).start()  # the same server comes back
    qtbot.waitUntil(lambda: c.queued == 0, timeout=20_000)
    assert replies(team, mid) == ["We kijken ernaar! ^Eva"]
    qtbot.wait(1000)  # more sync rounds: still exactly one
    assert replies(team, mid) == ["We kijken ernaar! ^Eva"]
    qtbot.waitUntil(lambda: c.online is True, timeout=10_000)


def test_second_client_sees_the_claim_and_cannot_reply(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    (mid,) = team.add_mentions(1)
    eva, tom = open_client("eva"), open_client("tom")
    select(qtbot, eva, mid)
    select(qtbot, tom, mid)
    t0 = time.monotonic()
    eva.controller.claim()
    tc = tom.controller
    qtbot.waitUntil(lambda: tc.detail is not None and tc.detail.holder == "Eva", timeout=5000)
    assert time.monotonic() - t0 < 3  # live: the long-poll brings it at once
    qtbot.waitUntil(
        lambda: "Eva is replying… for under a minute" in tom.window.detail.presence.text(),
        timeout=5000,
    )
    composer = tom.window.detail.composer
    composer.editor.setPlainText("Ik help je!")
    assert not composer.send_button.isEnabled()  # the UI refuses before the server does
    assert "Eva holds this mention" in composer.notice.text()
    assert not tom.window.actions_by_name["claim"].isEnabled()
    # the queue row shows the presence too, with the lease
    assert tc.model.index(0, Col.STATE).data() == "Eva · 15 min left"
    tip = tc.model.index(0, Col.STATE).data(Qt.ItemDataRole.ToolTipRole)
    assert "Eva is replying… (claim ends in 15 min)" in tip
    # and if tom's client still tries (stale view), the server's 409 is explained
    tc.claim()
    qtbot.waitUntil(lambda: "Eva is already replying" in tc.last_notice, timeout=5000)
    assert replies(team, mid) == []


def test_html_in_a_mention_is_shown_literally(
    open_client: OpenClient, team: TestServer, qtbot: QtBot, trap: Trap
) -> None:
    evil = (
        f'<img src="{trap.url}/pixel.png"><b>bold</b> <a href="{trap.url}/x">klik</a> &amp; '
        "<style>*{color:red}</style> مرحبا 😀"
    )
    (mid,) = team.add_mentions(1, text=evil, author="<i>hacker</i>")
    session = open_client("eva")
    select(qtbot, session, mid)
    pane = session.window.detail
    texts = pane.conversation.texts()
    assert texts == [evil]
    for label in pane.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    assert pane.author.text() == "@<i>hacker</i>"
    tip = session.controller.model.index(0, Col.TEXT).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;img" in tip and "<img" not in tip
    session.window.grab()  # render everything once
    qtbot.wait(300)
    assert trap.hits == []


def test_cheat_sheet_lists_every_shortcut(open_client: OpenClient, qtbot: QtBot) -> None:
    session = open_client("eva")
    session.window.table.setFocus()
    qtbot.keyClick(session.window.table, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: session.controller.cheatsheet is not None, timeout=3000)
    sheet = session.controller.cheatsheet
    assert sheet is not None
    entries = dict(sheet.entries())
    for action, keys in {
        "Claim": "C", "Release claim": "U", "Reply": "R", "Send": "Ctrl+Return",
        "Resolve (close)": "E", "Mark as spam": "!", "Next mention": "J",
        "Previous mention": "K", "Search": "/", "Keyboard shortcuts": "F1",
    }.items():  # fmt: skip
        assert entries[action].split(", ")[0] == keys, (action, entries[action])
    sheet.close()


def test_resolve_and_spam_move_on(open_client: OpenClient, team: TestServer, qtbot: QtBot) -> None:
    m1, m2 = team.add_mentions(2)
    session = open_client("eva")
    c = session.controller
    select(qtbot, session, m2)
    key(qtbot, session, "e")
    answer(qtbot, session, "r")  # nobody claimed it: "Resolve @jan?" — R resolves
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.id == m1, timeout=5000)
    key(qtbot, session, "!")
    answer(qtbot, session, "s")

    def statuses() -> dict[int, str]:
        with team.ctx.db.read() as conn:
            return dict(conn.execute("SELECT id, status FROM mentions").fetchall())

    qtbot.waitUntil(lambda: statuses() == {m1: "spam", m2: "closed"}, timeout=10_000)


def test_new_mentions_are_announced_and_marked_unread(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    team.add_mentions(1)
    session = open_client("eva")
    c = session.controller
    (new,) = team.add_mentions(1, text="Alweer storing!")
    qtbot.waitUntil(lambda: c.notifications == ["1 new mention in Unclaimed"], timeout=5000)
    assert session.window.banner.text() == "1 new mention in Unclaimed"
    qtbot.waitUntil(lambda: c.model.rowCount() == 2, timeout=5000)
    index = c.model.index
    rows = {
        index(r, 0).data(ModelRole.MENTION_ID): index(r, 0).data(ModelRole.UNREAD) for r in (0, 1)
    }
    assert rows[new] is True


def test_missing_keyring_still_starts_and_says_what_happens(
    qapp: QApplication, qtbot: QtBot, team: TestServer, tmp_path: Path, no_keyring: object
) -> None:
    app = make_app(qapp, tmp_path, "nokey")
    app.settings.setValue("server_url", team.url)
    app.settings.setValue("username", "eva")
    try:
        app.start()
        qtbot.waitUntil(lambda: app.login_dialog is not None, timeout=5000)
        dialog = app.login_dialog
        assert dialog is not None
        assert "sign in again" in dialog.keyring_note.text()
        assert dialog.plaintext_opt_in is not None
        assert not dialog.plaintext_opt_in.isChecked()  # opt-in, never the default
        dialog.password.setText("wrong password!")
        dialog.buttons.accepted.emit()
        qtbot.waitUntil(dialog.error.isVisible, timeout=10_000)
        assert dialog.error.text() == "Wrong username or password."
        from tests.support.server import PASSWORD

        dialog.password.setText(PASSWORD)
        dialog.buttons.accepted.emit()
        qtbot.waitUntil(lambda: app.session is not None, timeout=10_000)
        session = app.session
        assert session is not None
        qtbot.addWidget(session.window)
        assert "sign in again" in session.window.banner.text()
        assert not any(tmp_path.glob("**/tokens.json"))
    finally:
        app.shutdown()


def test_unreachable_server_is_explained(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, memory_keyring: object
) -> None:
    app = make_app(qapp, tmp_path, "down")
    try:
        app.show_login()
        dialog = app.login_dialog
        assert dialog is not None
        qtbot.addWidget(dialog)
        dialog.server.setText("http://127.0.0.1:9")
        dialog.username.setText("eva")
        dialog.password.setText("whatever1")
        dialog.buttons.accepted.emit()
        qtbot.waitUntil(dialog.error.isVisible, timeout=15_000)
        assert "Cannot reach" in dialog.error.text()
        dialog.server.setText("http://example.com")
        dialog.buttons.accepted.emit()
        qtbot.waitUntil(lambda: "https" in dialog.error.text(), timeout=5000)
    finally:
        app.shutdown()


def test_token_from_the_keyring_resumes_the_session(
    qapp: QApplication,
    qtbot: QtBot,
    team: TestServer,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
) -> None:
    first = make_app(qapp, tmp_path, "resume")
    first.settings.setValue("server_url", team.url)
    try:
        first.show_login()
        dialog = first.login_dialog
        assert dialog is not None
        dialog.server.setText(team.url)
        dialog.username.setText("eva")
        from tests.support.server import PASSWORD

        dialog.password.setText(PASSWORD)
        dialog.buttons.accepted.emit()
        qtbot.waitUntil(lambda: first.session is not None, timeout=10_000)
        assert first.session is not None
        qtbot.addWidget(first.session.window)
        qtbot.waitUntil(lambda: first.credentials.load(team.url, "eva") is not None, timeout=5000)
        assert memory_keyring.secrets[("webcare", f"{team.url}|eva")]
    finally:
        first.shutdown()
    second = WebcareApp(
        qapp,
        settings=first.settings,
        credentials=CredentialStore(),
        store_path=first.store_path,
        sync_wait_s=0.5,
    )
    try:
        second.start()
        qtbot.waitUntil(lambda: second.session is not None, timeout=10_000)
        assert second.login_dialog is None
        assert second.session is not None
        qtbot.addWidget(second.session.window)
    finally:
        second.shutdown()


def test_the_desktop_signs_in_from_a_known_device_while_others_guess_the_password(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, memory_keyring: object
) -> None:
    from tests.support.server import PASSWORD, running_server

    def sign_in(app: WebcareApp, url: str) -> None:
        app.show_login()
        dialog = app.login_dialog
        assert dialog is not None
        qtbot.addWidget(dialog)
        dialog.server.setText(url)
        dialog.username.setText("eva")
        dialog.password.setText(PASSWORD)
        dialog.buttons.accepted.emit()
        qtbot.waitUntil(lambda: app.session is not None or dialog.error.isVisible(), timeout=10_000)
        assert app.session is not None, dialog.error.text()
        qtbot.addWidget(app.session.window)

    with running_server(
        tmp_path / "server", login_max_failures=2, login_user_max_failures=4, channels=False
    ) as server:
        server.add_user("eva")
        first = make_app(qapp, tmp_path, "laptop")
        try:
            sign_in(first, server.url)  # this installation has now signed in to eva
        finally:
            first.shutdown()
        # the password is guessed at from two other addresses: eva's per-name limit is used up
        for source in ("127.0.0.2", "127.0.0.3"):
            guesser = server.anonymous(source)
            for _ in range(2):
                r = guesser.post("/v1/auth/login", json={"username": "eva", "password": "guess!!"})
                assert r.status_code == 401
        fresh = server.anonymous().post(
            "/v1/auth/login", json={"username": "eva", "password": PASSWORD}
        )
        assert fresh.status_code == 429  # a device that never signed in waits
        again = WebcareApp(
            qapp, settings=first.settings, credentials=CredentialStore(),
            store_path=first.store_path, sync_wait_s=0.5,
        )  # fmt: skip
        try:
            sign_in(again, server.url)  # the same installation is let in
        finally:
            again.shutdown()


def test_lead_sees_the_same_queue(open_client: OpenClient, team: TestServer, qtbot: QtBot) -> None:
    team.add_mentions(3)
    session = open_client("lars")
    assert session.controller.me.role == Role.LEAD.value
    qtbot.waitUntil(lambda: session.controller.model.rowCount() == 3, timeout=5000)


def test_search_with_words_and_tokens(
    open_client: OpenClient, team: TestServer, qtbot: QtBot
) -> None:
    (a,) = team.add_mentions(1, text="Storing in Utrecht, al uren geen internet")
    team.add_mentions(2, text="Mijn factuur klopt niet")
    with team.ctx.db.write() as conn:
        conn.execute("UPDATE mentions SET tags = '[\"storing\"]', priority = 3 WHERE id = ?", (a,))
        conn.execute(
            "INSERT INTO changes(entity, entity_id, op, at) VALUES ('mention', ?, 'upsert', 0)",
            (str(a),),
        )
    session = open_client("eva")
    c, w = session.controller, session.window
    qtbot.waitUntil(lambda: c.model.rowCount() == 3, timeout=5000)
    key(qtbot, session, "/")
    qtbot.keyClicks(w.search, "utrech")
    qtbot.waitUntil(lambda: c.model.rowCount() == 1, timeout=5000)
    assert c.model.index(0, 0).data(ModelRole.MENTION_ID) == a
    w.search.setText("tag:storing prio:urgent")
    qtbot.waitUntil(lambda: c.filter.tag == "storing" and c.model.rowCount() == 1, timeout=5000)
    w.search.setText("since:morgen")
    qtbot.waitUntil(lambda: "not a date" in c.last_notice, timeout=5000)
