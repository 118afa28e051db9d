"""E-mail: a support mailbox read over IMAP, replies sent over SMTP.

Reading (``fetch``): the configured folder is opened read-only and messages are fetched with
``BODY.PEEK[]``, so nothing is marked as read for the people who also use the mailbox in a mail
client. The cursor is ``"<UIDVALIDITY>:<last UID read>"``. When the server renumbers the folder
(a new UIDVALIDITY), or on the very first fetch, the messages of the last ``BACKFILL_DAYS`` days
are read again: mentions are deduplicated by Message-ID on the team server, so that is harmless.

A message becomes a mention with the Message-ID (without angle brackets) as ``source_id``, the
subject and the body (plain text preferred, HTML converted, quoted history dropped) as text, and
what a reply needs (Message-ID, References, Subject, Reply-To) in ``meta``. Our own copies (sent
from the support address) and machine-made mail (auto-replies, bounces) are skipped, with a
reason.

Attachments (parts with ``Content-Disposition: attachment``, and inline images) become
:class:`MediaRef` records whose ref names the message and the part: folder, UIDVALIDITY, UID,
the IMAP section number and the part's transfer encoding. ``fetch_media`` reads exactly that
part again over IMAP (``BODY.PEEK[<section>]<0.N>``, never more than the limit needs) and
decodes it, so the team server gets the file the customer sent, whatever its size, even when
the message was larger than what ``fetch`` reads of it. Parts whose headers lie past the first
``MAX_MESSAGE_BYTES`` of a message are not seen. A reply's images go out as MIME attachments.

Replying (``deliver``): one SMTP transaction to the customer plus a blind copy to the support
address itself, then an IMAP APPEND to the sent folder. The Message-ID is derived from our reply
id (``<reference@domain>``), so a retry after a crash can *search* for it (``lookup``) in the
sent folder and in the inbox (where the blind copy lands even if the APPEND never happened).

The package: :mod:`.message` reads a message, :mod:`.imap` speaks IMAP's details, :mod:`.connector`
holds the settings and the connector.
"""

from webcare.channels.mail.connector import SPEC, MailConnector

__all__ = ["SPEC", "MailConnector"]
