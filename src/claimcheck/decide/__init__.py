"""Layer 3, decide: context cues and the decision that turns evidence into Findings."""
