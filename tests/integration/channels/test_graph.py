"""The Graph API helpers shared by the Meta connectors (webcare/channels/graph.py): webhook
signatures over Meta's escaped bytes, times, and the usage headers."""

from __future__ import annotations

import json

import pytest

from tests.support.fakes.graph import PAGE_ID, FakeGraph, error, meta_json, sign
from webcare.channels import graph
from webcare.channels.errors import ChannelError, RateLimited


def test_signature_vectors_from_the_research_notes() -> None:
    assert graph.sign("test_app_secret", b'{"object":"whatsapp_business_account","entry":[]}') == (
        "sha256=dec6a680679a968e7e0319355b23599cbfc54502c0784668e9618baa0c633756"
    )
    assert graph.sign("app_secret_123", b'{"object":"page","entry":[]}') == (
        "sha256=3b38910fd4c2e5c834930c9fd805f746ee525de8bee6b29c36fbabcbb61670c2"
    )
    escaped = meta_json(
        {
            "object": "page",
            "entry": [
                {
                    "id": "102938475610293",
                    "time": 1785312004871,
                    "messaging": [
                        {
                            "sender": {"id": "7392015648120394"},
                            "recipient": {"id": "102938475610293"},
                            "timestamp": 1785312004523,
                            "message": {"mid": "m_AbC1", "text": "Hé @you <3 50% https://x.y/z"},
                        }
                    ],
                }
            ],
        }
    )
    assert b"H\\u00e9 \\u0040you \\u003C3 50\\u0025 https:\\/\\/x.y\\/z" in escaped
    assert graph.sign("app_secret_123", escaped) == (
        "sha256=17eaabd872a405952e0bbc6f1dd031f94132ddedfb29fafd9c8951aab6f06d1b"
    )
    assert graph.signature_ok("app_secret_123", sign("app_secret_123", escaped), escaped)
    # the decoded-and-re-encoded body does not verify: the raw bytes are what Meta signed
    decoded = json.dumps(json.loads(escaped), ensure_ascii=False).encode()
    assert not graph.signature_ok("app_secret_123", sign("app_secret_123", escaped), decoded)
    assert not graph.signature_ok("app_secret_123", None, escaped)
    assert not graph.signature_ok("", sign("", escaped), escaped)


def test_times_and_usage_headers() -> None:
    assert graph.parse_time("2026-11-20T08:01:44+0000") == 1_795_161_704.0
    assert graph.parse_time("1763625704") == 1_763_625_704.0
    assert graph.epoch_ms(1785312004523) == 1_785_312_004.523
    assert graph.usage_wait({"X-App-Usage": '{"call_count":28,"total_cputime":15}'}) is None
    assert graph.usage_wait({"X-App-Usage": '{"call_count":95}'}) == 120.0
    assert graph.usage_wait({"X-Page-Usage": '{"total_time":100}'}) == 600.0
    buc = {
        "X-Business-Use-Case-Usage": json.dumps(
            {PAGE_ID: [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 7}]}
        )
    }
    assert graph.usage_wait(buc) == 420.0
    assert graph.usage_wait({"X-App-Usage": "not json"}) is None


def test_errors_are_judged_by_code_and_paging_stays_on_our_host() -> None:
    with FakeGraph() as fake:
        client = graph.Graph(fake.token, base_url=fake.base_url)
        feed = f"/{PAGE_ID}/feed"
        try:
            fake.fail_next(1, 400, body=error(368, "(#368) Temporarily blocked").body)
            with pytest.raises(ChannelError) as blocked:
                client.object("GET", feed)
            assert not blocked.value.permanent and blocked.value.retry_after_s == 3600.0
            body = {"error": {"message": "(#1) An unknown error", "code": 1, "is_transient": True}}
            fake.fail_next(1, 400, body=body)
            with pytest.raises(ChannelError) as unknown:
                client.object("GET", feed)
            assert not unknown.value.permanent and "code 1" in unknown.value.message
            fake.fail_next(1, 502, body=b"<html><title>502 Bad Gateway</title></html>")
            with pytest.raises(ChannelError) as gateway:
                client.object("GET", feed)
            assert not gateway.value.permanent and "HTTP 502" in gateway.value.message
            assert "<" not in gateway.value.message
            fake.fail_next(1, 429, body={"message": "slow down"})
            with pytest.raises(RateLimited) as limited:
                client.object("GET", feed)
            assert limited.value.status == 429
            fake.fail_next(1, 400, body=error(10, "(#10) Permission denied").body)
            with pytest.raises(ChannelError) as denied:
                client.object("GET", feed)
            assert denied.value.permanent
            assert "(#10) Permission denied (code 10)" in denied.value.message
            evil = {"data": [], "paging": {"next": "http://evil.example/v25.0/x?after=1"}}
            fake.fail_next(1, 200, body=evil)
            pages = client.pages(feed)
            assert next(pages) == []
            with pytest.raises(ChannelError, match="another host"):
                next(pages)
        finally:
            client.close()
