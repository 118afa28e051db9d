"""The agent's inbox controller and its parts (see :mod:`.controller`)."""

from webcare.ui.controllers.inbox.controller import InboxController

__all__ = ["InboxController"]
