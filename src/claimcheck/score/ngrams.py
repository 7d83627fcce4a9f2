"""Vocabulary columns of a batch's n-grams, computed with numpy over the whole batch.

scikit-learn's analyzers build every n-gram as a Python string and look it up in a dict: most of a check's
classifier time. Here each character (word, for the word branch) that occurs in some vocabulary term gets
a small integer id, an n-gram becomes one int64 key (its ids in base K), and the vocabulary is a sorted
key array: a batch's n-grams are a few array operations and one `searchsorted`. Characters outside every
vocabulary term get id 0, as do the separators placed between texts and words, and an n-gram holding a
0 is dropped: it cannot be a vocabulary term, and none crosses a text or (char_wb) word boundary. The
occurrences found are exactly those the Python analyzers in claimcheck.score.inference find (tested on
the whole corpus and on generated text); a branch whose keys would not fit in 63 bits, or whose vocabulary
holds the separator, keeps the Python analyzer.
"""

from __future__ import annotations

import re
from itertools import repeat
from typing import Any

import numpy as np

WHITE_SPACES = re.compile(r"\s\s+")  # as sklearn's _VectorizerMixin._white_spaces
_SEP = "\x00"
_MAX_KEY = 1 << 62


class NgramBranch:
    """One fitted n-gram branch (word, char or char_wb) as id tables and a sorted key array."""

    def __init__(self, spec: dict[str, Any], terms: np.ndarray, first_column: int) -> None:
        """`terms`: the branch's vocabulary as a numpy str array (index = column - first_column)."""
        self.analyzer = spec["analyzer"]
        self.min_n, self.max_n = (int(n) for n in spec["ngram_range"])
        self.lower = bool(spec["lowercase"])
        self.first_column = first_column
        if self.analyzer == "word":
            self._tokenize = re.compile(spec["token_pattern"]).findall
            keys = self._word_keys(terms.tolist())
        else:
            keys = self._char_keys(terms)
        if keys is None:
            self.supported = False
            return
        self.supported = True
        order = np.argsort(keys)
        # a sentinel key above every n-gram key ends the array, so a lookup never runs past the end
        self.sorted_keys = np.append(keys[order], np.iinfo(np.int64).max)
        self.sorted_columns = np.append(order + first_column, -1)

    def has_duplicates(self) -> bool:
        """Whether two terms share a key, i.e. the vocabulary holds a term twice (keys are one-to-one)."""
        return bool((self.sorted_keys[1:] == self.sorted_keys[:-1]).any())

    def _fits(self, units: int, longest: int) -> bool:
        """Set the base K (ids run from 1 to `units`) and say whether every key fits in 63 bits."""
        self.base = units + 1
        return longest <= self.max_n and self.base**self.max_n < _MAX_KEY

    def _word_keys(self, terms: list[str]) -> np.ndarray | None:
        parts = [term.split(" ") for term in terms]
        units = sorted({u for p in parts for u in p})
        if _SEP in units or not self._fits(len(units), max(map(len, parts), default=0)):
            return None
        self.unit_id = get = {u: n for n, u in enumerate(units, start=1)}
        ids = np.zeros((len(parts), self.max_n), dtype=np.int64)  # each term's word ids, then 0s
        for j in range(self.max_n):
            ids[:, j] = [get[p[j]] if j < len(p) else 0 for p in parts]
        keys = np.zeros(len(parts), dtype=np.int64)
        for j in range(self.max_n):  # Horner's rule over each term's words; the padding adds nothing
            keys = np.where(ids[:, j] > 0, keys * self.base + ids[:, j], keys)
        return keys

    def _char_keys(self, terms: np.ndarray) -> np.ndarray | None:
        """Keys of every term at once: numpy stores str arrays as UTF-32 code points padded with 0."""
        terms = np.asarray(terms, dtype=str)
        width = terms.dtype.itemsize // 4
        codes = terms.view(np.uint32).reshape(len(terms), width) if len(terms) and width else np.zeros((len(terms), 0), np.uint32)
        lengths = np.char.str_len(terms) if len(terms) else np.zeros(0, dtype=np.int64)
        present = codes > 0
        if (present.sum(axis=1) != lengths).any():  # a NUL inside a term: the separator
            return None
        units = np.unique(codes[present])
        if not self._fits(len(units), int(lengths.max(initial=0))):
            return None
        # code point -> id as one array: a batch's characters map in one `take` (the last entry, 0, for the rest)
        self.char_ids = np.zeros(int(units.max(initial=0)) + 2, dtype=np.int64)
        self.char_ids[units] = np.arange(1, len(units) + 1)
        ids = self.char_ids.take(codes)
        keys = np.zeros(len(terms), dtype=np.int64)
        for j in range(width):  # Horner's rule over each term's characters; the padding adds nothing
            keys = np.where(present[:, j], keys * self.base + ids[:, j], keys)
        return keys

    def occurrences(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(text index, vocabulary column) of every n-gram occurrence found in the vocabulary, as the
        fitted vectorizer counts them."""
        if self.lower:
            texts = [t.lower() for t in texts]
        if self.analyzer == "word":
            ids, owner = self._word_ids(texts)
        else:
            ids, owner = self._char_ids(texts)
        count = len(ids)
        if not count:
            return ids, ids
        # Row n-1 of `keys` holds the key of the n-gram of length n starting at each position (built from row
        # n-2); `good` says whether that n-gram holds no 0 (no unknown unit, no separator, not past the end).
        m, base = self.max_n, self.base
        padded = np.zeros(count + m - 1, dtype=np.int64)
        padded[:count] = ids
        known = padded > 0
        keys = np.empty((m, count), dtype=np.int64)
        good = np.empty((m, count), dtype=bool)
        keys[0], good[0] = ids, known[:count]
        for n in range(1, m):
            np.multiply(keys[n - 1], base, out=keys[n])
            keys[n] += padded[n : n + count]
            np.logical_and(good[n - 1], known[n : n + count], out=good[n])
        found = np.flatnonzero(good[self.min_n - 1 :])  # (n - min_n) * count + position
        key = keys[self.min_n - 1 :].ravel().take(found)
        slot = np.searchsorted(self.sorted_keys, key)  # the last key is a sentinel above every n-gram key
        hit = self.sorted_keys.take(slot) == key
        return owner.take(found[hit] % count), self.sorted_columns.take(slot[hit])

    def _char_ids(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Character ids of the batch, texts joined by the separator (char_wb: padded words too)."""
        if self.analyzer == "char":
            texts = [WHITE_SPACES.sub(" ", t) for t in texts]
        else:  # char_wb: n-grams of each whitespace-split word padded with one space on each side
            texts = [" " + " \x00 ".join(words) + " " if (words := t.split()) else "" for t in texts]
        joined = _SEP.join(texts)
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ids = self.char_ids.take(np.minimum(codes, len(self.char_ids) - 1))  # the last entry is 0: unknown
        owner = np.repeat(np.arange(len(texts), dtype=np.int64), [len(t) + 1 for t in texts])[: len(ids)]
        return ids, owner

    def _word_ids(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Token ids of the batch, each text's tokens followed by a separator 0."""
        tokenize, get = self._tokenize, self.unit_id.get
        tokens: list[str] = []
        counts = []
        for t in texts:
            found = tokenize(t)
            tokens += found
            tokens.append(_SEP)
            counts.append(len(found) + 1)
        ids = np.fromiter(map(get, tokens, repeat(0)), dtype=np.int64, count=len(tokens))
        owner = np.repeat(np.arange(len(texts), dtype=np.int64), counts)
        return ids, owner

