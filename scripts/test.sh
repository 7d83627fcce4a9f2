#!/usr/bin/env bash
# Sets up (idempotently) and runs the whole test suite: the command README gives and .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=$(command -v python3.11 || command -v python3)
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# Browser tests drive Debian's chromium (never a downloaded browser); install it when we can.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "note: chromium could not be installed; browser tests will be skipped"
fi
.venv/bin/ruff check src tests benchmarks tools notebooks
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
