"""The web page in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright; no browser download)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from serve_support import CHROMIUM, needs_fetch, read_example

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed (apt-get install chromium)"),
]


def open_page(browser, base: str, locale: str = "en-US"):
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(base + "/")
    return context, page, errors


@pytest.fixture()
def page(browser, api):
    context, page, errors = open_page(browser, api)
    yield page
    context.close()
    assert not errors, errors


def check(page, text: str) -> None:
    page.fill("#text-input", text)
    page.click("#check-button")
    page.wait_for_selector("#result:not([hidden]) .verdict-title")


def test_clinic_text_is_highlighted_with_findings_beside_it(page, client):
    text = read_example("clinic_en.txt")
    check(page, text)
    report = client.post("/v1/check", json={"text": text}).json()
    assert page.locator(".verdict.flagged").count() == 1
    assert page.locator("#findings > li.finding").count() == len(report["findings"]) > 0
    assert page.locator("#highlighted mark.sev-high").count() > 0
    assert page.locator("#highlighted").text_content() == text
    marked = "".join(page.locator("#highlighted mark").all_text_contents())
    assert all(f["quote"] in marked for f in report["findings"])
    link = page.locator("#findings .sources a").first
    assert link.get_attribute("href").startswith("http") and link.get_attribute("rel") == "noopener noreferrer"
    page.locator("#highlighted mark").first.click()
    assert page.locator("#findings > li.finding.active").count() >= 1
    shot = os.environ.get("CLAIMCHECK_SCREENSHOT")
    if shot:
        page.locator("#highlighted mark").nth(1).click()
        page.wait_for_timeout(800)  # let the findings list finish its smooth scroll
        page.locator("#result").screenshot(path=shot)


def test_cautionary_article_is_not_flagged(page):
    check(page, read_example("caution_en.txt"))
    assert page.locator(".verdict.clean").count() == 1
    assert page.locator("#highlighted mark").count() == 0


def test_user_text_never_becomes_markup(page):
    text = 'Our stem cells cure stroke.\n<img src=x onerror="window.__xss=1">\n<script>window.__xss=2</script>\n<b>bold</b> &amp; more'
    check(page, text)
    assert page.evaluate("window.__xss") is None
    assert page.locator("#highlighted").text_content() == text
    assert page.locator("#highlighted img, #highlighted script, #highlighted b").count() == 0
    assert page.locator("#highlighted mark").count() >= 1


def test_interface_follows_navigator_language_and_toggles(browser, api):
    context, page, errors = open_page(browser, api, locale="zh-CN")
    try:
        assert page.locator("#check-button").text_content() == "检查"
        check(page, "我们的干细胞疗法能根治中风，无任何副作用。")
        assert "发现" in page.locator(".verdict-title").text_content()
        zh_explanation = page.locator(".explanation").first.text_content()
        page.click("#ui-lang")
        assert page.locator("#check-button").text_content() == "Check"
        assert page.locator(".explanation").first.text_content() != zh_explanation
        assert page.evaluate("document.documentElement.lang") == "en"
    finally:
        context.close()
    assert not errors, errors


def test_empty_text_asks_for_input(page):
    page.click("#check-button")
    assert page.locator("#status.error").text_content() == "Paste some text first."
    assert page.locator("#result[hidden]").count() == 1


@needs_fetch
def test_url_check_shows_flagged_sentences(browser, private_api, site):
    context, page, errors = open_page(browser, private_api)
    try:
        page.click("#tab-url")
        page.fill("#url-input", f"{site}/clinic_en.html")
        page.click("#check-button")
        page.wait_for_selector("#result:not([hidden]) .verdict-title")
        assert page.locator(".verdict.flagged").count() == 1
        assert page.locator("#highlighted p.sentence mark").count() > 0
    finally:
        context.close()
    assert not errors, errors
