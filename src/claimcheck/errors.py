"""One error hierarchy; the CLI and the service map these to exit codes and HTTP statuses in one place each."""

from __future__ import annotations


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
