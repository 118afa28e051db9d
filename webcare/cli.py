"""The ``webcare`` command: the desktop app, and the team server's tools.

This module is the parser and the dispatcher. The server's administration commands live beside
the server, one module per group (``webcare/server/cli/``); the desktop app's own (the app,
the demo) are here. Subcommands import their dependencies lazily: starting the GUI must not pay
for FastAPI.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from webcare import __version__
from webcare.domain.errors import WebcareError
from webcare.domain.media import DEFAULT_MAX_BYTES as DEFAULT_MEDIA_MAX_BYTES
from webcare.server.cli import accounts, channels, imports, reports, serve
from webcare.server.cli.imports import EXIT_SKIPPED, IMPORT_EPILOG

__all__ = ["EXIT_BROKEN_PIPE", "EXIT_SKIPPED", "build_parser", "main"]


def _byte_size(text: str) -> int:
    """``25M``, ``512K``, ``1G`` or a number of bytes (for ``--media-max-bytes``)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?)(?:i?B)?\s*", text, re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 25M or 26214400")
    value = float(match.group(1)) * 1024 ** " KMG".index(match.group(2).upper() or " ")
    if not 1024 <= value <= 2**40:
        raise argparse.ArgumentTypeError(f"{text!r}: give a size from 1K to 1024G")
    return int(value)


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
        show="handover" if args.scene == "handover" else None,
        scene="inbox" if args.scene == "handover" else args.scene,
        template=args.template,
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
    p.set_defaults(func=serve.server)

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
        "--scene",
        choices=["inbox", "snooze-menu", "snoozed", "handover"],
        default="inbox",
        help="(--screenshot) what to show: a reply being written (default), the snooze menu"
        " open, the Snoozed view with three snoozed mentions, or the hand-over picker (lars"
        " online, anna away)",
    )
    p.add_argument(
        "--template",
        metavar="SHORTCUT",
        help="(--screenshot) put this demo template in the composer instead of a typed reply,"
        " its first value filled in and Send tried once, e.g. order-en",
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
    p.set_defaults(func=accounts.add)
    p = agent.add_parser("list", help="list accounts")
    p.add_argument("--json", action="store_true")
    _add_db(p)
    p.set_defaults(func=accounts.list_all)
    for name, func, text in (
        ("disable", accounts.disable, "disable an account (signs it out, releases its claims)"),
        ("enable", accounts.enable, "enable an account again"),
        ("passwd", accounts.passwd, "set a new password"),
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
    p.set_defaults(func=imports.twcs)
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
    p.set_defaults(func=imports.csv_file)

    chan = sub.add_parser("channel", help="configure channels (connectors)").add_subparsers(
        dest="channel_command", metavar="ACTION", required=True
    )
    p = chan.add_parser("add", help="add a channel driven by a connector")
    p.add_argument(
        "--connector",
        required=True,
        help="mastodon, bluesky, twitter, facebook, instagram, telegram, email, rss, webhook"
        " or sandbox",
    )
    p.add_argument("--name", required=True, help='unique, e.g. "@KPN on Mastodon"')
    p.add_argument("--brand")
    p.add_argument("--handle")
    p.add_argument("--interval", type=float, help="seconds between fetches")
    p.add_argument("--disabled", action="store_true")
    p.set_defaults(func=channels.add)
    adds = p
    p = chan.add_parser("set", help="change a channel's settings or secrets")
    p.add_argument("channel_id", type=int)
    p.add_argument("--interval", type=float)
    onoff = p.add_mutually_exclusive_group()
    onoff.add_argument("--enable", action="store_true")
    onoff.add_argument("--disable", action="store_true")
    p.set_defaults(func=channels.change)
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
    p.set_defaults(func=channels.list_all)

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
    p.set_defaults(func=reports.response_times)
    report_parsers = [p]
    p = rep.add_parser("volume", help="mentions per weekday and hour (team time zone)")
    p.set_defaults(func=reports.volume)
    report_parsers.append(p)
    p = rep.add_parser("backlog", help="mentions waiting for a first reply over time")
    p.add_argument("--step", choices=["hour", "day"], default="day")
    p.set_defaults(func=reports.backlog)
    report_parsers.append(p)
    p = rep.add_parser("template-usage", help="how often each template was used, per agent")
    p.set_defaults(func=reports.template_usage)
    report_parsers.append(p)
    for p in report_parsers:
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
