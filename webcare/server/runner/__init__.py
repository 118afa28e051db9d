"""The team server's channel scheduler and delivery outbox.

One loop thread decides what is due; a small pool runs the connector calls, so one slow or
failing platform never holds up the others. Per channel, at most one fetch and one delivery job
run at a time (each with its own connector instance).

Fetching: a channel is fetched when ``next_fetch_at`` has come. Its mentions, the new cursor and
its health are written in one transaction, so the cursor moves if and only if the mentions are
committed. Errors back off exponentially (with jitter, capped at an hour) or as long as the
platform asked; the last error is kept for admins. A fetch still running with the settings of
before an admin changed them (``updated_at``, the runtime's version) keeps its mentions but
writes no cursor, schedule or error: the new settings are fetched at once, from their own start.

Delivery: each accepted reply is marked ``sending`` (durably) before the platform is called,
then ``sent`` with the platform's post id, or back to ``queued`` with a backoff, or ``failed``
with the platform's words when a retry cannot help. A reply found ``sending`` at start-up was
interrupted by a crash: it is queued again, and because it has been attempted before, the
connector first looks it up by our reference, so it is not posted twice where the platform
allows a lookup (and the platform's idempotency key covers the rest where it offers one). Where
the platform has neither (``ConnectorSpec.resend_unknown`` false: Telegram), such a reply is
marked failed with "may have been posted" instead: an agent looks in the chat and retries only
if it is not there, so the customer is never answered twice by the server on its own.

Long polls (``ConnectorSpec.long_polls``: Telegram's ``getUpdates``) wait at the platform until
something arrives; they run on a pool of their own so they never hold up other channels, and
:meth:`ChannelRunner.stop` interrupts them (nothing is lost: an unconfirmed update comes again).

Media: the files a mention carries wait as ``pending`` rows (written by ingest); a third job
per channel fetches them with the channel's connector, one at a time and outside any
transaction, checks size and type (``services/media.py``), keeps the file and records the
outcome. A transient failure is retried with backoff; one job per channel at a time.

Pushes: deliveries the receiver stored (``push_deliveries``) are parsed here, oldest first,
each marked ``done`` in the same transaction as the mentions and receipts it brought (a crash
in between leaves it ``queued``, and parsing it again changes nothing); one that cannot be read
is marked ``failed`` with its reason and becomes the channel's ``push_error``.

Platform actions (``platform_actions``: hide a comment marked spam) go out like replies: in
order, retried with backoff, ``failed`` with the platform's words when a retry cannot help.

The package: :mod:`.scheduler` (the loop, recovery at start, housekeeping), one module per job
(:mod:`.fetching`, :mod:`.delivery`, :mod:`.media_jobs`, :mod:`.pushes`, :mod:`.actions`) and
:mod:`.core` (what they share).
"""

from webcare.server.runner.core import backoff
from webcare.server.runner.scheduler import ChannelRunner

__all__ = ["ChannelRunner", "backoff"]
