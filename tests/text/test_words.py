"""jieba with its dictionary installed from our own cache: same words, and the cache is really used."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SENTENCES = ["干细胞治疗中风已获国家批准", "本院有效率高达95%，无任何副作用。", "No Chinese here", "幹細胞療法"]

SCRIPT = """
import json, sys, jieba
if sys.argv[1] == "forbid-build":
    def refuse(self, dictionary=None):
        raise SystemExit("jieba built its dictionary although a cache was there")
    jieba.Tokenizer.initialize = refuse
from claimcheck.text.words import jieba_words
print(json.dumps([jieba_words(s) for s in json.loads(sys.argv[2])], ensure_ascii=False))
"""


def _run(cache, mode: str) -> list[list[str]]:
    env = {**os.environ, "CLAIMCHECK_CACHE_DIR": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, json.dumps(SENTENCES)], env=env, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert "Prefix dict" not in out.stderr  # jieba's progress lines are silenced
    return json.loads(out.stdout)


def test_words_equal_jieba_and_the_cache_is_used(tmp_path):
    import jieba

    expected = [jieba.lcut(s) for s in SENTENCES]
    assert _run(tmp_path, "build") == expected  # first run: jieba builds, we write the cache
    assert list(tmp_path.glob("jieba-*-prefix.marshal"))
    assert _run(tmp_path, "forbid-build") == expected  # second run: installed from our cache


def test_a_corrupt_cache_is_rebuilt(tmp_path):
    _run(tmp_path, "build")
    (path,) = tmp_path.glob("jieba-*-prefix.marshal")
    path.write_bytes(b"\x00garbage")
    assert _run(tmp_path, "build")[0] == ["干细胞", "治疗", "中风", "已获", "国家", "批准"]
    assert path.stat().st_size > 1_000_000
