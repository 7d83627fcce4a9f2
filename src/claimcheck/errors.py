"""One error hierarchy; the CLI and the service map these to exit codes and HTTP statuses in one place each."""

from __future__ import annotations

# Exit codes of the `claimcheck` commands (README's table); the error classes below carry theirs.
EXIT_CLEAN = 0  # nothing flagged (audit: every page checked); facts --stale: no fact is stale
EXIT_FLAGGED = 1  # something flagged; facts --stale: some fact is past its recheck date
EXIT_USAGE = 2  # bad input or usage
EXIT_SOME_UNCHECKED = 5  # audit: nothing flagged, but some pages could not be checked
EXIT_NONE_CHECKED = 6  # audit: no page could be checked at all
EXIT_INTERNAL = 70  # a bug: one line, no traceback
EXIT_IO = 74  # the output could not be written
EXIT_INTERRUPTED = 130


class ClaimcheckError(Exception):
    """Base class of every error claimcheck raises on purpose."""

    exit_code = 2


class InputError(ClaimcheckError):
    """The input cannot be checked (empty, binary, undecodable, too large, unreadable)."""


class FetchError(ClaimcheckError):
    """A URL could not be fetched; `reason` is a short machine-readable code."""

    exit_code = 3

    def __init__(self, message: str, reason: str = "fetch_failed") -> None:
        super().__init__(message)
        self.reason = reason


class RuleError(ClaimcheckError):
    """A rule pack, lexicon or fact file is invalid."""

    exit_code = 4


class ModelError(ClaimcheckError):
    """The trained model is missing, untrusted or incompatible."""

    exit_code = 4
