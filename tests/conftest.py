"""Shared fixtures: one real Checker for the session (real rules, facts and model)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def checker():
    from claimcheck import default_checker

    return default_checker()
