"""What the composer holds for each mention while the agent is on another one."""

from __future__ import annotations

import dataclasses
from typing import Any

from webcare.ui.widgets.composer import Composer


@dataclasses.dataclass(frozen=True)
class Draft:
    """An unsent reply or note: its text, whether it is a note, the images attached to it
    (their media records, uploaded already), the values typed for its ``{{ask:…}}``."""

    text: str
    note: bool
    attached: tuple[dict[str, Any], ...] = ()
    asks: tuple[tuple[str, str], ...] = ()


class Drafts:
    """The composer's work, kept per mention: put away when the pane moves to another mention
    (or empties), given back when it returns; and the template the text in the composer came
    from (sent with the reply, so reports count it)."""

    def __init__(self, composer: Composer) -> None:
        self.composer = composer
        self._saved: dict[int, Draft] = {}
        self.template_id: int | None = None  # the template inserted into the composer's text

    def get(self, mention_id: int) -> Draft | None:
        return self._saved.get(mention_id)

    def put_away(self, mention_id: int | None) -> None:
        """Keep what the composer holds for ``mention_id`` (nothing to keep: forget it)."""
        if mention_id is None:
            return
        composer = self.composer
        text = composer.editor.toPlainText()
        if text.strip() or composer.attachments:
            self._saved[mention_id] = Draft(
                text, composer.note_toggle.isChecked(), tuple(composer.attachments),
                tuple(composer.ask_values().items()),
            )  # fmt: skip
        else:
            self._saved.pop(mention_id, None)

    def bring_back(self, mention_id: int) -> None:
        """The composer for ``mention_id``: empty, or its draft (which leaves the store)."""
        composer = self.composer
        composer.clear()
        draft = self._saved.pop(mention_id, Draft("", False))
        composer.note_toggle.setChecked(draft.note)
        composer.editor.setPlainText(draft.text)
        composer.set_ask_values(dict(draft.asks))
        for record in draft.attached:
            composer.add_attachment(record)
        self.template_id = None

    def sent(self, mention_id: int, *, in_composer: bool) -> None:
        """The reply or note of ``mention_id`` is queued: nothing of it is kept, and the
        composer empties if it still shows it (``in_composer``)."""
        self._saved.pop(mention_id, None)
        if in_composer:
            self.composer.clear()
            self.template_id = None

    def attach(self, mention_id: int, record: dict[str, Any]) -> None:
        """An image finished uploading after the agent moved on: it joins that mention's draft."""
        draft = self._saved.get(mention_id, Draft("", False))
        if all(a["id"] != record["id"] for a in draft.attached):
            self._saved[mention_id] = dataclasses.replace(draft, attached=(*draft.attached, record))
