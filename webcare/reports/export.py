"""Report JSON (as the server sends it) to CSV rows: one place for the CLI and the client."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from webcare.domain.csvcells import to_csv

__all__ = ["Row", "to_csv"]

Row = Sequence[Any]

_STATS = ("count", "median_s", "p90_s", "mean_s", "max_s")


def response_times_rows(report: dict[str, Any]) -> list[Row]:
    """One row per group (and the total), with first response and resolution figures and the
    people who wrote (``contacts``: a merged contact counts once)."""
    header = [report["by"], "mentions", "answered"]
    header += [f"first_response_{s}" for s in _STATS]
    header += [f"resolution_{s}" for s in _STATS]
    header += ["sla_breaches", "open_breaches", "contacts"]
    rows: list[Row] = [header]
    for group in [*report["groups"], report["summary"]]:
        row: list[Any] = [group["key"], group["mentions"], group["answered"]]
        row += [group["first_response"][s] for s in _STATS]
        row += [group["resolution"][s] for s in _STATS]
        row += [group["sla_breaches"], group["open_breaches"], group.get("contacts", 0)]
        rows.append(row)
    return rows


def mention_rows(report: dict[str, Any]) -> list[Row]:
    """One row per mention (needs ``include_mentions``): the SLA detail behind the figures."""
    mentions = report.get("mentions") or []
    if not mentions:
        return [["mention_id"]]
    header = list(mentions[0])
    return [header, *([m[k] for k in header] for m in mentions)]


def volume_rows(data: dict[str, Any]) -> list[Row]:
    rows: list[Row] = [["weekday", *(f"{h:02d}:00" for h in range(24))]]
    for day, counts in zip(data["weekdays"], data["counts"], strict=True):
        rows.append([day, *counts])
    return rows


def backlog_rows(data: dict[str, Any]) -> list[Row]:
    return [["at", "waiting"], *([p["at"], p["waiting"]] for p in data["points"])]


def template_usage_rows(data: list[dict[str, Any]]) -> list[Row]:
    rows: list[Row] = [["template_id", "title", "language", "archived", "agent", "uses"]]
    for t in data:
        agents = t["by_agent"] or {"": 0}
        for agent, uses in sorted(agents.items()):
            rows.append([t["template_id"], t["title"], t["language"], t["archived"], agent, uses])
    return rows


def workload_rows(data: list[dict[str, Any]]) -> list[Row]:
    rows: list[Row] = [["agent", "mention_id", "author", "held_for_s", "lease_remaining_s"]]
    for agent in data:
        for claim in agent["claims"] or [{}]:
            keys = ("mention_id", "author", "held_for_s", "lease_remaining_s")
            rows.append([agent["name"], *(claim.get(k, "") for k in keys)])
    return rows
