"""The ``webcare`` command: the desktop app, and the team server's tools.

Subcommands import their dependencies lazily: starting the GUI must not pay for FastAPI.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import re
import sqlite3
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from webcare import __version__
from webcare.domain.errors import ValidationError, WebcareError
from webcare.domain.media import DEFAULT_MAX_BYTES as DEFAULT_MEDIA_MAX_BYTES

if TYPE_CHECKING:
    from webcare.storage.db import Database


def _db_path(args: argparse.Namespace) -> Path:
    value = args.db or os.environ.get("WEBCARE_DB")
    if not value:
        raise ValidationError("Say which server database to use: --db PATH (or set WEBCARE_DB).")
    return Path(value)


def _byte_size(text: str) -> int:
    """``25M``, ``512K``, ``1G`` or a number of bytes (for ``--media-max-bytes``)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?)(?:i?B)?\s*", text, re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 25M or 26214400")
    value = float(match.group(1)) * 1024 ** " KMG".index(match.group(2).upper() or " ")
    if not 1024 <= value <= 2**40:
        raise argparse.ArgumentTypeError(f"{text!r}: give a size from 1K to 1024G")
    return int(value)


def _open_db(args: argparse.Namespace) -> Database:
    from webcare.storage.server_schema import open_server_db

    return open_server_db(_db_path(args))


def _now() -> float:
    return datetime.now(UTC).timestamp()


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            raise ValidationError("The two passwords differ.")
    return password


# --- server ---------------------------------------------------------------------------------


def cmd_server(args: argparse.Namespace) -> int:
    from webcare.server.config import ServerConfig
    from webcare.server.run import serve_forever

    config = ServerConfig(
        db_path=_db_path(args),
        lease_s=args.lease_seconds,
        media_max_bytes=args.media_max_bytes,
        media_path=Path(args.media_dir) if args.media_dir else None,
    )
    serve_forever(config, args.host, args.port, log_level=args.log_level)
    return 0


# --- agents ---------------------------------------------------------------------------------


def cmd_agent_add(args: argparse.Namespace) -> int:
    from webcare.domain.models import Role
    from webcare.server.services import accounts

    password = _read_password(args)
    db = _open_db(args)
    try:
        user_id = accounts.create_user(
            db,
            username=args.username,
            display_name=args.name or args.username,
            signature=args.signature
            if args.signature is not None
            else f"^{args.name or args.username}",
            role=Role(args.role),
            password=password,
            now=_now(),
        )
    finally:
        db.close()
    print(f"Created {args.role} '{args.username.lower()}' (id {user_id}).")
    return 0


def cmd_agent_list(args: argparse.Namespace) -> int:
    db = _open_db(args)
    try:
        with db.read() as conn:
            rows = conn.execute(
                "SELECT id, username, display_name, signature, role, disabled, brand,"
                " password_hash IS NOT NULL AS can_login FROM users ORDER BY brand IS NOT NULL,"
                " brand, username"
            ).fetchall()
    finally:
        db.close()
    if args.json:
        print(json.dumps([dict(r) for r in rows], indent=2))
        return 0
    print(f"{'id':>4}  {'username':<28} {'name':<20} {'signature':<10} {'role':<6} state")
    for r in rows:
        state = "disabled" if r["disabled"] else ("ok" if r["can_login"] else "imported")
        print(
            f"{r['id']:>4}  {r['username']:<28} {r['display_name']:<20} {r['signature']:<10}"
            f" {r['role']:<6} {state}"
        )
    return 0


def _set_user(args: argparse.Namespace, **change: Any) -> int:
    from webcare.server.services import accounts

    db = _open_db(args)
    try:
        with db.read() as conn:
            row = conn.execute(
                "SELECT id FROM users WHERE username = ?", (args.username.strip().lower(),)
            ).fetchone()
        if row is None:
            raise ValidationError(f"There is no account '{args.username}'.")
        # The command line acts with the machine owner's authority (it has the database file).
        accounts.update_user(db, row["id"], actor=None, now=_now(), **change)
    finally:
        db.close()
    return 0


def cmd_agent_disable(args: argparse.Namespace) -> int:
    _set_user(args, disabled=True)
    print(f"Disabled '{args.username}': signed out everywhere, claims released.")
    return 0


def cmd_agent_enable(args: argparse.Namespace) -> int:
    _set_user(args, disabled=False)
    print(f"Enabled '{args.username}'.")
    return 0


def cmd_agent_passwd(args: argparse.Namespace) -> int:
    _set_user(args, password=_read_password(args))
    print(f"New password set for '{args.username}'; their other sessions were signed out.")
    return 0


# --- import ---------------------------------------------------------------------------------


#: Exit status of an import that stored what it could but skipped some rows.
EXIT_SKIPPED = 3
IMPORT_EPILOG = (
    "Exit status: 0 when every row was imported, 3 when some rows were skipped (each is listed"
    " with its line and reason; the other rows were imported), 1 when the file could not be"
    " imported at all."
)


def cmd_import_twcs(args: argparse.Namespace) -> int:
    from webcare.server.services.import_twcs import import_file

    db = _open_db(args)
    try:
        stats = import_file(db, Path(args.file), now=_now(), shift_to_now=args.shift_to_now)
    finally:
        db.close()
    return _print_import(args, stats)


def cmd_import_csv(args: argparse.Namespace) -> int:
    from webcare.channels.base import ChannelInfo
    from webcare.server.services.import_twcs import import_csv

    info = ChannelInfo(
        kind=args.platform, name=args.channel, brand=args.brand or "", handle=args.handle or ""
    )
    db = _open_db(args)
    try:
        stats = import_csv(db, Path(args.file), info, now=_now())
    finally:
        db.close()
    return _print_import(args, stats)


def _print_import(args: argparse.Namespace, stats: Any) -> int:
    print(
        f"Imported {args.file}: {stats.mentions_new} new mentions ({stats.mentions_known} known),"
        f" {stats.replies_new} new replies ({stats.replies_known} known),"
        f" {stats.agents_new} new agents, {stats.contacts_new} new contacts,"
        f" {stats.channels_new} new channels."
    )
    if not stats.problems:
        return 0
    problems: list[str] = stats.problems
    shown = max(args.show_problems, 0)
    print(f"Skipped {len(problems)} row(s) that could not be imported{':' if shown else '.'}")
    for problem in problems[:shown]:
        print(f"  - {problem}")
    if len(problems) > shown:
        if shown:
            print(f"  ... and {len(problems) - shown} more (--show-problems N lists more).")
        print("Skipped rows by reason:")
        for reason, count in _by_reason(problems):
            print(f"  {count:>7}  {reason}")
    return EXIT_SKIPPED


def _by_reason(problems: list[str]) -> list[tuple[str, int]]:
    """Problems counted by their reason: the text after ``where:``, with its values as "…"."""
    counts: dict[str, int] = {}
    for problem in problems:
        _where, _sep, reason = problem.partition(": ")
        key = re.sub(r"'[^']*'|\"[^\"]*\"|\d+", "…", reason or problem)
        counts[key] = counts.get(key, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


# --- channels -------------------------------------------------------------------------------


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


def cmd_channel_add(args: argparse.Namespace) -> int:
    from webcare.channels import registry
    from webcare.server.services import channels

    db = _open_db(args)
    try:
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
            now=_now(),
        )
    finally:
        db.close()
    print(f"Added channel {channel_id}: {args.name} ({args.connector}).")
    for name, value in generated.items():
        print(f"{name} (shown once, keep it safe): {value}")
    if registry.receives_push(args.connector):
        print(f"Callback URL for the platform: https://<this server>/v1/hooks/{channel_id}")
    return 0


def cmd_channel_set(args: argparse.Namespace) -> int:
    from webcare.server.services import channels

    db = _open_db(args)
    try:
        channels.update(
            db,
            None,
            args.channel_id,
            now=_now(),
            enabled=True if args.enable else False if args.disable else None,
            config=_pairs(args.set, "--set") or None,
            secrets=_secrets(args) or None,
            interval_s=args.interval,
        )
    finally:
        db.close()
    print(f"Channel {args.channel_id} updated.")
    return 0


def cmd_channel_list(args: argparse.Namespace) -> int:
    from webcare.server import serialize

    db = _open_db(args)
    try:
        with db.read() as conn:
            rows = serialize.all_of(conn, "channel", _now())
    finally:
        db.close()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'id':>4}  {'name':<32} {'connector':<10} {'state':<8} last fetch / error")
    for r in rows:
        state = "on" if r["enabled"] else "off"
        status = r["last_error"] or r["last_fetch_at"] or "-"
        print(f"{r['id']:>4}  {r['name']:<32} {r['connector'] or 'import':<10} {state:<8} {status}")
    return 0


# --- report ---------------------------------------------------------------------------------


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    s = round(seconds)
    sign = "-" if s < 0 else ""
    s = abs(s)
    if s < 60:
        return f"{sign}{s}s"
    if s < 3600:
        return f"{sign}{s // 60}m {s % 60:02d}s"
    if s < 86400:
        return f"{sign}{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{sign}{s // 86400}d {s % 86400 // 3600:02d}h"


def _parse_when(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        dt = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError(
            f"'{text}' is not a date like 2017-10-11 or 2017-10-11T13:00."
        ) from exc
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp()


def _report_range(args: argparse.Namespace) -> tuple[float | None, float | None]:
    return _parse_when(args.since), _parse_when(args.until)


def _emit(args: argparse.Namespace, data: Any, rows: list[Any]) -> bool:
    """Print JSON or CSV when asked; True when done."""
    from webcare.reports.export import to_csv

    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return True
    if args.csv:
        sys.stdout.write(to_csv(rows))
        return True
    return False


def cmd_report_response_times(args: argparse.Namespace) -> int:
    from webcare.reports.export import mention_rows, response_times_rows
    from webcare.reports.response_times import GroupBy
    from webcare.server.services import reports

    since, until = _report_range(args)
    db = _open_db(args)
    try:
        report = reports.response_times(
            db,
            by=GroupBy(args.by),
            now=_now(),
            since=since,
            until=until,
            business=args.business,
            sla_s=args.sla_minutes * 60 if args.sla_minutes else None,
        )
    finally:
        db.close()
    data = report.as_dict(include_mentions=args.mentions)
    rows = mention_rows(data) if args.mentions else response_times_rows(data)
    if _emit(args, data, rows):
        return 0
    head = f"{args.by:<32} {'mentions':>8} {'answered':>8} {'median':>9} {'p90':>9} {'SLA late':>8}"
    targets = ", ".join(f"{k} {_duration(v)}" for k, v in data["sla_targets_s"].items())
    print(f"First response times by {args.by} ({data['basis']} time; SLA {targets})")
    print(head)
    print("-" * len(head))
    for group in [*data["groups"], data["summary"]]:
        frt = group["first_response"]
        late = group["sla_breaches"] + group["open_breaches"]
        print(
            f"{group['key'][:32]:<32} {group['mentions']:>8} {group['answered']:>8}"
            f" {_duration(frt['median_s']):>9} {_duration(frt['p90_s']):>9} {late:>8}"
        )
    return 0


def cmd_report_volume(args: argparse.Namespace) -> int:
    from webcare.reports.export import volume_rows
    from webcare.server.services import reports

    since, until = _report_range(args)
    db = _open_db(args)
    try:
        data = reports.volume(db, since=since, until=until)
    finally:
        db.close()
    rows = volume_rows(data)
    if not _emit(args, data, rows):
        print(f"Mentions per weekday and hour ({data['timezone']})")
        print("     " + "".join(f"{h:>4}" for h in range(24)))
        for row in rows[1:]:
            print(f"{row[0]:<5}" + "".join(f"{n or '.':>4}" for n in row[1:]))
    return 0


def cmd_report_backlog(args: argparse.Namespace) -> int:
    from webcare.reports.export import backlog_rows
    from webcare.server.services import reports

    since, until = _report_range(args)
    end = until if until is not None else _now()
    start = since if since is not None else end - 14 * 86400
    db = _open_db(args)
    try:
        data = reports.backlog(db, since=start, until=end, step=args.step)
    finally:
        db.close()
    rows = backlog_rows(data)
    if not _emit(args, data, rows):
        print(f"Mentions waiting for a first reply, by {args.step} ({data['timezone']})")
        for at, waiting in rows[1:]:
            print(f"{at}  {waiting:>6}")
    return 0


def cmd_report_template_usage(args: argparse.Namespace) -> int:
    from webcare.reports.export import template_usage_rows
    from webcare.server.services import reports

    since, until = _report_range(args)
    db = _open_db(args)
    try:
        data = reports.template_usage(db, since=since, until=until)
    finally:
        db.close()
    if not _emit(args, data, template_usage_rows(data)):
        for t in data:
            agents = ", ".join(f"{a} {n}" for a, n in sorted(t["by_agent"].items()))
            print(f"{t['total']:>6}  {t['title'][:40]:<40} {agents}")
    return 0


# --- demo -----------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    if args.server_only:
        from webcare.server.demo import run_demo_server

        return run_demo_server(
            host=args.host, port=args.port, db=Path(args.db) if args.db else None
        )
    from webcare.app import run_demo

    return run_demo(
        screenshot=Path(args.screenshot) if args.screenshot else None,
        port=args.port,
        language=args.language,
        theme_name=args.theme,
        team_screenshots=Path(args.team_screenshots) if args.team_screenshots else None,
        size=args.size,
    )


def _size(value: str) -> tuple[int, int]:
    """``1024x700`` -> (1024, 700)."""
    match = re.fullmatch(r"\s*(\d{3,5})\s*[xX×]\s*(\d{3,5})\s*", value)
    if match is None:
        raise argparse.ArgumentTypeError(f"'{value}' is not a size like 1024x700")
    return int(match[1]), int(match[2])


def cmd_gui(args: argparse.Namespace) -> int:
    from webcare.app import run_gui

    return run_gui(language=args.language)


# --- parser ---------------------------------------------------------------------------------

LANGUAGES = ("nl", "en", "system")  # webcare.ui.i18n.CHOICES (this module must not import Qt)


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="server database file (default: $WEBCARE_DB)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="webcare",
        description=(
            "Webcare: a shared inbox for webcare teams. Without a command: the desktop app."
        ),
    )
    parser.add_argument("--version", action="version", version=f"webcare {__version__}")
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        help="language of the desktop app (default: the setting ui/language, else the system's)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("server", help="run the team server")
    _add_db(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8750, help="port (default 8750; 0 = any free port)")
    p.add_argument("--lease-seconds", type=float, default=900, help="claim lease (default 900)")
    p.add_argument(
        "--media-max-bytes",
        type=_byte_size,
        default=DEFAULT_MEDIA_MAX_BYTES,
        metavar="SIZE",
        help="largest media file fetched or uploaded, e.g. 25M (default 25M; K, M, G: 1024-based)",
    )
    p.add_argument("--media-dir", help="where media files are kept (default: media/ beside --db)")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    p.set_defaults(func=cmd_server)

    p = sub.add_parser(
        "demo", help="open the client on an embedded team server with real sample mentions"
    )
    p.add_argument("--screenshot", metavar="FILE.png", help="render the window to a PNG and exit")
    p.add_argument(
        "--size",
        type=_size,
        default=(1360, 820),
        metavar="WxH",
        help="(--screenshot) the window's size, e.g. 1024x700 (default 1360x820)",
    )
    p.add_argument(
        "--team-screenshots",
        metavar="DIR",
        help="sign in as the admin, render every Team tab to DIR/team-*.png and exit",
    )
    p.add_argument("--server-only", action="store_true", help="run only the seeded team server")
    p.add_argument("--host", default="127.0.0.1", help="(--server-only) address to listen on")
    p.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    p.add_argument("--db", help="(--server-only) keep the demo database here")
    p.add_argument(
        "--language",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,  # keeps `webcare --language nl demo` working as well
        help="language of the client: nl (Dutch), en (English) or system (default)",
    )
    p.add_argument(
        "--theme",
        choices=("light", "dark", "system"),
        help="colour theme of the client (default: system, as in the preferences)",
    )
    p.set_defaults(func=cmd_demo)

    agent = sub.add_parser("agent", help="manage accounts").add_subparsers(
        dest="agent_command", metavar="ACTION", required=True
    )
    p = agent.add_parser("add", help="create an account")
    p.add_argument("username")
    p.add_argument("--role", choices=["agent", "lead", "admin"], default="agent")
    p.add_argument("--name", help="display name, e.g. Eva")
    p.add_argument("--signature", help="signature appended to replies, e.g. ^Eva")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    _add_db(p)
    p.set_defaults(func=cmd_agent_add)
    p = agent.add_parser("list", help="list accounts")
    p.add_argument("--json", action="store_true")
    _add_db(p)
    p.set_defaults(func=cmd_agent_list)
    for name, func, text in (
        ("disable", cmd_agent_disable, "disable an account (signs it out, releases its claims)"),
        ("enable", cmd_agent_enable, "enable an account again"),
        ("passwd", cmd_agent_passwd, "set a new password"),
    ):
        p = agent.add_parser(name, help=text)
        p.add_argument("username")
        if name == "passwd":
            p.add_argument("--password-stdin", action="store_true")
        _add_db(p)
        p.set_defaults(func=func)

    imp = sub.add_parser("import", help="import mentions from a file").add_subparsers(
        dest="import_format", metavar="FORMAT", required=True
    )
    p = imp.add_parser(
        "twcs",
        help='"Customer Support on Twitter" CSV (re-import is a no-op)',
        epilog=IMPORT_EPILOG,
    )
    p.add_argument("file")
    p.add_argument(
        "--show-problems", type=int, default=10, metavar="N", help="list N skipped rows (10)"
    )
    p.add_argument(
        "--shift-to-now",
        action="store_true",
        help="move all times of the file by one offset so that its newest tweet is two minutes"
        " old (for trying the product with live waiting times; real history keeps its times)",
    )
    _add_db(p)
    p.set_defaults(func=cmd_import_twcs)
    p = imp.add_parser(
        "csv",
        help="generic CSV: id, author, text [, author_name, followers, created_at, url,"
        " in_reply_to, language]",
        epilog=IMPORT_EPILOG,
    )
    p.add_argument("file")
    p.add_argument("--channel", required=True, help='the channel to put them in, e.g. "Forum"')
    p.add_argument("--platform", default="csv", help="platform name shown with the channel")
    p.add_argument("--brand")
    p.add_argument("--handle")
    p.add_argument(
        "--show-problems", type=int, default=10, metavar="N", help="list N skipped rows (10)"
    )
    _add_db(p)
    p.set_defaults(func=cmd_import_csv)

    chan = sub.add_parser("channel", help="configure channels (connectors)").add_subparsers(
        dest="channel_command", metavar="ACTION", required=True
    )
    p = chan.add_parser("add", help="add a channel driven by a connector")
    p.add_argument(
        "--connector",
        required=True,
        help="mastodon, bluesky, twitter, facebook, telegram, email, rss, webhook or sandbox",
    )
    p.add_argument("--name", required=True, help='unique, e.g. "@KPN on Mastodon"')
    p.add_argument("--brand")
    p.add_argument("--handle")
    p.add_argument("--interval", type=float, help="seconds between fetches")
    p.add_argument("--disabled", action="store_true")
    p.set_defaults(func=cmd_channel_add)
    adds = p
    p = chan.add_parser("set", help="change a channel's settings or secrets")
    p.add_argument("channel_id", type=int)
    p.add_argument("--interval", type=float)
    onoff = p.add_mutually_exclusive_group()
    onoff.add_argument("--enable", action="store_true")
    onoff.add_argument("--disable", action="store_true")
    p.set_defaults(func=cmd_channel_set)
    for q in (adds, p):
        _add_db(q)
        q.add_argument("--set", action="append", metavar="NAME=VALUE", help="a setting")
        q.add_argument(
            "--secret",
            action="append",
            metavar="NAME=VALUE",
            help="a secret; VALUE env:VAR reads it from the server's environment",
        )
        q.add_argument("--secret-stdin", metavar="NAME", help="read this secret from stdin")
    p = chan.add_parser("list", help="channels with their connector and health")
    _add_db(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_channel_list)

    rep = sub.add_parser("report", help="print reports").add_subparsers(
        dest="report", metavar="REPORT", required=True
    )
    p = rep.add_parser("response-times", help="first response and resolution times")
    p.add_argument(
        "--by", choices=["agent", "brand", "channel", "day", "hour", "priority"], default="agent"
    )
    p.add_argument("--business", action="store_true", help="count business hours only")
    p.add_argument(
        "--sla-minutes", type=float, help="one target for all priorities (default: the team's)"
    )
    p.add_argument("--mentions", action="store_true", help="per-mention rows instead of groups")
    p.set_defaults(func=cmd_report_response_times)
    reports = [p]
    p = rep.add_parser("volume", help="mentions per weekday and hour (team time zone)")
    p.set_defaults(func=cmd_report_volume)
    reports.append(p)
    p = rep.add_parser("backlog", help="mentions waiting for a first reply over time")
    p.add_argument("--step", choices=["hour", "day"], default="day")
    p.set_defaults(func=cmd_report_backlog)
    reports.append(p)
    p = rep.add_parser("template-usage", help="how often each template was used, per agent")
    p.set_defaults(func=cmd_report_template_usage)
    reports.append(p)
    for p in reports:
        _add_db(p)
        p.add_argument("--since", help="from this date/time (ISO 8601, UTC)")
        p.add_argument("--until", help="up to this date/time (exclusive)")
        out = p.add_mutually_exclusive_group()
        out.add_argument("--json", action="store_true", help="the same JSON as the server")
        out.add_argument("--csv", action="store_true", help="CSV, as the client exports it")
    return parser


#: Exit status when the reader of our output went away (``| head``): 128 + SIGPIPE, as the
#: shell reports a Unix tool that the same signal ended.
EXIT_BROKEN_PIPE = 141


def _error(message: str) -> int:
    print(f"webcare: {message}", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors are one line on stderr (``webcare: what went wrong``)."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            args.func = cmd_gui
        try:
            result: int = args.func(args)
        except WebcareError as exc:
            # the message says it all; the title is a dialog's caption, not a prefix
            return _error(exc.message)
        except sqlite3.DatabaseError as exc:
            db = getattr(args, "db", None) or os.environ.get("WEBCARE_DB") or "the database"
            hint = " (is it a Webcare server database?)" if "not a database" in str(exc) else ""
            return _error(f"Cannot use {db}: {exc}{hint}.")
        except KeyboardInterrupt:
            return 130
        sys.stdout.flush()  # a closed pipe is noticed here, not while Python shuts down
    except BrokenPipeError:
        # the reader stopped reading (| head): stop quietly, as Unix tools do. Python would
        # flush stdout again at exit and complain; point it at /dev/null instead.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        return EXIT_BROKEN_PIPE
    return result
