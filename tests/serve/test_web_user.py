"""The service for a person using the web page: refusals phrased for them with what to try instead, a new
check clears the old result, and reports say when a cited fact is past its recheck date ("today" pinned)."""

from __future__ import annotations

import httpx
import pytest
from serve_support import needs_fetch

CLINIC = "Our stem cell therapy cures stroke and is FDA approved. 100% success, no side effects."


@needs_fetch
def test_a_private_address_is_refused_in_words_for_a_web_user(client, site):
    error = client.post("/v1/check", json={"url": site + "/clinic_en.html"}).json()["error"]
    assert error["code"] == "blocked_address"
    assert "allow-private" not in error["message"] and "--" not in error["message"]
    assert "private or local network (loopback)" in error["message"] and "public" in error["message"]
    assert "Text tab" in error["hint"]


@pytest.mark.parametrize(
    ("url", "code", "words"),
    [
        ("ftp://example.org/x", "bad_scheme", "Only http:// and https://"),
        ("http://", "bad_url", "not a web address"),
    ],
)
def test_refusals_say_what_to_try_instead(client, url, code, words):
    r = client.post("/v1/check", json={"url": url})
    error = r.json()["error"]
    assert r.status_code == 400 and error["code"] == code and words in error["message"], error
    assert error["hint"] and "allow-private" not in error["hint"]


def test_json_reports_mark_stale_facts_and_count_them(late_api, early_api):
    late = httpx.post(late_api + "/v1/check", json={"text": CLINIC}, timeout=60).json()
    facts = [fact for f in late["findings"] for fact in f["facts"]]
    assert facts and all(fact["stale"] is True for fact in facts)
    assert late["stale_facts"] == len({fact["id"] for fact in facts}) and late["schema_version"] == "1.0"
    early = httpx.post(early_api + "/v1/check", json={"text": CLINIC}, timeout=60).json()
    assert early["stale_facts"] == 0 and not any(fact["stale"] for f in early["findings"] for fact in f["facts"])
    batch = httpx.post(late_api + "/v1/check/batch", json={"texts": [CLINIC]}, timeout=60).json()["results"][0]
    assert batch["stale_facts"] == late["stale_facts"]


def test_claimreview_from_the_api_says_a_fact_is_stale(late_api):
    r = httpx.post(late_api + "/v1/check?format=claimreview", json={"text": CLINIC}, timeout=60)
    assert all(
        "past their recheck date" in g["reviewBody"] or "past its recheck date" in g["reviewBody"]
        for g in r.json()["@graph"]
    )
