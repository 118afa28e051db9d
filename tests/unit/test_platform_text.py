"""The client translates the connectors' image rules it knows: every reason a Meta connector
gives for "no images" has an entry (webcare/ui/platform_text.py), which the Dutch catalogue
translates; an unknown reason is shown as the server sent it."""

from __future__ import annotations

from webcare.channels import facebook, instagram
from webcare.ui.platform_text import image_refusal, image_refusals


def test_every_reason_of_the_meta_connectors_is_known() -> None:
    reasons = {
        facebook.PRIVATE_TEXT_ONLY, facebook.UNANSWERABLE, instagram.DM_NO_IMAGES,
        instagram.PRIVATE_NO_IMAGES, instagram.COMMENT_NO_IMAGES,
    }  # fmt: skip
    for kind_meta in ({"kind": "comment"}, {"kind": "message"}, {"kind": "mention"}, {}):
        for private in (False, True):
            for module in (facebook, instagram):
                rule = module.attach_rule(kind_meta, private)
                if rule.limit == 0:
                    assert rule.reason in reasons
    assert reasons <= set(image_refusals())
    assert image_refusal("Something new from a newer server.") == (
        "Something new from a newer server."
    )
