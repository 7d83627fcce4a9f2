"""Layer 4, training: the corpus, training and evaluation. They use the Checker, so they sit above it."""
