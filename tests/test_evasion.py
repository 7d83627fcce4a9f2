"""Evasion: spacing, symbols, full-width forms, invisible characters, homoglyphs and script mixing inside
keywords must not hide a claim, and look-alike innocent sentences must stay clean. Every finding still
quotes the original text exactly."""

from __future__ import annotations

import pytest

ZW = "\u200b"

# (text, category that must be found)
EVASIVE: list[tuple[str, str]] = [
    # approval, English
    ("Our stem cell stroke therapy is F.D.A approved.", "approval_claim"),
    ("Our stem cell stroke therapy is F D A approved.", "approval_claim"),
    ("Our stem cell stroke therapy is F-D-A approved.", "approval_claim"),
    ("Our stem cell stroke therapy is f.d.a. approved.", "approval_claim"),
    ("Our stem cell stroke therapy is ＦＤＡ approved.", "approval_claim"),
    (f"Our stem cell stroke therapy is F{ZW}D{ZW}A approved.", "approval_claim"),
    ("Our stem cell stroke therapy is FDA аpproved.", "approval_claim"),  # Cyrillic а
    ("Our stem cell stroke therapy is FDA apprοved.", "approval_claim"),  # Greek ο
    ("Our stem cell stroke therapy is FDA  approved!!", "approval_claim"),
    ("Our ｓｔｅｍ ｃｅｌｌ stroke therapy is approved in Japan.", "approval_claim"),
    ("Stem cell treatment for CVA patients, approved by the Japanese government.", "approval_claim"),
    ("Stem-cell therapy for C.V.A. recovery, approved by the Japanese government.", "approval_claim"),
    ("Our stem cell protocol for cerebrovascular accident patients is approved in Japan.", "approval_claim"),
    ("Our stem cell therapy for brain attack survivors is approved in Korea.", "approval_claim"),
    ("STEM CELL STROKE THERAPY APPROVED IN JAPAN", "approval_claim"),
    ("Our stem cell therapy for stroke was approved by the ministry of health.", "approval_claim"),
    ("Our stem cell therapy for stroke holds government approval.", "approval_claim"),
    ("Our stemcell stroke therapy is FDA-approved.", "approval_claim"),
    ("Our stem-cell stroke therapy is FDA‑approved.", "approval_claim"),  # non-breaking hyphen
    ("Our MSC therapy for post-stroke paralysis is approved in Japan.", "approval_claim"),
    # approval, Chinese (both scripts, mixed, spaced)
    ("本院干细胞治疗中风已获美国 F D A 批准。", "approval_claim"),
    ("本院干细胞治疗中风已获美国ＦＤＡ批准。", "approval_claim"),
    ("本院干 细 胞治疗中风已获国家批准。", "approval_claim"),
    ("本院干-细-胞治疗中风已获国家批准。", "approval_claim"),
    (f"本院干细胞治疗中风已获国家{ZW}批{ZW}准。", "approval_claim"),
    ("本院幹細胞治療中風已獲國家批准。", "approval_claim"),
    ("本院干細胞治療腦中風已获国家批准。", "approval_claim"),
    ("本院幹细胞治疗脑卒中已獲國家批準。", "approval_claim"),
    ("本院干细胞治疗脑梗已获日本厚生劳动省批准。", "approval_claim"),
    ("本院幹細胞治療腦梗塞已獲日本厚生勞動省核准。", "approval_claim"),
    ("干细胞治疗中風，日本已正式批准！", "approval_claim"),
    ("幹細胞治療中风，日本已正式核准！", "approval_claim"),
    ("我们的间充质干细胞疗法治疗偏瘫已获美国FDA认证。", "approval_claim"),
    ("我們的間充質幹細胞療法治療半身不遂已獲衛福部核准。", "approval_claim"),
    ("本中心的干細胞中风技术已获国家药监局正式批准。", "approval_claim"),
    ("本院脐带干细胞治疗中风后遗症，国外已获批！", "approval_claim"),
    # designations and registrations as approval
    ("We use an I.N.D-cleared stem cell protocol for stroke.", "trial_as_approval"),
    ("We use an IND‑cleared stem cell protocol for stroke.", "trial_as_approval"),
    ("All stem cells come from our F.D.A-registered laboratory for stroke patients.", "trial_as_approval"),
    ("本中心为国家备案干细胞机构，放心治疗中风。", "trial_as_approval"),
    ("本中心為國家備案幹細胞機構，放心治療中風。", "trial_as_approval"),
    ("我们的干细胞疗法获得美国FDA快速通道资格，就等于已经获批，可以治疗中风。", "trial_as_approval"),
]

# Claims of the other categories, with evasions (caught once the efficacy, safety and commerce packs load)
EVASIVE += [
    ("Our stem cells c.u.r.e stroke for good.", "cure_claim"),
    ("Our stem cells CURE stroke permanently!", "cure_claim"),
    ("Our stem cells cure ＳＴＲＯＫＥ damage completely.", "cure_claim"),
    ("Our stem cells сure stroke.", "cure_claim"),  # Cyrillic с
    ("本院干细胞可以彻底治 愈中风后遗症。", "cure_claim"),
    ("本院干细胞可以彻底治-愈中风后遗症。", "cure_claim"),
    ("本院幹細胞可以徹底治癒中風後遺症。", "cure_claim"),
    ("本院幹細胞可以徹底治-癒腦中風後遺症。", "cure_claim"),
    ("本院干细胞可以根 治脑梗后遗症。", "cure_claim"),
    ("幹細胞療法根治腦中風後遺症，效果顯著！", "cure_claim"),
    ("Stem cell therapy with a ９５% success rate for stroke patients.", "success_rate"),
    ("Stem cell therapy with a 95 % success rate for stroke patients.", "success_rate"),
    ("本院干细胞治疗中风有效率高达百分之九十五。", "success_rate"),
    ("本院干细胞治疗中风有效率高达９５％。", "success_rate"),
    ("本院幹細胞治療中風有效率高達百分之九十。", "success_rate"),
    ("本院幹細胞治療中風有效率高達９８％！", "success_rate"),
    ("Stem cell therapy for stroke with no side effects at all.", "safety_absolute"),
    ("Stem cell therapy for stroke with ＮＯ side effects.", "safety_absolute"),
    ("Stem cell therapy for stroke: n0 side effects, no risk.", "safety_absolute"),
    ("本院干细胞治疗中风无 副 作 用。", "safety_absolute"),
    ("本院干细胞治疗中风无任何副作用，零风险。", "safety_absolute"),
    ("本院幹細胞治療中風零副作用、無風險。", "safety_absolute"),
    ("本院幹細胞治療中風，絕對安全無副作用。", "safety_absolute"),
    ("Stem cell treatment for stroke: results guaranteed or your money back.", "efficacy_guarantee"),
    ("本院干细胞治疗中风，无效退款！", "efficacy_guarantee"),
    ("本院幹細胞治療中風，無效退費！", "efficacy_guarantee"),
    ("本院干细胞治疗中风，保 证 有 效。", "efficacy_guarantee"),
    ("Our stem cells treat stroke, autism, MS, diabetes and aging.", "panacea"),
    ("本院干细胞包治百病：中风、糖尿病、抗衰老、癌症。", "panacea"),
    ("本院幹細胞包治百病：中風、糖尿病、抗衰老。", "panacea"),
    ("Join our patient-funded stem cell stroke study for a $25,000 enrolment fee.", "paid_trial"),
    ("参加本院干细胞治疗中风临床研究需缴纳研究费用5万元。", "paid_trial"),
    ("參加本院幹細胞治療中風臨床研究需自費繳納研究費用。", "paid_trial"),
    ("Stem cell stroke package: $18,500 including flights and hotel.", "price_tourism"),
    ("干细胞治疗中风套餐：一针9.8万元，含机票住宿。", "price_tourism"),
    ("幹細胞治療中風療程：每劑新台幣35萬元，含機票住宿。", "price_tourism"),
    ("Only 3 slots left this month for our stem cell stroke program!", "urgency"),
    ("干细胞治疗中风名额有限，仅剩3个名额，立即预约！", "urgency"),
    ("幹細胞治療中風名額有限，僅剩3個名額，立即預約！", "urgency"),
    ("After two stem cell injections, Mr. Li, 68, walked again after his stroke.", "testimonial"),
    ("张阿姨中风偏瘫三年，打了三针干细胞就能下地走路了。", "testimonial"),
    ("陳先生中風癱瘓兩年，打了三劑幹細胞後就能自己走路。", "testimonial"),
]

INNOCENT: list[str] = [
    "Alteplase (tPA) is an F.D.A-approved drug for acute ischemic stroke.",
    "tPA is an FDA approved stroke treatment when given within hours.",
    "Thrombectomy is an approved treatment for large-vessel stroke.",
    "Cord blood transplants are F.D.A approved for leukaemia and other blood cancers.",
    "Cord-blood stem cells are FDA-approved for certain blood disorders, not for stroke.",
    "Ryoncil, a stem cell product, is FDA approved for children with graft-versus-host disease.",
    "Japan approved Stemirac for spinal cord injury; it is not approved for stroke.",
    "No stem cell therapy is F D A approved for stroke.",
    "No stem-cell therapy has been approved for stroke by any regulator.",
    "Beware of clinics claiming F.D.A approval for stem cell stroke treatments.",
    "Is stem cell therapy for stroke approved in Japan? No.",
    "Fast Track designation does not mean the FDA has approved a stem cell product.",
    "In a phase 1 trial of 18 patients, stem cell implants improved motor scores, but there was no control group.",
    "Researchers hope stem cells may one day help repair stroke damage.",
    "Stroke rehabilitation helps many patients walk again after months of physiotherapy.",
    "Some clinics advertise a 95% success rate for stem cells, which regulators call misleading.",
    "If a clinic promises that stem cells cure stroke, walk away.",
    "A clinic's claim of no side effects should make you suspicious.",
    "Legitimate stem cell trials for stroke do not charge participants.",
    "Participation in the stem cell stroke study is free of charge.",
    "Call emergency services at once: in stroke, time lost is brain lost.",
    "阿替普酶是国家药监局批准的急性缺血性脑卒中溶栓药物。",
    "静脉溶栓是经批准的中风急性期治疗方法。",
    "造血干细胞移植已获批准用于治疗白血病等血液病。",
    "艾米迈托赛注射液获批用于急性移植物抗宿主病，并非中风。",
    "目前尚无任何干细胞疗法获 批 用于治疗中风。",
    "目前尚無任何幹細胞療法獲准治療中風。",
    "宣稱已獲國外批准的幹細胞中風療法，通常屬於誤導。",
    "对宣称干细胞能根治中风的机构要提高警惕。",
    "對宣稱幹細胞能根治中風的機構要提高警覺。",
    "干细胞治疗中风真的有效吗？",
    "幹細胞治療中風真的零副作用嗎？",
    "获得FDA快速通道资格并不等于获批上市。",
    "一项纳入23例患者的I期试验显示运动功能有所改善，但样本量小，尚需更大规模研究验证。",
    "本研究已完成备案，受试者无需支付任何费用。",
    "本試驗參與免費，需簽署受試者同意書。",
    "中风后尽快就医，溶栓有时间窗。",
    "復健治療能幫助許多中風患者重新走路。",
    "如果有机构承诺干细胞能治愈中风，请立即远离。",
    "某些机构声称有效率高达95%，被监管部门认定为违法广告。",
    "業者聲稱成功率九成，遭衛生局開罰。",
    "干细胞治疗中风有望在未来取得突破。",
]


@pytest.mark.parametrize(("text", "category"), EVASIVE)
def test_evasive_claim_is_caught(checker, text, category):
    report = checker.check_text(text)
    cats = [f.category for f in report.findings]
    assert category in cats, (cats, [(s.rule_id, s.reasons) for s in report.suppressed])
    for f in report.findings:
        assert text[f.start : f.end] == f.quote


@pytest.mark.parametrize("text", INNOCENT)
def test_innocent_look_alike_is_clean(checker, text):
    report = checker.check_text(text)
    assert not report.flagged, [(f.category, f.quote, f.rule_id) for f in report.findings]


def test_table_sizes():
    assert len(EVASIVE) >= 80 and len(INNOCENT) >= 40
