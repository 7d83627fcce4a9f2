"""Layer 2, score: the claim classifier (features, the numpy-only scorer, static sentence vectors)."""
