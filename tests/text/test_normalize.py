"""Normalization keeps a map back to the original text, whatever it folds."""

from __future__ import annotations

import pytest

from claimcheck.text.normalize import fold, script_of


def _roundtrip(text: str, needle: str) -> str:
    f = fold(text)
    i = f.text.index(needle)
    return text[f.offsets[i] : f.offsets[i + len(needle) - 1] + 1]


@pytest.mark.parametrize(
    ("text", "needle", "original"),
    [
        ("Our F.D.A approved cells", "fda approved", "F.D.A approved"),
        ("Our F D A approved cells", "fda approved", "F D A approved"),
        ("ＦＤＡ认证", "fda认证", "ＦＤＡ认证"),
        ("F\u200bD\u200bA approved", "fda approved", "F\u200bD\u200bA approved"),
        ("彻底治 愈中风", "治愈中风", "治 愈中風".replace("風", "风")),
        ("幹細胞治療中風", "干细胞治疗中风", "幹細胞治療中風"),
        ("可以治-癒腦中風", "治愈脑中风", "治-癒腦中風"),
        ("аpproved by FDA", "approved by fda", "аpproved by FDA"),  # Cyrillic a
    ],
)
def test_fold_maps_back_to_original(text, needle, original):
    assert _roundtrip(text, needle) == original


def test_genuine_cyrillic_is_left_alone():
    assert fold("Одобрено").text == "одобрено"


def test_offsets_are_monotonic_and_in_range():
    text = "Ｓｔｅｍ　ｃｅｌｌｓ cure ｓｔｒｏｋｅ！ 幹細胞\u200b治療"
    f = fold(text)
    assert len(f.offsets) == len(f.text)
    assert list(f.offsets) == sorted(f.offsets)
    assert all(0 <= o < len(text) for o in f.offsets)


def test_script_detection():
    assert script_of("幹細胞治療中風的療效尚未獲得證實") == "Hant"
    assert script_of("干细胞治疗中风的疗效尚未获得证实") == "Hans"
    assert script_of("stem cells") == ""
