"""Allow ``python -m webcare``."""

from webcare.cli import main

raise SystemExit(main())
