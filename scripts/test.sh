#!/usr/bin/env bash
# Run every check: lint, then pytest (unit, property, app, storage, classroom and browser tests).
# Normally called by `make test`, which prepares .venv first.
#
# What the tests need from outside the virtualenv, and what happens when it is missing:
#   Debian's chromium      browser tests        (XENT_CHROMIUM, default /usr/bin/chromium)
#   Debian's postgresql    the PostgreSQL half of the class-session storage tests
#   Debian's haproxy       the `make classroom` and deploy/ tests
#   npm (axe-core)         the accessibility browser tests (package-lock.json -> node_modules/)
#   PyTorch (`make torch`) the live comparison with PyTorch (committed references run anyway)
# As root, the missing Debian packages are installed with ONE apt-get call. Anything still
# missing: under CI=true the run fails loudly; otherwise a banner names the tests that skip.
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

have_chromium() { [ -x "$CHROMIUM" ]; }
have_postgresql() { ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; }
have_haproxy() { command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ]; }
have_npm() { command -v npm >/dev/null 2>&1; }

# --- Debian packages: one apt-get for everything missing ---------------------------------------
missing=()
have_chromium || missing+=(chromium)
have_postgresql || missing+=(postgresql)
have_haproxy || missing+=(haproxy)
have_npm || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Debian's ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update && apt-get install -y --no-install-recommends "${missing[@]}"; } \
        || echo "warning: apt-get install ${missing[*]} failed" >&2
fi

# require NAME "what skips" "how to install": fail under CI=true, else warn.
require() {
    if [ "${CI:-}" = "true" ]; then
        banner "ERROR: $1 not found." "CI=true, so $2 may not be skipped." "Install it: $3"
        exit 1
    fi
    banner "WARNING: $1 not found: $2 WILL BE SKIPPED." "Install it with: $3"
}

if ! have_chromium; then
    require "headless Chromium ($CHROMIUM)" "the browser tests" \
        "sudo apt-get install chromium  (or set XENT_CHROMIUM)"
    export XENT_SKIP_BROWSER=1
fi
have_postgresql || require "PostgreSQL server binaries (/usr/lib/postgresql/*/bin)" \
    "the PostgreSQL storage tests (SQLite still runs)" "sudo apt-get install postgresql"
have_haproxy || require "haproxy" "the make classroom and deploy/ tests" \
    "sudo apt-get install haproxy"

# --- axe-core (npm), from package-lock.json -----------------------------------------------------
# (Only once the project has a package-lock.json: `npm ci` fails without one.)
if [ -f package-lock.json ] && { [ ! -f node_modules/axe-core/axe.min.js ] \
        || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
    if have_npm; then
        echo "== npm ci (axe-core for the accessibility tests)"
        npm ci --no-audit --no-fund --loglevel=error
    else
        require "npm" "the axe-core accessibility tests" "sudo apt-get install npm"
    fi
fi

# --- PyTorch: optional (`make torch`); the committed references are checked without it -------
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
