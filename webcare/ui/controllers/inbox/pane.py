"""The mention pane: which mention it shows, its detail, who is on it, what can be done.

**The pane shows the queue's selected row, or nothing.** ``current_id`` is set only by
:meth:`InboxPane.show` (the queue calls it when the agent selects a row) and cleared by
:meth:`InboxPane.clear`; every action asks :meth:`InboxPane.target`, which answers only while
the pane's mention is the selected row. Presence (who holds the mention and for how long, the
reply window) is worded here, and the buttons and keys are enabled from it
(:meth:`InboxPane.update_actions`).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTableView

from webcare.client_store.media_cache import MediaCache, cache_dir_for
from webcare.client_store.records import ChangeSummary, ConversationItem, Me, MentionDetail
from webcare.client_store.store import LocalStore
from webcare.domain import textlength
from webcare.net.agent_api import ApiClient
from webcare.ui.controllers.inbox.drafts import Drafts
from webcare.ui.controllers.inbox.status import InboxStatus
from webcare.ui.models.queue_model import Role
from webcare.ui.platform_text import image_refusal
from webcare.ui.tasks import TaskRunner
from webcare.ui.text import channel_label, hours, minutes, wake_time
from webcare.ui.widgets.main_window import MainWindow
from webcare.ui.widgets.media import MediaSource

HolderState = tuple[str, float]  # 'mine' | 'other' | 'free' | 'final', seconds left on the lease


def _translated(rule: tuple[int, str]) -> tuple[int, str]:
    """A mention's image rule with the platform's reason in the user's language."""
    return rule[0], image_refusal(rule[1]) if rule[1] else ""


def selected_id(table: QTableView) -> int | None:
    """The mention of the queue's current row, if that row is selected and loaded."""
    index = table.currentIndex()
    if not index.isValid() or not table.selectionModel().isRowSelected(index.row()):
        return None
    mention_id = index.data(Role.MENTION_ID)
    return int(mention_id) if mention_id is not None else None


class InboxPane(QObject):
    """What the mention pane shows: the selected mention's detail, presence and actions."""

    # the mention shown is no longer in the local store: the queue empties the pane
    mentionGone = Signal()  # noqa: N815 - Qt's naming

    def __init__(
        self,
        window: MainWindow,
        runner: TaskRunner,
        api: ApiClient,
        status: InboxStatus,
        drafts: Drafts,
        me: Me,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.runner = runner
        self.status = status
        self.drafts = drafts
        self.me = me
        self.current_id: int | None = None  # the mention the pane shows (the selected row)
        self.detail: MentionDetail | None = None
        self._detail_generation = 0
        self._claims: dict[int, int] = {}  # mention id -> epoch granted to us
        self._claim_ends: dict[int, float] = {}  # mention id -> local time its lease ends
        self.media: MediaSource | None = None
        store_path = runner.store_path
        if store_path is not None:  # files come from our server into a cache beside the store
            self.media = MediaSource(runner, api, MediaCache(cache_dir_for(store_path)), self)
            window.detail.conversation.media_source = self.media
        status.connectionChanged.connect(self.refresh_state)

    # --- which mention ------------------------------------------------------------------------

    def target(self) -> MentionDetail | None:
        """The mention an action acts on: the one the pane shows, and only while it is the
        queue's selected row (else None: the action does nothing)."""
        d = self.detail
        if d is None or d.id != self.current_id or selected_id(self.window.table) != d.id:
            return None
        return d

    def show(self, mention_id: int) -> None:
        """Show ``mention_id`` (the row the agent selected): the composer puts away the draft
        of the mention before and gives back this one's; no action acts until it is loaded."""
        changed = mention_id != self.current_id
        if changed:
            self.drafts.put_away(self.current_id)
        self.current_id = mention_id
        if changed:
            self.drafts.bring_back(mention_id)
            self.detail = None  # until its own detail is loaded, no action acts on the old one
            self.update_actions()
        self.load(mention_id)

    def clear(self) -> None:
        """Nothing shown, no action enabled (the queue has cleared the selection)."""
        self.drafts.put_away(self.current_id)
        self.current_id = None
        self.detail = None
        self._detail_generation += 1  # a detail still loading is not shown any more
        pane = self.window.detail
        pane.composer.clear()
        pane.conversation.clear()
        pane.show_empty(True)
        self.update_actions()

    def reload(self) -> None:
        """Load the pane's mention again (the store has something new about it)."""
        if self.current_id is not None:
            self.load(self.current_id)

    def on_changes(self, summary: ChangeSummary, resynced: bool) -> None:
        if self.current_id is not None and (resynced or self.current_id in summary.mention_ids
                                            or summary.entities & {"contact", "user"}):  # fmt: skip
            self.load(self.current_id)

    def load(self, mention_id: int) -> None:
        self._detail_generation += 1
        generation = self._detail_generation

        def load(store: LocalStore) -> tuple[MentionDetail | None, list[ConversationItem]]:
            return store.detail(mention_id), store.conversation(mention_id)

        def done(result: tuple[MentionDetail | None, list[ConversationItem]]) -> None:
            if generation == self._detail_generation:
                self._show_detail(*result)

        self.runner.db(load, done, receiver=self)

    def _show_detail(self, detail: MentionDetail | None, items: list[ConversationItem]) -> None:
        pane = self.window.detail
        if detail is None:  # it is gone from the store: the list drops it at its next refresh
            self.mentionGone.emit()
            return
        self.detail = detail
        pane.show_empty(False)
        # the author card (name, followers, earlier conversations, tags, other open mentions);
        # its "go to" buttons and the conversation's select that mention (the queue's
        # ``reveal_mention``, connected once)
        pane.show_author(detail)
        pane.conversation.set_items(items)
        pane.show_platform_action(*self._platform_action_text(detail))
        pane.composer.set_context(
            signature=self.me.signature,
            limit=detail.char_limit,
            kind=detail.channel_kind,
            reply_to=detail.handle,
            images=_translated(detail.images_allowed()),
            private_images=_translated(detail.images_allowed(private=True))
            if detail.private_reply
            else None,
            private=detail.private_reply,
        )
        self.update_presence()
        self.update_actions()

    def set_me(self, me: Me) -> None:
        """The account's profile changed: sign with the new one."""
        self.me = me
        if self.detail is not None:
            self.window.detail.composer.set_context(
                signature=me.signature, limit=self.detail.char_limit
            )

    # --- who is on it -------------------------------------------------------------------------

    def grant(self, mention_id: int, epoch: int, lease_s: float) -> None:
        """The server granted us the claim (``epoch``): ours for ``lease_s`` from now, even
        before the change feed brings it."""
        self._claims[mention_id] = epoch
        self._claim_ends[mention_id] = time.time() + lease_s

    def drop_claim(self, mention_id: int) -> None:
        self._claims.pop(mention_id, None)
        self._claim_ends.pop(mention_id, None)

    def granted_epoch(self, mention_id: int) -> int | None:
        return self._claims.get(mention_id)

    def holder_state(self, d: MentionDetail | None = None) -> HolderState:
        """('mine' | 'other' | 'free' | 'final', seconds left on the lease) of ``d`` (default:
        the mention in the pane)."""
        d = d if d is not None else self.detail
        if d is None:
            return "free", 0.0
        if d.status in ("closed", "spam"):
            return "final", 0.0
        granted = self._claims.get(d.id)
        if granted is not None and granted > d.claim_epoch:
            # the server granted us this claim and the local copy is older than it (the change
            # feed has not brought it yet): it is ours, as the status bar has just said
            left = self._claim_ends.get(d.id, 0.0) - time.time()
            if left > 0:
                return "mine", left
        left = max(0.0, (d.lease_expires_local or 0.0) - time.time())
        if d.holder_id is None or left <= 0:
            return "free", 0.0
        return ("mine" if d.holder_id == self.me.id else "other"), left

    @Slot()
    def refresh_state(self) -> None:
        """Presence and actions again (the connection changed, the clock moved on)."""
        self.update_presence()
        self.update_actions()

    def update_presence(self) -> None:
        d = self.detail
        pane = self.window.detail
        if d is None:
            return
        state, left = self.holder_state()
        shown_state = state
        online = self.status.online
        if state == "mine" and online is False:
            # offline the lease cannot be renewed: no reassuring green
            text = self.tr(
                "Offline: your claim ends in {t} and cannot be renewed until the server is"
                " back. It may lapse; then someone else can take this mention."
            ).format(t=minutes(left))
            shown_state = "lapsing"
            block = ""
        elif state == "mine" and d.handed_over_by and d.handed_over_by_id != self.me.id:
            text = self.tr("{name} handed this to you — your claim ends in {t}.").format(
                name=d.handed_over_by, t=minutes(left)
            )
            block = ""
        elif state == "mine":
            text = self.tr("You are working on this — your claim ends in {t}.").format(
                t=minutes(left)
            )
            block = ""
        elif state == "other":
            if d.claimed_since_local is not None:
                text = self.tr("{name} is replying… for {since} (claim ends in {t})").format(
                    name=d.holder or "?", since=minutes(time.time() - d.claimed_since_local),
                    t=minutes(left),
                )  # fmt: skip
            else:
                text = self.tr("{name} is replying… (claim ends in {t})").format(
                    name=d.holder or "?", t=minutes(left)
                )
            block = self.tr("{name} holds this mention; you cannot reply until it is free.").format(
                name=d.holder or "?"
            )
        elif state == "final":
            text = self.tr("This mention is {status}.").format(status=self.status_word(d.status))
            block = self.tr("Reopen it (Shift+E) before replying.")
        else:
            label = {"answered": self.tr("Answered"), "open": self.tr("Unclaimed")}
            text = label.get(d.status, self.tr("Unclaimed")) + " — " + self.tr("press C to claim")
            if online is False:
                text = (
                    label.get(d.status, self.tr("Unclaimed"))
                    + " — "
                    + self.tr("claiming needs the team server (offline)")
                )
            block = ""
        if d.snoozed and state != "final":
            text, shown_state = self.snooze_text(d), "snoozed"
        window, closed = self._window_text(d)
        if closed and state in ("free", "mine"):
            block = closed
        if not d.can_reply and state != "other":
            block = self.tr(
                "{channel} is listen-only: replies cannot be posted there. Open it on the"
                " platform (O) to respond, then resolve it (E)."
            ).format(channel=channel_label(d.channel) if d.channel else self.tr("This channel"))
        window_left = d.window_left(time.time())
        pane.composer.set_window(window, urgent=window_left is not None and window_left < 3600)
        pane.presence.setText(text)
        pane.presence.setProperty("state", shown_state)
        pane.presence.style().unpolish(pane.presence)
        pane.presence.style().polish(pane.presence)
        pane.composer.set_blocked(block)
        # outside the window the platform still takes its approved templates (WhatsApp)
        offer = bool(closed) and d.window_templates and d.can_reply and state in ("free", "mine")
        pane.composer.offer_platform_templates(self.platform_name(d) if offer else "")

    def _platform_action_text(self, d: MentionDetail) -> tuple[str, str]:
        """(what the pane says of the platform action, its state) — nothing when there is none
        or when showing the comment again has simply been done."""
        act = d.platform_action
        if act is None:
            return "", ""
        platform = self.platform_name(d)
        failed = act.state == "failed"
        reason = (act.error or "").strip() or self.tr("no reason given")
        if not reason.endswith((".", "!", "?")):
            reason += "."
        if act.action == "hide":
            if failed:
                return self.tr(
                    "Could not hide this comment — {reason} Hide it on {platform} yourself, or"
                    " reopen it (Shift+E) and mark it as spam again (!) to try once more."
                ).format(platform=platform, reason=reason), "failed"
            if act.state == "done":
                return self.tr("Hidden on {platform}: the comment no longer shows there.").format(
                    platform=platform
                ), "done"
            return self.tr("Hiding this comment on {platform}…").format(platform=platform), "queued"
        if act.action == "unhide":
            if failed:
                return self.tr(
                    "Could not show this comment again — {reason} Unhide it on {platform} yourself."
                ).format(platform=platform, reason=reason), "failed"
            if act.state != "done":
                return self.tr("Showing this comment on {platform} again…").format(
                    platform=platform
                ), "queued"
        return "", ""

    def snooze_text(self, d: MentionDetail) -> str:
        """'Snoozed until tomorrow 09:00 by Eva.' (this computer's time), or until the customer
        writes; and whether it is still waiting to be sent."""
        who = d.snoozer or self.tr("someone")
        if d.snoozed_until is not None:
            text = self.tr("Snoozed until {when} by {name}.").format(
                when=wake_time(d.snoozed_until), name=who
            )
        else:
            text = self.tr("Snoozed until the customer writes again, by {name}.").format(name=who)
        if d.snooze_queued:
            text += " " + self.tr("(Not sent yet: it goes to the team server when it is back.)")
        return text + " " + self.tr("Shift+S brings it back now.")

    def platform_name(self, d: MentionDetail) -> str:
        return textlength.PLATFORMS.get(d.channel_kind) or (
            channel_label(d.channel) if d.channel else self.tr("This channel")
        )

    def _window_text(self, d: MentionDetail) -> tuple[str, str]:
        """(the countdown while the messaging window is open, the refusal once it closed)."""
        now = time.time()
        left = d.window_left(now)
        if left is None:
            return "", ""
        channel = channel_label(d.channel) if d.channel else self.tr("This channel")
        window = hours(d.reply_window_s) if d.reply_window_s else ""
        if left > 0:
            if window:
                return self.tr(
                    "{t} left to reply: {channel} takes replies up to {window} after the"
                    " customer's last message."
                ).format(t=hours(left), channel=channel, window=window), ""
            return self.tr("{t} left to reply.").format(t=hours(left)), ""
        if d.window_templates and window and d.window_from_local is not None:
            return "", self.tr(
                "The customer last wrote {ago} ago; after {window} {platform} only delivers an"
                " approved template message. Choose one with Template… (Ctrl+T), or add a note"
                " (Ctrl+N) or resolve it (E)."
            ).format(
                ago=hours(now - d.window_from_local), window=window, platform=self.platform_name(d)
            )
        if window and d.window_from_local is not None:
            ago = now - d.window_from_local
            return "", self.tr(
                "The customer last wrote {ago} ago; {channel} only takes a reply within {window}"
                " of their last message. You can answer when they write again; meanwhile add a"
                " note (Ctrl+N) or resolve it (E)."
            ).format(ago=hours(ago), channel=channel, window=window)
        return "", self.tr(
            "The reply window of {channel} has closed. You can answer when the customer writes"
            " again; meanwhile add a note (Ctrl+N) or resolve it (E)."
        ).format(channel=channel)

    @staticmethod
    def window_closed(d: MentionDetail | None) -> bool:
        """The messaging window of ``d`` has closed (free text is no longer delivered)."""
        left = d.window_left(time.time()) if d is not None else None
        return left is not None and left <= 0

    def status_word(self, status: str) -> str:
        """A mention's status as it reads in a sentence ('This mention is closed.')."""
        words = {
            "open": self.tr("open", "mention status"),
            "claimed": self.tr("claimed", "mention status"),
            "answered": self.tr("answered", "mention status"),
            "closed": self.tr("closed", "mention status"),
            "spam": self.tr("spam", "mention status"),
        }
        return words.get(status, status)

    # --- what can be done ---------------------------------------------------------------------

    def update_actions(self) -> None:
        d = self.target()
        state, _left = self.holder_state(d)
        has = d is not None
        offline = self.status.online is False
        pane = self.window.detail
        a = self.window.actions_by_name
        claimable = has and state == "free"
        pane.claim_button.setEnabled(claimable and not offline)
        pane.claim_button.setToolTip(
            self.tr("Claiming needs the team server; you are offline.")
            if offline
            else self.tr("Claim (C)")
        )
        a["claim"].setEnabled(claimable)  # offline, C still answers: it says why not
        pane.release_button.setEnabled(has and state == "mine" and not offline)
        pane.release_button.setToolTip(
            self.tr("Releasing needs the team server; you are offline.")
            if offline
            else self.tr("Release (U)")
        )
        a["release"].setEnabled(has and state == "mine")  # offline, U says why not
        # hand over: the holder, or a lead any open mention (the button says so)
        can_hand = has and (state == "mine" or (state != "final" and self.may_hand_over_others()))
        pane.handover_button.setEnabled(can_hand and not offline)
        pane.handover_button.setToolTip(
            self.tr("Handing over needs the team server; you are offline.")
            if offline
            else self.tr("Hand over to a colleague (H)")
        )
        a["handover"].setEnabled(has)  # H always answers: it says why when it cannot
        for button, name in ((pane.resolve_button, "resolve"), (pane.spam_button, "spam")):
            button.setEnabled(has and state in ("free", "mine"))
            a[name].setEnabled(has and state in ("free", "mine"))
        snoozable = has and state in ("free", "mine")
        pane.snooze_button.setEnabled(snoozable)
        a["snooze"].setEnabled(snoozable)
        asleep = d is not None and d.snoozed and state != "final"
        pane.unsnooze_button.setVisible(asleep)
        pane.unsnooze_button.setEnabled(asleep)
        a["unsnooze"].setEnabled(asleep)
        pane.reopen_button.setVisible(has and state == "final")
        pane.reopen_button.setEnabled(has and state == "final")
        a["reopen"].setEnabled(has and state == "final")
        can_reply = d is not None and d.can_reply and not self.window_closed(d)
        a["reply"].setEnabled(has and can_reply and state in ("free", "mine"))
        a["open_link"].setEnabled(has and self._link() is not None)
        a["template"].setEnabled(has)
        a["note"].setEnabled(has)
        a["send"].setEnabled(has)
        a["attach"].setEnabled(has)  # where a reply cannot carry an image, it says why

    def may_hand_over_others(self) -> bool:
        """Leads and admins may hand over a mention they do not hold (the server agrees)."""
        return self.me.role in ("lead", "admin")

    def _link(self) -> str | None:
        """The mention's address on its platform, if it is a web address."""
        url = self.detail.url if self.detail is not None else None
        return url if url and url.lower().startswith(("https://", "http://")) else None

    @Slot()
    def open_link(self) -> None:
        url = self._link()
        if url is not None:
            QDesktopServices.openUrl(QUrl(url, QUrl.ParsingMode.StrictMode))
