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
from claimcheck.text.words import jieba_full, jieba_words
words = [jieba_words(s) for s in json.loads(sys.argv[2])]
if sys.argv[1] == "forbid-build":
    jieba_full()  # the sorted dictionary becomes a dict: same words
    assert isinstance(jieba.dt.FREQ, dict) and words == [jieba_words(s) for s in json.loads(sys.argv[2])]
print(json.dumps(words, ensure_ascii=False))
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
    assert list(tmp_path.glob("jieba-*-prefix.sorted"))
    assert _run(tmp_path, "forbid-build") == expected  # second run: installed from our cache


def test_a_corrupt_cache_is_rebuilt(tmp_path):
    _run(tmp_path, "build")
    (path,) = tmp_path.glob("jieba-*-prefix.sorted")
    path.write_bytes(b"\x00garbage")
    assert _run(tmp_path, "build")[0] == ["干细胞", "治疗", "中风", "已获", "国家", "批准"]
    assert path.stat().st_size > 1_000_000


def test_sorted_dictionary_answers_like_the_dict():
    from array import array

    from claimcheck.text.words import SortedFreq

    freq = {"干": 0, "干细胞": 120, "干细": 0, "中风": 300, "a": 5}
    keys = sorted(freq)
    sorted_freq = SortedFreq(keys, array("q", (freq[k] for k in keys)))
    for word in [*freq, "不在", "", "干细胞治疗", "z"]:
        assert (word in sorted_freq) == (word in freq)
        assert sorted_freq.get(word) == freq.get(word) and sorted_freq.get(word, 7) == freq.get(word, 7)
    assert sorted_freq.to_dict() == freq


def test_cache_file_round_trip_and_damage(tmp_path):
    from claimcheck.text.words import _encode, _read

    freq = {"干": 0, "干细胞": 120, "干细": 0, "中风": 300}
    path = tmp_path / "dict.sorted"
    path.write_bytes(_encode(freq, 420))
    loaded, total = _read(path)
    assert total == 420 and loaded.to_dict() == freq
    data = path.read_bytes()
    for damaged in (data[:-3], b"other" + data, data[:40]):
        path.write_bytes(damaged)
        assert _read(path) is None
