"""Layer 2, detect: the rule engine, the prefilter that picks which rules run, and rule example tests."""
