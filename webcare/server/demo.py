"""A team server seeded with real sample mentions, demo accounts and canned answers."""

from __future__ import annotations

import tempfile
import time
from contextlib import ExitStack
from importlib import resources
from pathlib import Path

from webcare.channels.base import Author, Batch, ChannelInfo, IncomingMention
from webcare.domain.models import Role
from webcare.domain.saved_views import SavedViewFields
from webcare.domain.templates import TemplateFields
from webcare.server.config import ServerConfig
from webcare.server.run import serve_forever
from webcare.server.services import accounts, ingest
from webcare.server.services import saved_views as saved_view_service
from webcare.server.services import templates as template_service
from webcare.server.services.import_twcs import import_file
from webcare.storage.db import Database
from webcare.storage.server_schema import open_server_db

DEMO_PASSWORD = "webcare-demo"  # noqa: S105 - published demo password
DEMO_ACCOUNTS = (
    ("eva", "Eva", "^Eva", Role.AGENT),
    ("lars", "Lars", "^Lars", Role.LEAD),
    ("anna", "Anna", "^Anna", Role.ADMIN),
)
DEMO_TEMPLATES = (
    ("Excuses en DM", "nl", "dm", ("dm",),
     "Hoi {{customer_name}}, wat vervelend om te lezen! Stuur je ons een DM met je"
     " klantnummer? Dan zoeken we het voor je uit. {{agent_signature}}"),
    ("Storing bekend", "nl", "storing", ("storing",),
     "Hoi {{customer_name}}, er is op dit moment een storing. Onze collega's werken aan een"
     " oplossing. Excuses voor het ongemak! {{agent_signature}}"),
    ("Graag gedaan", "nl", "bedankt", (),
     "Graag gedaan, {{customer_name}}! Fijne dag nog. {{agent_signature}}"),
    ("Bestelling onderweg", "nl", "bestelling", ("bestelling",),
     "Hoi {{customer_name}}, je bestelling {{ask:ordernummer}} is onderweg en wordt"
     " {{ask:bezorgdag}} bezorgd. {{agent_signature}}"),
    ("Apology and DM", "en", "dm-en", ("dm",),
     "Hi {{customer_name}}, sorry to hear that! Could you DM us the details so we can look"
     " into it for you? {{agent_signature}}"),
    ("Known issue", "en", "outage-en", ("outage",),
     "Hi {{customer_name}}, we know about this issue and our team is working on a fix."
     " Thanks for your patience! {{agent_signature}}"),
    ("Order on its way", "en", "order-en", ("order",),
     "Hi {{customer_name}}, your order {{ask:order number}} is on its way and arrives"
     " {{ask:delivery day}}. {{agent_signature}}"),
    ("You're welcome", "en", "thanks-en", (),
     "You're welcome, {{customer_name}}! Have a great day. {{agent_signature}}"),
)  # fmt: skip
#: saved views: (owner, name, base view, search, sort, published): the lead's for the team,
#: and one of eva's own (the inbox screenshot shows both with their counters)
DEMO_VIEWS = (
    ("lars", "Apple support", "unclaimed", "applesupport", "newest", True),
    ("eva", "Updates, oldest first", "all", "update", "oldest", False),
)


def sample_path(stack: ExitStack) -> Path:
    """The bundled twcs sample (real tweets from the public corpus)."""
    ref = resources.files("webcare").joinpath("data/twcs_sample.csv")
    return stack.enter_context(resources.as_file(ref))


def seed(db: Database, now: float) -> None:
    """Import the sample and add demo accounts and templates (each only once).

    The sample is from October 2017; the demo moves all of its times by one offset so that its
    newest tweet is two minutes old: waiting times, SLA state and the first response of a reply
    written now are live figures, and the spacing of the sample stays as it was.
    """
    with ExitStack() as stack:
        import_file(db, sample_path(stack), now=now, shift_to_now=True)
    with db.read() as conn:
        existing = {r[0] for r in conn.execute("SELECT username FROM users")}
        has_templates = conn.execute("SELECT 1 FROM templates LIMIT 1").fetchone() is not None
    for username, name, signature, role in DEMO_ACCOUNTS:
        if username not in existing:
            accounts.create_user(
                db,
                username=username,
                display_name=name,
                signature=signature,
                role=role,
                password=DEMO_PASSWORD,
                now=now,
            )
    with db.write() as conn:
        # Replies in the demo go through the real delivery outbox to a practice connector:
        # they show up as sent, and nothing is posted anywhere.
        conn.execute(
            "UPDATE channels SET connector = 'sandbox', interval_s = 3600 WHERE connector IS NULL"
        )
    if not has_templates:
        with db.write() as conn:
            for title, language, shortcut, tags, body in DEMO_TEMPLATES:
                fields = TemplateFields.create(
                    title=title, body=body, language=language, shortcut=shortcut, tags=tags
                )
                template_service.insert(conn, fields, None, now)
    with db.write() as conn:
        if conn.execute("SELECT 1 FROM saved_views LIMIT 1").fetchone() is None:
            ids = dict(conn.execute("SELECT username, id FROM users").fetchall())
            for owner, name, base, search, sort, published in DEMO_VIEWS:
                view = SavedViewFields.create(name=name, base=base, search=search, sort=sort)
                saved_view_service.insert(conn, ids[owner], view, published, now)


#: People who wrote on more than one channel (the Contacts tab's suggested merges):
#: (channel kind, channel name, platform user id, handle, name, minutes ago, text)
DEMO_PEOPLE = (
    ("mastodon", "@Webcare on Mastodon", "109001", "@sanne@mastodon.example", "Sanne de Vries",
     300, "My router keeps dropping the connection every evening"),
    ("twitter", "@Webcare on X", "4410001", "@Sanne", "Sanne de Vries",
     120, "@Webcare still the same problem with my router, any news?"),
    ("email", "Webcare e-mail", "pieter.jansen@example.org", "pieter.jansen@example.org",
     "Pieter Jansen", 600, "Question about my invoice of November"),
    ("webhook", "Webcare web form", "form-7731", "Pieter.Jansen@Example.org", "Pieter Jansen",
     90, "I sent an e-mail about my invoice last week and heard nothing"),
    ("bluesky", "@webcare.example on Bluesky", "did:plc:lotte", "lottevb.bsky.social",
     "Lotte", 240, "Is there an outage in Utrecht right now?"),
    ("mastodon", "@Webcare on Mastodon", "109002", "@LotteVB@social.example", "Lotte",
     30, "Outage in Utrecht again, third time this week"),
    ("twitter", "@Webcare on X", "4410002", "@bram_k", "Bram",
     45, "@Webcare thanks for the quick help yesterday!"),
)  # fmt: skip


def seed_people(db: Database, now: float) -> None:
    """Ingest :data:`DEMO_PEOPLE` (through the real ingest path, as history): the same person
    on Mastodon and X, the same e-mail address by mail and by web form, one handle on Bluesky
    and Mastodon — the suggestions the Contacts tab shows."""
    channels: dict[tuple[str, str], list[IncomingMention]] = {}
    for n, (kind, channel, user_id, handle, name, minutes, text) in enumerate(DEMO_PEOPLE):
        channels.setdefault((kind, channel), []).append(
            IncomingMention(
                source_id=f"demo-person-{n}",
                author=Author(platform_user_id=user_id, handle=handle, name=name),
                text=text,
                created_at=now - minutes * 60,
            )
        )
    for (kind, channel), mentions in channels.items():
        info = ChannelInfo(kind=kind, name=channel, brand="Webcare", handle="@Webcare")
        ingest.ingest(db, Batch(channel=info, mentions=mentions), now, history=True)


def run_demo_server(*, host: str, port: int, db: Path | None) -> int:
    """``webcare demo`` before the desktop client: serve seeded data in the foreground."""
    with tempfile.TemporaryDirectory(prefix="webcare-demo-") as tmp:
        path = db or Path(tmp) / "demo.db"
        database = open_server_db(path)
        try:
            seed(database, time.time())
        finally:
            database.close()
        print(f"Demo database: {path}")
        print(
            "Demo accounts (password '"
            + DEMO_PASSWORD
            + "'): "
            + ", ".join(f"{u} ({r.value})" for u, _n, _s, r in DEMO_ACCOUNTS)
        )
        serve_forever(ServerConfig(db_path=path), host, port)
    return 0
