"""Layer 1, knowledge: dated, sourced facts; conditions (lexicons and facts per condition); jurisdictions."""
