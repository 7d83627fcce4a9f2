"""Pick the language of the words shown to a person: Chinese for Chinese text, else English."""

from __future__ import annotations

from claimcheck.model import Finding, Report
from claimcheck.text.normalize import to_traditional

CATEGORY_LABELS = {
    "approval_claim": ("Approval claim", "声称已获批准"),
    "trial_as_approval": ("Research status presented as approval", "把研究资格当作批准"),
    "cure_claim": ("Cure claim", "声称治愈"),
    "efficacy_guarantee": ("Guaranteed results", "保证疗效"),
    "success_rate": ("Success rate", "宣传有效率"),
    "safety_absolute": ("Claims of no risk", "声称无风险"),
    "testimonial": ("Testimonial as proof", "以患者见证作证明"),
    "panacea": ("Cure-all", "包治百病"),
    "paid_trial": ("Pay-to-participate trial", "收费的“临床研究”"),
    "price_tourism": ("Priced package or treatment abroad", "收费套餐或出境治疗"),
    "urgency": ("Pressure to act now", "催促立即行动"),
}
SEVERITY_LABELS = {"high": ("high", "高"), "medium": ("medium", "中"), "low": ("low", "低")}


def is_zh(report: Report) -> bool:
    return report.language == "zh"


def script_of(report: Report) -> str:
    return report.script


def zh(text: str, report: Report) -> str:
    """Chinese interface text in the script of the checked text."""
    return to_traditional(text) if report.script == "Hant" else text


def category(name: str, zh_: bool, report: Report | None = None) -> str:
    en, cn = CATEGORY_LABELS.get(name, (name, name))
    return (zh(cn, report) if report else cn) if zh_ else en


def severity(name: str, zh_: bool, report: Report | None = None) -> str:
    en, cn = SEVERITY_LABELS[name]
    return (zh(cn, report) if report else cn) if zh_ else en


def explanation(f: Finding, zh_: bool) -> str:
    return f.explanation_zh if zh_ else f.explanation_en


def fact_statement(f: Finding, index: int, zh_: bool, report: Report | None = None) -> str:
    fact = f.facts[index]
    if not zh_:
        return fact.statement_en
    return zh(fact.statement_zh, report) if report else fact.statement_zh
