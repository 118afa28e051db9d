"""``webcare channel add|set|list``: channels driven by connectors, their settings and secrets."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from webcare.domain.errors import ValidationError
from webcare.server.cli.common import database, now


def _pairs(items: list[str] | None, what: str) -> dict[str, Any]:
    """``name=value`` options; a value in JSON form (a number, true, a list) is read as such."""
    out: dict[str, Any] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValidationError(f"{what} must look like name=value, not {item!r}.")
        try:
            parsed: Any = json.loads(value)
        except ValueError:
            parsed = value
        out[name.strip()] = parsed if not isinstance(parsed, str | type(None)) else value
    return out


def _secrets(args: argparse.Namespace) -> dict[str, str | None]:
    secrets: dict[str, str | None] = {k: str(v) for k, v in _pairs(args.secret, "--secret").items()}
    if args.secret_stdin:
        secrets[args.secret_stdin] = sys.stdin.readline().rstrip("\r\n")
    return secrets


def add(args: argparse.Namespace) -> int:
    from webcare.channels import registry
    from webcare.server.services import channels

    with database(args) as db:
        channel_id, generated = channels.create(
            db,
            None,
            connector=args.connector,
            name=args.name,
            brand=args.brand or "",
            handle=args.handle or "",
            config=_pairs(args.set, "--set"),
            secrets=_secrets(args),
            interval_s=args.interval,
            enabled=not args.disabled,
            now=now(),
        )
    print(f"Added channel {channel_id}: {args.name} ({args.connector}).")
    for name, value in generated.items():
        print(f"{name} (shown once, keep it safe): {value}")
    if registry.receives_push(args.connector):
        print(f"Callback URL for the platform: https://<this server>/v1/hooks/{channel_id}")
    return 0


def change(args: argparse.Namespace) -> int:
    from webcare.server.services import channels

    with database(args) as db:
        channels.update(
            db,
            None,
            args.channel_id,
            now=now(),
            enabled=True if args.enable else False if args.disable else None,
            config=_pairs(args.set, "--set") or None,
            secrets=_secrets(args) or None,
            interval_s=args.interval,
        )
    print(f"Channel {args.channel_id} updated.")
    return 0


def list_all(args: argparse.Namespace) -> int:
    from webcare.server import serialize

    with database(args) as db, db.read() as conn:
        rows = serialize.all_of(conn, "channel", now())
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'id':>4}  {'name':<32} {'connector':<10} {'state':<8} last fetch / error")
    for r in rows:
        state = "on" if r["enabled"] else "off"
        status = r["last_error"] or r["last_fetch_at"] or "-"
        print(f"{r['id']:>4}  {r['name']:<32} {r['connector'] or 'import':<10} {state:<8} {status}")
    return 0
