"""Fetch failures phrased for the person using the web page or the API, with what to try instead.

The fetcher's own messages are written for the command line (they name flags such as --allow-private, which
a web user cannot pass); here each reason gets a sentence about the page and a suggestion.
"""

from __future__ import annotations

import re

PASTE = 'Copy the page\'s text and check it in the Text tab (or send it as {"text": ...}).'
OR_PASTE = 'or copy the page\'s text and check it in the Text tab (or send it as {"text": ...}).'
# reason -> (message, hint); http_NNN reasons are handled below
MESSAGES: dict[str, tuple[str, str]] = {
    "blocked_address": (
        "This address is on a private or local network ({kind}), so this service cannot check it: it only "
        "fetches pages on the public internet.",
        "Enter the address of a public web page, " + OR_PASTE,
    ),
    "bad_scheme": (
        "Only http:// and https:// web addresses can be checked.",
        "Enter an address that starts with https://, for example https://example.org/page.",
    ),
    "bad_url": (
        "This is not a web address this service can fetch.",
        "Check the address for typos; it should look like https://example.org/page.",
    ),
    "dns": ("No web server was found for this address.", "Check the spelling of the address."),
    "connect": ("The site could not be reached.", "Try again later, " + OR_PASTE),
    "tls": ("The site's secure connection (TLS) failed.", "Try again later, " + OR_PASTE),
    "network": ("The page could not be fetched.", "Try again later, " + OR_PASTE),
    "timeout": ("The site took too long to answer.", "Try again later, " + OR_PASTE),
    "robots_disallowed": (
        "The site's robots.txt asks automated tools not to fetch this page, so this service does not.",
        PASTE,
    ),
    "too_large": ("The page is larger than this service fetches.", "Check the part that matters: " + PASTE),
    "unsupported_type": (
        "This address is not a web page (HTML or plain text).",
        "Enter the address of the page itself, " + OR_PASTE,
    ),
    "binary": (
        "This address is not a web page (HTML or plain text).",
        "Enter the address of the page itself, " + OR_PASTE,
    ),
    "too_many_redirects": (
        "The site redirected too many times.",
        "Open the page in your browser and enter the address it ends up at.",
    ),
}
MESSAGES["private_address"] = MESSAGES["blocked_address"]
MESSAGES["robots"] = MESSAGES["robots_disallowed"]
MESSAGES["unsupported_encoding"] = MESSAGES["bad_encoding"] = (
    "The site sent the page in a form that could not be read.",
    PASTE,
)
_KIND = re.compile(r"\ba ([a-z][a-z -]*?) address\b")


def for_web(reason: str, message: str) -> tuple[str, str]:
    """(message, hint) for a FetchError's reason and its command-line message."""
    if reason.startswith("http_"):
        return (
            f"The site answered with an error (HTTP {reason[5:]}).",
            "Check that the address opens in your browser, " + OR_PASTE,
        )
    text, hint = MESSAGES.get(reason, MESSAGES["network"])
    if "{kind}" in text:
        found = _KIND.search(message)
        text = text.replace("{kind}", found.group(1) if found else "private")
    return text, hint
