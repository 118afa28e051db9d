"""The agent's API: what the inbox window and its sync loops ask the team server.

Sign-in and the account, the initial sync and the change feed, mentions and claims, the outbox,
templates, a failed reply's retry, a channel's platform templates, and files. The lead and admin
calls of the Team window are in :mod:`webcare.net.team_api`, which this module never needs.
"""

from __future__ import annotations

from typing import cast

from webcare.domain.errors import AuthError
from webcare.domain.wire import (
    BootstrapPage,
    BootstrapRecord,
    ChangesPage,
    PresenceRecord,
    SavedViewRecord,
    UserRecord,
)
from webcare.net.errors import ServerError
from webcare.net.transport import Transport
from webcare.net.urls import api_path
from webcare.net.wire import Json, expect_dict, expect_list


class ApiClient(Transport):
    """The agent's calls to the team server, safe to use from several threads at once.

    Every method raises only :class:`~webcare.domain.errors.WebcareError` subclasses, mapped
    from the answer as :class:`~webcare.net.transport.Transport` lists: ``OfflineError``,
    ``CertificateError``, ``AuthError`` (401), ``PermissionDenied`` (403), ``NotFoundError``
    (404), ``ClaimConflict`` / ``OutboxOutOfStep`` / ``ConflictError`` (409), ``CursorGone``
    (410), ``VersionConflict`` (412), ``ValidationError`` (400, 413, 422, 428),
    ``TransientError`` (429, 502-504), ``OutboxInterrupted`` and ``ServerError``.

    Attributes:
        base_url: The normalized server address (no trailing slash).
        host: The server's host name, for messages.
        verify: ``True`` (system CAs) or the path of a CA bundle, as given to ``requests``.
        connect_timeout: Seconds to wait for a connection.
        read_timeout: Seconds to wait for an answer (a long-poll adds its ``wait``).
    """

    # --- sign-in ----------------------------------------------------------------------------

    def login(
        self, username: str, password: str, client_name: str = "", device_id: str | None = None
    ) -> Json:
        """Sign in and keep the new token for the following calls.

        Args:
            username: The account name (not case-sensitive on the server).
            password: The account's password; sent once, never stored.
            client_name: A label for this session in the server's token list.
            device_id: This installation's random id (16-128 letters, digits, ``-``, ``_``).
                Once it has signed in to the account, other people's failed sign-ins never
                throttle it; only its own do.

        Returns:
            ``{"token", "expires_at", "user"}``.

        Raises:
            AuthError: Wrong username or password, or a disabled account (server's message).
            TransientError: Too many failed sign-ins (``retry_after_s`` says how long).
        """
        result = expect_dict(
            self.call(
                "POST",
                api_path("auth", "login"),
                json_body={
                    "username": username,
                    "password": password,
                    "client_name": client_name,
                    **({"device_id": device_id} if device_id else {}),
                },
                auth=False,
            ),
            "the sign-in",
        )
        token = result.get("token")
        if not isinstance(token, str) or not token:
            raise ServerError("The team server accepted the sign-in but sent no token.")
        self.token = token
        return result

    def logout(self) -> None:
        """End this token's session on the server and forget the token.

        The token is forgotten locally even when the server cannot be told (it then stays
        valid on the server until it expires). A token the server already rejects counts as
        signed out.

        Raises:
            OfflineError: The server could not be told.
        """
        if self.token is None:
            return
        try:
            self.call("POST", api_path("auth", "logout"))
        except AuthError:
            pass  # expired or revoked already: that is what logging out wanted
        finally:
            self.token = None

    def me(self) -> UserRecord:
        """The signed-in account (``id``, ``username``, ``display_name``, ``role``, ...)."""
        return cast("UserRecord", expect_dict(self.call("GET", api_path("me")), "your account"))

    def update_me(self, fields: Json) -> UserRecord:
        """Change your own ``display_name``, ``signature`` or ``availability``
        (``"available"`` / ``"away"``); the server answers with the account."""
        answer = self.call("PATCH", api_path("me"), json_body=fields)
        return cast("UserRecord", expect_dict(answer, "your account"))

    def health(self) -> Json:
        """Liveness and identity of the server: ``{"status", "version", "db_id"}`` (no sign-in
        needed)."""
        return expect_dict(self.call("GET", api_path("health"), auth=False), "its status")

    # --- sync -------------------------------------------------------------------------------

    def bootstrap(self) -> BootstrapRecord:
        """The cursor to sync from, the small entities (users, channels, templates) and counts
        of the big ones."""
        answer = self.call("GET", api_path("bootstrap"))
        return cast("BootstrapRecord", expect_dict(answer, "the initial sync"))

    def bootstrap_page(self, entity: str, after: int = 0, limit: int = 1000) -> BootstrapPage:
        """One keyset page of a big entity.

        Args:
            entity: ``"mentions"``, ``"contacts"``, ``"replies"`` or ``"notes"``.
            after: Continue after this id (``next_after`` of the previous page; 0 to start).
            limit: Page size (the server may cap it).

        Returns:
            ``{"items": [...], "next_after": int | None}``.
        """
        answer = self.call(
            "GET", api_path("bootstrap", entity), params={"after": after, "limit": limit}
        )
        return cast("BootstrapPage", expect_dict(answer, "a page of the initial sync"))

    def changes(self, since: int, *, limit: int = 500, wait: float = 0.0) -> ChangesPage:
        """The changes after cursor ``since``, waiting up to ``wait`` seconds for one.

        The read timeout is ``wait + read_timeout``, so a long-poll that waits its full time
        is not taken for a dead server.

        Args:
            since: The last cursor the client stored.
            limit: At most this many changes.
            wait: Seconds the server may hold the request while nothing changes (long-poll).

        Returns:
            ``{"db_id", "changes", "cursor", "has_more", "head"}``.

        Raises:
            CursorGone: The cursor cannot be served; bootstrap again.
        """
        wait = max(0.0, float(wait))
        answer = self.call(
            "GET",
            api_path("changes"),
            params={"since": since, "limit": limit, "wait": wait},
            read_timeout=wait + self.read_timeout,
        )
        return cast("ChangesPage", expect_dict(answer, "a page of changes"))

    # --- mentions and claims ----------------------------------------------------------------

    def mention(self, mention_id: int) -> Json:
        """A mention with its contact, replies and notes."""
        return expect_dict(self.call("GET", api_path("mentions", mention_id)), "the mention")

    def contact(self, contact_id: int) -> Json:
        """An author with their whole history with the team (mentions and replies)."""
        return expect_dict(self.call("GET", api_path("contacts", contact_id)), "the contact")

    def claim(self, mention_id: int) -> Json:
        """Claim a mention (or renew your own claim).

        Returns:
            ``{"result": "granted" | "renewed", "mention": {...}}``.

        Raises:
            ClaimConflict: Someone else holds it (``holder_name``, ``lease_remaining_s``).
            ConflictError: The mention is closed or spam.
        """
        return self._claim_call(mention_id, "claim")

    def renew(self, mention_id: int) -> Json:
        """Extend your claim's lease.

        Raises:
            ClaimConflict: You do not hold the claim (any more).
        """
        return self._claim_call(mention_id, "renew")

    def release(self, mention_id: int) -> Json:
        """Give up your claim (leads and admins may release anyone's).

        Raises:
            ClaimConflict: Someone else holds it and you may not release it.
        """
        return self._claim_call(mention_id, "release")

    def handover(
        self, mention_id: int, to_user_id: int, note: str = "", op_id: str | None = None
    ) -> Json:
        """Hand a mention you hold over to a colleague, with a note for them (plain text, at
        most 500 characters). Their claim starts now under a new epoch: your queued reply to
        it is refused from then on.

        Args:
            mention_id: The mention (yours; a lead's: any open one).
            to_user_id: The colleague (an enabled account that can sign in, not you).
            note: What they should know ("Lars knows this customer"); may be empty.
            op_id: This request's id: sending it again after a lost answer does nothing twice.

        Returns:
            ``{"result": "handed_over", "replayed", "mention": {...}, "note": {...}}``.

        Raises:
            ClaimConflict: Someone else holds it.
            ConflictError: You do not hold it, it is closed or spam, or the colleague already
                holds it.
            ValidationError: The colleague cannot take it (unknown, disabled, imported, you)
                or the note is too long.
        """
        body: Json = {"to_user_id": to_user_id, "note": note}
        if op_id is not None:
            body["op_id"] = op_id
        answer = self.call("POST", api_path("mentions", mention_id, "handover"), json_body=body)
        return expect_dict(answer, "the hand-over")

    def presence(self) -> list[PresenceRecord]:
        """Everyone who can take mentions, with ``presence`` ``online`` | ``away`` |
        ``offline`` (the server's view of who is connected), sorted by name."""
        answer = expect_list(self.call("GET", api_path("presence")), "who is online")
        return cast("list[PresenceRecord]", answer)

    def _claim_call(self, mention_id: int, action: str) -> Json:
        return expect_dict(self.call("POST", api_path("mentions", mention_id, action)), "the claim")

    # --- the outbox -------------------------------------------------------------------------

    def post_mutations(self, client_id: str, mutations: list[Json]) -> Json:
        """Send a batch of outbox writes in order.

        Args:
            client_id: This client's outbox id.
            mutations: Writes with contiguous ``client_seq`` and unique ``op_id``.

        Returns:
            ``{"results": [...], "last_seq": int}``; refusals are results, not errors.

        Raises:
            OutboxOutOfStep: ``gap`` or ``seq_conflict`` (with ``last_seq`` and ``results``).
            OutboxInterrupted: The server stopped part-way (busy, disk full): ``results`` are
                the writes it applied before that (none: nothing was changed).
            TransientError: The server could not be reached or could not apply it now; send
                the batch again later (writes it did apply are replayed, not repeated).
        """
        return expect_dict(
            self.call(
                "POST",
                api_path("mutations"),
                json_body={"client_id": client_id, "mutations": mutations},
            ),
            "the outbox results",
        )

    def client_state(self, client_id: str) -> int:
        """The last outbox ``client_seq`` the server applied for ``client_id`` (0: none)."""
        result = expect_dict(self.call("GET", api_path("clients", client_id)), "the outbox state")
        last_seq = result.get("last_seq")
        if not isinstance(last_seq, int) or isinstance(last_seq, bool):
            raise ServerError(
                "The team server sent the outbox state in a form Webcare cannot read."
            )
        return last_seq

    # --- templates --------------------------------------------------------------------------

    def templates(self, include_archived: bool = False) -> list[Json]:
        """The canned answers (archived ones too with ``include_archived``)."""
        return expect_list(
            self.call(
                "GET",
                api_path("templates"),
                params={"include_archived": "true" if include_archived else "false"},
            ),
            "the templates",
        )

    def business_hours(self) -> Json:
        """The team's time zone, opening hours and holidays (what a snooze's "tomorrow 9:00"
        and "next business day" are computed in): ``timezone``, ``weekly``, ``holidays``."""
        return expect_dict(self.call("GET", api_path("business-hours")), "the team's hours")

    # --- saved views ------------------------------------------------------------------------

    def saved_views(self) -> list[SavedViewRecord]:
        """My saved views and the team's published ones (the feed keeps the local copy)."""
        answer = expect_list(self.call("GET", api_path("views")), "the saved views")
        return cast("list[SavedViewRecord]", answer)

    def create_view(self, fields: Json) -> SavedViewRecord:
        """Save a view: ``name``, ``base``, ``search``, ``status``, ``channel_id``,
        ``min_priority``, ``sort``, ``published`` (leads). ``ValidationError`` for a name in
        use, a search the server cannot read, too many views; ``PermissionDenied`` for an agent
        publishing."""
        answer = self.call("POST", api_path("views"), json_body=fields)
        return cast("SavedViewRecord", expect_dict(answer, "the saved view"))

    def update_view(self, view_id: int, fields: Json) -> SavedViewRecord:
        """Rename or change a view, publish or unpublish it (the fields given change)."""
        answer = self.call("PATCH", api_path("views", view_id), json_body=fields)
        return cast("SavedViewRecord", expect_dict(answer, "the saved view"))

    def delete_view(self, view_id: int) -> None:
        self.call("DELETE", api_path("views", view_id))

    # --- replies and their channel ----------------------------------------------------------

    def platform_templates(self, channel_id: int, *, refresh: bool = False) -> Json:
        """The channel's approved platform templates (WhatsApp): ``templates``, ``unsupported``,
        ``fetched_at``, ``error``; ``available`` is false for a channel without them."""
        params = {"refresh": "true"} if refresh else None
        return expect_dict(
            self.call("GET", api_path("channels", channel_id, "platform-templates"), params=params),
            "the templates",
        )

    def retry_delivery(self, reply_id: str) -> Json:
        """Queue a failed reply for delivery again (its author or a lead)."""
        return expect_dict(self.call("POST", api_path("replies", reply_id, "retry")), "the reply")

    # --- media --------------------------------------------------------------------------------

    def media(self, media_id: int, *, max_bytes: int = 1024**3) -> bytes:
        """The bytes of a kept file (a mention's, or an image attached to a reply), from our
        own server only: the client never fetches a platform's URL. Read as a stream that stops
        at ``max_bytes`` (:class:`ValidationError` past it)."""
        return self.download(api_path("media", media_id), max_bytes=max_bytes)

    def upload_media(
        self, data: bytes, content_type: str, *, filename: str | None = None,
        caption: str | None = None,
    ) -> Json:  # fmt: skip
        """Upload an image to attach to a reply (``media_ids``); its ``media`` record. The same
        bytes again give the same record (safe to retry)."""
        params = {k: v for k, v in (("filename", filename), ("caption", caption)) if v}
        uploaded = self.upload(api_path("media"), data, content_type, params=params or None)
        return expect_dict(uploaded, "the uploaded image")
