"""The platforms' rules for images, in the user's language.

The team server words a connector's rule in English (``AttachRule.reason`` on a mention's
record: "Instagram comment replies are text only."); the client shows the translation of the
rules it knows, and any other as the server sent it. The English texts here are the
connectors' own (tests/unit/test_platform_text.py keeps the two in step).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

_PRIVATE_MESSENGER = (
    "A private reply is one Messenger message, and Messenger cannot put text and an image in"
    " one message: answer publicly to send the image, or in Messenger once the customer writes"
    " back."
)  # webcare.channels.facebook.PRIVATE_TEXT_ONLY
_INSTAGRAM_DM = (
    "Instagram takes a direct message's image only from a public web address, which Webcare"
    " does not have: send the text here, and the image from the Instagram app."
)  # webcare.channels.instagram.DM_NO_IMAGES


def image_refusals() -> dict[str, str]:
    """Each known rule (the server's English) with its translation."""
    return {
        _PRIVATE_MESSENGER: QCoreApplication.translate(
            "PlatformText",
            "A private reply is one Messenger message, and Messenger cannot put text and an"
            " image in one message: answer publicly to send the image, or in Messenger once the"
            " customer writes back.",
        ),
        # facebook.UNANSWERABLE
        "This Facebook mention cannot be answered from Webcare.": QCoreApplication.translate(
            "PlatformText", "This Facebook mention cannot be answered from Webcare."
        ),
        _INSTAGRAM_DM: QCoreApplication.translate(
            "PlatformText",
            "Instagram takes a direct message's image only from a public web address, which"
            " Webcare does not have: send the text here, and the image from the Instagram app.",
        ),
        # instagram.PRIVATE_NO_IMAGES, COMMENT_NO_IMAGES
        "An Instagram private reply is text only.": QCoreApplication.translate(
            "PlatformText", "An Instagram private reply is text only."
        ),
        "Instagram comment replies are text only.": QCoreApplication.translate(
            "PlatformText", "Instagram comment replies are text only."
        ),
    }


def image_refusal(reason: str) -> str:
    """``reason`` (the server's words for why a reply can carry no image) translated."""
    return image_refusals().get(reason, reason)
