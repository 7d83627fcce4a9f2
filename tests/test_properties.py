"""Properties of check_text (hypothesis): never raises, offsets slice the original, deterministic,
insensitive to surrounding whitespace and boilerplate."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PIECES = [
    "Our stem cell therapy for stroke is FDA approved.",
    "Stem cells cure stroke with no side effects!",
    "本院干细胞治疗中风已获国家批准。",
    "幹細胞治療中風有效率高達95%，零副作用。",
    "No stem-cell therapy has been approved for stroke.",
    "Beware of clinics claiming FDA approval.",
    "Ｆ.Ｄ.Ａ 批准",
    "\u200b",
    "\n",
    "？",
    "「",
    "」",
]
text_strategy = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=20)), max_size=12).map("".join),
)
fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@fast
@given(text=text_strategy)
def test_never_raises_and_offsets_slice_the_original(checker, text):
    report = checker.check_text(text)
    for f in report.findings:
        assert text[f.start : f.end] == f.quote
        assert text[f.sentence_start : f.sentence_end] == f.sentence
        assert f.sentence_start <= f.start <= f.end <= f.sentence_end
        assert 0.0 <= f.confidence <= 1.0
    for s in report.suppressed:
        assert text[s.start : s.end] == s.quote


@fast
@given(text=text_strategy)
def test_deterministic(checker, text):
    assert checker.check_text(text).to_dict() == checker.check_text(text).to_dict()


def _signature(report, shift: int = 0):
    return [(f.category, f.severity, f.quote, f.start - shift, f.rule_id) for f in report.findings]


@fast
@given(body=st.lists(st.sampled_from(PIECES[:6]), min_size=1, max_size=5).map("\n".join), pad=st.sampled_from(["", "  ", "\n\n", "\t \n"]))
def test_surrounding_whitespace_does_not_change_findings(checker, body, pad):
    plain = checker.check_text(body)
    padded = checker.check_text(pad + body + pad)
    assert _signature(padded, len(pad)) == _signature(plain)


BOILERPLATE_TOP = "Home | About us | Contact\nCookie settings\n\n"
BOILERPLATE_END = "\n\n© 2026 All rights reserved. Privacy policy | Terms of use"


@fast
@given(body=st.lists(st.sampled_from(PIECES[:6]), min_size=1, max_size=5).map("\n".join))
def test_page_boilerplate_does_not_change_findings(checker, body):
    plain = checker.check_text(body)
    framed = checker.check_text(BOILERPLATE_TOP + body + BOILERPLATE_END)
    assert _signature(framed, len(BOILERPLATE_TOP)) == _signature(plain)
