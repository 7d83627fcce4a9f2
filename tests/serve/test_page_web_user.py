"""The web page for the person using it, in headless Chromium (as test_page.py): a refusal in their words
with what to try instead, a new check clears the old result, stale facts marked, the checked page named."""

from __future__ import annotations

from serve_support import needs_fetch, read_example
from test_page import open_page, pytestmark  # noqa: F401 - the same Chromium markers

CLINIC = "Our stem cell therapy cures stroke and is FDA approved. 100% success, no side effects."


def check_text(page, text: str) -> None:
    page.click("#tab-text")
    page.fill("#text-input", text)
    page.click("#check-button")
    page.wait_for_selector("#result:not([hidden]) .verdict-title")


def check_url(page, url: str) -> None:
    page.click("#tab-url")
    page.fill("#url-input", url)
    page.click("#check-button")


@needs_fetch
def test_a_refusal_is_for_a_web_user_and_clears_the_old_result(browser, api, site):
    context, page, errors = open_page(browser, api)
    try:
        check_text(page, CLINIC)
        assert page.locator("#findings > li.finding").count() > 0
        check_url(page, site + "/clinic_en.html")
        page.wait_for_selector("#status.error")
        status = page.locator("#status").text_content()
        assert "allow-private" not in status and "private or local network" in status
        assert "What to try: " in status and "Text tab" in status
        assert page.locator("#result").is_hidden()
        assert page.locator("#findings > li").count() == 0 and page.locator("#verdict").text_content() == ""
    finally:
        context.close()
    assert not [e for e in errors if "status of 400" not in e], errors  # the refused request itself is logged


def test_stale_facts_are_marked_and_counted(browser, late_api, early_api):
    context, page, errors = open_page(browser, late_api)
    try:
        check_text(page, CLINIC)
        assert "past their recheck date" in page.locator(".stale-summary").text_content()
        assert page.locator(".fact .stale").count() > 0
        assert "past its recheck date" in page.locator(".fact .stale").first.text_content()
    finally:
        context.close()
    context, page, more = open_page(browser, early_api)
    try:
        check_text(page, CLINIC)
        assert page.locator(".stale-summary").count() == 0 and page.locator(".fact .stale").count() == 0
    finally:
        context.close()
    assert not errors + more


@needs_fetch
def test_a_checked_page_is_named_with_its_title_and_fetch_time(browser, private_api, site):
    context, page, errors = open_page(browser, private_api)
    try:
        check_url(page, site + "/clinic_zh_hant.html")
        page.wait_for_selector("#result:not([hidden]) .verdict-title", timeout=60_000)
        checked = page.locator("#checked").text_content()
        title = read_example("clinic_zh_hant.html").split("<title>")[1].split("</title>")[0].strip()
        assert site + "/clinic_zh_hant.html" in checked and title in checked and "fetched" in checked
    finally:
        context.close()
    assert not errors, errors
