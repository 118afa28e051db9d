"""``webcare agent add|list|disable|enable|passwd``: accounts, with the machine owner's
authority (whoever has the database file)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from webcare.domain.errors import ValidationError
from webcare.server.cli.common import database, now, read_password


def add(args: argparse.Namespace) -> int:
    from webcare.domain.models import Role
    from webcare.server.services import accounts

    password = read_password(args)
    with database(args) as db:
        user_id = accounts.create_user(
            db,
            username=args.username,
            display_name=args.name or args.username,
            signature=args.signature
            if args.signature is not None
            else f"^{args.name or args.username}",
            role=Role(args.role),
            password=password,
            now=now(),
        )
    print(f"Created {args.role} '{args.username.lower()}' (id {user_id}).")
    return 0


def list_all(args: argparse.Namespace) -> int:
    from webcare.server.services import accounts

    with database(args) as db:
        rows = accounts.account_rows(db)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'id':>4}  {'username':<28} {'name':<20} {'signature':<10} {'role':<6} state")
    for r in rows:
        state = "disabled" if r["disabled"] else ("ok" if r["can_login"] else "imported")
        print(
            f"{r['id']:>4}  {r['username']:<28} {r['display_name']:<20} {r['signature']:<10}"
            f" {r['role']:<6} {state}"
        )
    return 0


def _set_user(args: argparse.Namespace, **change: Any) -> None:
    from webcare.server.services import accounts

    with database(args) as db:
        user_id = accounts.id_of(db, args.username)
        if user_id is None:
            raise ValidationError(f"There is no account '{args.username}'.")
        # The command line acts with the machine owner's authority (it has the database file).
        accounts.update_user(db, user_id, actor=None, now=now(), **change)


def disable(args: argparse.Namespace) -> int:
    _set_user(args, disabled=True)
    print(f"Disabled '{args.username}': signed out everywhere, claims released.")
    return 0


def enable(args: argparse.Namespace) -> int:
    _set_user(args, disabled=False)
    print(f"Enabled '{args.username}'.")
    return 0


def passwd(args: argparse.Namespace) -> int:
    _set_user(args, password=read_password(args))
    print(f"New password set for '{args.username}'; their other sessions were signed out.")
    return 0
