"""Static sentence vectors: shipped table, the teacher's segmentation, cross-language and cross-script sense."""

from __future__ import annotations

import numpy as np
import pytest

from claimcheck.errors import ModelError
from claimcheck.score import embed


@pytest.fixture(scope="module")
def table():
    return embed.default()


def test_vectors_are_scaled_means_and_deterministic(table):
    texts = ["Our stem cells repair the damaged brain.", "干细胞修复受损的大脑。", "", "!!!", "x" * 5000]
    a, b = table.embed(texts), table.embed(list(reversed(texts)))[::-1]
    assert a.shape == (5, table.dims) and a.dtype == np.float64
    assert np.array_equal(a, b)  # a text's vector does not depend on its batch neighbours
    norms = np.linalg.norm(a, axis=1)
    assert np.all((norms[[0, 1]] > 0.5) & (norms[[0, 1]] < 2.0)) and norms[2] == 0.0  # MEAN_SCALE: about unit length


def test_a_projection_equals_vectors_times_the_matrix_and_is_batch_invariant(table):
    """Scoring projects the piece table on the model once (embed.Projection): the same numbers as embedding
    every sentence and multiplying, without building the vectors."""
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(table.dims, 12))
    projection = table.projection(matrix)
    texts = ["Our stem cells repair the damaged brain.", "", "幹細胞治療中風已獲批准", "!!!", "x" * 3000] * 3
    together = projection(texts)
    assert np.allclose(together, table.embed(texts) @ matrix, rtol=1e-12, atol=1e-12)
    assert np.array_equal(together[:5], projection(texts[:5])) and np.array_equal(together[2:3], projection(texts[2:3]))


def test_meaning_carries_across_languages_and_scripts(table):
    v = table.embed(["stem cells cure autism", "干细胞可以治愈自闭症", "幹細胞可以治癒自閉症", "the clinic opens at nine on mondays"])
    sim = v @ v.T
    assert sim[1, 2] > 0.75  # the two Chinese scripts
    assert sim[0, 1] > sim[0, 3] + 0.2 and sim[0, 2] > sim[0, 3] + 0.2  # English and Chinese claim, not opening hours


def test_batches_larger_than_a_chunk_equal_one_by_one(table):
    texts = [f"Patient {i} walked again after {i % 7 + 1} infusions of cord-blood cells." for i in range(embed._CHUNK + 5)]
    together = table.embed(texts)
    apart = np.vstack([table.embed([t]) for t in texts[-3:]])
    assert np.allclose(together[-3:], apart, atol=1e-5)


def test_a_table_that_does_not_fit_the_segmenter_is_refused(tmp_path):
    bad = tmp_path / "pieces.npz"
    np.savez(bad, ids=np.array([10**7], dtype=np.int32), vectors=np.zeros((1, 4), np.int8), scale=np.ones(1, np.float32), logp=np.zeros(1, np.float32))
    with pytest.raises(ModelError):
        embed.PieceEmbedder(bad, embed.sp_model_path())
