"""Write a reply or an internal note: template, live preview with signature, character count.

A template's ``{{ask:…}}`` variables get an input each above the text
(:mod:`webcare.ui.widgets.ask_fields`); the text keeps them as placeholders, and what is sent,
previewed and counted is the text with the values in. Sending with one still empty is refused
with that field marked and focused.

The count is the platform's (:func:`webcare.domain.textlength.measure`, the same function the
team server checks a reply with): of the text that will be posted, counted as the platform
counts it. A reply over the limit cannot be sent, and the composer says why.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from webcare.domain import textlength
from webcare.domain.media import MAX_ATTACHMENTS, size_words
from webcare.domain.templates import (
    append_signature,
    clean_value,
    fill_asks,
    unfilled_asks,
    value_problem,
)
from webcare.ui.resources import icon
from webcare.ui.widgets.ask_fields import AskFields, AskHighlighter
from webcare.ui.widgets.conversation import plain_label
from webcare.ui.widgets.fit import CompactButton, CompactRow


class Composer(QWidget):
    """Emits intents; the controller decides (claim check, outbox)."""

    sendRequested = Signal(str, bool)  # noqa: N815 - final text, is_note
    templateRequested = Signal()  # noqa: N815
    attachRequested = Signal()  # noqa: N815 - "Attach image…" (Ctrl+Shift+A)
    focusChainChanged = Signal()  # noqa: N815 - fields came or went: the window's Tab order

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self._signature = ""
        self._limit: int | None = None
        self._kind = ""
        self._reply_to = ""
        self._blocked_reason = ""
        #: How many images a reply to this mention may carry and why none (the connector's
        #: rule, from the mention's wire record); a private reply's, where one is possible.
        self._images: tuple[int, str] = (0, "")
        self._private_images: tuple[int, str] | None = None
        self._images_known = False
        #: Uploaded images (the server's ``media`` records) the reply will carry.
        self.attachments: list[dict[str, Any]] = []
        self.remove_buttons: list[QToolButton] = []
        self._platform_templates = ""
        self._ask_problem = ""  # why the last send was refused for an ask-variable
        self._ask_problem_key: str | None = None  # the field it was about (None: the text)

        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("composerEditor")
        self.editor.setAccessibleName(self.tr("Reply text"))
        # the keys that work while typing here (T and N would only type letters)
        self._placeholder = self.tr(
            "Write a reply… (Ctrl+T: template, Ctrl+N: internal note, Ctrl+Enter: send)"
        )
        self.editor.setPlaceholderText(self._placeholder)
        self.editor.setTabChangesFocus(True)
        self.ask_fields = AskFields(self)
        self._fit_editor_height()
        self.ask_fields.changed.connect(self._ask_changed)
        self.ask_fields.done.connect(lambda: self.editor.setFocus(Qt.FocusReason.TabFocusReason))
        self._highlighter = AskHighlighter(self.editor.document(), self.ask_fields)
        self.editor.textChanged.connect(self._text_changed)

        self.template_button = CompactButton(self.tr("Template…"), self)
        self.template_button.setToolTip(self.tr("Pick a canned answer (Ctrl+T)"))
        self.template_button.setIcon(icon("template"))
        self.template_button.clicked.connect(self.templateRequested.emit)
        self.attach_button = CompactButton(self.tr("Attach image…"), self)
        self.attach_button.setObjectName("attachButton")
        self.attach_button.setToolTip(self.tr("Attach an image to the reply (Ctrl+Shift+A)"))
        self.attach_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon))
        self.attach_button.clicked.connect(self.attachRequested.emit)
        self.attach_button.setVisible(False)
        self.attachment_row = QWidget(self)
        self.attachment_row.setObjectName("attachmentRow")
        self._attachment_layout = QHBoxLayout(self.attachment_row)
        self._attachment_layout.setContentsMargins(0, 0, 0, 0)
        self._attachment_layout.addStretch(1)
        self.attachment_row.setVisible(False)
        self.note_toggle = QCheckBox(self.tr("Internal note"), self)
        self.note_toggle.setToolTip(self.tr("Write a note only your team sees (Ctrl+N)"))
        self.note_toggle.setAccessibleDescription(self.note_toggle.toolTip())
        self.note_toggle.toggled.connect(self._update)
        # Facebook/Instagram comments: answer in a private message instead of under the comment
        self.private_toggle = QCheckBox(self.tr("Private reply"), self)
        self.private_toggle.setToolTip(
            self.tr(
                "Answer the commenter in a private message instead of publicly (once per comment)"
            )
        )
        self.private_toggle.setAccessibleDescription(self.private_toggle.toolTip())
        self.private_toggle.setVisible(False)
        self.private_toggle.toggled.connect(self._update)
        self.counter = plain_label("", selectable=False, wrap=False)
        self.counter.setObjectName("charCounter")
        self.counter.setAccessibleName(self.tr("Characters"))
        self.send_button = QPushButton(self.tr("Send"), self)
        self.send_button.setObjectName("sendButton")
        self.send_button.setToolTip(self.tr("Send (Ctrl+Enter)"))
        self.send_button.setAccessibleDescription(self.tr("Send (Ctrl+Enter)"))
        self.send_button.setIcon(icon("send", "#ffffff"))  # white on the accent colour
        self.send_button.clicked.connect(self.request_send)
        self.preview = plain_label("", selectable=True)
        self.preview.setObjectName("composerPreview")
        self.preview.setAccessibleName(self.tr("Preview"))
        self.notice = plain_label("", selectable=False)
        self.notice.setObjectName("composerNotice")
        # the platform's messaging window (Messenger, WhatsApp): how long a reply is possible
        self.window_label = plain_label("", selectable=False)
        self.window_label.setObjectName("composerWindow")
        self.window_label.setAccessibleName(self.tr("Reply window"))
        self.window_label.setVisible(False)

        # narrow: the Template button shows its icon (its name stays in the tooltip)
        self.buttons = top = CompactRow(self)
        top.add(self.template_button)
        top.add(self.attach_button)
        top.add(self.note_toggle)
        top.add(self.private_toggle)
        top.add_stretch()
        top.add(self.counter)
        top.add(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.window_label)
        layout.addWidget(self.notice)
        layout.addWidget(self.ask_fields)
        layout.addWidget(self.editor)
        layout.addWidget(self.attachment_row)
        layout.addWidget(top)
        layout.addWidget(self.preview)
        for first, second in pairwise(self.focus_chain()):
            QWidget.setTabOrder(first, second)
        self._update()

    def _fit_editor_height(self) -> None:
        """Five lines and a half (of the font in use), three and a half under a template's
        fields: at 700 px the conversation above keeps its room."""
        fields = getattr(self, "ask_fields", None)  # (a font change may come during __init__)
        lines = 3.5 if fields is not None and fields.edits else 5.5
        self.editor.setMaximumHeight(round(self.editor.fontMetrics().lineSpacing() * lines) + 12)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_editor_height()
        highlighter = getattr(self, "_highlighter", None)
        if highlighter is not None and event.type() in (
            QEvent.Type.StyleChange, QEvent.Type.PaletteChange
        ):  # fmt: skip
            highlighter.rehighlight()  # the theme's colours

    def focus_chain(self) -> list[QWidget]:
        """The composer's controls in Tab order: fill in, write, then pick, then send."""
        removes = self.remove_buttons
        return [*self.ask_fields.edits, self.editor, *removes, self.template_button,
                self.attach_button, self.note_toggle, self.private_toggle,
                self.send_button]  # fmt: skip

    # --- state from the controller ----------------------------------------------------------

    def set_context(
        self, *, signature: str, limit: int | None, kind: str = "", reply_to: str = "",
        images: tuple[int, str] | None = None, private_images: tuple[int, str] | None = None,
        private: bool = False,
    ) -> None:  # fmt: skip
        """The agent's signature, and the channel (its platform and limit) and whom we answer;
        ``images``: how many images a reply to this mention may carry and, when none, why
        (None: as before); ``private_images``: the same for a private reply (None: as
        ``images``); ``private``: a private reply is possible too."""
        self._signature = signature
        self._limit = limit
        self._kind = kind
        self._reply_to = reply_to
        if images is not None:
            self._images = images
            self._private_images = private_images
            self._images_known = True
            if images[0] <= 0 and (private_images is None or private_images[0] <= 0):
                self.clear_attachments()
        if not private:
            self.private_toggle.setChecked(False)
        self.private_toggle.setVisible(private)
        self._update()

    # --- attachments --------------------------------------------------------------------------

    def image_limit(self) -> tuple[int, str]:
        """How many images the reply being written may carry (0: none) and, when none, the
        platform's reason: a private reply's where it is one."""
        if self.is_private and self._private_images is not None:
            return self._private_images
        return self._images

    @property
    def can_attach(self) -> bool:
        return self.image_limit()[0] > 0 and not self.is_note

    def add_attachment(self, record: dict[str, Any]) -> bool:
        """Show an uploaded image with a button to remove it; False when it is there already
        or the reply carries as many as it can (a draft's images, put back before the
        mention's rule is known, are held to the server's limit until then)."""
        if any(a["id"] == record["id"] for a in self.attachments):
            return False
        most = self.image_limit()[0] if self._images_known else MAX_ATTACHMENTS
        if len(self.attachments) >= most:
            return False
        self.attachments.append(record)
        self._show_attachments()
        return True

    def remove_attachment(self, media_id: int) -> None:
        self.attachments = [a for a in self.attachments if a["id"] != media_id]
        self._show_attachments()
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear_attachments(self) -> None:
        if self.attachments:
            self.attachments = []
            self._show_attachments()

    def _show_attachments(self) -> None:
        layout = self._attachment_layout
        self.remove_buttons = []
        while layout.count() > 1:
            taken = layout.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        for n, record in enumerate(self.attachments):
            name = record.get("filename") or self.tr("Image {n}").format(n=n + 1)
            size = record.get("size")
            chip = plain_label(
                f"{name} · {size_words(size)}" if isinstance(size, int) else name,
                selectable=False, wrap=False,
            )  # fmt: skip
            chip.setObjectName("attachmentChip")
            remove = QToolButton(self.attachment_row)
            remove.setObjectName("removeAttachment")
            remove.setText(self.tr("Remove"))
            remove.setAccessibleName(self.tr("Remove the attachment {name}").format(name=name))
            remove.setToolTip(remove.accessibleName())
            remove.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            remove.clicked.connect(lambda _=False, i=record["id"]: self.remove_attachment(i))
            self.remove_buttons.append(remove)
            layout.insertWidget(layout.count() - 1, chip)
            layout.insertWidget(layout.count() - 1, remove)
        self.attachment_row.setVisible(bool(self.attachments))
        for first, second in pairwise(self.focus_chain()):
            QWidget.setTabOrder(first, second)
        self._update()  # the Attach button and Send follow the count

    @property
    def is_private(self) -> bool:
        return not self.private_toggle.isHidden() and self.private_toggle.isChecked()

    def set_window(self, text: str, *, urgent: bool = False) -> None:
        """The messaging window's countdown (empty: the mention has none, or it has closed and
        :meth:`set_blocked` says so); ``urgent`` when little time is left."""
        self.window_label.setText(text)
        self.window_label.setVisible(bool(text))
        self.window_label.setProperty("urgent", urgent)
        self.window_label.style().unpolish(self.window_label)
        self.window_label.style().polish(self.window_label)

    def offer_platform_templates(self, platform: str) -> None:
        """Outside the messaging window the Template button picks one of the platform's
        approved templates (``platform``: "WhatsApp"); empty: canned answers, as usual."""
        if platform == self._platform_templates:
            return
        self._platform_templates = platform
        if platform:
            self.template_button.setText(self.tr("{platform} template…").format(platform=platform))
            self.template_button.setToolTip(
                self.tr("Send an approved {platform} template (Ctrl+T)").format(platform=platform)
            )
        else:
            self.template_button.setText(self.tr("Template…"))
            self.template_button.setToolTip(self.tr("Pick a canned answer (Ctrl+T)"))

    @property
    def platform_templates(self) -> str:
        """The platform whose approved templates the Template button offers (``""``: none)."""
        return self._platform_templates

    def set_blocked(self, reason: str) -> None:
        """Explain why sending a reply is not possible right now (empty: it is possible)."""
        self._blocked_reason = reason
        self._update()

    @property
    def is_note(self) -> bool:
        return self.note_toggle.isChecked()

    def final_text(self) -> str:
        """What is sent: the text with the values filled in (and the signature on a reply)."""
        text = fill_asks(self.editor.toPlainText(), self.ask_fields.values).strip()
        if self.is_note or not text:
            return text
        return append_signature(text, self._signature)

    def insert_text(self, text: str) -> None:
        """Insert (a rendered template) at the cursor, replacing a selection; the first value
        it asks for that is still empty gets the focus."""
        self.editor.insertPlainText(text)
        empty = self.ask_fields.first_empty()
        (empty or self.editor).setFocus(Qt.FocusReason.OtherFocusReason)

    def ask_values(self) -> dict[str, str]:
        """The values typed for the text's ask-variables (by key; empty ones left out)."""
        return {k: v for k, v in self.ask_fields.current().items() if v.strip()}

    def set_ask_values(self, values: dict[str, str]) -> None:
        self.ask_fields.set_values(values)

    def clear(self) -> None:
        """Empty, for another mention (whose image rule comes with its context)."""
        self.ask_fields.reset()
        self._ask_problem, self._ask_problem_key = "", None
        self.editor.clear()
        self.note_toggle.setChecked(False)
        self.clear_attachments()
        self.private_toggle.setChecked(False)
        self._images_known = False

    def _too_many_images(self) -> str:
        """Why the images attached cannot go with this reply ("" when they can)."""
        most, why = self.image_limit()
        extra = len(self.attachments) - most
        if self.is_note or extra <= 0:
            return ""
        if most <= 0:
            return self.tr("{reason} Remove the image to send the reply.").format(
                reason=why or self.tr("This reply cannot carry images.")
            )
        if most == 1:
            return self.tr("This reply can carry one image: remove {n} to send it.").format(n=extra)
        return self.tr("This reply can carry {most} images: remove {n} to send it.").format(
            most=most, n=extra
        )

    # --- behaviour --------------------------------------------------------------------------

    def _text_changed(self) -> None:
        if self.ask_fields.follow(self.editor.toPlainText(), self.editor):
            for first, second in pairwise(self.focus_chain()):
                QWidget.setTabOrder(first, second)
            self.focusChainChanged.emit()
            self._fit_editor_height()
        self._recheck_asks()
        self._update()

    def _ask_changed(self) -> None:
        self._recheck_asks()
        self._highlighter.rehighlight()
        self._update()

    def _recheck_asks(self) -> None:
        """The refusal's message goes once what it was about is put right (that field filled
        in, or gone; no ``{{ask:…}}`` left in the text)."""
        if not self._ask_problem:
            return
        key = self._ask_problem_key
        if key is None:
            fixed = not unfilled_asks(self.final_text())
        else:
            value = self.ask_fields.current().get(key)
            fixed = value is None or (bool(clean_value(value)) and value_problem(value) is None)
        if fixed:
            self._ask_problem, self._ask_problem_key = "", None

    def _refuse_asks(self) -> bool:
        """Before a reply goes: every value filled in, and no ``{{ask:…}}`` left in the text.
        Otherwise the field (or the text) is marked and focused, the message line says why,
        and True."""
        found = self.ask_fields.problem()
        if found is not None:
            field, edit, reason = found
            self._ask_problem_key = field.key
            if reason == "empty":
                self._ask_problem = self.tr("Fill in “{label}” before sending.").format(
                    label=field.label
                )
            else:
                self._ask_problem = self.tr(
                    "“{label}” cannot contain {open} or {close}; type the value as plain text."
                ).format(label=field.label, open="{{", close="}}")
            for other in self.ask_fields.edits:
                self.ask_fields.mark(other, other is edit)
            edit.setFocus(Qt.FocusReason.OtherFocusReason)
            self._update()
            return True
        left = unfilled_asks(self.final_text())
        if left:  # typed by hand, and not a field: an empty label, braces inside
            self._ask_problem_key = None
            self._ask_problem = self.tr(
                "The text still contains {placeholder}: fill in the value there, or remove it."
            ).format(placeholder=left[0])
            self.editor.setFocus(Qt.FocusReason.OtherFocusReason)
            self._update()
            return True
        return False

    def length(self) -> textlength.PostLength:
        """The reply as the platform will count it (the server checks the same)."""
        return textlength.measure(
            self._kind, self.final_text(), reply_to=self._reply_to, limit=self._limit
        )

    def over_limit(self) -> bool:
        return not self.is_note and self.length().over

    def _how_counted(self) -> str:
        """The counter's tooltip: how this platform counts a reply."""
        if self._kind == "mastodon":
            return self.tr(
                "Counted as Mastodon counts: the @mention put in front included, every link as"
                " 23 characters, a mention without its server."
            )
        if self._kind == "twitter":
            return self.tr(
                "Counted as X counts: every link as 23 characters, emoji and CJK characters as 2."
            )
        if self._kind == "bluesky":
            return self.tr(
                "Counted as Bluesky counts: characters as you see them (an emoji is one), and at"
                " most {size} bytes."
            ).format(size=textlength.BLUESKY_MAX_BYTES)
        return ""

    def _too_long(self, length: textlength.PostLength) -> str:
        platform = textlength.PLATFORMS.get(self._kind) or self.tr("this channel")
        if length.over_count:
            if length.text != self.final_text():
                prefix = length.text[: len(length.text) - len(self.final_text())].strip()
                return self.tr(
                    "Too long: {platform} counts {count} characters, with {mention} put in"
                    " front; the limit is {limit}. Shorten the reply to send it."
                ).format(platform=platform, count=length.count, mention=prefix, limit=length.limit)
            return self.tr(
                "Too long: {platform} counts {count} characters; the limit is {limit}."
                " Shorten the reply to send it."
            ).format(platform=platform, count=length.count, limit=length.limit)
        return self.tr(
            "Too long: {size} bytes, and {platform} allows {limit} (emoji and accented letters"
            " take several bytes). Shorten the reply to send it."
        ).format(size=length.size, platform=platform, limit=length.size_limit)

    def _update(self) -> None:
        final = self.final_text()
        note = self.is_note
        length = self.length()
        over = not note and length.over
        self.setProperty("note", note)
        self.editor.setProperty("note", note)
        self.editor.style().unpolish(self.editor)
        self.editor.style().polish(self.editor)
        if note:
            self.counter.setText(self.tr("{n} characters").format(n=len(final)))
        elif self._limit is not None:
            self.counter.setText(f"{length.count}/{self._limit}")
        else:
            self.counter.setText(self.tr("{n} characters").format(n=length.count))
        self.counter.setToolTip(self._how_counted())
        self.counter.setProperty("over", over)
        self.counter.style().unpolish(self.counter)
        self.counter.style().polish(self.counter)
        if final and not note:
            self.preview.setText(self.tr("Will be sent as: {text}").format(text=length.text))
        elif final:
            self.preview.setText(self.tr("Internal note — customers never see it."))
        else:
            self.preview.setText("")
        blocked = self._blocked_reason and not note
        too_many = self._too_many_images()
        asks = self._ask_problem and not note
        notice = (
            self._blocked_reason if blocked
            else self._ask_problem if asks
            else self._too_long(length) if over
            else too_many
        )  # fmt: skip
        self.notice.setText(notice)
        self.notice.setVisible(bool(notice))
        most, why = self.image_limit()
        self.attach_button.setVisible(most > 0)
        self.attach_button.setEnabled(not note and len(self.attachments) < most)
        self.attach_button.setToolTip(
            self.tr("Attach an image to the reply (Ctrl+Shift+A); it can carry one")
            if most == 1
            else self.tr("Attach an image to the reply (Ctrl+Shift+A); it can carry {n}").format(
                n=most
            )
        )
        # where the reply can carry no image, the platform's reason shows before typing
        placeholder = self._placeholder
        if most <= 0 and why and not note:
            placeholder += "\n" + self.tr("No images: {reason}").format(reason=why)
        if self.editor.placeholderText() != placeholder:
            self.editor.setPlaceholderText(placeholder)
        self.send_button.setText(self.tr("Save note") if note else self.tr("Send"))
        self.send_button.setEnabled(bool(final) and not over and not blocked and not too_many)

    def request_send(self) -> None:
        if not self.send_button.isEnabled():
            return
        if not self.is_note and self._refuse_asks():
            return
        self.sendRequested.emit(self.final_text(), self.is_note)
