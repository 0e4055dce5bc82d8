#!/usr/bin/env bash
# Run every check: lint, then pytest (unit, property, app and browser tests).
# Normally called by `make test`, which prepares .venv first.
#
# Browser tests need Debian's chromium (default /usr/bin/chromium, override with XENT_CHROMIUM).
# If it is missing and we are root, it is installed with apt-get. If it is still missing:
#   CI=true  -> fail loudly;
#   else     -> print a banner and export XENT_SKIP_BROWSER=1 (browser tests are skipped).
# The classroom and deploy tests need Debian's haproxy (tests/test_classroom.py, test_deploy.py):
# installed with apt-get when we are root; missing under CI=true -> fail; else those tests skip.
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

have_haproxy() { command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ]; }
if ! have_haproxy && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== haproxy not found; installing Debian's haproxy with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y haproxy || { apt-get update && apt-get install -y haproxy; } \
        || echo "warning: apt-get install haproxy failed" >&2
fi
if ! have_haproxy; then
    if [ "${CI:-}" = "true" ]; then
        banner "ERROR: haproxy not found." \
               "CI=true, so the classroom (make classroom) tests may not be skipped." \
               "Install it (apt-get install haproxy, as root)."
        exit 1
    fi
    banner "WARNING: haproxy not found: the make classroom tests will be skipped." \
           "Install it with: sudo apt-get install haproxy"
fi

echo "== ruff check"
.venv/bin/ruff check .

echo "== pytest"
# PYTEST_ARGS is deliberately word-split so several options can be given.
# shellcheck disable=SC2086
exec .venv/bin/python -m pytest ${PYTEST_ARGS:-}
