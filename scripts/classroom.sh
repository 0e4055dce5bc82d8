#!/usr/bin/env bash
# Serve the app to a class: one Streamlit process per core behind HAProxy, on one port.
# Normally called by `make classroom`, which prepares .venv first. Ctrl-C stops everything.
#
# Why several processes: every move of every student re-runs a page script inside one Python
# process, and the GIL keeps one process on one core. HAProxy (deploy/haproxy.cfg, the same file
# deploy/compose.yaml uses) spreads new students over the processes and keeps each student on
# its process (an affinity cookie), websockets included.
#
# Settings (environment variables; `make classroom` passes its variables through):
#   XENT_PORT=8501            the one port students open
#   XENT_LISTEN_ADDRESS=0.0.0.0  where HAProxy listens: 0.0.0.0 = every network interface, so
#                             students on the same network can connect; 127.0.0.1 = this machine
#   XENT_PROCESSES=<cores>    Streamlit processes (1-8; default: the number of cores, `nproc`)
#   XENT_BACKEND_PORT=<XENT_PORT+100>  first of the processes' ports (loopback only)
#   XENT_PIDFILE=<file>       if set, "<role> <pid>" lines of every process started (for tests)
#   XENT_HAPROXY=haproxy      the haproxy executable
# Extra arguments go to every `streamlit run` (e.g. --server.runOnSave false).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PORT="${XENT_PORT:-8501}"
LISTEN_ADDRESS="${XENT_LISTEN_ADDRESS:-0.0.0.0}"
PROCESSES="${XENT_PROCESSES:-$(nproc 2>/dev/null || echo 2)}"
BACKEND_PORT="${XENT_BACKEND_PORT:-$((PORT + 100))}"
HAPROXY="${XENT_HAPROXY:-haproxy}"
MAX_PROCESSES=8  # deploy/haproxy.cfg has slots XENT_APP_1..XENT_APP_8

die() { echo "classroom: error: $*" >&2; exit 1; }

[ -x .venv/bin/streamlit ] || die ".venv/bin/streamlit not found; run 'make classroom' (it creates the virtualenv)."
[[ "$PROCESSES" =~ ^[0-9]+$ ]] && [ "$PROCESSES" -ge 1 ] && [ "$PROCESSES" -le "$MAX_PROCESSES" ] \
    || die "XENT_PROCESSES must be 1 to $MAX_PROCESSES (got '$PROCESSES')."

# HAProxy: Debian's package. Installed here when we are root (as scripts/test.sh does for chromium).
if ! command -v "$HAPROXY" >/dev/null 2>&1 && [ -x /usr/sbin/haproxy ]; then
    HAPROXY=/usr/sbin/haproxy  # non-root shells often lack /usr/sbin in PATH
fi
if ! command -v "$HAPROXY" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== haproxy not found; installing Debian's haproxy with apt-get"
        DEBIAN_FRONTEND=noninteractive apt-get install -y haproxy \
            || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y haproxy; } \
            || die "apt-get install haproxy failed."
        HAPROXY=/usr/sbin/haproxy
    else
        die "HAProxy is not installed. Install it with: sudo apt-get install haproxy
       (or serve one process with 'make run')."
    fi
fi

PIDS=()
record() {  # record <role> <pid>
    PIDS+=("$2")
    if [ -n "${XENT_PIDFILE:-}" ]; then echo "$1 $2" >> "$XENT_PIDFILE"; fi
}
STOPPING=0
stop_all() {
    [ "$STOPPING" = 1 ] && return
    STOPPING=1
    trap - INT TERM
    if [ "${#PIDS[@]}" -gt 0 ]; then
        echo "== classroom: stopping ${PIDS[*]}"
        kill -TERM "${PIDS[@]}" 2>/dev/null || true
        for _ in $(seq 1 100); do  # up to 10 s, then force
            alive=0
            for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
            [ "$alive" = 0 ] && break
            sleep 0.1
        done
        kill -KILL "${PIDS[@]}" 2>/dev/null || true
        wait 2>/dev/null || true
    fi
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT
if [ -n "${XENT_PIDFILE:-}" ]; then : > "$XENT_PIDFILE"; fi

# All processes sign their cookies (XSRF token) with one secret, so any of them accepts them.
COOKIE_SECRET="$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
export STREAMLIT_SERVER_COOKIE_SECRET="$COOKIE_SECRET"
export XENT_COOKIE_KEY="$COOKIE_SECRET"
export XENT_LISTEN="$LISTEN_ADDRESS:$PORT"
# The processes' own "You can now view..." URLs are loopback back ends, not for students.
export STREAMLIT_LOGGER_HIDE_WELCOME_MESSAGE=true

for i in $(seq 1 "$PROCESSES"); do
    port=$((BACKEND_PORT + i - 1))
    export "XENT_APP_$i=127.0.0.1:$port"
    .venv/bin/streamlit run app.py \
        --server.port "$port" --server.address 127.0.0.1 --server.headless true \
        --server.fileWatcherType none --browser.gatherUsageStats false "$@" &
    record "streamlit$i" $!
done

echo "== classroom: waiting for $PROCESSES Streamlit processes (ports $BACKEND_PORT-$((BACKEND_PORT + PROCESSES - 1)))"
# Up to 60 s for every process to answer its health check (one exits: stop all).
.venv/bin/python - "$BACKEND_PORT" "${PIDS[@]}" <<'PY' || die "the Streamlit processes did not start (see above)."
import os, sys, time, urllib.request
base, pids = int(sys.argv[1]), [int(p) for p in sys.argv[2:]]
waiting = dict(enumerate(pids))
deadline = time.monotonic() + 60
while waiting and time.monotonic() < deadline:
    for i, pid in list(waiting.items()):
        try:
            os.kill(pid, 0)
        except OSError:
            sys.exit(f"classroom: Streamlit process {i + 1} (port {base + i}) exited")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{base + i}/_stcore/health", timeout=1) as r:
                if r.read().strip() == b"ok":
                    del waiting[i]
        except OSError:
            continue
        if i not in waiting:
            # Run app.py once before any student (as scripts/run.sh's warm-up does): a fresh
            # server's first session decides Streamlit's legacy pages/ mode. Needs
            # server.scriptHealthCheckEnabled; without it this is a harmless 404.
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{base + i}/_stcore/script-health-check",
                                       timeout=30).read()
            except OSError:
                pass
    time.sleep(0.2)
sys.exit(f"classroom: not healthy after 60 s: ports {[base + i for i in waiting]}" if waiting else 0)
PY

"$HAPROXY" -c -q -f deploy/haproxy.cfg || die "deploy/haproxy.cfg does not check out (see above)."
"$HAPROXY" -db -f deploy/haproxy.cfg &
record haproxy $!

echo
echo "  Cross-Entropy Lab for the class: $PROCESSES Streamlit processes behind HAProxy."
echo "  On this machine:     http://127.0.0.1:$PORT"
if [ "$LISTEN_ADDRESS" = "0.0.0.0" ]; then
    for ip in $(hostname -I 2>/dev/null); do
        case "$ip" in *:*) ;; *) echo "  Students open:       http://$ip:$PORT" ;; esac
    done
fi
echo "  Ctrl-C stops the class server."
echo

# Run until Ctrl-C, or until any process we started dies (then stop the rest).
set +e
wait -n "${PIDS[@]}"
status=$?
if [ "$STOPPING" = 0 ]; then
    echo "classroom: a process exited (status $status); stopping the others." >&2
fi
exit "$status"
