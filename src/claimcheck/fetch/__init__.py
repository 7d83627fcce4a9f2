"""Safe fetching, decoding and extraction of web pages (knows nothing of rules)."""
