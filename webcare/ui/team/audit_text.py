"""The audit log in words: what an action was and what changed, for a lead to read.

Entries come from the server (``GET /v1/audit``) with ``entity_label``, ``mention_id`` and
``names`` filled in there (so they read well for data this client never synced). Everything
here is pure formatting: one short sentence per entry, translated, never raw JSON. An action
this client does not know yet still reads as "key: value" pairs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication

from webcare.ui.team.common import duration, number, priority_name, role_name, status_name
from webcare.ui.text import minutes


def _t(text: str) -> str:
    return QCoreApplication.translate("Audit", text)


def action_names() -> dict[str, str]:
    """Every action the server records, as a lead would say it (also the filter's choices)."""
    return {
        "auth.login": _t("Signed in"),
        "auth.logout": _t("Signed out"),
        "claim.grant": _t("Claimed"),
        "claim.release": _t("Released"),
        "claim.assign": _t("Reassigned"),
        "claim.expire": _t("Claim expired"),
        "reply.accept": _t("Replied"),
        "reply.delivered": _t("Reply delivered"),
        "reply.delivery_failed": _t("Delivery failed"),
        "reply.retry": _t("Delivery retried"),
        "note.add": _t("Note added"),
        "mention.status": _t("Status changed"),
        "mention.tags": _t("Tags changed"),
        "mention.priority": _t("Priority changed"),
        "auto_ack.sent": _t("Out-of-hours reply sent"),
        "auto_ack.skipped": _t("Out-of-hours reply skipped"),
        "template.create": _t("Template added"),
        "template.update": _t("Template edited"),
        "template.archive": _t("Template archived"),
        "template.restore": _t("Template restored"),
        "user.create": _t("Account added"),
        "user.update": _t("Account changed"),
        "channel.create": _t("Channel added"),
        "channel.update": _t("Channel changed"),
        "channel.fetch_now": _t("Fetch requested"),
        "channel.error": _t("Fetch failed"),
        "channel.recovered": _t("Fetching again"),
        "ingest": _t("Mentions fetched"),
        "settings.business_hours": _t("Business hours changed"),
        "settings.sla_targets": _t("SLA targets changed"),
        "settings.auto_ack": _t("Out-of-hours reply changed"),
        "settings.priority_rules": _t("Priority rules changed"),
    }


def action_text(action: str) -> str:
    return action_names().get(action, action)


def actor_text(entry: dict[str, Any]) -> str:
    """Who did it: the display name, else the username, else "system" (the server itself)."""
    return str(entry.get("actor_name") or entry.get("actor_username") or _t("system"))


def subject_text(entry: dict[str, Any]) -> str:
    """What it was about: '@105848', 'Eva', 'Excuses en DM', 'Business hours'."""
    label = entry.get("entity_label")
    if label:
        return str(label)
    entity, key = str(entry.get("entity", "")), str(entry.get("entity_id", ""))
    settings = {
        "business_hours": _t("Business hours"),
        "sla_targets": _t("SLA targets"),
        "auto_ack": _t("Out-of-hours reply"),
        "priority_rules": _t("Priority rules"),
    }
    if entity == "settings":
        return settings.get(key, key)
    kinds = {
        "mention": _t("mention {id}"),
        "reply": _t("reply {id}"),
        "user": _t("account {id}"),
        "template": _t("template {id}"),
        "channel": _t("channel {id}"),
    }
    return kinds.get(entity, "{entity} {id}").format(entity=entity, id=key[:12])


def detail_text(entry: dict[str, Any]) -> str:
    """What happened, in a short sentence: 'status open → closed', 'assigned to Tom (was Eva)'."""
    d: dict[str, Any] = entry.get("detail") if isinstance(entry.get("detail"), dict) else {}  # type: ignore[assignment]
    names: dict[str, str] = entry.get("names") or {}

    def who(user_id: Any) -> str:
        if user_id is None:
            return _t("nobody")
        return names.get(str(user_id)) or _t("account {id}").format(id=user_id)

    describe = _DESCRIBE.get(str(entry.get("action", "")))
    if describe is not None:
        return describe(d, who)
    return _pairs(d)


def _pairs(d: dict[str, Any]) -> str:
    """An unknown action's detail as 'key: value' pairs (never JSON braces and quotes)."""
    parts = []
    for key, value in sorted(d.items()):
        if isinstance(value, list):
            shown = ", ".join(str(v) for v in value)
        else:
            shown = "–" if value is None else str(value)
        parts.append(f"{key.replace('_', ' ')}: {shown}")
    return "; ".join(parts)


Who = Callable[[Any], str]


def _claim_grant(d: dict[str, Any], who: Who) -> str:
    if d.get("renewed"):
        return _t("claim renewed")
    if d.get("previous_holder"):
        return _t("taken over from {name}").format(name=who(d["previous_holder"]))
    return ""


def _claim_release(d: dict[str, Any], who: Who) -> str:
    if d.get("reason") == "disabled":
        return _t("released: the account was disabled")
    if d.get("forced") and d.get("holder"):
        return _t("the claim of {name}").format(name=who(d["holder"]))
    return ""


def _claim_assign(d: dict[str, Any], who: Who) -> str:
    if d.get("previous_holder") and d.get("previous_holder") != d.get("to"):
        return _t("assigned to {to} (was {was})").format(
            to=who(d.get("to")), was=who(d["previous_holder"])
        )
    return _t("assigned to {to}").format(to=who(d.get("to")))


def _status(d: dict[str, Any], _who: Who) -> str:
    return _t("status {old} → {new}").format(
        old=status_name(str(d.get("previous", "?"))), new=status_name(str(d.get("status", "?")))
    )


def _tags(d: dict[str, Any], _who: Who) -> str:
    tags = [str(t) for t in d.get("tags") or []]
    return _t("tags: {tags}").format(tags=", ".join(tags)) if tags else _t("tags removed")


def _priority(d: dict[str, Any], _who: Who) -> str:
    return _t("priority → {p}").format(p=priority_name(d.get("priority")))


def _delivered(d: dict[str, Any], _who: Who) -> str:
    if d.get("found_by_lookup"):
        return _t("found on the platform after a retry")
    return ""


def _delivery_failed(d: dict[str, Any], _who: Who) -> str:
    return _t("gave up after {n} attempt(s): {error}").format(
        n=d.get("attempts", "?"), error=d.get("error", "")
    )


def _login(d: dict[str, Any], _who: Who) -> str:
    return _t("from {client}").format(client=d["label"]) if d.get("label") else ""


def _user_create(d: dict[str, Any], _who: Who) -> str:
    return _t("{username}, role {role}").format(
        username=d.get("username", ""), role=role_name(str(d.get("role", "")))
    )


def _user_update(d: dict[str, Any], _who: Who) -> str:
    parts = []
    if "display_name" in d:
        parts.append(_t("name → {v}").format(v=d["display_name"]))
    if "signature" in d:
        parts.append(_t("signature → {v}").format(v=d["signature"] or "–"))
    if "role" in d:
        parts.append(_t("role → {v}").format(v=role_name(str(d["role"]))))
    if "disabled" in d:
        parts.append(_t("disabled") if d["disabled"] else _t("enabled again"))
    if d.get("password"):
        parts.append(_t("password reset"))
    if d.get("via") == "cli":
        parts.append(_t("(on the server's command line)"))
    return ", ".join(parts)


def _channel_create(d: dict[str, Any], _who: Who) -> str:
    if d.get("connector"):
        return _t("{name} ({connector})").format(name=d.get("name", ""), connector=d["connector"])
    return str(d.get("name", ""))


def _channel_update(d: dict[str, Any], _who: Who) -> str:
    parts = []
    if "enabled" in d:
        parts.append(_t("switched on") if d["enabled"] else _t("switched off"))
    if "name" in d:
        parts.append(_t("name → {v}").format(v=d["name"]))
    if "connector" in d:
        parts.append(_t("connector → {v}").format(v=d["connector"]))
    if d.get("config"):
        parts.append(_t("settings changed: {v}").format(v=", ".join(map(str, d["config"]))))
    if d.get("secrets"):
        parts.append(_t("secrets changed: {v}").format(v=", ".join(map(str, d["secrets"]))))
    if "interval_s" in d:
        parts.append(_t("fetch every {v}").format(v=duration(d["interval_s"])))
    return ", ".join(parts)


def _channel_error(d: dict[str, Any], _who: Who) -> str:
    if d.get("retry_in_s") is not None:
        return _t("{error} (trying again in {delay})").format(
            error=d.get("error", ""), delay=duration(d["retry_in_s"])
        )
    return str(d.get("error", ""))


def _ingest(d: dict[str, Any], _who: Who) -> str:
    return _t("{m} new mention(s), {r} reply(ies)").format(
        m=number(d.get("mentions", 0)), r=number(d.get("replies", 0))
    )


def _template(d: dict[str, Any], _who: Who) -> str:
    """The title is in the "what" column already; an edit adds its version."""
    return _t("version {v}").format(v=d["version"]) if "version" in d else ""


def _business_hours(d: dict[str, Any], _who: Who) -> str:
    return _t("time zone {tz}").format(tz=d["timezone"]) if d.get("timezone") else ""


def _sla(d: dict[str, Any], _who: Who) -> str:
    order = ("urgent", "high", "normal", "low")
    return ", ".join(
        f"{priority_name(key)} {minutes(d[key])}" for key in order if d.get(key) is not None
    )


def _auto_ack(d: dict[str, Any], _who: Who) -> str:
    return _t("on") if d.get("enabled") else _t("off")


def _skipped(d: dict[str, Any], _who: Who) -> str:
    return str(d.get("reason", ""))


def _nothing(_d: dict[str, Any], _who: Who) -> str:
    return ""


_DESCRIBE: dict[str, Callable[[dict[str, Any], Who], str]] = {
    "auth.login": _login,
    "auth.logout": _nothing,
    "claim.grant": _claim_grant,
    "claim.release": _claim_release,
    "claim.assign": _claim_assign,
    "claim.expire": lambda d, who: _t("{name} held it until the claim ran out").format(
        name=who(d.get("holder"))
    ),
    "reply.accept": _nothing,
    "reply.delivered": _delivered,
    "reply.delivery_failed": _delivery_failed,
    "reply.retry": _nothing,
    "note.add": _nothing,
    "mention.status": _status,
    "mention.tags": _tags,
    "mention.priority": _priority,
    "auto_ack.sent": _nothing,
    "auto_ack.skipped": _skipped,
    "template.create": _template,
    "template.update": _template,
    "template.archive": _nothing,
    "template.restore": _nothing,
    "user.create": _user_create,
    "user.update": _user_update,
    "channel.create": _channel_create,
    "channel.update": _channel_update,
    "channel.fetch_now": _nothing,
    "channel.error": _channel_error,
    "channel.recovered": _nothing,
    "ingest": _ingest,
    "settings.business_hours": _business_hours,
    "settings.sla_targets": _sla,
    "settings.auto_ack": _auto_ack,
    "settings.priority_rules": _nothing,
}
