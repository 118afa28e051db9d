"""The Team window's API: what leads and admins ask the team server.

Handing a claim to someone, writing templates, reports, the team's settings, accounts, channels
and the audit trail. Only :mod:`webcare.ui.team` uses it (an import-linter contract keeps the
inbox window off it); the agent's calls are in :mod:`webcare.net.agent_api`.
"""

from __future__ import annotations

from typing import Any

from webcare.domain.errors import ValidationError
from webcare.net.agent_api import ApiClient
from webcare.net.urls import api_path
from webcare.net.wire import Json, expect_dict, expect_list


class TeamApi:
    """The lead and admin calls, sent through an agent's :class:`ApiClient`.

    It shares that client's sign-in, sessions and timeouts, and raises the same errors (see
    :class:`~webcare.net.transport.Transport`); the server checks each call's role again
    (:class:`~webcare.domain.errors.PermissionDenied` when it is not allowed).

    Attributes:
        client: The signed-in agent client the calls go through; the Team window also uses it
            for the agent calls it makes (releasing a claim, listing templates).
    """

    def __init__(self, client: ApiClient) -> None:
        self.client = client

    def __repr__(self) -> str:
        return f"TeamApi({self.client.base_url!r})"

    # --- claims -----------------------------------------------------------------------------

    def assign(self, mention_id: int, agent_id: int) -> Json:
        """Lead or admin: hand the mention to another agent (their claim starts now).

        Raises:
            PermissionDenied: Your role may not assign.
        """
        return expect_dict(
            self.client.call(
                "POST",
                api_path("mentions", mention_id, "assign"),
                json_body={"agent_id": agent_id},
            ),
            "the claim",
        )

    # --- contacts: merge and split ----------------------------------------------------------

    def contacts(self, query: str, *, limit: int = 50) -> list[Json]:
        """Lead or admin: contacts whose handle, name or platform id contains ``query``."""
        return expect_list(
            self.client.call("GET", api_path("contacts"), params={"q": query, "limit": limit}),
            "the contacts",
        )

    def merge_suggestions(self) -> list[Json]:
        """Lead or admin: pairs of contacts that may be one person, with the reason."""
        return expect_list(
            self.client.call("GET", api_path("contacts", "suggestions")), "the suggested merges"
        )

    def merge_contacts(self, contact_id: int, into: int) -> Json:
        """Lead or admin: merge ``contact_id`` into ``into`` (the same person).

        Raises:
            ConflictError: The merge would make a chain or a cycle, or it is merged elsewhere.
        """
        return expect_dict(
            self.client.call(
                "POST", api_path("contacts", contact_id, "merge"), json_body={"into": into}
            ),
            "the merge",
        )

    def split_contact(self, contact_id: int) -> Json:
        """Lead or admin: undo ``contact_id``'s merge."""
        return expect_dict(
            self.client.call("POST", api_path("contacts", contact_id, "split")), "the split"
        )

    def dismiss_merge(self, contact_id: int, other_id: int) -> Json:
        """Lead or admin: these two are not one person; stop suggesting them."""
        return expect_dict(
            self.client.call(
                "POST",
                api_path("contacts", "suggestions", "dismiss"),
                json_body={"contact_id": contact_id, "other_id": other_id},
            ),
            "the dismissal",
        )

    # --- templates --------------------------------------------------------------------------

    def create_template(self, fields: Json) -> Json:
        """Admin: create a canned answer.

        Args:
            fields: ``title``, ``body`` and optionally ``language``, ``shortcut``, ``tags``.

        Raises:
            PermissionDenied: Only admins write templates.
            ValidationError: Invalid fields or template variables (server's message).
        """
        return expect_dict(
            self.client.call("POST", api_path("templates"), json_body=fields), "the template"
        )

    def update_template(self, template_id: int, fields: Json, *, version: int) -> Json:
        """Admin: replace a canned answer that was read at ``version``.

        Raises:
            VersionConflict: Someone saved a newer version (``current_version``, ``current``).
            PermissionDenied: Only admins write templates.
        """
        return expect_dict(
            self.client.call(
                "PUT",
                api_path("templates", template_id),
                json_body=fields,
                headers={"If-Match": f'"{int(version)}"'},
            ),
            "the template",
        )

    def set_template_archived(self, template_id: int, archived: bool, *, version: int) -> Json:
        """Admin: archive (hide from agents) or restore a template read at ``version``."""
        action = "archive" if archived else "restore"
        return expect_dict(
            self.client.call(
                "POST",
                api_path("templates", template_id, action),
                headers={"If-Match": f'"{int(version)}"'},
            ),
            "the template",
        )

    # --- reports ----------------------------------------------------------------------------

    def report(self, name: str, **params: Any) -> Any:
        """A report (``response-times``, ``volume``, ``backlog``, ``workload``,
        ``template-usage``) with its query parameters; None values are left out."""
        if name not in ("response-times", "volume", "backlog", "workload", "template-usage"):
            raise ValidationError(f"Unknown report {name!r}.")
        query = {k: v for k, v in params.items() if v is not None}
        for key, value in query.items():
            if isinstance(value, bool):
                query[key] = "true" if value else "false"
        return self.client.call("GET", api_path("reports", name), params=query)

    # --- team settings ----------------------------------------------------------------------

    def settings(self) -> Json:
        return expect_dict(self.client.call("GET", api_path("settings")), "the team settings")

    def put_setting(self, name: str, value: Json) -> Json:
        """Admin: ``business-hours``, ``sla-targets``, ``auto-ack`` or ``priority-rules``."""
        if name not in ("business-hours", "sla-targets", "auto-ack", "priority-rules"):
            raise ValidationError(f"Unknown setting {name!r}.")
        return expect_dict(
            self.client.call("PUT", api_path("settings", name), json_body=value),
            "the team settings",
        )

    # --- accounts ---------------------------------------------------------------------------

    def users(self) -> list[Json]:
        """Admin: every account."""
        return expect_list(self.client.call("GET", api_path("users")), "the accounts")

    def create_user(self, fields: Json) -> Json:
        return expect_dict(
            self.client.call("POST", api_path("users"), json_body=fields), "the account"
        )

    def update_user(self, user_id: int, fields: Json) -> Json:
        return expect_dict(
            self.client.call("PATCH", api_path("users", user_id), json_body=fields), "the account"
        )

    # --- channels ---------------------------------------------------------------------------

    def channels(self) -> list[Json]:
        return expect_list(self.client.call("GET", api_path("channels")), "the channels")

    def set_channel_enabled(self, channel_id: int, enabled: bool) -> Json:
        return expect_dict(
            self.client.call(
                "PATCH", api_path("channels", channel_id), json_body={"enabled": enabled}
            ),
            "the channel",
        )

    def update_channel(self, channel_id: int, fields: Json) -> Json:
        """Admin: enable, rename, change connector, settings (``config``) or ``secrets``."""
        return expect_dict(
            self.client.call("PATCH", api_path("channels", channel_id), json_body=fields),
            "the channel",
        )

    def create_channel(self, fields: Json) -> Json:
        """Admin: a new channel; ``generated_secrets`` holds a webhook's key (shown once)."""
        return expect_dict(
            self.client.call("POST", api_path("channels"), json_body=fields), "the channel"
        )

    def channel_config(self, channel_id: int) -> Json:
        return expect_dict(
            self.client.call("GET", api_path("channels", channel_id, "config")),
            "the channel settings",
        )

    def connectors(self) -> list[Json]:
        return expect_list(self.client.call("GET", api_path("connectors")), "the connectors")

    def fetch_channel_now(self, channel_id: int) -> Json:
        return expect_dict(
            self.client.call("POST", api_path("channels", channel_id, "fetch")), "the channel"
        )

    # --- audit trail ------------------------------------------------------------------------

    def audit(self, **filters: Any) -> list[Json]:
        """Lead/admin: the audit trail, newest first (``entity``, ``actor_id``, ``action``,
        ``before_id``, ``limit``)."""
        query = {k: v for k, v in filters.items() if v not in (None, "")}
        return expect_list(
            self.client.call("GET", api_path("audit"), params=query), "the audit log"
        )
