"""The team server's administration commands, one module per command group.

``webcare/cli.py`` is the parser and dispatcher; it hands ``webcare server``, ``agent``,
``channel``, ``import`` and ``report`` to these modules. They import what they need when a
command runs, so that starting the desktop app (``webcare`` without a command) pays for none of
it.
"""
