#!/usr/bin/env bash
# Run every check: lint, then pytest (unit, property, app and browser tests).
# Normally called by `make test`, which prepares .venv first.
#
# Browser tests need Debian's chromium (default /usr/bin/chromium, override with XENT_CHROMIUM).
# If it is missing and we are root, it is installed with apt-get. If it is still missing:
#   CI=true  -> fail loudly;
#   else     -> print a banner and export XENT_SKIP_BROWSER=1 (browser tests are skipped).
# Extra pytest arguments: PYTEST_ARGS="-k smoke -x" make test
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -x .venv/bin/python ] || [ ! -x .venv/bin/ruff ]; then
    echo "error: .venv is missing or incomplete; run 'make test' (it creates the virtualenv)." >&2
    exit 1
fi

CHROMIUM="${XENT_CHROMIUM:-/usr/bin/chromium}"
export XENT_CHROMIUM="$CHROMIUM"

banner() {
    echo
    echo "################################################################################"
    for line in "$@"; do echo "#  $line"; done
    echo "################################################################################"
    echo
}

if [ ! -x "$CHROMIUM" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== $CHROMIUM not found; installing Debian's chromium with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update && apt-get install -y chromium || echo "warning: apt-get install chromium failed" >&2
fi

if [ ! -x "$CHROMIUM" ]; then
    if [ "${CI:-}" = "true" ]; then
        banner "ERROR: headless Chromium not found at $CHROMIUM." \
               "CI=true, so browser tests may not be skipped." \
               "Install it (apt-get install chromium, as root) or set XENT_CHROMIUM."
        exit 1
    fi
    banner "WARNING: headless Chromium not found at $CHROMIUM." \
           "BROWSER TESTS WILL BE SKIPPED." \
           "Install it with: sudo apt-get install chromium  (or set XENT_CHROMIUM)"
    export XENT_SKIP_BROWSER=1
fi

# --- PostgreSQL (class-session storage tests start a throwaway server from these binaries) ---
# Needs Debian's server package; installed with apt-get when we are root. Without it the
# PostgreSQL half of tests/test_classroom_store.py is skipped loudly (a failure under CI=true).
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 \
        && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== PostgreSQL server not found; installing Debian's postgresql with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update && apt-get install -y --no-install-recommends postgresql \
        || echo "warning: apt-get install postgresql failed" >&2
fi
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    if [ "${CI:-}" = "true" ]; then
        banner "ERROR: PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin)." \
               "CI=true, so the PostgreSQL storage tests may not be skipped." \
               "Install them: apt-get install postgresql (as root)."
        exit 1
    fi
    banner "WARNING: PostgreSQL server binaries not found." \
           "POSTGRESQL STORAGE TESTS WILL BE SKIPPED (SQLite still runs)." \
           "Install them with: sudo apt-get install postgresql"
fi

# PyTorch is optional (`make torch`): without it the live comparison is skipped, the committed
# references (tests/data/torch_references.json) are still checked. CI=true requires it.
if ! .venv/bin/python -c 'import importlib.util, sys; sys.exit(not importlib.util.find_spec("torch"))'; then
    if [ "${CI:-}" = "true" ]; then
        banner "ERROR: PyTorch is not installed in .venv." \
               "CI=true, so the live comparison with PyTorch may not be skipped." \
               "Install a CPU build with: make torch"
        exit 1
    fi
    banner "NOTE: PyTorch is not installed: the LIVE comparison with PyTorch WILL BE SKIPPED." \
           "xent_core is still checked against the committed PyTorch references." \
           "For the live comparison too: make torch  (a CPU build, about 190 MB)"
fi

echo "== ruff check"
.venv/bin/ruff check .

echo "== pytest"
# PYTEST_ARGS is deliberately word-split so several options can be given.
# shellcheck disable=SC2086
exec .venv/bin/python -m pytest ${PYTEST_ARGS:-}
