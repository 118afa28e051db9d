"""``webcare server``: run the team server."""

from __future__ import annotations

import argparse
from pathlib import Path

from webcare.server.cli.common import db_path


def server(args: argparse.Namespace) -> int:
    from webcare.server.config import ServerConfig
    from webcare.server.run import serve_forever

    config = ServerConfig(
        db_path=db_path(args),
        lease_s=args.lease_seconds,
        media_max_bytes=args.media_max_bytes,
        media_path=Path(args.media_dir) if args.media_dir else None,
    )
    serve_forever(config, args.host, args.port, log_level=args.log_level)
    return 0
