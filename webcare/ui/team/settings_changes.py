"""What an admin changed in the team settings, in words: "Monday hours 08:00 to 22:00, 1 holiday
added". Pure formatting over the settings' JSON forms (as ``GET /v1/settings`` sends them)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from webcare.ui.team.common import number, priority_name
from webcare.ui.text import minutes

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SECTIONS = ("business_hours", "sla_targets_s", "auto_ack", "priority_rules")


def day_names() -> dict[str, str]:
    return dict(
        zip(
            DAY_KEYS,
            (
                QCoreApplication.translate("SettingsChanges", "Monday"),
                QCoreApplication.translate("SettingsChanges", "Tuesday"),
                QCoreApplication.translate("SettingsChanges", "Wednesday"),
                QCoreApplication.translate("SettingsChanges", "Thursday"),
                QCoreApplication.translate("SettingsChanges", "Friday"),
                QCoreApplication.translate("SettingsChanges", "Saturday"),
                QCoreApplication.translate("SettingsChanges", "Sunday"),
            ),
            strict=True,
        )
    )


def hours_text(spans: list[list[str]]) -> str:
    """'08:00-22:00' (with an en dash), '10:00-14:00 and 15:00-18:00', 'open 24 h', 'closed'."""
    if not spans:
        return QCoreApplication.translate("SettingsChanges", "closed")
    if [list(s) for s in spans] == [["00:00", "24:00"]]:
        return QCoreApplication.translate("SettingsChanges", "open 24 h")
    parts = [f"{a}–{b}" for a, b in spans]
    if len(parts) == 1:
        return parts[0]
    return QCoreApplication.translate("SettingsChanges", "{spans} and {last}").format(
        spans=", ".join(parts[:-1]), last=parts[-1]
    )


def _count(n: int, one: str, many: str) -> str:
    """'1 holiday added' / '3 holidays added' (English has no plural forms without a catalogue,
    so both sentences are written out; Dutch translates each)."""
    return one if n == 1 else many.format(n=n)


def describe(
    before: dict[str, Any], after: dict[str, Any], templates: dict[int, str] | None = None
) -> list[str]:
    """One phrase per change from ``before`` to ``after`` (either may lack a section);
    ``templates`` names the out-of-hours reply's template by id."""
    out: list[str] = []
    out += _hours(before.get("business_hours") or {}, after.get("business_hours") or {})
    out += _targets(before.get("sla_targets_s") or {}, after.get("sla_targets_s") or {})
    out += _ack(before.get("auto_ack") or {}, after.get("auto_ack") or {}, templates or {})
    out += _rules(before.get("priority_rules") or {}, after.get("priority_rules") or {})
    return out


def _hours(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    if not a or not b:
        return []
    out = []
    if a.get("timezone") != b.get("timezone"):
        out.append(
            QCoreApplication.translate("SettingsChanges", "time zone {tz}").format(
                tz=b.get("timezone")
            )
        )
    names = day_names()
    wa, wb = a.get("weekly") or {}, b.get("weekly") or {}
    runs: list[tuple[list[str], list[list[str]]]] = []  # consecutive days changed alike
    for key in DAY_KEYS:
        old, new = [list(s) for s in wa.get(key, [])], [list(s) for s in wb.get(key, [])]
        if old == new:
            runs.append(([], []))  # breaks a run
            continue
        if runs and runs[-1][0] and runs[-1][1] == new and _next_day(runs[-1][0][-1]) == key:
            runs[-1][0].append(key)
        else:
            runs.append(([key], new))
    for days, new in runs:
        if not days:
            continue
        who = names[days[0]] if len(days) == 1 else f"{names[days[0]]}–{names[days[-1]]}"
        if not new:
            out.append(
                QCoreApplication.translate("SettingsChanges", "{day} closed").format(day=who)
            )
        elif new == [["00:00", "24:00"]]:
            out.append(
                QCoreApplication.translate("SettingsChanges", "{day} open 24 h").format(day=who)
            )
        else:
            out.append(
                QCoreApplication.translate("SettingsChanges", "{day} hours {hours}").format(
                    day=who, hours=hours_text(new)
                )
            )
    ha, hb = set(a.get("holidays") or []), set(b.get("holidays") or [])
    if hb - ha:
        out.append(
            _count(
                len(hb - ha),
                QCoreApplication.translate("SettingsChanges", "1 holiday added"),
                QCoreApplication.translate("SettingsChanges", "{n} holidays added"),
            )
        )
    if ha - hb:
        out.append(
            _count(
                len(ha - hb),
                QCoreApplication.translate("SettingsChanges", "1 holiday removed"),
                QCoreApplication.translate("SettingsChanges", "{n} holidays removed"),
            )
        )
    return out


def _next_day(key: str) -> str | None:
    i = DAY_KEYS.index(key)
    return DAY_KEYS[i + 1] if i + 1 < len(DAY_KEYS) else None


def _targets(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    if not a or not b:
        return []
    return [
        QCoreApplication.translate("SettingsChanges", "{priority} target {old} → {new}").format(
            priority=priority_name(key), old=minutes(a[key]), new=minutes(b[key])
        )
        for key in ("urgent", "high", "normal", "low")
        if key in a and key in b and round(a[key]) != round(b[key])
    ]


def _ack(a: dict[str, Any], b: dict[str, Any], templates: dict[int, str]) -> list[str]:
    if not a or not b or a == b:
        return []
    if not b.get("enabled"):
        return (
            [QCoreApplication.translate("SettingsChanges", "out-of-hours reply off")]
            if a.get("enabled")
            else []
        )
    title = templates.get(b.get("template_id") or 0, "")
    if not a.get("enabled"):
        return [
            QCoreApplication.translate(
                "SettingsChanges", "out-of-hours reply on ({template})"
            ).format(template=title)
        ]
    return [
        QCoreApplication.translate(
            "SettingsChanges", "out-of-hours reply template {template}"
        ).format(template=title)
    ]


def _rule_key(rule: dict[str, Any]) -> tuple[Any, ...]:
    return (tuple(rule.get("words") or ()), rule.get("priority"), rule.get("tag") or "")


def _rules(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    if not a or not b:
        return []
    out = []
    if a.get("influencer_followers") != b.get("influencer_followers"):
        followers = b.get("influencer_followers")
        out.append(
            QCoreApplication.translate("SettingsChanges", "influencers from {n} followers").format(
                n=number(followers)
            )
            if followers
            else QCoreApplication.translate("SettingsChanges", "no influencer rule")
        )
    if a.get("influencer_priority") != b.get("influencer_priority"):
        out.append(
            QCoreApplication.translate("SettingsChanges", "influencer priority {p}").format(
                p=priority_name(b.get("influencer_priority"))
            )
        )
    ra = [_rule_key(r) for r in a.get("keywords") or []]
    rb = [_rule_key(r) for r in b.get("keywords") or []]
    if ra != rb:
        added = len([r for r in rb if r not in ra])
        removed = len([r for r in ra if r not in rb])
        changed = min(added, removed)  # an edited rule is one removed and one added
        added, removed = added - changed, removed - changed
        if changed:
            out.append(
                _count(
                    changed,
                    QCoreApplication.translate("SettingsChanges", "1 keyword rule changed"),
                    QCoreApplication.translate("SettingsChanges", "{n} keyword rules changed"),
                )
            )
        if added:
            out.append(
                _count(
                    added,
                    QCoreApplication.translate("SettingsChanges", "1 keyword rule added"),
                    QCoreApplication.translate("SettingsChanges", "{n} keyword rules added"),
                )
            )
        if removed:
            out.append(
                _count(
                    removed,
                    QCoreApplication.translate("SettingsChanges", "1 keyword rule removed"),
                    QCoreApplication.translate("SettingsChanges", "{n} keyword rules removed"),
                )
            )
        if not (changed or added or removed):
            out.append(QCoreApplication.translate("SettingsChanges", "keyword rules reordered"))
    na = {w.lower() for w in a.get("negative_words") or []}
    nb = {w.lower() for w in b.get("negative_words") or []}
    if nb - na:
        out.append(
            _count(
                len(nb - na),
                QCoreApplication.translate("SettingsChanges", "1 negative word added"),
                QCoreApplication.translate("SettingsChanges", "{n} negative words added"),
            )
        )
    if na - nb:
        out.append(
            _count(
                len(na - nb),
                QCoreApplication.translate("SettingsChanges", "1 negative word removed"),
                QCoreApplication.translate("SettingsChanges", "{n} negative words removed"),
            )
        )
    if a.get("negative_priority") != b.get("negative_priority"):
        out.append(
            QCoreApplication.translate("SettingsChanges", "negative priority {p}").format(
                p=priority_name(b.get("negative_priority"))
            )
        )
    return out
