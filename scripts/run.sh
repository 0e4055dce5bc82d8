#!/usr/bin/env bash
# Start the Streamlit app (normally via `make run`, which prepares .venv first).
# Extra arguments are passed to `streamlit run`, e.g. scripts/run.sh --server.port 8600
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -x .venv/bin/streamlit ]; then
    echo "error: .venv/bin/streamlit not found; run 'make run' (it creates the virtualenv)." >&2
    exit 1
fi

# Where the server will listen, for the start-up warm-up (scripts/warm_up.py explains why).
port=8501
address=127.0.0.1
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[$i]}" in
        --server.port=*) port="${args[$i]#*=}" ;;
        --server.port) port="${args[$((i + 1))]:-$port}" ;;
        --server.address=*) address="${args[$i]#*=}" ;;
        --server.address) address="${args[$((i + 1))]:-$address}" ;;
    esac
done
case "$address" in 0.0.0.0 | "::" | "") address=127.0.0.1 ;; esac

.venv/bin/python scripts/warm_up.py "http://$address:$port" >/dev/null 2>&1 &
exec .venv/bin/streamlit run app.py "$@"
