"""The audit log in words: what an action was and what changed, for a lead to read.

Entries come from the server (``GET /v1/audit``) with ``entity_label``, ``mention_id`` and
``names`` filled in there (so they read well for data this client never synced). Everything
here is pure formatting: one short sentence per entry, translated, never raw JSON. An action
this client does not know yet still reads as "key: value" pairs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from webcare.ui.team.common import duration, number, priority_name, role_name, status_name
from webcare.ui.text import minutes, one_line


def action_names() -> dict[str, str]:
    """Every action the server records, as a lead would say it (also the filter's choices)."""
    return {
        "auth.login": QCoreApplication.translate("Audit", "Signed in"),
        "auth.logout": QCoreApplication.translate("Audit", "Signed out"),
        "claim.grant": QCoreApplication.translate("Audit", "Claimed"),
        "claim.release": QCoreApplication.translate("Audit", "Released"),
        "claim.assign": QCoreApplication.translate("Audit", "Reassigned"),
        "claim.handover": QCoreApplication.translate("Audit", "Handed over"),
        "claim.expire": QCoreApplication.translate("Audit", "Claim expired"),
        "reply.accept": QCoreApplication.translate("Audit", "Replied"),
        "reply.delivered": QCoreApplication.translate("Audit", "Reply delivered"),
        "reply.delivery_failed": QCoreApplication.translate("Audit", "Delivery failed"),
        "reply.retry": QCoreApplication.translate("Audit", "Delivery retried"),
        "note.add": QCoreApplication.translate("Audit", "Note added"),
        "mention.status": QCoreApplication.translate("Audit", "Status changed"),
        "mention.tags": QCoreApplication.translate("Audit", "Tags changed"),
        "mention.priority": QCoreApplication.translate("Audit", "Priority changed"),
        "mention.snooze": QCoreApplication.translate("Audit", "Snoozed"),
        "mention.unsnooze": QCoreApplication.translate("Audit", "Snooze ended"),
        "snooze.wake": QCoreApplication.translate("Audit", "Woke from snooze"),
        "auto_ack.sent": QCoreApplication.translate("Audit", "Out-of-hours reply sent"),
        "auto_ack.skipped": QCoreApplication.translate("Audit", "Out-of-hours reply skipped"),
        "template.create": QCoreApplication.translate("Audit", "Template added"),
        "template.update": QCoreApplication.translate("Audit", "Template edited"),
        "template.archive": QCoreApplication.translate("Audit", "Template archived"),
        "template.restore": QCoreApplication.translate("Audit", "Template restored"),
        "view.publish": QCoreApplication.translate("Audit", "View published to the team"),
        "view.update": QCoreApplication.translate("Audit", "Team view changed"),
        "view.unpublish": QCoreApplication.translate("Audit", "Team view made personal"),
        "view.delete": QCoreApplication.translate("Audit", "Team view deleted"),
        "user.create": QCoreApplication.translate("Audit", "Account added"),
        "user.update": QCoreApplication.translate("Audit", "Account changed"),
        "channel.create": QCoreApplication.translate("Audit", "Channel added"),
        "channel.update": QCoreApplication.translate("Audit", "Channel changed"),
        "channel.fetch_now": QCoreApplication.translate("Audit", "Fetch requested"),
        "channel.error": QCoreApplication.translate("Audit", "Fetch failed"),
        "channel.recovered": QCoreApplication.translate("Audit", "Fetching again"),
        "ingest": QCoreApplication.translate("Audit", "Mentions fetched"),
        "contact.merge": QCoreApplication.translate("Audit", "Contacts merged"),
        "contact.split": QCoreApplication.translate("Audit", "Contacts split"),
        "contact.dismiss": QCoreApplication.translate("Audit", "Merge suggestion dismissed"),
        "settings.business_hours": QCoreApplication.translate("Audit", "Business hours changed"),
        "settings.sla_targets": QCoreApplication.translate("Audit", "SLA targets changed"),
        "settings.auto_ack": QCoreApplication.translate("Audit", "Out-of-hours reply changed"),
        "settings.priority_rules": QCoreApplication.translate("Audit", "Priority rules changed"),
    }


def action_text(action: str) -> str:
    return action_names().get(action, action)


def actor_text(entry: dict[str, Any]) -> str:
    """Who did it: the display name, else the username, else "system" (the server itself)."""
    return str(
        entry.get("actor_name")
        or entry.get("actor_username")
        or QCoreApplication.translate("Audit", "system")
    )


def subject_text(entry: dict[str, Any]) -> str:
    """What it was about: '@105848', 'Eva', 'Excuses en DM', 'Business hours'."""
    label = entry.get("entity_label")
    if label:
        return str(label)
    entity, key = str(entry.get("entity", "")), str(entry.get("entity_id", ""))
    settings = {
        "business_hours": QCoreApplication.translate("Audit", "Business hours"),
        "sla_targets": QCoreApplication.translate("Audit", "SLA targets"),
        "auto_ack": QCoreApplication.translate("Audit", "Out-of-hours reply"),
        "priority_rules": QCoreApplication.translate("Audit", "Priority rules"),
    }
    if entity == "settings":
        return settings.get(key, key)
    kinds = {
        "mention": QCoreApplication.translate("Audit", "mention {id}"),
        "reply": QCoreApplication.translate("Audit", "reply {id}"),
        "user": QCoreApplication.translate("Audit", "account {id}"),
        "template": QCoreApplication.translate("Audit", "template {id}"),
        "channel": QCoreApplication.translate("Audit", "channel {id}"),
        "contact": QCoreApplication.translate("Audit", "contact {id}"),
        "view": QCoreApplication.translate("Audit", "saved view {id}"),
    }
    return kinds.get(entity, "{entity} {id}").format(entity=entity, id=key[:12])


def detail_text(entry: dict[str, Any]) -> str:
    """What happened, in a short sentence: 'status open → closed', 'assigned to Tom (was Eva)'."""
    d: dict[str, Any] = entry.get("detail") if isinstance(entry.get("detail"), dict) else {}  # type: ignore[assignment]
    names: dict[str, str] = entry.get("names") or {}

    def who(user_id: Any) -> str:
        if user_id is None:
            return QCoreApplication.translate("Audit", "nobody")
        return names.get(str(user_id)) or QCoreApplication.translate(
            "Audit", "account {id}"
        ).format(id=user_id)

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
        return QCoreApplication.translate("Audit", "claim renewed")
    if d.get("previous_holder"):
        return QCoreApplication.translate("Audit", "taken over from {name}").format(
            name=who(d["previous_holder"])
        )
    return ""


def _claim_release(d: dict[str, Any], who: Who) -> str:
    if d.get("reason") == "disabled":
        return QCoreApplication.translate("Audit", "released: the account was disabled")
    if d.get("snoozed"):
        return QCoreApplication.translate("Audit", "snoozed: the claim of {name} ended").format(
            name=who(d.get("holder"))
        )
    if d.get("forced") and d.get("holder"):
        return QCoreApplication.translate("Audit", "the claim of {name}").format(
            name=who(d["holder"])
        )
    return ""


def _claim_assign(d: dict[str, Any], who: Who) -> str:
    if d.get("previous_holder") and d.get("previous_holder") != d.get("to"):
        return QCoreApplication.translate("Audit", "assigned to {to} (was {was})").format(
            to=who(d.get("to")), was=who(d["previous_holder"])
        )
    return QCoreApplication.translate("Audit", "assigned to {to}").format(to=who(d.get("to")))


def _claim_handover(d: dict[str, Any], who: Who) -> str:
    """'to Lars: “Lars knows this customer”', with '(was Eva)' when a lead handed it over."""
    if d.get("forced") and d.get("previous_holder"):
        text = QCoreApplication.translate("Audit", "to {to} (was {was})").format(
            to=who(d.get("to")), was=who(d["previous_holder"])
        )
    else:
        text = QCoreApplication.translate("Audit", "to {to}").format(to=who(d.get("to")))
    if d.get("note"):
        text = QCoreApplication.translate("Audit", "{handover}: “{note}”").format(
            handover=text, note=one_line(str(d["note"]), 120)
        )
    return text


def _status(d: dict[str, Any], _who: Who) -> str:
    return QCoreApplication.translate("Audit", "status {old} → {new}").format(
        old=status_name(str(d.get("previous", "?"))), new=status_name(str(d.get("status", "?")))
    )


def _tags(d: dict[str, Any], _who: Who) -> str:
    tags = [str(t) for t in d.get("tags") or []]
    return (
        QCoreApplication.translate("Audit", "tags: {tags}").format(tags=", ".join(tags))
        if tags
        else QCoreApplication.translate("Audit", "tags removed")
    )


def _priority(d: dict[str, Any], _who: Who) -> str:
    return QCoreApplication.translate("Audit", "priority → {p}").format(
        p=priority_name(d.get("priority"))
    )


def _delivered(d: dict[str, Any], _who: Who) -> str:
    if d.get("found_by_lookup"):
        return QCoreApplication.translate("Audit", "found on the platform after a retry")
    return ""


def _delivery_failed(d: dict[str, Any], _who: Who) -> str:
    return QCoreApplication.translate("Audit", "gave up after {n} attempts: {error}").format(
        n=d.get("attempts", "?"), error=d.get("error", "")
    )


def _login(d: dict[str, Any], _who: Who) -> str:
    return (
        QCoreApplication.translate("Audit", "from {client}").format(client=d["label"])
        if d.get("label")
        else ""
    )


def _user_create(d: dict[str, Any], _who: Who) -> str:
    return QCoreApplication.translate("Audit", "{username}, role {role}").format(
        username=d.get("username", ""), role=role_name(str(d.get("role", "")))
    )


def _user_update(d: dict[str, Any], _who: Who) -> str:
    parts = []
    if "display_name" in d:
        parts.append(QCoreApplication.translate("Audit", "name → {v}").format(v=d["display_name"]))
    if "signature" in d:
        parts.append(
            QCoreApplication.translate("Audit", "signature → {v}").format(v=d["signature"] or "–")
        )
    if "role" in d:
        parts.append(
            QCoreApplication.translate("Audit", "role → {v}").format(v=role_name(str(d["role"])))
        )
    if "disabled" in d:
        parts.append(
            QCoreApplication.translate("Audit", "disabled")
            if d["disabled"]
            else QCoreApplication.translate("Audit", "enabled again")
        )
    if d.get("password"):
        parts.append(QCoreApplication.translate("Audit", "password reset"))
    if d.get("via") == "cli":
        parts.append(QCoreApplication.translate("Audit", "(on the server's command line)"))
    return ", ".join(parts)


def _channel_create(d: dict[str, Any], _who: Who) -> str:
    if d.get("connector"):
        return QCoreApplication.translate("Audit", "{name} ({connector})").format(
            name=d.get("name", ""), connector=d["connector"]
        )
    return str(d.get("name", ""))


def _channel_update(d: dict[str, Any], _who: Who) -> str:
    parts = []
    if "enabled" in d:
        parts.append(
            QCoreApplication.translate("Audit", "switched on")
            if d["enabled"]
            else QCoreApplication.translate("Audit", "switched off")
        )
    if "name" in d:
        parts.append(QCoreApplication.translate("Audit", "name → {v}").format(v=d["name"]))
    if "connector" in d:
        parts.append(
            QCoreApplication.translate("Audit", "connector → {v}").format(v=d["connector"])
        )
    if d.get("config"):
        parts.append(
            QCoreApplication.translate("Audit", "settings changed: {v}").format(
                v=", ".join(map(str, d["config"]))
            )
        )
    if d.get("secrets"):
        parts.append(
            QCoreApplication.translate("Audit", "secrets changed: {v}").format(
                v=", ".join(map(str, d["secrets"]))
            )
        )
    if "interval_s" in d:
        parts.append(
            QCoreApplication.translate("Audit", "fetch every {v}").format(
                v=duration(d["interval_s"])
            )
        )
    return ", ".join(parts)


def _channel_error(d: dict[str, Any], _who: Who) -> str:
    if d.get("retry_in_s") is not None:
        return QCoreApplication.translate("Audit", "{error} (trying again in {delay})").format(
            error=d.get("error", ""), delay=duration(d["retry_in_s"])
        )
    return str(d.get("error", ""))


def _ingest(d: dict[str, Any], _who: Who) -> str:
    return QCoreApplication.translate("Audit", "new mentions: {m}, new replies: {r}").format(
        m=number(d.get("mentions", 0)), r=number(d.get("replies", 0))
    )


def _view(d: dict[str, Any], who: Who) -> str:
    """Whose view it is (its name is in the "what" column)."""
    if d.get("owner_id") is None:
        return ""
    return QCoreApplication.translate("Audit", "saved by {name}").format(name=who(d["owner_id"]))


def _template(d: dict[str, Any], _who: Who) -> str:
    """The title is in the "what" column already; an edit adds its version."""
    return (
        QCoreApplication.translate("Audit", "version {v}").format(v=d["version"])
        if "version" in d
        else ""
    )


def _business_hours(d: dict[str, Any], _who: Who) -> str:
    return (
        QCoreApplication.translate("Audit", "time zone {tz}").format(tz=d["timezone"])
        if d.get("timezone")
        else ""
    )


def _sla(d: dict[str, Any], _who: Who) -> str:
    order = ("urgent", "high", "normal", "low")
    return ", ".join(
        f"{priority_name(key)} {minutes(d[key])}" for key in order if d.get(key) is not None
    )


def _auto_ack(d: dict[str, Any], _who: Who) -> str:
    return (
        QCoreApplication.translate("Audit", "on")
        if d.get("enabled")
        else QCoreApplication.translate("Audit", "off")
    )


def _snooze(d: dict[str, Any], _who: Who) -> str:
    if d.get("until_customer"):
        return QCoreApplication.translate("Audit", "until the customer writes again")
    until = d.get("until")
    if not isinstance(until, int | float):
        return ""
    return QCoreApplication.translate("Audit", "until {when}").format(
        when=datetime.fromtimestamp(until).strftime("%Y-%m-%d %H:%M")
    )


def _unsnooze(d: dict[str, Any], who: Who) -> str:
    reasons = {
        "unsnooze": QCoreApplication.translate("Audit", "unsnoozed"),
        "claim": QCoreApplication.translate("Audit", "claimed while snoozed"),
        "assign": QCoreApplication.translate("Audit", "assigned while snoozed"),
        "status": QCoreApplication.translate("Audit", "resolved while snoozed"),
    }
    reason = reasons.get(str(d.get("reason")), str(d.get("reason", "")))
    return QCoreApplication.translate("Audit", "{reason} (snoozed by {name})").format(
        reason=reason, name=who(d.get("snoozed_by"))
    )


def _wake(d: dict[str, Any], who: Who) -> str:
    if d.get("reason") == "customer":
        text = QCoreApplication.translate("Audit", "the customer wrote again; back for {name}")
    else:
        text = QCoreApplication.translate("Audit", "its time came; back for {name}")
    return text.format(name=who(d.get("snoozed_by")))


def _skipped(d: dict[str, Any], _who: Who) -> str:
    return str(d.get("reason", ""))


def _nothing(_d: dict[str, Any], _who: Who) -> str:
    return ""


def _contact_merge(d: dict[str, Any], _who: Who) -> str:
    return QCoreApplication.translate(
        "Audit", "{contact} merged into {into}: one person, one history"
    ).format(contact=d.get("contact_name", "?"), into=d.get("into_name", "?"))


def _contact_split(d: dict[str, Any], _who: Who) -> str:
    return QCoreApplication.translate(
        "Audit", "{contact} split from {into}: separate histories again"
    ).format(contact=d.get("contact_name", "?"), into=d.get("into_name", "?"))


def _contact_dismiss(d: dict[str, Any], _who: Who) -> str:
    return QCoreApplication.translate(
        "Audit", "{contact} and {other} are not the same person: not suggested again"
    ).format(contact=d.get("contact_name", "?"), other=d.get("other_name", "?"))


_DESCRIBE: dict[str, Callable[[dict[str, Any], Who], str]] = {
    "contact.merge": _contact_merge,
    "contact.split": _contact_split,
    "contact.dismiss": _contact_dismiss,
    "auth.login": _login,
    "auth.logout": _nothing,
    "claim.grant": _claim_grant,
    "claim.release": _claim_release,
    "claim.assign": _claim_assign,
    "claim.handover": _claim_handover,
    "claim.expire": lambda d, who: QCoreApplication.translate(
        "Audit", "{name} held it until the claim ran out"
    ).format(name=who(d.get("holder"))),
    "reply.accept": _nothing,
    "reply.delivered": _delivered,
    "reply.delivery_failed": _delivery_failed,
    "reply.retry": _nothing,
    "note.add": _nothing,
    "mention.status": _status,
    "mention.tags": _tags,
    "mention.priority": _priority,
    "mention.snooze": _snooze,
    "mention.unsnooze": _unsnooze,
    "snooze.wake": _wake,
    "auto_ack.sent": _nothing,
    "auto_ack.skipped": _skipped,
    "template.create": _template,
    "template.update": _template,
    "template.archive": _nothing,
    "template.restore": _nothing,
    "view.publish": _view,
    "view.update": _view,
    "view.unpublish": _view,
    "view.delete": _view,
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
