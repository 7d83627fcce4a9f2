"""The report's JSON Schema: shipped in the package, equal field for field to README's tables, and every
real report (text, file, saved page, fetched page) validates against it."""

from __future__ import annotations

import functools
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from claimcheck.report.json import schema, to_dict
from testpaths import EXAMPLES, ROOT

jsonschema = pytest.importorskip("jsonschema")
SCHEMA_FILE = ROOT / "src" / "claimcheck" / "schema" / "report.schema.json"
ROW = re.compile(r"^\| (`[^|]+`) \|", re.MULTILINE)


def readme_table(first_header: str) -> set[str]:
    """Field names in the README table whose header row starts with `| first_header |` (`a[]` -> `a`)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## The JSON report") :]
    section = section[: section.index("\n## ", 5)]
    start = section.index(f"| {first_header} |")
    table = section[start : section.find("\n\n", start)]
    names: set[str] = set()
    for cell in ROW.findall(table):
        names |= {name.removesuffix("[]") for name in re.findall(r"`([^`]+)`", cell)}
    return names


def validator():
    return jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())


def assert_valid(data: dict) -> None:
    errors = sorted(validator().iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_the_schema_is_a_valid_draft_2020_12_schema_and_the_packaged_file():
    jsonschema.Draft202012Validator.check_schema(schema())
    assert SCHEMA_FILE.is_file() and schema()["title"] == "claimcheck report"


def test_readme_report_table_equals_the_schema():
    assert readme_table("field") == set(schema()["properties"])
    assert {"script", "stale_facts"} <= readme_table("field")


def test_readme_finding_table_equals_the_schema():
    assert readme_table("finding field") == set(schema()["$defs"]["finding"]["properties"])
    assert "condition" in readme_table("finding field")


def test_readme_fact_table_equals_the_schema():
    assert readme_table("fact field") == set(schema()["$defs"]["fact"]["properties"])


def test_an_undocumented_field_fails_validation(checker):
    data = to_dict(checker.check_text("Our stem cells cure stroke!"))
    data["surprise"] = 1
    assert not validator().is_valid(data)
    data.pop("surprise")
    data["findings"][0]["facts"][0]["new_field"] = "x"
    assert not validator().is_valid(data)


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.txt")))
def test_reports_on_the_example_texts_validate(checker, name):
    report = checker.check_text((EXAMPLES / name).read_text(encoding="utf-8"), source={"kind": "file", "path": name})
    assert_valid(to_dict(report))
    assert_valid(report.to_dict())  # without the day-dependent fields too


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.html")))
def test_reports_on_the_example_pages_validate(checker, name):
    from claimcheck.fetch.page import check_html

    path = EXAMPLES / name
    report = check_html(path.read_text(encoding="utf-8"), checker=checker, url=path.resolve().as_uri(), regions="all")
    assert report.findings
    assert_valid(to_dict(report))


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def test_a_fetched_page_report_validates(checker):
    from claimcheck.fetch.client import FetchOptions
    from claimcheck.fetch.page import check_url

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(EXAMPLES)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/clinic_zh_hant.html"
        report = check_url(url, checker=checker, options=FetchOptions(allow_private=True, host_delay=0))
    finally:
        httpd.shutdown()
        httpd.server_close()
    data = to_dict(report)
    assert data["source"]["url"] == url and data["source"]["title"] and data["source"]["fetched_at"]
    assert_valid(data)
