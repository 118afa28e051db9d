"""The pending intent: where the selection goes when the next list arrives (``Next``)."""

from __future__ import annotations

import dataclasses
from typing import Literal


@dataclasses.dataclass(frozen=True)
class Next:
    """Where the selection goes when the next list arrives: the intent of the last action that
    decides it, recorded when the action starts and consumed once (docs/agents.md, "Moving on").

    * ``keep`` (no intent): the selected mention stays selected; if the list no longer has it,
      a change from elsewhere took it away: the pane empties and the status bar says so.
    * ``first``: the agent chose a list (a view, a search, a filter): the selected mention if
      the list has it, else its first row (an empty list: the first mention that arrives).
    * ``follow`` (``mention_id``): claimed here. While this list has it, it stays selected; once
      the claim has taken it out (the local store has it under Mine), the window shows Mine
      with it selected.
    * ``show`` (``mention_id``): the agent asked for that mention ("Go to it" on the author
      card, a double-click in the Team window): the list is All with nothing filtered away,
      and it is selected there (if this computer does not have it, the pane empties and the
      status bar says so). Every list loaded meanwhile is asked for it, not for the pane's.
    """

    kind: Literal["keep", "first", "follow", "show"]
    mention_id: int | None = None

    @staticmethod
    def follow(mention_id: int) -> Next:
        return Next("follow", mention_id)

    @staticmethod
    def show(mention_id: int) -> Next:
        return Next("show", mention_id)

    def follows(self, mention_id: int | None) -> bool:
        return self.kind == "follow" and mention_id is not None and self.mention_id == mention_id

    def shows(self) -> int | None:
        """The mention asked for (``show``), which every list loaded meanwhile is to keep."""
        return self.mention_id if self.kind == "show" else None


KEEP = Next("keep")
FIRST = Next("first")
