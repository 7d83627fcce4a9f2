"""The JSON API against a real uvicorn server on 127.0.0.1: answers, limits and error bodies."""

from __future__ import annotations

import json
import re
import threading
import time

import httpx
import pytest
from serve_support import needs_fetch, read_example

from claimcheck.report import json as report_json
from claimcheck.serve import schemas

CLINIC = read_example("clinic_en.txt")
CAUTION = read_example("caution_en.txt")
CLINIC_ZH = read_example("clinic_zh_hans.txt")


def test_clinic_text_is_flagged_with_spans_into_the_text(client):
    r = client.post("/v1/check", json={"text": CLINIC})
    assert r.status_code == 200
    data = r.json()
    assert data["flagged"] is True and 0 < data["risk"] <= 1
    assert data["categories"] and data["max_severity"] == "high"
    for f in data["findings"]:
        assert CLINIC[f["start"] : f["end"]] == f["quote"]
        assert f["category"] in data["categories"]
        assert f["explanation"]["en"] and f["explanation"]["zh"]
    assert any(f["facts"] and f["facts"][0]["sources"][0]["url"].startswith("http") for f in data["findings"])


def test_answer_is_the_report_json_of_the_library(client, checker):
    text = "Our stem cell therapy cures stroke and is FDA approved. Book now!"
    r = client.post("/v1/check", json={"text": text})
    report = checker.check_text(text, source={"kind": "text"})
    assert r.json() == json.loads(report_json.render(report))  # what `claimcheck check --format json` prints


def test_cautionary_article_has_no_high_severity_finding(client):
    data = client.post("/v1/check", json={"text": CAUTION}).json()
    assert data["max_severity"] != "high"
    assert data["risk"] < 0.9


def test_chinese_text_and_forced_language(client):
    data = client.post("/v1/check", json={"text": CLINIC_ZH}).json()
    assert data["language"] == "zh" and data["flagged"]
    forced = client.post("/v1/check", json={"text": "Stem cells cure stroke.", "lang": "en"}).json()
    assert forced["language"] == "en" and forced["flagged"]


def test_astral_characters_keep_code_point_offsets(client):
    text = "😀😀 Our stem cells cure stroke."
    f = client.post("/v1/check", json={"text": text}).json()["findings"][0]
    assert text[f["start"] : f["end"]] == f["quote"]


def test_lone_surrogate_is_refused_not_crashed(client):
    r = client.post(
        "/v1/check", content=b'{"text": "\\ud800 stem cells cure stroke"}', headers={"content-type": "application/json"}
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"


def test_claimreview_format(client):
    r = client.post("/v1/check?format=claimreview", json={"text": CLINIC})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    doc = r.json()
    report = client.post("/v1/check", json={"text": CLINIC}).json()
    assert doc["@context"] == "https://schema.org"
    assert [c["claimReviewed"] for c in doc["@graph"]] == [f["quote"] for f in report["findings"]]
    assert all(
        c["@type"] == "ClaimReview" and c["reviewRating"]["alternateName"] in ("False", "Misleading")
        for c in doc["@graph"]
    )


def test_batch_keeps_order(client):
    texts = ["Our stem cells cure stroke.", "The weather is nice today.", "干细胞能根治中风，无任何副作用。"]
    r = client.post("/v1/check/batch", json={"texts": texts})
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x["flagged"] for x in results] == [True, False, True]
    assert [x["source"]["index"] for x in results] == [0, 1, 2]


def test_batch_of_100_is_accepted(client):
    r = client.post("/v1/check/batch", json={"texts": ["Stem cells cure stroke."] * schemas.MAX_BATCH})
    assert r.status_code == 200 and len(r.json()["results"]) == schemas.MAX_BATCH


def _raw(body: bytes, ctype: str = "application/json") -> tuple[bytes, dict[str, str]]:
    return body, {"content-type": ctype}


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/v1/check", b"{not json", 400, "bad_json"),
        ("/v1/check", b"{}", 422, "invalid_request"),
        ("/v1/check", b"", 422, "invalid_request"),
        ("/v1/check", b'{"txt": "x"}', 422, "invalid_request"),
        ("/v1/check", b'{"text": "x", "url": "http://example.com/"}', 422, "invalid_request"),
        ("/v1/check", b'{"text": 42}', 422, "invalid_request"),
        ("/v1/check", b'{"text": "x", "lang": "fr"}', 422, "invalid_request"),
        ("/v1/check", b'["x"]', 422, "invalid_request"),
        ("/v1/check", json.dumps({"text": "a" * (schemas.MAX_TEXT_CHARS + 1)}).encode(), 413, "too_large"),
        ("/v1/check/batch", b'{"texts": []}', 422, "invalid_request"),
        ("/v1/check/batch", b'{"texts": "x"}', 422, "invalid_request"),
        ("/v1/check/batch", json.dumps({"texts": ["x"] * (schemas.MAX_BATCH + 1)}).encode(), 413, "too_large"),
        (
            "/v1/check/batch",
            json.dumps({"texts": ["a" * (schemas.MAX_BATCH_TEXT_CHARS + 1)]}).encode(),
            413,
            "too_large",
        ),
    ],
)
def test_client_errors_have_a_json_error_body(client, path, body, status, code):
    r = client.post(path, content=body, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code and r.json()["error"]["message"]


@needs_fetch
@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "not a url",
        "http://",
        "javascript:alert(1)",
        "http://[::1",
        "http://\x00/",
        "http://a b/",
    ],
)
def test_unfetchable_url_is_400(client, url):
    r = client.post("/v1/check", json={"url": url})
    assert r.status_code == 400 and r.json()["error"]["code"] in ("bad_url", "bad_scheme"), r.text


@needs_fetch
def test_private_address_is_refused_unless_allowed(client, site):
    r = client.post("/v1/check", json={"url": f"{site}/clinic_en.html"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "blocked_address"
    assert "private" in r.json()["error"]["message"]


@needs_fetch
def test_url_check_through_the_safe_fetcher(private_api, site):
    url = f"{site}/clinic_en.html"
    r = httpx.post(f"{private_api}/v1/check", json={"url": url}, timeout=60)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["flagged"] and data["source"]["kind"] == "url" and data["source"]["url"] == url
    assert all(f["location"]["url"] == url for f in data["findings"])
    doc = httpx.post(f"{private_api}/v1/check?format=claimreview", json={"url": url}, timeout=60).json()
    assert doc["@graph"][0]["itemReviewed"]["appearance"] == [{"@type": "CreativeWork", "url": url}]


@needs_fetch
def test_unreachable_or_missing_page_is_502(private_api, site, closed_port):
    for url in (f"http://127.0.0.1:{closed_port}/", f"{site}/no-such-page.html"):
        r = httpx.post(f"{private_api}/v1/check", json={"url": url}, timeout=60)
        assert r.status_code == 502, r.text
        assert r.json()["error"]["code"] and r.json()["error"]["message"]


def test_unknown_format_is_422(client):
    r = client.post("/v1/check?format=pdf", json={"text": "x"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"


def test_body_over_the_limit_is_413_with_or_without_content_length(client):
    big = b'{"text": "' + b"a" * schemas.MAX_BODY_BYTES + b'"}'
    r = client.post("/v1/check", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"

    def chunks():
        for i in range(0, len(big), 65536):
            yield big[i : i + 65536]

    r = client.post("/v1/check", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


def test_unknown_path_and_method_answer_json(client):
    r = client.get("/v1/nothing")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.get("/v1/check")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"


def test_facts_rules_health(client, checker):
    facts = client.get("/v1/facts").json()
    assert len(facts["facts"]) == len(checker.kb) and facts["as_of"] == checker.facts_as_of
    assert all(f["sources"] and f["as_of"] and f["recheck_by"] for f in facts["facts"])
    rules = client.get("/v1/rules").json()
    assert {r["id"] for r in rules["rules"]} == set(checker.rules.by_id)
    assert {c["id"] for c in rules["categories"]} >= {r["category"] for r in rules["rules"]}
    assert all(c["label"]["en"] and c["label"]["zh"] for c in rules["categories"])
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["rules"] == len(checker.rules.rules)


def test_openapi_document_lists_the_endpoints_and_limits(client):
    doc = client.get("/openapi.json").json()
    assert {"/v1/check", "/v1/check/batch", "/v1/facts", "/v1/rules", "/healthz"} <= set(doc["paths"])
    schemas_ = doc["components"]["schemas"]
    assert schemas_["CheckRequest"]["properties"]["text"]["maxLength"] == schemas.MAX_TEXT_CHARS
    assert schemas_["BatchRequest"]["properties"]["texts"]["maxItems"] == schemas.MAX_BATCH
    assert "413" in doc["paths"]["/v1/check"]["post"]["responses"]


def test_page_and_assets_are_served_with_a_strict_csp(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    for asset in ("/static/app.js", "/static/style.css"):
        assert client.get(asset).status_code == 200
    script = client.get("/static/app.js").text
    assert ".innerHTML" not in script and "insertAdjacentHTML" not in script and "document.write" not in script
    external = re.compile(
        r"""(?:src|href|action)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|fetch\(\s*["'](?:https?:)?//"""
    )
    for body in (r.text, script, client.get("/static/style.css").text):
        assert not external.search(body)  # nothing from a CDN: the page works offline


def test_checks_run_off_the_event_loop(api):
    """While a long text is being checked, the server still answers other requests at once."""
    # Every line distinct (per-line caches cannot shortcut it): takes a second or more to check.
    lines = [f"{line} 编号{n}" for n in range(400) for line in CLINIC_ZH.splitlines() if line.strip()]
    long_text = "\n".join(lines)[:150_000]
    done = threading.Event()

    def slow() -> None:
        httpx.post(f"{api}/v1/check", json={"text": long_text}, timeout=120)
        done.set()

    worker = threading.Thread(target=slow)
    worker.start()
    time.sleep(0.3)
    started = time.monotonic()
    assert httpx.get(f"{api}/healthz", timeout=30).status_code == 200
    quick = time.monotonic() - started
    still_running = not done.is_set()
    worker.join()
    assert still_running, "the long check finished before the probe: make the text longer"
    assert quick < 1.0
