"""Team settings: business hours, SLA targets per priority, out-of-hours acknowledgement."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from webcare.domain.business_hours import BusinessHours
from webcare.domain.errors import ValidationError
from webcare.domain.priority import PriorityRules
from webcare.domain.templates import ask_fields
from webcare.reports.response_times import Basis, ReportOptions, SlaTargets
from webcare.server.services import audit
from webcare.server.services.accounts import AuthUser
from webcare.storage.db import Database

BUSINESS_HOURS = "business_hours"
SLA_TARGETS = "sla_targets"
AUTO_ACK = "auto_ack"
PRIORITY_RULES = "priority_rules"


@dataclass(frozen=True)
class AutoAck:
    enabled: bool = False
    template_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "template_id": self.template_id}


def _get(conn: sqlite3.Connection, key: str) -> Any:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else None


def _put(conn: sqlite3.Connection, key: str, value: Any) -> None:
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, json.dumps(value, sort_keys=True)),
    )


def business_hours(conn: sqlite3.Connection) -> BusinessHours:
    data = _get(conn, BUSINESS_HOURS)
    return BusinessHours.from_dict(data) if data else BusinessHours.always_open()


def sla_targets(conn: sqlite3.Connection) -> SlaTargets:
    data = _get(conn, SLA_TARGETS)
    return SlaTargets.from_dict(data) if data else SlaTargets()


def auto_ack(conn: sqlite3.Connection) -> AutoAck:
    data = _get(conn, AUTO_ACK) or {}
    return AutoAck(bool(data.get("enabled", False)), data.get("template_id"))


def priority_rules(conn: sqlite3.Connection) -> PriorityRules:
    data = _get(conn, PRIORITY_RULES)
    return PriorityRules.from_dict(data) if data is not None else PriorityRules()


def set_priority_rules(db: Database, actor: AuthUser, data: dict[str, Any], now: float) -> None:
    rules = PriorityRules.from_dict(data)  # a clear 422 on any mistake
    with db.write() as conn:
        _put(conn, PRIORITY_RULES, rules.to_dict())
        audit.record(conn, now, actor.id, "settings.priority_rules", "settings", PRIORITY_RULES)


def report_options(conn: sqlite3.Connection, *, business: bool) -> ReportOptions:
    return ReportOptions(
        targets=sla_targets(conn),
        hours=business_hours(conn),
        basis=Basis.BUSINESS if business else Basis.CALENDAR,
    )


def all_settings(db: Database) -> dict[str, Any]:
    with db.read() as conn:
        return {
            "business_hours": business_hours(conn).to_dict(),
            "sla_targets_s": sla_targets(conn).to_dict(),
            "auto_ack": auto_ack(conn).to_dict(),
            "priority_rules": priority_rules(conn).to_dict(),
        }


def team_hours(db: Database) -> dict[str, Any]:
    """The team's business hours (time zone, weekly spans, holidays): what every agent's
    client needs to place "tomorrow 9:00" and "next business day" of a snooze."""
    with db.read() as conn:
        return business_hours(conn).to_dict()


def set_business_hours(db: Database, actor: AuthUser, data: dict[str, Any], now: float) -> None:
    hours = BusinessHours.from_dict(data)  # validates: a clear 422 on any mistake
    with db.write() as conn:
        _put(conn, BUSINESS_HOURS, hours.to_dict())
        audit.record(conn, now, actor.id, "settings.business_hours", "settings", BUSINESS_HOURS,
                     timezone=hours.timezone)  # fmt: skip


def set_sla_targets(db: Database, actor: AuthUser, data: dict[str, Any], now: float) -> None:
    targets = SlaTargets.from_dict(data)
    with db.write() as conn:
        _put(conn, SLA_TARGETS, targets.to_dict())
        audit.record(conn, now, actor.id, "settings.sla_targets", "settings", SLA_TARGETS,
                     **targets.to_dict())  # fmt: skip


def set_auto_ack(
    db: Database, actor: AuthUser, enabled: bool, template_id: int | None, now: float
) -> None:
    with db.write() as conn:
        if enabled:
            row = conn.execute(
                "SELECT archived, body FROM templates WHERE id = ?", (template_id,)
            ).fetchone()
            if template_id is None or row is None or row["archived"]:
                raise ValidationError(
                    "Choose an active template for the out-of-hours acknowledgement."
                )
            asks = ask_fields(row["body"])
            if asks:
                raise ValidationError(
                    "This template asks the agent for "
                    + ", ".join(a.label for a in asks)
                    + "; an automatic reply has nobody to fill that in. Choose a template"
                    " without {{ask:…}}."
                )
        _put(conn, AUTO_ACK, AutoAck(enabled, template_id).to_dict())
        audit.record(conn, now, actor.id, "settings.auto_ack", "settings", AUTO_ACK,
                     enabled=enabled, template_id=template_id)  # fmt: skip
