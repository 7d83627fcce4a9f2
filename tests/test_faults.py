"""Faults: many slow sites keep memory bounded and finish; the decoder and extractor survive fuzzed bytes."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent / "fetch"))
from siteserver import SiteServer, slow  # noqa: E402

from claimcheck.errors import ClaimcheckError  # noqa: E402
from claimcheck.fetch.client import FetchOptions  # noqa: E402
from claimcheck.fetch.decode import decode_page  # noqa: E402
from claimcheck.fetch.extract import extract_html  # noqa: E402
from claimcheck.siteaudit import audit  # noqa: E402

PAGE = (
    "<html><head><title>Stem cell stroke clinic {n}</title></head><body>"
    "<h1>Stem cell therapy for stroke</h1><p>Our stem cell therapy is approved in Japan.</p>"
    '<a href="/stem-cell-stroke-treatment">treatment</a> <a href="/prices">prices</a></body></html>'
)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_fifty_slow_sites_finish_with_bounded_memory(checker):
    servers = []
    for n in range(50):
        s = SiteServer()
        body = PAGE.format(n=n).encode()
        for path in ("/", "/stem-cell-stroke-treatment", "/prices"):
            s.route(path, slow(0.2, body))
        servers.append(s)
    try:
        checker.check_text("warm up: stem cells cure stroke 干细胞治疗中风")
        before = _peak_mb()
        options = FetchOptions(allow_private=True, host_delay=0.0, connect_timeout=2, read_timeout=5, total_timeout=10)
        results = list(audit([s.url("/") for s in servers], checker=checker, max_pages=3, depth=1, concurrency=10, options=options))
        grown = _peak_mb() - before
    finally:
        for s in servers:
            s.close()
    sites = {r.site for r in results}
    assert len(sites) == 50
    assert len(results) == 150
    assert sum(1 for r in results if r.report and r.report.flagged) >= 50
    print(f"\n50 slow sites: {len(results)} pages, peak RSS grew {grown:.0f} MB")
    assert grown < 300


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.lists(st.sampled_from(["<p>", "</p>", "<script>", "<meta charset=gbk>", "<div hidden>", "幹細胞", "\x00", "<!--", "<table><td>", "&#x0;", "<style>.a{display:none}</style>"]), max_size=30).map(lambda xs: "".join(xs).encode("utf-8")),
    ),
    charset=st.sampled_from([None, "utf-8", "gbk", "big5", "latin-1", "bogus"]),
)
def test_decoder_and_extractor_never_raise(data, charset):
    """Bounded fuzzing in the suite; benchmarks/fuzz_extract.py runs the same target for longer."""
    try:
        decoded = decode_page(data, header_charset=charset, is_html=True)
    except ClaimcheckError:  # refusing binary bytes with a clear error is allowed; anything else is a bug
        return
    extracted = extract_html(decoded.text, "https://clinic.test/")
    assert all(0 <= b.start <= b.end <= len(extracted.text) for b in extracted.blocks)
