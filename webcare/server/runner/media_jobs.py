"""Fetching the files mentions carry, one at a time per channel, outside any transaction (see
:mod:`webcare.server.runner`)."""

from __future__ import annotations

import logging

from webcare.channels.errors import ChannelError, MediaTooLarge
from webcare.domain import media as media_rules
from webcare.server.runner.core import MEDIA_PER_JOB, RunnerBase, backoff
from webcare.server.services import media

log = logging.getLogger("webcare.channels")


class MediaJobs(RunnerBase):
    """Fetch a channel's pending files."""

    def fetch_media(self, channel_id: int) -> int:
        """Fetch the channel's due files, one by one; returns how many were settled."""
        store = self.media_store
        if store is None:
            return 0
        job = self._job_connector("media", channel_id, self._media_cannot_start)
        if job is None:
            return 0
        _rt, connector = job
        limit = self.media_max_bytes
        settled = 0
        for _ in range(MEDIA_PER_JOB):
            if self._stop.is_set():
                break
            item = media.next_due(self.db, channel_id, self.clock())
            if item is None:
                break
            ref = item.ref
            if ref.size is not None and ref.size > limit:  # announced too large: not fetched
                media.refused(
                    self.db, item.id, self.clock(), media_rules.too_large(ref.size, limit)
                )
                settled += 1
                continue
            try:
                blob = connector.fetch_media(ref, max_bytes=limit)
            except MediaTooLarge as exc:
                media.refused(self.db, item.id, self.clock(),
                              media_rules.too_large(exc.size, limit), size=exc.size)  # fmt: skip
                settled += 1
                continue
            except ChannelError as exc:
                if exc.permanent or item.attempts + 1 >= media.MAX_ATTEMPTS:
                    media.failed(self.db, item.id, self.clock(), exc.message)
                    settled += 1
                    continue
                self._media_later(item, exc.message, exc.retry_after_s)
                break  # the platform is unwell or limiting us: the rest waits too
            except Exception as exc:  # a connector bug must not stop the others
                log.error("channel %s: media fetch crashed", channel_id, exc_info=exc)
                self._media_later(item, f"Internal error: {type(exc).__name__}: {exc}", None)
                break
            now = self.clock()
            try:
                mime, digest = media.accept(store, ref.kind, ref.mime or blob.mime, blob.data,
                                            limit)  # fmt: skip
            except media_rules.Refused as refusal:
                media.refused(self.db, item.id, now, refusal, size=len(blob.data))
            else:
                media.stored(self.db, item.id, now, mime=mime, size=len(blob.data), digest=digest)
            settled += 1
        return settled

    @staticmethod
    def _media_cannot_start(channel_id: int, exc: ChannelError) -> None:
        # not configured: the fetch job reports it to the admin
        log.info("channel %s: media wait, the connector cannot start: %s", channel_id, exc)

    def _media_later(self, item: media.Pending, message: str, wait_s: float | None) -> None:
        delay = backoff(item.attempts + 1, self.media_retry_base_s)
        if wait_s is not None:
            delay = max(delay, wait_s)
        media.retry_later(self.db, item.id, self.clock(), message, delay)
        log.warning("media %s not fetched (retry in %.0f s): %s", item.id, delay, message)
