"""Reproducible generator of clinic-like pages (mixed English and Chinese) for the benchmarks."""

from __future__ import annotations

import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FILLER_EN = [
    "Our clinic is open Monday to Saturday from 9 am to 6 pm, and parking is free for patients.",
    "The hospital cafeteria serves breakfast, lunch and dinner for visitors and staff.",
    "Physiotherapy sessions focus on balance, walking and everyday tasks such as dressing.",
    "Please bring your identity card, insurance details and a list of current medicines.",
    "Our team includes neurologists, nurses, therapists and a dietitian who work together.",
    "Home | About us | Services | Team | Blog | Contact | Privacy policy | Terms of use",
    "Sign up for our newsletter to receive health tips, events and news from the centre.",
    "The new wing has twenty single rooms, a gym and a garden for rehabilitation walks.",
    "Blood pressure control, exercise and a balanced diet lower the risk of many diseases.",
    "We accept most major insurance plans; ask our front desk about payment options.",
]
FILLER_ZH = [
    "本院门诊时间为周一至周六上午八点至下午五点，节假日另行通知。",
    "医院地址位于市中心人民路一百号，乘坐地铁二号线可直达。",
    "康复科提供平衡训练、步行训练和日常生活能力训练等服务。",
    "就诊时请携带身份证、医保卡以及既往病历和检查报告。",
    "首页｜关于我们｜科室介绍｜专家团队｜健康资讯｜联系我们",
    "欢迎关注我们的公众号，获取最新的健康知识和医院动态。",
    "住院部设有单人间和双人间，配备独立卫生间和空调。",
    "本院診所位於台北市信義區，週一至週五上午九點至下午六點看診。",
    "復健中心提供物理治療、職能治療與語言治療等服務。",
    "飲食均衡、規律運動與控制血壓，有助於降低多種疾病的風險。",
]


def _corpus_sentences() -> list[str]:
    out = []
    for path in sorted((ROOT / "corpora" / "sentences").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line)["text"])
    return out


def pages(total_chars: int, seed: int = 7, claim_share: float = 0.08, unique: bool = False) -> list[str]:
    """Pages of ~2-8 KB: mostly ordinary site text, with corpus sentences (claims and warnings) mixed in.

    The ordinary text repeats as a site's menus and footers do; with `unique`, every line of it gets a
    different reference number, so no per-line cache can help (a harder, less realistic variant).
    """
    rng = random.Random(seed)
    corpus = _corpus_sentences()
    result: list[str] = []
    size = 0
    while size < total_chars:
        zh = rng.random() < 0.5
        filler = FILLER_ZH if zh else FILLER_EN
        lines = []
        for _ in range(rng.randint(20, 70)):
            if rng.random() < claim_share:
                lines.append(rng.choice(corpus))
            else:
                line = rng.choice(filler)
                if unique:
                    ref = rng.randrange(10**6)
                    line = f"{line[:-1]}（编号{ref}）{line[-1]}" if zh else f"{line} (ref. {ref})"
                lines.append(line)
        page = "\n".join(lines)
        result.append(page)
        size += len(page)
    return result
