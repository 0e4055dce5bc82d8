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

# axe-core (npm) for the accessibility browser test: installed from package-lock.json.
# Needs node and npm (Debian: apt-get install nodejs npm); without them that test is skipped
# locally and fails under CI=true.
if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== npm not found; installing Debian's nodejs and npm with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update && apt-get install -y nodejs npm || echo "warning: apt-get install npm failed" >&2
    fi
    if command -v npm >/dev/null 2>&1; then
        echo "== npm ci (axe-core for the accessibility test)"
        npm ci --no-audit --no-fund --loglevel=error
    elif [ "${CI:-}" = "true" ]; then
        banner "ERROR: npm not found; CI=true needs it for axe-core (apt-get install npm)."
        exit 1
    else
        banner "WARNING: npm not found: the axe-core accessibility test will be skipped." \
               "Install it with: sudo apt-get install npm"
    fi
fi

echo "== ruff check"
.venv/bin/ruff check .

echo "== pytest"
# PYTEST_ARGS is deliberately word-split so several options can be given.
# shellcheck disable=SC2086
exec .venv/bin/python -m pytest ${PYTEST_ARGS:-}
