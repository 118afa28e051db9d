"""Writing to the customer: replies, internal notes, templates, images, and the outbox.

A reply needs a claim: ``send`` claims first when the mention is free (that needs the
server), then queues the reply; a note needs none. Both are committed to the local outbox and
sent later (so they work offline); a refusal comes back with the text. Images are uploaded
when attached (that needs the server), and the reply names them by id. The composer's work per
mention (:class:`~webcare.ui.controllers.inbox.drafts.Drafts`) survives moving to another
mention and back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QFileDialog

from webcare.client_store.records import MediaItem, MentionDetail, OutboxEntry, Template
from webcare.client_store.store import LocalStore
from webcare.domain.errors import ValidationError, WebcareError
from webcare.domain.media import size_words
from webcare.domain.models import TemplateContext
from webcare.domain.templates import render
from webcare.net.agent_api import ApiClient
from webcare.net.errors import OfflineError
from webcare.ui.controllers.inbox.actions import InboxActions
from webcare.ui.controllers.inbox.drafts import Drafts
from webcare.ui.controllers.inbox.pane import InboxPane
from webcare.ui.controllers.inbox.status import InboxStatus
from webcare.ui.sync_service import SyncService
from webcare.ui.tasks import TaskRunner
from webcare.ui.text import channel_label
from webcare.ui.widgets.main_window import MainWindow
from webcare.ui.widgets.platform_template_picker import PlatformTemplatePicker
from webcare.ui.widgets.template_picker import TemplatePicker


class InboxCompose(QObject):
    """The composer's actions: reply, note, templates, attachments, send; the bubbles' own
    (put a refused reply's text back, dismiss it, ask the server to deliver again)."""

    def __init__(
        self,
        window: MainWindow,
        runner: TaskRunner,
        api: ApiClient,
        sync: SyncService,
        pane: InboxPane,
        actions: InboxActions,
        status: InboxStatus,
        drafts: Drafts,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.runner = runner
        self.api = api
        self.sync = sync
        self.pane = pane
        self.actions = actions
        self.status = status
        self.drafts = drafts
        self.picker: TemplatePicker | None = None
        self.platform_picker: PlatformTemplatePicker | None = None
        composer = window.detail.composer
        composer.sendRequested.connect(self._on_send_requested)
        composer.templateRequested.connect(self.pick_template)
        composer.attachRequested.connect(self.attach_image)
        conversation = window.detail.conversation
        conversation.dismissRequested.connect(self.dismiss_rejected)
        conversation.reuseRequested.connect(self._reuse_text)
        conversation.retryRequested.connect(self.retry_delivery)
        conversation.reattachRequested.connect(self._reattach)

    # --- writing ------------------------------------------------------------------------------

    @Slot()
    def reply(self) -> None:
        d = self.pane.target()
        if d is None:
            return
        state, _left = self.pane.holder_state(d)
        composer = self.window.detail.composer
        if state == "free":
            self.actions.claim_then(composer.editor.setFocus)
        elif state == "mine":
            composer.editor.setFocus()
        else:
            self.pane.update_presence()

    @Slot()
    def toggle_note(self) -> None:
        if self.pane.target() is None:
            return
        toggle = self.window.detail.composer.note_toggle
        toggle.setChecked(not toggle.isChecked())
        self.window.detail.composer.editor.setFocus()

    @Slot()
    def send(self) -> None:
        self.window.detail.composer.request_send()

    @Slot(str, bool)
    def _on_send_requested(self, text: str, is_note: bool) -> None:
        d = self.pane.target()
        if d is None or not text:
            return
        if is_note:
            self._enqueue("note", d, {"body": text})
            return
        state, _left = self.pane.holder_state(d)
        if state == "other":
            self.pane.update_presence()
            self.status.notice(self.tr("{name} holds this mention; your text stays here.").format(
                name=d.holder or "?"))  # fmt: skip
            return
        if state == "final":
            self.status.notice(
                self.tr("This mention is {s}; reopen it first (Shift+E).").format(
                    s=self.pane.status_word(d.status)
                )
            )
            return
        epoch = self._epoch(d)
        payload: dict[str, Any] = {"body": text, "template_id": self.drafts.template_id}
        # uploaded images go by id; their records stay with the queued reply to show it
        attached = list(self.window.detail.composer.attachments)
        if attached:
            payload["media_ids"] = [int(a["id"]) for a in attached]
        if self.window.detail.composer.is_private:
            payload["private"] = True
        if epoch is not None:
            self._enqueue("reply", d, {**payload, "claim_epoch": epoch}, attached)
            return
        # not claimed yet: claim first (needs the server), then queue the reply

        def after_claim() -> None:
            self._enqueue("reply", d, {**payload, "claim_epoch": self._granted(d)}, attached)

        self.actions.claim_then(after_claim)

    def _epoch(self, d: MentionDetail) -> int | None:
        """The claim a reply to ``d`` is sent under: ours (in the store, or just granted)."""
        return d.claim_epoch if d.holder_id == self.pane.me.id else self.pane.granted_epoch(d.id)

    def _granted(self, d: MentionDetail) -> int:
        epoch = self.pane.granted_epoch(d.id)
        if epoch is None:
            raise KeyError(d.id)  # claim_then runs its follow-up only after the grant
        return epoch

    def _enqueue(
        self, kind: str, d: MentionDetail, payload: dict[str, Any],
        media: list[dict[str, Any]] | None = None,
    ) -> None:  # fmt: skip
        mention_id, who = d.id, d.handle

        def done(entry: OutboxEntry) -> None:
            # (the agent may be on another mention by now)
            self.drafts.sent(mention_id, in_composer=self.pane.current_id == mention_id)
            self.sync.wake_push()
            if kind == "note":
                self.status.notice(self.tr("Note saved on {who}.").format(who=who))
            else:
                self.status.track_reply(entry.op_id, who, d.channel)
                self.status.notice(
                    self.tr("Reply to {who} queued; it is sent as soon as the server has it.")
                    .format(who=who)
                )  # fmt: skip
            self.status.refresh_outbox_count()
            if self.pane.current_id == mention_id:
                self.pane.load(mention_id)

        def commit(store: LocalStore) -> OutboxEntry:
            entry = store.enqueue(kind, mention_id, payload, media or ())
            self.sync.wake_push()  # thread-safe: the sender starts at once, not after a repaint
            return entry

        self.runner.db(commit, done, self.status.write_failed, receiver=self)

    # --- templates ----------------------------------------------------------------------------

    @Slot()
    def pick_template(self) -> None:
        d = self.pane.target()
        if d is None:
            return
        state, _left = self.pane.holder_state(d)
        if d.window_templates and self.pane.window_closed(d) and state in ("free", "mine"):
            self._open_platform_picker(d)  # canned answers are free text: not possible now
            return
        self.runner.db(lambda s: s.templates(), self._open_picker, receiver=self)

    def _open_platform_picker(self, d: MentionDetail) -> None:
        """The platform's approved templates (from the team server, which reads them with the
        channel's token); the dialog sends the one chosen."""
        if self.status.online is False:
            self.status.notice(self.tr("You are offline: the approved templates come from the"
                                       " team server."))  # fmt: skip
            return
        mention_id, channel_id = d.id, d.channel_id
        platform = self.pane.platform_name(d)

        def ok(listing: dict[str, Any]) -> None:
            detail = self.pane.detail
            if detail is None or detail.id != mention_id or self.platform_picker:
                return
            picker = PlatformTemplatePicker(
                listing, platform=platform, language=detail.language or "nl",
                variables=self.template_context().as_dict(), parent=self.window,
            )  # fmt: skip
            self.platform_picker = picker
            picker.finished.connect(lambda _code: self._platform_picked(picker, mention_id))
            picker.open()

        def failed(error: BaseException) -> None:
            words = error.message if isinstance(error, WebcareError) else str(error)
            self.status.notice(self.tr("The approved templates could not be loaded: {error}")
                               .format(error=words))  # fmt: skip

        self.runner.net(lambda: self.api.platform_templates(channel_id), ok, failed, receiver=self)

    def _platform_picked(self, picker: PlatformTemplatePicker, mention_id: int) -> None:
        self.window.activateWindow()
        chosen = picker.chosen if picker.result() else None
        picker.deleteLater()
        self.platform_picker = None
        d = self.pane.target()
        if chosen is None or d is None or d.id != mention_id:
            return
        state, _left = self.pane.holder_state(d)
        if state not in ("free", "mine"):
            self.pane.update_presence()
            return
        payload = {"body": chosen.text, "platform_template": chosen.payload()}
        epoch = self._epoch(d)
        if epoch is not None:
            self._enqueue("reply", d, {**payload, "claim_epoch": epoch})
            return
        self.actions.claim_then(lambda: self._enqueue(
            "reply", d, {**payload, "claim_epoch": self._granted(d)}))  # fmt: skip

    def template_context(self) -> TemplateContext:
        """The known variables for the mention in the pane (its customer, me, the brand); a
        template's ``{{ask:…}}`` are the composer's to fill in."""
        d = self.pane.detail
        assert d is not None
        me = self.pane.me
        return TemplateContext(
            customer_name=d.name or d.handle,
            customer_handle=d.handle,
            agent_name=me.display_name,
            agent_signature=me.signature,
            brand=d.brand,
        )

    def _render(self, template: Template) -> str:
        try:
            return render(template.body, self.template_context())
        except WebcareError as exc:
            return exc.message

    def _open_picker(self, templates: list[Template]) -> None:
        detail = self.pane.detail
        if detail is None:
            return
        picker = TemplatePicker(
            templates, language=detail.language or "nl", render=self._render,
            parent=self.window,
        )  # fmt: skip
        self.picker = picker
        picker.finished.connect(lambda _code: self._picked(picker))
        picker.open()

    def _picked(self, picker: TemplatePicker) -> None:
        self.window.activateWindow()  # back to the inbox, keyboard focus in the composer
        if picker.result() and picker.chosen is not None:
            self.drafts.template_id = picker.chosen.id
            self.window.detail.composer.insert_text(self._render(picker.chosen))
        picker.deleteLater()
        self.picker = None

    # --- attachments --------------------------------------------------------------------------

    @Slot()
    def attach_image(self) -> None:
        """Ctrl+Shift+A: pick an image and upload it for the reply being written, or say why
        this reply cannot carry one."""
        if self.pane.detail is None:
            return
        refusal = self._attach_refusal()
        if refusal:
            self.status.notice(refusal)
            return
        path, _filter = QFileDialog.getOpenFileName(
            self.window, self.tr("Attach an image"), "",
            self.tr("Images (*.png *.jpg *.jpeg *.gif *.webp)"),
        )  # fmt: skip
        if path:
            self.attach_file(Path(path))

    def _attach_refusal(self) -> str:
        """Why the reply being written cannot carry an image ("" when it can)."""
        d = self.pane.detail
        composer = self.window.detail.composer
        if d is None:
            return ""
        if not d.can_reply:
            return self.tr("This channel only listens: there is no reply to attach an image to.")
        if composer.is_note:
            return self.tr("An internal note cannot carry images; switch off Internal note.")
        most, why = composer.image_limit()
        if most <= 0:
            if why:  # the platform's rule for this mention (an Instagram DM, a private reply)
                return self.tr("{reason} Send the text alone.").format(reason=why)
            return self.tr(
                "Replies on {channel} cannot carry images. Send the text, or answer with the "
                "image on the platform itself."
            ).format(channel=self._channel_words())
        if len(composer.attachments) >= most:
            if most == 1:
                return self.tr("This reply can carry one image, and it has one.")
            return self.tr("This reply can carry {n} images, and it has them.").format(n=most)
        return ""

    def _channel_words(self) -> str:
        d = self.pane.detail
        return channel_label(d.channel) if d is not None and d.channel else self.tr("this channel")

    def attach_file(self, path: Path) -> None:
        """Upload ``path`` to the team server (which checks it is an image within its limit);
        the composer then shows it with a button to remove it. The copy is also kept in the
        media cache, so the reply's bubble shows it even while it waits offline."""
        refusal = self._attach_refusal()
        if refusal:
            self.status.notice(refusal)
            return
        detail = self.pane.detail
        mention_id = detail.id if detail is not None else None
        limit = detail.attach_max_bytes if detail is not None else None
        channel = self._channel_words()
        self.status.notice(self.tr("Uploading {name}…").format(name=path.name))
        source = self.pane.media

        def upload() -> dict[str, Any]:
            data = path.read_bytes()
            if limit is not None and len(data) > limit:  # the platform's own limit (Bluesky)
                raise ValidationError(
                    self.tr("it is {size}; {channel} takes images up to {limit}.").format(
                        size=size_words(len(data)), channel=channel, limit=size_words(limit))
                )  # fmt: skip
            # the bytes decide on the server: the name says nothing it would believe
            record = self.api.upload_media(data, "application/octet-stream", filename=path.name)
            if source is not None:
                source.cache.put(MediaItem.from_wire(record), data)
            return record

        def done(record: dict[str, Any]) -> None:
            if self.pane.current_id != mention_id:  # another mention was opened meanwhile: the
                if mention_id is not None:  # image stays with the draft of the reply it was for
                    self.drafts.attach(mention_id, record)
                return
            if self.window.detail.composer.add_attachment(record):
                self.status.notice(
                    self.tr("{name} is attached to the reply.").format(name=path.name)
                )
            else:
                self.status.notice(
                    self.tr(
                        "{name} is attached already, or the reply carries as many images as it can."
                    ).format(name=path.name)
                )

        def failed(error: BaseException) -> None:
            if isinstance(error, OfflineError):
                words = self.tr(
                    "the team server cannot be reached. An image is uploaded when you attach "
                    "it, so attach it again once you are online; the text can be queued now."
                )
            elif isinstance(error, WebcareError):
                words = error.message
            elif isinstance(error, OSError):
                words = error.strerror or str(error)
            else:
                words = str(error)
            self.status.notice(self.tr("{name} was not attached: {reason}").format(
                name=path.name, reason=words))  # fmt: skip

        self.runner.net(upload, done, failed, receiver=self)

    @Slot(object)
    def _reattach(self, media: tuple[MediaItem, ...]) -> None:
        """A rejected reply's images back in the composer with its text (where they can go)."""
        composer = self.window.detail.composer
        if self._attach_refusal():
            return
        for item in media:
            composer.add_attachment({
                "id": item.id, "kind": item.kind, "mime": item.mime, "size": item.size,
                "filename": item.filename, "caption": item.caption, "state": item.state,
            })  # fmt: skip

    # --- the bubbles of the outbox ------------------------------------------------------------

    @Slot(str)
    def dismiss_rejected(self, op_id: str) -> None:
        def done(_r: object) -> None:
            self.status.refresh_outbox_count()
            self.pane.reload()

        self.runner.db(lambda s: s.dismiss(op_id), done, receiver=self)

    @Slot(str)
    def _reuse_text(self, text: str) -> None:
        composer = self.window.detail.composer
        composer.editor.setPlainText(text)
        composer.editor.setFocus()

    @Slot(str)
    def retry_delivery(self, reply_id: str) -> None:
        self.status.notice(self.tr("Asking the server to deliver it again…"))
        self.runner.net(
            lambda: self.api.retry_delivery(reply_id),
            lambda _reply: self._after_retry(),
            lambda error: self.status.notice(
                error.message if isinstance(error, WebcareError) else str(error)
            ),
            receiver=self,
        )

    def _after_retry(self) -> None:
        self.status.notice(self.tr("The reply is queued for delivery again."))
        self.sync.wake_push()
