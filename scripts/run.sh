#!/usr/bin/env bash
# Start the Streamlit app (normally via `make run`, which prepares .venv first).
# Extra arguments are passed to `streamlit run`, e.g. scripts/run.sh --server.port 8600
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -x .venv/bin/streamlit ]; then
    echo "error: .venv/bin/streamlit not found; run 'make run' (it creates the virtualenv)." >&2
    exit 1
fi

exec .venv/bin/streamlit run app.py "$@"
