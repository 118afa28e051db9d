"""The e-mail connector against a real IMAP server (Dovecot) and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parsedate_to_datetime

import pytest

from tests.support.fakes.mail import Dovecot, MailServer, dovecot, mail_server
from webcare.channels import registry
from webcare.channels.base import Batch, ChannelInfo, IncomingMention, OutgoingReply
from webcare.channels.errors import AuthFailed, ChannelError, NotConfigured
from webcare.channels.mail import MailConnector
from webcare.channels.mail import connector as mail_module

INFO = ChannelInfo(kind="email", name="support@example.com", brand="Example Rail")
CUSTOMER = "jan@klant.nl"
NOW = time.time()
SENT_AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def imap() -> Iterator[Dovecot]:
    with dovecot() as running:  # stopping Dovecot takes a second: one for the module
        yield running


@pytest.fixture
def server(imap: Dovecot) -> Iterator[MailServer]:
    with mail_server(imap) as state:  # a fresh user and mailbox per test
        yield state


def connect(server: MailServer, **changes: str) -> MailConnector:
    config = {**server.config, **changes}
    connector = registry.create("email", INFO, config, server.secrets, clock=time.time)
    assert isinstance(connector, MailConnector)
    return connector


def message(
    body: str = "My train was cancelled.",
    *,
    subject: str = "Cancelled train",
    sender: str = f"Jan de Vries <{CUSTOMER}>",
    msgid: str | None = "<m1@klant.nl>",
    date: datetime = SENT_AT,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = sender
    msg["To"] = "Example Rail <support@example.com>"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date)
    if msgid:
        msg["Message-ID"] = msgid
    if body:
        msg.set_content(body)
    if html is not None:
        if body:
            msg.add_alternative(html, subtype="html")
        else:
            msg.set_content(html, subtype="html")
    for name, value in (headers or {}).items():  # after set_content: it drops Content-* headers
        msg[name] = value
    return msg.as_bytes()


def only(batches: list[Batch]) -> Batch:
    assert len(batches) == 1
    assert batches[0].channel == INFO
    return batches[0]


def by_id(batch: Batch) -> dict[str, IncomingMention]:
    return {m.source_id: m for m in batch.mentions}


# --- fetch -------------------------------------------------------------------------------
def test_plain_message_becomes_a_mention(server: MailServer) -> None:
    server.drop(
        message(
            "Hello,\n\nMy train was cancelled.\nCan I get a refund?\n\nJan",
            headers={"Content-Language": "nl-NL", "Reply-To": "Jan <jan.prive@klant.nl>"},
        )
    )
    batch = only(connect(server).fetch(None))
    assert batch.skipped == []
    assert batch.more is False
    [m] = batch.mentions
    assert m.source_id == "m1@klant.nl"
    assert m.author.platform_user_id == CUSTOMER
    assert m.author.handle == CUSTOMER
    assert m.author.name == "Jan de Vries"
    assert (
        m.text == "Cancelled train\n\nHello,\n\nMy train was cancelled.\nCan I get a refund?\n\nJan"
    )
    assert m.created_at == SENT_AT.timestamp()
    assert m.parent_source_id is None
    assert m.language == "nl"
    assert dict(m.meta) == {
        "message_id": "<m1@klant.nl>",
        "references": "",
        "subject": "Cancelled train",
        "reply_to": "jan.prive@klant.nl",
    }
    validity, last = (batch.cursor or "").split(":")
    assert int(validity) > 0
    assert last == "1"


def test_html_and_multipart_messages(server: MailServer) -> None:
    html = (
        "<html><head><style>p {color: red}</style></head><body>"
        "<p>Hi&nbsp;team,</p><p>The <b>app</b> crashes &amp; I lost my ticket.</p>"
        '<ul><li>Android 14</li><li>Version 3.2</li></ul><a href="https://x.example/t/1">'
        "my ticket</a>"
        '<div class="gmail_quote">On Monday you wrote:<blockquote>old stuff</blockquote></div>'
        "<script>alert(1)</script></body></html>"
    )
    server.drop(message("", subject="App", msgid="<html@klant.nl>", html=html))
    server.drop(
        message(
            "Plain words win.", subject="Both", msgid="<alt@klant.nl>", html="<p>HTML words</p>"
        )
    )
    mixed = EmailMessage()
    mixed["From"] = "Piet <piet@klant.nl>"
    mixed["Subject"] = "Receipt"
    mixed["Message-ID"] = "<mixed@klant.nl>"
    mixed["Date"] = format_datetime(SENT_AT)
    mixed.set_content("<p>See the <i>attached</i> receipt.</p>", subtype="html")
    mixed.add_related(b"\x89PNG", maintype="image", subtype="png", cid="<logo@klant.nl>")
    mixed.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="r.pdf")
    server.drop(mixed.as_bytes())

    mentions = by_id(only(connect(server).fetch(None)))
    assert mentions["html@klant.nl"].text == (
        "App\n\nHi team,\n\nThe app crashes & I lost my ticket.\n\n"
        "- Android 14\n- Version 3.2\n\nmy ticket (https://x.example/t/1)"
    )
    assert mentions["alt@klant.nl"].text == "Both\n\nPlain words win."
    assert mentions["mixed@klant.nl"].text == "Receipt\n\nSee the attached receipt."
    assert mentions["mixed@klant.nl"].author.name == "Piet"


def test_quoted_history_is_dropped(server: MailServer) -> None:
    server.drop(
        message(
            "Still no refund!\n> earlier line\n\nOn Mon, 16 Nov 2026 at 10:00, Example Rail"
            " <support@example.com> wrote:\n> We are sorry.\n> Regards",
            msgid="<q1@klant.nl>",
        )
    )
    server.drop(
        message(
            "Thanks, that worked.\n\nOn Mon, 16 Nov 2026 at 10:00, Example Rail Support Team <\n"
            "support@example.com> wrote:\n\nPlease restart the app.",
            msgid="<q2@klant.nl>",
        )
    )
    server.drop(
        message(
            "Dank je!\n\n-----Original Message-----\nFrom: support\nOld text",
            msgid="<q3@klant.nl>",
        )
    )
    mentions = by_id(only(connect(server).fetch(None)))
    assert mentions["q1@klant.nl"].text == "Cancelled train\n\nStill no refund!"
    assert mentions["q2@klant.nl"].text == "Cancelled train\n\nThanks, that worked."
    assert mentions["q3@klant.nl"].text == "Cancelled train\n\nDank je!"


def test_threading_follow_up_points_at_the_first_message(server: MailServer) -> None:
    server.drop(message(msgid="<first@klant.nl>"))
    server.drop(
        message(
            "Any news?",
            subject="Re: Cancelled train",
            msgid="<second@klant.nl>",
            headers={"In-Reply-To": "<first@klant.nl>", "References": "<first@klant.nl>"},
        )
    )
    server.drop(
        message(
            "Hello?",
            subject="Re: Cancelled train",
            msgid="<third@klant.nl>",
            headers={"References": "<first@klant.nl> <second@klant.nl>"},
        )
    )
    mentions = by_id(only(connect(server).fetch(None)))
    assert mentions["first@klant.nl"].parent_source_id is None
    assert mentions["second@klant.nl"].parent_source_id == "first@klant.nl"
    assert mentions["second@klant.nl"].meta["references"] == "<first@klant.nl>"
    assert mentions["third@klant.nl"].parent_source_id == "second@klant.nl"
    assert mentions["third@klant.nl"].meta["references"] == "<first@klant.nl> <second@klant.nl>"


def test_own_copies_machine_mail_and_malformed_messages_are_skipped(server: MailServer) -> None:
    server.drop(message(msgid="<good@klant.nl>"))
    server.drop(message(sender="Example Rail <Support@Example.com>", msgid="<ours@example.com>"))
    server.drop(
        message(
            "I am on holiday.",
            msgid="<ooo@klant.nl>",
            headers={"Auto-Submitted": "auto-replied"},
        )
    )
    bounce = EmailMessage()
    bounce["From"] = "Mail Delivery System <MAILER-DAEMON@mx.klant.nl>"
    bounce["Subject"] = "Undelivered Mail Returned to Sender"
    bounce["Message-ID"] = "<bounce@mx.klant.nl>"
    bounce.set_content("This is the mail system.")
    bounce.make_mixed()
    bounce.replace_header("Content-Type", 'multipart/report; report-type="delivery-status"')
    server.drop(bounce.as_bytes())
    server.drop(b"\x00\xff garbage that is no e-mail at all\n\nreally not")
    server.drop(message("", subject="", msgid="<empty@klant.nl>"))

    batch = only(connect(server).fetch(None))
    assert [m.source_id for m in batch.mentions] == ["good@klant.nl"]
    assert batch.skipped == [
        "message 2: sent from our own address support@example.com (our copy)",
        "message 3: from jan@klant.nl: auto-submitted (auto-replied)",
        "message 4: from MAILER-DAEMON@mx.klant.nl: a delivery or read report",
        "message 5: no usable From address",
        "message 6: from jan@klant.nl: no subject and no text",
    ]
    assert batch.cursor is not None
    assert batch.cursor.endswith(":6")


def test_message_without_message_id_gets_a_stable_synthetic_id(server: MailServer) -> None:
    raw = message(msgid=None)
    server.drop(raw)
    first = only(connect(server).fetch(None)).mentions[0]
    server.drop(raw)
    again = only(connect(server).fetch(None)).mentions
    assert first.source_id.startswith("synthetic-")
    assert len(first.source_id) == len("synthetic-") + 32
    assert [m.source_id for m in again] == [first.source_id, first.source_id]
    assert first.meta["message_id"] == ""


def test_cursor_progress(server: MailServer) -> None:
    connector = connect(server)
    server.drop(message(msgid="<a@klant.nl>"))
    first = only(connector.fetch(None))
    assert [m.source_id for m in first.mentions] == ["a@klant.nl"]

    second = only(connector.fetch(first.cursor))
    assert second.mentions == []
    assert second.skipped == []
    assert second.cursor == first.cursor  # IMAP answers "last:*" with the last message: filtered

    server.drop(message(msgid="<b@klant.nl>"))
    third = only(connector.fetch(second.cursor))
    assert [m.source_id for m in third.mentions] == ["b@klant.nl"]
    assert third.cursor == (first.cursor or "").rsplit(":", 1)[0] + ":2"


def test_capped_fetch_says_more_and_continues(
    server: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mail_module, "MAX_MESSAGES", 2)
    monkeypatch.setattr(mail_module, "FETCH_CHUNK", 1)
    for i in range(3):
        server.drop(message(msgid=f"<n{i}@klant.nl>"))
    connector = connect(server)
    first = only(connector.fetch(None))
    assert [m.source_id for m in first.mentions] == ["n0@klant.nl", "n1@klant.nl"]
    assert first.more is True
    assert (first.cursor or "").endswith(":2")
    second = only(connector.fetch(first.cursor))
    assert [m.source_id for m in second.mentions] == ["n2@klant.nl"]
    assert second.more is False


def test_uidvalidity_change_reads_recent_mail_again(server: MailServer) -> None:
    connector = connect(server)
    server.drop(message(msgid="<old@klant.nl>"), received_at=NOW - 30 * 86400)
    server.drop(message(msgid="<recent@klant.nl>"))
    first = only(connector.fetch(None))
    assert [m.source_id for m in first.mentions] == ["recent@klant.nl"]  # older than the window
    assert (first.cursor or "").endswith(":2")

    server.set_uidvalidity(4242)
    server.drop(message(msgid="<new@klant.nl>"))
    again = only(connector.fetch(first.cursor))
    assert [m.source_id for m in again.mentions] == ["recent@klant.nl", "new@klant.nl"]
    assert again.cursor == "4242:3"
    assert only(connector.fetch(again.cursor)).mentions == []


# --- deliver and lookup ------------------------------------------------------------------
def reply_to(mention: IncomingMention, reference: str = "r-0001", text: str = "") -> OutgoingReply:
    return OutgoingReply(
        reference=reference,
        text=text or "Dear Jan,\n\nYour refund is on its way.\n\nAnna, Example Rail",
        mention_source_id=mention.source_id,
        author_handle=mention.author.handle,
        accepted_at=NOW,
        mention_text=mention.text,
        mention_meta=mention.meta,
    )


def fetched(server: MailServer, raw: bytes) -> IncomingMention:
    server.drop(raw)
    return only(connect(server).fetch(None)).mentions[-1]


def test_deliver_sends_a_threaded_reply_and_lookup_finds_it(server: MailServer) -> None:
    mention = fetched(
        server,
        message(
            "Any news?",
            subject="RE: Cancelled train",
            msgid="<second@klant.nl>",
            headers={"In-Reply-To": "<first@klant.nl>", "References": "<first@klant.nl>"},
        ),
    )
    connector = connect(server)
    reply = reply_to(mention)
    assert connector.lookup(reply) is None

    delivered = connector.deliver(reply)
    assert delivered.platform_post_id == "r-0001@example.com"
    assert delivered.posted_at is not None

    [got] = server.customer_messages(CUSTOMER)
    assert got["From"] == "Example Rail <support@example.com>"
    assert got["To"] == CUSTOMER
    assert got["Subject"] == "RE: Cancelled train"  # no second "Re:"
    assert got["Message-ID"] == "<r-0001@example.com>"
    assert got["In-Reply-To"] == "<second@klant.nl>"
    assert got["References"] == "<first@klant.nl> <second@klant.nl>"
    assert got["Bcc"] is None
    assert abs(parsedate_to_datetime(str(got["Date"])).timestamp() - delivered.posted_at) < 1
    assert got.get_content() == "Dear Jan,\n\nYour refund is on its way.\n\nAnna, Example Rail\n"
    [transaction] = server.transactions
    assert transaction.mail_from == "support@example.com"
    assert transaction.rcpt_tos == [CUSTOMER, "support@example.com"]  # + the blind copy

    found = connect(server).lookup(reply)
    assert found is not None
    assert found.platform_post_id == "r-0001@example.com"
    assert found.posted_at == pytest.approx(delivered.posted_at, abs=1)
    # Filed in the sent folder by APPEND, too (lookup searches it first).
    assert connect(server, folder="Sent").fetch(None)[0].skipped == [
        "message 1: sent from our own address support@example.com (our copy)"
    ]
    # The blind copy in the inbox is not a new mention.
    later = only(connect(server).fetch(None))
    assert [m.source_id for m in later.mentions] == ["second@klant.nl"]
    assert later.skipped == ["message 2: sent from our own address support@example.com (our copy)"]


def test_reply_goes_to_reply_to_and_gets_re_prefix(server: MailServer) -> None:
    mention = fetched(server, message(headers={"Reply-To": "Jan <jan.prive@klant.nl>"}))
    connect(server).deliver(reply_to(mention, reference="r-0002"))
    assert server.customer_messages(CUSTOMER) == []
    [got] = server.customer_messages("jan.prive@klant.nl")
    assert got["Subject"] == "Re: Cancelled train"
    assert got["In-Reply-To"] == "<m1@klant.nl>"
    assert got["References"] == "<m1@klant.nl>"


def test_crash_between_send_and_append_is_found_by_lookup(
    server: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    mention = fetched(server, message())
    reply = reply_to(mention, reference="r-crash")

    def crash(self: MailConnector, raw: bytes, now: float) -> None:
        raise RuntimeError("power cut")

    with monkeypatch.context() as patch:
        patch.setattr(MailConnector, "_append_sent", crash)
        with pytest.raises(RuntimeError, match="power cut"):
            connect(server).deliver(reply)
    assert len(server.customer_messages(CUSTOMER)) == 1

    # The retry, as the delivery worker does it: look up first, send only when not found.
    connector = connect(server)
    found = connector.lookup(reply)
    delivered = found or connector.deliver(reply)
    assert found is not None
    assert delivered.platform_post_id == "r-crash@example.com"
    assert len(server.customer_messages(CUSTOMER)) == 1
    assert not (server.maildir / ".Sent").exists()  # never filed: the blind copy did it


def test_smtp_550_is_permanent_with_the_servers_words(server: MailServer) -> None:
    mention = fetched(server, message())
    server.refuse[CUSTOMER] = "550 5.1.1 <jan@klant.nl>: Recipient address rejected: User unknown"
    connector = connect(server)
    reply = reply_to(mention, reference="r-550")
    with pytest.raises(ChannelError) as failed:
        connector.deliver(reply)
    assert failed.value.permanent is True
    assert failed.value.status == 550
    assert failed.value.message == (
        "The mail server refused the recipient jan@klant.nl: 550 5.1.1 <jan@klant.nl>:"
        " Recipient address rejected: User unknown"
    )
    assert server.transactions == []  # nothing sent, not even the blind copy
    assert connector.lookup(reply) is None


def test_a_multi_line_smtp_refusal_is_one_readable_line(server: MailServer) -> None:
    mention = fetched(server, message())
    server.refuse[CUSTOMER] = (
        "550-5.7.1 Message refused by policy.\r\n"
        "550-5.7.1 See https://mail.example.org/policy\r\n"
        "550 5.7.1 <jan@klant.nl>"
    )
    with pytest.raises(ChannelError) as failed:
        connect(server).deliver(reply_to(mention, reference="r-550-lines"))
    assert failed.value.permanent is True
    assert failed.value.message == (
        "The mail server refused the recipient jan@klant.nl: 550 5.7.1 Message refused by"
        " policy. 5.7.1 See https://mail.example.org/policy 5.7.1 <jan@klant.nl>"
    )


def test_smtp_4xx_is_transient(server: MailServer) -> None:
    mention = fetched(server, message())
    server.refuse[CUSTOMER] = "451 4.3.0 Try again later"
    with pytest.raises(ChannelError) as failed:
        connect(server).deliver(reply_to(mention, reference="r-451"))
    assert failed.value.permanent is False
    assert failed.value.message == (
        "The mail server could not take the recipient jan@klant.nl now: 451 4.3.0 Try again later"
    )
    server.refuse.clear()
    assert connect(server).deliver(reply_to(mention, reference="r-451")).platform_post_id == (
        "r-451@example.com"
    )


def test_wrong_password_is_auth_failed() -> None:
    # A Dovecot of its own: after a failed login it slows every login from 127.0.0.1 down for a
    # while ("auth penalty"), which would make the other tests slow.
    with mail_server() as server:
        mention = fetched(server, message())
        bad = registry.create("email", INFO, server.config, {"password": "wrong"}, clock=time.time)
        with pytest.raises(AuthFailed) as failed:
            bad.fetch(None)
        assert failed.value.message == (
            f"The IMAP server refused the login for {server.username}:"
            " [AUTHENTICATIONFAILED] Authentication failed."
        )
        with pytest.raises(AuthFailed) as failed:
            bad.deliver(reply_to(mention))
        assert failed.value.message == (
            f"The SMTP server refused the login for {server.username}:"
            " 535 5.7.8 Authentication credentials invalid"
        )
        assert server.transactions == []


def test_unencrypted_connections_only_to_this_machine() -> None:
    config = {
        "imap_host": "imap.example.com",
        "imap_security": "none",
        "smtp_host": "smtp.example.com",
        "username": "support",
        "address": "support@example.com",
    }
    with pytest.raises(NotConfigured, match='IMAP security "none" would send the password'):
        registry.create("email", INFO, config, {"password": "x"})
    with pytest.raises(NotConfigured, match="SMTP security must be one of ssl, starttls, none"):
        registry.create(
            "email",
            INFO,
            {**config, "imap_security": "ssl", "smtp_security": "tls"},
            {"password": "x"},
        )
    with pytest.raises(NotConfigured, match="Password is not set"):
        registry.create("email", INFO, {**config, "imap_security": "ssl"}, {})


def test_tls_imap_ssl_and_starttls_and_smtp_starttls(server: MailServer) -> None:
    mention = fetched(server, message())
    trusted = server.imap.client_context()
    for security, port in (("ssl", server.imap.tls_port), ("starttls", server.imap.port)):
        config = {
            **server.config,
            "imap_host": "localhost",
            "imap_port": port,
            "imap_security": security,
            "smtp_host": "localhost",
            "smtp_security": "starttls",
        }
        connector = MailConnector(INFO, config, server.secrets, time.time, ssl_context=trusted)
        assert [m.source_id for m in only(connector.fetch(None)).mentions] == ["m1@klant.nl"]
    delivered = connector.deliver(reply_to(mention, reference=f"r-tls-{security}"))
    assert delivered.platform_post_id == "r-tls-starttls@example.com"
    assert len(server.customer_messages(CUSTOMER)) == 1

    # A certificate nobody vouched for is refused before the password is sent.
    untrusted = MailConnector(INFO, config, server.secrets, time.time)
    with pytest.raises(ChannelError, match="CERTIFICATE_VERIFY_FAILED") as failed:
        untrusted.fetch(None)
    assert not isinstance(failed.value, AuthFailed)
    with pytest.raises(ChannelError, match="CERTIFICATE_VERIFY_FAILED"):
        untrusted.deliver(reply_to(mention, reference="r-untrusted"))
    assert len(server.customer_messages(CUSTOMER)) == 1
